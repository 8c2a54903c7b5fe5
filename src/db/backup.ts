/** Online backup of a live database: SQLite's backup API copies a consistent snapshot while the app keeps writing. */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export async function backupDatabase(sourcePath: string, targetPath: string): Promise<{ pages: number }> {
  if (!existsSync(sourcePath)) throw new Error(`No database at ${sourcePath}`);
  if (existsSync(targetPath)) throw new Error(`${targetPath} already exists; choose a new file name`);
  // A separate read-only connection: the running app's own connection is never touched.
  const source = new Database(sourcePath, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const result = await source.backup(targetPath);
    return { pages: result.totalPages };
  } finally {
    source.close();
  }
}
