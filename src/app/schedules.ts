/**
 * Recurring sessions: creating, listing and removing schedules, and starting a session at each occurrence.
 * Occurrences are claimed with a compare-and-set on the schedule's next time, so each starts one session
 * however many instances tick, and a restart neither loses nor repeats one.
 */
import { DAY, HOUR } from '../domain/duration.ts';
import type { Plan } from '../domain/plan.ts';
import { pickRandomPrompt } from '../domain/prompts.ts';
import { type Cron, firstClash, isTimeZone, localKey, nextOccurrence, parseRecurrence, readTimeZone } from '../domain/recurrence.ts';
import type { Workspace } from '../domain/session.ts';
import { DeliveryError, type Logger, type Schedule, type SchedulePeople, StoreUnavailableError } from './ports.ts';
import { type SessionDeps, startSession } from './sessions.ts';

/** Schedules a channel may have at once. */
export const MAX_SCHEDULES_PER_CHANNEL = 10;
/** An occurrence found due later than this (the app was down) is skipped, not started late. */
export const STALE_AFTER_MS = HOUR;
/** Occurrences closer together than this are refused: a session needs time to run. */
export const MIN_INTERVAL_MS = HOUR;
/** The spacing of occurrences is checked over this span after the first (a week and a day: every weekday's cycle). */
const SPACING_SPAN_MS = 8 * DAY;
/** ...and over at least this many occurrences, for schedules sparser than that (days of the month). */
const SPACING_MIN_OCCURRENCES = 3;

export interface ScheduleInput extends Workspace {
  readonly channelId: string;
  readonly userId: string;
  readonly recurrence: string;
  readonly tz: string;
  readonly plan: Plan;
  readonly isAsync: boolean;
}

export type ScheduleOutcome =
  | { ok: true; schedule: Schedule; cron: Cron }
  | { ok: false; error: string }
  /** Its sessions would run at the same time as `clash`'s in the channel: the first would start at `at`. */
  | { ok: false; clash: Schedule; at: number };

/** Thrown inside the creating transaction to undo the insert when a schedule made meanwhile clashes with it. */
class ClashFound extends Error {
  readonly clash: { other: Schedule; at: number };
  constructor(clash: { other: Schedule; at: number }) {
    super('the schedule clashes with another in its channel');
    this.clash = clash;
  }
}

/** When, in the channel, a schedule's sessions would run at the same time as one of `others`. */
function clashWith(candidate: Schedule, cron: Cron, others: readonly Schedule[], now: number): { other: Schedule; at: number } | undefined {
  const recurring = others.flatMap((other) => {
    const parsed = parseRecurrence(other.expression);
    // A schedule this version cannot work out starts nothing (it is removed when due): it clashes with nothing.
    return parsed.ok && isTimeZone(other.tz) ? [{ schedule: other, cron: parsed.value, tz: other.tz, lengthMs: planLength(other.plan), runsFrom: other.lastAt ?? other.nextAt }] : [];
  });
  const found = firstClash({ cron, tz: candidate.tz, lengthMs: planLength(candidate.plan) }, recurring, now);
  return found && { other: found.other.schedule, at: found.at };
}

const planLength = (plan: readonly number[]) => plan.reduce((a, b) => a + b, 0);

export async function createSchedule(deps: SessionDeps, input: ScheduleInput, now: number): Promise<ScheduleOutcome> {
  const parsed = parseRecurrence(input.recurrence);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const zone = readTimeZone(input.tz);
  if (!zone.ok) return { ok: false, error: zone.error };
  const tz = zone.value;
  const cron = parsed.value;
  const first = nextOccurrence(cron, tz, now);
  if (first === undefined) return { ok: false, error: 'That schedule never falls due within the next year.' };
  const gap = smallestGap(cron, tz, first);
  if (gap !== undefined && gap < MIN_INTERVAL_MS) {
    return { ok: false, error: 'Sessions that often would overlap: leave at least an hour between two occurrences.' };
  }
  const plannedMs = planLength(input.plan);
  if (gap !== undefined && gap < plannedMs) {
    return { ok: false, error: 'Each session would still be running when the next one is due: pick a shorter plan or a sparser schedule.' };
  }
  const schedule: Schedule = {
    id: deps.newId().slice(0, 8),
    teamId: input.teamId,
    enterpriseId: input.enterpriseId,
    channelId: input.channelId,
    createdBy: input.userId,
    expression: cron.expression,
    tz,
    plan: input.plan,
    isAsync: input.isAsync,
    nextAt: first,
    lastAt: null,
    lastLocal: null,
    createdAt: now,
  };
  // Compared outside the transaction, which would hold every other write back meanwhile; inside it, only with
  // schedules made since, so two people scheduling clashing sessions at once cannot both be taken.
  const workspace = { teamId: input.teamId, enterpriseId: input.enterpriseId };
  const seen = await deps.store.schedules.inChannel(workspace, input.channelId);
  const clash = clashWith(schedule, cron, seen, now);
  if (clash) return { ok: false, clash: clash.other, at: clash.at };
  const seenIds = new Set(seen.map((s) => s.id));
  try {
    // Counted and inserted in one transaction: two people scheduling at once cannot take a channel past the limit.
    const created = await deps.store.transaction(async (tx) => {
      if (!(await tx.schedules.createWithin(schedule, MAX_SCHEDULES_PER_CHANNEL))) return false;
      const since = (await tx.schedules.inChannel(workspace, input.channelId)).filter((s) => s.id !== schedule.id && !seenIds.has(s.id));
      const late = clashWith(schedule, cron, since, now);
      if (late) throw new ClashFound(late);
      return true;
    });
    if (!created) {
      return { ok: false, error: `A channel can have at most ${MAX_SCHEDULES_PER_CHANNEL} schedules; remove one with \`/mockdesign unschedule <id>\`.` };
    }
  } catch (error) {
    if (error instanceof ClashFound) return { ok: false, clash: error.clash.other, at: error.clash.at };
    throw error;
  }
  return { ok: true, schedule, cron };
}

