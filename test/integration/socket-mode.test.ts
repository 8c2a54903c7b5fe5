/**
 * superviseSocketMode, in process: a Bolt app in Socket Mode against the stand-in. The reconnections that
 * @slack/socket-mode would leave as unhandled rejections (which end the process) are caught and retried.
 */
import { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { boltLogger, createLogger } from '../../src/logger.ts';
import { type SocketModeSupervisor, superviseSocketMode } from '../../src/slack/socket-mode.ts';

interface Running {
  slack: SlackStandIn;
  app: App;
  supervisor: SocketModeSupervisor;
  logs: () => Array<Record<string, unknown>>;
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function start(): Promise<Running> {
  const slack = createSlackStandIn();
  await slack.start();
  stops.push(() => slack.stop());
  const lines: string[] = [];
  const logger = createLogger('info', (line) => lines.push(line));
  const app = new App({
    token: slack.botToken,
    appToken: slack.appToken,
    socketMode: true,
    logger: boltLogger(logger),
    botId: 'B0BOT',
    botUserId: 'U0BOT',
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl } },
  });
  app.command('/mockdesign', async ({ ack }) => ack({ response_type: 'ephemeral', text: 'pong' }));
  await app.start();
  stops.push(() => app.stop().then(() => undefined));
  const supervisor = superviseSocketMode(app, logger, { baseDelayMs: 20, maxDelayMs: 200, random: () => 1 });
  if (!supervisor) throw new Error('expected a Socket Mode app');
  return { slack, app, supervisor, logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function command(slack: SlackStandIn) {
  return {
    team_id: 'T0SANDBOX', channel_id: 'C0GENERAL', user_id: 'U0ALICE', command: '/mockdesign', text: 'status',
    api_app_id: 'A0SANDBOX', trigger_id: slack.issueTriggerId('U0ALICE'), response_url: slack.newResponseUrl({ channel: 'C0GENERAL', user: 'U0ALICE' }),
  };
}

describe('superviseSocketMode', () => {
  it('is a no-op for an app that is not in Socket Mode', () => {
    const app = new App({ token: 'xoxb-unused-token', signingSecret: 'abcdef0123456789', tokenVerificationEnabled: false });
    expect(superviseSocketMode(app, createLogger('error', () => undefined))).toBeUndefined();
  });

  it('keeps reconnecting after errors the client calls unrecoverable, with backoff, and the new socket carries envelopes', async () => {
    const { slack, supervisor, logs } = await start();
    expect((await slack.socketMode.send('slash_commands', command(slack))).payload?.text).toBe('pong');

    // invalid_auth twice: without the supervisor the client's reconnection rejects unhandled and Node exits.
    slack.fail('apps.connections.open', { error: 'invalid_auth' }, 2);
    await slack.socketMode.drop();
    await slack.socketMode.waitForConnection(2, 10_000);
    expect((await slack.socketMode.send('slash_commands', command(slack))).payload?.text).toBe('pong');
    expect(supervisor.connected).toBe(true);
    expect(supervisor.reconnections).toBe(1);

    const opens = slack.calls.filter((c) => c.method === 'apps.connections.open').map((c) => c.error ?? 'ok');
    expect(opens).toEqual(['ok', 'invalid_auth', 'invalid_auth', 'ok']);
    const mine = logs().filter((l) => String(l.msg).startsWith('socket mode:'));
    expect(mine.map((l) => [l.msg, l.delay_ms ?? l.slack_error ?? l.attempts])).toEqual([
      ['socket mode: reconnecting', 20],
      ['socket mode: reconnecting failed; will try again', 'invalid_auth'],
      ['socket mode: reconnecting', 40],
      ['socket mode: reconnecting failed; will try again', 'invalid_auth'],
      ['socket mode: reconnecting', 80],
      ['socket mode: reconnected', 3],
    ]);
  });

  it('reconnects when Slack asks for it (a disconnect message) and after a connection cut without a close frame', async () => {
    const { slack, supervisor } = await start();
    slack.socketMode.refresh();
    await slack.socketMode.waitForConnection(2, 10_000);
    await slack.socketMode.drop({ abrupt: true });
    await slack.socketMode.waitForConnection(3, 10_000);
    expect((await slack.socketMode.send('slash_commands', command(slack))).payload?.text).toBe('pong');
    expect(supervisor.reconnections).toBe(2);
  });

  it('stops reconnecting when the app stops', async () => {
    const { slack, app, supervisor } = await start();
    await app.stop();
    expect(supervisor.connected).toBe(false);
    await slack.socketMode.drop();
    // Five times the longest backoff: a reconnection would have happened by now.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(slack.socketMode.connections).toBe(1);
    expect(slack.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
  });
});
