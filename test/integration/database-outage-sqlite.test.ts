/**
 * The delivery engine while its SQLite file cannot be written for a minute: another connection holds its write lock
 * (an open `sqlite3` shell in a transaction) from the moment the claimed posts are at Slack. Real file with the real
 * migrations, real Bolt router, Slack played by the stand-in, a clock the test moves, one tick a second.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import type { RecordedCall } from '../../sandbox/stand-in/server.ts';
import { migrate } from '../../src/db/migrate.ts';
import { type Db, openDatabase } from '../../src/db/open-database.ts';
import { createHarness, GUEST, type Harness, HOST } from '../support/harness.ts';
import { MIGRATIONS_DIR } from '../support/test-db.ts';
import { until } from '../support/until.ts';

const SEC = 1000;
const CHANNELS = Array.from({ length: 20 }, (_, i) => `C0LOCK${String(i).padStart(2, '0')}`);

type Log = Record<string, unknown>;
let h: Harness;
let db: Db;
let other: Database.Database | undefined;

afterEach(async () => {
  if (other?.inTransaction) other.exec('ROLLBACK');
  other?.close();
  await h.close();
  db.close();
});

const payload = (c: RecordedCall) => (c.params.metadata as { event_payload?: { session_id?: string; step?: string; part?: number } } | undefined)?.event_payload;

it('a SQLite file locked by another connection for a minute: said once as it begins and once as it ends; each post once', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mockdesign-locked-')), 'mockdesign.db');
  // The app waits 5 s for a lock, its thread blocked meanwhile; the test need not wait as long to see it fail.
  db = openDatabase(path, { busyTimeoutMs: 20 });
  migrate(db, MIGRATIONS_DIR);
  h = await createHarness({ db, standIn: { channels: CHANNELS.map((id, i) => ({ id, name: `locked-${i}`, members: [HOST, GUEST], botIsMember: true })) } });
  // Half are live interviews, whose panel gets private nudges (which cannot be looked for in the channel).
  for (const [i, channel] of CHANNELS.entries()) await h.command(`start Locked ${i} --plan 4m/4m/4m/4m${i % 2 ? '' : ` --level senior --interviewer <@${GUEST}>`}`, { channel });
  const next = db.prepare("SELECT max(run_at) AS t FROM steps WHERE state = 'pending' AND kind <> 'refresh'").get() as { t: number };
  h.clock.set(next.t);

  // Slack takes a while to answer (long enough for the lock to come first on a busy machine), and the file is
  // locked meanwhile: the posts get there, their record does not.
  let arrived = 0;
  let slowing = true;
  const slow = () => {
    if (slowing) arrived += 1;
    return slowing;
  };
  h.slack.fail('chat.postMessage', { delayMs: 2000 }, 100, slow);
  h.slack.fail('chat.postEphemeral', { delayMs: 2000 }, 100, slow);
  const from = h.logs.length;
  await h.md.dispatcher.tick();
  await until('every claimed post to reach Slack', () => arrived >= CHANNELS.length);
  const locker = new Database(path);
  other = locker;
  locker.exec('BEGIN IMMEDIATE');
  slowing = false;
  await h.md.dispatcher.drain();
  for (let i = 0; i < 60; i++) {
    h.clock.advance(SEC);
    await h.tick();
  }
  locker.exec('COMMIT');
  const back = h.logs.length;
  await h.advance(10 * SEC, SEC);
  const outage = h.logs.slice(from, back);
  const after = h.logs.slice(back);

  const loud = (logs: Log[]) => logs.filter((l) => l.level === 'warn' || l.level === 'error');
  expect(loud(outage)).toHaveLength(1);
  expect(loud(outage)[0]).toMatchObject({ level: 'error', msg: 'the database does not answer; posts wait until it does', error_code: 'SQLITE_BUSY' });
  // The tick tried again after 1, 2, 4 and 8 s, then every 10 s: nine claims in the minute, each a debug line.
  expect(outage.filter((l) => l.msg === 'the database still does not answer').map((l) => l.next_try_ms)).toEqual([1, 2, 4, 8, 10, 10, 10, 10, 10].map((s) => s * SEC));
  expect(after.filter((l) => l.msg === 'the database answers again; posts resume')).toEqual([expect.objectContaining({ level: 'info', failed_claims: 9 })]);
  expect(loud(after)).toEqual([]);

  // Nothing lost, nothing doubled: each post in doubt was found at Slack, and every nudge reached its two people once.
  expect(db.prepare("SELECT count(*) AS n FROM steps WHERE state IN ('pending', 'sending') AND run_at <= ?").get(h.clock.now())).toEqual({ n: 0 });
  const keys = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && payload(c)?.session_id).map((c) => JSON.stringify(payload(c)));
  expect(new Set(keys).size).toBe(keys.length);
  expect(after.filter((l) => l.msg === 'adopted a message an earlier attempt had posted')).toHaveLength(CHANNELS.length);
  const nudged = h.slack.ephemerals().filter((e) => e.source === 'chat.postEphemeral' && e.text.includes('half-way through'));
  expect(nudged.map((n) => `${n.channel}/${n.user}`).sort()).toEqual(CHANNELS.filter((_, i) => i % 2 === 0).flatMap((c) => [`${c}/${HOST}`, `${c}/${GUEST}`]).sort());
});

it('a start while another connection holds the write lock for a moment: other commands are answered meanwhile, and the session is written and posted once it is let go', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mockdesign-locked-')), 'mockdesign.db');
  // The app's own busy timeout: its writes may wait 5 s for the lock.
  db = openDatabase(path);
  migrate(db, MIGRATIONS_DIR);
  const channel = CHANNELS[0] as string;
  h = await createHarness({ db, standIn: { channels: [{ id: channel, name: 'locked', members: [HOST, GUEST], botIsMember: true }] } });
  // Each time the app's connection finds the write lock taken.
  let refused = 0;
  const exec = db.exec.bind(db);
  db.exec = (sql: string) => {
    try {
      return exec(sql);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') refused += 1;
      throw error;
    }
  };
  const locker = new Database(path);
  other = locker;
  locker.exec('BEGIN IMMEDIATE');
  const start = h.command('start Locked for a moment --plan 4m/4m/4m/4m', { channel });
  await until("the start's write to find the lock taken", () => refused > 0);
  // SQLite's own busy wait would have held the thread for those 5 s, and failed the write: `help` is answered
  // while the start's write waits.
  expect(await h.command('help', { channel })).toMatchObject({ response_type: 'ephemeral' });
  expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
  // Let go from this thread: had anything blocked it, this would only run after the start's write had failed.
  locker.exec('COMMIT');
  await start;
  await until('the session to be posted', async () => {
    await h.tick();
    return h.root(channel) !== undefined;
  });
  expect(h.root(channel)?.text).toContain('Locked for a moment');
  expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && payload(c)?.step === 'root')).toHaveLength(1);
  expect(h.logs.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
});
