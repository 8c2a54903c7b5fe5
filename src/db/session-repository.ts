/** Sessions, their phases, people, notes and notices, over plain SQL shared by SQLite and PostgreSQL. Rows are checked with zod on the way out. */
import { z } from 'zod';
import {
  type NewNote,
  type NewSession,
  type SessionAddress,
  type SessionPlace,
  type SessionRepository,
  type UnreadableSession,
  UnreadableSessionError,
} from '../app/ports.ts';
import { activityOf } from '../domain/history.ts';
import { isNoteKind, type Note, type NoteKind } from '../domain/notes.ts';
import { RUBRIC, type DimensionKey, type Score } from '../domain/scorecard.ts';
import type { Session, Workspace } from '../domain/session.ts';
import { columnsOf, type SqlExecutor, type SqlValue, type Row, num, padInList, placeholders, limitParam } from './sql.ts';

const int = z.preprocess(num, z.number().int());
const intOrNull = z.preprocess((v) => (v === null ? null : num(v)), z.number().int().nullable());

const STATUSES: ReadonlySet<string> = new Set<Session['status']>(['running', 'paused', 'ended']);
const LEVELS: ReadonlySet<string> = new Set<NonNullable<Session['level']>>(['mid', 'senior', 'staff']);

type SessionRow = Omit<Session, 'phases' | 'interviewers' | 'candidateId' | 'observers'>;

/**
 * A session row, checked column by column (as zod would, written out: the delivery path loads sessions by the
 * hundred). The phases and people are filled in by `load`.
 */
function sessionOf(row: Row): SessionRow {
  const r = columnsOf(row, 'sessions');
  const status = r.text('status');
  if (!STATUSES.has(status)) r.bad('status');
  const level = r.textOrNull('level');
  if (level !== null && !LEVELS.has(level)) r.bad('level');
  return {
    id: r.text('id'),
    teamId: r.text('team_id'),
    enterpriseId: r.text('enterprise_id'),
    channelId: r.text('channel_id'),
    hostId: r.text('host_id'),
    topic: r.text('topic'),
    status: status as Session['status'],
    createdAt: r.int('created_at'),
    endsAt: r.int('ends_at'),
    endedAt: r.intOrNull('ended_at'),
    endReason: r.textOrNull('end_reason'),
    pausedAt: r.intOrNull('paused_at'),
    pauseReason: r.textOrNull('pause_reason'),
    movedAt: r.intOrNull('moved_at'),
    rootTs: r.textOrNull('root_ts'),
    permalink: r.textOrNull('permalink'),
    level: level as Session['level'],
    promptId: r.textOrNull('prompt_id'),
    isAsync: r.int('is_async') === 1,
    privateScores: r.int('private_scores') === 1,
  };
}

/** Where a session runs and who hosts it, when those columns read, whatever the rest of its row holds. */
function addressOf(row: Row): SessionAddress | undefined {
  try {
    const r = columnsOf(row, 'sessions');
    return { id: r.text('id'), teamId: r.text('team_id'), enterpriseId: r.text('enterprise_id'), channelId: r.text('channel_id'), hostId: r.text('host_id'), topic: r.text('topic') };
  } catch {
    return undefined;
  }
}

/** Where a session runs, when those columns read, whatever the rest of its row holds (its host and topic included). */
function placeOf(row: Row): SessionPlace | undefined {
  try {
    const r = columnsOf(row, 'sessions');
    return { teamId: r.text('team_id'), enterpriseId: r.text('enterprise_id'), channelId: r.text('channel_id') };
  } catch {
    return undefined;
  }
}

/** A phase row; `added_ms` is null for a phase stored before the time added was kept apart (see migration 0015). */
function phaseOf(row: Row): { sessionId: string; phase: Session['phases'][number] } {
  const r = columnsOf(row, 'session_phases');
  return {
    sessionId: r.text('session_id'),
    phase: { index: r.int('idx'), plannedMs: r.int('planned_ms'), startsAt: r.int('starts_at'), pausedMs: r.int('paused_ms'), addedMs: r.intOrNull('added_ms') },
  };
}

