/**
 * Installations of the app, and the purge of a workspace's data, over plain SQL shared by SQLite and
 * PostgreSQL. Tokens arrive here sealed and leave sealed: sealing and opening belong to the Bolt adapter.
 *
 * Token rotation is guarded by a lock in the row (refresh_owner, refresh_until): one instance at a time may
 * rotate an installation's tokens, and only the holder may store the result. The lock is taken by
 * compare-and-set on the store's clock (the database's in PostgreSQL), so instances whose clocks drift agree,
 * and a holder that died loses it when its time runs out. After a failed refresh the holder lets go but leaves
 * refresh_until at the time of the next attempt (a back-off: refresh_owner NULL, refresh_until in the future),
 * with the count of failures in a row and the kind of the last one, so every instance keeps the same pace.
 */
import { z } from 'zod';
import type { InstallationRecord, InstallationRepository, PurgeCounts, StoredInstallation, WorkspaceTarget } from '../app/ports.ts';
import { nowMs, num, type SqlExecutor } from './sql.ts';
import type { StoreClock } from './step-repository.ts';

const intOrNull = z.preprocess((v) => (v === null ? null : num(v)), z.number().int().nullable());
const int = z.preprocess(num, z.number().int());

const InstallationRow = z.object({
  install_key: z.string(),
  enterprise_id: z.string(),
  team_id: z.string(),
  is_enterprise_install: int,
  app_id: z.string().nullable(),
  bot_id: z.string().nullable(),
  bot_user_id: z.string().nullable(),
  bot_scopes: z.string().nullable(),
  bot_token: z.string(),
  bot_refresh_token: z.string().nullable(),
  bot_token_expires_at: intOrNull,
  installation: z.string(),
  installer_user_id: z.string().nullable(),
  installed_at: int,
  updated_at: int,
  refresh_owner: z.string().nullable(),
  refresh_until: intOrNull,
  refresh_failures: int,
  refresh_error: z.string().nullable(),
});

const COLUMNS = `install_key, enterprise_id, team_id, is_enterprise_install, app_id, bot_id, bot_user_id, bot_scopes, bot_token,
  bot_refresh_token, bot_token_expires_at, installation, installer_user_id, installed_at, updated_at, refresh_owner, refresh_until,
  refresh_failures, refresh_error`;

function toInstallation(row: unknown): StoredInstallation {
  const r = InstallationRow.parse(row);
  return {
    installKey: r.install_key,
    enterpriseId: r.enterprise_id,
    teamId: r.team_id,
    isEnterpriseInstall: r.is_enterprise_install === 1,
    appId: r.app_id,
    botId: r.bot_id,
    botUserId: r.bot_user_id,
    botScopes: r.bot_scopes,
    botToken: r.bot_token,
    botRefreshToken: r.bot_refresh_token,
    botTokenExpiresAt: r.bot_token_expires_at,
    installation: r.installation,
    installerUserId: r.installer_user_id,
    installedAt: r.installed_at,
    updatedAt: r.updated_at,
    refreshOwner: r.refresh_owner,
    refreshUntil: r.refresh_until,
    refreshFailures: r.refresh_failures,
    refreshError: r.refresh_error,
  };
}

/** 'E:<enterprise_id>' for an org-wide install, 'T:<team_id>' otherwise. */
export function installKeyOf(w: { readonly enterpriseId?: string | undefined; readonly teamId?: string | undefined; readonly isEnterpriseInstall: boolean }): string {
  if (w.isEnterpriseInstall) {
    if (!w.enterpriseId) throw new Error('An org-wide installation needs an enterprise id');
    return `E:${w.enterpriseId}`;
  }
  if (!w.teamId) throw new Error('A workspace installation needs a team id');
  return `T:${w.teamId}`;
}

/** The column and id a purge target selects sessions by. */
function sessionsOf(target: WorkspaceTarget): { column: 'team_id' | 'enterprise_id'; id: string } {
  const [column, id] = 'teamId' in target ? (['team_id', target.teamId] as const) : (['enterprise_id', target.enterpriseId] as const);
  // An empty id would match every workspace without an enterprise (or every org-wide install).
  if (typeof id !== 'string' || id.trim() === '') throw new Error('A purge needs a team id or an enterprise id');
  return { column, id };
}

