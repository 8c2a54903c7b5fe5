/** The composition root: configuration → database → Bolt app → tick; and a clean shutdown on SIGTERM/SIGINT. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebClient } from '@slack/web-api';
import { DEFAULT_LEASE_MS, SETTLE_MS } from './app/dispatcher.ts';
import { composeMockdesign } from './compose.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { DatabaseUnusableError, openDatabase } from './db/open-database.ts';
import { createLogger } from './logger.ts';
import { startTicker } from './scheduler/ticker.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');
const PRUNE_EVERY_MS = 3600_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const clock = () => Date.now();
  const db = openDatabase(config.databasePath);
  const version = migrate(db, MIGRATIONS_DIR);
  logger.info('database ready', { path: config.databasePath, schema_version: version });

  const identity = await verifyBotToken(config.botToken, config.slackApiUrl);
  logger.info('connected to Slack', { team: identity.teamId, bot_user: identity.botUserId });

  let ready = false;
  const { app, dispatcher, deps } = composeMockdesign({
    db,
    botToken: config.botToken,
    slackApiUrl: config.slackApiUrl,
    logger,
    clock,
    postConcurrency: config.postConcurrency,
    identity,
    bolt:
      config.mode === 'socket'
        ? { kind: 'socket', appToken: config.appToken ?? '', port: config.port, healthy: () => ready }
        : { kind: 'http', signingSecret: config.signingSecret ?? '', port: config.port, healthy: () => ready },
  });

  // Nothing of ours can be in flight at start: any `sending` row was left by a process that was killed.
  const leftovers = deps.steps.releaseAllLeases(DEFAULT_LEASE_MS, SETTLE_MS);
  if (leftovers > 0) logger.warn('resuming posts interrupted by a restart', { steps: leftovers });

  await app.start(config.port);
  ready = true;
  logger.info('mockdesign is running', { mode: config.mode, port: config.port });

  let lastPrune = 0;
  const ticker = startTicker(config.tickCron, () => {
    const now = clock();
    dispatcher.tick(now);
    if (now - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now;
      deps.requests.prune(now - 24 * PRUNE_EVERY_MS);
    }
  });
  // Posts that fell due while the app was down go out now rather than at the first tick.
  dispatcher.tick(clock());

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    ready = false;
    await ticker.stop();
    await app.stop().catch((error: unknown) => logger.warn('stopping the receiver failed', { reason: String(error) }));
    await Promise.race([dispatcher.drain(), new Promise((r) => setTimeout(r, 10_000))]);
    db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

class SlackUnavailableError extends Error {}

/** auth.test once at start-up: a wrong token stops the app with a clear message instead of failing every request. */
async function verifyBotToken(token: string, slackApiUrl: string): Promise<{ botId: string; botUserId: string; teamId: string }> {
  const client = new WebClient(token, { slackApiUrl, retryConfig: { retries: 2 }, timeout: 10_000 });
  try {
    const result = await client.auth.test();
    if (!result.bot_id || !result.user_id) throw new SlackUnavailableError('SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot id).');
    return { botId: result.bot_id, botUserId: result.user_id, teamId: result.team_id ?? '' };
  } catch (error) {
    if (error instanceof SlackUnavailableError) throw error;
    const code = (error as { data?: { error?: string } }).data?.error;
    throw new SlackUnavailableError(
      code
        ? `Slack refused SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from OAuth & Permissions.`
        : `Cannot reach Slack at ${slackApiUrl}: ${error instanceof Error ? error.message : String(error)}. Check the network or SLACK_API_URL.`,
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseUnusableError || error instanceof SlackUnavailableError) {
    process.stderr.write(`mockdesign cannot start.\n${error.message}\n`);
  } else {
    process.stderr.write(`mockdesign cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
