/** One whole session driven by a fixed clock, and a restart in the middle of one on the same database file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTLE_MS } from '../../src/app/dispatcher.ts';
import { ACTION_IDS } from '../../src/slack/ids.ts';
import { createSlackStandIn } from '../../sandbox/stand-in/server.ts';
import { fixedClock } from '../support/fixed-clock.ts';
import { allText, createHarness, GUEST, type Harness } from '../support/harness.ts';
import { openTestDb } from '../support/test-db.ts';

const MIN = 60_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function harness(options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  const h = await createHarness(options);
  cleanups.push(() => h.close());
  return h;
}

/** The kinds of thread posts in order: 'phase 1', 'time check', …, 'summary'. */
function timeline(h: Harness): string[] {
  return h.thread().map((m) => {
    if (m.text.startsWith('Phase')) return `phase ${m.text.charAt(6)}`;
    if (/left in|Time is up for/.test(m.text)) return 'time check';
    if (m.text.startsWith('Summary')) return 'summary';
    return m.text;
  });
}

const FULL = ['phase 1', 'time check', 'phase 2', 'time check', 'phase 3', 'time check', 'phase 4', 'time check', 'summary'];

describe('a whole session', () => {
  it('walks start → notes → every transition on time → summary, each post once and in order', async () => {
    const h = await harness();
    const start = h.clock.now();
    await h.command('start Design a URL shortener --interviewer <@U0CAROL>');
    await h.command('note Shorten and redirect; custom aliases are out', { user: GUEST });

    await h.advance(4 * MIN - 1000);
    expect(timeline(h)).toEqual(['phase 1']);
    await h.advance(1000);
    expect(timeline(h)).toEqual(['phase 1', 'time check']);
    expect(h.thread().at(-1)?.text).toContain('1 min left in Requirements &amp; scope');

    await h.advance(1 * MIN);
    expect(timeline(h)).toEqual(['phase 1', 'time check', 'phase 2']);
    const value = (h.root()?.blocks?.find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] }).elements[0]?.value ?? '';
    await h.click(ACTION_IDS.addNote, value, { user: 'U0CAROL' });
    const view = h.slack.openViews('U0CAROL').at(-1);
    if (!view) throw new Error('no modal');
    await h.submitNote(view, { text: 'POST /urls → {short}; GET /{short} → 301', phase: '1', kind: 'api' }, { user: 'U0CAROL' });

    await h.advance(45 * MIN, 30_000);
    expect(timeline(h)).toEqual(FULL);
    // Phase starts were exactly on schedule: each phase message was posted when its phase began.
    const posted = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok);
    const phaseTimes = posted.filter((c) => String(c.params.text).startsWith('Phase')).map((c) => c.at - start);
    expect(phaseTimes).toEqual([0, 5 * MIN, 25 * MIN, 40 * MIN]);
    const summaryCall = posted.find((c) => String(c.params.text).startsWith('Summary'));
    expect(summaryCall?.at).toBe(start + 45 * MIN);

    const summary = allText(h.thread().at(-1) ?? {});
    expect(summary).toContain('*Topic:* Design a URL shortener');
    expect(summary).toContain('<@U0ALICE>, <@U0CAROL>, <@U0BOB>');
    expect(summary).toContain('45 min planned, 45 min taken');
    expect(summary).toContain('1. *Requirements &amp; scope*: planned 5 min, actual 5 min');
    expect(summary).toContain('<@U0BOB> · _Requirement_ · Shorten and redirect');
    expect(summary).toContain('<@U0CAROL> · _API_ · POST /urls → {short}; GET /{short} → 301');
    expect(summary).toContain('Wrap-up reminder');

    // Nothing more happens after the end, and the channel is free.
    await h.advance(60 * MIN, 10 * MIN);
    expect(timeline(h)).toEqual(FULL);
    expect(h.db.prepare('SELECT status FROM sessions').pluck().get()).toBe('ended');
    expect(h.db.prepare("SELECT count(*) FROM steps WHERE state <> 'done'").pluck().get()).toBe(0);
  });

  it('an async study group: phases that span days, each announced on its day', async () => {
    const h = await harness();
    await h.command('start Design Dropbox --plan 1d/3d/2d/1d');
    await h.advance(7 * 24 * 60 * MIN, 60 * MIN);
    expect(timeline(h)).toEqual(FULL);
    const checks = h.thread().filter((m) => /left in|Time is up for/.test(m.text)).map((m) => m.text);
    expect(checks[1]).toContain('14 h left in High-level design');
    // Start times far ahead show a date, in the reader's zone.
    expect(allText(h.root() ?? {})).toContain('{date_short_pretty} {time}');
  });

  it('a plan of phases under a minute: every phase still gets its time check, in seconds said in words', async () => {
    const h = await harness();
    await h.command('start Design a URL shortener --plan 30s/20s/8s/59s');
    await h.advance(30 * 1000 - 6 * 1000 - 1000);
    expect(timeline(h)).toEqual(['phase 1']);
    await h.advance(1000);
    expect(h.thread().at(-1)?.text).toBe('6 seconds left in Requirements &amp; scope');
    await h.advance(2 * MIN);
    expect(timeline(h)).toEqual(FULL);
    const checks = h.thread().filter((m) => /left in|Time is up for/.test(m.text)).map((m) => m.text);
    expect(checks).toEqual([
      '6 seconds left in Requirements &amp; scope',
      '5 seconds left in High-level design',
      '4 seconds left in Deep dive',
      '12 seconds left in Wrap-up',
    ]);
  });
});

