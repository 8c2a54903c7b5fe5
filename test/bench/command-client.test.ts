/**
 * The slash-command scenario's client (bench/command-client.ts and its thread): every request signed as Slack
 * signs it, one time per request, and failures counted from the answers once the batch is done: a non-200, an
 * unreadable answer, or one without the expected text.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandClient, startCommandClient } from '../../bench/command-client.ts';
import { type SlashCommandFields, slackSignature } from '../../sandbox/signed-client.ts';
import { freePort } from '../support/app-process.ts';

const SECRET = 'bench-client-test-secret';

/** What the fake app does, by the command's text. */
const ANSWERS: Record<string, { status: number; body: string }> = {
  starts: { status: 200, body: JSON.stringify({ response_type: 'ephemeral', text: 'Starting *Design a cache*…' }) },
  busy: { status: 200, body: JSON.stringify({ response_type: 'ephemeral', text: 'A session is already running here.' }) },
  empty: { status: 200, body: '' },
  broken: { status: 200, body: '{"text": "Starting' },
  fails: { status: 500, body: 'oops' },
};

let server: Server;
let url: string;
let client: CommandClient;
const badSignatures: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const timestamp = Number(req.headers['x-slack-request-timestamp']);
      if (req.headers['x-slack-signature'] !== slackSignature(SECRET, timestamp, body)) badSignatures.push(body);
      const answer = ANSWERS[new URLSearchParams(body).get('text') ?? ''] ?? { status: 404, body: '' };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  client = startCommandClient();
});

afterAll(async () => {
  await client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const fields = (text: string): SlashCommandFields => ({ command: '/mockdesign', text, user_id: 'U1', channel_id: 'C1', team_id: 'T1' });

describe('the slash-command benchmark client', () => {
  it('times every request and counts as failed the answers without the expected text', async () => {
    const texts = ['starts', 'busy', 'starts', 'empty', 'broken', 'fails', 'starts', 'starts'];
    const result = await client.run({ appUrl: url, signingSecret: SECRET, requests: texts.map(fields), concurrency: 3, expectText: 'Starting' });
    expect(result.times).toHaveLength(texts.length);
    for (const ms of result.times) expect(ms).toBeGreaterThanOrEqual(0);
    // busy (wrong text), empty, broken JSON and the 500.
    expect(result.failures).toBe(4);
    expect(badSignatures).toEqual([]);
  });

  it('takes any 200 when no text is expected, as for the bare app', async () => {
    const texts = ['empty', 'busy', 'fails', 'starts'];
    const result = await client.run({ appUrl: url, signingSecret: SECRET, requests: texts.map(fields), concurrency: 1 });
    expect(result.times).toHaveLength(texts.length);
    expect(result.failures).toBe(1);
  });

  it('counts a request that gets no answer at all', async () => {
    // A port nothing listens on: the connection is refused.
    const closed = `http://127.0.0.1:${await freePort()}/slack/events`;
    const result = await client.run({ appUrl: closed, signingSecret: SECRET, requests: [fields('starts')], concurrency: 1 });
    expect(result.failures).toBe(1);
  });
});
