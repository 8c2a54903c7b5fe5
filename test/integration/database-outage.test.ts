/**
 * The delivery engine while its PostgreSQL database does not answer for a minute, and after. The database is a real
 * one of its own: the outage refuses new connections (ALLOW_CONNECTIONS false) and ends those open, as a server
 * restart or a network cut does; then it answers again. Real Bolt router, Slack played by the stand-in, a clock the
 * test moves, one tick a second.
 */
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RecordedCall } from '../../sandbox/stand-in/server.ts';
import { openPostgres, type PostgresDatabase } from '../../src/db/postgres-database.ts';
import { createStore } from '../../src/db/store.ts';
import { fixedClock } from '../support/fixed-clock.ts';
import { createHarness, GUEST, type Harness, HOST } from '../support/harness.ts';
import { describePg, TEST_DATABASE_URL, withPgDatabase } from '../support/pg.ts';
import { until } from '../support/until.ts';

const SEC = 1000;
const SESSIONS = 150;
const CHANNELS = Array.from({ length: SESSIONS }, (_, i) => `C0OUT${String(i).padStart(3, '0')}`);
/** The password is not needed (trust auth) but set, so the test sees whether it ever reaches a log line. */
const PASSWORD = 'outage-secret-pw';

type Log = Record<string, unknown>;

let h: Harness;
let database: { url: string; name: string; drop(): Promise<void> };
let pool: PostgresDatabase;
let admin: pg.Client;

const payload = (c: RecordedCall) => (c.params.metadata as { event_payload?: { session_id?: string; step?: string; part?: number } } | undefined)?.event_payload;
/** One key per message the app meant to post: the same key twice is a doubled post. */
const postedKeys = () =>
  h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && payload(c)?.session_id).map((c) => `${payload(c)?.session_id}/${payload(c)?.step}/${payload(c)?.part}`);
/** The private nudges half-way through a phase (only the first phase's fall due in these tests). */
const nudges = () => h.slack.ephemerals().filter((e) => e.source === 'chat.postEphemeral' && e.text.includes('half-way through'));
const lookups = () => h.slack.calls.filter((c) => c.method === 'conversations.replies' || c.method === 'conversations.history').length;
const loud = (logs: Log[]) => logs.filter((l) => l.level === 'warn' || l.level === 'error');

/** New connections are refused and every open one is ended: what the app sees of a restart or a cut. */
async function cut(): Promise<void> {
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} ALLOW_CONNECTIONS false`);
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database.name]);
}

async function restore(): Promise<void> {
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} ALLOW_CONNECTIONS true`);
}

/** Every session's next step falls due (a nudge to the panel of a live interview, or the first time check). */
async function nextStepsDue(): Promise<number> {
  const [next] = await rows<{ t: number }>("SELECT max(run_at)::bigint AS t FROM steps WHERE state = 'pending' AND kind <> 'refresh'");
  h.clock.set(Number(next?.t));
  return (await rows<{ n: number }>("SELECT count(*)::int AS n FROM steps WHERE state = 'pending' AND run_at <= $1", [h.clock.now()]))[0]?.n ?? 0;
}

/**
 * Once the database is cut: the work under way ends, a minute of ticks passes without it and it comes back. Each
 * post went out once, the outage was said once and its repeats quietly; what was logged from `from` until it came
 * back, and after.
 */
async function throughAMinuteAway(from: number) {
  await h.md.dispatcher.drain();
  const { during, after, lookupsAfter } = await aMinuteAway();
  const outageLines = h.logs.slice(from, h.logs.length - after.length);
  await expectEachPostedOnce();
  expectSaidOnce(outageLines);
  expectQuietRepeats(during);
  return { outageLines, after, lookupsAfter };
}

/** A minute of ticks, one a second, with the database away; then it answers again and ten more ticks run. */
async function aMinuteAway(): Promise<{ during: Log[]; after: Log[]; lookupsAfter: number }> {
  const from = h.logs.length;
  for (let i = 0; i < 60; i++) {
    h.clock.advance(SEC);
    await h.tick();
  }
  const during = h.logs.slice(from);
  await restore();
  const back = h.logs.length;
  const lookupsBefore = lookups();
  await h.advance(10 * SEC, SEC);
  return { during, after: h.logs.slice(back), lookupsAfter: lookups() - lookupsBefore };
}

