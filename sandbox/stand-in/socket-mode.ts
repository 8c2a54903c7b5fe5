/**
 * Socket Mode for the stand-in: `apps.connections.open` hands out a single-use WebSocket URL on the stand-in's own
 * HTTP server; a socket that connects is greeted with `hello`, gets envelopes (slash commands, interactions, events)
 * and sends back acks. Tests deliver envelopes with `send`, and close sockets from Slack's side with `drop` or ask
 * the app to reconnect with `refresh`, as Slack does routinely.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ApiAnswer } from './web-api.ts';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What the app sent back for an envelope. */
export interface SocketModeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** Something that happened on the Socket Mode side, emitted on the stand-in's `events` as 'socket_mode'. */
export type SocketModeEvent =
  | { kind: 'connected'; connection: number }
  | { kind: 'closed'; connection: number; code: number; by: 'server' | 'client' }
  | { kind: 'refused'; reason: string }
  | { kind: 'ack'; ack: SocketModeAck };

export interface SendOptions {
  /** How long to wait for the ack. Slack waits 3 s; the default is looser so a busy machine does not fail tests. */
  timeoutMs?: number;
  /** Only for events_api: Slack's retry counter and reason. */
  retryAttempt?: number;
  retryReason?: string;
}

export interface SocketModeStandIn {
  /** Sockets greeted with `hello` since the stand-in started (the first connection is 1, the first reconnection 2). */
  readonly connections: number;
  /** A socket is open and greeted. */
  readonly connected: boolean;
  /** Every ack received, in order. */
  readonly acks: readonly SocketModeAck[];
  /** Resolves once `count` connections have been greeted and one of them is still open; rejects after `timeoutMs`. */
  waitForConnection(count?: number, timeoutMs?: number): Promise<void>;
  /** Delivers an envelope on the newest open socket and resolves with the app's ack. */
  send(type: EnvelopeType, payload: Record<string, unknown>, options?: SendOptions): Promise<SocketModeAck>;
  /** Closes every open socket from Slack's side; `abrupt` drops the TCP connection without a close frame. Resolves when closed. */
  drop(options?: { abrupt?: boolean; code?: number; reason?: string }): Promise<void>;
  /** Sends `{type: 'disconnect', reason}`: Slack asks the app to reconnect and the app closes the socket itself. */
  refresh(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
}

/** The parts the stand-in's HTTP server needs. */
export interface SocketModeEndpoint {
  readonly api: SocketModeStandIn;
  /** Answers `apps.connections.open` (the token has been checked already). */
  open(baseUrl: string): ApiAnswer;
  /** For the HTTP server's 'upgrade' event; refuses anything but a fresh ticket on /socket-mode. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

const TICKET_TTL_MS = 60_000;
const DEFAULT_ACK_TIMEOUT_MS = 10_000;

interface Pending {
  resolve: (ack: SocketModeAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  socket: WebSocket;
}

export function createSocketModeEndpoint(config: { appId: string; now: () => number; events: EventEmitter }): SocketModeEndpoint {
  const { appId, now, events } = config;
  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Map<string, number>();
  /** Open, greeted sockets, oldest first, with their connection number. */
  const sockets = new Map<WebSocket, number>();
  const closedByServer = new WeakSet<WebSocket>();
  const pending = new Map<string, Pending>();
  const acks: SocketModeAck[] = [];
  let connections = 0;

  const emit = (event: SocketModeEvent) => events.emit('socket_mode', event);

  function refuse(socket: Duplex, status: string, reason: string): void {
    emit({ kind: 'refused', reason });
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
  }

  function onMessage(socket: WebSocket, data: Buffer, isBinary: boolean): void {
    if (isBinary) return;
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
    if (typeof envelopeId !== 'string') return;
    const ack: SocketModeAck = { envelope_id: envelopeId };
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) ack.payload = payload as Record<string, unknown>;
    acks.push(ack);
    emit({ kind: 'ack', ack });
    const waiting = pending.get(envelopeId);
    // Slack takes the ack of an envelope only on the socket it was sent on.
    if (!waiting || waiting.socket !== socket) return;
    pending.delete(envelopeId);
    clearTimeout(waiting.timer);
    waiting.resolve(ack);
  }