describe('a session ended while paused', () => {
  it('counts the pause under way as paused time of the phase it stopped, in the summary and on the session message', async () => {
    const h = await harness();
    await h.command('start Design a URL shortener --plan 30s/30s/30s/30s');
    await h.advance(6_000);
    await h.command('pause');
    await h.advance(13_000);
    await h.command('end');
    await h.tick();
    const summary = h.thread().map((m) => allText(m)).find((t) => t.includes('Summary')) ?? '';
    expect(summary).toContain('1. *Requirements &amp; scope*: planned 30 s, actual 19 s, of which paused 13 s');
    expect(allText(h.root() ?? {})).toContain('paused 13 s');
  });

  it('adds it to the pauses resumed before', async () => {
    const h = await harness();
    await h.command('start Design a chat app --plan 30s/30s/30s/30s');
    await h.advance(2_000);
    await h.command('pause');
    await h.advance(5_000);
    await h.command('resume');
    await h.advance(1_000);
    await h.command('pause');
    await h.advance(4_000);
    await h.command('end');
    await h.tick();
    const summary = h.thread().map((m) => allText(m)).find((t) => t.includes('Summary')) ?? '';
    expect(summary).toContain('1. *Requirements &amp; scope*: planned 30 s, actual 12 s, of which paused 9 s');
  });
});

describe('a session that waits for the app to be invited', () => {
  it('begins its first phase when it is posted, with all its time, no word of lateness and no paused time', async () => {
    const h = await harness();
    const PRIVATE = 'G0PRIVATE';
    await h.command('start Design a rate limiter --plan 1m/1m/1m/1m', { channel: PRIVATE });
    expect(h.db.prepare('SELECT pause_reason FROM sessions').pluck().get()).toBe('not_in_channel');
    await h.advance(9 * MIN + 16_000, 30_000);
    h.slack.workspace.channels.get(PRIVATE)!.botIsMember = true;
    await h.event({ type: 'member_joined_channel', user: 'U0BOT', channel: PRIVATE, channel_type: 'G', event_ts: '1.1' });
    const invited = h.clock.now();
    const at = (ms: number) => `<!date^${Math.floor(ms / 1000)}^{time}`;

    const phase1 = allText(h.thread(PRIVATE)[0] ?? {});
    expect(phase1).toContain('Phase 1 of 4');
    expect(phase1).toContain(`*1 min*, until ${at(invited + MIN)}`);
    expect(phase1).not.toContain('late');
    // Phase 1 starts, and its step was due, when the wait ended; the session message says so.
    const session = await h.store.sessions.find(String(h.db.prepare('SELECT id FROM sessions').pluck().get()));
    expect(session?.phases.map((p) => p.startsAt - invited)).toEqual([0, MIN, 2 * MIN, 3 * MIN]);
    expect(h.db.prepare("SELECT due_at FROM steps WHERE step_key = 'phase:0'").pluck().get()).toBe(invited);
    await h.tick();
    expect(allText(h.root(PRIVATE) ?? {})).toContain(`1 min · starts ${at(invited)}`);

    // Every phase runs its minute, and none had any paused time: the wait came before the first one.
    await h.advance(4 * MIN, 10_000);
    expect(h.thread(PRIVATE).filter((m) => m.text.startsWith('Phase')).map((m) => allText(m))).toEqual(Array(4).fill(expect.not.stringContaining('late')));
    const summary = allText(h.thread(PRIVATE).at(-1) ?? {});
    expect(summary).toContain('1. *Requirements &amp; scope*: planned 1 min, actual 1 min');
    expect(summary).not.toContain('paused');
  });
});

