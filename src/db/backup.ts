/** Online backup of a live database: SQLite's backup API copies a consistent snapshot while the app keeps writing. */
import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

export async function backupDatabase(sourcePath: string, targetPath: string): Promise<{ pages: number }> {
  if (!existsSync(sourcePath)) throw new Error(`No database at ${sourcePath}`);
  if (existsSync(targetPath)) throw new Error(`${targetPath} already exists; choose a new file name`);
  // Written under another name and renamed once complete. A run killed half-way (a reboot, the OOM killer, a
  // timer's time limit) would otherwise leave a file at the backup's name that opens as an empty database, and
  // the app, started on it after a restore, would begin afresh with nothing in it. What such a run leaves says
  // in its name that it is incomplete.
  const partial = `${targetPath}.incomplete-${process.pid}`;
  // A separate read-only connection: the running app's own connection is never touched.
  const source = new Database(sourcePath, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const result = await source.backup(partial);
    if (existsSync(targetPath)) throw new Error(`${targetPath} was created while the backup ran; choose a new file name`);
    renameSync(partial, targetPath);
    return { pages: result.totalPages };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
}
