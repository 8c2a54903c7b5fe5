import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/app/ports.ts';
import { createThreadTransport } from '../../../src/slack/api-thread.ts';
import { classifySlackError } from '../../../src/slack/messenger.ts';
import { createSlackApi, type SlackApi, SlackApiError, slackErrorCode } from '../../../src/slack/web-api.ts';
import { type CountingSlack, startCountingSlack } from '../../support/counting-slack.ts';
import { until } from '../../support/until.ts';

/** Errors the API thread logs, kept to assert on. */
const logged: Array<{ message: string; context: Record<string, unknown> | undefined }> = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message, context) => void logged.push({ message, context }),
};

interface Seen {
  method: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
/** What the fake Slack answers next, by method. */
const answers = new Map<string, (res: ServerResponse) => void>();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace('/api/', '');
      seen.push({ method, contentType: req.headers['content-type'], authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() });
      const answer = answers.get(method);
      if (answer) answer(res);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ts: '1.000100' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

/** Which transport the suite below runs over: this thread's HTTP, or the API thread's. */
let onApiThread = false;

function api(timeoutMs = 5000) {
  const options = { baseUrl, token: 'xoxb-default-token', timeoutMs, maxSockets: 4 };
  return createSlackApi(options, onApiThread ? createThreadTransport(options, logger) : undefined);
}

async function failure(promise: Promise<unknown>): Promise<SlackApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackApiError);
  return error as SlackApiError;
}

describe.each([
  ['on this thread', false],
  ['on the API thread', true],
])('the lean Web API client, %s', (_name, thread) => {
  beforeAll(() => {
    onApiThread = thread;
  });

  it('posts write methods as JSON with the bearer token, and a per-call token wins', async () => {
    seen.length = 0;
    const client = api();
    const result = await client.call<{ ok: boolean; ts?: string }>('chat.postMessage', { channel: 'C1', text: 'hi', blocks: [{ type: 'divider' }] });
    await client.call('chat.update', { channel: 'C1', ts: '1.0', text: 'x' }, 'xoxb-other-workspace');
    client.close();
    expect(result.ts).toBe('1.000100');
    expect(seen[0]).toMatchObject({ method: 'chat.postMessage', contentType: 'application/json; charset=utf-8', authorization: 'Bearer xoxb-default-token' });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ channel: 'C1', text: 'hi', blocks: [{ type: 'divider' }] });
    expect(seen[1]?.authorization).toBe('Bearer xoxb-other-workspace');
  });

  it('posts read methods as a form, object arguments JSON-encoded in their field', async () => {
    seen.length = 0;
    const client = api();
    await client.call('conversations.history', { channel: 'C1', include_all_metadata: true, limit: 200, cursor: undefined, extra: { a: 1 } });
    client.close();
    expect(seen[0]?.contentType).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(seen[0]?.body);
    expect(Object.fromEntries(form)).toEqual({ channel: 'C1', include_all_metadata: 'true', limit: '200', extra: '{"a":1}' });
  });

  it('turns ok:false into a platform error the messenger classifies like the WebClient’s', async () => {
    answers.set('chat.postMessage', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"not_in_channel"}'));
    const client = api();
    const error = await failure(client.call('chat.postMessage', { channel: 'C1', text: 'x' }));
    client.close();
    answers.clear();
    expect(error.code).toBe('slack_webapi_platform_error');
    expect(error.data?.error).toBe('not_in_channel');
    expect(classifySlackError(error).kind).toBe('not_in_channel');
  });

  it('reads Retry-After from a 429 and reports other statuses as HTTP errors', async () => {
    answers.set('chat.postMessage', (res) => res.writeHead(429, { 'retry-after': '7' }).end());
    answers.set('chat.update', (res) => res.writeHead(503).end('busy'));
    const client = api();
    const limited = await failure(client.call('chat.postMessage', { channel: 'C1' }));
    const unavailable = await failure(client.call('chat.update', { channel: 'C1' }));
    client.close();
    answers.clear();
    expect(limited.code).toBe('slack_webapi_rate_limited_error');
    expect(classifySlackError(limited)).toMatchObject({ kind: 'rate_limited', options: { retryAfterMs: 7000 } });
    expect(unavailable.statusCode).toBe(503);
    expect(classifySlackError(unavailable)).toMatchObject({ kind: 'transient', options: { maybeDelivered: true } });
  });

  it('gives up on a call that hangs, as a post in doubt, and on an answer that is not JSON', async () => {
    answers.set('chat.postMessage', () => undefined); // never answers
    answers.set('chat.update', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    const client = api(200);
    const hung = await failure(client.call('chat.postMessage', { channel: 'C1' }));
    const garbled = await failure(client.call('chat.update', { channel: 'C1' }));
    client.close();
    answers.clear();
    expect(hung.code).toBe('slack_webapi_request_error');
    expect(hung.message).toMatch(/timed out/);
    expect(classifySlackError(hung)).toMatchObject({ kind: 'transient', options: { maybeDelivered: true } });
    expect(garbled.code).toBe('slack_webapi_http_error');
    // Slack answered 200, so it acted on the request: a post may be there, and is looked for before a retry.
    expect(classifySlackError(garbled)).toMatchObject({ kind: 'transient', options: { maybeDelivered: true } });
  });

  it('never puts the token in an error message', async () => {
    answers.set('chat.postMessage', (res) => res.writeHead(200).end('{"ok":false,"error":"invalid_auth"}'));
    const client = api();
    const error = await failure(client.call('chat.postMessage', { channel: 'C1' }, 'xoxb-secret-value'));
    client.close();
    answers.clear();
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('xoxb-secret-value');
  });
});

