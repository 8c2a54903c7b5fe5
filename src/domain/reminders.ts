/**
 * Async study groups: when a member who has not contributed to a phase is reminded, and who is. Pure: every
 * function takes the times it needs; time zones are IANA names, read with Intl (daylight-saving changes included).
 */
import { MINUTE } from './duration.ts';
import { isTimeZone } from './recurrence.ts';
import { type PhaseSlot, phaseEnd } from './timeline.ts';

/** A reminder goes when this share of the phase is left (a 2-day phase: about 9.6 h before its deadline). */
export const REMIND_AT_LEFT = 0.2;
/** Reminders fall in the member's daytime: from 09:00 until 20:00 on their clock. */
export const DAY_STARTS_HOUR = 9;
export const DAY_ENDS_HOUR = 20;
/**
 * Reminders land on quarter hours of the member's clock. Every zone's offset from UTC is a whole number of
 * quarter hours, so a quarter hour in UTC is one on every clock.
 */
const SLOT_MS = 15 * MINUTE;
/** A phase is searched for a daytime slot this far at most on each side of the ideal time: a day and a bit. */
const SEARCH_MS = 26 * 60 * MINUTE;

const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** The hour (0–23) on a clock in `tz` at an instant. */
export function localHour(at: number, tz: string): number {
  let format = hourFormats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', hour: 'numeric' });
    hourFormats.set(tz, format);
  }
  return Number(format.format(new Date(at))) % 24;
}

/** Whether an instant is daytime (09:00 to 20:00) on a clock in `tz`. */
export function isDaytime(at: number, tz: string): boolean {
  const hour = localHour(at, tz);
  return hour >= DAY_STARTS_HOUR && hour < DAY_ENDS_HOUR;
}

/** The zone to read a member's clock in: theirs when Slack gave a valid one, else UTC. */
export function zoneOf(tz: string | null | undefined): string {
  return tz && isTimeZone(tz) ? tz : 'UTC';
}

/**
 * When a member is reminded in a phase running from `start` to `end`: when a fifth of it is left, moved earlier to
 * the last daytime quarter hour on their clock when that falls at night (never before the phase starts), or, when
 * the phase has no daytime before then, to its first daytime quarter hour after. Undefined when the phase has no
 * daytime at all before its deadline: no reminder is better than one at 3 a.m.
 */
export function reminderTime(start: number, end: number, tz: string): number | undefined {
  if (end <= start) return undefined;
  const ideal = Math.floor(end - (end - start) * REMIND_AT_LEFT);
  if (isDaytime(ideal, tz)) return ideal;
  // Earlier: the last daytime slot at or before the ideal time, not before the phase starts.
  const floor = Math.max(start, ideal - SEARCH_MS);
  for (let t = Math.floor(ideal / SLOT_MS) * SLOT_MS; t >= floor; t -= SLOT_MS) {
    if (isDaytime(t, tz)) return t;
  }
  // Later: the first daytime slot after it, while the phase still runs.
  const ceiling = Math.min(end, ideal + SEARCH_MS);
  for (let t = Math.ceil(ideal / SLOT_MS) * SLOT_MS; t < ceiling; t += SLOT_MS) {
    if (isDaytime(t, tz)) return t;
  }
  return undefined;
}

/**
 * When to remind a member next, given the time now: the planned reminder time, or, when that has passed (the app
 * was offline, or the phase was moved), now if it is daytime for them, else their next daytime slot before the
 * deadline. Undefined when there is none.
 */
export function nextReminderAt(start: number, end: number, tz: string, now: number): number | undefined {
  if (now >= end) return undefined;
  const planned = reminderTime(start, end, tz);
  if (planned === undefined) return undefined;
  if (planned >= now) return planned;
  if (isDaytime(now, tz)) return now;
  const ceiling = Math.min(end, now + SEARCH_MS);
  for (let t = Math.ceil(now / SLOT_MS) * SLOT_MS; t < ceiling; t += SLOT_MS) {
    if (isDaytime(t, tz)) return t;
  }
  return undefined;
}

export interface Member {
  readonly userId: string;
  readonly tz: string | null;
  readonly joinedAt: number;
  readonly leftAt: number | null;
  readonly mutedAt: number | null;
}

