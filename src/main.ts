/** The composition root: configuration → database → Bolt app → tick; and a clean shutdown on SIGTERM/SIGINT. */
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import { SETTLE_MS } from './app/dispatcher.ts';
import { DATABASE_CHECK_TIMEOUT_MS, databaseHealth, type Health, HEALTHY } from './app/health.ts';
import { createHeartbeat } from './app/heartbeat.ts';
import type { Logger, Store } from './app/ports.ts';
import { fireDueSchedules } from './app/schedules.ts';
import { composeMockdesign, newInstanceId, type SlackAuthOptions } from './compose.ts';
import { type Config, ConfigError, type DatabaseTarget, loadConfig, type SlackAuth } from './config.ts';
import { startCheckpointer } from './db/checkpointer.ts';
import { migrate } from './db/migrate.ts';
import { DatabaseUnusableError, openDatabase } from './db/open-database.ts';
import { autovacuumIsOff, migratePostgres, openPostgres } from './db/postgres-database.ts';
import { keepStepsAnalyzed } from './db/steps-statistics.ts';
import { createSqliteDatabase, DatabaseLockedError, lockDatabaseFile } from './db/sqlite-database.ts';
import { createStore } from './db/store.ts';
import { loadEnvFileIfPresent } from './env-file.ts';
import { createLogger } from './logger.ts';
import { PACKAGE_ROOT } from './paths.ts';
import { startTicker } from './scheduler/ticker.ts';
import { createTokenCipher } from './security/token-cipher.ts';
import { createInstallationStore, slackTokenRefresher } from './slack/installation-store.ts';
import { INSTALL_PATH, REDIRECT_PATH } from './slack/oauth.ts';
import { type SocketModeSupervisor, superviseSocketMode } from './slack/socket-mode.ts';
import { slackErrorCode } from './slack/web-api.ts';

const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'migrations');

/**
 * An open store, what must stop using it before it closes (`stopUpkeep`), and what closing it must also release
 * (`release`, after it has closed).
 */
interface OpenedStore {
  readonly store: Store;
  readonly stopUpkeep: () => Promise<void>;
  readonly release: () => Promise<void>;
  /**
   * Asks the database server whether it answers, for /healthz: PostgreSQL only, a server the network can take
   * away. A SQLite file is this process's own.
   */
  readonly ping?: () => Promise<void>;
}

/** Opens and migrates the configured database. */
async function openStore(target: DatabaseTarget, clock: () => number, logger: Logger): Promise<OpenedStore> {
  if (target.kind === 'postgres') {
    const db = await openPostgres(target.url, {
      // A pooled connection that fails while idle (a server restart, a network cut) is replaced when next needed.
      // A restart fails every idle one at once: a line each at debug. Should the server stay away, the delivery
      // engine says so, once, within a tick.
      onError: (error) => logger.debug('a PostgreSQL connection failed; the pool replaces it', { reason: error.message }),
      // Workers and listeners share it; most statements take a millisecond or two.
      poolSize: 20,
    });
    const version = await migratePostgres(db, join(MIGRATIONS_DIR, 'postgres'), {
      // Said once: an instance that waits quietly for a long migration looks stuck.
      onWaiting: () => logger.info('another instance is migrating the database; waiting for it to finish'),
    });
    logger.info('database ready', { kind: 'postgres', schema_version: version });
    // Without autovacuum nothing would analyze the steps table, and the claim's plan rests on its statistics.
    const upkeep = (await autovacuumIsOff(db)) ? keepStepsAnalyzed(db, logger) : undefined;
    if (upkeep) {
      logger.warn(
        'autovacuum is off on this PostgreSQL server: this instance analyzes the steps table itself when it has changed enough, but nothing vacuums the tables. Turn autovacuum on (autovacuum = on), or VACUUM the tables regularly.',
      );
    }
    // Several instances share this database: leases and retries follow its clock, not this host's.
    return {
      store: createStore(db, null),
      stopUpkeep: async () => upkeep?.stop(),
      release: async () => undefined,
      ping: () => db.ping(DATABASE_CHECK_TIMEOUT_MS),
    };
  }
  // Opening creates the folder and refuses a broken file; the lock comes before anything is written.
  const raw = openDatabase(target.path);
  let unlock: () => void;
  try {
    unlock = target.path === ':memory:' ? () => undefined : lockDatabaseFile(target.path);
  } catch (error) {
    raw.close();
    throw error;
  }
  try {
    const version = migrate(raw, join(MIGRATIONS_DIR, 'sqlite'));
    logger.info('database ready', { kind: 'sqlite', path: target.path, schema_version: version });
    const sqlite = createSqliteDatabase(raw);
    const store = createStore(sqlite, clock);
    // One process per file (the lock above): any `sending` row was left by a process that was killed.
    const leftovers = await store.steps.settleOrphans(SETTLE_MS);
    if (leftovers > 0) logger.warn('resuming posts interrupted by a restart', { steps: leftovers });
    const checkpointer = target.path === ':memory:' ? undefined : startCheckpointer(raw, target.path, logger, { gate: sqlite });
    // After the store has closed: the checkpoint thread's connection is then the last, and closing it empties the WAL.
    return {
      store,
      stopUpkeep: async () => undefined,
      release: async () => {
        await checkpointer?.close();
        unlock();
      },
    };
  } catch (error) {
    raw.close();
    unlock();
    throw error;
  }
}

