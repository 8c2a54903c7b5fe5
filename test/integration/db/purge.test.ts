/**
 * `npm run purge -- <team or enterprise id>`: the arguments, the count-then-delete on both databases, and the
 * script itself against a SQLite file and a PostgreSQL database, including its refusal while the app holds
 * the SQLite file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { PurgeCounts, Store } from '../../../src/app/ports.ts';
import { DatabaseUnusableError } from '../../../src/db/open-database.ts';
import { openPostgres } from '../../../src/db/postgres-database.ts';
import { describeCounts, openForPurge, parsePurgeArgs, PurgeUsageError, runPurge } from '../../../src/db/purge.ts';
import { createSqliteDatabase, DatabaseLockedError, lockDatabaseFile } from '../../../src/db/sqlite-database.ts';
import { createStore } from '../../../src/db/store.ts';
import { describePg, withPgDatabase } from '../../support/pg.ts';
import { openTestDb } from '../../support/test-db.ts';
import { MIN, newSession, seed, STORES, T0, useStore } from './stores.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-purge-'));
  dirs.push(dir);
  return dir;
};

const T1_COUNTS: PurgeCounts = { sessions: 1, phases: 4, people: 3, notes: 1, scorecards: 1, steps: 10, notices: 0, members: 0, replies: 0, reminders: 0, schedules: 1, installations: 1 };

/** T1AB with one session, a note, a scorecard and an install; T2AB with one session; E1AB with an org-wide install. */
async function world(store: Store): Promise<void> {
  await seed(store, newSession({ id: 'a', teamId: 'T1AB' }), newSession({ id: 'b', teamId: 'T2AB' }));
  await store.sessions.addNote({ sessionId: 'a', phaseIndex: 0, kind: 'requirement', authorId: 'U3', text: 'personal data', createdAt: T0 + MIN, dedupeKey: null });
  await store.schedules.create({
    id: 'sch1',
    teamId: 'T1AB',
    enterpriseId: '',
    channelId: 'C1',
    createdBy: 'U1',
    expression: '0 18 * * 2',
    tz: 'UTC',
    plan: [MIN, MIN, MIN, MIN],
    isAsync: false,
    nextAt: T0 + 7 * 24 * 60 * MIN,
    createdAt: T0,
  });
  await store.scorecards.save('a', {
    scorerId: 'U2', role: 'interviewer', scores: { communication: { score: 2, evidence: 'personal data' } }, redFlags: [], strengths: '', improvements: '', submittedAt: T0 + MIN, updatedAt: T0 + MIN,
  });
  const base = { enterpriseId: '', isEnterpriseInstall: false, appId: 'A1', botId: 'B1', botUserId: 'UB', botScopes: 'commands', botRefreshToken: null, botTokenExpiresAt: null, installerUserId: 'U1', installedAt: T0, updatedAt: T0 };
  await store.installations.save({ ...base, installKey: 'T:T1AB', teamId: 'T1AB', botToken: 'sealed', installation: 'sealed' });
  await store.installations.save({ ...base, installKey: 'E:E1AB', enterpriseId: 'E1AB', teamId: '', isEnterpriseInstall: true, botToken: 'sealed', installation: 'sealed' });
}

