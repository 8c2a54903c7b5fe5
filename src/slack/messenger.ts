/** The Messenger port over Slack's Web API: renders each step, posts it tagged with metadata, classifies failures. */
import type { WebClient } from '@slack/web-api';
import { DeliveryError, type HostNotice, type Messenger, type SessionSnapshot } from '../app/ports.ts';
import type { Step } from '../db/step-repository.ts';
import type { Session } from '../domain/session.ts';
import { buildSummary } from '../domain/summary.ts';
import { METADATA_EVENT_TYPE } from './ids.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import type { SlackMessage } from './views/message.ts';
import { renderPhaseMessage, renderWarningMessage } from './views/phase-message.ts';
import { renderSessionMessage } from './views/session-message.ts';
import { renderSummary } from './views/summary-message.ts';

const PERMANENT_CHANNEL = new Set(['channel_not_found', 'is_archived']);
const AUTH_GONE = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'team_access_not_granted']);
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);
/** Without a history scope we cannot look for an earlier post: delivery falls back to at-least-once. */
const NO_LOOKUP = new Set(['missing_scope', 'not_allowed_token_type', 'method_not_supported_for_channel_type']);

/** Maps anything the WebClient throws to what the dispatcher should do about it. */
export function classifySlackError(error: unknown): DeliveryError {
  const e = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number };
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return new DeliveryError('rate_limited', 'ratelimited', { retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 });
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      if (code === 'not_in_channel') return new DeliveryError('not_in_channel', code);
      if (PERMANENT_CHANNEL.has(code)) return new DeliveryError('channel_gone', code);
      if (AUTH_GONE.has(code)) return new DeliveryError('auth_revoked', code);
      if (code === 'ratelimited') return new DeliveryError('rate_limited', code, { retryAfterMs: 1000 });
      if (TRANSIENT.has(code)) return new DeliveryError('transient', code, { maybeDelivered: true });
      return new DeliveryError('rejected', code);
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      if (status >= 500) return new DeliveryError('transient', `http_${status}`, { maybeDelivered: true });
      return new DeliveryError('rejected', `http_${status}`);
    }
    default:
      // Network failures and timeouts: the request may have reached Slack before the connection broke.
      return new DeliveryError('transient', e?.code ?? (error instanceof Error ? error.message : 'unknown'), { maybeDelivered: true });
  }
}

/** Renders one part of a step. Pure apart from the clock value passed in. */
export function renderStep(snapshot: SessionSnapshot, step: Step, now: number): SlackMessage[] {
  const { session } = snapshot;
  switch (step.kind) {
    case 'root':
      return [renderSessionMessage(snapshot, now)];
    case 'phase':
      return [renderPhaseMessage(session, step.phaseIndex ?? 0, step.dueAt, now)];
    case 'warning':
      return [renderWarningMessage(session, step.phaseIndex ?? 0, step.dueAt, now)];
    case 'summary':
      return renderSummary(
        buildSummary({
          topic: session.topic,
          hostId: session.hostId,
          interviewers: session.interviewers,
          participants: snapshot.participants,
          phases: session.phases,
          startedAt: session.createdAt,
          endedAt: session.endedAt ?? step.dueAt,
          endReason: session.endReason,
          notes: snapshot.notes,
        }),
      );
  }
}

interface TaggedMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export function createSlackMessenger(client: WebClient): Messenger {
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classifySlackError(error);
    }
  }

  function isOurs(message: TaggedMessage, step: Step, part: number): boolean {
    const payload = message.metadata?.event_type === METADATA_EVENT_TYPE ? message.metadata.event_payload : undefined;
    return payload?.step_id === step.id && payload?.part === part;
  }

  async function lookup(session: Session, step: Step, part: number): Promise<string | undefined> {
    let cursor: string | undefined;
    do {
      const page = (await (step.kind === 'root' || !session.rootTs
        ? client.conversations.history({
            channel: session.channelId,
            oldest: String(Math.floor(session.createdAt / 1000) - 60),
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          })
        : client.conversations.replies({
            channel: session.channelId,
            ts: session.rootTs,
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          }))) as { messages?: TaggedMessage[]; response_metadata?: { next_cursor?: string } };
      const found = page.messages?.find((m) => isOurs(m, step, part));
      if (found?.ts) return found.ts;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return undefined;
  }

  return {
    partsOf(snapshot, step, now) {
      return renderStep(snapshot, step, now).length;
    },

    async post(snapshot, step, part, now) {
      const message = renderStep(snapshot, step, now)[part];
      if (!message) throw new DeliveryError('rejected', `no part ${part}`);
      const { session } = snapshot;
      const thread = step.kind === 'root' ? {} : session.rootTs ? { thread_ts: session.rootTs } : {};
      const result = await call(() =>
        client.chat.postMessage({
          channel: session.channelId,
          text: message.text,
          blocks: message.blocks,
          ...thread,
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: METADATA_EVENT_TYPE, event_payload: { session_id: session.id, step_id: step.id, part } },
        }),
      );
      if (!result.ts) throw new DeliveryError('transient', 'no_ts', { maybeDelivered: true });
      return result.ts;
    },

    async find(snapshot, step, part) {
      try {
        return await lookup(snapshot.session, step, part);
      } catch (error) {
        const classified = classifySlackError(error);
        if (classified.kind === 'rejected' && NO_LOOKUP.has(classified.code)) return undefined;
        throw classified;
      }
    },

    async updateRoot(snapshot, now) {
      const { session } = snapshot;
      if (!session.rootTs) return;
      const message = renderSessionMessage(snapshot, now);
      await call(() => client.chat.update({ channel: session.channelId, ts: session.rootTs ?? '', text: message.text, blocks: message.blocks }));
    },

    async permalink(channelId, ts) {
      const result = await call(() => client.chat.getPermalink({ channel: channelId, message_ts: ts }));
      return result.permalink;
    },

    async join(channelId) {
      try {
        await client.conversations.join({ channel: channelId });
        return true;
      } catch {
        return false;
      }
    },

    async tellHost(session: Session, notice: HostNotice) {
      const topic = escapeMrkdwn(session.topic);
      const text =
        notice.kind === 'not_in_channel'
          ? `Your mock interview *${topic}* is paused: I can't post in <#${session.channelId}> because I'm not a member. Invite me there with \`/invite @mockdesign\`, then run \`/mockdesign resume\` in that channel.`
          : `Your mock interview *${topic}* stopped: its channel is ${notice.code === 'is_archived' ? 'archived' : 'no longer available'}. Notes taken so far are kept.`;
      await call(() => client.chat.postMessage({ channel: session.hostId, text }));
    },
  };
}
