/**
 * What the PostgreSQL adapter reports when the server does not answer, as opposed to a statement it refuses: the
 * delivery engine waits out the first and handles the second as a failure of that one post. The server is real;
 * the network between it and the app is a TCP relay in this process that the test cuts.
 */
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/app/ports.ts';
import { openPostgres, type PostgresDatabase } from '../../../src/db/postgres-database.ts';
import { describePg, TEST_DATABASE_URL, withPgDatabase } from '../../support/pg.ts';
import { relayDatabase, type TcpRelay } from '../../support/tcp-relay.ts';
import { until } from '../../support/until.ts';

const PASSWORD = 'relay-secret-pw';

let database: { url: string; name: string; drop(): Promise<void> };
let db: PostgresDatabase;
let relay: TcpRelay;
const cut = () => relay.refuse();
/** Long enough for pg_sleep(5) to be cut before it ends; short enough for the silent network's test. */
const QUERY_TIMEOUT_MS = 3000;

beforeEach(async () => {
  database = await withPgDatabase({ migrate: true });
  const relayed = await relayDatabase(database.url);
  relay = relayed.relay;
  const { url } = relayed;
  url.password = PASSWORD;
  db = await openPostgres(url.toString(), { poolSize: 2, connectTimeoutMs: 2000, queryTimeoutMs: QUERY_TIMEOUT_MS, onError: () => undefined });
});

afterEach(async () => {
  await relay.close();
  await db.close().catch(() => undefined);
  await database.drop();
});

const failure = (work: Promise<unknown>) => work.then(() => undefined, (error: unknown) => error);

/** The statements of the app's connections running now (pg_sleep among them), asked on a connection of the test's own. */
async function sleeping(name: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'SELECT pg_sleep%' AND state = 'active'", [name])).rows;
  } finally {
    await client.end();
  }
}

describePg('a PostgreSQL server that does not answer', () => {
  it('a connection lost inside a transaction fails that transaction, and throws nothing at the process', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => void uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      const inTransaction = failure(db.transaction(async (tx) => tx.get('SELECT pg_sleep(5)')));
      await until('the transaction to be under way', async () => (await sleeping(database.name)).length > 0);
      await cut();
      expect(await inTransaction).toBeInstanceOf(Error);
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).toEqual([]);
    } finally {
      process.removeListener('uncaughtException', record);
    }
  });

  it('is told apart from a statement the server refuses', async () => {
    const refused = await failure(db.run('INSERT INTO processed_requests (request_key, seen_at) VALUES (NULL, 1)'));
    expect(refused).not.toBeInstanceOf(StoreUnavailableError);
    expect(refused).toMatchObject({ code: '23502' });
  });

  it('a network cut: the statement under way and those after it, in a transaction or not, without the password', async () => {
    // A statement still running when the network goes.
    const running = failure(db.get('SELECT pg_sleep(5)'));
    const inTransaction = failure(db.transaction(async (tx) => tx.get('SELECT pg_sleep(5)')));
    await until('both statements to be under way', async () => (await sleeping(database.name)).length === 2);
    await cut();
    const errors = [await running, await inTransaction, await failure(db.get('SELECT 1')), await failure(db.transaction(async (tx) => tx.get('SELECT 1')))];
    for (const error of errors) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(String((error as Error).message)).not.toContain(PASSWORD);
    }
    expect((errors[0] as Error).message).toMatch(/Connection terminated/);
    expect((errors[2] as StoreUnavailableError).code).toBe('ECONNREFUSED');
  });

  it('a network that goes quiet: a statement with no answer fails as the server not answering, and the pool recovers', async () => {
    expect(await db.get('SELECT 1 AS one')).toEqual({ one: 1 });
    relay.silence();
    const started = Date.now();
    const quiet = await failure(db.get('SELECT 1 AS one'));
    expect(quiet).toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 100);
    const inTransaction = await failure(db.transaction(async (tx) => tx.get('SELECT 1 AS one')));
    expect(inTransaction).toBeInstanceOf(StoreUnavailableError);
    await relay.open();
    // The connections that went quiet were let go: the next statements get an answer.
    expect(await db.get('SELECT 1 AS one')).toEqual({ one: 1 });
    expect(await db.transaction(async (tx) => tx.get('SELECT 2 AS two'))).toEqual({ two: 2 });
  });

  it('a server that ends the connections and takes no new ones (a restart, a shutdown)', async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const running = failure(db.get('SELECT pg_sleep(5)'));
      await until('the statement to be under way', async () => (await sleeping(database.name)).length > 0);
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
      const terminated = await running;
      expect(terminated).toBeInstanceOf(StoreUnavailableError);
      expect((terminated as StoreUnavailableError).code).toBe('57P01');
      const notAccepting = await failure(db.transaction(async (tx) => tx.get('SELECT 1')));
      expect(notAccepting).toBeInstanceOf(StoreUnavailableError);
      expect((notAccepting as StoreUnavailableError).code).toBe('55000');
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} ALLOW_CONNECTIONS true`);
      // Answering again, the same pool works without being reopened.
      expect(await db.get('SELECT 1 AS one')).toEqual({ one: 1 });
    } finally {
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    }
  });
});
