/** Recurring sessions' schedules, over plain SQL shared by SQLite and PostgreSQL. */
import { z } from 'zod';
import type { NewSchedule, Schedule, ScheduleRepository } from '../app/ports.ts';
import type { Workspace } from '../domain/session.ts';
import { num, type Row, type SqlExecutor, limitParam } from './sql.ts';

/** The first key of the channel locks taken while a schedule is created (the two-key advisory lock space). */
const SCHEDULE_LOCK_CLASS = 1_936_876_910;

const int = z.preprocess(num, z.number().int());
const intOrNull = z.preprocess((v) => (v === null ? null : num(v)), z.number().int().nullable());

const ScheduleRow = z.object({
  id: z.string(),
  team_id: z.string(),
  enterprise_id: z.string(),
  channel_id: z.string(),
  created_by: z.string(),
  expression: z.string(),
  tz: z.string(),
  plan: z.string(),
  is_async: int,
  next_at: int,
  last_at: intOrNull,
  last_local: z.string().nullable(),
  created_at: int,
});

const COLUMNS = 'id, team_id, enterprise_id, channel_id, created_by, expression, tz, plan, is_async, next_at, last_at, last_local, created_at';

function toSchedule(row: Row): Schedule {
  const r = ScheduleRow.parse(row);
  return {
    id: r.id,
    teamId: r.team_id,
    enterpriseId: r.enterprise_id,
    channelId: r.channel_id,
    createdBy: r.created_by,
    expression: r.expression,
    tz: r.tz,
    plan: r.plan.split(',').map(Number),
    isAsync: r.is_async === 1,
    nextAt: r.next_at,
    lastAt: r.last_at,
    lastLocal: r.last_local,
    createdAt: r.created_at,
  };
}

export function createScheduleRepository(db: SqlExecutor): ScheduleRepository {
  const insert = async (s: NewSchedule) => {
    await db.run(
      `INSERT INTO schedules (id, team_id, enterprise_id, channel_id, created_by, expression, tz, plan, is_async, next_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [s.id, s.teamId, s.enterpriseId, s.channelId, s.createdBy, s.expression, s.tz, s.plan.join(','), s.isAsync ? 1 : 0, s.nextAt, s.createdAt],
    );
  };
  return {
    create: insert,

    async createWithin(s: NewSchedule, limit: number) {
      // A count, then an insert: under PostgreSQL's READ COMMITTED two transactions could both count one below the
      // limit, so the channel is locked for the transaction first (SQLite's transactions already take turns).
      if (db.dialect === 'postgres') await db.run('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SCHEDULE_LOCK_CLASS, `${s.teamId}:${s.enterpriseId}:${s.channelId}`]);
      const row = await db.get('SELECT count(*) AS n FROM schedules WHERE channel_id = $1 AND team_id = $2 AND enterprise_id = $3 AND deleted_at IS NULL', [s.channelId, s.teamId, s.enterpriseId]);
      if (num(row?.n) >= limit) return false;
      await insert(s);
      return true;
    },

    async inChannel(workspace: Workspace, channelId: string) {
      const rows = await db.all(
        `SELECT ${COLUMNS} FROM schedules WHERE channel_id = $1 AND team_id = $2 AND enterprise_id = $3 AND deleted_at IS NULL ORDER BY next_at, id`,
        [channelId, workspace.teamId, workspace.enterpriseId],
      );
      return rows.map(toSchedule);
    },

    async createdBy(workspace: Workspace, userId: string, limit = 10) {
      const rows = await db.all(
        `SELECT ${COLUMNS} FROM schedules WHERE created_by = $1 AND team_id = $2 AND enterprise_id = $3 AND deleted_at IS NULL ORDER BY next_at, id ${limitParam(4)}`,
        [userId, workspace.teamId, workspace.enterpriseId, limit],
      );
      return rows.map(toSchedule);
    },

    async find(id: string) {
      const row = await db.get(`SELECT ${COLUMNS} FROM schedules WHERE id = $1 AND deleted_at IS NULL`, [id]);
      return row ? toSchedule(row) : undefined;
    },

    async remove(id: string, at: number) {
      return (await db.run('UPDATE schedules SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL', [at, id])) === 1;
    },

    async removeInWorkspace(workspace: Workspace, at: number) {
      return db.run('UPDATE schedules SET deleted_at = $1 WHERE team_id = $2 AND enterprise_id = $3 AND deleted_at IS NULL', [at, workspace.teamId, workspace.enterpriseId]);
    },

    async teamsWithSchedules(enterpriseId: string) {
      const rows = await db.all('SELECT DISTINCT team_id FROM schedules WHERE enterprise_id = $1 AND deleted_at IS NULL ORDER BY team_id', [enterpriseId]);
      return rows.map((r) => String(r.team_id));
    },

    async removeInChannel(workspace: Workspace, channelId: string, createdBy: string, at: number) {
      const where = 'channel_id = $1 AND team_id = $2 AND enterprise_id = $3 AND created_by = $4 AND deleted_at IS NULL';
      const params = [channelId, workspace.teamId, workspace.enterpriseId, createdBy];
      const ids = (await db.all(`SELECT id FROM schedules WHERE ${where} ORDER BY created_at, id`, params)).map((r) => String(r.id));
      // By id: exactly the schedules named to the caller, not one created meanwhile.
      if (ids.length > 0) await db.run(`UPDATE schedules SET deleted_at = $1 WHERE deleted_at IS NULL AND id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})`, [at, ...ids]);
      return ids;
    },

    async due(now: number, limit: number) {
      const rows = await db.all(`SELECT ${COLUMNS} FROM schedules WHERE next_at <= $1 AND deleted_at IS NULL ORDER BY next_at ${limitParam(2)}`, [now, limit]);
      return rows.map(toSchedule);
    },

    async advance(id: string, expectedNextAt: number, nextAt: number | null, firedAt: number, firedLocal: string) {
      // Compare-and-set on next_at: of several instances seeing the same occurrence due, one moves it on.
      const changed = await db.run(
        nextAt === null
          ? 'UPDATE schedules SET deleted_at = $3, last_at = $3, last_local = $4 WHERE id = $1 AND next_at = $2 AND deleted_at IS NULL'
          : 'UPDATE schedules SET next_at = $5, last_at = $3, last_local = $4 WHERE id = $1 AND next_at = $2 AND deleted_at IS NULL',
        nextAt === null ? [id, expectedNextAt, firedAt, firedLocal] : [id, expectedNextAt, firedAt, firedLocal, nextAt],
      );
      return changed === 1;
    },

    async firstSkipNotice(id: string, at: number) {
      // Set once: of several instances skipping occurrences of the schedule, one tells its creator.
      return (await db.run('UPDATE schedules SET skip_noticed_at = $1 WHERE id = $2 AND skip_noticed_at IS NULL', [at, id])) === 1;
    },

    async countsByChannel(workspace: Workspace, userId: string) {
      const rows = await db.all(
        `SELECT channel_id, count(*) AS n FROM schedules WHERE created_by = $1 AND team_id = $2 AND enterprise_id = $3 AND deleted_at IS NULL
          GROUP BY channel_id ORDER BY min(next_at), channel_id`,
        [userId, workspace.teamId, workspace.enterpriseId],
      );
      return rows.map((r) => ({ channelId: String(r.channel_id), count: num(r.n) }));
    },

    async nextDue() {
      const row = await db.get('SELECT min(next_at) AS t FROM schedules WHERE deleted_at IS NULL', []);
      return row?.t === null || row?.t === undefined ? undefined : num(row.t);
    },
  };
}
