/**
 * The benchmark's load: which sessions exist, in which channel, starting when, and writing them into the
 * database through the app's own use cases (`startSession`, `pauseSession`) with a chosen `now`.
 */
import type { Lease, Store } from '../src/app/ports.ts';
import { pauseSession, startSession } from '../src/app/sessions.ts';
import { newSessionId } from '../src/compose.ts';
import { parsePlan, type Plan } from '../src/domain/plan.ts';
import { planSteps, schedulePhases } from '../src/domain/timeline.ts';

export const TEAM_ID = 'T0SANDBOX';
export const HOST_ID = 'U0ALICE';
export const WORKSPACE = { teamId: TEAM_ID, enterpriseId: '' } as const;

export function plan(text: string): Plan {
  const parsed = parsePlan(text);
  if (!parsed.ok) throw new Error(`bad plan ${text}: ${parsed.error}`);
  return parsed.value;
}

/** Slack-looking channel ids, one per session: `C` + prefix + number. */
export function channelIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `C${prefix}${String(i).padStart(6, '0')}`);
}

export interface PlannedSession {
  readonly channelId: string;
  readonly startAt: number;
  /** One of the sessions that all start in the same second (and so share every transition's second). */
  readonly burst: boolean;
}

export interface LoadShape {
  readonly sessions: number;
  /** How many sessions start in the very same second; every phase boundary of theirs then falls in one second too. */
  readonly burst: number;
  /** The other sessions start evenly spread over this span. */
  readonly staggerMs: number;
  /** When the burst starts, from the first start. */
  readonly burstAtMs: number;
}

/** Start times from `firstStart`: the burst group at one instant, the rest spread evenly over the stagger span. */
export function planSessions(shape: LoadShape, firstStart: number, channels: readonly string[]): PlannedSession[] {
  const burst = Math.min(shape.burst, shape.sessions);
  const spread = shape.sessions - burst;
  return channels.slice(0, shape.sessions).map((channelId, i) => {
    if (i < burst) return { channelId, startAt: firstStart + (spread > 0 ? shape.burstAtMs : 0), burst: true };
    const k = i - burst;
    return { channelId, startAt: firstStart + Math.floor((k * shape.staggerMs) / Math.max(1, spread)), burst: false };
  });
}

/** The steps a session of this plan posts (root, phases, time checks, summary), as planned from its start. */
export function postingSteps(p: Plan, startAt: number): { key: string; dueAt: number }[] {
  return planSteps(schedulePhases(p, startAt), startAt).map((s) => ({ key: s.key, dueAt: s.dueAt }));
}

export interface SeededSession {
  readonly id: string;
  readonly channelId: string;
  readonly startAt: number;
  readonly burst: boolean;
}

/** Runs `work` over `items` with at most `limit` at once. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  });
  await Promise.all(runners);
}

/** Starts every planned session through the `startSession` use case, with its planned start as `now`. */
export async function seedSessions(store: Store, sessions: readonly PlannedSession[], p: Plan, concurrency: number): Promise<SeededSession[]> {
  const seeded: SeededSession[] = new Array(sessions.length);
  await eachLimited(sessions, concurrency, async (s, i) => {
    const outcome = await startSession(
      { store, newId: newSessionId },
      { ...WORKSPACE, channelId: s.channelId, hostId: HOST_ID, topic: `Benchmark session ${i + 1}`, plan: p, interviewers: [] },
      s.startAt,
    );
    if (outcome.kind !== 'started') throw new Error(`channel ${s.channelId} already had a live session`);
    seeded[i] = { id: outcome.session.id, channelId: s.channelId, startAt: s.startAt, burst: s.burst };
  });
  return seeded;
}

/**
 * Brings seeded sessions to rest the way the dispatcher would, minus Slack: everything due is claimed under a
 * lease and completed, until nothing is due. Leaves live sessions with done history and future steps pending.
 */
export async function completeEverythingDue(store: Store, owner = 'bench-seeder'): Promise<number> {
  const lease: Lease = { owner, leaseMs: 60_000 };
  let total = 0;
  for (;;) {
    const steps = await store.steps.claimDue(lease, 500);
    if (steps.length === 0) return total;
    for (const step of steps) {
      const ts = `${Math.floor(Date.now() / 1000)}.${String(total % 1_000_000).padStart(6, '0')}`;
      if (!(await store.steps.complete(step, owner, step.kind === 'refresh' || step.kind === 'expire' ? null : ts))) {
        throw new Error(`could not complete step ${step.id}`);
      }
      if (step.kind === 'root') await store.sessions.setRoot(step.sessionId, ts, Date.now());
      total += 1;
    }
  }
}

/** Pauses every other session through the `pauseSession` use case (its host pauses it). */
export async function pauseEveryOther(store: Store, sessions: readonly SeededSession[], now: number): Promise<number> {
  let paused = 0;
  for (let i = 0; i < sessions.length; i += 2) {
    const s = sessions[i];
    if (!s) continue;
    const outcome = await pauseSession({ store, newId: newSessionId }, s.id, WORKSPACE, HOST_ID, now);
    if (!outcome.ok) throw new Error(`could not pause ${s.id}: ${outcome.reason}`);
    paused += 1;
  }
  return paused;
}

/** Long phases: started a minute ago, nothing more falls due for 45 minutes. */
export const RESTING_PLAN = '60m/20m/15m/5m';

/**
 * Live sessions with nothing due: started a minute ago (root and first phase delivered, as far as the database
 * knows), later phases far off; every other one paused if asked. Returns how many were paused and the step rows.
 */
export async function seedRestingSessions(
  store: Store,
  sessions: number,
  prefix: string,
  options: { pauseHalf: boolean },
): Promise<{ seeded: SeededSession[]; paused: number; stepRows: number }> {
  const started = Date.now() - 60_000;
  const planned = planSessions({ sessions, burst: 0, staggerMs: 1000, burstAtMs: 0 }, started, channelIds(prefix, sessions));
  const seeded = await seedSessions(store, planned, plan(RESTING_PLAN), store.kind === 'sqlite' ? 1 : 8);
  await completeEverythingDue(store);
  const paused = options.pauseHalf ? await pauseEveryOther(store, seeded, Date.now()) : 0;
  // Pausing plans a root refresh for now: done too, so that nothing at all is due.
  await completeEverythingDue(store);
  let stepRows = 0;
  await eachLimited(seeded, 8, async (s) => {
    const rows = (await store.steps.ofSession(s.id)).length;
    stepRows += rows;
  });
  return { seeded, paused, stepRows };
}
