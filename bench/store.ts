/**
 * Opens the app's own store on a benchmark database (SQLite file or PostgreSQL URL), migrated with the app's
 * migrations, so sessions are written by the app's code (`startSession`), not by hand-written SQL.
 */
import { fileURLToPath } from 'node:url';
import type { Store } from '../src/app/ports.ts';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { migratePostgres, openPostgres } from '../src/db/postgres-database.ts';
import { createSqliteDatabase } from '../src/db/sqlite-database.ts';
import { createStore } from '../src/db/store.ts';

const SQLITE_MIGRATIONS = fileURLToPath(new URL('../migrations/sqlite', import.meta.url));
const POSTGRES_MIGRATIONS = fileURLToPath(new URL('../migrations/postgres', import.meta.url));

export type BenchDatabase = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

/** The DATABASE_URL an app process gets for this database. */
export function databaseUrl(db: BenchDatabase): string {
  return db.kind === 'sqlite' ? db.path : db.url;
}

/**
 * The store as the app builds it: SQLite with the app's clock, PostgreSQL with the database's clock. Several
 * connections may write a SQLite file at once (WAL, busy timeout); only app processes take its lock file.
 */
export async function openBenchStore(db: BenchDatabase, options: { poolSize?: number } = {}): Promise<Store> {
  if (db.kind === 'sqlite') {
    const raw = openDatabase(db.path);
    migrate(raw, SQLITE_MIGRATIONS);
    return createStore(createSqliteDatabase(raw), () => Date.now());
  }
  const pg = await openPostgres(db.url, { poolSize: options.poolSize ?? 8 });
  await migratePostgres(pg, POSTGRES_MIGRATIONS);
  return createStore(pg, null);
}