  function onConnection(socket: WebSocket): void {
    connections += 1;
    const number = connections;
    sockets.set(socket, number);
    socket.on('message', (data: Buffer, isBinary: boolean) => onMessage(socket, data, isBinary));
    socket.on('error', () => {
      // a reset connection; 'close' follows
    });
    socket.once('close', (code: number) => {
      sockets.delete(socket);
      for (const [id, waiting] of pending) {
        if (waiting.socket !== socket) continue;
        pending.delete(id);
        clearTimeout(waiting.timer);
        waiting.reject(new Error(`slack stand-in: socket ${number} closed (code ${code}) before envelope ${id} was acked`));
      }
      emit({ kind: 'closed', connection: number, code, by: closedByServer.has(socket) ? 'server' : 'client' });
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: sockets.size,
        debug_info: { host: 'applink-sandbox', build_number: 1, approximate_connection_time: 3600 },
        connection_info: { app_id: appId },
      }),
    );
    emit({ kind: 'connected', connection: number });
  }

  const newest = (): WebSocket | undefined => [...sockets.keys()].filter((s) => s.readyState === WebSocket.OPEN).at(-1);

  const api: SocketModeStandIn = {
    get connections() {
      return connections;
    },
    get connected() {
      return newest() !== undefined;
    },
    acks,
    waitForConnection(count = 1, timeoutMs = 30_000) {
      const ready = () => connections >= count && newest() !== undefined;
      if (ready()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onEvent = () => {
          if (!ready()) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`slack stand-in: no Socket Mode connection #${count} within ${timeoutMs} ms (connections so far: ${connections})`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          events.off('socket_mode', onEvent);
        };
        events.on('socket_mode', onEvent);
      });
    },
    send(type, payload, options = {}) {
      const socket = newest();
      if (!socket) return Promise.reject(new Error('slack stand-in: no open Socket Mode connection to send an envelope on'));
      const envelopeId = randomUUID();
      const envelope: Record<string, unknown> = { envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' };
      if (type === 'events_api') Object.assign(envelope, { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' });
      const timeoutMs = options.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
      return new Promise<SocketModeAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(envelopeId);
          reject(new Error(`slack stand-in: envelope ${envelopeId} (${type}) was not acked within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(envelopeId, { resolve, reject, timer, socket });
        socket.send(JSON.stringify(envelope), (error) => {
          if (!error) return;
          pending.delete(envelopeId);
          clearTimeout(timer);
          reject(error);
        });
      });
    },
    async drop(options = {}) {
      await closeAll((socket) => {
        if (options.abrupt) socket.terminate();
        else {
          socket.close(options.code ?? 1001, options.reason ?? 'going away');
          // A client that never answers the close frame is cut off, as a server would.
          setTimeout(() => socket.terminate(), 2_000).unref();
        }
      });
    },
    refresh(reason = 'refresh_requested') {
      for (const socket of sockets.keys()) {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-sandbox' } }));
      }
    },
  };

  /** Closes every open socket from the server side, the way `close` says; resolves once all are closed. */
  function closeAll(close: (socket: WebSocket) => void): Promise<void> {
    return Promise.all(
      [...sockets.keys()].map(
        (socket) =>
          new Promise<void>((resolve) => {
            closedByServer.add(socket);
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            close(socket);
          }),
      ),
    ).then(() => undefined);
  }

  return {
    api,
    open(baseUrl) {
      const ticket = randomBytes(16).toString('hex');
      tickets.set(ticket, now());
      const wsUrl = new URL('/socket-mode', baseUrl.replace(/^http/, 'ws'));
      wsUrl.searchParams.set('ticket', ticket);
      wsUrl.searchParams.set('app_id', appId);
      return { ok: true, url: wsUrl.toString() };
    },
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/socket-mode') return refuse(socket, '404 Not Found', 'not_found');
      const ticket = url.searchParams.get('ticket') ?? '';
      const issuedAt = tickets.get(ticket);
      // A URL from apps.connections.open is good for one connection, soon after it was issued.
      tickets.delete(ticket);
      if (issuedAt === undefined || now() - issuedAt > TICKET_TTL_MS) return refuse(socket, '401 Unauthorized', 'invalid_ticket');
      wss.handleUpgrade(req, socket, head, onConnection);
    },
    async close() {
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error(`slack stand-in: stopped before envelope ${id} was acked`));
      }
      pending.clear();
      await closeAll((socket) => socket.terminate());
      // The WebSocketServer itself holds nothing (noServer): it stays usable if the stand-in is started again.
    },
  };
}