/** Runs the script as `npm run purge` would, from its sources (in the project's folder unless `cwd` says otherwise). */
function purgeCli(args: string[], env: Record<string, string>, cwd = ROOT) {
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts', 'purge.ts'), ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('parsePurgeArgs', () => {
  it('takes one team (T…) or enterprise (E…) id and an optional --yes', () => {
    expect(parsePurgeArgs(['T0123ABC'])).toEqual({ target: { teamId: 'T0123ABC' }, label: 'team T0123ABC', yes: false });
    expect(parsePurgeArgs(['--yes', 'E0456'])).toEqual({ target: { enterpriseId: 'E0456' }, label: 'enterprise E0456', yes: true });
    expect(parsePurgeArgs(['T1X', '-y']).yes).toBe(true);
  });

  it('refuses anything else with a message saying what it wants', () => {
    expect(() => parsePurgeArgs([])).toThrow(PurgeUsageError);
    expect(() => parsePurgeArgs([])).toThrow(/Name the workspace/);
    expect(() => parsePurgeArgs(['T1A', 'T2B'])).toThrow(/One id at a time/);
    expect(() => parsePurgeArgs(['T1A', '--force'])).toThrow(/Unknown option --force/);
    for (const bad of ['C0123', 't0123', 'T', 'T1', 'T-12', '*', "T1' OR 1=1", ''])
      expect(() => parsePurgeArgs([bad]), bad).toThrow(/is not a Slack team id \(T…\) or enterprise id \(E…\)/);
  });

  it('describes counts in words', () => {
    expect(describeCounts(T1_COUNTS)).toBe('1 session, 4 phases, 3 participants, 1 note, 1 scorecard, 10 scheduled posts, 0 notices, 0 study group members, 0 thread reply counts, 0 reminder records, 1 recurring session, 1 installation (with its tokens)');
  });
});

describe.each(STORES)('$name store: purge', (factory) => {
  const h = useStore(factory);

  it('counts without --yes and deletes nothing; with --yes deletes in one transaction and counts what went', async () => {
    const { store } = h();
    await world(store);
    expect(await runPurge(store, { teamId: 'T1AB' }, { yes: false })).toEqual({ counts: T1_COUNTS, deleted: false });
    expect(await store.sessions.find('a')).toBeDefined();
    expect(await store.installations.findByKey('T:T1AB')).toBeDefined();
    expect(await runPurge(store, { teamId: 'T1AB' }, { yes: true })).toEqual({ counts: T1_COUNTS, deleted: true });
    expect(await store.sessions.find('a')).toBeUndefined();
    expect(await store.sessions.notes('a')).toEqual([]);
    expect(await store.scorecards.forSession('a')).toEqual([]);
    expect(await store.steps.ofSession('a')).toEqual([]);
    expect(await store.schedules.find('sch1')).toBeUndefined();
    expect(await store.installations.findByKey('T:T1AB')).toBeUndefined();
    // Another workspace, and the enterprise install, stay.
    expect(await store.sessions.find('b')).toBeDefined();
    expect(await store.steps.ofSession('b')).toHaveLength(10);
    expect(await store.installations.findByKey('E:E1AB')).toBeDefined();
    expect((await runPurge(store, { enterpriseId: 'E1AB' }, { yes: true })).counts).toEqual({ sessions: 0, phases: 0, people: 0, notes: 0, scorecards: 0, steps: 0, notices: 0, members: 0, replies: 0, reminders: 0, schedules: 0, installations: 1 });
  });
});

describe('openForPurge', () => {
  it('refuses a SQLite file the app holds, and takes the same lock itself while it works', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.db');
    openTestDb(path).close();
    const app = lockDatabaseFile(path);
    await expect(openForPurge(path)).rejects.toThrow(DatabaseLockedError);
    await expect(openForPurge(path)).rejects.toThrow(/Another mockdesign process is already using/);
    app();
    const opened = await openForPurge(`sqlite:${path}`);
    expect(opened.where).toBe(path);
    // The app cannot start on the file while the purge holds it.
    expect(() => lockDatabaseFile(path)).toThrow(DatabaseLockedError);
    await opened.close();
    lockDatabaseFile(path)();
  });

  it('never creates a database, and refuses one at another schema version', async () => {
    const dir = tempDir();
    await expect(openForPurge(join(dir, 'missing.db'))).rejects.toThrow(/No database at/);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
    await expect(openForPurge(':memory:')).rejects.toThrow(/in-memory/);
    await expect(openForPurge('mysql://u:secretpw@h/db')).rejects.toThrow(DatabaseUnusableError);
    await expect(openForPurge('mysql://u:secretpw@h/db')).rejects.not.toThrow(/secretpw/);
    const old = new Database(join(dir, 'old.db'));
    old.pragma('user_version = 1');
    old.close();
    await expect(openForPurge(join(dir, 'old.db'))).rejects.toThrow(/schema version 1; this mockdesign expects \d+\. Start mockdesign once/);
    const newer = new Database(join(dir, 'newer.db'));
    newer.pragma('user_version = 999');
    newer.close();
    await expect(openForPurge(join(dir, 'newer.db'))).rejects.toThrow(/written by a newer mockdesign/);
    // The lock is given back after a refusal.
    lockDatabaseFile(join(dir, 'old.db'))();
  });
});

