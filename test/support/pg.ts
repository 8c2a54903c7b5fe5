/**
 * PostgreSQL for tests: a fresh schema per suite (in-process tests) or a fresh database (tests that start
 * processes, which only get a DATABASE_URL). Without a server the PostgreSQL tests are skipped with a note
 * saying how to run them, except in CI (`CI` set), where they run and fail.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { beforeAll, describe } from 'vitest';
import { migratePostgres, openPostgres, redactUrl, type PostgresDatabase } from '../../src/db/postgres-database.ts';

/** The trust user is named: pg would otherwise log in as $USER, which may be unset or not a role. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/postgres', import.meta.url));

let available: Promise<boolean> | undefined;

/** Whether a server answers at TEST_DATABASE_URL (asked once per test file). */
export function pgAvailable(): Promise<boolean> {
  available ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return available;
}

const inCi = Boolean(process.env.CI);
const ready = await pgAvailable();
let warned = false;

/** True when the PostgreSQL tests run: a server answers, or we are in CI (where a missing one must fail). */
export const PG_TESTS_RUN = ready || inCi;

export const PG_SKIP_REASON = `no PostgreSQL server answered at ${redactUrl(TEST_DATABASE_URL)}: start PostgreSQL there, or set TEST_DATABASE_URL=postgres://user@host:port/db, to run the PostgreSQL tests`;

/** Says once per file why PostgreSQL tests are skipped. */
export function warnPgSkipped(): void {
  if (PG_TESTS_RUN || warned) return;
  warned = true;
  console.warn(`PostgreSQL tests skipped: ${PG_SKIP_REASON}.`);
}

/** `describe` for tests that need PostgreSQL: skipped with a note when no server answers, failing in CI. */
export function describePg(name: string, fn: () => void): void {
  warnPgSkipped();
  describe.skipIf(!PG_TESTS_RUN)(name, () => {
    beforeAll(() => {
      if (!ready) throw new Error(`CI is set and no PostgreSQL server answered at ${redactUrl(TEST_DATABASE_URL)}: the PostgreSQL tests cannot run.`);
    });
    fn();
  });
}

const uniqueName = () => `mockdesign_test_${process.pid}_${randomBytes(5).toString('hex')}`;

/** One short-lived admin connection for CREATE/DROP. */
async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
    throw new Error(`Cannot connect to PostgreSQL at TEST_DATABASE_URL (${redactUrl(url)}): ${reason}. Start PostgreSQL there, or set TEST_DATABASE_URL.`);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface PgSchema {
  readonly url: string;
  readonly schema: string;
  /** Opened on the schema (and migrated unless `migrate: false`). */
  readonly db: PostgresDatabase;
  /** Another pool on the same schema, closed by `drop` (a second instance). */
  open(options?: { poolSize?: number }): Promise<PostgresDatabase>;
  /** Closes every pool and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named schema in the test database, migrated. */
export async function withPgSchema(options: { migrate?: boolean; poolSize?: number } = {}): Promise<PgSchema> {
  const url = TEST_DATABASE_URL;
  const schema = uniqueName();
  await admin(url, (c) => c.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`));
  const pools: PostgresDatabase[] = [];
  const open = async (o: { poolSize?: number } = {}) => {
    const db = await openPostgres(url, { schema, poolSize: o.poolSize ?? options.poolSize ?? 10 });
    pools.push(db);
    return db;
  };
  const drop = async () => {
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    await admin(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
  };
  try {
    const db = await open();
    if (options.migrate !== false) await migratePostgres(db, PG_MIGRATIONS_DIR);
    return { url, schema, db, open, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

/** A URL to the same server and credentials whose connections use `schema` (via `options=-c search_path=…`). */
export function pgUrlWithSchema(schema: string, url = TEST_DATABASE_URL): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/**
 * A whole fresh database, for tests that start processes: they get its URL as DATABASE_URL. Not migrated
 * unless asked (the app migrates at startup). `drop` ends any connection still open to it.
 */
export async function withPgDatabase(options: { migrate?: boolean } = {}): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = uniqueName();
  // template0 accepts no connections, so creating from it never fails because someone is connected to the template.
  await admin(TEST_DATABASE_URL, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE template0`));
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const drop = () => admin(TEST_DATABASE_URL, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)));
  if (options.migrate) {
    const db = await openPostgres(url);
    try {
      await migratePostgres(db, PG_MIGRATIONS_DIR);
    } finally {
      await db.close();
    }
  }
  return { url, name, drop };
}