/** Nothing lost, nothing doubled: every due step is finished, and no message was posted twice. */
async function expectEachPostedOnce(): Promise<void> {
  const unfinished = await rows<{ n: number }>("SELECT count(*)::int AS n FROM steps WHERE state IN ('pending', 'sending') AND run_at <= $1", [h.clock.now()]);
  expect(unfinished[0]?.n).toBe(0);
  const keys = postedKeys();
  expect(new Set(keys).size).toBe(keys.length);
  // The private nudges too: the host and the interviewer of each live interview got the one due, once.
  expect(nudges().map((n) => `${n.channel}/${n.user}`).sort()).toEqual(CHANNELS.filter((_, i) => i % 2 === 0).flatMap((c) => [`${c}/${HOST}`, `${c}/${GUEST}`]).sort());
}

/** The outage is said once as it begins, with the reason and without the password; nothing else above debug. */
function expectSaidOnce(lines: Log[]): void {
  expect(loud(lines)).toHaveLength(1);
  expect(loud(lines)[0]).toMatchObject({ level: 'error', msg: 'the database does not answer; posts wait until it does' });
  expect(String(loud(lines)[0]?.error)).toMatch(/not currently accepting connections|terminating connection|Connection terminated/);
  expect(JSON.stringify(h.logs)).not.toContain(PASSWORD);
}

/**
 * The tick tries a claim after 1, 2, 4 and 8 s, then every 10 s: in a minute of ticks, nine claims find the
 * database gone, not sixty.
 */
const CLAIMS_IN_A_MINUTE = 9;

/** One line says it answers again, how long it was away and how many claims found it gone. */
function expectSaidBack(after: Log[], claims: number): void {
  const back = after.filter((l) => l.msg === 'the database answers again; posts resume');
  expect(back).toHaveLength(1);
  expect(back[0]).toMatchObject({ level: 'info', failed_claims: claims });
  expect(Number(back[0]?.down_ms)).toBeGreaterThanOrEqual(60 * SEC);
  expect(loud(after)).toEqual([]);
}

/** Each claim after the first that found it gone is a debug line; the claims back off from a second to ten. */
function expectQuietRepeats(during: Log[]): void {
  const tries = during.filter((l) => l.msg === 'the database still does not answer');
  expect(tries).toHaveLength(CLAIMS_IN_A_MINUTE);
  const at = tries.map((l) => Number(l.failing_ms));
  expect(at.slice(1).map((t, i) => t - (at[i] ?? 0))).toEqual([1, 2, 4, 8, 10, 10, 10, 10].map((s) => s * SEC));
  expect(tries.map((l) => l.next_try_ms)).toEqual([1, 2, 4, 8, 10, 10, 10, 10, 10].map((s) => s * SEC));
  expect(during.every((l) => l.level === 'debug')).toBe(true);
}

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await pool.pool.query(sql, params)).rows as T[];
}

beforeEach(async () => {
  database = await withPgDatabase({ migrate: true });
  const u = new URL(database.url);
  u.password = PASSWORD;
  admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  pool = await openPostgres(u.toString(), { poolSize: 20, connectTimeoutMs: 2000 });
  const clock = fixedClock();
  h = await createHarness({
    clock,
    store: createStore(pool, clock.now),
    standIn: { now: clock.now, channels: CHANNELS.map((id, i) => ({ id, name: `outage-${i}`, members: [HOST, GUEST], botIsMember: true })) },
  });
  // Half are live interviews, whose interviewer gets private nudges: a private message cannot be looked for in
  // the channel, so one in doubt is taken as sent.
  for (const [i, channel] of CHANNELS.entries()) await h.command(`start Outage ${i} --plan 4m/4m/4m/4m${i % 2 ? '' : ` --level senior --interviewer <@${GUEST}>`}`, { channel });
});

afterEach(async () => {
  await restore().catch(() => undefined);
  await h.close();
  await pool.close().catch(() => undefined);
  await admin.end().catch(() => undefined);
  await database.drop();
});

