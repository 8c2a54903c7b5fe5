/**
 * The phase timeline of a session and the steps it schedules. Pure: every function takes the times it
 * needs; nothing here reads a clock.
 */
import { DAY, HOUR, MINUTE, SECOND } from './duration.ts';
import { PHASE_COUNT } from './phases.ts';
import type { Plan } from './plan.ts';
import { isLiveInterview } from './session.ts';

export interface PhaseSlot {
  readonly index: number;
  readonly plannedMs: number;
  /** When the phase starts (or started). Moved by `next`, pause and resume; never recomputed from the plan. */
  readonly startsAt: number;
  /** Time the session spent paused during this phase (shown in the summary beside planned and actual). */
  readonly pausedMs?: number;
}

/**
 * What a step does: posts the session message, a phase, a private nudge to the interviewers (a live interview:
 * at each phase's start and midpoint), a time check, the host's digest at a phase's deadline (an async session)
 * or the summary (in that order), or, outside that order, refreshes the session message (`refresh`), ends a
 * session paused too long (`expire`) or reminds members who have not contributed yet (`remind`).
 */
export type StepKind = 'root' | 'phase' | 'warning' | 'summary' | 'refresh' | 'expire' | 'nudge' | 'digest' | 'remind';

/** Every kind of step, written as a record so that the compiler says when the type gains one. */
const STEP_KIND_RECORD: Record<StepKind, true> = { root: true, phase: true, warning: true, summary: true, refresh: true, expire: true, nudge: true, digest: true, remind: true };
export const STEP_KINDS: readonly StepKind[] = Object.keys(STEP_KIND_RECORD) as StepKind[];

export interface PlannedStep {
  /** Unique within a session: 'root', 'phase:0', 'warning:0', 'summary'. */
  readonly key: string;
  readonly kind: StepKind;
  readonly phaseIndex: number | null;
  readonly dueAt: number;
  /** Posting order within the session. */
  readonly seq: number;
}

export function schedulePhases(plan: Plan, startAt: number): PhaseSlot[] {
  let at = startAt;
  return plan.map((plannedMs, index) => {
    const slot = { index, plannedMs, startsAt: at };
    at += plannedMs;
    return slot;
  });
}

/**
 * When the phase ends: the next phase's start; for the last phase, the session's end when known (a pause
 * in the last phase moves it), otherwise the phase's start plus its length.
 */
export function phaseEnd(phases: readonly PhaseSlot[], index: number, endsAt?: number): number {
  const next = phases[index + 1];
  if (next) return next.startsAt;
  const slot = phases[index];
  if (!slot) throw new RangeError(`No phase ${index}`);
  return endsAt ?? slot.startsAt + slot.plannedMs;
}

export function sessionEnd(phases: readonly PhaseSlot[], endsAt?: number): number {
  return phaseEnd(phases, phases.length - 1, endsAt);
}

/**
 * The time check of a phase under a minute comes at least this long before its end: a warning a second before
 * the end leaves nobody time to wrap up.
 */
export const MIN_SHORT_TIME_CHECK_MS = 5 * SECOND;

/**
 * How long before a phase ends its "time check" is posted; every phase gets one. A fifth of the phase, in a unit a
 * person reads at a glance: rounded down to whole hours for long async phases, to whole minutes from a five-minute
 * phase up, and to whole seconds for phases of one to five minutes (a 1-minute phase gets its check 12 s before the
 * end). A phase under a minute gets its check when a fifth of it is left, rounded to whole seconds, but at least
 * MIN_SHORT_TIME_CHECK_MS before the end and no earlier than half-way, so it never comes before the phase has begun:
 * a 30-second phase at 6 s before the end, a 20-second one at 5 s, a 6-second one half-way (3 s).
 */
export function warningLead(plannedMs: number): number {
  const fifth = plannedMs / 5;
  if (plannedMs < MINUTE) {
    const lead = Math.max(MIN_SHORT_TIME_CHECK_MS, Math.round(fifth / SECOND) * SECOND);
    // Half-way at the earliest; a phase of a millisecond or two has its check as it begins.
    return Math.max(1, Math.min(lead, Math.floor(plannedMs / 2)));
  }
  const unit = fifth >= 2 * HOUR ? HOUR : fifth >= MINUTE ? MINUTE : SECOND;
  return Math.max(unit, Math.floor(fifth / unit) * unit);
}

/**
 * Every step of a new session, in posting order: root message, each phase with its time check (and, for an async
 * session, the host's digest at its deadline), summary. A live
 * interview (`nudges`) also sends the interviewers a private nudge as each phase starts and at its midpoint; they
 * are ordered like the posts, so they move with `next`, pause and resume, and never run ahead of their phase.
 */
