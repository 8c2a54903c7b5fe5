/**
 * A lean Web API client for the delivery path: one keep-alive connection pool (undici's), one JSON body, one parse.
 *
 * Why not @slack/web-api here: measured under a burst of posts, its per-call overhead was most of the app's CPU
 * (it serialises and redacts every request and response for a debug log line even when debug is off, encodes
 * blocks into a form body, and builds an AbortController and result wrapper per call). The dispatcher retries,
 * paces and classifies failures itself, so none of the WebClient's machinery is needed on this path. Listeners
 * keep Bolt's WebClient, where a call is one per user action.
 *
 * Errors are thrown with the `code`s @slack/web-api uses, so one classifier (messenger.ts) reads both.
 */
import type { Socket } from 'node:net';
import { buildConnector, errors, Pool } from 'undici';

export interface SlackApiOptions {
  /** Base URL ending in a slash, e.g. https://slack.com/api/ */
  readonly baseUrl: string;
  /** Token used when a call names none. */
  readonly token?: string | undefined;
  readonly timeoutMs: number;
  /** Connections kept open to Slack at most; calls beyond it queue in the agent. */
  readonly maxSockets?: number;
  /** How long an idle kept-alive connection is kept before we close it (FREE_SOCKET_MS unless a test says). */
  readonly freeSocketMs?: number;
}

/**
 * Idle connections are closed by us after this long, before a server's own keep-alive timeout (Node's default is
 * 5 s, many proxies' are longer) can close them: otherwise a post may be written on a connection the server is
 * closing at that moment, fail with a reset, and, as a post in doubt, wait out the settle time before it is
 * looked for and retried. Opening a connection again after an idle spell costs one handshake.
 */
export const FREE_SOCKET_MS = 4_000;

export type SlackArgs = Record<string, unknown>;

