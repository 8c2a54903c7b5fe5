import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../../src/app/ports.ts';
import { planSteps, type StepKind } from '../../../src/domain/timeline.ts';
import { createSlackMessenger, renderHostNotice, renderStep } from '../../../src/slack/messenger.ts';
import { createSlackApi, type SlackApi } from '../../../src/slack/web-api.ts';
import { aSession, aSnapshot, MIN, T0 } from '../support/builders.ts';

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
    audience: null,
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

describe('the host’s notice of a lost step', () => {
  const session = aSession();
  const lost = (step: string) => renderHostNotice(session, { kind: 'lost', step, reason: 'invalid_blocks' });

  it('names every kind of step the planner and the dispatcher make, with the phase it belongs to', () => {
    const planned = planSteps(session.phases, T0, { nudges: true, digests: true });
    // The steps outside the posting order are upserted by their kind alone.
    const steps = [...planned, ...(['refresh', 'expire', 'remind'] as const).map((kind) => ({ key: kind, kind }))];
    const kinds: StepKind[] = ['root', 'phase', 'warning', 'summary', 'refresh', 'expire', 'nudge', 'digest', 'remind'];
    expect(new Set(steps.map((s) => s.kind))).toEqual(new Set(kinds));
    const described = Object.fromEntries(steps.map((s) => [s.key, /^I gave up posting (.+) of your mock interview \*/.exec(lost(s.key))?.[1]]));
    expect(described).toEqual({
      root: 'the session message',
      'phase:0': 'the phase 1 message',
      'nudge:start:0': 'the private nudge to the interviewers at the start of phase 1',
      'nudge:mid:0': 'the private nudge to the interviewers half-way through phase 1',
      'warning:0': 'the time check of phase 1',
      'digest:0': 'your digest at the deadline of phase 1',
      'phase:1': 'the phase 2 message',
      'nudge:start:1': 'the private nudge to the interviewers at the start of phase 2',
      'nudge:mid:1': 'the private nudge to the interviewers half-way through phase 2',
      'warning:1': 'the time check of phase 2',
      'digest:1': 'your digest at the deadline of phase 2',
      'phase:2': 'the phase 3 message',
      'nudge:start:2': 'the private nudge to the interviewers at the start of phase 3',
      'nudge:mid:2': 'the private nudge to the interviewers half-way through phase 3',
      'warning:2': 'the time check of phase 3',
      'digest:2': 'your digest at the deadline of phase 3',
      'phase:3': 'the phase 4 message',
      'nudge:start:3': 'the private nudge to the interviewers at the start of phase 4',
      'nudge:mid:3': 'the private nudge to the interviewers half-way through phase 4',
      'warning:3': 'the time check of phase 4',
      'digest:3': 'your digest at the deadline of phase 4',
      summary: 'the summary',
      refresh: 'an update of the session message',
      expire: 'the automatic end after too long a pause',
      remind: 'the reminders to members who have not contributed yet',
    });
  });

  it('never shows a phase it cannot read', () => {
    for (const key of ['phase:x', 'nudge:start', 'something:else', 'warning:', 'digest:-1']) {
      expect(lost(key)).toMatch(/^I gave up posting one of the messages of your mock interview \*/);
    }
  });
});