describePg('a PostgreSQL database that stops answering for a minute', () => {
  it('while the sessions of a claim are read: said once as it begins and once as it ends; the posts go out once each', async () => {
    const due = await nextStepsDue();
    expect(due).toBeGreaterThanOrEqual(SESSIONS);
    const from = h.logs.length;

    // The read of the claimed steps' sessions waits on a lock held here, and the connections end under it.
    const locker = new pg.Client({ connectionString: database.url });
    locker.on('error', () => undefined);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
    expect(await h.md.dispatcher.tick()).toBe(due);
    await until('the read of the claimed sessions to wait', async () => {
      const { rows: waiting } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [database.name]);
      return waiting.length > 0;
    });
    await cut();
    await locker.end().catch(() => undefined);
    const { outageLines, after, lookupsAfter } = await throughAMinuteAway(from);
    // Not a line for each post the outage caught.
    expect(outageLines.filter((l) => l.msg === 'a delivery worker failed')).toEqual([]);
    expectSaidBack(after, CLAIMS_IN_A_MINUTE);
    // None of those posts had begun: they go out at once, without first being looked for in Slack.
    expect(lookupsAfter).toBe(0);
  }, 120_000);

  it('while posts are at Slack: said once; each is found there afterwards, not posted again', async () => {
    const due = await nextStepsDue();
    const from = h.logs.length;
    // Slack takes a while to answer (long enough for the cut to come first on a busy machine), and the database
    // goes meanwhile: the posts get there, their record does not.
    let arrived = 0;
    let slowing = true;
    const slow = () => {
      if (slowing) arrived += 1;
      return slowing;
    };
    h.slack.fail('chat.postMessage', { delayMs: 4000 }, 10 * SESSIONS, slow);
    h.slack.fail('chat.postEphemeral', { delayMs: 4000 }, 10 * SESSIONS, slow);
    expect(await h.md.dispatcher.tick()).toBe(due);
    const posting = (await rows<{ n: number }>("SELECT count(*)::int AS n FROM steps WHERE state = 'sending' AND kind <> 'refresh'"))[0]?.n ?? 0;
    expect(posting).toBe(SESSIONS);
    await until('every claimed post to reach Slack', () => arrived >= posting);
    await cut();
    slowing = false;
    const { outageLines, after, lookupsAfter } = await throughAMinuteAway(from);
    expect(outageLines.filter((l) => l.msg === 'a delivery worker failed' || l.msg === 'unexpected error while posting')).toEqual([]);
    expectSaidBack(after, CLAIMS_IN_A_MINUTE);
    // Each post in doubt was looked for and found, not posted again.
    expect(after.filter((l) => l.msg === 'adopted a message an earlier attempt had posted')).toHaveLength(posting);
    expect(lookupsAfter).toBeGreaterThan(0);
  }, 120_000);

  it('a change written while the tick waits to try again wakes the posts at once', async () => {
    const due = await nextStepsDue();
    await cut();
    // Ticks for half a minute: claims at 1, 2, 4, 8, 16 and 26 s; the next would be at 36 s.
    for (let i = 0; i < 30; i++) {
      h.clock.advance(SEC);
      await h.tick();
    }
    await restore();
    const back = () => h.logs.filter((l) => l.msg === 'the database answers again; posts resume');
    // The tick alone does not try yet.
    expect(await h.tick()).toBe(0);
    expect(back()).toEqual([]);

    // The host moves one session on: that write goes through, and everything due goes out, the clock unmoved.
    const channel = CHANNELS[1] ?? '';
    await h.command('next', { channel });
    await until('the database to be seen answering again', () => back().length === 1);
    await h.md.dispatcher.drain();
    expect(back()[0]).toMatchObject({ failed_claims: 6 });
    const phases = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && c.params.channel === channel && payload(c)?.step?.startsWith('phase'));
    expect(phases.map((c) => payload(c)?.step)).toContain('phase:1');
    const unfinished = await rows<{ n: number }>("SELECT count(*)::int AS n FROM steps WHERE state IN ('pending', 'sending') AND run_at <= $1", [h.clock.now()]);
    expect(unfinished[0]?.n).toBe(0);
    expect(due).toBeGreaterThanOrEqual(SESSIONS);
  }, 120_000);
});
