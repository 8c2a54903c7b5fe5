/** Members of async sessions, their thread replies and the reminders they were sent, over SQL shared by SQLite and PostgreSQL. */
import { z } from 'zod';
import type { MemberRepository } from '../app/ports.ts';
import type { Member } from '../domain/reminders.ts';
import { num, type SqlExecutor } from './sql.ts';

const int = z.preprocess(num, z.number().int());
const intOrNull = z.preprocess((v) => (v === null ? null : num(v)), z.number().int().nullable());

const MemberRow = z.object({ user_id: z.string(), tz: z.string().nullable(), joined_at: int, left_at: intOrNull, muted_at: intOrNull });
const UserRow = z.object({ user_id: z.string() });
const ContributionRow = z.object({ phase_idx: int, user_id: z.string() });

export function createMemberRepository(db: SqlExecutor): MemberRepository {
  return {
    async join(sessionId, userId, tz, at) {
      // Joining again after leaving starts over from now; the time zone is refreshed; a mute stays.
      const changed = await db.run(
        `INSERT INTO members (session_id, user_id, tz, joined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id, user_id) DO UPDATE SET left_at = NULL, joined_at = excluded.joined_at, tz = coalesce(excluded.tz, members.tz)
          WHERE members.left_at IS NOT NULL`,
        [sessionId, userId, tz, at],
      );
      return changed === 1;
    },

    async leave(sessionId, userId, at) {
      return (await db.run('UPDATE members SET left_at = $3 WHERE session_id = $1 AND user_id = $2 AND left_at IS NULL', [sessionId, userId, at])) === 1;
    },

    async mute(sessionId, userId, at) {
      return (await db.run('UPDATE members SET muted_at = $3 WHERE session_id = $1 AND user_id = $2 AND muted_at IS NULL', [sessionId, userId, at])) === 1;
    },

    async list(sessionId) {
      const rows = await db.all('SELECT user_id, tz, joined_at, left_at, muted_at FROM members WHERE session_id = $1 ORDER BY joined_at, user_id', [sessionId]);
      return rows.map((row): Member => {
        const r = MemberRow.parse(row);
        return { userId: r.user_id, tz: r.tz, joinedAt: r.joined_at, leftAt: r.left_at, mutedAt: r.muted_at };
      });
    },

    async recordReply(sessionId, userId, phaseIndex, ts, at) {
      // Message ts values of one channel sort as text: a reply at or before the last one counted is a repeat.
      const changed = await db.run(
        `INSERT INTO thread_replies (session_id, user_id, phase_idx, replies, first_at, last_ts) VALUES ($1, $2, $3, 1, $4, $5)
         ON CONFLICT (session_id, user_id, phase_idx) DO UPDATE SET replies = thread_replies.replies + 1, last_ts = excluded.last_ts
          WHERE thread_replies.last_ts < excluded.last_ts`,
        [sessionId, userId, phaseIndex, at, ts],
      );
      return changed === 1;
    },

    async contributors(sessionId, phaseIndex) {
      const rows = await db.all(
        `SELECT user_id FROM (
           SELECT author_id AS user_id, created_at AS at FROM notes WHERE session_id = $1 AND phase_idx = $2 AND deleted_at IS NULL
           UNION ALL
           SELECT user_id, first_at AS at FROM thread_replies WHERE session_id = $1 AND phase_idx = $2
         ) c GROUP BY user_id ORDER BY min(at), user_id`,
        [sessionId, phaseIndex],
      );
      return rows.map((r) => UserRow.parse(r).user_id);
    },

    async contributions(sessionId) {
      const rows = await db.all(
        `SELECT DISTINCT phase_idx, user_id FROM (
           SELECT phase_idx, author_id AS user_id FROM notes WHERE session_id = $1 AND deleted_at IS NULL
           UNION ALL
           SELECT phase_idx, user_id FROM thread_replies WHERE session_id = $1
         ) c ORDER BY phase_idx, user_id`,
        [sessionId],
      );
      return rows.map((row) => {
        const r = ContributionRow.parse(row);
        return { phaseIndex: r.phase_idx, userId: r.user_id };
      });
    },

    async reminded(sessionId, phaseIndex) {
      const rows = await db.all('SELECT user_id FROM member_reminders WHERE session_id = $1 AND phase_idx = $2 ORDER BY sent_at, user_id', [sessionId, phaseIndex]);
      return rows.map((r) => UserRow.parse(r).user_id);
    },

    async markReminded(sessionId, userId, phaseIndex, at) {
      const changed = await db.run(
        'INSERT INTO member_reminders (session_id, user_id, phase_idx, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [sessionId, userId, phaseIndex, at],
      );
      return changed === 1;
    },

    async unmarkReminded(sessionId, userId, phaseIndex, at) {
      // Only the record this run made: one made since by another instance stands.
      await db.run('DELETE FROM member_reminders WHERE session_id = $1 AND user_id = $2 AND phase_idx = $3 AND sent_at = $4', [sessionId, userId, phaseIndex, at]);
    },
  };
}