/**
 * The shortest time between two consecutive occurrences from `first` on, over a full week's cycle (not only the
 * next two: "0,30 9 * * 1" made on a Monday at 09:10 has its next two a week apart, yet runs twice in 30 minutes).
 * Stops at the first gap under an hour; undefined when there is no second occurrence.
 */
function smallestGap(cron: Cron, tz: string, first: number): number | undefined {
  let smallest: number | undefined;
  let previous = first;
  for (let count = 1; ; count++) {
    if (previous - first > SPACING_SPAN_MS && count >= SPACING_MIN_OCCURRENCES) return smallest;
    const next = nextOccurrence(cron, tz, previous);
    if (next === undefined) return smallest;
    const gap = next - previous;
    if (smallest === undefined || gap < smallest) smallest = gap;
    if (smallest < MIN_INTERVAL_MS) return smallest;
    previous = next;
  }
}

export type UnscheduleOutcome =
  | { ok: true; schedule: Schedule; byCreator: boolean }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_creator' | 'unknown'; schedule: Schedule };

/**
 * Removes a schedule: it starts nothing more. Its creator may, and anyone `mayRemoveOthers` allows (asked only for
 * someone else's schedule): a workspace admin, or anyone once the creator's account is gone, or a schedule nobody
 * could remove would start sessions for ever. `mayRemoveOthers` answers undefined when it cannot tell (Slack did
 * not answer): nothing is removed, and the outcome says so rather than that the person may not.
 */
/**
 * The channel's schedule with that id. An id typed by hand often loses its case (a phone's keyboard, `l` for `I`): when
 * no id matches exactly, the one schedule of the channel whose id matches regardless of case is taken. Two that
 * differ only in case (rare among eight random characters) are taken by neither.
 */
async function scheduleNamed(deps: SessionDeps, input: Workspace & { channelId: string; id: string }): Promise<Schedule | undefined> {
  const exact = await deps.store.schedules.find(input.id);
  if (exact) return exact.channelId === input.channelId && exact.teamId === input.teamId && exact.enterpriseId === input.enterpriseId ? exact : undefined;
  const wanted = input.id.toLowerCase();
  const matches = (await deps.store.schedules.inChannel(input, input.channelId)).filter((s) => s.id.toLowerCase() === wanted);
  return matches.length === 1 ? matches[0] : undefined;
}

export async function removeSchedule(
  deps: SessionDeps,
  input: Workspace & { channelId: string; userId: string; id: string },
  now: number,
  mayRemoveOthers: (schedule: Schedule) => Promise<boolean | undefined> = async () => false,
): Promise<UnscheduleOutcome> {
  const schedule = await scheduleNamed(deps, input);
  if (!schedule) return { ok: false, reason: 'not_found' };
  const byCreator = schedule.createdBy === input.userId;
  if (!byCreator) {
    const allowed = await mayRemoveOthers(schedule);
    if (allowed !== true) return { ok: false, reason: allowed === false ? 'not_creator' : 'unknown', schedule };
  }
  // Removed by someone else meanwhile (its creator, another admin): the same answer as a schedule not found.
  if (!(await deps.store.schedules.remove(schedule.id, now))) return { ok: false, reason: 'not_found' };
  return { ok: true, schedule, byCreator };
}

/**
 * Starts the sessions whose schedules fall due: each occurrence once (the compare-and-set decides which instance),
 * skipped when found too late (the app was down) or when its channel already runs a session, and removed when its
 * creator's Slack account is deactivated. Returns how many started. They are started side by side, so one whose
 * creator Slack is slow to look up holds back none of the others, and one that fails does not either; a database
 * that does not answer fails the round (the caller says so once).
 */
