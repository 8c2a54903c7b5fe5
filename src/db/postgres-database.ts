/**
 * PostgreSQL behind the async storage port, over a `pg` connection pool: the store several instances share.
 * Statements outside a transaction run on any pooled connection; a transaction checks one connection out and
 * runs its whole body on it. Migrations run under an advisory lock, so instances starting together apply
 * each file once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { StoreUnavailableError } from '../app/ports.ts';
import { listMigrations, migrationFailed } from './migrate.ts';
import { DatabaseUnusableError } from './open-database.ts';
import type { Row, SqlDatabase, SqlExecutor, SqlValue } from './sql.ts';

export type PostgresDatabase = SqlDatabase & {
  readonly pool: Pool;
  /**
   * Resolves when the server answers a trivial statement within `timeoutMs`, else rejects. It runs on one
   * connection of its own, opened when first needed and kept: a pool busy with work is not a server that is down,
   * and however often it is called at most one such connection exists.
   */
  ping(timeoutMs: number): Promise<void>;
};

export interface PostgresOptions {
  /** Runs every statement in this schema (tests give each suite its own). Set at connect time, before any query. */
  readonly schema?: string;
  readonly poolSize?: number;
  /** How long to wait for the server when opening a connection (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** How long a statement or transaction waits for a free pooled connection when all are busy (default 30 s). */
  readonly acquireTimeoutMs?: number;
  /**
   * How long a statement may go without an answer before it fails as the server not answering (default 60 s). A
   * network that drops packets gives no error: without this, a statement (the tick's claim among them) would wait
   * for the operating system to give up on the connection, a quarter of an hour or more, and the posts with it.
   * Ours take milliseconds; a long one (a migration on a large table, ANALYZE) takes seconds.
   */
  readonly queryTimeoutMs?: number;
  /** A pooled idle connection failed (the server restarted, the network dropped); the pool replaces it. */
  readonly onError?: (error: Error) => void;
}

const INT8_OID = 20;