export function isActiveMember(m: Member): boolean {
  return m.leftAt === null;
}

export interface ReminderPlan {
  /** Members to remind now. */
  readonly due: readonly string[];
  /** When the next member falls due in this phase, if any does later. */
  readonly nextAt: number | undefined;
}

/**
 * Who of a phase's members is reminded now: those still in the session, not muted, who joined before their
 * reminder time (someone who joins near a deadline is not told at once that they are behind), have not
 * contributed to the phase and were not reminded in it yet.
 */
export function planReminders(
  phase: { start: number; end: number },
  members: readonly Member[],
  contributed: ReadonlySet<string>,
  reminded: ReadonlySet<string>,
  now: number,
): ReminderPlan {
  const due: string[] = [];
  let nextAt: number | undefined;
  for (const m of members) {
    if (!isActiveMember(m) || m.mutedAt !== null || contributed.has(m.userId) || reminded.has(m.userId)) continue;
    const tz = zoneOf(m.tz);
    const planned = reminderTime(phase.start, phase.end, tz);
    if (planned === undefined || m.joinedAt > planned) continue;
    const at = nextReminderAt(phase.start, phase.end, tz, now);
    if (at === undefined) continue;
    if (at <= now) due.push(m.userId);
    else nextAt = nextAt === undefined ? at : Math.min(nextAt, at);
  }
  return { due, nextAt };
}

/** Someone contributed to a phase: a note, or a reply in the session's thread. */
export interface Contribution {
  readonly phaseIndex: number;
  readonly userId: string;
}

/** A phase's window: from its start until its deadline (the next phase's start). */
export interface PhaseWindow {
  readonly start: number;
  readonly end: number;
}

/** Whether someone was a member for some of a phase: joined before it ended and had not left by the time it began. */
export function wasMemberDuring(m: Member, window: PhaseWindow): boolean {
  return Math.max(m.joinedAt, window.start) < Math.min(m.leftAt ?? Number.POSITIVE_INFINITY, window.end);
}

/** A study group's record, for the summary: per phase, how many of that phase's members contributed to it. */
export interface StudyGroupRecord {
  /** Everyone who was a member during at least one phase. */
  readonly members: number;
  readonly perPhase: readonly number[];
  /** Per phase, how many were members during it: who joined later or left earlier counts only for the phases they were in. */
  readonly membersPerPhase: readonly number[];
}

/**
 * Per phase, how many of the people who were members during it contributed to it, so the summary tells the same
 * story as each deadline's digest: a member who left later keeps what they added, and one who joined late is not
 * counted as missing from the phases before they came.
 */
export function membersContributed(
  members: readonly Member[],
  contributions: readonly Contribution[],
  phases: readonly PhaseSlot[],
  endsAt: number,
): StudyGroupRecord {
  const windows = phases.map((p): PhaseWindow => ({ start: p.startsAt, end: phaseEnd(phases, p.index, endsAt) }));
  const everyone = new Set<string>();
  const perPhase: number[] = [];
  const membersPerPhase: number[] = [];
  windows.forEach((window, i) => {
    const during = new Set(members.filter((m) => wasMemberDuring(m, window)).map((m) => m.userId));
    for (const id of during) everyone.add(id);
    membersPerPhase.push(during.size);
    perPhase.push(new Set(contributions.filter((c) => c.phaseIndex === i && during.has(c.userId)).map((c) => c.userId)).size);
  });
  return { members: everyone.size, perPhase, membersPerPhase };
}

/** The host's digest at a deadline: who of the members contributed to the phase and who did not. */
export interface Digest {
  readonly contributed: readonly string[];
  readonly missing: readonly string[];
  /** People who contributed without joining (a note or a reply is welcome from anyone). */
  readonly others: readonly string[];
}

export function buildDigest(members: readonly Member[], contributors: readonly string[]): Digest {
  const active = members.filter(isActiveMember).map((m) => m.userId);
  const set = new Set(contributors);
  return {
    contributed: active.filter((u) => set.has(u)),
    missing: active.filter((u) => !set.has(u)),
    others: contributors.filter((u) => !active.includes(u)),
  };
}