export interface SlackApi {
  call<T extends { ok: boolean } = { ok: boolean } & Record<string, unknown>>(method: string, args: SlackArgs, token?: string): Promise<T>;
  /**
   * Sets up now what the first call would otherwise set up (the API thread), so that the first posts (a restart's
   * backlog) do not wait for it. Resolves once ready, or once setting up failed (the next call tries again).
   */
  warm(): Promise<void>;
  /**
   * About `count` calls are coming within moments (a wave of posts falls due): opens connections for them now, so
   * the wave does not first wait for hundreds of connections to be made. Best effort; never fails.
   */
  preconnect(count: number): void;
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

/**
 * Slack's own error code (`not_in_channel`, `invalid_auth`, …) from a failed Web API call, ours or @slack/web-api's
 * (both put it in `data.error`); undefined for a failure Slack did not answer with one (a timeout, a 5xx).
 */
export function slackErrorCode(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | null | undefined)?.data?.error;
  return typeof code === 'string' ? code : undefined;
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
function retryAfterSeconds(header: string | undefined): number {
  const value = Number(header);
  return Number.isFinite(value) && value > 0 ? value : 1;
}

/** A request as it goes over the wire: what `encodeRequest` makes and a transport sends. */
export interface WireRequest {
  readonly method: string;
  readonly body: string;
  readonly contentType: string;
  readonly token: string | undefined;
}

/** What came back: the status, the Retry-After header, the body as text. */
export interface WireResponse {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly text: string;
}

/**
 * Sends one request and reads its answer whole. Rejects only when no answer came (refused, reset, timed out):
 * with a plain Error whose message says why. The HTTP status and Slack's `ok` are `decodeResponse`'s to read.
 */
export type Transport = (request: WireRequest) => Promise<WireResponse>;

export function encodeRequest(method: string, args: SlackArgs, token: string | undefined): WireRequest {
  const json = JSON_METHODS.has(method);
  return {
    method,
    body: json ? JSON.stringify(args) : formBody(args),
    contentType: json ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
    token,
  };
}

/**
 * A JSON object's text without one of its top-level members, read from the answer's bytes: `{"ok":true,"ts":"1.2",
 * "message":{…}}` becomes `{"ok":true,"ts":"1.2"}`. Only the bytes kept are decoded; the member dropped is skipped
 * over, never parsed, so its size costs a scan (most of it `indexOf` from one quote to the next), not a parse
 * and the garbage of every object inside it. Undefined when the bytes are not a JSON object as far as this scan
 * reads them: the caller then decodes them whole, and a parse tells what is wrong.
 */
export function jsonWithoutMember(bytes: Uint8Array, member: string): string | undefined {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const key = Buffer.from(JSON.stringify(member));
  const end = buffer.length;
  const kept: string[] = [];
  let i = skipSpace(buffer, 0);
  if (buffer[i] !== OPEN_BRACE) return undefined;
  i = skipSpace(buffer, i + 1);
  if (buffer[i] === CLOSE_BRACE) return '{}';
  for (;;) {
    const start = i;
    if (buffer[i] !== QUOTE) return undefined;
    const keyEnd = endOfString(buffer, i);
    if (keyEnd < 0) return undefined;
    i = skipSpace(buffer, keyEnd);
    if (buffer[i] !== COLON) return undefined;
    const valueEnd = endOfValue(buffer, skipSpace(buffer, i + 1));
    if (valueEnd < 0) return undefined;
    const dropped = keyEnd - start === key.length && buffer.compare(key, 0, key.length, start, keyEnd) === 0;
    if (!dropped) kept.push(buffer.toString('utf8', start, valueEnd));
    i = skipSpace(buffer, valueEnd);
    if (buffer[i] === COMMA) {
      i = skipSpace(buffer, i + 1);
      continue;
    }
    if (buffer[i] !== CLOSE_BRACE || skipSpace(buffer, i + 1) !== end) return undefined;
    return `{${kept.join(',')}}`;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** JSON's whitespace: space, line feed, carriage return, tab. */
function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(bytes: Buffer, from: number): number {
  let i = from;
  while (i < bytes.length && isSpace(bytes[i])) i += 1;
  return i;
}

/** The index just past the string that opens at `from` (a quote), or -1 when it never closes. */
function endOfString(bytes: Buffer, from: number): number {
  let i = from + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, i);
    if (quote < 0) return -1;
    // Escaped when an odd number of backslashes stands before it. UTF-8 never uses these bytes inside a character.
    let slashes = 0;
    while (bytes[quote - 1 - slashes] === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** The index just past the value that starts at `from`, or -1 when it does not end. */
function endOfValue(bytes: Buffer, from: number): number {
  const first = bytes[from];
  if (first === QUOTE) return endOfString(bytes, from);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    let i = from;
    while (i < bytes.length) {
      const c = bytes[i];
      if (c === QUOTE) {
        i = endOfString(bytes, i);
        if (i < 0) return -1;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
      i += 1;
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let i = from;
  while (i < bytes.length) {
    const c = bytes[i];
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    i += 1;
  }
  return i > from ? i : -1;
}

/**
 * Write methods whose answers echo the whole message back (its text and every block), of which callers read only
 * `ok`, `ts`, `channel` and `error`.
 */
const ECHOING_METHODS = new Set(['chat.postMessage', 'chat.update']);

/**
 * An answer's text: for the methods above, when it succeeded, without the message Slack echoes back (kilobytes a
 * post, which the main thread would otherwise decode, parse and collect). Any other answer, and one that is not a
 * JSON object, is decoded whole for `decodeResponse` to read.
 */
export function answerText(method: string, status: number, bytes: Buffer, omitEcho: boolean): string {
  if (omitEcho && status === 200 && ECHOING_METHODS.has(method)) {
    const text = jsonWithoutMember(bytes, 'message');
    if (text !== undefined) return text;
  }
  return bytes.toString('utf8');
}

/** Slack's answer as a result, or the SlackApiError @slack/web-api would have thrown for it. */
export function decodeResponse<T extends { ok: boolean }>(method: string, res: WireResponse): T {
  if (res.status === 429) {
    const retryAfter = retryAfterSeconds(res.retryAfter);
    throw new SlackApiError('slack_webapi_rate_limited_error', `${method}: rate limited, retry after ${retryAfter} s`, { retryAfter });
  }
  if (res.status !== 200) throw new SlackApiError('slack_webapi_http_error', `${method}: HTTP ${res.status}`, { statusCode: res.status });
  let result: T & { error?: string };
  try {
    result = JSON.parse(res.text) as T & { error?: string };
  } catch {
    throw new SlackApiError('slack_webapi_http_error', `${method}: the answer was not JSON`, { statusCode: res.status });
  }
  if (result.ok) return result;
  const error = typeof result.error === 'string' ? result.error : 'unknown_error';
  throw new SlackApiError('slack_webapi_platform_error', `${method}: ${error}`, { data: { ok: false, error } });
}

export interface HttpTransport {
  readonly send: Transport;
  /** Makes ready what the first call would otherwise set up; resolves when it is (or could not be). */
  warm?(): Promise<void>;
  /** Opens connections for about `count` requests to come, up to the pool's size (see SlackApi.preconnect). */
  preconnect?(count: number): void;
  close(): void;
}

/**
 * Connections opened ahead of the calls that will use them (`preconnect`). The pool takes one when it needs a new
 * connection, instead of connecting; one nobody took is closed once it has been idle as long as a pooled one may be,
 * for the same reason (the server may be about to close it).
 */
function createReserve(idleMs: number) {
  // Each reserved socket, with what takes it out of the reserve again (its listeners and idle timer).
  const sockets = new Map<Socket, () => void>();
  return {
    get size() {
      return sockets.size;
    },
    add(socket: Socket): void {
      const drop = () => {
        release();
        socket.destroy();
      };
      // Nothing is read from a reserved connection: the server closing it, or sending anything, ends it.
      const onReadable = () => {
        if (socket.read() !== null) drop();
      };
      const timer = setTimeout(drop, idleMs);
      timer.unref();
      const release = () => {
        clearTimeout(timer);
        sockets.delete(socket);
        socket.off('readable', onReadable).off('end', drop).off('close', drop);
      };
      sockets.set(socket, release);
      socket.on('readable', onReadable).once('end', drop).once('close', drop);
    },
    /** A reserved connection that is still open, out of the reserve; undefined when there is none. */
    take(): Socket | undefined {
      for (const [socket, release] of sockets) {
        release();
        if (!socket.destroyed && socket.readyState === 'open') return socket;
        socket.destroy();
      }
      return undefined;
    },
    clear(): void {
      for (const [socket, release] of sockets) {
        release();
        socket.destroy();
      }
    },
  };
}

/**
 * undici's connection pool: the transport on this thread, and the one the API thread runs. Chosen over node:http
 * for the posting path: per request it costs about half the CPU (a request object, a parser and listeners fewer),
 * measured at 63 against 115 µs with a post's body and answer, and a burst of posts is CPU-bound.
 */
export function createHttpTransport(
  options: Pick<SlackApiOptions, 'baseUrl' | 'timeoutMs' | 'maxSockets' | 'freeSocketMs'> & {
    /** Hand back a post's answer without the message it echoes (see `answerText`): the API thread does. */
    readonly omitEcho?: boolean;
  },
): HttpTransport {
  const base = new URL(options.baseUrl);
  const omitEcho = options.omitEcho ?? false;
  const idleMs = options.freeSocketMs ?? FREE_SOCKET_MS;
  const maxConnections = options.maxSockets ?? 256;
  const connector = buildConnector({});
  // Where the pool's own connections go, as undici's client describes its origin to a connector.
  const target: buildConnector.Options = { host: base.host, hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'), protocol: base.protocol, port: base.port };
  const reserve = createReserve(idleMs);
  let opening = 0;
  let closed = false;

  const pool = new Pool(base.origin, {
    connections: maxConnections,
    // An idle connection is closed after idleMs, or sooner when the server says it keeps one for less.
    keepAliveTimeout: idleMs,
    keepAliveMaxTimeout: idleMs,
    // No answer, or a stalled one, within the timeout: the request may have reached Slack, so a post in doubt.
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: (where, callback) => {
      const socket = reserve.take();
      // Called back later, as a connection being made would be: the pool does not expect it within the call.
      if (socket) process.nextTick(callback, null, socket);
      else connector(where, callback);
    },
  });
  return {
    async send(wire) {
      const headers: Record<string, string> = { 'content-type': wire.contentType };
      if (wire.token) headers.authorization = `Bearer ${wire.token}`;
      try {
        const res = await pool.request({ path: `${base.pathname}${wire.method}`, method: 'POST', headers, body: wire.body });
        const retryAfter = res.headers['retry-after'];
        const bytes = Buffer.from(await res.body.arrayBuffer());
        return { status: res.statusCode, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, text: answerText(wire.method, res.statusCode, bytes, omitEcho) };
      } catch (error) {
        if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) throw new Error(`timed out after ${options.timeoutMs} ms`);
        throw error;
      }
    },
    preconnect(count) {
      // Connections the pool holds (busy or idle) already serve; only the shortfall is opened, within the pool's size.
      const wanted = Math.min(count, maxConnections) - pool.stats.connected - reserve.size - opening;
      for (let i = 0; i < wanted && !closed; i++) {
        opening += 1;
        connector(target, (error, socket) => {
          opening -= 1;
          // One that could not connect is left to the request that needs it, which reports its own failure.
          if (error || !socket) return;
          if (closed) socket.destroy();
          else reserve.add(socket);
        });
      }
    },
    close: () => {
      closed = true;
      reserve.clear();
      void pool.destroy().catch(() => undefined);
    },
  };
}

/** A call's answer, awaited without its arguments (see `call`). */
async function settle<T extends { ok: boolean }>(method: string, sending: Promise<WireResponse>): Promise<T> {
  let res: WireResponse;
  try {
    res = await sending;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SlackApiError('slack_webapi_request_error', `${method}: ${message}`, { original: error });
  }
  return decodeResponse<T>(method, res);
}

/** A client over any transport: this thread's HTTP (the default), or the API thread's (api-thread.ts). */
export function createSlackApi(options: SlackApiOptions, transport: HttpTransport = createHttpTransport(options)): SlackApi {
  return {
    // Not async: once the request is encoded, nothing here holds its arguments (a message's blocks) while the answer
    // is awaited. A post waits 100–300 ms for Slack, and with many in flight, arguments held that long outlive the
    // young generation's collections and are copied into the old one, which makes each of those pauses longer.
    call<T extends { ok: boolean }>(method: string, args: SlackArgs, token = options.token): Promise<T> {
      let sending: Promise<WireResponse>;
      try {
        sending = transport.send(encodeRequest(method, args, token));
      } catch (error) {
        sending = Promise.reject(error);
      }
      return settle<T>(method, sending);
    },
    warm() {
      return transport.warm?.() ?? Promise.resolve();
    },
    preconnect(count) {
      transport.preconnect?.(count);
    },
    close() {
      transport.close();
    },
  };
}
