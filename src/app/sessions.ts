/**
 * Use cases on sessions: start, next, end, pause, resume, notes. Each runs in one database transaction and
 * takes `now`; posting is left to the dispatcher, which the caller kicks afterwards.
 */
import type { SessionRepository } from '../db/session-repository.ts';
import type { StepRepository } from '../db/step-repository.ts';
import type { NoteKind } from '../domain/notes.ts';
import { PHASE_COUNT } from '../domain/phases.ts';
import type { Plan } from '../domain/plan.ts';
import { canSteer, sameWorkspace, type Session, type Workspace } from '../domain/session.ts';
import { advance, currentPhaseIndex, planSteps, resume, schedulePhases } from '../domain/timeline.ts';

export interface SessionDeps {
  readonly sessions: SessionRepository;
  readonly steps: StepRepository;
  readonly transaction: <T>(fn: () => T) => T;
  readonly newId: () => string;
}

export interface StartInput extends Workspace {
  readonly channelId: string;
  readonly hostId: string;
  readonly topic: string;
  readonly plan: Plan;
  readonly interviewers: readonly string[];
}

export type StartOutcome = { kind: 'started'; session: Session } | { kind: 'busy'; existing: Session };

export function startSession(deps: SessionDeps, input: StartInput, now: number): StartOutcome {
  return deps.transaction(() => {
    const existing = deps.sessions.findLive(input, input.channelId);
    if (existing) return { kind: 'busy', existing };
    const phases = schedulePhases(input.plan, now);
    const id = deps.newId();
    const created = deps.sessions.create({
      ...input,
      id,
      createdAt: now,
      phases,
      interviewers: input.interviewers.filter((u) => u !== input.hostId),
      steps: planSteps(phases, now),
    });
    const session = created ? deps.sessions.find(id) : deps.sessions.findLive(input, input.channelId);
    if (!session) throw new Error('session vanished inside its own transaction');
    return created ? { kind: 'started', session } : { kind: 'busy', existing: session };
  });
}

export type SteerRefusal = 'not_found' | 'not_allowed' | 'ended' | 'paused' | 'not_paused' | 'stale';
export type SteerOutcome = { ok: true; session: Session; detail?: string } | { ok: false; reason: SteerRefusal; session?: Session };

function loadForSteering(deps: SessionDeps, sessionId: string, workspace: Workspace, userId: string): SteerOutcome {
  const session = deps.sessions.find(sessionId);
  // A session of another workspace is treated exactly like one that does not exist.
  if (!session || !sameWorkspace(session, workspace)) return { ok: false, reason: 'not_found' };
  if (session.status === 'ended') return { ok: false, reason: 'ended', session };
  if (!canSteer(session, userId)) return { ok: false, reason: 'not_allowed', session };
  return { ok: true, session };
}

/**
 * Ends the current phase now and starts the next; on the last phase it ends the session. `expectedFrom`
 * (the phase a button was rendered for) makes a double click move on once, not twice.
 */
export function nextPhase(
  deps: SessionDeps,
  sessionId: string,
  workspace: Workspace,
  userId: string,
  now: number,
  expectedFrom?: number,
): SteerOutcome {
  return deps.transaction(() => {
    const loaded = loadForSteering(deps, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    if (loaded.session.status === 'paused') return { ok: false, reason: 'paused', session: loaded.session };
    const step = advance(loaded.session.phases, now);
    if (expectedFrom !== undefined && expectedFrom !== step.from) return { ok: false, reason: 'stale', session: loaded.session };
    if (step.to === null) return finish(deps, loaded.session, now, 'ended_by_host');
    deps.steps.cancel(sessionId, `warning:${step.from}`, 'phase ended early');
    deps.sessions.shiftPhases(sessionId, step.from, step.boundary, step.shiftMs, now);
    deps.steps.shiftPending(sessionId, step.boundary, step.shiftMs, now);
    deps.sessions.touch(sessionId, userId, now);
    return { ok: true, session: mustFind(deps, sessionId) };
  });
}

export function endSession(deps: SessionDeps, sessionId: string, workspace: Workspace, userId: string, now: number): SteerOutcome {
  return deps.transaction(() => {
    const loaded = loadForSteering(deps, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    deps.sessions.touch(sessionId, userId, now);
    return finish(deps, loaded.session, now, 'ended_by_host');
  });
}

function finish(deps: SessionDeps, session: Session, now: number, reason: string): SteerOutcome {
  deps.sessions.end(session.id, now, reason);
  deps.steps.cancelPending(session.id, ['phase', 'warning'], 'session ended');
  deps.steps.summaryNow(session.id, now);
  return { ok: true, session: mustFind(deps, session.id) };
}

export function pauseSession(deps: SessionDeps, sessionId: string, workspace: Workspace, userId: string, now: number): SteerOutcome {
  return deps.transaction(() => {
    const loaded = loadForSteering(deps, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    if (!deps.sessions.pause(sessionId, now)) return { ok: false, reason: 'paused', session: loaded.session };
    return { ok: true, session: mustFind(deps, sessionId) };
  });
}

export function resumeSession(deps: SessionDeps, sessionId: string, workspace: Workspace, userId: string, now: number): SteerOutcome {
  return deps.transaction(() => {
    const loaded = loadForSteering(deps, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    const pausedAt = loaded.session.pausedAt;
    if (loaded.session.status !== 'paused' || pausedAt === null) return { ok: false, reason: 'not_paused', session: loaded.session };
    const moved = resume(loaded.session.phases, pausedAt, now);
    deps.sessions.shiftPhases(sessionId, -1, pausedAt + 1, moved.shiftMs, now);
    deps.steps.shiftPending(sessionId, pausedAt + 1, moved.shiftMs, now);
    deps.sessions.resume(sessionId, now);
    return { ok: true, session: mustFind(deps, sessionId) };
  });
}

export interface NoteInput extends Workspace {
  readonly sessionId: string;
  readonly authorId: string;
  /** Defaults to the phase under way. */
  readonly phaseIndex?: number | undefined;
  readonly kind: NoteKind;
  readonly text: string;
  /** Identifies the submission, so a second delivery of it stores nothing. */
  readonly dedupeKey: string | null;
}

export type NoteOutcome =
  | { ok: true; stored: boolean; session: Session; phaseIndex: number }
  | { ok: false; reason: 'not_found' | 'ended' | 'bad_phase' };

export function addNote(deps: SessionDeps, input: NoteInput, now: number): NoteOutcome {
  return deps.transaction(() => {
    const session = deps.sessions.find(input.sessionId);
    if (!session || !sameWorkspace(session, input)) return { ok: false, reason: 'not_found' };
    if (session.status === 'ended') return { ok: false, reason: 'ended' };
    const phaseIndex = input.phaseIndex ?? currentPhaseIndex(session.phases, now);
    if (!Number.isInteger(phaseIndex) || phaseIndex < 0 || phaseIndex >= PHASE_COUNT) return { ok: false, reason: 'bad_phase' };
    const stored = deps.sessions.addNote({
      sessionId: session.id,
      phaseIndex,
      kind: input.kind,
      authorId: input.authorId,
      text: input.text,
      createdAt: now,
      dedupeKey: input.dedupeKey,
    });
    return { ok: true, stored, session, phaseIndex };
  });
}

function mustFind(deps: SessionDeps, id: string): Session {
  const session = deps.sessions.find(id);
  if (!session) throw new Error(`session ${id} vanished`);
  return session;
}
