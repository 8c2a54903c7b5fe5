/**
 * `npm run purge -- <team id T… | enterprise id E…> [--yes]`: deletes one workspace's sessions, notes and
 * installation tokens from the database named by DATABASE_URL (default ./data/mockdesign.db), read like the app
 * reads it: from the environment, then from `.env` in the working directory. Without --yes it prints what it
 * would delete and deletes nothing. On SQLite, stop mockdesign first (one process per file).
 */
import { describeCounts, openForPurge, parsePurgeArgs, PURGE_USAGE, PurgeUsageError, runPurge, totalOf } from '../src/db/purge.ts';
import { databaseFrom, databaseUrlFrom } from '../src/config.ts';
import { DatabaseLockedError } from '../src/db/sqlite-database.ts';
import { loadEnvFileIfPresent } from '../src/env-file.ts';

async function main(): Promise<number> {
  let request;
  try {
    request = parsePurgeArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof PurgeUsageError)) throw error;
    process.stderr.write(`${error.message}\n${PURGE_USAGE}\n`);
    return 2;
  }
  loadEnvFileIfPresent('.env');
  const databaseUrl = databaseUrlFrom(process.env);
  const { store, where, close } = await openForPurge(databaseUrl).catch((error: unknown) => {
    throw error instanceof DatabaseLockedError ? new DatabaseLockedError(lockedAdvice(databaseUrl)) : error;
  });
  try {
    const { counts, deleted } = await runPurge(store, request.target, { yes: request.yes });
    if (deleted) {
      process.stdout.write(`Deleted for ${request.label} from ${where}: ${describeCounts(counts)}.\n`);
      process.stdout.write('Backups taken before now still hold this data: delete or expire them too.\n');
      return 0;
    }
    if (totalOf(counts) === 0) {
      process.stdout.write(`Nothing stored for ${request.label} in ${where}.\n`);
      return 0;
    }
    process.stdout.write(`Would delete for ${request.label} from ${where}: ${describeCounts(counts)}.\n`);
    process.stdout.write(`Nothing was deleted. To delete these rows, run: npm run purge -- ${'teamId' in request.target ? request.target.teamId : request.target.enterpriseId} --yes\n`);
    return 1;
  } finally {
    await close();
  }
}

/**
 * The lock's own message is the app's start-up advice (give this process its own DATABASE_URL, or move to
 * PostgreSQL), which would have the purge run on another database. Here the one fix is to stop the app first.
 */
function lockedAdvice(databaseUrl: string): string {
  const target = databaseFrom(databaseUrl);
  const where = target?.kind === 'sqlite' ? target.path : 'the database';
  return `mockdesign is running on ${where} (or another purge is), and a SQLite database takes one process at a time. Stop the app first (systemctl stop mockdesign, say), then run the purge again, and start the app once it has finished.`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Purge failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
