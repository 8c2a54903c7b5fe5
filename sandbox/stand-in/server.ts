/** A local stand-in for Slack's Web API and response_url webhooks that refuses what Slack refuses. */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BadRequest, mediaType, param, parseParams, readBody, sendJson, sendText } from './http.ts';
import type { Params } from './http.ts';
import { answerResponseUrl } from './response-url.ts';
import { createSocketModeEndpoint } from './socket-mode.ts';
import type { SocketModeStandIn } from './socket-mode.ts';
import { callMethod, isKnownMethod } from './web-api.ts';
import type { ApiAnswer } from './web-api.ts';
import { DEFAULT_USERS, defaultChannels, Workspace } from './workspace.ts';
import type { ChannelSpec, ResponseUrlContext, StoredEphemeral, StoredMessage, StoredView, UserSpec } from './workspace.ts';

export type { Change, ChannelSpec, ResponseUrlContext, StoredEphemeral, StoredMessage, StoredView, UserSpec } from './workspace.ts';
export type { Workspace } from './workspace.ts';
export type { EnvelopeType, SendOptions, SocketModeAck, SocketModeEvent, SocketModeStandIn } from './socket-mode.ts';

export type Fault = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string } | { delayMs: number };

export interface RecordedCall {
  /** Web API method name, or 'response_url' for posts to a response URL. */
  method: string;
  /** Parsed parameters (JSON fields decoded), never the token. */
  params: Params;
  ok: boolean;
  error?: string;
  /** HTTP status when it was not 200 (injected faults, refused response URLs). */
  status?: number;
  at: number;
}

export interface StandInOptions {
  port?: number;
  botToken?: string;
  /** The app-level token `apps.connections.open` accepts (Socket Mode). */
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  users?: UserSpec[];
  channels?: ChannelSpec[];
  now?: () => number;
  /** Every Web API call is answered this much later (benchmarks: Slack's own latency); 0 by default. */
  latencyMs?: number;
}

export interface SlackStandIn {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly url: string;
  readonly apiUrl: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly calls: RecordedCall[];
  readonly events: EventEmitter;
  readonly workspace: Workspace;
  /** Socket Mode: connections made with the URL from `apps.connections.open`, envelopes to them and their acks. */
  readonly socketMode: SocketModeStandIn;
  messages(channel: string, opts?: { threadTs?: string }): StoredMessage[];
  allMessages(): StoredMessage[];
  ephemerals(): StoredEphemeral[];
  openViews(userId: string): StoredView[];
  homeView(userId: string): StoredView | undefined;
  issueTriggerId(userId: string): string;
  newResponseUrl(ctx: ResponseUrlContext): string;
  fail(method: string, fault: Fault, times?: number): void;
  /** The user dismissed the view: pops it (and anything above); closing the root or a clear_on_close view empties the stack. */
  closeView(userId: string, viewId: string): boolean;
  /** The user submitted the view: removed like closeView and handed back so a view_submission can be built from it. */
  takeView(userId: string, viewId: string): StoredView | undefined;
  /** A human writes in a channel or thread (for the sandbox page and for thread-reading tests). */
  postAsUser(userId: string, channel: string, text: string, opts?: { threadTs?: string }): StoredMessage;
}

