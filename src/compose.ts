/** Wires the parts together: repositories, dispatcher, Bolt app and listeners. Used by main.ts and by the tests. */
import { randomBytes } from 'node:crypto';
import { App, type Authorize, type Receiver } from '@slack/bolt';
import { createDispatcher, DEFAULT_CONCURRENCY, type Dispatcher, REQUEST_TIMEOUT_MS } from './app/dispatcher.ts';
import type { Health } from './app/health.ts';
import type { Logger, Messenger, Store, UnreadableSessionError } from './app/ports.ts';
import type { Workspace } from './domain/session.ts';
import { boltLogger, type Level } from './logger.ts';
import type { ListenerDeps } from './slack/deps.ts';
import type { MockdesignInstallationStore } from './slack/installation-store.ts';
import { type Credentials, createSlackMessenger } from './slack/messenger.ts';
import { INSTALL_PATH, installRoutes } from './slack/oauth.ts';
import { describePayload } from './slack/payloads.ts';
import { cachedSharedCheck, createSessionFinder } from './slack/session-finder.ts';
import { registerListeners } from './slack/register-listeners.ts';
import { createThreadTransport } from './slack/api-thread.ts';
import { createSlackApi, type SlackApi } from './slack/web-api.ts';

/**
 * One workspace with one bot token (who the bot is comes from auth.test at start-up), or many workspaces
 * installed through OAuth, each with its own token in the installation store.
 */
export type SlackAuthOptions =
  | {
      readonly kind: 'single';
      readonly botToken: string;
      readonly identity: { readonly botId: string; readonly botUserId: string; readonly workspaceUrl?: string | undefined };
    }
  | {
      readonly kind: 'oauth';
      readonly installations: MockdesignInstallationStore;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly stateSecret: string;
      /** https://host where people and Slack reach the app; used for the redirect URL and install links. */
      readonly publicUrl: string | undefined;
    };

export interface ComposeOptions {
  readonly store: Store;
  readonly auth: SlackAuthOptions;
  readonly slackApiUrl: string;
  readonly logger: Logger & { level: Level };
  readonly clock: () => number;
  readonly postConcurrency?: number;
  /** Names this process's leases on steps; unique per process. */
  readonly instanceId?: string;
  /** Least time between two posts to one channel; 0 in tests that move a fixed clock. */
  readonly channelIntervalMs?: number;
  /** Randomness for `start --random`; tests pass a fixed one. */
  readonly random?: () => number;
  /** Wake the dispatcher at the next due time, not only at the tick (off in tests that move a fixed clock). */
  readonly wakeAtNextDue?: boolean;
  /**
   * Make the delivery path's Web API calls on a thread of their own (api-thread.ts). The app does; tests that
   * fake Slack with nock, which sees only this thread's HTTP, do not.
   */
  readonly apiThread?: boolean;
  /** HTTP or Socket Mode settings for Bolt, with what GET /healthz answers; tests pass a receiver of their own. */
  readonly bolt:
    | { kind: 'http'; signingSecret: string; port: number; health: () => Promise<Health> }
    | { kind: 'socket'; appToken: string; port: number; health: () => Promise<Health> }
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
  readonly messenger: Messenger;
}

/** Session ids go into button values and metadata: short, URL-safe, unguessable. */
export function newSessionId(): string {
  return randomBytes(9).toString('base64url');
}

