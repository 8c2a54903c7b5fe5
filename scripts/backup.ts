/**
 * `npm run backup -- <file>`: an online backup of the SQLite database named by DATABASE_URL (default
 * ./data/mockdesign.db), read like the app reads it: from the environment, then from `.env` in the working directory.
 */
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