async function main(): Promise<void> {
  // `.env` in the working directory, when there is one, fills in what the environment leaves unset.
  loadEnvFileIfPresent('.env');
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const clock = () => Date.now();
  // Before the database is opened or created: a port in use stops the app with nothing left behind.
  await checkPortFree(config.port);
  // Also before the database: a token Slack refuses stops the app with nothing created on disk.
  // What the rest of Slack's set-up needs (the installations, for OAuth) comes once the store is open.
  const slackAuth =
    config.auth.kind === 'single' ? await singleWorkspace(config.auth.botToken, config.slackApiUrl, logger) : manyWorkspaces(config.auth, config, clock, logger);
  const { store, stopUpkeep, release, ping } = await openStore(config.database, clock, logger);

  const instanceId = newInstanceId();
  const auth = slackAuth(store, instanceId);

  let ready = false;
  // In Socket Mode the app hears nothing from Slack while its socket is down: not healthy then.
  let socket: SocketModeSupervisor | undefined;
  // Several instances share a PostgreSQL database behind a load balancer: one that cannot reach it answers 503,
  // so that Slack's requests go to the others.
  const database = ping ? databaseHealth(ping, { clock, logger }) : async () => HEALTHY;
  const health = async (): Promise<Health> => {
    if (!ready) return { ok: false, reason: 'not ready' };
    if (socket && !socket.connected) return { ok: false, reason: 'the Socket Mode connection to Slack is down' };
    return database();
  };
  const { app, dispatcher, api, deps, messenger } = composeMockdesign({
    store,
    instanceId,
    auth,
    slackApiUrl: config.slackApiUrl,
    logger,
    clock,
    postConcurrency: config.postConcurrency,
    apiThread: true,
    bolt:
      config.mode === 'socket'
        ? { kind: 'socket', appToken: config.appToken ?? '', port: config.port, health }
        : { kind: 'http', signingSecret: config.signingSecret ?? '', port: config.port, health },
  });

  const started: unknown = await app.start(config.port).catch((error: unknown) => {
    throw portError(config.port, error) ?? (config.mode === 'socket' ? socketModeStartError(error, config.slackApiUrl) : error);
  });
  // Slack drops Socket Mode connections routinely; a failed reconnection must not end the process.
  socket = superviseSocketMode(app, logger);
  ready = true;
  logger.info('mockdesign is running', { mode: config.mode, port: boundPort(started) ?? config.port, instance: instanceId, database: store.kind });

  const heartbeat = createHeartbeat({
    dispatcher,
    fireSchedules: (now) => fireDueSchedules({ ...deps, people: messenger }, now),
    pruneRequests: (before) => store.requests.prune(before),
    logger,
    clock,
  });
  const ticker = startTicker(config.tickCron, () => heartbeat.beat(), logger);
  // Posts that fell due while the app was down go out now rather than at the first tick, once the Web API thread
  // has loaded: started by the first of them, it loaded under all of them. Started after the receiver, so the app
  // is ready (and answers Slack) no later for it.
  void api.warm().then(() => dispatcher.tick());

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    ready = false;
    await ticker.stop();
    dispatcher.stop();
    await app.stop().catch((error: unknown) => logger.warn('stopping the receiver failed', { reason: String(error) }));
    // A round of schedules under way (a creator looked up in Slack, a session being written) finishes first.
    await Promise.race([heartbeat.settled().then(() => dispatcher.drain()), new Promise((r) => setTimeout(r, 10_000))]);
    api.close();
    await stopUpkeep();
    await store.close().catch((error: unknown) => logger.warn('closing the database failed', { reason: String(error) }));
    await release();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

class SlackUnavailableError extends Error {}

/** Socket Mode's first connection failed: Slack refused the app token, or could not be reached. */
function socketModeStartError(error: unknown, slackApiUrl: string): SlackUnavailableError {
  const code = slackErrorCode(error);
  return new SlackUnavailableError(
    code
      ? `Slack refused SLACK_APP_TOKEN (${code}). Copy the App-Level Token again from Basic Information → App-Level Tokens; it needs the connections:write scope.`
      : `Cannot open a Socket Mode connection to Slack at ${slackApiUrl}: ${error instanceof Error ? error.message : String(error)}. Check the network or SLACK_API_URL.`,
  );
}

/** A ConfigError naming PORT for a port that cannot be listened on (in use, or privileged), else undefined. */
function portError(port: number, error: unknown): ConfigError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new ConfigError(`PORT ${port} is already in use by another process. Stop that process, or set PORT to a free port number (0–65535).`);
  if (code === 'EACCES') return new ConfigError(`PORT ${port} needs privileges this process does not have. Set PORT to a port number from 1024 to 65535.`);
  return undefined;
}

