/**
 * SQLite behind the async storage port. better-sqlite3 is synchronous and has one connection, so an async
 * transaction is a section of exclusive use: while one is open, every other statement waits its turn, or it
 * would run inside (and roll back with) someone else's transaction. A transaction's body must therefore use the
 * executor it is given, never the outer one. Statements are prepared once and cached.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type Db, DatabaseUnusableError } from './open-database.ts';
import type { Row, SqlDatabase, SqlExecutor, SqlValue } from './sql.ts';

interface Prepared {
  readonly statement: Database.Statement;
  /** For each `?` in order, which `$n` it stands for. */
  readonly order: readonly number[];
}

export function createSqliteDatabase(db: Db): SqlDatabase & { readonly raw: Db } {
  const cache = new Map<string, Prepared>();

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

  const direct: SqlExecutor = {
    dialect: 'sqlite',
    async all(sql, params = []) {
      const p = prepare(sql);
      return p.statement.all(...bind(p, params)) as Row[];
    },
    async get(sql, params = []) {
      const p = prepare(sql);
      return p.statement.get(...bind(p, params)) as Row | undefined;
    },
    async run(sql, params = []) {
      const p = prepare(sql);
      if (p.statement.reader) return p.statement.all(...bind(p, params)).length;
      return p.statement.run(...bind(p, params)).changes;
    },
  };

  // Every statement and transaction takes its turn in one queue (first come, first served).
  let tail: Promise<unknown> = Promise.resolve();
  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  }

  return {
    dialect: 'sqlite',
    raw: db,
    all: (sql, params) => inTurn(() => direct.all(sql, params)),
    get: (sql, params) => inTurn(() => direct.get(sql, params)),
    run: (sql, params) => inTurn(() => direct.run(sql, params)),
    transaction: (fn) =>
      inTurn(async () => {
        // IMMEDIATE takes the write lock at once, so a second connection (a backup) cannot upgrade-deadlock us.
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () =>
      inTurn(async () => {
        db.close();
      }),
  };
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
  closeSync(openSync(lockPath, 'a'));
  const lock = new Database(lockPath, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
    // The exclusive lock is taken at the first write; until COMMIT it is ours alone.
    lock.exec('CREATE TABLE IF NOT EXISTS held_by (pid INTEGER)');
  } catch (error) {
    lock.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new DatabaseLockedError(
        `Another mockdesign process is already using ${path}. Only one process may use a SQLite database: stop the other one, or give this one its own DATABASE_URL. To run several instances, use PostgreSQL (DATABASE_URL=postgres://…).`,
      );
    }
    throw new DatabaseUnusableError(`Cannot lock ${lockPath}: ${error instanceof Error ? error.message : String(error)}. Check that the database's folder is writable.`);
  }
  return () => {
    if (lock.open) lock.close();
  };
}