export function planSteps(phases: readonly PhaseSlot[], startAt: number, options: { nudges?: boolean; digests?: boolean } = {}): PlannedStep[] {
  const steps: PlannedStep[] = [{ key: 'root', kind: 'root', phaseIndex: null, dueAt: startAt, seq: 0 }];
  for (const phase of phases) {
    steps.push({ key: `phase:${phase.index}`, kind: 'phase', phaseIndex: phase.index, dueAt: phase.startsAt, seq: steps.length });
    if (options.nudges) {
      steps.push({ key: `nudge:start:${phase.index}`, kind: 'nudge', phaseIndex: phase.index, dueAt: phase.startsAt, seq: steps.length });
      const midpoint = phase.startsAt + Math.floor((phaseEnd(phases, phase.index) - phase.startsAt) / 2);
      steps.push({ key: `nudge:mid:${phase.index}`, kind: 'nudge', phaseIndex: phase.index, dueAt: midpoint, seq: steps.length });
    }
    const dueAt = phaseEnd(phases, phase.index) - warningLead(phase.plannedMs);
    steps.push({ key: `warning:${phase.index}`, kind: 'warning', phaseIndex: phase.index, dueAt, seq: steps.length });
    // An async session's host hears at each deadline who contributed to the phase: before the next phase begins.
    if (options.digests) {
      steps.push({ key: `digest:${phase.index}`, kind: 'digest', phaseIndex: phase.index, dueAt: phaseEnd(phases, phase.index), seq: steps.length });
    }
  }
  steps.push({ key: 'summary', kind: 'summary', phaseIndex: null, dueAt: sessionEnd(phases), seq: steps.length });
  return steps;
}

/** The phase under way at `now` (the first one before the session starts, the last one after it ends). */
export function currentPhaseIndex(phases: readonly PhaseSlot[], now: number): number {
  let current = 0;
  for (const phase of phases) if (phase.startsAt <= now) current = phase.index;
  return current;
}

export interface Advance {
  /** The phase that ends now. */
  readonly from: number;
  /** The phase that starts now, or null when `from` was the last phase and the session ends. */
  readonly to: number | null;
  /** Every phase after `from` moves by this much (negative: earlier). Later phases keep their lengths. */
  readonly shiftMs: number;
  /** Steps due at or after this time belonged to later phases and move by `shiftMs`. */
  readonly boundary: number;
  readonly phases: PhaseSlot[];
}

/** `next`: ends the current phase now and starts the next one; later phases keep their planned lengths. */
export function advance(phases: readonly PhaseSlot[], now: number): Advance {
  const from = currentPhaseIndex(phases, now);
  const boundary = phaseEnd(phases, from);
  const shiftMs = now - boundary;
  const moved = phases.map((p) => (p.index > from ? { ...p, startsAt: p.startsAt + shiftMs } : p));
  const to = from + 1 < PHASE_COUNT ? from + 1 : null;
  return { from, to, shiftMs, boundary, phases: moved };
}

/** Resume after a pause: everything still ahead of the pause, the session's end included, moves by the paused span. */
export function resume(
  phases: readonly PhaseSlot[],
  pausedAt: number,
  now: number,
  endsAt?: number,
): { shiftMs: number; phases: PhaseSlot[]; endsAt: number } {
  const shiftMs = Math.max(0, now - pausedAt);
  return {
    shiftMs,
    phases: phases.map((p) => (p.startsAt > pausedAt ? { ...p, startsAt: p.startsAt + shiftMs } : p)),
    endsAt: sessionEnd(phases, endsAt) + shiftMs,
  };
}

/** How long each phase really ran, given when the session ended; null for phases it never reached. */
export function actualDurations(phases: readonly PhaseSlot[], endedAt: number): (number | null)[] {
  return phases.map((p) => {
    if (p.startsAt >= endedAt) return null;
    // The last phase runs until the session ends, however long that was.
    return Math.min(phaseEnd(phases, p.index, endedAt), endedAt) - p.startsAt;
  });
}

/**
 * How long a session may stay paused before it ends itself with its summary: as long as its whole plan, at
 * least an hour (a live mock can wait out a short interruption), at most a week.
 */
export function pauseLimit(phases: readonly PhaseSlot[]): number {
  const planned = phases.reduce((sum, p) => sum + p.plannedMs, 0);
  return Math.min(7 * DAY, Math.max(HOUR, planned));
}

/** Lateness worth telling people about: only when a post is more than a minute behind its schedule. */
export function latenessWorthMentioning(dueAt: number, now: number): number | null {
  const late = now - dueAt;
  return late > MINUTE ? late : null;
}

/**
 * When a live interview's message clock next needs redrawing: the moment the minutes left in the phase under way
 * (hours, for phases over two hours) change, at most once a minute. Undefined when nothing ticks: the session
 * is paused or over, or under a minute of the phase is left (its end redraws the message anyway).
 */
export function nextClockTick(
  session: { status: string; phases: readonly PhaseSlot[]; endsAt: number; candidateId?: string | null; level?: string | null },
  now: number,
): number | undefined {
  // Only a live interview's message carries a clock: a group session's is redrawn at each change and phase only,
  // which keeps a busy workspace well inside Slack's limits on chat.update.
  if (session.status !== 'running' || !isLiveInterview(session)) return undefined;
  const index = currentPhaseIndex(session.phases, now);
  const slot = session.phases[index];
  if (!slot || now < slot.startsAt) return undefined;
  const end = phaseEnd(session.phases, index, session.endsAt);
  const left = end - now;
  if (left <= MINUTE) return undefined;
  const unit = left > 2 * HOUR ? HOUR : MINUTE;
  // The next whole unit of time left: "12 min left" becomes "11 min left" then.
  const step = left % unit || unit;
  return now + Math.max(MINUTE, step);
}

/** How far the phase under way has run, 0 to 1, for the session message's progress bar. */
export function phaseProgress(phases: readonly PhaseSlot[], index: number, endsAt: number, now: number): number {
  const slot = phases[index];
  if (!slot) return 0;
  const end = phaseEnd(phases, index, endsAt);
  if (end <= slot.startsAt) return 1;
  return Math.min(1, Math.max(0, (now - slot.startsAt) / (end - slot.startsAt)));
}
