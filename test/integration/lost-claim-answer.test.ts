/**
 * The delivery engine when PostgreSQL makes a claim and its answer is lost: the connection fails after the change
 * was committed, so the steps are claimed by this instance and no worker of it holds them. Real database behind a
 * TCP relay that drops the claim's answer and then the connections; real Bolt router, Slack played by the
 * stand-in, a clock the test moves.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RecordedCall } from '../../sandbox/stand-in/server.ts';
import { openPostgres, type PostgresDatabase } from '../../src/db/postgres-database.ts';
import { createStore } from '../../src/db/store.ts';
import { fixedClock } from '../support/fixed-clock.ts';
import { createHarness, GUEST, type Harness, HOST } from '../support/harness.ts';
import { describePg, withPgDatabase } from '../support/pg.ts';
import { relayDatabase, type TcpRelay } from '../support/tcp-relay.ts';
import { until } from '../support/until.ts';

const SEC = 1000;
const SESSIONS = 20;
const CHANNELS = Array.from({ length: SESSIONS }, (_, i) => `C0LOST${String(i).padStart(2, '0')}`);
/** A fragment of the statement that claims due pending steps, as it reaches the server. */
const CLAIM_PENDING = "WHERE s.state = 'pending' AND s.run_at <=";

let h: Harness;
let database: { url: string; name: string; drop(): Promise<void> };
let db: PostgresDatabase;
let relay: TcpRelay;

const payload = (c: RecordedCall) => (c.params.metadata as { event_payload?: { session_id?: string; step?: string; part?: number } } | undefined)?.event_payload;
const sending = async () => Number((await db.pool.query("SELECT count(*) AS n FROM steps WHERE state = 'sending' AND kind <> 'refresh'")).rows[0].n);

beforeEach(async () => {
  database = await withPgDatabase({ migrate: true });
  const relayed = await relayDatabase(database.url);
  relay = relayed.relay;
  db = await openPostgres(relayed.url.toString(), { poolSize: 10, connectTimeoutMs: 2000, onError: () => undefined });
  const clock = fixedClock();
  h = await createHarness({
    clock,
    store: createStore(db, clock.now),
    standIn: { now: clock.now, channels: CHANNELS.map((id, i) => ({ id, name: `lost-${i}`, members: [HOST, GUEST], botIsMember: true })) },
  });
  // Live interviews: their panel gets private nudges, which cannot be looked for in the channel afterwards.
  for (const [i, channel] of CHANNELS.entries()) await h.command(`start Lost ${i} --plan 4m/4m/4m/4m --level senior --interviewer <@${GUEST}>`, { channel });
});

afterEach(async () => {
  await h.close();
  await relay.close();
  await db.close().catch(() => undefined);
  await database.drop();
});

describePg('a claim whose answer is lost', () => {
  it('its steps are handed back as soon as the database answers, and posted once, private nudges included', async () => {
    // Every session's half-way nudge to its panel falls due.
    const next = (await db.pool.query("SELECT max(run_at)::bigint AS t FROM steps WHERE state = 'pending' AND kind = 'nudge'")).rows[0].t;
    h.clock.set(Number(next));
    const due = Number((await db.pool.query("SELECT count(*) AS n FROM steps WHERE state = 'pending' AND kind <> 'refresh' AND run_at <= $1", [h.clock.now()])).rows[0].n);
    expect(due).toBe(SESSIONS);

    // The claim reaches the server and is committed; its answer never comes back, and the connections fail.
    relay.loseAnswersAfter(CLAIM_PENDING);
    const ticking = h.md.dispatcher.tick();
    await until('the claim to be committed', async () => (await sending()) === due);
    await relay.refuse();
    expect(await ticking).toBe(0);
    expect(h.logs.filter((l) => l.msg === 'the database does not answer; posts wait until it does')).toHaveLength(1);
    await relay.open();

    // The next tries, 1 and 3 s later (the first may meet a connection the cut left in the pool): the lost claim's
    // steps go back and out, long before their 30 s lease ends.
    const lookupsBefore = h.slack.calls.filter((c) => c.method === 'conversations.history' || c.method === 'conversations.replies').length;
    await h.advance(5 * SEC, SEC);
    expect(h.logs.filter((l) => l.msg === 'the database answers again; posts resume')).toHaveLength(1);
    const nudged = () => h.slack.ephemerals().filter((e) => e.source === 'chat.postEphemeral' && e.text.includes('half-way through'));
    expect(nudged().map((n) => `${n.channel}/${n.user}`).sort()).toEqual(CHANNELS.flatMap((c) => [`${c}/${HOST}`, `${c}/${GUEST}`]).sort());
    // Never begun, so not looked for in Slack first.
    expect(h.slack.calls.filter((c) => c.method === 'conversations.history' || c.method === 'conversations.replies').length).toBe(lookupsBefore);

    // Past the lease too: nothing is taken over and sent again.
    await h.advance(60 * SEC, SEC);
    expect(nudged()).toHaveLength(2 * SESSIONS);
    const keys = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && payload(c)?.session_id).map((c) => `${payload(c)?.session_id}/${payload(c)?.step}/${payload(c)?.part}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(h.logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.msg)).toEqual(['the database does not answer; posts wait until it does']);
  }, 120_000);
});
