/**
 * SQLite behind the async storage port. better-sqlite3 is synchronous and has one connection, so an async
 * transaction is a section of exclusive use: while one is open, every other statement waits its turn, or it
 * would run inside (and roll back with) someone else's transaction. A transaction's body must therefore use the
 * executor it is given, never the outer one. Statements are prepared once and cached.
 */
import { closeSync, openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../app/ports.ts';
import { type Db, DatabaseUnusableError } from './open-database.ts';
import type { WriteGate } from './checkpointer.ts';
import type { Row, SqlDatabase, SqlExecutor, SqlValue } from './sql.ts';
import { createTurns } from './turns.ts';

/**
 * SQLite cannot write for now, as opposed to a statement it refuses: another connection holds the write lock past
 * the busy timeout (an open `sqlite3` shell, say), the disk is full, or the file cannot be read or written.
 */
const UNAVAILABLE = /^SQLITE_(BUSY|FULL|IOERR)/;

/** Another connection holds a lock this one needs (SQLITE_BUSY, or one of its extended codes). */
const isBusy = (error: unknown) => /^SQLITE_BUSY/.test(String((error as { code?: unknown } | null)?.code ?? ''));

/** Such a failure as the port's StoreUnavailableError; any other error as it is. */
function unavailableOr(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== 'string' || !UNAVAILABLE.test(code) || error instanceof StoreUnavailableError) return error;
  return new StoreUnavailableError(error.message, code, { cause: error });
}

interface Prepared {
  readonly statement: Database.Statement;
  /** For each `?` in order, which `$n` it stands for. */
  readonly order: readonly number[];
}

