/**
 * The real app in Socket Mode, as a child process, against the stand-in: Slack drops the socket in the middle of a
 * session and the next `apps.connections.open` fails once with a 503. The app must stay up, reconnect, keep
 * answering commands over the new socket and finish the session with every message posted once.
 *
 * (The bug this guards against: the Web API client's `retries: 0` reached the Socket Mode client, so the first 503
 * while reconnecting became an unhandled WebAPIHTTPError about 5 s after the drop, and the process exited.)
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn, type StoredMessage } from '../../sandbox/stand-in/server.ts';
import { type AppProcess, killAllApps, randomBotToken, startApp, tempDbPath } from '../support/app-process.ts';
import { until } from '../support/until.ts';

const TEAM = 'T0SANDBOX';
const CHANNEL = 'C0GENERAL';
const HOST = 'U0ALICE';
/** Every phase has its time check, a 5 s phase's half-way through. */
const THREAD = ['Phase 1 of 4', 'time check', 'Phase 2 of 4', 'time check', 'Phase 3 of 4', 'time check', 'Phase 4 of 4', 'time check', 'Summary'];

function randomAppToken(): string {
  return `xapp-1-A0SANDBOX-${randomBytes(6).toString('hex')}-${randomBytes(24).toString('hex')}`;
}

function label(text: string): string {
  const phase = /^Phase (\d) of 4/.exec(text);
  if (phase) return `Phase ${phase[1]} of 4`;
  if (/ left in |^Time is up for /.test(text)) return 'time check';
  if (text.startsWith('Summary')) return 'Summary';
  return text;
}

/** What Slack sends in a slash_commands envelope. */
function slashCommand(slack: SlackStandIn, text: string): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: TEAM,
    team_domain: 'sandbox',
    channel_id: CHANNEL,
    channel_name: 'general',
    user_id: HOST,
    user_name: 'alice',
    command: '/mockdesign',
    text,
    api_app_id: slack.workspace.config.appId,
    is_enterprise_install: 'false',
    response_url: slack.newResponseUrl({ channel: CHANNEL, user: HOST }),
    trigger_id: slack.issueTriggerId(HOST),
  };
}

function tail(app: AppProcess): string {
  return [...app.stdout, ...app.stderr].slice(-40).join('\n');
}