/**
 * BIGINT arrives as a string by default because it may exceed 2^53. Ours are epoch milliseconds, ids and
 * counts, all far below that (2^53 ms is 285,000 years), so they are read as numbers. Set on this pool's own
 * type table, not pg's global one: other users of `pg` in the process keep the default.
 */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${value} does not fit a JavaScript number`);
  return n;
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && (format ?? 'text') === 'text' ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Lower case only: an unquoted name in search_path is folded to lower case. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL without its password (in either place pg reads one), for messages and logs. Not a URL: nothing of it is shown. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    u.searchParams.delete('sslpassword');
    return u.toString();
  } catch {
    return '(not a valid URL)';
  }
}

/** Adds `-c search_path=…` to the connection's startup options: in force before the first statement runs. */
function withSearchPath(url: string, schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new DatabaseUnusableError(`Invalid PostgreSQL schema name "${schema}".`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DatabaseUnusableError('DATABASE_URL is not a valid postgres:// URL.');
  }
  const options = u.searchParams.get('options');
  u.searchParams.set('options', `${options ? `${options} ` : ''}-c search_path=${schema}`);
  return u.toString();
}

function messageOf(error: Error): string {
  // Node reports a refused connection to a name with several addresses (localhost) as an AggregateError without a message.
  const inner = error instanceof AggregateError ? error.errors.find((e): e is Error => e instanceof Error) : undefined;
  return error.message || inner?.message || '';
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = messageOf(error);
  if (typeof code === 'string' && !message.includes(code)) return message ? `${code}: ${message}` : code;
  return message || error.name;
}

/** `text` with the URL's passwords (in either place pg reads one) replaced by ***. */
function hideSecrets(url: string, text: string): string {
  try {
    const u = new URL(url);
    for (const secret of [decodeURIComponent(u.password), u.searchParams.get('password'), u.searchParams.get('sslpassword')]) {
      if (secret) text = text.split(secret).join('***');
    }
  } catch {
    // not a URL: nothing to hide beyond what is already left out
  }
  return text;
}

/** What went wrong, with the URL's password masked wherever the driver repeated it. */
function safeReason(url: string, error: unknown, timeoutMs?: number): string {
  const reason = reasonOf(error);
  return hideSecrets(url, timeoutMs !== undefined && /timeout/i.test(reason) ? `${reason} after ${timeoutMs} ms` : reason);
}

function unreachable(url: string, error: unknown, timeoutMs?: number): DatabaseUnusableError {
  const reason = safeReason(url, error, timeoutMs);
  return new DatabaseUnusableError(
    `Cannot use the PostgreSQL database in DATABASE_URL (${redactUrl(url)}): the server could not be reached or refused the connection (${reason}). Check that PostgreSQL is running at that address and that the user, password and database in DATABASE_URL are right.`,
  );
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

/**
 * Errors that say the server could not be reached or the connection broke, as opposed to a statement it refused:
 * a socket's error (refused, reset, timed out, name not found), pg's own word that the connection ended or could
 * not be made in time, or a server error that ends the session (FATAL: shutting down, starting up, not accepting
 * connections, too many of them) or is a connection exception (class 08).
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, severity, syscall } = error as { code?: unknown; severity?: unknown; syscall?: unknown };
  // No SQLSTATE class begins with E: ECONNREFUSED, EPIPE… are the socket's.
  if (typeof syscall === 'string' || (typeof code === 'string' && /^E[A-Z]+$/.test(code))) return true;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return severity === 'FATAL' || severity === 'PANIC' || code.startsWith('08') || code.startsWith('57P');
  return /^(Connection terminated|timeout exceeded when trying to connect|timeout expired|Query read timeout|Client has encountered a connection error|Client was closed)/.test(error.message);
}

/**
 * A statement the server refused on a connection that stays usable (a constraint, a serialization failure, a
 * syntax error): the server's own error, which carries a SQLSTATE, and not one that ends the session. Anything
 * else (a socket's error such as EPIPE, pg's word that the connection ended or a statement timed out, a FATAL)
 * may leave the connection unusable: it is then closed, not put back in the pool.
 */
export function isRefusedStatement(error: unknown): boolean {
  return error instanceof pg.DatabaseError && !isUnavailable(error);
}

/** A failure to reach the server as the port's StoreUnavailableError (without the URL's password); any other error as it is. */
function unavailableOr(url: string, error: unknown): unknown {
  if (!isUnavailable(error)) return error;
  const code = (error as { code?: unknown }).code;
  return new StoreUnavailableError(hideSecrets(url, messageOf(error as Error) || reasonOf(error)), typeof code === 'string' ? code : undefined, { cause: error });
}

function executor(target: Queryable, failure: (error: unknown) => unknown, isOpen: () => boolean = () => true): SqlExecutor {
  const query = (sql: string, params: readonly SqlValue[] = []) => {
    // A connection given back to the pool may already run someone else's transaction.
    if (!isOpen()) return Promise.reject(new Error('A transaction executor was used after its transaction ended'));
    return target.query(sql, [...params]).catch((error: unknown) => {
      throw failure(error);
    });
  };
  return {
    dialect: 'postgres',
    async all(sql, params) {
      return (await query(sql, params)).rows as Row[];
    },
    async get(sql, params) {
      return (await query(sql, params)).rows[0] as Row | undefined;
    },
    async run(sql, params) {
      return (await query(sql, params)).rowCount ?? 0;
    },
  };
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
  const connectionString = options.schema === undefined ? url : withSearchPath(url, options.schema);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 60_000;
  // pg-pool uses one setting both for opening a connection and for waiting for a free one: a busy moment would
  // fail after the short connect timeout. Connections get their own timeout through the client class.
  class TimedClient extends pg.Client {
    constructor(config: pg.ClientConfig) {
      // keepAlive: an idle connection the network lost is found out by the operating system, not by the next post.
      super({ ...config, password: config.password, connectionTimeoutMillis: connectTimeoutMs, query_timeout: queryTimeoutMs, keepAlive: true });
    }
  }
  let pool: Pool;
  try {
    pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 30_000,
      Client: TimedClient as unknown as new () => pg.ClientBase,
      application_name: 'mockdesign',
      types,
    });
  } catch (error) {
    throw unreachable(url, error);
  }
  // Without a listener an idle connection's error would crash the process; the pool drops that connection.
  pool.on('error', (error) => options.onError?.(error));

  // Fail fast, at startup, with a message that says what to fix.
  try {
    const row = (await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0];
    if (options.schema !== undefined && row?.schema !== options.schema) {
      throw new DatabaseUnusableError(`The PostgreSQL schema "${options.schema}" does not exist in the database in DATABASE_URL (${redactUrl(url)}).`);
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error instanceof DatabaseUnusableError ? error : unreachable(url, error, connectTimeoutMs);
  }

  let closing: Promise<void> | undefined;
  const failure = (error: unknown) => unavailableOr(url, error);
  const direct = executor(pool, failure);

  let pinger: Promise<pg.Client> | undefined;
  const dropPinger = (which: Promise<pg.Client>): Promise<void> => {
    if (pinger === which) pinger = undefined;
    // Ends a connection that is stuck in a statement too (pg then destroys its socket).
    return which.then((client) => client.end()).catch(() => undefined);
  };
  const openPinger = (timeoutMs: number): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs, application_name: 'mockdesign-health' });
    const connected = client.connect().then(() => client);
    // An idle connection the server or the network closes emits 'error', which would otherwise end the process.
    client.on('error', () => void dropPinger(connected));
    client.on('end', () => {
      if (pinger === connected) pinger = undefined;
    });
    return connected;
  };

  return {
    ...direct,
    pool,
    async ping(timeoutMs) {
      if (closing) throw new Error('the database is closed');
      const client = (pinger ??= openPinger(timeoutMs));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([client.then((c) => c.query('SELECT 1')), late]);
      } catch (error) {
        // The connection may be dead or stuck: the next ping opens a new one, and this one is closed.
        void dropPinger(client);
        throw new Error(safeReason(url, error, timeoutMs));
      } finally {
        clearTimeout(timer);
      }
    },
    async transaction(fn) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw failure(error);
      }
      let open = true;
      // Set when the connection may be unusable: it is then closed instead of going back to the pool.
      let broken: Error | undefined;
      // The pool listens for a connection's errors only while it is idle in the pool. One lost while checked out here
      // (a network cut, a server restart) would otherwise be an uncaught exception, and the process would end: the
      // statement under way fails with it anyway, and the connection is not reused.
      const lost = (error: Error) => {
        broken = error;
      };
      client.on('error', lost);
      const control = async (sql: string) => {
        try {
          return await client.query(sql);
        } catch (error) {
          if (!isRefusedStatement(error)) broken = error as Error;
          throw failure(error);
        }
      };
      try {
        await control('BEGIN');
        let result;
        try {
          result = await fn(executor(client, failure, () => open));
        } catch (error) {
          // A failed ROLLBACK leaves the connection in a state nobody knows: it is not reused.
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken = rollbackError;
          });
          throw error;
        }
        const commit = await control('COMMIT');
        // A statement that failed inside `fn` (and was caught there) aborted the transaction: COMMIT then rolls back.
        if (commit.command === 'ROLLBACK') throw new Error('The transaction was rolled back: a statement in it failed');
        return result;
      } finally {
        open = false;
        // The pool listens again from here on (release puts its listener back at once).
        client.release(broken ?? false);
        client.removeListener('error', lost);
      }
    },
    close() {
      closing ??= Promise.all([pool.end(), pinger ? dropPinger(pinger) : undefined]).then(() => undefined);
      return closing;
    },
  };
}

/** Fixed key of the migration lock: any 64-bit number that nothing else in the database uses ("mockdsgn"). */
export const MIGRATION_LOCK_KEY = '7887336657655424622';

/**
 * How long a migration's own statements may run. The pool's query timeout takes a statement unanswered for a
 * minute for a lost server; a migration on a large table may rightly take longer, and failing it would fail
 * every start the same way. This is the longest a Node timer can wait; a dead connection is still found by
 * TCP keepalive.
 */
const MIGRATION_QUERY_TIMEOUT_MS = 2 ** 31 - 1;
/** While another instance migrates, the lock is asked for again after this, doubling up to the cap. */
const LOCK_RETRY_FIRST_MS = 50;
const LOCK_RETRY_CAP_MS = 2_000;

export interface MigrateOptions {
  /** Called once, when another instance holds the migration lock and this one starts to wait for it. */
  readonly onWaiting?: () => void;
}

/**
 * Applies the missing `NNNN_name.sql` files of `dir` in order, each in its own transaction with its row in
 * `schema_migrations`, and returns the schema version. The whole run holds an advisory lock on one dedicated
 * connection: a second instance starting at the same moment waits, however long the first takes, then finds
 * nothing left to do. Refuses a database written by a newer version of the app.
 */
export async function migratePostgres(db: { readonly pool: Pool }, dir: string, options: MigrateOptions = {}): Promise<number> {
  try {
    return await migrateOn(db.pool, dir, options);
  } catch (error) {
    // The server went away after it first answered (a restart, a network cut, an administrator ending the
    // connection): one message that says so, not pg's raw error, and not a migration's fault.
    if (!isUnavailable(error)) throw error;
    throw new DatabaseUnusableError(
      `The connection to PostgreSQL was lost while the database was being prepared (${reasonOf(error)}). Each migration is applied whole or not at all, so nothing is half-done: start mockdesign again once the server answers, and it finishes what is left.`,
    );
  }
}

async function migrateOn(pool: Pool, dir: string, options: MigrateOptions): Promise<number> {
  const migrations = listMigrations(dir);
  const latest = migrations.at(-1)?.version ?? 0;
  const client = await pool.connect();
  let broken: Error | undefined;
  // As in a transaction: an error the connection emits while checked out would otherwise end the process.
  const lost = (error: Error) => {
    broken = error;
  };
  client.on('error', lost);
  try {
    // Asked for without blocking, again and again: a blocking pg_advisory_lock is one statement that stays
    // unanswered for as long as the other instance migrates, and the pool's query timeout ended it.
    for (let delay = LOCK_RETRY_FIRST_MS, waiting = false; ; delay = Math.min(delay * 2, LOCK_RETRY_CAP_MS)) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
      if (rows[0]?.locked) break;
      if (!waiting) options.onWaiting?.();
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
      const current = Number((await client.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')).rows[0]?.v ?? 0);
      if (current > latest) {
        throw new DatabaseUnusableError(
          `The database is at schema version ${current}, but this version of mockdesign knows only up to ${latest}. It was written by a newer mockdesign: upgrade the app, or point DATABASE_URL at another database.`,
        );
      }
      let applied = current;
      for (const { file, version } of migrations) {
        if (version <= current) continue;
        const sql = readFileSync(join(dir, file), 'utf8');
        await client.query('BEGIN');
        try {
          // pg reads a statement's own query_timeout from its config (lib/client.js); its types leave it out.
          await client.query({ text: sql, query_timeout: MIGRATION_QUERY_TIMEOUT_MS } as pg.QueryConfig);
          await client.query(
            'INSERT INTO schema_migrations (version, applied_at) VALUES ($1, (extract(epoch from clock_timestamp()) * 1000)::bigint)',
            [version],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken = rollbackError;
          });
          // The connection ended under it (said as such by the caller): not this migration's fault.
          if (isUnavailable(error)) throw error;
          throw migrationFailed(file, error instanceof Error ? error.message : String(error), applied);
        }
        applied = version;
      }
      return Number((await client.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')).rows[0]?.v ?? 0);
    } finally {
      if (!broken) {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((unlockError: Error) => {
          broken = unlockError;
        });
      }
    }
  } catch (error) {
    if (isUnavailable(error)) broken ??= error as Error;
    throw error;
  } finally {
    // A broken connection is closed, which also ends its session and with it the advisory lock.
    client.off('error', lost);
    client.release(broken ?? false);
  }
}

/**
 * Whether the server runs autovacuum. With it off, nothing analyzes the tables either: a `steps` table that was
 * never analyzed is read by the claim of due posts with a bitmap scan, which visits every dead row version (one
 * per step that has gone out) on every tick, so an idle tick grows with the posts sent since the last VACUUM.
 */
export async function autovacuumIsOff(db: SqlExecutor): Promise<boolean> {
  const row = await db.get("SELECT current_setting('autovacuum') AS setting");
  return row?.setting === 'off';
}
