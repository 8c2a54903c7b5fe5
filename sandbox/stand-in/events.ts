/**
 * Events API envelopes the stand-in sends on its own (app_uninstalled, tokens_revoked, or any event a test hands
 * it), shaped like Slack's, and their delivery: signed HTTP to the app's Request URL, a Socket Mode envelope, or a
 * function of the test's.
 */
import { randomBytes } from 'node:crypto';
import { slackSignature } from '../signed-client.ts';
import type { SocketModeStandIn } from './socket-mode.ts';

/** Slack still puts the legacy verification token in every envelope; apps that check signatures ignore it. */
export const VERIFICATION_TOKEN = 'deprecated-verification-token';

/** Where events go. Unset: they are only recorded (`sentEvents`) and emitted ('slack_event'). */
export type EventDeliveryTarget =
  /** Signed POST (v0 signature) to the app's Request URL, e.g. http://127.0.0.1:3000/slack/events. */
  | { url: string; signingSecret: string; timeoutMs?: number }
  /** An `events_api` envelope on the stand-in's Socket Mode connection. */
  | { socketMode: true; timeoutMs?: number }
  /** Anything else: the function delivers the envelope and resolves with the app's answer. */
  | ((envelope: Record<string, unknown>) => Promise<unknown>);

export interface EventDelivery {
  envelope: Record<string, unknown>;
  /** The app acknowledged it (HTTP 2xx, a Socket Mode ack, or the function resolved). False when nothing was configured. */
  delivered: boolean;
  /** HTTP status of the app's answer. */
  status?: number;
  /** What went wrong (a timeout, a refused connection, an HTTP error, no delivery configured). */
  error?: string;
  /** The app's answer: response body, ack payload, or the function's result. */
  ack?: unknown;
}

/** Who the event is for: the installation it is delivered to. */
export interface EventAudience {
  appId: string;
  /** The workspace the event happened in; for an org-wide install's own lifecycle, the organization's id. */
  teamId: string;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  /** The installation's bot user. */
  botUserId: string;
  /** `authorizations[0].team_id`: the workspace, or null for an org-wide install's own lifecycle events. */
  authorizationTeamId: string | null;
  /** The event happened in a channel shared with another organization. */
  isExtSharedChannel?: boolean;
}

/** The Events API envelope (`event_callback`) around one event, with a fresh event_id, as Slack sends it. */
export function eventEnvelope(audience: EventAudience, event: Record<string, unknown>, nowMs: number): Record<string, unknown> {
  const envelope: Record<string, unknown> = {
    token: VERIFICATION_TOKEN,
    team_id: audience.teamId,
  };
  if (audience.enterpriseId) envelope.enterprise_id = audience.enterpriseId;
  Object.assign(envelope, {
    context_team_id: audience.authorizationTeamId,
    context_enterprise_id: audience.enterpriseId,
    api_app_id: audience.appId,
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
    event_time: Math.floor(nowMs / 1000),
    authorizations: [
      {
        enterprise_id: audience.enterpriseId, team_id: audience.authorizationTeamId, user_id: audience.botUserId, is_bot: true,
        is_enterprise_install: audience.isEnterpriseInstall,
      },
    ],
    is_ext_shared_channel: audience.isExtSharedChannel ?? false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  });
  return envelope;
}

/** Sends one envelope the configured way and reports what came back; never throws. */
export async function deliverEvent(
  target: EventDeliveryTarget | undefined,
  envelope: Record<string, unknown>,
  socketMode: SocketModeStandIn,
): Promise<EventDelivery> {
  if (!target) return { envelope, delivered: false, error: 'no_event_delivery_configured' };
  try {
    if (typeof target === 'function') {
      const ack = await target(envelope);
      return { envelope, delivered: true, ack };
    }
    if ('socketMode' in target) {
      const ack = await socketMode.send('events_api', envelope, target.timeoutMs === undefined ? {} : { timeoutMs: target.timeoutMs });
      return { envelope, delivered: true, ack: ack.payload };
    }
    const body = JSON.stringify(envelope);
    // The signature's timestamp is real time: Bolt refuses requests more than five minutes off its own clock.
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        'X-Slack-Request-Timestamp': String(timestamp),
        'X-Slack-Signature': slackSignature(target.signingSecret, timestamp, body),
      },
      body,
      // Slack gives up on an event after 3 seconds.
      signal: AbortSignal.timeout(target.timeoutMs ?? 3000),
    });
    const text = await response.text();
    const ok = response.status >= 200 && response.status < 300;
    return { envelope, delivered: ok, status: response.status, ack: text, ...(ok ? {} : { error: `http_${response.status}` }) };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    return { envelope, delivered: false, error: name === 'TimeoutError' ? 'timeout' : err instanceof Error ? err.message : String(err) };
  }
}
