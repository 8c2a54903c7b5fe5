/** Forward-only migrations: plain .sql files applied in order, each in a transaction with its version bump. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseUnusableError, type Db } from './open-database.ts';

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

export function listMigrations(dir: string): { version: number; file: string }[] {
  return readdirSync(dir)
    .map((file) => ({ file, version: Number(MIGRATION_FILE.exec(file)?.[1]) }))
    .filter(({ version }) => Number.isInteger(version) && version > 0)
    .sort((a, b) => a.version - b.version);
}

/**
 * The refusal for a migration that failed (a statement the database refused, a full disk, rows that break a new
 * constraint). Its transaction was rolled back, so the database is at the version before it: starting again does
 * the same thing, no more. What the operator can do is free the disk, or go back to the backup and the version
 * they came from.
 */
export function migrationFailed(file: string, reason: string, version: number): DatabaseUnusableError {
  return new DatabaseUnusableError(
    `Migration ${file} failed: ${reason}. It was rolled back whole: the database is at schema version ${version}, as it was before this migration. If the disk is full, free some space and start again; otherwise restore the backup taken before this upgrade, run the version of mockdesign it came from, and report this message.`,
  );
}

/** Applies what is missing and returns the schema version. Refuses a database written by a newer version. */
export function migrate(db: Db, dir: string): number {
  const migrations = listMigrations(dir);
  const latest = migrations.at(-1)?.version ?? 0;
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > latest) {
    throw new DatabaseUnusableError(
      `The database is at schema version ${current}, but this version of mockdesign knows only up to ${latest}. It was written by a newer mockdesign: upgrade the app, or point DATABASE_URL at another file.`,
    );
  }
  let applied = current;
  for (const { file, version } of migrations) {
    if (version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(readFileSync(join(dir, file), 'utf8'));
        db.pragma(`user_version = ${version}`);
      })();
    } catch (error) {
      throw migrationFailed(file, error instanceof Error ? error.message : String(error), applied);
    }
    applied = version;
  }
  return Number(db.pragma('user_version', { simple: true }));
}