function personOf(row: Row): { sessionId: string; userId: string; role: string } {
  const r = columnsOf(row, 'session_people');
  return { sessionId: r.text('session_id'), userId: r.text('user_id'), role: r.text('role') };
}

const NoteRow = z.object({
  id: int,
  session_id: z.string(),
  phase_idx: int,
  kind: z.string().refine(isNoteKind),
  author_id: z.string(),
  body: z.string(),
  created_at: int,
  visibility: z.enum(['everyone', 'interviewers']),
});

const SESSION_COLUMNS = `id, team_id, enterprise_id, channel_id, host_id, topic, status, created_at, ends_at, ended_at,
  end_reason, paused_at, pause_reason, moved_at, root_ts, permalink, level, prompt_id, is_async,
  private_scores`;

function toNote(row: Row): Note {
  const r = NoteRow.parse(row);
  return {
    id: r.id,
    sessionId: r.session_id,
    phaseIndex: r.phase_idx,
    kind: r.kind as NoteKind,
    authorId: r.author_id,
    text: r.body,
    createdAt: r.created_at,
    visibility: r.visibility,
  };
}

const ActivityRow = z.object({ session_id: z.string(), phase_idx: int, notes: int, replies: int, people: int });
const NoteSessionRow = z.object({ topic: z.string(), channel_id: z.string(), permalink: z.string().nullable() });
const ScoredSessionRow = z.object({ id: z.string(), topic: z.string(), created_at: int, ended_at: intOrNull });
const ScoredCardRow = z.object({ session_id: z.string(), scorer_id: z.string(), role: z.enum(['interviewer', 'observer', 'candidate']), body: z.string() });
/** Only the scores of a stored card's JSON (its evidence and words are not read); a dimension no longer in the rubric is skipped. */
const CardScores = z.object({ scores: z.record(z.string(), z.object({ score: z.number() }).nullable().optional()) });

function scoresOf(body: string): Partial<Record<DimensionKey, Score>> {
  const parsed = CardScores.parse(JSON.parse(body));
  const scores: Partial<Record<DimensionKey, Score>> = {};
  for (const d of RUBRIC) {
    const score = parsed.scores[d.key]?.score;
    if (score === 1 || score === 2 || score === 3 || score === 4) scores[d.key] = score;
  }
  return scores;
}

/** A session's people, in the order they first appeared, as the session names them. */
function rolesOf(people: readonly { userId: string; role: string }[]): Pick<Session, 'interviewers' | 'candidateId' | 'observers'> {
  return {
    interviewers: people.filter((p) => p.role === 'interviewer').map((p) => p.userId),
    candidateId: people.find((p) => p.role === 'candidate')?.userId ?? null,
    observers: people.filter((p) => p.role === 'observer').map((p) => p.userId),
  };
}

/** The text of each multi-row INSERT made so far, by target and number of rows. */
const insertTexts = new Map<string, string[]>();

/** One multi-row INSERT of `rows` into `target` ("table (columns…)"); nothing when there are none. */
async function insertRows(db: SqlExecutor, target: string, rows: readonly (readonly SqlValue[])[]): Promise<void> {
  const width = rows[0]?.length;
  if (width === undefined) return;
  // Built once per shape, not on every start: a statement's text is also its key in the prepared-statement
  // cache, and a new string of a kilobyte is garbage to collect and a key to hash, on the thread that answers.
  let byCount = insertTexts.get(target);
  if (!byCount) insertTexts.set(target, (byCount = []));
  let sql = byCount[rows.length];
  if (sql === undefined) {
    const values = rows.map((_, i) => `(${placeholders(1 + i * width, width)})`).join(', ');
    sql = `INSERT INTO ${target} VALUES ${values}`;
    byCount[rows.length] = sql;
  }
  await db.run(sql, rows.flat());
}