export function createInstallationRepository(db: SqlExecutor, clock: StoreClock): InstallationRepository {
  const d = db.dialect;
  const now = () => (clock ? clock() : null);

  const one = async (sql: string, params: (string | number | null)[]) => {
    const row = await db.get(sql, params);
    return row ? toInstallation(row) : undefined;
  };

  async function counts(target: WorkspaceTarget, remove: boolean): Promise<PurgeCounts> {
    const { column, id } = sessionsOf(target);
    // A team's purge leaves the org-wide install of its enterprise alone; an enterprise's takes every install in it.
    const installs = column === 'team_id' ? 'team_id = $1 AND is_enterprise_install = 0' : 'enterprise_id = $1';
    const rows = async (table: string, where: string) =>
      remove ? db.run(`DELETE FROM ${table} WHERE ${where}`, [id]) : num((await db.get(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, [id]))?.n ?? 0);
    const ofSessions = `session_id IN (SELECT id FROM sessions WHERE ${column} = $1)`;
    // What hangs off a session goes first, so nothing relies on ON DELETE CASCADE being enforced.
    const phases = await rows('session_phases', ofSessions);
    const people = await rows('session_people', ofSessions);
    const notes = await rows('notes', ofSessions);
    const scorecards = await rows('scorecards', ofSessions);
    const steps = await rows('steps', ofSessions);
    const notices = await rows('notices', ofSessions);
    const members = await rows('members', ofSessions);
    const replies = await rows('thread_replies', ofSessions);
    const reminders = await rows('member_reminders', ofSessions);
    const sessions = await rows('sessions', `${column} = $1`);
    const schedules = await rows('schedules', `${column} = $1`);
    const installations = await rows('installations', installs);
    return { sessions, phases, people, notes, scorecards, steps, notices, members, replies, reminders, schedules, installations };
  }

  return {
    async save(r: InstallationRecord) {
      // A re-install replaces every token and drops the refresh lock: a rotation still in flight for the old
      // tokens can then no longer store them over the new ones.
      await db.run(
        `INSERT INTO installations (install_key, enterprise_id, team_id, is_enterprise_install, app_id, bot_id, bot_user_id, bot_scopes,
                                    bot_token, bot_refresh_token, bot_token_expires_at, installation, installer_user_id, installed_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (install_key) DO UPDATE SET
           enterprise_id = excluded.enterprise_id, team_id = excluded.team_id, is_enterprise_install = excluded.is_enterprise_install,
           app_id = excluded.app_id, bot_id = excluded.bot_id, bot_user_id = excluded.bot_user_id, bot_scopes = excluded.bot_scopes,
           bot_token = excluded.bot_token, bot_refresh_token = excluded.bot_refresh_token, bot_token_expires_at = excluded.bot_token_expires_at,
           installation = excluded.installation, installer_user_id = excluded.installer_user_id,
           installed_at = excluded.installed_at, updated_at = excluded.updated_at, refresh_owner = NULL, refresh_until = NULL,
           refresh_failures = 0, refresh_error = NULL`,
        [
          r.installKey, r.enterpriseId, r.teamId, r.isEnterpriseInstall ? 1 : 0, r.appId, r.botId, r.botUserId, r.botScopes,
          r.botToken, r.botRefreshToken, r.botTokenExpiresAt, r.installation, r.installerUserId, r.installedAt, r.updatedAt,
        ],
      );
    },

    findByKey(installKey) {
      return one(`SELECT ${COLUMNS} FROM installations WHERE install_key = $1`, [installKey]);
    },

    findForTeam({ enterpriseId, teamId }) {
      // 'T:…' sorts after 'E:…': the team's own install wins over the org-wide one.
      return one(`SELECT ${COLUMNS} FROM installations WHERE install_key IN ($1, $2) ORDER BY install_key DESC LIMIT 1`, [
        teamId ? `T:${teamId}` : null,
        enterpriseId ? `E:${enterpriseId}` : null,
      ]);
    },

    async updateInstallation(installKey, installation, at) {
      return (await db.run('UPDATE installations SET installation = $2, updated_at = $3 WHERE install_key = $1', [installKey, installation, at])) === 1;
    },

    async delete(installKey) {
      return (await db.run('DELETE FROM installations WHERE install_key = $1', [installKey])) === 1;
    },

    deleteTeam(workspace) {
      return db.run('DELETE FROM installations WHERE install_key = $1', [installKeyOf(workspace)]);
    },

    async tryLockRefresh(installKey, owner, leaseMs) {
      const changed = await db.run(
        `UPDATE installations SET refresh_owner = $2, refresh_until = ${nowMs(d, 4)} + $3
          WHERE install_key = $1 AND (refresh_until IS NULL OR refresh_until <= ${nowMs(d, 4)})`,
        [installKey, owner, Math.max(0, Math.round(leaseMs)), now()],
      );
      return changed === 1;
    },

    async unlockRefresh(installKey, owner) {
      await db.run('UPDATE installations SET refresh_owner = NULL, refresh_until = NULL WHERE install_key = $1 AND refresh_owner = $2', [installKey, owner]);
    },

    async backOffRefresh(installKey, owner, failure, retryInMs) {
      const changed = await db.run(
        `UPDATE installations SET refresh_owner = NULL, refresh_until = ${nowMs(d, 6)} + $5, refresh_failures = $3, refresh_error = $4
          WHERE install_key = $1 AND refresh_owner = $2`,
        [installKey, owner, failure.failures, failure.error, Math.max(0, Math.round(retryInMs)), now()],
      );
      return changed === 1;
    },

    async replaceTokens(installKey, owner, tokens, at) {
      // Guarded by the owner only: a holder whose time ran out may still store what it got from Slack, unless
      // another instance took the lock over (or a re-install cleared it) in the meantime.
      const changed = await db.run(
        `UPDATE installations SET bot_token = $3, bot_refresh_token = $4, bot_token_expires_at = $5, updated_at = $6,
                                  refresh_failures = 0, refresh_error = NULL
          WHERE install_key = $1 AND refresh_owner = $2`,
        [installKey, owner, tokens.botToken, tokens.botRefreshToken, tokens.botTokenExpiresAt, at],
      );
      return changed === 1;
    },

    workspaceCounts(target) {
      return counts(target, false);
    },

    purgeWorkspace(target) {
      return counts(target, true);
    },
  };
}