export function createSqliteDatabase(db: Db): SqlDatabase & WriteGate & { readonly raw: Db } {
  const cache = new Map<string, Prepared>();
  // Another connection's write lock (an open `sqlite3` shell in a transaction, say) is waited for in the queue
  // below, not in SQLite's busy handler: that one sleeps on this thread, the thread that acks Slack's requests, so
  // the whole app would stop answering for as long as it waited. The connection's busy timeout is still how long a
  // write may wait; SQLite's own wait is turned off.
  const lockWaitMs = Number(db.pragma('busy_timeout', { simple: true })) || 0;
  db.pragma('busy_timeout = 0');
  // When the last caller of a group has heard back, the writes they queued meanwhile run as the next group.
  const turns = createTurns(() => kick());

  function prepare(sql: string): Prepared {
    let prepared = cache.get(sql);
    if (!prepared) {
      const order: number[] = [];
      const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(Number(n) - 1);
        return '?';
      });
      prepared = { statement: db.prepare(text), order };
      cache.set(sql, prepared);
    }
    return prepared;
  }

  const bind = (p: Prepared, params: readonly SqlValue[]) => p.order.map((i) => params[i] ?? null);

  const now = {
    all(sql: string, params: readonly SqlValue[] = []): Row[] {
      const p = prepare(sql);
      return p.statement.all(...bind(p, params)) as Row[];
    },
    get(sql: string, params: readonly SqlValue[] = []): Row | undefined {
      const p = prepare(sql);
      return p.statement.get(...bind(p, params)) as Row | undefined;
    },
    run(sql: string, params: readonly SqlValue[] = []): number {
      const p = prepare(sql);
      if (p.statement.reader) return p.statement.all(...bind(p, params)).length;
      return p.statement.run(...bind(p, params)).changes;
    },
  };
  /** Inside a transaction: the statement runs at once (the transaction holds the connection). */
  const direct: SqlExecutor = {
    dialect: 'sqlite',
    all: async (sql, params) => now.all(sql, params),
    get: async (sql, params) => now.get(sql, params),
    run: async (sql, params) => now.run(sql, params),
  };

  // Every write and transaction takes its turn in one queue (first come, first served; a read outside a
  // transaction does not queue, see `read`). What is queued by the time the queue runs (everything the event loop's
  // last turn asked for: in a burst, the work of many posts) runs as one group in one transaction, each
  // transaction of it under a savepoint: one commit for the group instead of one per statement, which is most of
  // what a write costs. A caller's promise settles once the group is committed, so what it wrote is durable by
  // then, as with a commit of its own.
  const queue: Job[] = [];
  let scheduled = false;
  let running = false;
  // While held (see holdWrites), queued work waits; reads outside a transaction go on.
  let holds = 0;
  // Set while the queue waits to try again for a write lock another connection holds (see lockedOut).
  let lockWait: NodeJS.Timeout | undefined;
  let lockTries = 0;
  const whenIdle: Array<() => void> = [];

  function enqueue<T>(work: Work): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // Each caller hears back in a turn of its own (see turns.ts): a group settles up to MAX_GROUP callers at once,
      // and their work going on all together would keep the loop from acking a slash command until it is done.
      queue.push({
        work,
        queuedAt: performance.now(),
        resolve: (value) => turns.later(() => resolve(value as T)),
        reject: (error) => turns.later(() => reject(unavailableOr(error))),
      });
      kick();
    });
  }

  /**
   * Runs the queue in a later turn, unless it is running or held, or callers of the last group have yet to hear
   * back: what they queue as they go on joins the next group, rather than each of them making a group (and a commit)
   * of its own, one per turn.
   */
  function kick(): void {
    if (scheduled || running || holds > 0 || queue.length === 0 || turns.busy || lockWait) return;
    scheduled = true;
    setImmediate(drain);
  }

  /**
   * One group per turn of the event loop, once the last group's callers have all heard back (one per turn, see
   * turns.ts). Running the next group in the same turn as the last, or its callers all at once, would keep the loop
   * from reading the sockets for as long as work keeps coming, and a slash command waiting to be acked would wait
   * behind a burst of posts.
   */
  async function drain(): Promise<void> {
    scheduled = false;
    if (holds > 0 || turns.busy) return;
    running = true;
    try {
      const group = queue.splice(0, MAX_GROUP);
      if (group.length === 1) await runAlone(group[0] as Job);
      else if (group.length > 1) await runGroup(group);
    } finally {
      running = false;
      // A group that did not find the write lock taken starts the waits for it over (see lockedOut).
      if (!lockWait) lockTries = 0;
      for (const resolve of whenIdle.splice(0)) resolve();
      kick();
    }
  }

  /**
   * One job on its own: a statement commits by itself, a transaction is BEGIN … COMMIT. Returns true when it found
   * the write lock taken (see lockedOut): it then waits at the head of the queue, with `behind` after it in order.
   */
  async function runAlone(job: Job, behind: Job[] = []): Promise<boolean> {
    const { work } = job;
    try {
      if (work.kind === 'statement') {
        let value: unknown;
        try {
          value = execute(work);
        } catch (error) {
          // A statement that failed for want of the lock did nothing, and can be run again.
          if (lockedOut([job], error, behind)) return true;
          throw error;
        }
        job.resolve(value);
      } else if (work.kind === 'close') job.resolve(close());
      else {
        // IMMEDIATE takes the write lock at once, so a second connection (a backup) cannot upgrade-deadlock us.
        try {
          db.exec('BEGIN IMMEDIATE');
        } catch (error) {
          if (lockedOut([job], error, behind)) return true;
          throw error;
        }
        try {
          const result = await work.fn(direct);
          db.exec('COMMIT');
          job.resolve(result);
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }
    } catch (error) {
      job.reject(error);
    }
    return false;
  }

  /** Several jobs in one transaction; each transaction among them under a savepoint, so a failure undoes only its own. */
  async function runGroup(group: Job[]): Promise<void> {
    if (group.some((job) => job.work.kind === 'close')) {
      // Never grouped: what came before it runs first, what comes after it finds the database closed.
      const at = group.findIndex((job) => job.work.kind === 'close');
      const after = group.slice(at + 1);
      for (let i = 0; i <= at; i++) {
        // One that must wait for another connection's lock waits with the close and the rest behind it, in order.
        if (await runAlone(group[i] as Job, [...group.slice(i + 1, at + 1), ...after])) return;
      }
      queue.unshift(...after);
      return;
    }
    const writes = group.some((job) => job.work.kind !== 'statement' || !readOnly(job.work.sql));
    try {
      db.exec(writes ? 'BEGIN IMMEDIATE' : 'BEGIN');
    } catch (error) {
      if (lockedOut(group, error)) return;
      for (const job of group) job.reject(error);
      return;
    }
    try {
      await runInTransaction(group);
    } catch (error) {
      // Not a statement's failure (those are the callers'): the connection itself failed. Nothing of the group stands.
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const job of group) job.reject(error);
    }
  }

  async function runInTransaction(group: Job[]): Promise<void> {
    const outcomes: Array<{ job: Job; ok: boolean; value: unknown }> = [];
    const started = performance.now();
    let index = 0;
    let cut = false;
    for (; index < group.length; index++) {
      // Past its slice of time the group commits, and the rest waits for the next turn (see GROUP_SLICE_MS).
      if (index > 0 && performance.now() - started > GROUP_SLICE_MS) {
        cut = true;
        break;
      }
      const job = group[index] as Job;
      const { work } = job;
      if (work.kind === 'statement') {
        try {
          outcomes.push({ job, ok: true, value: execute(work) });
        } catch (error) {
          // SQLite undoes a failed statement by itself; a few errors (disk full, I/O) end the whole transaction.
          outcomes.push({ job, ok: false, value: error });
          if (!db.inTransaction) break;
        }
      } else if (work.kind === 'transaction') {
        db.exec('SAVEPOINT job');
        try {
          const value = await work.fn(direct);
          db.exec('RELEASE job');
          outcomes.push({ job, ok: true, value });
        } catch (error) {
          outcomes.push({ job, ok: false, value: error });
          if (!db.inTransaction) break;
          db.exec('ROLLBACK TO job');
          db.exec('RELEASE job');
        }
      }
    }
    if (!db.inTransaction) {
      // The transaction was rolled back under us: nothing of the group is written. The jobs not run yet go next.
      const cause = outcomes.at(-1)?.value;
      queue.unshift(...group.slice(index + 1));
      for (const { job } of outcomes) job.reject(cause);
      return;
    }
    if (cut) queue.unshift(...group.slice(index));
    try {
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const { job } of outcomes) job.reject(error);
      return;
    }
    for (const { job, ok, value } of outcomes) {
      if (ok) job.resolve(value);
      else job.reject(value);
    }
  }

  /**
   * When `error` says another connection holds the write lock: the jobs that have waited as long as the busy
   * timeout allows fail with it, as SQLite's own wait would have failed them; the rest go back to the head of the
   * queue in their order, with `behind` (jobs already taken from the queue) after them, and the queue tries again
   * after a short wait that grows (LOCK_RETRY_MS), never later than the oldest of them may wait. Meanwhile the
   * event loop goes on: requests are acked, reads are answered. Returns false, having done nothing, for any other
   * error.
   */
  function lockedOut(group: Job[], error: unknown, behind: Job[] = []): boolean {
    if (!isBusy(error)) return false;
    const at = performance.now();
    const waiting = group.filter((job) => at - job.queuedAt < lockWaitMs);
    for (const job of group) if (!waiting.includes(job)) job.reject(error);
    queue.unshift(...waiting, ...behind);
    const oldest = queue[0];
    if (oldest) {
      const step = LOCK_RETRY_MS[Math.min(lockTries, LOCK_RETRY_MS.length - 1)] as number;
      lockTries++;
      const left = Math.max(1, Math.ceil(lockWaitMs - (at - oldest.queuedAt)));
      lockWait = setTimeout(() => {
        lockWait = undefined;
        kick();
      }, Math.min(step, left));
    }
    return true;
  }

  function readOnly(sql: string): boolean {
    try {
      return prepare(sql).statement.readonly;
    } catch {
      return false;
    }
  }

  function execute(work: Statement): unknown {
    return now[work.method](work.sql, work.params);
  }

  /**
   * A read runs at once whenever no transaction is open: it sees what is committed, as a read on PostgreSQL's
   * pool does, and a caller that wants its own write seen awaits that write first (the app always does). It does
   * not wait for the queue: a slash command's read before its ack would otherwise wait a turn of the event loop
   * and a group of delivery work, which took most of a `start`'s time to its answer while sessions were posting.
   * Inside an open transaction (one that spans a turn) it must wait, or it would read uncommitted rows.
   */
  function read<T>(method: 'all' | 'get', sql: string, params: readonly SqlValue[]): Promise<T> {
    if (!db.open || db.inTransaction || !readOnly(sql)) return enqueue<T>({ kind: 'statement', method, sql, params });
    try {
      return Promise.resolve(now[method](sql, params) as T);
    } catch (error) {
      // A read in WAL mode waits for no writer, but can find another connection recovering the WAL: it then takes
      // its turn in the queue, which waits for that without blocking the thread.
      if (isBusy(error)) return enqueue<T>({ kind: 'statement', method, sql, params });
      return Promise.reject(unavailableOr(error));
    }
  }

  function close(): void {
    db.close();
  }

  /** The checkpoint thread empties the WAL while this holds: see checkpointer.ts. */
  function holdWrites(): Promise<() => void> {
    holds++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      holds--;
      kick();
    };
    if (!running) return Promise.resolve(release);
    return new Promise((resolve) => whenIdle.push(() => resolve(release)));
  }

  return {
    dialect: 'sqlite',
    raw: db,
    all: (sql, params = []) => read('all', sql, params),
    get: (sql, params = []) => read('get', sql, params),
    run: (sql, params = []) => enqueue({ kind: 'statement', method: 'run', sql, params }),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => enqueue<T>({ kind: 'transaction', fn }),
    close: () => enqueue<void>({ kind: 'close' }),
    holdWrites,
  };
}

