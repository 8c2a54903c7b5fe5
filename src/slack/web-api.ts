/**
 * A lean Web API client for the delivery path: one keep-alive connection pool, one JSON body, one parse.
 *
 * Why not @slack/web-api here: measured under a burst of posts, its per-call overhead was most of the app's CPU
 * (it serialises and redacts every request and response for a debug log line even when debug is off, encodes
 * blocks into a form body, and builds an AbortController and result wrapper per call). The dispatcher retries,
 * paces and classifies failures itself, so none of the WebClient's machinery is needed on this path. Listeners
 * keep Bolt's WebClient, where a call is one per user action.
 *
 * Errors are thrown with the `code`s @slack/web-api uses, so one classifier (messenger.ts) reads both.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface SlackApiOptions {
  /** Base URL ending in a slash, e.g. https://slack.com/api/ */
  readonly baseUrl: string;
  /** Token used when a call names none. */
  readonly token?: string | undefined;
  readonly timeoutMs: number;
  /** Connections kept open to Slack at most; calls beyond it queue in the agent. */
  readonly maxSockets?: number;
}

export type SlackArgs = Record<string, unknown>;

export interface SlackApi {
  call<T extends { ok: boolean } = { ok: boolean } & Record<string, unknown>>(method: string, args: SlackArgs, token?: string): Promise<T>;
  close(): void;
}

/** An error with the shape @slack/web-api gives its own, so existing classification applies unchanged. */
export class SlackApiError extends Error {
  override readonly name = 'SlackApiError';
  readonly code: SlackApiErrorCode;
  readonly data: { ok: false; error: string } | undefined;
  readonly retryAfter: number | undefined;
  readonly statusCode: number | undefined;
  readonly original: unknown;
  constructor(
    code: SlackApiErrorCode,
    message: string,
    extra: { data?: { ok: false; error: string }; retryAfter?: number; statusCode?: number; original?: unknown } = {},
  ) {
    super(message);
    this.code = code;
    this.data = extra.data;
    this.retryAfter = extra.retryAfter;
    this.statusCode = extra.statusCode;
    this.original = extra.original;
  }
}

type SlackApiErrorCode = 'slack_webapi_platform_error' | 'slack_webapi_rate_limited_error' | 'slack_webapi_http_error' | 'slack_webapi_request_error';

/**
 * Methods Slack documents as accepting a JSON body (write methods). Read methods take a form body, with
 * object-valued arguments JSON-encoded into their field, as Slack's own SDKs send them.
 */
const JSON_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'chat.delete', 'conversations.join', 'views.open', 'views.publish', 'views.update', 'views.push']);

function formBody(args: SlackArgs): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    form.append(key, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
  }
  return form.toString();
}

/** Retry-After in seconds, at least one (Slack sends whole seconds). */
function retryAfterSeconds(res: IncomingMessage): number {
  const value = Number(res.headers['retry-after']);
  return Number.isFinite(value) && value > 0 ? value : 1;
}

export function createSlackApi(options: SlackApiOptions): SlackApi {
  const base = new URL(options.baseUrl);
  const secure = base.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, maxFreeSockets: options.maxSockets ?? 256, scheduling: 'lifo' as const };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const send = secure ? httpsRequest : httpRequest;

  return {
    call<T extends { ok: boolean }>(method: string, args: SlackArgs, token = options.token): Promise<T> {
      const json = JSON_METHODS.has(method);
      const body = json ? JSON.stringify(args) : formBody(args);
      const headers: Record<string, string | number> = {
        'content-type': json ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
      };
      if (token) headers.authorization = `Bearer ${token}`;
      const url = new URL(method, base);

      return new Promise<T>((resolve, reject) => {
        const req = send(url, { method: 'POST', agent, headers, timeout: options.timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(new SlackApiError('slack_webapi_request_error', `${method}: ${error.message}`, { original: error })));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status === 429) {
              const retryAfter = retryAfterSeconds(res);
              reject(new SlackApiError('slack_webapi_rate_limited_error', `${method}: rate limited, retry after ${retryAfter} s`, { retryAfter }));
              return;
            }
            if (status !== 200) {
              reject(new SlackApiError('slack_webapi_http_error', `${method}: HTTP ${status}`, { statusCode: status }));
              return;
            }
            let result: T & { error?: string };
            try {
              result = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T & { error?: string };
            } catch {
              reject(new SlackApiError('slack_webapi_http_error', `${method}: the answer was not JSON`, { statusCode: status }));
              return;
            }
            if (result.ok) resolve(result);
            else {
              const error = typeof result.error === 'string' ? result.error : 'unknown_error';
              reject(new SlackApiError('slack_webapi_platform_error', `${method}: ${error}`, { data: { ok: false, error } }));
            }
          });
        });
        // The request may have reached Slack: a timeout is a post in doubt, never "not sent".
        req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
        req.on('error', (error) => reject(new SlackApiError('slack_webapi_request_error', `${method}: ${error.message}`, { original: error })));
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