describe('slackErrorCode', () => {
  it('reads Slack’s code from our errors and @slack/web-api’s alike, and nothing from any other failure', async () => {
    // A call Slack refused, through our client: its error carries the code Slack answered with.
    answers.set('chat.postMessage', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'not_in_channel' })));
    const client = createSlackApi({ baseUrl, token: 'xoxb-t', timeoutMs: 5000 });
    try {
      expect(slackErrorCode(await failure(client.call('chat.postMessage', { channel: 'C1', text: 'hi' })))).toBe('not_in_channel');
    } finally {
      client.close();
      answers.delete('chat.postMessage');
    }
    // @slack/web-api's platform error has the same shape.
    expect(slackErrorCode(Object.assign(new Error('x'), { code: 'slack_webapi_platform_error', data: { ok: false, error: 'invalid_auth' } }))).toBe('invalid_auth');
    for (const other of [new Error('socket hang up'), new SlackApiError('slack_webapi_http_error', 'status 503', { statusCode: 503 }), { data: { error: 42 } }, null, undefined, 'text']) {
      expect(slackErrorCode(other)).toBeUndefined();
    }
  });
});

describe('the API thread', () => {
  it('hands back a post’s answer without the message Slack echoes, and every other answer whole', async () => {
    const echo = { type: 'message', text: 'hi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(2000) } }] };
    answers.set('chat.postMessage', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel: 'C1', ts: '2.000200', message: echo })));
    answers.set('chat.update', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel: 'C1', ts: '2.000200', text: 'x', message: echo })));
    answers.set('conversations.history', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, messages: [echo] })));
    const options = { baseUrl, token: 'xoxb-default-token', timeoutMs: 5000, maxSockets: 4 };
    const threaded = createSlackApi(options, createThreadTransport(options, logger));
    const local = createSlackApi(options);
    try {
      expect(await threaded.call('chat.postMessage', { channel: 'C1', text: 'hi' })).toEqual({ ok: true, channel: 'C1', ts: '2.000200' });
      expect(await threaded.call('chat.update', { channel: 'C1', ts: '2.000200', text: 'x' })).toEqual({ ok: true, channel: 'C1', ts: '2.000200', text: 'x' });
      // Read methods answer with the messages they were asked for.
      expect(await threaded.call('conversations.history', { channel: 'C1' })).toEqual({ ok: true, messages: [echo] });
      // This thread's own transport decodes what it reads, as it came.
      expect(await local.call('chat.postMessage', { channel: 'C1', text: 'hi' })).toMatchObject({ message: echo });
      // An answer that is not JSON still fails as one.
      answers.set('chat.postMessage', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
      expect((await failure(threaded.call('chat.postMessage', { channel: 'C1', text: 'hi' }))).message).toContain('not JSON');
    } finally {
      threaded.close();
      local.close();
      for (const method of ['chat.postMessage', 'chat.update', 'conversations.history']) answers.delete(method);
    }
  });

  it('is started by warm, before any call, and the first call goes through that thread', async () => {
    const options = { baseUrl, token: 'xoxb-t', timeoutMs: 5000 };
    const transport = createThreadTransport(options, logger);
    const client = createSlackApi(options, transport);
    try {
      expect(transport.threadId).toBeUndefined();
      await client.warm();
      const started = transport.threadId;
      expect(started).toBeGreaterThan(0);
      // Warming again starts nothing more.
      await client.warm();
      expect(transport.threadId).toBe(started);
      expect(await client.call('auth.test', {})).toMatchObject({ ok: true });
      expect(transport.threadId).toBe(started);
    } finally {
      client.close();
    }
    // A closed client starts no thread.
    await client.warm();
    expect(transport.threadId).toBeUndefined();
  });

  it('warms without a thread when it cannot start one, and the backoff still applies', async () => {
    logged.length = 0;
    const now = 1_000_000;
    const options = { baseUrl: 'not a url', token: 'xoxb-t', timeoutMs: 1000 };
    const transport = createThreadTransport(options, logger, () => now);
    const client = createSlackApi(options, transport);
    // Resolves once the thread is gone, rather than waiting for it forever.
    await client.warm();
    while (!logged.some((l) => /API thread stopped/.test(l.message))) await new Promise((r) => setTimeout(r, 10));
    expect(transport.threadId).toBeUndefined();
    // Within the backoff neither warming nor a call starts another.
    await client.warm();
    expect((await failure(client.call('chat.postMessage', { channel: 'C1' }))).message).toMatch(/restarting/);
    expect(logged.filter((l) => /API thread stopped/.test(l.message))).toHaveLength(1);
    client.close();
  });

  it('fails the calls of a thread that could not start, once, and tries again only after a backoff', async () => {
    logged.length = 0;
    let now = 1_000_000;
    // A base URL the thread cannot parse makes it fail as it starts, before it answers anything.
    const options = { baseUrl: 'not a url', token: 'xoxb-t', timeoutMs: 1000 };
    const client = createSlackApi(options, createThreadTransport(options, logger, () => now));
    const first = await failure(client.call('chat.postMessage', { channel: 'C1' }));
    expect(first.code).toBe('slack_webapi_request_error');
    expect(first.message).toMatch(/API thread stopped/);
    // Within the backoff, calls fail at once without starting a thread (and without logging again).
    const during = await failure(client.call('chat.postMessage', { channel: 'C1' }));
    expect(during.message).toMatch(/restarting/);
    expect(logged.filter((l) => /API thread stopped/.test(l.message))).toHaveLength(1);
    // After it, the next call starts a new thread; it fails the same way, and the backoff doubles.
    now += 1_000;
    await failure(client.call('chat.postMessage', { channel: 'C1' }));
    expect(logged.map((l) => l.context?.restart_in_ms)).toEqual([1_000, 2_000]);
    client.close();
    expect(JSON.stringify(logged)).not.toContain('xoxb-t');
  });

  it('fails the calls under way when it is closed', async () => {
    seen.length = 0;
    answers.set('chat.postMessage', () => undefined); // never answers
    const options = { baseUrl, token: 'xoxb-t', timeoutMs: 10_000 };
    const client = createSlackApi(options, createThreadTransport(options, logger));
    const pending = failure(client.call('chat.postMessage', { channel: 'C1' }));
    // Closed once the request is on its way, not before.
    while (!seen.some((s) => s.method === 'chat.postMessage')) await new Promise((r) => setTimeout(r, 10));
    client.close();
    answers.clear();
    expect((await pending).message).toMatch(/closed/);
  });
});

