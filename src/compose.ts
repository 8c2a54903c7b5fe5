/** Wires the parts together: repositories, dispatcher, Bolt app and listeners. Used by main.ts and by the tests. */
import { randomBytes } from 'node:crypto';
import { App, type Receiver } from '@slack/bolt';
import { createDispatcher, type Dispatcher, REQUEST_TIMEOUT_MS } from './app/dispatcher.ts';
import type { Logger } from './app/ports.ts';
import { createRequestLog } from './db/request-log.ts';
import type { Db } from './db/open-database.ts';
import { createSessionRepository } from './db/session-repository.ts';
import { createStepRepository } from './db/step-repository.ts';
import { boltLogger, type Level } from './logger.ts';
import type { ListenerDeps } from './slack/deps.ts';
import { createSlackMessenger } from './slack/messenger.ts';
import { registerListeners } from './slack/register-listeners.ts';

export interface ComposeOptions {
  readonly db: Db;
  readonly botToken: string;
  readonly slackApiUrl: string;
  readonly logger: Logger & { level: Level };
  readonly clock: () => number;
  readonly postConcurrency?: number;
  /** Who the bot is, from auth.test at start-up; Bolt then needs no auth.test of its own. */
  readonly identity: { readonly botId: string; readonly botUserId: string };
  /** HTTP or Socket Mode settings for Bolt; tests pass a receiver of their own. */
  readonly bolt:
    | { kind: 'http'; signingSecret: string; port: number; healthy: () => boolean }
    | { kind: 'socket'; appToken: string; port: number; healthy: () => boolean }
    | { kind: 'receiver'; receiver: Receiver };
}

export interface Mockdesign {
  readonly app: App;
  readonly dispatcher: Dispatcher;
  readonly deps: ListenerDeps;
}

/** Session ids go into button values and metadata: short, URL-safe, unguessable. */
export function newSessionId(): string {
  return randomBytes(9).toString('base64url');
}

export function composeMockdesign(options: ComposeOptions): Mockdesign {
  const { db, logger, clock } = options;
  const sessions = createSessionRepository(db);
  const steps = createStepRepository(db);
  const transaction = <T>(fn: () => T): T => db.transaction(fn)();

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
            installerOptions: { port: bolt.port },
          });

  const dispatcher = createDispatcher({
    sessions,
    steps,
    transaction,
    messenger: createSlackMessenger(app.client),
    logger,
    clock,
    concurrency: options.postConcurrency ?? 8,
  });
  const deps: ListenerDeps = {
    sessions,
    steps,
    transaction,
    newId: newSessionId,
    dispatcher,
    requests: createRequestLog(db),
    logger,
    clock,
  };
  registerListeners(app, deps);
  app.error(async (error) => {
    // Bolt hands every listener failure here once; log it with what we know and swallow it.
    const err = error as { code?: string; original?: unknown };
    logger.error('listener failed', { code: err.code }, err.original ?? error);
  });
  return { app, dispatcher, deps };
}
