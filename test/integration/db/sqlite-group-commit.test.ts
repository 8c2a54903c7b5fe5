/**
 * The SQLite adapter runs what is queued in one turn as one group, in one transaction: each caller must still see
 * the outcome a commit of its own would have given (its own failure only, its writes durable once it resolves).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/app/ports.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import { createSqliteDatabase, GROUP_SLICE_MS } from '../../../src/db/sqlite-database.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-group-'));
  dirs.push(dir);
  const file = join(dir, 'group.db');
  const raw = new Database(file);
  raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
  return { db: createSqliteDatabase(raw), file, raw };
}

const values = (file: string) => {
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare('SELECT v FROM t ORDER BY id').all() as { v: string }[]).map((r) => r.v);
  } finally {
    other.close();
  }
};

/** How many groups have been committed on `raw` from now on: a group of several jobs ends with one COMMIT. */
function countCommits(raw: Database.Database): () => number {
  let commits = 0;
  const exec = raw.exec.bind(raw);
  raw.exec = (sql: string) => {
    if (sql === 'COMMIT') commits += 1;
    return exec(sql);
  };
  return () => commits;
}

/** Whether a promise settled within two microtask hops (the same turn of the event loop), and its value. */
async function settledAtOnce<T>(promise: Promise<T>): Promise<{ settled: boolean; value: T }> {
  let settled = false;
  const watched = promise.then((value) => {
    settled = true;
    return value;
  });
  await Promise.resolve();
  await Promise.resolve();
  const atOnce = settled;
  return { settled: atOnce, value: await watched };
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('SQLite group commit', () => {
  it('a failing statement or transaction in a group undoes only its own writes; the rest is committed and visible to another connection', async () => {
    const { db, file } = open();
    const outcomes = await Promise.allSettled([
      db.run('INSERT INTO t (v) VALUES ($1)', ['a']),
      // A duplicate: this statement fails, the others of its group stand.
      db.run('INSERT INTO t (v) VALUES ($1)', ['a']),
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (v) VALUES ($1)', ['b']);
        throw new Error('changed my mind');
      }),
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (v) VALUES ($1)', ['c']);
        return tx.get('SELECT count(*) AS n FROM t');
      }),
      db.get('SELECT count(*) AS n FROM t'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error('changed my mind'));
    // Each saw the group's earlier writes, in queue order, as a transaction of its own would have.
    expect((outcomes[3] as PromiseFulfilledResult<unknown>).value).toEqual({ n: 2 });
    // A read outside a transaction does not wait for the queue: it saw what was committed before the group.
    expect((outcomes[4] as PromiseFulfilledResult<unknown>).value).toEqual({ n: 0 });
    // Resolved means committed: another connection reads it.
    expect(values(file)).toEqual(['a', 'c']);
    await db.close();
  });

  it('keeps first-come order across groups, and a close queued behind work runs after it', async () => {
    const { db, file } = open();
    const writes = Array.from({ length: 450 }, (_, i) => db.run('INSERT INTO t (v) VALUES ($1)', [`v${i}`]));
    const closed = db.close();
    const late = db.run('INSERT INTO t (v) VALUES ($1)', ['late']);
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 450 }, () => 1));
    await closed;
    await expect(late).rejects.toThrow();
    expect(values(file)).toEqual(Array.from({ length: 450 }, (_, i) => `v${i}`));
  });

  it('lets the event loop poll between the callers of one group: a message the first sends is read before the second goes on', async () => {
    const { db, file } = open();
    const order: string[] = [];
    const { port1: port, port2: other } = new MessageChannel();
    other.on('message', () => order.push('polled'));
    // Queued in one turn, so run as one group and committed together.
    const first = db.run('INSERT INTO t (v) VALUES ($1)', ['a']).then(() => {
      order.push('first');
      // A slash command arriving now is read when the loop next polls its sockets; a message between threads is
      // read in the same phase, and stands for it.
      port.postMessage('ping');
    });
    const second = db.run('INSERT INTO t (v) VALUES ($1)', ['b']).then(() => order.push('second'));
    await Promise.all([first, second]);
    other.close();
    expect(order).toEqual(['first', 'polled', 'second']);
    expect(values(file)).toEqual(['a', 'b']);
    await db.close();
  });

  it('runs what the callers of one group queue as they hear back as the next group, in one commit', async () => {
    const { db, file, raw } = open();
    const commits = countCommits(raw);
    // Four writes queued in one turn; each caller, once it hears back (each in a turn of its own), writes again.
    await Promise.all(['a', 'b', 'c', 'd'].map((v) => db.run('INSERT INTO t (v) VALUES ($1)', [v]).then(() => db.run('INSERT INTO t (v) VALUES ($1)', [`${v}2`]))));
    expect(commits()).toBe(2);
    expect(values(file)).toEqual(['a', 'b', 'c', 'd', 'a2', 'b2', 'c2', 'd2']);
    await db.close();
  });

  it('commits a group once it has run for its slice of time; what was queued behind runs as the next group', async () => {
    const { db, file, raw } = open();
    const commits = countCommits(raw);
    // Queued in one turn: a transaction that takes longer than a slice, then three statements.
    const slow = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (v) VALUES ($1)', ['slow']);
      const until = performance.now() + GROUP_SLICE_MS * 2;
      while (performance.now() < until) {
        // The work of a slow transaction, on the thread.
      }
    });
    const rest = ['a', 'b', 'c'].map((v) => db.run('INSERT INTO t (v) VALUES ($1)', [v]));
    await Promise.all([slow, ...rest]);
    // Two groups, in the order queued: without the slice, one.
    expect(commits()).toBe(2);
    expect(values(file)).toEqual(['slow', 'a', 'b', 'c']);
    await db.close();
  });

  it('answers a read at once, even with writes queued, unless a transaction is open', async () => {
    const { db } = open();
    // Settled within the same turn: no trip through the event loop's queue.
    expect(await settledAtOnce(db.get('SELECT count(*) AS n FROM t'))).toEqual({ settled: true, value: { n: 0 } });
    // A write queued and not yet run: the read does not wait for it (it sees what is committed), and once the
    // write is awaited, a read sees it.
    const write = db.run('INSERT INTO t (v) VALUES ($1)', ['x']);
    expect(await settledAtOnce(db.get('SELECT count(*) AS n FROM t'))).toEqual({ settled: true, value: { n: 0 } });
    await write;
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 1 });
    // Inside a transaction that spans a turn of the event loop, an outside read waits for its commit.
    let release = () => {};
    let inside = () => {};
    const started = new Promise<void>((resolve) => (inside = resolve));
    const pending = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (v) VALUES ($1)', ['y']);
      const held = new Promise<void>((resolve) => (release = resolve));
      inside();
      await held;
    });
    await started;
    await new Promise((resolve) => setImmediate(resolve));
    const outside = db.get('SELECT count(*) AS n FROM t');
    release();
    await pending;
    expect(await outside).toEqual({ n: 2 });
    await db.close();
  });

  it('holds writes for the checkpoint thread: a running transaction finishes first, queued writes wait, reads go on', async () => {
    const { db, file } = open();
    let finish = () => {};
    let inside = () => {};
    const started = new Promise<void>((resolve) => (inside = resolve));
    const running = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (v) VALUES ($1)', ['a']);
      inside();
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await started;
    // Asked for while a transaction is open: granted only once it has committed.
    const holding = db.holdWrites();
    let held = false;
    void holding.then(() => (held = true));
    await turns(5);
    expect(held).toBe(false);
    finish();
    await running;
    const release = await holding;
    expect(values(file)).toEqual(['a']);
    // While held, a write waits (for turns of the event loop), a read does not.
    const write = db.run('INSERT INTO t (v) VALUES ($1)', ['b']);
    let written = false;
    void write.then(() => (written = true));
    await turns(5);
    expect(written).toBe(false);
    expect(values(file)).toEqual(['a']);
    expect(await settledAtOnce(db.get('SELECT count(*) AS n FROM t'))).toEqual({ settled: true, value: { n: 1 } });
    // Released (twice, as a cap and an answer may both do): the write goes through, once.
    release();
    release();
    await write;
    expect(values(file)).toEqual(['a', 'b']);
    // Two holds at once: writes wait for both.
    const [first, second] = await Promise.all([db.holdWrites(), db.holdWrites()]);
    const later = db.run('INSERT INTO t (v) VALUES ($1)', ['c']);
    first();
    await turns(5);
    expect(values(file)).toEqual(['a', 'b']);
    second();
    await later;
    expect(values(file)).toEqual(['a', 'b', 'c']);
    await db.close();
  });
});

