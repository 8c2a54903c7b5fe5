/** The end-of-session summary as data: who took part, planned vs actual time, notes by phase. */
import { formatDuration } from './duration.ts';
import type { Note } from './notes.ts';
import type { Level } from './levels.ts';
import { PHASES, WRAP_UP_REMINDER } from './phases.ts';
import type { Session, SessionPhase } from './session.ts';
import { actualDurations } from './timeline.ts';

export interface SummaryInput {
  readonly topic: string;
  readonly hostId: string;
  readonly interviewers: readonly string[];
  readonly candidateId?: string | null | undefined;
  readonly observers?: readonly string[] | undefined;
  readonly level?: Level | null | undefined;
  readonly participants: readonly string[];
  readonly phases: readonly SessionPhase[];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly endReason: string | null;
  readonly notes: readonly Note[];
}

export interface PhaseSummary {
  readonly index: number;
  readonly name: string;
  /** The length it was given at the start; when `addedMs` is null, its whole length, any time added included. */
  readonly plannedMs: number;
  /** The time the host added while it ran (0 for none); null when not known (see SessionPhase). */
  readonly addedMs: number | null;
  readonly actualMs: number | null;
  /** Of the actual time, how long the session was paused. */
  readonly pausedMs: number;
  readonly notes: readonly Note[];
}

export interface Summary {
  readonly topic: string;
  readonly hostId: string;
  readonly interviewers: readonly string[];
  readonly candidateId: string | null;
  readonly observers: readonly string[];
  readonly level: Level | null;
  /** Host first, then interviewers, then everyone else in the order they joined in. */
  readonly participants: readonly string[];
  /** As `plannedMs`, over every phase: the plan, apart from the time added unless that is not known for some phase. */
  readonly totalPlannedMs: number;
  readonly totalAddedMs: number | null;
  readonly totalActualMs: number;
  readonly endedEarly: boolean;
  readonly endReason: string | null;
  readonly phases: readonly PhaseSummary[];
  readonly noteCount: number;
  readonly reminder: string;
}

export function buildSummary(input: SummaryInput): Summary {
  const actual = actualDurations(input.phases, input.endedAt);
  const people = [
    input.hostId,
    ...(input.candidateId ? [input.candidateId] : []),
    ...input.interviewers,
    ...(input.observers ?? []),
    ...input.participants,
    ...input.notes.map((n) => n.authorId),
  ];
  const participants = [...new Set(people)];
  const byTime = [...input.notes].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  // The slot's length counts the time added (the schedule runs on it); the summary sets the plan beside reality.
  const addedOf = (slot: SessionPhase): number | null => (slot.addedMs === null ? null : Math.min(slot.addedMs ?? 0, slot.plannedMs));
  const phases = input.phases.map((slot, i) => ({
    index: slot.index,
    name: PHASES[slot.index]?.name ?? `Phase ${slot.index + 1}`,
    plannedMs: slot.plannedMs - (addedOf(slot) ?? 0),
    addedMs: addedOf(slot),
    actualMs: actual[i] ?? null,
    pausedMs: slot.pausedMs ?? 0,
    notes: byTime.filter((n) => n.phaseIndex === slot.index),
  }));
  const last = input.phases[input.phases.length - 1];
  const plannedEnd = last ? last.startsAt + last.plannedMs : input.endedAt;
  const totalMs = input.phases.reduce((sum, p) => sum + p.plannedMs, 0);
  const totalAddedMs = phases.some((p) => p.addedMs === null) ? null : phases.reduce((sum, p) => sum + (p.addedMs ?? 0), 0);
  return {
    topic: input.topic,
    hostId: input.hostId,
    interviewers: input.interviewers,
    candidateId: input.candidateId ?? null,
    observers: input.observers ?? [],
    level: input.level ?? null,
    participants,
    totalPlannedMs: totalMs - (totalAddedMs ?? 0),
    totalAddedMs,
    totalActualMs: Math.max(0, input.endedAt - input.startedAt),
    // A session that ended itself after a long pause ran past its plan, yet did not finish it.
    endedEarly: input.endedAt < plannedEnd || input.endReason === 'paused_too_long',
    endReason: input.endReason,
    phases,
    noteCount: phases.reduce((n, p) => n + p.notes.length, 0),
    reminder: WRAP_UP_REMINDER,
  };
}

/**
 * What follows a planned length: the time added to it (" (+6 min added)"), or nothing. A phase stored before the
 * time added was kept apart (null) reads as it always did, its whole length as planned: a caveat on every phase of
 * every older session would say less than it costs.
 */
export function timeAddedNote(addedMs: number | null): string {
  return addedMs !== null && addedMs > 0 ? ` (+${formatDuration(addedMs)} added)` : '';
}

/** The summary of a session as it stands, counted up to `endedAt`, from the notes and participants given. */
export function summarizeSession(session: Session, input: { participants: readonly string[]; notes: readonly Note[]; endedAt: number }): Summary {
  return buildSummary({
    topic: session.topic,
    hostId: session.hostId,
    interviewers: session.interviewers,
    candidateId: session.candidateId,
    observers: session.observers,
    level: session.level,
    participants: input.participants,
    phases: session.phases,
    startedAt: session.createdAt,
    endedAt: input.endedAt,
    endReason: session.endReason,
    notes: input.notes,
  });
}
