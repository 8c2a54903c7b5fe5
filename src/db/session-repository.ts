/** Sessions, their phases, people and notes, over plain SQL. Rows are checked with zod on the way out. */
import { z } from 'zod';
import { isNoteKind, type Note, type NoteKind } from '../domain/notes.ts';
import type { Session, Workspace } from '../domain/session.ts';
import type { PhaseSlot, PlannedStep } from '../domain/timeline.ts';
import type { Db } from './open-database.ts';

const SessionRow = z.object({
  id: z.string(),
  team_id: z.string(),
  enterprise_id: z.string(),
  channel_id: z.string(),
  host_id: z.string(),
  topic: z.string(),
  status: z.enum(['running', 'paused', 'ended']),
  created_at: z.number().int(),
  ends_at: z.number().int(),
  ended_at: z.number().int().nullable(),
  end_reason: z.string().nullable(),
  paused_at: z.number().int().nullable(),
  root_ts: z.string().nullable(),
  permalink: z.string().nullable(),
});

const PhaseRow = z.object({ idx: z.number().int(), planned_ms: z.number().int(), starts_at: z.number().int() });

const NoteRow = z.object({
  id: z.number().int(),
  session_id: z.string(),
  phase_idx: z.number().int(),
  kind: z.string().refine(isNoteKind),
  author_id: z.string(),
  body: z.string(),
  created_at: z.number().int(),
});

export interface NewSession extends Workspace {
  readonly id: string;
  readonly channelId: string;
  readonly hostId: string;
  readonly topic: string;
  readonly createdAt: number;
  readonly phases: readonly PhaseSlot[];
  readonly interviewers: readonly string[];
  readonly steps: readonly PlannedStep[];
}