/** Jobs run as one group at most; the group's callers hear back once it is committed. */
const MAX_GROUP = 200;
/**
 * A group stops taking jobs after this long, and commits; the rest run as the next group. A group runs in one go on
 * the thread that acks Slack's requests: 200 jobs of a burst took 10–20 ms, for which a slash command waited.
 */
export const GROUP_SLICE_MS = 2;
/**
 * How long the queue waits before it tries again for a write lock another connection holds, by try: short at first
 * (most such locks are a moment's), then every 100 ms, so that a lock let go is noticed within a tenth of a second.
 */
const LOCK_RETRY_MS = [1, 2, 5, 10, 20, 50, 100];

interface Statement {
  readonly kind: 'statement';
  readonly method: 'all' | 'get' | 'run';
  readonly sql: string;
  readonly params: readonly SqlValue[];
}
type Work = Statement | { readonly kind: 'transaction'; readonly fn: (tx: SqlExecutor) => Promise<unknown> } | { readonly kind: 'close' };
interface Job {
  readonly work: Work;
  /** When it was queued (performance.now()): a job waits for another connection's lock at most the busy timeout. */
  readonly queuedAt: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class DatabaseLockedError extends Error {
  override readonly name = 'DatabaseLockedError';
}

/**
 * One process per SQLite file: a second instance would claim the same posts through its own connection and
 * without PostgreSQL's row locks. The lock is an exclusive SQLite transaction held on a small file beside the
 * database; the operating system releases it when the process ends, however it ends, so a crash leaves no
 * stale lock behind. Returns a function that releases it.
 */
export function lockDatabaseFile(path: string): () => void {
  const lockPath = `${path}.lock`;
  let lock: Database.Database | undefined;
  // Opening is inside: a lock file this user cannot open (left by a run as root, say) is refused like any other
  // failure to lock, with the message below rather than Node's own error.
  try {
    closeSync(openSync(lockPath, 'a'));
    lock = new Database(lockPath, { timeout: 0 });
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
    // The exclusive lock is taken at the first write; until COMMIT it is ours alone.
    lock.exec('CREATE TABLE IF NOT EXISTS held_by (pid INTEGER)');
  } catch (error) {
    lock?.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new DatabaseLockedError(
        `Another mockdesign process is already using ${path}. Only one process may use a SQLite database: stop the other one, or give this one its own DATABASE_URL. To run several instances, use PostgreSQL (DATABASE_URL=postgres://…).`,
      );
    }
    throw new DatabaseUnusableError(`Cannot lock ${lockPath}: ${error instanceof Error ? error.message : String(error)}. Check that the database's folder and this file are writable by the user mockdesign runs as (a file left by a run as another user, root say, is not).`);
  }
  const held = lock;
  return () => {
    if (held.open) held.close();
  };
}
