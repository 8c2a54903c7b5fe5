/** The signed client: Slack's v0 signature and a round trip to a server that verifies it. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedClient, slackSignature } from '../../sandbox/signed-client.ts';

const SECRET = 'test-signing-secret';

describe('slackSignature', () => {
  it("matches the example in Slack's request-verification documentation", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
      '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body))
      .toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('is the hex HMAC-SHA256 of v0:timestamp:body', () => {
    const body = '{"type":"event_callback","event":{"text":"héllo ✓"}}';
    const expected = `v0=${createHmac('sha256', SECRET).update(`v0:1700000000:${body}`, 'utf8').digest('hex')}`;
    expect(slackSignature(SECRET, 1700000000, body)).toBe(expected);
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny app endpoint that checks signatures the way Bolt does, including the 5-minute window. */
function verifyingServer(received: Received[]): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body });
      const ts = Number(req.headers['x-slack-request-timestamp']);
      const given = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
      const wanted = Buffer.from(`v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`);
      const fresh = Math.abs(Math.floor(Date.now() / 1000) - ts) <= 300;
      const valid = fresh && given.length === wanted.length && timingSafeEqual(given, wanted);
      res.writeHead(valid ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ valid }));
    });
  });
}

describe('createSignedClient', () => {
  const received: Received[] = [];
  const server = verifyingServer(received);
  let appUrl = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends slash commands as signed form fields', async () => {
    const client = createSignedClient({ appUrl, signingSecret: SECRET });
    const res = await client.slashCommand({
      command: '/mock', text: 'start url-shortener', user_id: 'U0ALICE', channel_id: 'C0GENERAL', team_id: 'T0SANDBOX',
      trigger_id: 't.1', response_url: 'http://127.0.0.1:1/response/abc',
    });
    expect(res).toEqual({ status: 200, text: '{"valid":true}', json: { valid: true } });
    const last = received.at(-1);
    expect(last?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(last?.body);
    expect(form.get('command')).toBe('/mock');
    expect(form.get('text')).toBe('start url-shortener');
    expect(form.get('response_url')).toBe('http://127.0.0.1:1/response/abc');
  });

  it('sends interactions as a payload form field', async () => {
    const client = createSignedClient({ appUrl, signingSecret: SECRET });
    const payload = { type: 'block_actions', user: { id: 'U0ALICE' }, actions: [{ action_id: 'next_phase', value: 's1' }] };
    expect((await client.interactive(payload)).status).toBe(200);
    expect(JSON.parse(new URLSearchParams(received.at(-1)?.body).get('payload') ?? '')).toEqual(payload);
  });

  it('sends events as JSON with retry headers', async () => {
    const client = createSignedClient({ appUrl, signingSecret: SECRET });
    const envelope = { type: 'event_callback', event_id: 'Ev1', event: { type: 'app_home_opened', user: 'U0ALICE' } };
    expect((await client.event(envelope, { retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    const last = received.at(-1);
    expect(last?.headers['content-type']).toBe('application/json');
    expect(last?.headers['x-slack-retry-num']).toBe('1');
    expect(last?.headers['x-slack-retry-reason']).toBe('http_timeout');
    expect(JSON.parse(last?.body ?? '')).toEqual(envelope);
  });

  it('lets tests forge signatures and send stale timestamps', async () => {
    const client = createSignedClient({ appUrl, signingSecret: SECRET });
    const forged = await client.raw('{"type":"url_verification"}', 'application/json', { 'X-Slack-Signature': 'v0=00' });
    expect(forged).toMatchObject({ status: 401, json: { valid: false } });
    const wrongSecret = createSignedClient({ appUrl, signingSecret: 'other' });
    expect((await wrongSecret.event({ type: 'url_verification', challenge: 'c' })).status).toBe(401);
    const stale = createSignedClient({ appUrl, signingSecret: SECRET, nowSec: () => Math.floor(Date.now() / 1000) - 600 });
    expect((await stale.event({ type: 'url_verification', challenge: 'c' })).status).toBe(401);
  });
});