export function createSlackStandIn(options: StandInOptions = {}): SlackStandIn {
  const now = options.now ?? Date.now;
  const latencyMs = options.latencyMs ?? 0;
  const botToken = options.botToken ?? 'xoxb-sandbox-token';
  const appToken = options.appToken ?? 'xapp-1-sandbox-token';
  const users = options.users ?? DEFAULT_USERS;
  const events = new EventEmitter();
  const ws = new Workspace(
    {
      teamId: options.teamId ?? 'T0SANDBOX', botUserId: options.botUserId ?? 'U0BOT', botId: options.botId ?? 'B0BOT',
      appId: 'A0SANDBOX', now, users, channels: options.channels ?? defaultChannels(users),
    },
    (change) => events.emit('change', change),
  );
  const calls: RecordedCall[] = [];
  const socketMode = createSocketModeEndpoint({ appId: ws.config.appId, now, events });
  const faults = new Map<string, Array<{ fault: Fault; remaining: number }>>();
  let server: Server | undefined;
  let baseUrl = '';

  function record(call: RecordedCall): void {
    calls.push(call);
    events.emit('call', call);
  }

  function takeFault(method: string): Fault | undefined {
    const queue = faults.get(method);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    const at = now();
    const raw = req.method === 'POST' ? await readBody(req) : '';
    let params: Params;
    try {
      params = parseParams(req.headers['content-type'], raw, query);
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      record({ method, params: {}, ok: false, error: err.message, at });
      sendJson(res, 200, { ok: false, error: err.message });
      return;
    }
    const bodyToken = param(params, 'token');
    delete params.token;
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : bodyToken;

    if (latencyMs > 0) await sleep(latencyMs);
    const fault = takeFault(method);
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    if (fault && 'status' in fault) {
      const error = fault.status === 429 ? 'ratelimited' : `http_${fault.status}`;
      record({ method, params, ok: false, error, status: fault.status, at });
      if (fault.status === 429) sendJson(res, 429, { ok: false, error }, { 'Retry-After': String(fault.retryAfter) });
      else sendText(res, fault.status, fault.status === 500 ? 'Internal Server Error' : fault.status === 502 ? 'Bad Gateway' : 'Service Unavailable');
      return;
    }

    let answer: ApiAnswer;
    if (fault && 'error' in fault) answer = { ok: false, error: fault.error };
    else if (method === 'apps.connections.open') {
      // The one method that takes the app-level token, and only that token.
      answer = !token ? { ok: false, error: 'not_authed' } : token !== appToken ? { ok: false, error: 'invalid_auth' } : socketMode.open(baseUrl);
    } else if (!isKnownMethod(method)) answer = { ok: false, error: 'unknown_method' };
    else if (!token) answer = { ok: false, error: 'not_authed' };
    else if (token === appToken) answer = { ok: false, error: 'not_allowed_token_type' };
    else if (token !== botToken) answer = { ok: false, error: 'invalid_auth' };
    else if (mediaType(req.headers['content-type']) === 'application/json' && !auth) {
      // Slack only reads the token from the Authorization header for JSON bodies.
      answer = { ok: false, error: 'not_authed' };
    } else answer = callMethod(method, params, { ws, baseUrl });
    record({ method, params, ok: answer.ok, ...(answer.error ? { error: answer.error } : {}), at });
    sendJson(res, 200, answer);
  }

  async function handleResponseUrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const at = now();
    const raw = await readBody(req);
    let body: unknown;
    try {
      // Apps post JSON; the legacy form shape wraps it in a `payload` field.
      body = mediaType(req.headers['content-type']) === 'application/x-www-form-urlencoded'
        ? JSON.parse(new URLSearchParams(raw).get('payload') ?? '')
        : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const answer = answerResponseUrl(ws, id, body);
    const params = typeof body === 'object' && body !== null ? { ...(body as Params) } : { raw };
    record({
      method: 'response_url', params, ok: answer.status === 200, at,
      ...(answer.status === 200 ? {} : { error: answer.text, status: answer.status }),
    });
    sendText(res, answer.status, answer.text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (api?.[1] && (req.method === 'POST' || req.method === 'GET')) return handleApi(req, res, api[1], url.searchParams);
    const hook = /^\/response\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (hook?.[1] && req.method === 'POST') return handleResponseUrl(req, res, hook[1]);
    sendText(res, 404, 'not_found');
  }

  function removeView(userId: string, viewId: string): StoredView | undefined {
    const stack = ws.modalStacks.get(userId);
    const index = stack?.findIndex((v) => v.id === viewId) ?? -1;
    const view = stack?.[index];
    if (!stack || !view) return undefined;
    stack.length = index === 0 || view.clear_on_close === true ? 0 : index;
    ws.changed({ kind: 'views', user: userId });
    return view;
  }

  return {
    async start() {
      if (server) return;
      const s = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          console.error('slack stand-in: request failed', err);
          if (!res.headersSent) sendJson(res, 200, { ok: false, error: 'internal_error' });
          else res.end();
        });
      });
      s.on('upgrade', (req, socket, head) => socketMode.handleUpgrade(req, socket, head));
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port ?? 0, '127.0.0.1', () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      baseUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      // WebSockets are no longer the HTTP server's connections: closed here, or close() would wait for them.
      await socketMode.close();
      // Clients keep connections alive; without this close() would wait for them to time out.
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    get url() {
      if (!baseUrl) throw new Error('slack stand-in: call start() before reading url');
      return baseUrl;
    },
    get apiUrl() {
      return `${this.url}/api/`;
    },
    botToken,
    appToken,
    calls,
    events,
    workspace: ws,
    socketMode: socketMode.api,
    messages(channel, opts = {}) {
      return opts.threadTs ? ws.replies(channel, opts.threadTs) : ws.topLevel(channel);
    },
    allMessages: () => [...ws.messages],
    ephemerals: () => [...ws.ephemerals],
    openViews: (userId) => [...(ws.modalStacks.get(userId) ?? [])],
    homeView: (userId) => ws.homeViews.get(userId),
    issueTriggerId: (userId) => ws.issueTrigger(userId),
    newResponseUrl(ctx) {
      return `${this.url}/response/${ws.newResponseUrl(ctx).id}`;
    },
    fail(method, fault, times = 1) {
      const queue = faults.get(method) ?? [];
      queue.push({ fault, remaining: times });
      faults.set(method, queue);
    },
    closeView: (userId, viewId) => removeView(userId, viewId) !== undefined,
    takeView: (userId, viewId) => removeView(userId, viewId),
    postAsUser(userId, channel, text, opts = {}) {
      const ch = ws.resolveChannel(channel);
      if (!ch) throw new Error(`slack stand-in: unknown channel ${channel}`);
      if (!ws.isMember(userId, ch)) throw new Error(`slack stand-in: ${userId} is not in ${channel}`);
      if (opts.threadTs && !ws.findMessage(ch.id, opts.threadTs)) throw new Error(`slack stand-in: no thread ${opts.threadTs}`);
      return ws.addMessage({ channel: ch.id, ts: ws.nextTs(), user: userId, text, thread_ts: opts.threadTs });
    },
  };
}