/** Polls `probe` until it returns something; fails at once if the app process exits meanwhile. */
async function waitUntil<T>(what: string, app: AppProcess, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (app.hasExited) {
      const status = await app.exited;
      throw new Error(`the app exited (code ${status.code}, signal ${status.signal}) while waiting for ${what}\n${tail(app)}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${tail(app)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await killAllApps();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The stand-in and the app on it in Socket Mode (no signing secret, an app token; GET /healthz still on PORT). */
async function startSocketModeApp(dbName: string) {
  const slack = createSlackStandIn({ botToken: randomBotToken(), appToken: randomAppToken() });
  await slack.start();
  cleanups.push(() => slack.stop());
  const dbPath = tempDbPath(dbName);
  cleanups.push(() => rmSync(dirname(dbPath), { recursive: true, force: true }));
  const app = await startApp({
    slackApiUrl: slack.apiUrl,
    botToken: slack.botToken,
    dbPath,
    env: { SLACK_APP_TOKEN: slack.appToken, SLACK_SIGNING_SECRET: undefined },
    readyTimeoutMs: 30_000,
  });
  return { slack, app };
}

describe('Socket Mode, the real process', () => {
  it(
    'survives Slack dropping the socket when the next apps.connections.open fails once with a 503: reconnects, answers, posts every message once',
    async () => {
      const { slack, app } = await startSocketModeApp('mockdesign-socket');
      // Healthy only once app.start() resolved, i.e. after Slack's hello.
      await slack.socketMode.waitForConnection(1, 10_000);
      expect(slack.socketMode.connections).toBe(1);
      await until('the start in the log', () => app.logs().some((l) => l.msg === 'mockdesign is running' && l.mode === 'socket'));

      const started = await slack.socketMode.send('slash_commands', slashCommand(slack, 'start Socket test --plan 5s/5s/5s/5s'));
      expect(started.payload?.response_type).toBe('ephemeral');
      expect(String(started.payload?.text)).toContain('Starting *Socket test*');

      const root = await waitUntil('the root message', app, 15_000, () => slack.messages(CHANNEL).at(0));
      const thread = () => slack.messages(CHANNEL, { threadTs: root.ts });
      await waitUntil('phase 1 in the thread', app, 15_000, () => thread().find((m) => m.text.startsWith('Phase 1 of 4')));

      // Slack closes the socket, and the first apps.connections.open of the reconnection fails.
      slack.fail('apps.connections.open', { status: 503 }, 1);
      await slack.socketMode.drop();
      expect(slack.socketMode.connected).toBe(false);

      await waitUntil('the app to reconnect', app, 30_000, () =>
        slack.socketMode.connections >= 2 && slack.socketMode.connected ? true : undefined,
      );
      expect(app.hasExited).toBe(false);
      const opens = slack.calls.filter((c) => c.method === 'apps.connections.open').map((c) => (c.ok ? 'ok' : `${c.status ?? c.error}`));
      expect(opens).toEqual(['ok', '503', 'ok']);
      // The Socket Mode client's own retries absorb the 503 without a word: no "Failed to retrieve a new WSS URL",
      // no failed reconnection (that would mean it got the Web API client's `retries: 0` again).
      const socketErrors = app.logs().filter((l) => l.level === 'error' && (l.source !== undefined || /socket|WSS/i.test(String(l.msg))));
      expect(socketErrors).toEqual([]);

      // The new socket carries commands.
      const help = await slack.socketMode.send('slash_commands', slashCommand(slack, 'help'));
      expect(String(help.payload?.text)).toContain('How to use /mockdesign');

      await waitUntil('the summary in the thread', app, 40_000, () => thread().find((m) => m.text.startsWith('Summary')));
      expect(app.hasExited).toBe(false);

      // SIGTERM drains whatever is still being posted, so nothing can land after the checks below.
      expect(await app.stop()).toBe(0);
      expect(slack.messages(CHANNEL)).toHaveLength(1);
      expect(thread().map((m: StoredMessage) => label(m.text))).toEqual(THREAD);
      const accepted = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok);
      expect(accepted).toHaveLength(1 + THREAD.length);
      const texts = slack.allMessages().map((m) => m.text);
      expect(new Set(texts).size).toBe(texts.length);
      expect(slack.socketMode.connections).toBe(2);

      const output = [...app.stdout, ...app.stderr].join('\n');
      expect(output.includes(slack.appToken), 'the app token appeared in the output').toBe(false);
      expect(output.includes(slack.botToken), 'the bot token appeared in the output').toBe(false);
    },
    60_000,
  );

  it(
    'GET /healthz answers 503 while the socket is down and 200 again once it has reconnected',
    async () => {
      const { slack, app } = await startSocketModeApp('mockdesign-socket-health');
      const health = async () => (await fetch(`${app.url}/healthz`)).status;
      expect(await health()).toBe(200);

      // Slack closes the socket, and the reconnection's apps.connections.open takes a few seconds to answer.
      slack.fail('apps.connections.open', { delayMs: 4_000 }, 1);
      await slack.socketMode.drop();
      await waitUntil('/healthz to answer 503 while disconnected', app, 10_000, async () => ((await health()) === 503 ? true : undefined));
      await waitUntil('the app to reconnect', app, 30_000, () => (slack.socketMode.connections >= 2 && slack.socketMode.connected ? true : undefined));
      await waitUntil('/healthz to answer 200 again', app, 10_000, async () => ((await health()) === 200 ? true : undefined));
      expect(await app.stop()).toBe(0);
    },
    60_000,
  );
});