/**
 * The port the HTTP receiver's server listens on: with PORT=0 the system picks one, and only the server knows
 * which. In Socket Mode Bolt's start answers with the connection instead of a server: undefined then.
 */
function boundPort(started: unknown): number | undefined {
  if (!(started instanceof Server)) return undefined;
  const address = started.address();
  return typeof address === 'object' && address ? address.port : undefined;
}

/** Listens on the port the way the receiver will (every address), and lets it go again. */
async function checkPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => reject(portError(port, error) ?? error));
    server.listen(port, () => server.close(() => resolve()));
  });
}

/** One workspace: the bot token is checked with Slack now, before anything is created on disk. */
async function singleWorkspace(botToken: string, slackApiUrl: string, logger: Logger): Promise<(store: Store, instanceId: string) => SlackAuthOptions> {
  const identity = await verifyBotToken(botToken, slackApiUrl, logger);
  return () => {
    logger.info('connected to Slack', { team: identity.teamId, bot_user: identity.botUserId });
    return { kind: 'single', botToken, identity };
  };
}

/** Many workspaces: each install's tokens are kept, encrypted, in the store. */
function manyWorkspaces(oauth: Extract<SlackAuth, { kind: 'oauth' }>, config: Config, clock: () => number, logger: Logger): (store: Store, instanceId: string) => SlackAuthOptions {
  const { clientId, clientSecret, stateSecret, tokenKey, previousTokenKeys } = oauth;
  return (store, instanceId) => {
    const installations = createInstallationStore(store, createTokenCipher(tokenKey, previousTokenKeys), clock, {
      owner: instanceId,
      // Used only for installations whose tokens rotate (Slack says so in the install's answer).
      refresh: slackTokenRefresher({ clientId, clientSecret, slackApiUrl: config.slackApiUrl, clock }),
      logger,
    });
    logger.info('installing in many workspaces', {
      install_page: config.publicUrl ? `${config.publicUrl}${INSTALL_PATH}` : INSTALL_PATH,
      redirect: config.publicUrl ? `${config.publicUrl}${REDIRECT_PATH}` : "(the app's redirect URL in Slack)",
    });
    return { kind: 'oauth', installations, clientId, clientSecret, stateSecret, publicUrl: config.publicUrl };
  };
}

/** auth.test once at start-up: a wrong token stops the app with a clear message instead of failing every request. */
async function verifyBotToken(
  token: string,
  slackApiUrl: string,
  logger: Logger,
): Promise<{ botId: string; botUserId: string; teamId: string; workspaceUrl: string | undefined }> {
  // The client's own lines about each failed try go to debug: a failure is said once, by the message below.
  const say = (...parts: unknown[]) => logger.debug(parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' '), { source: 'auth.test' });
  const quiet: SlackLogger = { debug: say, info: say, warn: say, error: say, setLevel: () => undefined, getLevel: () => LogLevel.DEBUG, setName: () => undefined };
  const client = new WebClient(token, { slackApiUrl, retryConfig: { retries: 2 }, timeout: 10_000, logger: quiet });
  try {
    const result = await client.auth.test();
    if (!result.bot_id || !result.user_id) throw new SlackUnavailableError('SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot id).');
    return { botId: result.bot_id, botUserId: result.user_id, teamId: result.team_id ?? '', workspaceUrl: result.url };
  } catch (error) {
    if (error instanceof SlackUnavailableError) throw error;
    const code = slackErrorCode(error);
    throw new SlackUnavailableError(
      code
        ? `Slack refused SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from OAuth & Permissions.`
        : `Cannot reach Slack at ${slackApiUrl}: ${error instanceof Error ? error.message : String(error)}. Check the network or SLACK_API_URL.`,
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseUnusableError || error instanceof DatabaseLockedError || error instanceof SlackUnavailableError) {
    process.stderr.write(`mockdesign cannot start.\n${error.message}\n`);
  } else {
    process.stderr.write(`mockdesign cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