export async function fireDueSchedules(deps: FireDeps, now: number, random: () => number = Math.random): Promise<number> {
  const due = await deps.store.schedules.due(now, 20);
  const outcomes = await Promise.allSettled(due.map((schedule) => fireOne(deps, schedule, now, random)));
  let started = 0;
  let unavailable: StoreUnavailableError | undefined;
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') {
      if (outcome.value) started += 1;
      return;
    }
    if (outcome.reason instanceof StoreUnavailableError) {
      unavailable ??= outcome.reason;
      return;
    }
    // Its occurrence was taken (the compare-and-set comes first), so this is said once, not at every tick.
    const schedule = due[i] as Schedule;
    deps.logger.error('could not start a scheduled session', { schedule: schedule.id, team: schedule.teamId, channel: schedule.channelId }, outcome.reason);
  });
  if (unavailable) throw unavailable;
  return started;
}

type FireDeps = SessionDeps & { readonly logger: Logger; readonly people: SchedulePeople };

async function fireOne(deps: FireDeps, schedule: Schedule, now: number, random: () => number): Promise<boolean> {
  const ctx = { schedule: schedule.id, team: schedule.teamId, channel: schedule.channelId };
  // A zone this version does not know (written by a newer one, or by hand): no occurrence can be worked out. Left
  // due, it would fail at every tick, first in every batch, and hold back every other schedule. Removed instead,
  // said once by the instance whose compare-and-set took it.
  if (!isTimeZone(schedule.tz)) {
    if (await deps.store.schedules.advance(schedule.id, schedule.nextAt, null, now, '')) {
      deps.logger.error('removed a schedule whose time zone this version does not know', { ...ctx, tz: schedule.tz });
    }
    return false;
  }
  const parsed = parseRecurrence(schedule.expression);
  const firedLocal = localKey(schedule.nextAt, schedule.tz);
  let ahead = parsed.ok ? nextOccurrence(parsed.value, schedule.tz, schedule.nextAt) : undefined;
  // Occurrences missed while the app was down are not replayed one by one: the schedule moves on past now.
  if (parsed.ok && ahead !== undefined && ahead <= now) ahead = nextOccurrence(parsed.value, schedule.tz, now);
  if (!(await deps.store.schedules.advance(schedule.id, schedule.nextAt, ahead ?? null, now, firedLocal))) return false;
  if (now - schedule.nextAt > STALE_AFTER_MS) {
    deps.logger.warn('skipped a scheduled session that fell due while the app was down', { ...ctx, late_ms: now - schedule.nextAt });
    return false;
  }
  // A creator whose account is deactivated could host nothing (a session's host steers it and hears of its
  // problems), and nobody could take it over: the schedule goes, as a deactivated person's Slack reminders do, and
  // the channel is told, once, by the instance whose compare-and-set took the occurrence. When Slack does not say,
  // the session starts as it always has.
  if ((await deps.people.accountDeactivated(schedule, schedule.createdBy)) === true) {
    if (await deps.store.schedules.remove(schedule.id, now)) {
      deps.logger.info('removed a schedule whose creator\'s Slack account is deactivated', { ...ctx, creator: schedule.createdBy });
      await deps.people.creatorGone(schedule).catch((error: unknown) => {
        deps.logger.warn('could not tell the channel that a schedule was removed', { ...ctx, reason: error instanceof DeliveryError ? error.code : String(error) });
      });
    }
    return false;
  }
  const prompt = pickRandomPrompt(await deps.store.sessions.promptsUsedIn(schedule, schedule.channelId), random);
  const outcome = await startSession(
    deps,
    {
      teamId: schedule.teamId,
      enterpriseId: schedule.enterpriseId,
      channelId: schedule.channelId,
      hostId: schedule.createdBy,
      topic: prompt.title,
      plan: schedule.plan,
      interviewers: [],
      promptId: prompt.id,
      isAsync: schedule.isAsync,
    },
    now,
  );
  if (outcome.kind === 'busy') {
    deps.logger.info('a scheduled session did not start: the channel already runs one', { ...ctx, session: outcome.existing.id });
    // Its creator hears of it once per schedule (claimed first, so no other instance, and no later occurrence,
    // tells them again): the same clash tends to come back at every occurrence.
    if (await deps.store.schedules.firstSkipNotice(schedule.id, now)) {
      await deps.people.scheduleSkipped(schedule, outcome.existing, ahead ?? null).catch((error: unknown) => {
        deps.logger.warn('could not tell a schedule\'s creator that a session was skipped', { ...ctx, reason: error instanceof DeliveryError ? error.code : String(error) });
      });
    }
    return false;
  }
  deps.logger.info('scheduled session started', { ...ctx, session: outcome.session.id, prompt: prompt.id });
  return true;
}
