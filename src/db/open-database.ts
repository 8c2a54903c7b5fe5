/** Opens the SQLite file with the pragmas we rely on, and turns a broken file into one clear error. */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export class DatabaseUnusableError extends Error {
  override readonly name = 'DatabaseUnusableError';
}

/**
 * SQLite opens a file it may read but not write read-only, without a word, and a database already in WAL mode
 * then passes every check here: the app would start and answer /healthz, and every write would fail. That is the
 * file a restore by another user leaves (`sudo cp backup.db mockdesign.db`), or its -wal and -shm beside it.
 */
function refuseReadOnly(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new DatabaseUnusableError(
        `Cannot use the database at ${path}: ${file} is not writable by the user mockdesign runs as${typeof code === 'string' ? ` (${code})` : ''}. Give that user the file (chown), or copy it again as that user.`,
      );
    }
  }
}

/**
 * WAL lets the tick read while a listener writes. synchronous=NORMAL is deliberate: with WAL it survives a
 * killed process (what our exactly-once guarantee needs); only an OS crash or power cut can lose the last
 * commits. The busy timeout covers the backup command and other short-lived second connections.
 * temp_store=MEMORY: a group commit runs each transaction under a savepoint, and SQLite keeps what a savepoint
 * may have to undo in a statement journal that spills to a new temporary file past 64 KiB, created and
 * unlinked on every such commit (about one commit in two while sessions start one after another). In memory it
 * is bounded by what one group writes. journal_size_limit: when the WAL starts over (see checkpointer.ts), its
 * file is cut back to 64 MiB, so a burst's WAL does not keep its disk space for good.
 */
export function openDatabase(path: string, options: { busyTimeoutMs?: number } = {}): Db {
  let db: Db | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    if (path !== ':memory:') refuseReadOnly(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof DatabaseUnusableError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnusableError(
      `Cannot use the database at ${path}: ${reason}. Check that the file is a SQLite database and that its folder is writable, or restore it from a backup.`,
    );
  }
}