export interface NewNote extends Omit<Note, 'id'> {
  readonly dedupeKey: string | null;
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;

export function createSessionRepository(db: Db) {
  const insertSession = db.prepare(`
    INSERT INTO sessions (id, team_id, enterprise_id, channel_id, host_id, topic, status, created_at, ends_at, updated_at)
    VALUES (@id, @teamId, @enterpriseId, @channelId, @hostId, @topic, 'running', @createdAt, @endsAt, @createdAt)`);
  const insertPhase = db.prepare('INSERT INTO session_phases (session_id, idx, planned_ms, starts_at) VALUES (?, ?, ?, ?)');
  const insertPerson = db.prepare(
    'INSERT OR IGNORE INTO session_people (session_id, user_id, role, first_seen_at) VALUES (?, ?, ?, ?)',
  );
  const insertStep = db.prepare(`
    INSERT INTO steps (session_id, step_key, kind, phase_idx, seq, due_at, run_at, state)
    VALUES (@sessionId, @key, @kind, @phaseIndex, @seq, @dueAt, @dueAt, 'pending')`);
  const selectById = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const selectLive = db.prepare(
    "SELECT * FROM sessions WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND status <> 'ended'",
  );
  const selectPhases = db.prepare('SELECT idx, planned_ms, starts_at FROM session_phases WHERE session_id = ? ORDER BY idx');
  const selectPeople = db.prepare('SELECT user_id, role FROM session_people WHERE session_id = ? ORDER BY first_seen_at, rowid');
  const selectNotes = db.prepare('SELECT * FROM notes WHERE session_id = ? ORDER BY created_at, id');
  const countNotes = db.prepare('SELECT count(*) FROM notes WHERE session_id = ?').pluck();
  const insertNote = db.prepare(`
    INSERT INTO notes (session_id, phase_idx, kind, author_id, body, created_at, dedupe_key)
    VALUES (@sessionId, @phaseIndex, @kind, @authorId, @text, @createdAt, @dedupeKey)
    ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`);
  const updateRoot = db.prepare('UPDATE sessions SET root_ts = ?, permalink = coalesce(?, permalink), updated_at = ? WHERE id = ?');
  const updatePermalink = db.prepare('UPDATE sessions SET permalink = ? WHERE id = ?');
  const shiftPhases = db.prepare(
    'UPDATE session_phases SET starts_at = starts_at + @shift WHERE session_id = @id AND starts_at >= @from AND idx > @after',
  );
  const endSessionStmt = db.prepare(`
    UPDATE sessions SET status = 'ended', ended_at = @at, end_reason = @reason, paused_at = NULL, updated_at = @at
    WHERE id = @id AND status <> 'ended'`);
  const setEndsAt = db.prepare('UPDATE sessions SET ends_at = ends_at + @shift, updated_at = @at WHERE id = @id');
  const pauseStmt = db.prepare(
    "UPDATE sessions SET status = 'paused', paused_at = @at, updated_at = @at WHERE id = @id AND status = 'running'",
  );
  const resumeStmt = db.prepare(
    "UPDATE sessions SET status = 'running', paused_at = NULL, updated_at = @at WHERE id = @id AND status = 'paused'",
  );
  const selectLiveForUser = db.prepare(`
    SELECT s.* FROM sessions s JOIN session_people p ON p.session_id = s.id
     WHERE s.enterprise_id = ? AND s.team_id = ? AND p.user_id = ? AND s.status <> 'ended'
     ORDER BY s.created_at DESC LIMIT ?`);
  const endForTeam = db.prepare(`
    UPDATE sessions SET status = 'ended', ended_at = @at, end_reason = @reason, updated_at = @at
    WHERE team_id = @teamId AND enterprise_id = @enterpriseId AND status <> 'ended' RETURNING id`);

  function toSession(row: unknown): Session {
    const r = SessionRow.parse(row);
    const phases = selectPhases.all(r.id).map((p) => {
      const phase = PhaseRow.parse(p);
      return { index: phase.idx, plannedMs: phase.planned_ms, startsAt: phase.starts_at };
    });
    const interviewers = (selectPeople.all(r.id) as { user_id: string; role: string }[])
      .filter((p) => p.role === 'interviewer')
      .map((p) => p.user_id);
    return {
      id: r.id,
      teamId: r.team_id,
      enterpriseId: r.enterprise_id,
      channelId: r.channel_id,
      hostId: r.host_id,
      topic: r.topic,
      status: r.status,
      createdAt: r.created_at,
      endsAt: r.ends_at,
      endedAt: r.ended_at,
      endReason: r.end_reason,
      pausedAt: r.paused_at,
      rootTs: r.root_ts,
      permalink: r.permalink,
      phases,
      interviewers,
    };
  }

  return {
    /** Creates the session with its whole schedule in one transaction; returns false if the channel already has a live one. */
    create: db.transaction((s: NewSession): boolean => {
      const last = s.phases[s.phases.length - 1];
      const endsAt = last ? last.startsAt + last.plannedMs : s.createdAt;
      try {
        insertSession.run({ ...s, endsAt });
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
        throw error;
      }
      for (const p of s.phases) insertPhase.run(s.id, p.index, p.plannedMs, p.startsAt);
      insertPerson.run(s.id, s.hostId, 'host', s.createdAt);
      for (const id of s.interviewers) insertPerson.run(s.id, id, 'interviewer', s.createdAt);
      for (const step of s.steps) insertStep.run({ ...step, sessionId: s.id });
      return true;
    }),

    find(id: string): Session | undefined {
      const row = selectById.get(id);
      return row ? toSession(row) : undefined;
    },

    /** The live (running or paused) session of a channel, scoped to its workspace. */
    findLive(workspace: Workspace, channelId: string): Session | undefined {
      const row = selectLive.get(workspace.enterpriseId, workspace.teamId, channelId);
      return row ? toSession(row) : undefined;
    },

    /** Live sessions a person hosts, interviews in or took part in, newest first (for the Home tab). */
    liveForUser(workspace: Workspace, userId: string, limit = 20): Session[] {
      return selectLiveForUser.all(workspace.enterpriseId, workspace.teamId, userId, limit).map(toSession);
    },

    participants(sessionId: string): string[] {
      return (selectPeople.all(sessionId) as { user_id: string }[]).map((p) => p.user_id);
    },

    /** Remembers that someone took part (clicked, wrote a note); the first role recorded wins. */
    touch(sessionId: string, userId: string, at: number): void {
      insertPerson.run(sessionId, userId, 'participant', at);
    },

    notes(sessionId: string): Note[] {
      return selectNotes.all(sessionId).map((row) => {
        const r = NoteRow.parse(row);
        return {
          id: r.id,
          sessionId: r.session_id,
          phaseIndex: r.phase_idx,
          kind: r.kind as NoteKind,
          authorId: r.author_id,
          text: r.body,
          createdAt: r.created_at,
        };
      });
    },

    noteCount(sessionId: string): number {
      return Number(countNotes.get(sessionId));
    },

    /** Stores a note; returns false when the same submission was stored before. */
    addNote: db.transaction((note: NewNote): boolean => {
      const inserted = insertNote.get(note);
      if (inserted) insertPerson.run(note.sessionId, note.authorId, 'participant', note.createdAt);
      return inserted !== undefined;
    }),

    setRoot(sessionId: string, rootTs: string, permalink: string | null, at: number): void {
      updateRoot.run(rootTs, permalink, at, sessionId);
    },

    setPermalink(sessionId: string, permalink: string): void {
      updatePermalink.run(permalink, sessionId);
    },

    /** Moves every phase after `afterIndex` that starts at or after `from` by `shift`, and the session's end with them. */
    shiftPhases(sessionId: string, afterIndex: number, from: number, shift: number, at: number): void {
      shiftPhases.run({ id: sessionId, after: afterIndex, from, shift });
      setEndsAt.run({ id: sessionId, shift, at });
    },

    /** Marks the session ended; returns false if it already was. */
    end(sessionId: string, at: number, reason: string | null): boolean {
      return endSessionStmt.run({ id: sessionId, at, reason }).changes === 1;
    },

    pause(sessionId: string, at: number): boolean {
      return pauseStmt.run({ id: sessionId, at }).changes === 1;
    },

    resume(sessionId: string, at: number): boolean {
      return resumeStmt.run({ id: sessionId, at }).changes === 1;
    },

    /** Ends every live session of a workspace (the app was uninstalled or its tokens revoked). */
    endAllForWorkspace(workspace: Workspace, at: number, reason: string): string[] {
      return (endForTeam.all({ ...workspace, at, reason }) as { id: string }[]).map((r) => r.id);
    },
  };
}
