/** A database with the real migrations: in memory by default, or a file for restart tests. */
import { fileURLToPath } from 'node:url';
import { migrate } from '../../src/db/migrate.ts';
import { type Db, openDatabase } from '../../src/db/open-database.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/sqlite', import.meta.url));

export function openTestDb(path = ':memory:'): Db {
  const db = openDatabase(path);
  migrate(db, MIGRATIONS_DIR);
  return db;
}