describe('a restart in the middle of a session', () => {
  it('posts what fell due while the app was down, says how late, and posts nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockdesign-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'mockdesign.db');
    const clock = fixedClock();
    const slack = createSlackStandIn({ now: clock.now });
    await slack.start();
    cleanups.push(() => slack.stop());

    const dbA = openTestDb(file);
    const a = await createHarness({ db: dbA, clock, slack });
    await a.command('start Design a URL shortener');
    await a.command('note before the crash', { user: GUEST });
    await a.advance(6 * MIN, MIN);
    expect(timeline(a)).toEqual(['phase 1', 'time check', 'phase 2']);
    // The process dies: no shutdown, the connection is simply dropped.
    dbA.close();

    clock.advance(22 * MIN); // down for 22 minutes: phase 2's time check and phase 3 fell due meanwhile
    const dbB = openTestDb(file);
    cleanups.push(() => {
      dbB.close();
    });
    const b = await createHarness({ db: dbB, clock, slack });
    await b.store.steps.settleOrphans(SETTLE_MS);
    await b.tick();
    expect(timeline(b)).toEqual(['phase 1', 'time check', 'phase 2', 'time check', 'phase 3']);
    expect(b.thread().at(-2)?.blocks && allText(b.thread().at(-2) ?? {})).toContain('late: the app was offline');
    expect(allText(b.thread().at(-1) ?? {})).toContain('Posted 3 min late');

    await b.advance(30 * MIN, MIN);
    expect(timeline(b)).toEqual(FULL);
    expect(allText(b.thread().at(-1) ?? {})).toContain('before the crash');
  });

  it('adopts a post that reached Slack just before the process died instead of posting it again', async () => {
    const h = await harness();
    await h.command('start Design a URL shortener');
    h.clock.advance(4 * MIN);
    // Claim the time check and post it, then "die" before recording it: the row stays `sending`.
    const dead = { owner: 'a-process-that-dies', leaseMs: 30_000 };
    const [step] = await h.store.steps.claimDue(dead, 10);
    if (!step) throw new Error('nothing due');
    expect(step.key).toBe('warning:0');
    expect(await h.store.steps.beginPost(step, dead)).toBe(true);
    const session = await h.store.sessions.find(step.sessionId);
    if (!session) throw new Error('no session');
    const messenger = h.md.messenger;
    await messenger.post({ session, notes: [], participants: [] }, step, 0, h.clock.now());
    expect(timeline(h)).toEqual(['phase 1', 'time check']);

    // On restart every `sending` row is treated as possibly posted: once the post has had time to settle at
    // Slack, it is looked for in the thread before anything is posted again.
    await h.store.steps.settleOrphans(SETTLE_MS);
    await h.tick();
    expect((await h.store.steps.find(step.id))?.state).toBe('sending'); // not yet: the post may still be landing
    h.clock.advance(SETTLE_MS);
    await h.tick();
    expect(timeline(h)).toEqual(['phase 1', 'time check']);
    expect(await h.store.steps.find(step.id)).toMatchObject({ state: 'done', uncertain: false });
    expect(h.slack.calls.some((c) => c.method === 'conversations.replies' && c.params.include_all_metadata)).toBe(true);
    await h.advance(MIN, MIN);
    expect(timeline(h)).toEqual(['phase 1', 'time check', 'phase 2']);
  });
});