describe("another connection's write lock", () => {
  /** The app's own opening (WAL and the rest), with this busy timeout. */
  function openLocked(busyTimeoutMs: number) {
    const dir = mkdtempSync(join(tmpdir(), 'mockdesign-locked-'));
    dirs.push(dir);
    const file = join(dir, 'locked.db');
    const raw = openDatabase(file, { busyTimeoutMs });
    raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    return { db: createSqliteDatabase(raw), file, locker };
  }

  it('is waited for without holding up the thread: the loop turns and reads are answered meanwhile; the writes, then a close, run in order once it is let go', async () => {
    const { db, file, locker } = openLocked(5000);
    const first = db.run('INSERT INTO t (v) VALUES ($1)', ['a']);
    const second = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (v) VALUES ($1)', ['b']);
      return 'written';
    });
    // Queued behind them: it closes the connection only after both have waited for the lock and run.
    const closed = db.close();
    let settled = false;
    void Promise.allSettled([first, second, closed]).then(() => (settled = true));
    // SQLite's own busy wait would sleep on this thread for the whole timeout, then fail both.
    await turns(50);
    expect(settled).toBe(false);
    expect(await settledAtOnce(db.get('SELECT count(*) AS n FROM t'))).toEqual({ settled: true, value: { n: 0 } });
    // Only this thread can let the lock go: that it runs at all is the proof that nothing blocked it.
    locker.exec('COMMIT');
    locker.close();
    expect(await first).toBe(1);
    expect(await second).toBe('written');
    await closed;
    expect(values(file)).toEqual(['a', 'b']);
  });

  it('a write waits as long as the busy timeout and then fails as unavailable, and the queue goes on once the lock is let go', async () => {
    const { db, file, locker } = openLocked(50);
    const began = performance.now();
    const failed = await db.run('INSERT INTO t (v) VALUES ($1)', ['a']).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StoreUnavailableError);
    expect(failed).toMatchObject({ code: 'SQLITE_BUSY' });
    // It tried again and again for the whole timeout, not once.
    expect(performance.now() - began).toBeGreaterThanOrEqual(49);
    locker.exec('COMMIT');
    locker.close();
    expect(await db.run('INSERT INTO t (v) VALUES ($1)', ['b'])).toBe(1);
    expect(values(file)).toEqual(['b']);
    await db.close();
  });
});