/** Names one process among the instances sharing a database: host, pid and a random part. */
export function newInstanceId(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The token each post is made with: the one bot token, or the token of the installation that owns the session. */
function credentialsFor(auth: SlackAuthOptions): (workspace: Workspace) => Promise<Credentials | undefined> {
  if (auth.kind === 'single') {
    const fixed: Credentials = { token: auth.botToken, workspaceUrl: auth.identity.workspaceUrl };
    return async () => fixed;
  }
  return async (workspace) => {
    const bot = await auth.installations.botFor({ teamId: workspace.teamId, enterpriseId: workspace.enterpriseId });
    return bot ? { token: bot.token, workspaceUrl: undefined } : undefined;
  };
}

/**
 * Bolt's authorize over our installations: the workspace's own install, else its organisation's org-wide one,
 * else (a channel shared with another organisation) the install that owns the session running in that channel.
 * Nothing found is not an error here: the request goes on without a token and is answered with how to install.
 */
function authorizeFromInstallations(installations: MockdesignInstallationStore, store: Store): Authorize<boolean> {
  return async (source) => {
    let bot = await installations.botFor({ teamId: source.teamId, enterpriseId: source.enterpriseId });
    if (!bot && source.conversationId) {
      // Whether the channel really is shared is checked by the listener (session-finder.ts) before anything is shown.
      // One this version cannot read still names its workspace: the request then reaches the router, which says so.
      const unreadable: UnreadableSessionError[] = [];
      const [session] = await store.sessions.liveByChannel(source.conversationId, 1, undefined, unreadable);
      const owner = session ?? unreadable[0]?.place;
      if (owner) bot = await installations.botFor({ teamId: owner.teamId, enterpriseId: owner.enterpriseId });
    }
    if (!bot) return { teamId: source.teamId, enterpriseId: source.enterpriseId };
    return {
      botToken: bot.token,
      ...(bot.botId ? { botId: bot.botId } : {}),
      ...(bot.botUserId ? { botUserId: bot.botUserId } : {}),
      teamId: source.teamId ?? bot.teamId,
      enterpriseId: source.enterpriseId ?? (bot.enterpriseId || undefined),
    };
  };
}

export function composeMockdesign(options: ComposeOptions): Mockdesign {
  const { store, logger, clock } = options;

  const healthRoute = (health: () => Promise<Health>) => ({
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: { writeHead(status: number, headers: Record<string, string>): void; end(body: string): void }) => {
      // Bolt does not wait for a route's promise: this one must never reject.
      void health()
        .catch((error: unknown): Health => {
          logger.error('the health check failed', {}, error);
          return { ok: false, reason: 'the health check failed' };
        })
        .then((answer) => {
          res.writeHead(answer.ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer));
        });
    },
  });

  const auth = options.auth;
  const common = {
    ...(auth.kind === 'single'
      ? // Who the bot is came from auth.test at start-up; Bolt then needs no auth.test of its own.
        { token: auth.botToken, botId: auth.identity.botId, botUserId: auth.identity.botUserId }
      : { authorize: authorizeFromInstallations(auth.installations, store) }),
    logger: boltLogger(logger),
    // Bolt's default conversation store keeps state per channel in this process's memory: nothing here reads it,
    // several instances would not share it, and its lookup builds an Error for every unknown channel, on every
    // request, before our listener runs.
    convoStore: false as const,
    // The error handler gets the payload too, so a failed listener's log line can say what it was handling.
    extendedErrorHandler: true,
    // We retry posts ourselves, durably and per channel; the client must neither retry nor pause its whole
    // queue on a 429 (that would hold up every other channel).
    clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: REQUEST_TIMEOUT_MS },
  };
  const routes = (health: () => Promise<Health>) => [
    healthRoute(health),
    ...(auth.kind === 'oauth'
      ? installRoutes({
          clientId: auth.clientId,
          clientSecret: auth.clientSecret,
          stateSecret: auth.stateSecret,
          installationStore: auth.installations,
          slackApiUrl: options.slackApiUrl,
          publicUrl: auth.publicUrl,
          clock,
          logger,
        })
      : []),
  ];
  const bolt = options.bolt;
  const app =
    bolt.kind === 'receiver'
      ? new App({ ...common, receiver: bolt.receiver })
      : bolt.kind === 'http'
        ? new App({ ...common, signingSecret: bolt.signingSecret, port: bolt.port, customRoutes: routes(bolt.health) })
        : new App({
            ...common,
            socketMode: true,
            appToken: bolt.appToken,
            customRoutes: routes(bolt.health),
            // Bolt hands `installerOptions.clientOptions` (by default our `clientOptions`) to the Socket Mode client,
            // whose `apps.connections.open` would then get `retries: 0`: one 503 while reconnecting after Slack drops
            // the socket, and the client throws and the process dies. Only the API URL here, so the Socket Mode client
            // keeps its own retries (100, backoff factor 1.3). The Web API client (`app.client`) is unaffected.
            installerOptions: { port: bolt.port, clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: SOCKET_RETRIES } },
          });

  const apiOptions = {
    baseUrl: options.slackApiUrl,
    token: auth.kind === 'single' ? auth.botToken : undefined,
    timeoutMs: REQUEST_TIMEOUT_MS,
    // Every worker may hold a connection; more would only queue inside Slack's per-method limits.
    maxSockets: options.postConcurrency ?? DEFAULT_CONCURRENCY,
  };
  const api = createSlackApi(apiOptions, options.apiThread ? createThreadTransport(apiOptions, logger) : undefined);
  const credentials = credentialsFor(auth);
  const messenger = createSlackMessenger(api, { credentials });
  const dispatcher = createDispatcher({
    store,
    messenger,
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
    sessions: createSessionFinder(
      store,
      cachedSharedCheck(async (session) => {
        const bot = await credentials(session);
        if (!bot) return false;
        const info = await api.call<{ ok: boolean; channel?: { is_shared?: boolean; is_ext_shared?: boolean; is_org_shared?: boolean } }>(
          'conversations.info',
          { channel: session.channelId },
          bot.token,
        );
        return Boolean(info.channel?.is_shared || info.channel?.is_ext_shared || info.channel?.is_org_shared);
      }, clock),
    ),
    installations: auth.kind === 'oauth' ? auth.installations : undefined,
    random: options.random,
    installUrl: auth.kind === 'oauth' && auth.publicUrl ? `${auth.publicUrl}${INSTALL_PATH}` : undefined,
  };
  registerListeners(app, deps);
  app.error(async ({ error, body }: { error: Error; body: unknown }) => {
    // Bolt hands every listener failure here once, with the payload: logged with what it was handling and where
    // (ids and names only, never the payload's words or its response URL), and swallowed.
    const err = error as { code?: string; original?: unknown };
    logger.error('listener failed', { code: err.code, ...describePayload(body) }, err.original ?? error);
  });
  return { app, dispatcher, deps, api, messenger };
}