export function createSessionRepository(db: SqlExecutor): SessionRepository {
  // People keep the order they first appeared in: SQLite's rowid, PostgreSQL's serial column.
  const arrival = db.dialect === 'postgres' ? 'seen_order' : 'rowid';

  // The statements `load` runs, by length of IN list (a power of two: a handful of them), made once each.
  const loadTexts: Array<{ phases: string; people: string }> = [];
  function loadText(length: number): { phases: string; people: string } {
    let texts = loadTexts[length];
    if (!texts) {
      const list = placeholders(1, length);
      texts = {
        phases: `SELECT session_id, idx, planned_ms, starts_at, paused_ms, added_ms FROM session_phases WHERE session_id IN (${list}) ORDER BY idx`,
        people: `SELECT session_id, user_id, role FROM session_people WHERE session_id IN (${list}) ORDER BY first_seen_at, ${arrival}`,
      };
      loadTexts[length] = texts;
    }
    return texts;
  }

  /**
   * Loads sessions with their phases and interviewers in three queries, however many there are. A session row that
   * cannot be read throws `UnreadableSessionError`, unless `unreadable` is given: then it is handed the session with
   * the reason, and the session is left out. (The rows of phases and people hold nothing this could refuse: the
   * schema keeps their columns to whole numbers and text, never null, and a role this version does not know is not
   * one it looks for.)
   */
  /**
   * For the lists a person or an event gets (the App Home, the bot invited to a channel): a session this version
   * cannot read is left out of them rather than failing them all. The delivery engine logs it and, after its
   * retries, ends it; a request in its channel is told (see UnreadableSessionError).
   */
  const leaveOut: Unreadable = () => undefined;

  async function load(rows: Row[], unreadable?: Unreadable): Promise<Session[]> {
    if (rows.length === 0) return [];
    const sessions = sessionRowsOf(rows, unreadable);
    if (sessions.length === 0) return [];
    const ids = padInList(sessions.map((r) => r.id));
    const texts = loadText(ids.length);
    // Asked for together: on SQLite they run in the same turn of the queue.
    const [phaseRows, people] = await Promise.all([db.all(texts.phases, ids).then((rs) => rs.map(phaseOf)), db.all(texts.people, ids).then((rs) => rs.map(personOf))]);
    // Grouped once: a claim loads up to a few hundred sessions, and filtering every row list per session is quadratic.
    const phasesOf = groupBy(phaseRows, (p) => p.sessionId);
    const peopleOf = groupBy(people, (p) => p.sessionId);
    return sessions.map((session) => ({
      ...session,
      phases: (phasesOf.get(session.id) ?? []).map((p) => p.phase),
      ...rolesOf(peopleOf.get(session.id) ?? []),
    }));
  }

  async function one(sql: string, params: (string | number)[]): Promise<Session | undefined> {
    const row = await db.get(sql, params);
    return row ? (await load([row]))[0] : undefined;
  }

  const insertPerson = (sessionId: string, userId: string, role: string, at: number) =>
    db.run('INSERT INTO session_people (session_id, user_id, role, first_seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [sessionId, userId, role, at]);

  return {
    async create(s: NewSession): Promise<Session | undefined> {
      const last = s.phases[s.phases.length - 1];
      const endsAt = last ? last.startsAt + last.plannedMs : s.createdAt;
      // The partial unique index allows one live session per channel; a second start inserts nothing.
      const inserted = await db.get(
        `INSERT INTO sessions (id, team_id, enterprise_id, channel_id, host_id, topic, status, created_at, ends_at, updated_at, level, prompt_id, is_async, private_scores)
         VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8, $7, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING id`,
        [s.id, s.teamId, s.enterpriseId, s.channelId, s.hostId, s.topic, s.createdAt, endsAt, s.level, s.promptId, s.isAsync ? 1 : 0, s.privateScores ? 1 : 0],
      );
      if (!inserted) return undefined;
      // One statement per table, not one per row: a start writes all of this on the thread that reads the next
      // request, and each statement is a turn of the queue.
      await insertRows(db, 'session_phases (session_id, idx, planned_ms, starts_at, added_ms)', s.phases.map((p) => [s.id, p.index, p.plannedMs, p.startsAt, 0]));
      // A person named twice keeps the first role, decided once here for both the rows and the session returned.
      // In this order: people keep the order they first appeared in (rowid or serial).
      const named: Array<[string, string]> = [
        [s.hostId, 'host'],
        ...(s.candidateId ? [[s.candidateId, 'candidate'] as [string, string]] : []),
        ...s.interviewers.map((id): [string, string] => [id, 'interviewer']),
        ...s.observers.map((id): [string, string] => [id, 'observer']),
      ];
      const people = new Map<string, string>();
      for (const [id, role] of named) if (!people.has(id)) people.set(id, role);
      await insertRows(db, 'session_people (session_id, user_id, role, first_seen_at)', [...people].map(([id, role]) => [s.id, id, role, s.createdAt]));
      await insertRows(
        db,
        'steps (session_id, step_key, kind, phase_idx, seq, due_at, run_at, state)',
        // The first step is the session's turn; the others wait behind it.
        s.steps.map((step, i) => [s.id, step.key, step.kind, step.phaseIndex, step.seq, step.dueAt, step.dueAt, i === 0 ? 'pending' : 'queued']),
      );
      // The session as `find` would read it back, without reading it: three queries fewer on every start, on the
      // thread that answers the next request. The contract tests hold the two equal.
      return {
        id: s.id,
        teamId: s.teamId,
        enterpriseId: s.enterpriseId,
        channelId: s.channelId,
        hostId: s.hostId,
        topic: s.topic,
        status: 'running',
        createdAt: s.createdAt,
        endsAt,
        endedAt: null,
        endReason: null,
        pausedAt: null,
        pauseReason: null,
        movedAt: null,
        rootTs: null,
        permalink: null,
        level: s.level,
        promptId: s.promptId,
        isAsync: s.isAsync,
        privateScores: s.privateScores,
        phases: s.phases.map((p) => ({ index: p.index, plannedMs: p.plannedMs, startsAt: p.startsAt, pausedMs: 0, addedMs: 0 })),
        ...rolesOf([...people].map(([userId, role]) => ({ userId, role }))),
      };
    },

    find(id) {
      return one(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [id]);
    },

    async findMany(ids) {
      if (ids.length === 0) return { sessions: [], unreadable: [] };
      const list = padInList(ids);
      // The delivery path reads the sessions of many steps at once: one bad row must not fail the others' reads.
      const unreadable: UnreadableSession[] = [];
      const sessions = await load(
        await db.all(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id IN (${placeholders(1, list.length)})`, list),
        (session) => unreadable.push(session),
      );
      return { sessions, unreadable };
    },

    findForUpdate(id) {
      return one(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1${db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [id]);
    },

    async steerersForUpdate(id) {
      // The host column alone, read only if it reads: the value this version does not know may be anywhere in the row.
      const row = await db.get(`SELECT host_id FROM sessions WHERE id = $1${db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [id]);
      if (!row) return undefined;
      const hostId = typeof row.host_id === 'string' ? row.host_id : null;
      const people = await db.all(`SELECT user_id FROM session_people WHERE session_id = $1 AND role = 'interviewer' ORDER BY first_seen_at, ${arrival}`, [id]);
      return { hostId, interviewers: people.map((r) => columnsOf(r, 'session_people').text('user_id')) };
    },

    findLive(workspace, channelId) {
      return one(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE enterprise_id = $1 AND team_id = $2 AND channel_id = $3 AND status <> 'ended'`,
        [workspace.enterpriseId, workspace.teamId, channelId],
      );
    },

    async liveByChannel(channelId, limit = 5, first, unreadable?: UnreadableSessionError[]) {
      // One query for "this workspace's session, else another's here" (a slash command's one read before its ack);
      // without `first` the comparison is NULL for every row, and only age orders them.
      const rows = await db.all(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE channel_id = $1 AND status <> 'ended'
          ORDER BY CASE WHEN enterprise_id = $3 AND team_id = $4 THEN 0 ELSE 1 END, created_at ${limitParam(2)}`,
        [channelId, limit, first?.enterpriseId ?? null, first?.teamId ?? null],
      );
      return load(rows, unreadable && ((session, row) => unreadable.push(unreadableError(session, row))));
    },

    async liveForUser(workspace, userId, limit = 20) {
      const rows = await db.all(
        `SELECT ${SESSION_COLUMNS.split(',').map((c) => `s.${c.trim()}`).join(', ')} FROM sessions s JOIN session_people p ON p.session_id = s.id
          WHERE s.enterprise_id = $1 AND s.team_id = $2 AND p.user_id = $3 AND s.status <> 'ended'
          ORDER BY s.created_at DESC ${limitParam(4)}`,
        [workspace.enterpriseId, workspace.teamId, userId, limit],
      );
      return load(rows, leaveOut);
    },

    async liveInChannel(workspace: Workspace, channelId: string) {
      // Ended sessions count too while they still have a summary waiting to be posted, or being posted.
      const rows = await db.all(
        `SELECT ${SESSION_COLUMNS} FROM sessions s
          WHERE enterprise_id = $1 AND team_id = $2 AND channel_id = $3
            AND (status <> 'ended' OR EXISTS (SELECT 1 FROM steps t WHERE t.session_id = s.id AND t.state IN ('pending', 'sending')))`,
        [workspace.enterpriseId, workspace.teamId, channelId],
      );
      return load(rows, leaveOut);
    },

    async participants(sessionId) {
      const rows = await db.all(`SELECT user_id FROM session_people WHERE session_id = $1 ORDER BY first_seen_at, ${arrival}`, [sessionId]);
      return rows.map((r) => String(r.user_id));
    },

    async addParticipant(sessionId, userId, at) {
      await insertPerson(sessionId, userId, 'participant', at);
    },

    async notes(sessionId): Promise<Note[]> {
      const rows = await db.all(
        'SELECT id, session_id, phase_idx, kind, author_id, body, created_at, visibility FROM notes WHERE session_id = $1 AND deleted_at IS NULL ORDER BY created_at, id',
        [sessionId],
      );
      return rows.map(toNote);
    },

    async note(sessionId, noteId) {
      const row = await db.get(
        'SELECT id, session_id, phase_idx, kind, author_id, body, created_at, visibility FROM notes WHERE session_id = $1 AND id = $2 AND deleted_at IS NULL',
        [sessionId, noteId],
      );
      return row ? toNote(row) : undefined;
    },

    async updateNote(sessionId, noteId, authorId, change, at) {
      const changed = await db.run(
        `UPDATE notes SET phase_idx = $1, kind = $2, body = $3, visibility = $4, updated_at = $5
          WHERE id = $6 AND session_id = $7 AND author_id = $8 AND deleted_at IS NULL`,
        [change.phaseIndex, change.kind, change.text, change.visibility ?? 'everyone', at, noteId, sessionId, authorId],
      );
      return changed === 1;
    },

    async deleteNote(sessionId, noteId, authorId, at) {
      const changed = await db.run('UPDATE notes SET deleted_at = $1 WHERE id = $2 AND session_id = $3 AND author_id = $4 AND deleted_at IS NULL', [
        at,
        noteId,
        sessionId,
        authorId,
      ]);
      return changed === 1;
    },

    async noteCount(sessionId) {
      // What everyone may know: notes for the interviewers only are not counted where the candidate can see.
      const row = await db.get("SELECT count(*) AS n FROM notes WHERE session_id = $1 AND visibility = 'everyone' AND deleted_at IS NULL", [sessionId]);
      return num(row?.n ?? 0);
    },

    async addNote(note: NewNote) {
      const inserted = await db.get(
        `INSERT INTO notes (session_id, phase_idx, kind, author_id, body, created_at, dedupe_key, visibility)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
        [note.sessionId, note.phaseIndex, note.kind, note.authorId, note.text, note.createdAt, note.dedupeKey, note.visibility ?? 'everyone'],
      );
      if (inserted) await insertPerson(note.sessionId, note.authorId, 'participant', note.createdAt);
      return inserted !== undefined;
    },

    async setRoot(sessionId, rootTs, at, permalink = null) {
      await db.run('UPDATE sessions SET root_ts = $1, updated_at = $2, permalink = coalesce($3, permalink) WHERE id = $4', [rootTs, at, permalink, sessionId]);
    },

    async setPermalink(sessionId, permalink) {
      await db.run('UPDATE sessions SET permalink = $1 WHERE id = $2', [permalink, sessionId]);
    },

    async shiftPhases(sessionId, afterIndex, from, shift, at) {
      await db.run('UPDATE session_phases SET starts_at = starts_at + $1 WHERE session_id = $2 AND starts_at >= $3 AND idx > $4', [shift, sessionId, from, afterIndex]);
      await db.run('UPDATE sessions SET ends_at = ends_at + $1, updated_at = $2 WHERE id = $3', [shift, at, sessionId]);
    },

    async extendPhase(sessionId, index, ms, at) {
      // The length grows, as the schedule needs; the time added is kept apart too, for the summary (unknown stays unknown).
      await db.run('UPDATE session_phases SET planned_ms = planned_ms + $1, added_ms = added_ms + $1 WHERE session_id = $2 AND idx = $3', [ms, sessionId, index]);
      await db.run('UPDATE session_phases SET starts_at = starts_at + $1 WHERE session_id = $2 AND idx > $3', [ms, sessionId, index]);
      await db.run('UPDATE sessions SET ends_at = ends_at + $1, updated_at = $2 WHERE id = $3', [ms, at, sessionId]);
    },

    async addPausedTime(sessionId, index, ms) {
      await db.run('UPDATE session_phases SET paused_ms = paused_ms + $1 WHERE session_id = $2 AND idx = $3', [Math.max(0, Math.round(ms)), sessionId, index]);
    },

    async setHost(sessionId, hostId, formerHostId, at) {
      await db.run('UPDATE sessions SET host_id = $1, updated_at = $2 WHERE id = $3', [hostId, at, sessionId]);
      await db.run(
        `INSERT INTO session_people (session_id, user_id, role, first_seen_at) VALUES ($1, $2, 'host', $3)
           ON CONFLICT (session_id, user_id) DO UPDATE SET role = 'host'`,
        [sessionId, hostId, at],
      );
      await db.run(`UPDATE session_people SET role = 'interviewer' WHERE session_id = $1 AND user_id = $2`, [sessionId, formerHostId]);
    },

    async promptsUsedIn(workspace, channelId) {
      const rows = await db.all(
        `SELECT prompt_id FROM sessions WHERE channel_id = $1 AND team_id = $2 AND enterprise_id = $3 AND prompt_id IS NOT NULL ORDER BY created_at`,
        [channelId, workspace.teamId, workspace.enterpriseId],
      );
      return rows.map((r) => String(r.prompt_id));
    },

    latestInChannel(workspace, channelId) {
      return one(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE enterprise_id = $1 AND team_id = $2 AND channel_id = $3 ORDER BY created_at DESC, id DESC LIMIT 1`,
        [workspace.enterpriseId, workspace.teamId, channelId],
      );
    },

    findByRoot(channelId, rootTs) {
      return one(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE channel_id = $1 AND root_ts = $2 ORDER BY created_at DESC, id DESC LIMIT 1`, [channelId, rootTs]);
    },

    async markMoved(sessionId, at) {
      await db.run('UPDATE sessions SET moved_at = $1, updated_at = $1 WHERE id = $2', [at, sessionId]);
    },

    async end(sessionId, at, reason) {
      const changed = await db.run(
        `UPDATE sessions SET status = 'ended', ended_at = $1, end_reason = $2, paused_at = NULL, pause_reason = NULL, updated_at = $1
          WHERE id = $3 AND status <> 'ended'`,
        [at, reason, sessionId],
      );
      return changed === 1;
    },

    async pause(sessionId, at, reason) {
      const changed = await db.run(
        "UPDATE sessions SET status = 'paused', paused_at = $1, pause_reason = $2, updated_at = $1 WHERE id = $3 AND status = 'running'",
        [at, reason, sessionId],
      );
      return changed === 1;
    },

    async resume(sessionId, at) {
      const changed = await db.run(
        "UPDATE sessions SET status = 'running', paused_at = NULL, pause_reason = NULL, updated_at = $1 WHERE id = $2 AND status = 'paused'",
        [at, sessionId],
      );
      return changed === 1;
    },

    async endAllForWorkspace(workspace, at, reason) {
      const rows = await db.all(
        `UPDATE sessions SET status = 'ended', ended_at = $1, end_reason = $2, paused_at = NULL, pause_reason = NULL, updated_at = $1
          WHERE team_id = $3 AND enterprise_id = $4 AND status <> 'ended' RETURNING id`,
        [at, reason, workspace.teamId, workspace.enterpriseId],
      );
      return rows.map((r) => String(r.id));
    },

    async teamsWithLiveSessions(enterpriseId) {
      const rows = await db.all(`SELECT DISTINCT team_id FROM sessions WHERE enterprise_id = $1 AND status <> 'ended'`, [enterpriseId]);
      return rows.map((r) => String(r.team_id));
    },

    async firstNotice(sessionId, kind, at) {
      const row = await db.get('INSERT INTO notices (session_id, kind, sent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING kind', [sessionId, kind, at]);
      return row !== undefined;
    },

    async channelHistory(workspace, channelId, limit = 10) {
      // Through sessions_by_channel: newest first, stopping at the limit.
      const sessions = await load(
        await db.all(
          `SELECT ${SESSION_COLUMNS} FROM sessions WHERE channel_id = $1 AND team_id = $2 AND enterprise_id = $3
            ORDER BY created_at DESC, id DESC ${limitParam(4)}`,
          [channelId, workspace.teamId, workspace.enterpriseId, limit],
        ),
      );
      if (sessions.length === 0) return [];
      const ids = sessions.map((s) => s.id);
      const list = placeholders(1, ids.length);
      // What everyone may see: notes for the interviewers only and deleted notes are not counted; replies in the
      // session's thread are.
      const given = `(SELECT session_id, phase_idx, 1 AS notes, 0 AS replies, author_id AS who FROM notes
                        WHERE session_id IN (${list}) AND deleted_at IS NULL AND visibility = 'everyone'
                      UNION ALL
                      SELECT session_id, phase_idx, 0 AS notes, replies, user_id AS who FROM thread_replies WHERE session_id IN (${list})) c`;
      const [perPhase, perSession] = await Promise.all([
        db.all(`SELECT session_id, phase_idx, sum(notes) AS notes, sum(replies) AS replies, count(DISTINCT who) AS people FROM ${given} GROUP BY session_id, phase_idx`, ids),
        db.all(`SELECT session_id, count(DISTINCT who) AS people FROM ${given} GROUP BY session_id`, ids),
      ]);
      const phases = perPhase.map((r) => ActivityRow.parse(r));
      const people = new Map(perSession.map((r) => [String(r.session_id), num(r.people)]));
      return sessions.map((session) => ({
        session,
        activity: activityOf(
          phases.filter((p) => p.session_id === session.id).map((p) => ({ phaseIndex: p.phase_idx, notes: p.notes, replies: p.replies, contributors: p.people })),
          people.get(session.id) ?? 0,
        ),
      }));
    },

    async endedForUser(workspace, userId, limit = 10) {
      const rows = await db.all(
        `SELECT ${SESSION_COLUMNS.split(',').map((c) => `s.${c.trim()}`).join(', ')} FROM session_people p JOIN sessions s ON s.id = p.session_id
          WHERE p.user_id = $1 AND s.enterprise_id = $2 AND s.team_id = $3 AND s.status = 'ended'
          ORDER BY s.created_at DESC, s.id DESC ${limitParam(4)}`,
        [userId, workspace.enterpriseId, workspace.teamId, limit],
      );
      return load(rows, leaveOut);
    },

    async notesByAuthor(workspace, userId, limit = 10) {
      // Through notes_by_author, newest first: the author's notes of other workspaces are skipped, not read whole.
      const rows = await db.all(
        `SELECT n.id, n.session_id, n.phase_idx, n.kind, n.author_id, n.body, n.created_at, n.visibility, s.topic, s.channel_id, s.permalink
           FROM notes n JOIN sessions s ON s.id = n.session_id
          WHERE n.author_id = $1 AND n.deleted_at IS NULL AND s.enterprise_id = $2 AND s.team_id = $3
          ORDER BY n.created_at DESC, n.id DESC ${limitParam(4)}`,
        [userId, workspace.enterpriseId, workspace.teamId, limit],
      );
      return rows.map((row) => {
        const where = NoteSessionRow.parse(row);
        return { note: toNote(row), topic: where.topic, channelId: where.channel_id, permalink: where.permalink };
      });
    },

    async scoredAsCandidate(workspace, userId, limit = 10) {
      // Ended sessions only: the panel's cards are revealed to the candidate when the session ends.
      const sessions = (
        await db.all(
          `SELECT s.id, s.topic, s.created_at, s.ended_at FROM session_people p JOIN sessions s ON s.id = p.session_id
            WHERE p.user_id = $1 AND p.role = 'candidate' AND s.enterprise_id = $2 AND s.team_id = $3 AND s.status = 'ended'
              AND EXISTS (SELECT 1 FROM scorecards c WHERE c.session_id = s.id AND c.role <> 'candidate')
            ORDER BY s.created_at DESC, s.id DESC ${limitParam(4)}`,
          [userId, workspace.enterpriseId, workspace.teamId, limit],
        )
      ).map((r) => ScoredSessionRow.parse(r));
      if (sessions.length === 0) return [];
      const ids = sessions.map((s) => s.id);
      // The panel's cards and this person's own self-assessment; anyone else's card marked 'candidate' never.
      const cards = (
        await db.all(
          `SELECT session_id, scorer_id, role, body FROM scorecards
            WHERE session_id IN (${placeholders(2, ids.length)}) AND (role <> 'candidate' OR scorer_id = $1)
            ORDER BY submitted_at, scorer_id`,
          [userId, ...ids],
        )
      ).map((r) => ScoredCardRow.parse(r));
      return sessions.map((s) => ({
        sessionId: s.id,
        topic: s.topic,
        createdAt: s.created_at,
        endedAt: s.ended_at,
        cards: cards.filter((c) => c.session_id === s.id).map((c) => ({ scorerId: c.scorer_id, role: c.role, scores: scoresOf(c.body) })),
      }));
    },
  };
}

/** A reason stays a line in the log and in the step's `last_error`, whatever value the row holds. */
const MAX_REASON_CHARS = 200;

/** What to do with a session row that cannot be read, instead of throwing. */
type Unreadable = (session: UnreadableSession, row: Row) => void;

/** Why a session row cannot be read, with what does read of it: where it runs, and whether it is live. */
function unreadableError(session: UnreadableSession, row: Row): UnreadableSessionError {
  return new UnreadableSessionError(session, placeOf(row), row.status !== 'ended');
}

/**
 * Reads session rows. A row that cannot be read is described, with the reason and, when they read, where it runs
 * and who hosts it: handed to `unreadable` and skipped when that is given, else thrown as `UnreadableSessionError`.
 */
function sessionRowsOf(rows: readonly Row[], unreadable: Unreadable | undefined): SessionRow[] {
  const read: SessionRow[] = [];
  for (const row of rows) {
    try {
      read.push(sessionOf(row));
    } catch (error) {
      const address = addressOf(row);
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, MAX_REASON_CHARS);
      const session: UnreadableSession = { id: String(row.id), reason, ...(address ? { address } : {}) };
      if (!unreadable) throw unreadableError(session, row);
      unreadable(session, row);
    }
  }
  return read;
}

/** Items by key, each group in the order the items came (the queries' ORDER BY). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
