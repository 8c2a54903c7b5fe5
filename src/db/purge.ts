/**
 * `npm run purge -- <team or enterprise id>`: deletes one workspace's data (a data-protection request, or
 * after an uninstall): its sessions with their phases, people, notes, scorecards, schedule and notices, and its
 * installations with their tokens, in one transaction. Without `--yes` it only counts what it would delete.
 *
 * On SQLite the purge takes the same lock as the app: one process per SQLite file. While mockdesign runs on
 * that file the purge is refused (stop the app, purge, start it again); that also stops the app from starting
 * half-way through a purge. On PostgreSQL it runs next to the instances: a post in flight for a session that
 * is purged finds its rows gone and records nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PurgeCounts, Store, WorkspaceTarget } from '../app/ports.ts';
import { ACCEPTED_DATABASES, databaseFrom } from '../config.ts';
import { PACKAGE_ROOT } from '../paths.ts';
import { listMigrations } from './migrate.ts';
import { DatabaseUnusableError, openDatabase } from './open-database.ts';
import { openPostgres, redactUrl } from './postgres-database.ts';
import { createSqliteDatabase, lockDatabaseFile } from './sqlite-database.ts';
import { createStore } from './store.ts';

export const PURGE_USAGE = `Usage: npm run purge -- <id> [--yes]
  <id>   a Slack team (workspace) id, T…, or an enterprise (org) id, E…: the enterprise's every workspace
  --yes  delete; without it, only count what would be deleted`;

/** A mistake in the command line: the usage is printed with it. */
export class PurgeUsageError extends Error {
  override readonly name = 'PurgeUsageError';
}

export interface PurgeRequest {
  readonly target: WorkspaceTarget;
  /** 'team T123' or 'enterprise E123', for messages. */
  readonly label: string;
  readonly yes: boolean;
}

/** Slack ids: a capital letter for the kind, then capitals and digits. */
const SLACK_ID = /^[TE][A-Z0-9]{2,}$/;

export function parsePurgeArgs(argv: readonly string[]): PurgeRequest {
  let yes = false;
  const ids: string[] = [];
  for (const arg of argv) {
    if (arg === '--yes' || arg === '-y') yes = true;
    else if (arg.startsWith('-')) throw new PurgeUsageError(`Unknown option ${arg}.`);
    else ids.push(arg.trim());
  }
  if (ids.length === 0) throw new PurgeUsageError('Name the workspace (team id T…) or enterprise (E…) to purge.');
  if (ids.length > 1) throw new PurgeUsageError(`One id at a time (got ${ids.length}: ${ids.join(', ')}).`);
  const id = ids[0] ?? '';
  if (!SLACK_ID.test(id)) {
    throw new PurgeUsageError(`"${id}" is not a Slack team id (T…) or enterprise id (E…). Find it in the app's logs (team, enterprise) or in Slack's workspace settings.`);
  }
  return id.startsWith('T') ? { target: { teamId: id }, label: `team ${id}`, yes } : { target: { enterpriseId: id }, label: `enterprise ${id}`, yes };
}

const LABELS: Record<keyof PurgeCounts, [string, string]> = {
  sessions: ['session', 'sessions'],
  phases: ['phase', 'phases'],
  people: ['participant', 'participants'],
  notes: ['note', 'notes'],
  scorecards: ['scorecard', 'scorecards'],
  steps: ['scheduled post', 'scheduled posts'],
  notices: ['notice', 'notices'],
  members: ['study group member', 'study group members'],
  replies: ['thread reply count', 'thread reply counts'],
  reminders: ['reminder record', 'reminder records'],
  schedules: ['recurring session', 'recurring sessions'],
  installations: ['installation (with its tokens)', 'installations (with their tokens)'],
};

export function describeCounts(counts: PurgeCounts): string {
  return (Object.keys(LABELS) as (keyof PurgeCounts)[]).map((k) => `${counts[k]} ${LABELS[k][counts[k] === 1 ? 0 : 1]}`).join(', ');
}

export const totalOf = (counts: PurgeCounts) => Object.values(counts).reduce((a: number, b: number) => a + b, 0);

/** Counts (without `yes`) or deletes, in one transaction, the target's rows. */
export async function runPurge(store: Store, target: WorkspaceTarget, options: { yes: boolean }): Promise<{ counts: PurgeCounts; deleted: boolean }> {
  if (!options.yes) return { counts: await store.installations.workspaceCounts(target), deleted: false };
  return { counts: await store.transaction((tx) => tx.installations.purgeWorkspace(target)), deleted: true };
}

const MIGRATIONS = { sqlite: join(PACKAGE_ROOT, 'migrations', 'sqlite'), postgres: join(PACKAGE_ROOT, 'migrations', 'postgres') };

function checkVersion(current: number, kind: 'sqlite' | 'postgres', where: string): void {
  const latest = listMigrations(MIGRATIONS[kind]).at(-1)?.version ?? 0;
  // The purge changes no schema: an older one is migrated by the app on its next start, a newer one is not ours.
  if (current < latest) {
    throw new DatabaseUnusableError(`The database at ${where} is at schema version ${current}; this mockdesign expects ${latest}. Start mockdesign once (it migrates on start), then run the purge again.`);
  }
  if (current > latest) {
    throw new DatabaseUnusableError(`The database at ${where} is at schema version ${current}, written by a newer mockdesign (this one knows up to ${latest}). Run the purge from that version.`);
  }
}

/** Opens the database in DATABASE_URL for a purge: never creates one, and on SQLite takes the app's lock. */
export async function openForPurge(databaseUrl: string): Promise<{ store: Store; where: string; close(): Promise<void> }> {
  const target = databaseFrom(databaseUrl);
  if (!target) throw new DatabaseUnusableError(`DATABASE_URL is not a database mockdesign can use. Accepted: ${ACCEPTED_DATABASES}`);
  if (target.kind === 'postgres') {
    const where = redactUrl(target.url);
    const db = await openPostgres(target.url, { poolSize: 2 });
    try {
      const row = await db.get("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok");
      const version = row?.ok ? Number((await db.get('SELECT coalesce(max(version), 0) AS v FROM schema_migrations'))?.v ?? 0) : 0;
      checkVersion(version, 'postgres', where);
    } catch (error) {
      await db.close();
      throw error;
    }
    return { store: createStore(db, null), where, close: () => db.close() };
  }
  const path = target.path;
  if (path === ':memory:') throw new DatabaseUnusableError('DATABASE_URL names an in-memory database: there is nothing to purge.');
  if (!existsSync(path)) throw new DatabaseUnusableError(`No database at ${path}. Set DATABASE_URL to the database mockdesign uses.`);
  // The app's own lock: refused (DatabaseLockedError) while mockdesign runs on this file.
  const unlock = lockDatabaseFile(path);
  let raw;
  try {
    raw = openDatabase(path);
    checkVersion(Number(raw.pragma('user_version', { simple: true })), 'sqlite', path);
  } catch (error) {
    raw?.close();
    unlock();
    throw error;
  }
  const db = createSqliteDatabase(raw);
  return {
    store: createStore(db, () => Date.now()),
    where: path,
    async close() {
      await db.close();
      unlock();
    },
  };
}
