/**
 * `npm run backup -- <file>`: an online backup of the SQLite database named by DATABASE_URL (default
 * ./data/mockdesign.db), read like the app reads it: from the environment, then from `.env` in the working directory.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { databasePathFrom, databaseUrlFrom } from '../src/config.ts';
import { backupDatabase } from '../src/db/backup.ts';
import { loadEnvFileIfPresent } from '../src/env-file.ts';

const target = process.argv[2];
if (!target) {
  process.stderr.write('Usage: npm run backup -- <backup-file.db>\n');
  process.exit(2);
}
let source: string;
try {
  loadEnvFileIfPresent('.env');
  source = databasePathFrom(databaseUrlFrom(process.env));
  checkPaths(source, target);
} catch (error) {
  process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
backupDatabase(source, target)
  .then(({ pages }) => process.stdout.write(`Backed up ${source} to ${target} (${pages} pages).\n`))
  .catch((error: unknown) => {
    process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });

/**
 * Checked here, before SQLite is asked: its own words for a missing folder ("Cannot save backup because the
 * directory does not exist") name neither the folder nor the fix, and a missing source is most often a
 * DATABASE_URL that is not the app's.
 */
function checkPaths(sourcePath: string, targetPath: string): void {
  if (sourcePath === ':memory:') throw new Error('DATABASE_URL names an in-memory database: there is nothing to back up. Set DATABASE_URL to the database mockdesign uses.');
  if (!existsSync(sourcePath)) {
    throw new Error(`No database at ${sourcePath}. Set DATABASE_URL to the database mockdesign uses.`);
  }
  const folder = dirname(resolve(targetPath));
  if (!existsSync(folder)) {
    throw new Error(`The folder ${folder} does not exist. Create it first (mkdir -p ${shellQuoted(folder)}), then run the backup again.`);
  }
  if (!statSync(folder).isDirectory()) throw new Error(`${folder} is a file, not a folder: choose a backup path inside a folder.`);
}

/** A path as it can be pasted into a shell: quoted only when it has characters the shell would read. */
function shellQuoted(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
