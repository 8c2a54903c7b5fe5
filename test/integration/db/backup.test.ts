/** Online backups of a database another connection is writing to. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { backupDatabase } from '../../../src/db/backup.ts';
import { openTestDb } from '../../support/test-db.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function live() {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-backup-'));
  dirs.push(dir);
  const db = openTestDb(join(dir, 'live.db'));
  const insert = db.prepare('INSERT INTO processed_requests (request_key, seen_at) VALUES (?, ?)');
  for (let i = 0; i < 500; i++) insert.run(`k${i}`, i);
  return { dir, db, insert };
}

it('copies a consistent snapshot while the app keeps its connection open and writing', async () => {
  const { dir, db, insert } = live();
  const pending = backupDatabase(join(dir, 'live.db'), join(dir, 'copy.db'));
  insert.run('written-during-backup', 1);
  await pending;
  db.close();
  const copy = new Database(join(dir, 'copy.db'), { readonly: true });
  expect(Number(copy.prepare('SELECT count(*) FROM processed_requests').pluck().get())).toBeGreaterThanOrEqual(500);
  expect(copy.pragma('user_version', { simple: true })).toBeGreaterThan(0);
  expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
  copy.close();
});

// A backup killed half-way (a reboot, the OOM killer, a timer's time limit) left an empty file at the backup's
// name, which opens as an empty database: restored, the app would start afresh on it with nothing in it.
it('leaves nothing at the backup\'s name when it is killed half-way', async () => {
  const { dir, db, insert } = live();
  db.transaction(() => {
    for (let i = 0; i < 100_000; i++) insert.run(`${'x'.repeat(100)}${i}`, i);
  })();
  db.close();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', join(dir, 'copy.db')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: join(dir, 'live.db') },
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
  // Killed as soon as it starts writing its copy.
  const watcher = watch(dir, (_, name) => {
    if (name?.startsWith('copy.db')) child.kill('SIGKILL');
  });
  try {
    expect(await exited, 'the backup must be killed while it copies').toBe('SIGKILL');
  } finally {
    watcher.close();
  }
  expect(existsSync(join(dir, 'copy.db'))).toBe(false);
  // What is left says what it is.
  expect(readdirSync(dir).filter((f) => f.startsWith('copy.db')).every((f) => f.includes('.incomplete'))).toBe(true);
}, 60_000);

it('refuses to overwrite an existing file or to back up a missing database', async () => {
  const { dir, db } = live();
  await expect(backupDatabase(join(dir, 'live.db'), join(dir, 'live.db'))).rejects.toThrow('already exists');
  await expect(backupDatabase(join(dir, 'missing.db'), join(dir, 'x.db'))).rejects.toThrow('No database at');
  db.close();
});

it('npm run backup -- <file> backs up the database named by DATABASE_URL', () => {
  const { dir, db } = live();
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', join(dir, 'cli.db')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'live.db')}` },
    encoding: 'utf8',
  });
  expect(out).toContain('Backed up');
  db.close();
  const copy = new Database(join(dir, 'cli.db'), { readonly: true });
  expect(Number(copy.prepare('SELECT count(*) FROM processed_requests').pluck().get())).toBe(500);
  copy.close();
}, 30_000);

it('npm run backup refuses an empty DATABASE_URL as the app does, saying so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-backup-'));
  dirs.push(dir);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', join(dir, 'cli.db')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '' },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Backup failed: DATABASE_URL is empty');
}, 30_000);

// A backup run on a PostgreSQL deployment (the README sends it to pg_dump) printed DATABASE_URL whole, password
// included, into the terminal and whatever collects a cron job's output.
it.each([
  ['a PostgreSQL URL', 'postgres://app:s3cret-pw@127.0.0.1:5432/mockdesign', /PostgreSQL.*pg_dump/],
  ['a URL of a database it does not know', 'mysql://root:s3cret-pw@127.0.0.1:3306/mockdesign', /not a SQLite file/],
])('npm run backup with %s says why it cannot, without the password', (_, url, why) => {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-backup-'));
  dirs.push(dir);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', join(dir, 'cli.db')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^Backup failed: DATABASE_URL/);
  expect(result.stderr).toMatch(why);
  expect(`${result.stdout}${result.stderr}`).not.toContain('s3cret-pw');
}, 30_000);
