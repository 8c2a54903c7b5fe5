/** The stand-in's Socket Mode: apps.connections.open, the WebSocket it hands out, envelopes and acks, drops. */
import { LogLevel, WebClient } from '@slack/web-api';
import type { Logger } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSlackStandIn } from '../../sandbox/stand-in/server.ts';
import type { SlackStandIn } from '../../sandbox/stand-in/server.ts';

const quiet: Logger = {
  debug: () => {}, info: () => {}, warn: () => {}, error: () => {},
  setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {},
};

let slack: SlackStandIn;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  slack = createSlackStandIn();
  await slack.start();
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await slack.stop();
});

function clientWith(token: string): WebClient {
  return new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
}

async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return (err as { data?: { error?: string } }).data?.error ?? (err as { statusCode?: number }).statusCode?.toString() ?? String(err);
  }
  throw new Error('expected the call to fail');
}

/** A socket like the app's: connects, records every message, acks envelopes with `answer`. */
function connect(url: string, answer: (envelope: Record<string, unknown>) => Record<string, unknown> | undefined = () => undefined) {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const received: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    received.push(message);
    if (typeof message.envelope_id === 'string') {
      const payload = answer(message);
      socket.send(JSON.stringify({ envelope_id: message.envelope_id, ...(payload ? { payload } : {}) }));
    }
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { socket, received, opened, closed };
}

async function openUrl(): Promise<string> {
  const answer = await clientWith(slack.appToken).apps.connections.open();
  return String(answer.url);
}

describe('Slack stand-in: Socket Mode', () => {
  it('apps.connections.open takes only the app-level token; the app token is refused elsewhere', async () => {
    const url = await openUrl();
    expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/socket-mode\\?ticket=[0-9a-f]+&app_id=A0SANDBOX$`));
    expect(await errorOf(clientWith(slack.botToken).apps.connections.open())).toBe('invalid_auth');
    expect(await errorOf(clientWith('xapp-1-someone-else').apps.connections.open())).toBe('invalid_auth');
    expect(await errorOf(clientWith('').apps.connections.open())).toBe('not_authed');
    expect(await errorOf(clientWith(slack.appToken).chat.postMessage({ channel: 'C0GENERAL', text: 'hi' }))).toBe('not_allowed_token_type');
    expect(slack.calls.map((c) => c.method)).toEqual(['apps.connections.open', 'apps.connections.open', 'apps.connections.open', 'apps.connections.open', 'chat.postMessage']);
  });

  it('greets a socket with hello and counts connections; a URL is good for one connection', async () => {
    const url = await openUrl();
    const first = connect(url);
    await first.opened;
    await slack.socketMode.waitForConnection(1, 5_000);
    expect(slack.socketMode.connections).toBe(1);
    expect(slack.socketMode.connected).toBe(true);
    await expect.poll(() => first.received[0]).toEqual({
      type: 'hello',
      num_connections: 1,
      debug_info: { host: 'applink-sandbox', build_number: 1, approximate_connection_time: 3600 },
      connection_info: { app_id: 'A0SANDBOX' },
    });
    await expect(connect(url).opened).rejects.toThrow('refused with 401');
    expect(slack.socketMode.connections).toBe(1);
  });

  it('delivers envelopes to the newest socket and resolves with the ack', async () => {
    const app = connect(await openUrl(), (envelope) =>
      envelope.type === 'slash_commands' ? { text: `got ${(envelope.payload as { command: string }).command}` } : undefined,
    );
    await app.opened;
    await slack.socketMode.waitForConnection(1, 5_000);
    const ack = await slack.socketMode.send('slash_commands', { command: '/mockdesign', text: 'help' });
    expect(ack).toEqual({ envelope_id: expect.any(String), payload: { text: 'got /mockdesign' } });
    const envelope = app.received.find((m) => m.type === 'slash_commands');
    expect(envelope).toEqual({
      envelope_id: ack.envelope_id, type: 'slash_commands', payload: { command: '/mockdesign', text: 'help' }, accepts_response_payload: true,
    });
    const event = await slack.socketMode.send('events_api', { event: { type: 'app_home_opened' } });
    expect(event.payload).toBeUndefined();
    expect(app.received.find((m) => m.type === 'events_api')).toMatchObject({ accepts_response_payload: false, retry_attempt: 0, retry_reason: '' });
    expect(slack.socketMode.acks.map((a) => a.envelope_id)).toEqual([ack.envelope_id, event.envelope_id]);
  });

  it('fails a send with no socket, or with no ack in time', async () => {
    await expect(slack.socketMode.send('interactive', {})).rejects.toThrow('no open Socket Mode connection');
    const mute = new WebSocket(await openUrl());
    sockets.push(mute);
    await slack.socketMode.waitForConnection(1, 5_000);
    await expect(slack.socketMode.send('interactive', { type: 'block_actions' }, { timeoutMs: 100 })).rejects.toThrow('not acked within 100 ms');
    // An envelope outstanding when the socket closes fails at once rather than at its timeout.
    const pending = slack.socketMode.send('interactive', { type: 'block_actions' }, { timeoutMs: 10_000 });
    await slack.socketMode.drop();
    await expect(pending).rejects.toThrow(/closed \(code 1001\) before envelope .* was acked/);
  });

  it('drops sockets from its side, asks for a refresh, and fails apps.connections.open on demand', async () => {
    const first = connect(await openUrl());
    await first.opened;
    await slack.socketMode.waitForConnection(1, 5_000);
    await slack.socketMode.drop();
    expect(await first.closed).toBe(1001);
    expect(slack.socketMode.connected).toBe(false);

    slack.fail('apps.connections.open', { status: 503 }, 1);
    expect(await errorOf(clientWith(slack.appToken).apps.connections.open())).toBe('503');
    const second = connect(await openUrl());
    await second.opened;
    await slack.socketMode.waitForConnection(2, 5_000);

    slack.socketMode.refresh();
    await expect.poll(() => second.received.at(-1)).toMatchObject({ type: 'disconnect', reason: 'refresh_requested' });
    second.socket.close();
    expect(await second.closed).toBe(1005);
    const third = connect(await openUrl());
    await third.opened;
    await slack.socketMode.drop({ abrupt: true });
    expect(await third.closed).toBe(1006);
    expect(slack.socketMode.connections).toBe(3);
  });
});
