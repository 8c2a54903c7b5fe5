/** `npm run backup -- <file>`: an online backup of the database named by DATABASE_URL (default ./data/mockdesign.db). */
import { databasePathFrom } from '../src/config.ts';
import { backupDatabase } from '../src/db/backup.ts';

const target = process.argv[2];
if (!target) {
  process.stderr.write('Usage: npm run backup -- <backup-file.db>\n');
  process.exit(2);
}
const source = databasePathFrom(process.env.DATABASE_URL ?? './data/mockdesign.db');
backupDatabase(source, target)
  .then(({ pages }) => process.stdout.write(`Backed up ${source} to ${target} (${pages} pages).\n`))
  .catch((error: unknown) => {
    process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
