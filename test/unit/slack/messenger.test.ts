import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../../src/app/ports.ts';
import { createSlackMessenger, renderStep } from '../../../src/slack/messenger.ts';
import { createSlackApi, type SlackApi } from '../../../src/slack/web-api.ts';
import { aSnapshot, MIN, T0 } from '../support/builders.ts';

/** The bodies of the chat.postMessage calls the fake Slack got, in order. */
const posted: Array<{ text: string; blocks: unknown[] }> = [];
let server: Server;
let api: SlackApi;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.endsWith('/chat.postMessage')) posted.push(JSON.parse(Buffer.concat(chunks).toString()) as { text: string; blocks: unknown[] });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ts: `1.${String(posted.length).padStart(6, '0')}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = createSlackApi({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, timeoutMs: 5000 });
});
afterAll(async () => {
  api.close();
  await new Promise((r) => server.close(r));
});

function aStep(kind: 'phase' | 'warning', phaseIndex: number, dueAt: number): Step {
  return {
    id: 1,
    sessionId: 'sess_123-abc',
    key: `${kind}:${phaseIndex}`,
    kind,
    phaseIndex,
    seq: 1,
    dueAt,
    runAt: dueAt,
    state: 'sending',
    attempts: 0,
    owner: 'me',
    leaseUntil: null,
    sentAt: null,
    postedTs: null,
    progress: 0,
    uncertain: false,
    lastError: null,
  };
}

describe('the messenger', () => {
  it('posts what the step it is asked for renders at the time given, whatever it was asked before about the same snapshot', async () => {
    const messenger = createSlackMessenger(api, { credentials: async () => ({ token: 'xoxb-test' }) });
    const snapshot = aSnapshot();
    const phase = aStep('phase', 1, T0 + 5 * MIN);
    const warning = aStep('warning', 1, T0 + 20 * MIN);
    const late = T0 + 8 * MIN;
    expect(messenger.partsOf(snapshot, phase, T0 + 5 * MIN)).toBe(1);
    posted.length = 0;
    // Another step, then the same step at another time: each is rendered for what it is asked, not served from before.
    await messenger.post(snapshot, warning, 0, T0 + 5 * MIN);
    await messenger.post(snapshot, phase, 0, late);
    await messenger.post(snapshot, phase, 0, T0 + 5 * MIN);
    const expected = [renderStep(snapshot, warning, T0 + 5 * MIN), renderStep(snapshot, phase, late), renderStep(snapshot, phase, T0 + 5 * MIN)].map(
      ([m]) => ({ text: m?.text, blocks: m?.blocks }),
    );
    expect(posted.map(({ text, blocks }) => ({ text, blocks }))).toEqual(expected);
    // The three differ: a time check is not a phase, and a phase three minutes late says so.
    expect(new Set(posted.map((p) => JSON.stringify(p.blocks))).size).toBe(3);
  });
});