describe('the purge script', () => {
  it('on a SQLite file: shows the counts and deletes nothing without --yes, deletes with it, refuses while the app runs', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.db');
    const sql = createSqliteDatabase(openTestDb(path));
    await world(createStore(sql, () => T0));
    await sql.close();
    const env = { DATABASE_URL: path };

    const usage = purgeCli([], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run purge -- <id> [--yes]');

    const nothing = purgeCli(['T9AB'], env);
    expect(nothing.stdout).toContain(`Nothing stored for team T9AB in ${path}.`);
    expect(nothing.code).toBe(0);

    // The app's start-up advice (its own DATABASE_URL, or PostgreSQL) would have the purge run elsewhere.
    const app = lockDatabaseFile(path);
    const refused = purgeCli(['T2AB', '--yes'], env);
    app();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Purge failed: mockdesign is running on ${path} (or another purge is), and a SQLite database takes one process at a time. Stop the app first`);
    expect(refused.stderr).toContain('then run the purge again');
    expect(refused.stderr).not.toMatch(/its own DATABASE_URL|PostgreSQL/);

    const dry = purgeCli(['T1AB'], env);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain(`Would delete for team T1AB from ${path}: ${describeCounts(T1_COUNTS)}.`);
    expect(dry.stdout).toContain('Nothing was deleted. To delete these rows, run: npm run purge -- T1AB --yes');

    const done = purgeCli(['T1AB', '--yes'], env);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Deleted for team T1AB from ${path}: ${describeCounts(T1_COUNTS)}.`);
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT count(*) FROM sessions WHERE team_id = 'T1AB'").pluck().get()).toBe(0);
    expect(after.prepare("SELECT count(*) FROM notes WHERE body = 'personal data'").pluck().get()).toBe(0);
    expect(after.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    expect(after.prepare('SELECT install_key FROM installations').pluck().all()).toEqual(['E:E1AB']);
    after.close();
  }, 120_000);

  it('refuses an empty DATABASE_URL as the app does, rather than purging ./data/mockdesign.db', async () => {
    const dir = tempDir();
    const sql = createSqliteDatabase(openTestDb(join(dir, 'data', 'mockdesign.db')));
    await world(createStore(sql, () => T0));
    await sql.close();
    const refused = purgeCli(['T1AB', '--yes'], { DATABASE_URL: '' }, dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Purge failed: DATABASE_URL is empty');
    const after = new Database(join(dir, 'data', 'mockdesign.db'), { readonly: true });
    expect(after.prepare("SELECT count(*) FROM sessions WHERE team_id = 'T1AB'").pluck().get()).toBe(1);
    after.close();
  }, 60_000);

  describePg('on PostgreSQL', () => {
    it('deletes the workspace next to running instances, other workspaces untouched', async () => {
      const pg = await withPgDatabase({ migrate: true });
      try {
        const db = await openPostgres(pg.url);
        const store = createStore(db, () => T0);
        await seed(store, newSession({ id: 'a', teamId: 'T1AB' }), newSession({ id: 'b', teamId: 'T2AB' }));
        const done = purgeCli(['T1AB', '--yes'], { DATABASE_URL: pg.url });
        expect(done.stderr).toBe('');
        expect(done.code).toBe(0);
        expect(done.stdout).toMatch(/Deleted for team T1AB from postgres:\/\/.*: 1 session, 4 phases, 2 participants, 0 notes, 0 scorecards, 10 scheduled posts/);
        expect(await store.sessions.find('a')).toBeUndefined();
        expect(await store.sessions.find('b')).toBeDefined();
        await db.close();
      } finally {
        await pg.drop();
      }
    }, 120_000);
  });
});
