/** Opening and migrating the database: pragmas, idempotence, and the refusals that keep data safe. */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../../src/db/migrate.ts';
import { DatabaseUnusableError, openDatabase } from '../../../src/db/open-database.ts';
import { createSqliteDatabase } from '../../../src/db/sqlite-database.ts';
import { MIGRATIONS_DIR } from '../../support/test-db.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(name = 'm.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-db-'));
  dirs.push(dir);
  return join(dir, name);
}

describe('openDatabase', () => {
  it('creates the folder and sets WAL, synchronous NORMAL, foreign keys and a busy timeout', () => {
    const file = join(tempFile(), 'nested', 'deeper.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  // SQLite names its temporary files etilqs_… and unlinks them at once: an open one shows among our descriptors.
  it.runIf(existsSync('/proc/self/fd'))('keeps a group commit\'s savepoint journal in memory: no temporary file, however much a transaction rewrites', async () => {
    const raw = openDatabase(tempFile());
    raw.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT');
    const insert = raw.prepare('INSERT INTO blobs (body) VALUES (?)');
    for (let i = 0; i < 64; i++) insert.run('a'.repeat(4000));
    const db = createSqliteDatabase(raw);
    const temporaryFiles = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).includes('etilqs_');
      } catch {
        return false;
      }
    });
    let seen: string[] = [];
    // Two transactions queued in one turn: one group, each under a savepoint; the second rewrites some 256 KiB.
    await Promise.all([
      db.transaction(async (tx) => tx.run("UPDATE blobs SET body = 'b' WHERE id = 1")),
      db.transaction(async (tx) => {
        await tx.run("UPDATE blobs SET body = replace(body, 'a', 'c')");
        seen = temporaryFiles();
      }),
    ]);
    expect(seen).toEqual([]);
    expect(raw.prepare("SELECT count(*) FROM blobs WHERE body LIKE 'c%'").pluck().get()).toBe(63);
    await db.close();
  });

  // A file the app may read but not write (restored by root with `cp`, say): SQLite opened it read-only without a
  // word, the app started and answered /healthz, and then every write failed.
  it('refuses a file it cannot write, naming it, rather than starting read-only', (ctx) => {
    const file = tempFile();
    const db = openDatabase(file);
    migrate(db, MIGRATIONS_DIR);
    db.close();
    chmodSync(file, 0o444);
    // Root writes through permissions; an immutable file it cannot (where chattr is allowed).
    let immutable = false;
    const writable = () => {
      try {
        closeSync(openSync(file, 'r+'));
        return true;
      } catch {
        return false;
      }
    };
    if (writable()) {
      try {
        execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
        immutable = true;
      } catch {
        // not allowed here
      }
    }
    try {
      if (writable()) ctx.skip('this user can write any file here');
      expect(() => openDatabase(file)).toThrow(DatabaseUnusableError);
      expect(() => openDatabase(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not writable by the user mockdesign runs as`));
    } finally {
      if (immutable) execFileSync('chattr', ['-i', file]);
      chmodSync(file, 0o644);
    }
  });

  it('refuses a corrupt file with one clear message', () => {
    const file = tempFile();
    writeFileSync(file, Buffer.from('this is not a database, just some bytes'.repeat(200)));
    expect(() => openDatabase(file)).toThrow(DatabaseUnusableError);
    expect(() => openDatabase(file)).toThrow(/Cannot use the database at .*restore it from a backup/);
  });
});

describe('migrate', () => {
  it('applies every migration once, in a transaction with its version', () => {
    const db = openDatabase(tempFile());
    const latest = listMigrations(MIGRATIONS_DIR).at(-1)?.version;
    expect(migrate(db, MIGRATIONS_DIR)).toBe(latest);
    expect(migrate(db, MIGRATIONS_DIR)).toBe(latest);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name)).toEqual(['installations', 'member_reminders', 'members', 'notes', 'notices', 'processed_requests', 'schedules', 'scorecards', 'session_people', 'session_phases', 'sessions', 'steps', 'thread_replies']);
    for (const t of tables) expect(t.sql).toMatch(/\) STRICT$/);
    db.close();
  });

  it('refuses a database written by a newer version, naming both versions', () => {
    const db = openDatabase(tempFile());
    db.pragma('user_version = 999');
    expect(() => migrate(db, MIGRATIONS_DIR)).toThrow(DatabaseUnusableError);
    expect(() => migrate(db, MIGRATIONS_DIR)).toThrow(/schema version 999.*knows only up to \d+/);
    db.close();
  });

  it('rolls back a failing migration whole, leaving the version where it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockdesign-migrations-'));
    dirs.push(dir);
    writeFileSync(join(dir, '0001_ok.sql'), 'CREATE TABLE a (x INTEGER) STRICT;');
    writeFileSync(join(dir, '0002_broken.sql'), 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);');
    const db = openDatabase(':memory:');
    expect(() => migrate(db, dir)).toThrow(/no such table: nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    db.close();
  });

  it('rejects values of the wrong type (STRICT tables)', () => {
    const db = openDatabase(':memory:');
    migrate(db, MIGRATIONS_DIR);
    expect(() =>
      db
        .prepare("INSERT INTO sessions (id, team_id, channel_id, host_id, topic, status, created_at, ends_at, updated_at) VALUES ('s', 'T', 'C', 'U', 't', 'running', 'soon', 1, 1)")
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });
});
