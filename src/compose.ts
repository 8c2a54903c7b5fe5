/** Wires the parts together: repositories, dispatcher, Bolt app and listeners. Used by main.ts and by the tests. */
import { randomBytes } from 'node:crypto';
import { App, type Receiver } from '@slack/bolt';
import { createDispatcher, DEFAULT_CONCURRENCY, type Dispatcher, REQUEST_TIMEOUT_MS } from './app/dispatcher.ts';
import type { Logger, Store } from './app/ports.ts';
import { boltLogger, type Level } from './logger.ts';
import type { ListenerDeps } from './slack/deps.ts';
import { createSlackMessenger } from './slack/messenger.ts';
import { registerListeners } from './slack/register-listeners.ts';
import { createSlackApi, type SlackApi } from './slack/web-api.ts';

export interface ComposeOptions {
  readonly store: Store;
  readonly botToken: string;
  readonly slackApiUrl: string;
  readonly logger: Logger & { level: Level };
  readonly clock: () => number;
  readonly postConcurrency?: number;
  /** Names this process's leases on steps; unique per process. */
  readonly instanceId?: string;
  /** Least time between two posts to one channel; 0 in tests that move a fixed clock. */
  readonly channelIntervalMs?: number;
  /** Wake the dispatcher at the next due time, not only at the tick (off in tests that move a fixed clock). */
  readonly wakeAtNextDue?: boolean;
  /** Who the bot is, from auth.test at start-up; Bolt then needs no auth.test of its own. */
  readonly identity: { readonly botId: string; readonly botUserId: string; readonly workspaceUrl?: string | undefined };
  /** HTTP or Socket Mode settings for Bolt; tests pass a receiver of their own. */
  readonly bolt:
    | { kind: 'http'; signingSecret: string; port: number; healthy: () => boolean }
    | { kind: 'socket'; appToken: string; port: number; healthy: () => boolean }
    | { kind: 'receiver'; receiver: Receiver };
}

/** The Socket Mode client's own retries of `apps.connections.open`: its defaults, with the wait between tries capped. */
const SOCKET_RETRIES = { retries: 100, factor: 1.3, maxTimeout: 30_000 };

export interface Mockdesign {
  readonly app: App;
  readonly dispatcher: Dispatcher;
  readonly deps: ListenerDeps;
  /** The Web API client posts go through (closed by whoever stops the app, after the dispatcher drains). */
  readonly api: SlackApi;
}

/** Session ids go into button values and metadata: short, URL-safe, unguessable. */
export function newSessionId(): string {
  return randomBytes(9).toString('base64url');
}

/** Names one process among the instances sharing a database: host, pid and a random part. */
export function newInstanceId(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

export function composeMockdesign(options: ComposeOptions): Mockdesign {
  const { store, logger, clock } = options;

  const healthRoute = (healthy: () => boolean) => ({
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: { writeHead(status: number, headers: Record<string, string>): void; end(body: string): void }) => {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    },
  });

  const common = {
    token: options.botToken,
    logger: boltLogger(logger),
    // We retry posts ourselves, durably and per channel; the client must neither retry nor pause its whole
    // queue on a 429 (that would hold up every other channel).
    clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: REQUEST_TIMEOUT_MS },
    botId: options.identity.botId,
    botUserId: options.identity.botUserId,
  };
  const bolt = options.bolt;
  const app =
    bolt.kind === 'receiver'
      ? new App({ ...common, receiver: bolt.receiver })
      : bolt.kind === 'http'
        ? new App({ ...common, signingSecret: bolt.signingSecret, port: bolt.port, customRoutes: [healthRoute(bolt.healthy)] })
        : new App({
            ...common,
            socketMode: true,
            appToken: bolt.appToken,
            customRoutes: [healthRoute(bolt.healthy)],
            // Bolt hands `installerOptions.clientOptions` (by default our `clientOptions`) to the Socket Mode client,
            // whose `apps.connections.open` would then get `retries: 0`: one 503 while reconnecting after Slack drops
            // the socket, and the client throws and the process dies. Only the API URL here, so the Socket Mode client
            // keeps its own retries (100, backoff factor 1.3). The Web API client (`app.client`) is unaffected.
            installerOptions: { port: bolt.port, clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: SOCKET_RETRIES } },
          });

  const api = createSlackApi({
    baseUrl: options.slackApiUrl,
    token: options.botToken,
    timeoutMs: REQUEST_TIMEOUT_MS,
    // Every worker may hold a connection; more would only queue inside Slack's per-method limits.
    maxSockets: options.postConcurrency ?? DEFAULT_CONCURRENCY,
  });
  const dispatcher = createDispatcher({
    store,
    messenger: createSlackMessenger(api, { workspaceUrl: options.identity.workspaceUrl }),
    logger,
    clock,
    instanceId: options.instanceId ?? newInstanceId(),
    ...(options.postConcurrency === undefined ? {} : { concurrency: options.postConcurrency }),
    ...(options.channelIntervalMs === undefined ? {} : { channelIntervalMs: options.channelIntervalMs, monotonic: clock }),
    wakeAtNextDue: options.wakeAtNextDue ?? true,
  });
  const deps: ListenerDeps = {
    store,
    newId: newSessionId,
    dispatcher,
    logger,
    clock,
    botUserId: options.identity.botUserId,
  };
  registerListeners(app, deps);
  app.error(async (error) => {
    // Bolt hands every listener failure here once; log it with what we know and swallow it.
    const err = error as { code?: string; original?: unknown };
    logger.error('listener failed', { code: err.code }, err.original ?? error);
  });
  return { app, dispatcher, deps, api };
}
