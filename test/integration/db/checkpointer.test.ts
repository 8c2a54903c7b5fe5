/** WAL checkpoints on a thread of their own, and the main connection taking them back when that thread fails. */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import type { Logger } from '../../../src/app/ports.ts';
import { startCheckpointer } from '../../../src/db/checkpointer.ts';
import { createSqliteDatabase } from '../../../src/db/sqlite-database.ts';
import type { Db } from '../../../src/db/open-database.ts';
import { createLogger } from '../../../src/logger.ts';
import { openTestDb } from '../../support/test-db.ts';
import { until } from '../../support/until.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The app's own logger, keeping what it logs at error level. */
function errorLog(): { logger: Logger; errors: Array<{ message: string }> } {
  const errors: Array<{ message: string }> = [];
  return { errors, logger: createLogger('error', (line) => errors.push({ message: String((JSON.parse(line) as { msg: unknown }).msg) })) };
}

function freshDatabase(): { path: string; db: Db } {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-checkpoint-'));
  dirs.push(dir);
  const path = join(dir, 'live.db');
  const db = openTestDb(path);
  // Whatever the migrations left in the WAL goes into the file first, so the file's growth below is the writes'.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('CREATE TABLE filler (x BLOB)');
  return { path, db };
}

/** About 2 MB in 500 commits: 500 pages and more, each commit small enough never to reach 1,000 pages on its own. */
const FILLER_BYTES = 500 * 4096;
function write(db: Db): void {
  const insert = db.prepare('INSERT INTO filler (x) VALUES (randomblob(4096))');
  for (let i = 0; i < 500; i++) insert.run();
}

it('copies the WAL into the database file from its own thread, while the main connection never checkpoints', async () => {
  const { path, db } = freshDatabase();
  const { logger, errors } = errorLog();
  const checkpointer = startCheckpointer(db, path, logger, { everyMs: 20 });
  try {
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path).size;
    write(db);
    // Only a checkpoint writes pages into the database file itself; the main connection makes none.
    await until('the rows to reach the database file', () => statSync(path).size >= before + FILLER_BYTES, 20_000);
    expect(errors).toEqual([]);
  } finally {
    db.close();
    await checkpointer.close();
  }
  // The thread's connection closed last: SQLite checkpointed everything and removed the WAL.
  expect(existsSync(`${path}-wal`)).toBe(false);
  const reopened = new Database(path, { readonly: true });
  expect(reopened.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(500);
  reopened.close();
});

it('skips a run that finds another checkpoint under way, and carries on after', async () => {
  const { path, db } = freshDatabase();
  const { logger, errors } = errorLog();
  const checkpointer = startCheckpointer(db, path, logger, { everyMs: 10 });
  try {
    // A reader holds an old snapshot; a TRUNCATE checkpoint (what a maintenance tool may run) then holds the
    // checkpoint lock while it waits for that reader, here for 500 ms, and the thread's runs meanwhile find it busy.
    const reader = new Database(path);
    const other = new Database(path, { timeout: 500 });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM filler').get();
      write(db);
      other.pragma('wal_checkpoint(TRUNCATE)');
      reader.exec('COMMIT');
    } finally {
      reader.close();
      other.close();
    }
    const before = statSync(path).size;
    write(db);
    await until('the rows to reach the database file', () => statSync(path).size >= before + FILLER_BYTES, 20_000);
    expect(errors).toEqual([]);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  } finally {
    db.close();
    await checkpointer.close();
  }
});

it('hands checkpoints back to the main connection when its thread cannot run, and says so once', async () => {
  const { path, db } = freshDatabase();
  const { logger, errors } = errorLog();
  // A file that does not exist: the thread fails as it opens it (it never creates one).
  const checkpointer = startCheckpointer(db, join(path, '..', 'missing.db'), logger, { everyMs: 20 });
  try {
    await until('the failure to be reported', () => errors.length > 0, 20_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/checkpoint thread stopped/);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // The main connection checkpoints again as the WAL passes 1,000 pages.
    const before = statSync(path).size;
    write(db);
    write(db);
    expect(statSync(path).size).toBeGreaterThan(before);
    expect(existsSync(join(path, '..', 'missing.db'))).toBe(false);
  } finally {
    await checkpointer.close();
    db.close();
  }
  expect(errors).toHaveLength(1);
});

it('starts the WAL over under writes that never pause, by holding them while it copies the rest', async () => {
  const { path, db } = freshDatabase();
  const { logger, errors } = errorLog();
  const sqlite = createSqliteDatabase(db);
  // 64 frames (256 KiB) before a hold; a run every 10 ms.
  const checkpointer = startCheckpointer(db, path, logger, { everyMs: 10, gate: sqlite, restartFrames: 64 });
  const walSize = () => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
  let largest = 0;
  try {
    // Once the thread runs (its first checkpoint reaches the file): 6,000 commits of a 4 KiB row each, one per
    // turn of the event loop, some 70 MiB through the WAL with no pause long enough for a checkpoint to find
    // every frame copied before the next write begins. Without holds the WAL file grows by all of it. With them it
    // starts over about every run; the file keeps its largest extent (journal_size_limit is 64 MiB), and the
    // filler above already took it to about 6 MiB. The bound leaves room for a thread kept from its core for
    // half a second or so on a busy machine (2 cores shared with other test files), and is under two-fifths of
    // what went through: without the holds the file ends at about 76 MiB.
    const before = statSync(path).size;
    write(db);
    await until('the thread to checkpoint', () => statSync(path).size >= before + FILLER_BYTES, 20_000);
    for (let i = 0; i < 6000; i++) {
      await sqlite.run('INSERT INTO filler (x) VALUES (randomblob(4096))');
      if (i % 50 === 0) largest = Math.max(largest, walSize());
    }
    largest = Math.max(largest, walSize());
    expect(largest).toBeLessThan(28 * 1024 * 1024);
    expect(await sqlite.get('SELECT count(*) AS n FROM filler')).toEqual({ n: 6500 });
    expect(errors).toEqual([]);
  } finally {
    await sqlite.close();
    await checkpointer.close();
  }
});