describe('kept-alive connections', () => {
  it('are closed by us once idle, before the server would close one under a post', async () => {
    // In a process of its own: nock, loaded in this one, stands in for sockets and their timeouts. The server
    // there keeps an idle connection a minute, so only the client can close it sooner.
    const script = `
      import { createServer } from 'node:http';
      import { createSlackApi } from ${JSON.stringify(new URL('../../../src/slack/web-api.ts', import.meta.url).href)};
      const server = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')); });
      server.keepAliveTimeout = 60_000;
      setTimeout(() => { console.log('still open after 10 s'); process.exit(1); }, 10_000).unref();
      let ended = 0;
      server.on('connection', (socket) => socket.on('end', () => { ended += 1; console.log('closed by the client'); }));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const api = createSlackApi({ baseUrl: 'http://127.0.0.1:' + server.address().port + '/api/', token: 'xoxb-t', timeoutMs: 5000, freeSocketMs: 150 });
      console.log('first', (await api.call('chat.postMessage', { channel: 'C1' })).ok);
      while (ended === 0) await new Promise((r) => setTimeout(r, 20));
      console.log('again', (await api.call('chat.postMessage', { channel: 'C1' })).ok);
      api.close(); server.closeAllConnections(); server.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out.trim().split('\n')).toEqual(['first true', 'closed by the client', 'again true']);
    expect(code).toBe(0);
  }, 20_000);
});

describe.each([
  ['on this thread', false],
  ['on the API thread', true],
])('connections made ahead of a wave, %s', (_name, thread) => {
  const clientFor = async (url: string, freeSocketMs?: number) => {
    const options = { baseUrl: url, token: 'xoxb-t', timeoutMs: 5000, maxSockets: 6, ...(freeSocketMs ? { freeSocketMs } : {}) };
    const client = createSlackApi(options, thread ? createThreadTransport(options, logger) : undefined);
    await client.warm();
    return client;
  };
  /** Runs `body` against a fake Slack that counts connections and a client of it, both closed after. */
  const withSlack = async (body: (slack: CountingSlack, client: SlackApi) => Promise<void>, freeSocketMs?: number) => {
    const slack = await startCountingSlack();
    const client = await clientFor(slack.url, freeSocketMs);
    try {
      await body(slack, client);
    } finally {
      client.close();
      await slack.close();
    }
  };

  it('opens them before any call, up to the pool’s size, and the calls then go over them', () =>
    withSlack(async (slack, client) => {
      client.preconnect(4);
      await until('4 connections made ahead', () => slack.opened === 4);
      expect(slack.requests).toBe(0);
      // Four calls at once find a connection each, made ahead: none is made for them.
      const answers = await Promise.all(Array.from({ length: 4 }, () => client.call('chat.postMessage', { channel: 'C1' })));
      expect(answers.every((a) => a.ok)).toBe(true);
      expect(slack.opened).toBe(4);
      // The pool's own connections count: asking for 20 adds only what its size (6) leaves.
      client.preconnect(20);
      await until('the pool full', () => slack.opened === 6);
      await Promise.all(Array.from({ length: 6 }, () => client.call('chat.postMessage', { channel: 'C1' })));
      client.preconnect(6);
      await client.call('auth.test', {});
      expect(slack.opened).toBe(6);
    }));

  it('closes one that no call took once it has been idle as long as a pooled one may be', () =>
    withSlack(async (slack, client) => {
      client.preconnect(3);
      await until('3 connections made ahead', () => slack.opened === 3);
      await until('all 3 closed by the client', () => slack.endedByClient === 3, 10_000);
      // The pool connects again by itself when a call comes.
      expect(await client.call('chat.postMessage', { channel: 'C1' })).toMatchObject({ ok: true });
      expect(slack.opened).toBe(4);
    }, 150));

  it('makes none for a server that refuses them, and calls still report their own failure', async () => {
    const slack = await startCountingSlack();
    const url = slack.url;
    await slack.close();
    const client = await clientFor(url);
    try {
      client.preconnect(3);
      const error = await failure(client.call('chat.postMessage', { channel: 'C1' }));
      expect(error.code).toBe('slack_webapi_request_error');
    } finally {
      client.close();
    }
  });
});

describe('a call in flight', () => {
  // A post waits 100–300 ms for Slack's answer. What it was called with (a message's blocks) is not needed by then,
  // and held that long by hundreds of posts at once it would outlive the young generation and be copied into the
  // old one. Collected here by a forced full collection while the fake Slack holds the answer back.
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;

  for (const thread of [false, true]) {
    it(`does not hold the arguments it was given until Slack answers (${thread ? 'the API thread' : 'this thread'})`, async () => {
      const held: ServerResponse[] = [];
      answers.set('chat.postMessage', (res) => held.push(res));
      const options = { baseUrl, token: 'xoxb-default-token', timeoutMs: 5000 };
      const client = createSlackApi(options, thread ? createThreadTransport(options, logger) : undefined);
      try {
        let blocks: unknown[] | undefined = Array.from({ length: 20 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `line ${i}` } }));
        const sent = new WeakRef(blocks);
        const answer = client.call<{ ok: boolean; ts?: string }>('chat.postMessage', { channel: 'C1', text: 'hi', blocks });
        blocks = undefined;
        await until('the request reached Slack', () => held.length === 1);
        collect();
        expect(sent.deref()).toBeUndefined();
        held[0]?.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ts: '1.000200' }));
        expect(await answer).toMatchObject({ ok: true, ts: '1.000200' });
      } finally {
        answers.delete('chat.postMessage');
        client.close();
      }
    });
  }
});
