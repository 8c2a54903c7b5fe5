/** Sends slash commands, interactions and events to an app signed exactly the way Slack signs them. */
import { createHmac } from 'node:crypto';

export interface SignedClientOptions {
  /** Where the app listens, e.g. http://127.0.0.1:3000/slack/events */
  appUrl: string;
  signingSecret: string;
  /** Seconds since the epoch used for X-Slack-Request-Timestamp; lets tests send stale requests. */
  nowSec?: () => number;
}

export interface AppResponse {
  status: number;
  text: string;
  json: unknown | undefined;
}

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  channel_name?: string;
  team_id: string;
  trigger_id?: string;
  response_url?: string;
  enterprise_id?: string;
  api_app_id?: string;
}

export interface SignedClient {
  slashCommand(fields: SlashCommandFields): Promise<AppResponse>;
  interactive(payload: object): Promise<AppResponse>;
  event(envelope: object, headers?: { retryNum?: number; retryReason?: string }): Promise<AppResponse>;
  raw(body: string, contentType: string, headers?: Record<string, string>): Promise<AppResponse>;
}

/** Slack's v0 request signature: 'v0=' + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`. */
export function slackSignature(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

/** A POST as Slack sends it: signed for `timestampSec`. Extra headers win over the computed ones. */
export function signedRequest(signingSecret: string, timestampSec: number, body: string, contentType: string, extra: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: {
      'Content-Type': contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'X-Slack-Request-Timestamp': String(timestampSec),
      'X-Slack-Signature': slackSignature(signingSecret, timestampSec, body),
      ...extra,
    },
    body,
  };
}

/** A slash command's form body, with the keys Slack always sends (even when empty) filled in. */
export function slashCommandBody(fields: SlashCommandFields): string {
  const form = new URLSearchParams();
  const full: Record<string, string | undefined> = {
    token: 'deprecated-verification-token', team_domain: 'sandbox', channel_name: 'general', user_name: fields.user_id,
    api_app_id: 'A0SANDBOX', is_enterprise_install: 'false', trigger_id: '', response_url: '', ...fields,
  };
  for (const [key, value] of Object.entries(full)) if (value !== undefined) form.set(key, value);
  return form.toString();
}

export function createSignedClient(opts: SignedClientOptions): SignedClient {
  const nowSec = opts.nowSec ?? (() => Math.floor(Date.now() / 1000));

  /** Extra headers win over the computed ones so tests can send a forged signature or timestamp. */
  async function send(body: string, contentType: string, extra: Record<string, string> = {}): Promise<AppResponse> {
    const response = await fetch(opts.appUrl, signedRequest(opts.signingSecret, nowSec(), body, contentType, extra));
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }

  return {
    slashCommand(fields) {
      return send(slashCommandBody(fields), 'application/x-www-form-urlencoded');
    },
    interactive(payload) {
      return send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    },
    event(envelope, headers = {}) {
      const extra: Record<string, string> = {};
      if (headers.retryNum !== undefined) extra['X-Slack-Retry-Num'] = String(headers.retryNum);
      if (headers.retryReason !== undefined) extra['X-Slack-Retry-Reason'] = headers.retryReason;
      return send(JSON.stringify(envelope), 'application/json', extra);
    },
    raw(body, contentType, headers = {}) {
      return send(body, contentType, headers);
    },
  };
}
