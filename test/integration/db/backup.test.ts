/** Online backups of a database another connection is writing to. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { backupDatabase } from '../../../src/db/backup.ts';
import { lockDatabaseFile } from '../../../src/db/sqlite-database.ts';
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
  // With --file, as the README writes it: without, pg_dump writes the binary dump to the terminal.
  ['a PostgreSQL URL', 'postgres://app:s3cret-pw@127.0.0.1:5432/mockdesign', /PostgreSQL.*pg_dump --format=custom --file=mockdesign-\$\(date \+%F\)\.dump "\$DATABASE_URL"/],
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

function backupCli(target: string, databaseUrl: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', target], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// SQLite said only "Cannot save backup because the directory does not exist": which one, and what to do, unsaid.
it('npm run backup into a folder that does not exist names the folder and how to create it', () => {
  const { dir, db } = live();
  db.close();
  const folder = join(dir, 'missing', 'dir');
  const result = backupCli(join(folder, 'b.db'), join(dir, 'live.db'));
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`Backup failed: The folder ${folder} does not exist. Create it first (mkdir -p ${folder}), then run the backup again.\n`);
  expect(existsSync(join(dir, 'missing'))).toBe(false);
}, 30_000);

it('npm run backup quotes a folder to create that the shell would split', () => {
  const { dir, db } = live();
  db.close();
  const folder = join(dir, "Jo's backups");
  const result = backupCli(join(folder, 'b.db'), join(dir, 'live.db'));
  expect(result.stderr).toContain(`(mkdir -p '${dir}/Jo'\\''s backups')`);
}, 30_000);

// Said "No database at X" alone, where purge also says which variable to set.
it('npm run backup of a database that does not exist says to set DATABASE_URL, as purge does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-backup-'));
  dirs.push(dir);
  const result = backupCli(join(dir, 'b.db'), join(dir, 'missing.db'));
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`Backup failed: No database at ${join(dir, 'missing.db')}. Set DATABASE_URL to the database mockdesign uses.\n`);
  expect(existsSync(join(dir, 'missing.db'))).toBe(false);
}, 30_000);

it('npm run backup of an in-memory database says there is nothing to back up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-backup-'));
  dirs.push(dir);
  const result = backupCli(join(dir, 'b.db'), ':memory:');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('in-memory database: there is nothing to back up. Set DATABASE_URL to the database mockdesign uses.');
}, 30_000);

// Unlike the purge, the backup only reads: it takes no lock, so it runs beside the app that holds the file.
it('npm run backup works while the app holds the database\'s lock', () => {
  const { dir, db } = live();
  const app = lockDatabaseFile(join(dir, 'live.db'));
  try {
    const result = backupCli(join(dir, 'copy.db'), join(dir, 'live.db'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  } finally {
    app();
    db.close();
  }
  expect(existsSync(join(dir, 'copy.db'))).toBe(true);
}, 30_000);
