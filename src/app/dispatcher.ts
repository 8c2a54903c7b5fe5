/**
 * Delivers due steps. A pool of workers claims due steps under a lease owned by this instance, posts them
 * through the Messenger and records the result. A worker that finishes takes the next due step at once; the
 * tick (and a timer set to the next due time) only wakes the pool. A session's steps go out in order because
 * the claim hands out only the earliest unfinished step of a session, whichever instance asks.
 */
import { MINUTE, SECOND } from '../domain/duration.ts';
import type { Session } from '../domain/session.ts';
import { planReminders } from '../domain/reminders.ts';
import { currentPhaseIndex, nextClockTick, phaseEnd, STEP_KINDS } from '../domain/timeline.ts';
import { finish, holdSession, releaseSession, UNREADABLE_SESSION } from './sessions.ts';
import { DeliveryError, type HostNotice, type Lease, type LogFields, type Logger, type Messenger, type Repositories, PRIVATE_PART, type SessionAddress, type SessionSnapshot, type Step, type Store, StoreUnavailableError, type UnreadableSession } from './ports.ts';
import { createPacer, type Pacer } from './pacer.ts';

export interface DispatcherDeps {
  readonly store: Store;
  readonly messenger: Messenger;
  readonly logger: Logger;
  readonly clock: () => number;
  /** Names this process's leases; unique per process. */
  readonly instanceId: string;
  /** Posts in flight at once. Slack answers in 100–300 ms, so throughput needs many. */
  readonly concurrency?: number;
  /** How long a claimed step is ours without news before another instance may take it over. */
  readonly leaseMs?: number;
  /** Least time between two posts to the same channel (Slack allows about one a second). */
  readonly channelIntervalMs?: number;
  /** Wake at the next due time instead of waiting for the tick (off in tests that move a fixed clock). */
  readonly wakeAtNextDue?: boolean;
  /** Real elapsed time for pacing; tests that move a fixed clock pass it here. */
  readonly monotonic?: () => number;
}

/** The Web API client gives up on a request after this long. */
export const REQUEST_TIMEOUT_MS = 10 * SECOND;
/**
 * After a post began, how long until looking for it in the channel can be trusted: our request may still be
 * in progress at Slack after we gave up on it. A post Slack accepts later than this after we sent it is the
 * one case that can still be doubled (see the README's Reliability section).
 */
export const SETTLE_MS = REQUEST_TIMEOUT_MS + 10 * SECOND;
/**
 * A claim records when a post may have begun (`sent_at`), so a step posted within this long of being claimed
 * needs no write of its own before it goes out; one held up longer (by the channel's pacing) records the moment
 * again (`beginPost`). The settle time above leaves 10 s beyond the request's timeout, so this second is spent
 * from a margin, never from the timeout.
 */
export const FRESH_CLAIM_MS = SECOND;
/** A worker waits this long at most for its channel's pacing; a longer wait goes back to the schedule. */
export const PACE_HOLD_MS = 200;
/** Longer than the settle time, so a step taken over from a dead instance can be looked for at once. */
export const DEFAULT_LEASE_MS = 30 * SECOND;
/**
 * Posts in flight at once. With Slack answering in 100–300 ms, 1,000 sessions started in one second (2,000 posts)
 * need this many to go out within the second on two cores; the memory it takes is bounded by the heap growth
 * `npm start` sets (see the README's decisions).
 */
export const DEFAULT_CONCURRENCY = 600;

/**
 * While the database does not answer, the tick tries a claim again after 1, 2, 4 and 8 s, then every 10 s: an
 * outage costs each instance a connection attempt every 10 s, not every second (and a SQLite file locked by another
 * connection, whose busy wait blocks the process, holds it a tenth of the time, not all of it). A post waits at most
 * that long after the database is back, unless a change written meanwhile wakes the dispatcher sooner.
 */
export const OUTAGE_MAX_WAIT_MS = 10 * SECOND;
export function outageWaitMs(failedClaims: number): number {
  return Math.min(OUTAGE_MAX_WAIT_MS, SECOND * 2 ** Math.max(0, failedClaims - 1));
}

/** Failures retry with exponential backoff capped here, and give up after MAX_ATTEMPTS (429s do not count). */
export const MAX_BACKOFF_MS = 5 * MINUTE;
export const MAX_ATTEMPTS = 60;
/** Reminders sent by one run at most (each is a Web API call); a bigger group's rest go a second later. */
export const REMIND_BATCH = 20;
/** A reminder run that fails (the database, not Slack) is tried again with backoff this often before it stops. */
export const REMIND_MAX_ATTEMPTS = 10;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, SECOND * 2 ** Math.max(0, attempts - 1));
}

/** What a delivery answers when the worker should look for the session's next step itself. */
const ASK = Symbol('ask');

/** How many steps one claim takes at most; a busy pool claims again as workers free up. */
const CLAIM_BATCH = 200;
/**
 * Claims after a first one are spaced at least this far apart: each then takes everything that fell due, or every
 * slot that freed up, in the meantime, instead of one claim (and one commit) per step. Costs a post at most this.
 */
const CLAIM_GAP_MS = 20;
/** The tick already wakes the pool every second; the timer matters only for what falls due sooner. */
const WAKE_HORIZON_MS = 1500;
/**
 * When the timer is set for a step, the posts falling due from now to this long after it are counted, and the
 * messenger gets ready to send that many (see Messenger.prepare): a wave after a quiet spell would otherwise first
 * wait for its connections to Slack to be made, hundreds at once. Counted once per this span of the schedule.
 */
const PREPARE_SPAN_MS = SECOND;

export interface Dispatcher {
  /**
   * The heartbeat: claims what is due and starts posting it; resolves with how many steps it claimed, not when they
   * are posted. While the database does not answer it tries a claim with backoff (see outageWaitMs), not every time.
   */
  tick(): Promise<number>;
  /**
   * Claims what is due at once, whatever the backoff: for a change just written (a session started, a phase moved),
   * which also shows that the database answers.
   */
  wake(): Promise<number>;
  /** False from the moment a claim finds the database not answering until one succeeds again. */
  readonly databaseAnswers: boolean;
  /** Resolves once every claim and post started so far has finished. */
  drain(): Promise<void>;
  /** Claims nothing more (shutdown); posts under way finish. */
  stop(): void;
  readonly inFlight: number;
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { store, messenger, logger: log, clock } = deps;
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  const lease: Lease = { owner: deps.instanceId, leaseMs: Math.max(deps.leaseMs ?? DEFAULT_LEASE_MS, SETTLE_MS + SECOND) };
  const owner = lease.owner;
  const pacer: Pacer = createPacer(
    deps.channelIntervalMs ?? SECOND,
    deps.monotonic ? { now: deps.monotonic, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) } : undefined,
  );
  const workers = new Set<Promise<void>>();
  let pumping: Promise<number> | null = null;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let claimFailingSince: number | null = null;
  let orphansWanted = false;
  let lastClaimErrorLog = 0;
  let refilling: Promise<void> | null = null;
  /** On real time, claims are spaced (see CLAIM_GAP_MS); tests that move a fixed clock claim at once. */
  const claimGapMs = deps.wakeAtNextDue ? CLAIM_GAP_MS : 0;
  let lastClaimAt = Number.NEGATIVE_INFINITY;
  /** The time on our clock when the last claim looked for due steps (see armTimer). */
  let claimedAsOf = clock();
  /** The schedule up to this time has been prepared for (see PREPARE_SPAN_MS). */
  let preparedThrough = Number.NEGATIVE_INFINITY;
  const readSession = batched((ids) => store.sessions.findMany(ids));
  const background = new Set<Promise<unknown>>();
  /** Notices to hosts whose DM failed, waiting to be sent again (see tellHostOnce). */
  let noticesToRetry: UnsentNotice[] = [];
  /**
   * Since when the database has not answered, what that has cost so far, and when the tick next tries it (see
   * databaseDown and outageWaitMs); null while it answers.
   */
  let outage: { since: number; failedClaims: number; interrupted: number; nextTryAt: number } | null = null;
  /** Steps workers held when the database stopped answering, by id, and whether their post had begun (see interrupt). */
  const interrupted = new Map<number, { step: Step; began: boolean }>();
  /**
   * Claims whose call failed while the database did not answer: each may have taken steps that no worker holds (the
   * change made, the answer lost). They are handed back with the interrupted steps (see handBack and claiming).
   */
  const lostClaims = new Set<number>();
  let lastClaimId = 0;
  /** Steps whose post has begun in this attempt: a request for them may have reached Slack. */
  const begun = new WeakSet<Step>();

  /** `orphans`: also take over steps whose owner died (the tick asks; the refill after each post does not). */
  function pump(orphans = false): Promise<number> {
    if (stopped) return Promise.resolve(0);
    if (pumping) {
      again = true;
      orphansWanted ||= orphans;
      return pumping;
    }
    orphansWanted = orphans;
    const run = (async () => {
      // The steps an outage caught go back to the schedule first, so that this claim can take them at once.
      if (interrupted.size > 0 || lostClaims.size > 0) await handBack();
      let claimed = 0;
      do {
        again = false;
        const room = concurrency - workers.size;
        if (room <= 0) break;
        const batch = Math.min(room, CLAIM_BATCH);
        lastClaimAt = performance.now();
        claimedAsOf = clock();
        const steps = await claiming((claim) => store.steps.claimDue(claim, batch, { orphans: orphansWanted }));
        if (outage) databaseBack();
        orphansWanted = false;
        for (const step of steps) launch(step);
        claimed += steps.length;
        // A full batch means more may be due right now.
        if (steps.length === batch) again = true;
      } while (again && !stopped);
      return claimed;
    })();
    pumping = run
      .then((claimed) => {
        if (claimFailingSince !== null) log.info('claiming due posts works again', { failing_ms: clock() - claimFailingSince });
        claimFailingSince = null;
        return claimed;
      })
      .catch((error: unknown) => {
        if (error instanceof StoreUnavailableError) {
          // The tick tries again (one claim at a time, a second apart); each try that fails is counted, not logged.
          const known = outage !== null;
          const down = databaseDown(error);
          down.failedClaims += 1;
          const waitMs = outageWaitMs(down.failedClaims);
          down.nextTryAt = clock() + waitMs;
          if (known) log.debug('the database still does not answer', { failing_ms: clock() - down.since, failed_claims: down.failedClaims, next_try_ms: waitMs, reason: error.message });
          return 0;
        }
        // The claim itself fails, perhaps for a while: say so at once, then once a minute, not every tick.
        const now = clock();
        if (claimFailingSince === null || now - lastClaimErrorLog >= MINUTE) {
          log.error('could not claim due posts', { failing_ms: claimFailingSince === null ? 0 : now - claimFailingSince }, error);
          lastClaimErrorLog = now;
        }
        claimFailingSince ??= now;
        return 0;
      })
      .finally(() => {
        pumping = null;
        // A full pool is refilled as workers finish; only one with room needs waking for what falls due next (and
        // while the database does not answer, the tick is the only one to try it).
        if (deps.wakeAtNextDue && workers.size < concurrency && !outage) void armTimer();
      });
    return pumping;
  }

  /**
   * Sets a timer for the next step that falls due before the next tick would notice it. The next step is looked for
   * from the time the last claim looked, not from now: one that fell due since (while that claim waited its turn in
   * the database, or a timer woke a little early, or while this asks) was not seen by it, and is claimed at once
   * instead of at the next tick. A step that was already due then but not claimable (waiting its turn, or the pool
   * was full) is not returned; finishing work pumps again for it.
   */
  async function armTimer(): Promise<void> {
    if (stopped || (timer && timerAt - clock() <= claimGapMs)) return;
    const next = await store.steps.nextRunAt(claimedAsOf).catch(() => undefined);
    if (next === undefined) return;
    const dueIn = next - clock();
    if (dueIn > WAKE_HORIZON_MS || next >= timerAt) return;
    const delay = Math.max(0, dueIn, lastClaimAt + claimGapMs - performance.now());
    if (timer) clearTimeout(timer);
    timerAt = next;
    timer = setTimeout(() => {
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      void pump();
    }, delay);
    timer.unref();
    if (next > preparedThrough) await prepareFor(next);
  }

  /** Readies the messenger for the posts due from now to a span after `at`, at most as many as the pool sends at once. */
  async function prepareFor(at: number): Promise<void> {
    preparedThrough = at + PREPARE_SPAN_MS;
    // Only a head start: a count that fails leaves the wave to connect as it goes.
    const coming = await store.steps.countDue(clock(), preparedThrough, concurrency).catch(() => 0);
    if (coming > 0) messenger.prepare(coming);
  }

  /**
   * Many workers finish at once in a burst: one claim, made once they have all finished, fills every free slot,
   * instead of one claim per finished worker.
   */
  function refill(): void {
    // While the database does not answer, only the tick tries it again: not every worker that gives up.
    if (stopped || refilling || outage) return;
    const wait = lastClaimAt + claimGapMs - performance.now();
    refilling = new Promise<void>((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve))).then(() => {
      refilling = null;
      return pump().then(() => undefined);
    });
  }

  function launch(first: Step): void {
    // The claimed step this worker is responsible for, if any: the one to hand back if the database stops answering.
    let held: Step | undefined;
    const run = (async () => {
      let step: Step | undefined = first;
      while (step) {
        held = step;
        const next = await deliver(step);
        held = next === ASK ? undefined : next;
        if (step.seq < 0) break;
        // A completed post took the session's next step in the same transaction when it was due (it is ours now
        // and goes out even if we are stopping); after anything else, look once more.
        const sessionId: string = step.sessionId;
        step = next !== ASK ? next : stopped ? undefined : await claiming((claim) => store.steps.claimNextOfSession(sessionId, claim));
      }
    })()
      .catch((error: unknown) => {
        if (error instanceof StoreUnavailableError) {
          if (held) interrupt(held, error);
          else databaseDown(error, { session: first.sessionId });
          return;
        }
        log.error('a delivery worker failed', { session: first.sessionId, step: first.key }, error);
      })
      .finally(() => {
        workers.delete(run);
        refill();
      });
    workers.add(run);
  }

  /** Everything the session message and the summary show, around the session as already read. */
  async function snapshotOf(session: Session): Promise<SessionSnapshot> {
    const [notes, participants, study] = await Promise.all([
      store.sessions.notes(session.id),
      store.sessions.participants(session.id),
      // A study group's message shows its members and who of them added to the phase under way.
      session.isAsync ? studyGroupOf(session, currentPhaseIndex(session.phases, clockOf(session))) : undefined,
    ]);
    return { session, notes, participants, ...study };
  }

  /** The time a session's message reads its phase at: when it paused, while paused. */
  function clockOf(session: Session): number {
    return session.status === 'paused' && session.pausedAt !== null ? session.pausedAt : clock();
  }

  async function studyGroupOf(session: Session, phaseIndex: number): Promise<Pick<SessionSnapshot, 'members' | 'contributors'>> {
    const [members, contributors] = await Promise.all([store.members.list(session.id), store.members.contributors(session.id, phaseIndex)]);
    return { members, contributors };
  }

  /** What a step's messages are rendered from: a phase or a time check needs only the session. */
  async function snapshotFor(step: Step, session: Session): Promise<SessionSnapshot> {
    if (step.kind === 'phase' || step.kind === 'warning') return { session, notes: [], participants: [] };
    if (step.kind === 'digest') return { session, notes: [], participants: [], ...(await studyGroupOf(session, step.phaseIndex ?? 0)) };
    const snapshot = await snapshotOf(session);
    if (step.kind !== 'summary') return snapshot;
    // Only the summary shows scorecards (once revealed), and a study group's contributions per phase: no other
    // step pays for reading them.
    const [scorecards, contributions] = await Promise.all([
      store.scorecards.forSession(session.id),
      session.isAsync ? store.members.contributions(session.id) : undefined,
    ]);
    return { ...snapshot, scorecards, ...(contributions ? { contributions } : {}) };
  }

  /**
   * Posts a step and records the outcome. Resolves with the session's next step when the completion claimed it
   * (undefined: none is due yet), or ASK when the worker should look for it itself.
   */
  async function deliver(step: Step): Promise<Step | undefined | typeof ASK> {
    // Every step delivered was claimed just now (by the pool, or by the completion of the step before it).
    const claimedAt = performance.now();
    const found = await readSession(step.sessionId);
    if (!found) {
      await store.steps.fail(step, owner, 'session missing');
      return ASK;
    }
    if (isUnreadable(found)) {
      await setAside(step, found);
      return undefined;
    }
    if (step.lastError?.startsWith(UNREADABLE_SESSION)) log.info('a session that could not be read reads again', { session: found.id });
    let session: Session = found;
    const ctx = { session: step.sessionId, step: step.key, attempt: step.attempts, team: session.teamId, channel: session.channelId };
    if (step.kind === 'expire') {
      await expire(step, session);
      return ASK;
    }
    if (step.kind === 'refresh') {
      await refresh(step, session, ctx);
      return ASK;
    }
    if (step.kind === 'remind') {
      await remind(step, session, ctx);
      return ASK;
    }
    if (session.status === 'ended' && (step.kind === 'phase' || step.kind === 'warning' || step.kind === 'digest')) {
      await store.steps.fail(step, owner, 'session already ended');
      return ASK;
    }
    let began = false;
    try {
      if (step.kind === 'summary' && session.status !== 'ended') {
        // The plan ran its course: the session ends as its summary falls due.
        await store.transaction(async (tx) => {
          await tx.sessions.end(session.id, step.dueAt, null);
          await tx.steps.cancelPending(session.id, ['expire'], 'session ended');
        });
        // The summary shows the session as it ended.
        const ended = await store.sessions.find(session.id);
        if (!ended) throw new Error(`session ${session.id} vanished`);
        session = ended;
      }
      const snapshot = await snapshotFor(step, session);
      const now = clock();
      // A step sent person by person (a nudge) goes to the people it began with: recorded with its first post
      // (beginPost), it stays theirs through retries, whoever is on the panel by then (see Step.audience).
      const audience = step.audience === null ? messenger.audienceOf(snapshot, step) : undefined;
      const sent = audience ? { ...step, audience } : step;
      const parts = messenger.partsOf(snapshot, sent, now);
      let done = step.progress;
      let firstTs = step.postedTs;
      if (step.uncertain) {
        // An earlier attempt may have reached Slack: adopt what is already there instead of posting it again.
        while (done < parts) {
          const ts = await messenger.find(snapshot, sent, done);
          if (!ts) break;
          firstTs ??= ts;
          done += 1;
          if (!(await store.steps.recordProgress(step, owner, done, firstTs))) return lostLease(step, ctx);
          log.info('adopted a message an earlier attempt had posted', { ...ctx, part: done - 1 });
          // A private part is taken as sent without being seen: only the one in flight may have gone, not those after it.
          if (ts === PRIVATE_PART) break;
        }
      }
      // A channel that cannot take a post for a while (a session that fell behind has several due at once) must
      // not hold a worker for that long: with hundreds of such sessions, sleeping workers would leave too few to
      // keep up, and the backlog would grow on itself. The step waits in the schedule instead.
      const paced = done === 0 ? pacer.delay(session.channelId) : 0;
      if (paced > PACE_HOLD_MS) {
        await store.steps.retry(step, owner, { delayMs: paced, error: step.lastError ?? 'paced', uncertain: false, countAttempt: false });
        return undefined;
      }
      // Recorded with the first beginPost of this attempt; the parts after it have nothing more to record.
      let toRecord = audience;
      while (done < parts) {
        await pacer.wait(session.channelId);
        // The claim stands for the first post's start when that post goes at once; otherwise the start is recorded
        // (and the lease checked and renewed) before the post. An audience to record is recorded before the first
        // part goes.
        const fresh = done === 0 && !step.uncertain && performance.now() - claimedAt < FRESH_CLAIM_MS && !toRecord;
        if (!fresh && !(await store.steps.beginPost(step, lease, toRecord))) return lostLease(step, ctx);
        toRecord = undefined;
        began = true;
        begun.add(step);
        const ts = await messenger.post(snapshot, sent, done, now).catch(async (error: unknown) => {
          if (!(error instanceof DeliveryError) || error.kind !== 'unreachable') throw error;
          // One member of the panel cannot be written to privately: only their message is lost, the others go.
          await unreachable(session, error, { ...ctx, part: done });
          return PRIVATE_PART;
        });
        firstTs ??= ts;
        done += 1;
        // Each part but the last is recorded as it goes out; the last one is recorded by the completion.
        if (done < parts && !(await store.steps.recordProgress(step, owner, done, firstTs))) return lostLease(step, ctx);
      }
      // A study group counts the replies in its thread, and Slack sends a channel's messages only to its members: in a
      // public channel the app posted to without being one, it joins (a private one has had to /invite it already).
      if (step.kind === 'root' && session.isAsync && firstTs) await messenger.join(session).catch(() => false);
      const resumes = session.status === 'paused' && session.pauseReason === 'not_in_channel';
      const current = session;
      // The session message's permalink goes into the same commit when it can be written without asking Slack: a
      // burst of new sessions then makes one write each the fewer. Otherwise it is asked for after (remember).
      const link = step.kind === 'root' && firstTs ? await messenger.writtenPermalink(session, firstTs).catch(() => undefined) : undefined;
      const outcome = await claiming((claim) =>
        store.transaction(async (tx) => {
          // The session's next step, when it is due, is taken in the same commit: the worker goes on with it. (Not after
          // a post outside the session's order, such as a change to the clock said in the thread: the worker stops there.)
          const taken = resumes || stopped || step.seq < 0 ? (await tx.steps.complete(step, owner, firstTs, done)) && ASK : await tx.steps.completeAndTakeNext(step, claim, firstTs, done);
          if (taken === false) return false;
          if (step.kind === 'root' && firstTs) await tx.sessions.setRoot(current.id, firstTs, clock(), link ?? null);
          // The session message shows the phase under way. Phase 1 starts with the session, so the message posted
          // just before it already shows it: no update then (a burst of new sessions costs one call less each).
          if ((step.kind === 'phase' && step.phaseIndex !== 0) || step.kind === 'summary') await tx.steps.upsert(current.id, 'refresh', 'refresh', clock());
          return taken;
        }),
      );
      if (outcome === false) return lostLease(step, ctx);
      const late = clock() - step.dueAt;
      log.info('posted', { ...ctx, late_ms: late > MINUTE ? late : undefined });
      if (step.kind === 'root' && firstTs && !link) remember(session, firstTs);
      if (resumes) await carryOn(session);
      return outcome;
    } catch (error) {
      // Nothing can be recorded while the database does not answer: the worker stops (see interrupt).
      if (error instanceof StoreUnavailableError) throw error;
      await handleFailure(step, session, error, ctx, began);
      return ASK;
    }
  }

  /**
   * The database stopped answering: said once, as it begins, with the reason. What fails after that (each claim the
   * tick tries, each post caught in it) is counted, and the count said when it answers again (databaseBack).
   */
  function databaseDown(error: StoreUnavailableError, fields: LogFields = {}): NonNullable<typeof outage> {
    if (outage) return outage;
    outage = { since: clock(), failedClaims: 0, interrupted: 0, nextTryAt: Number.NEGATIVE_INFINITY };
    log.error('the database does not answer; posts wait until it does', fields, error);
    return outage;
  }

  function databaseBack(): void {
    if (!outage) return;
    log.info('the database answers again; posts resume', { down_ms: clock() - outage.since, failed_claims: outage.failedClaims, posts_interrupted: outage.interrupted });
    outage = null;
  }

  /**
   * A worker's step when the database stopped answering: nothing about it can be written now. It goes back to the
   * schedule as soon as the database answers (handBack), instead of staying claimed until its lease runs out: a
   * step taken over after its lease counts as possibly posted, and is looked for in Slack before it is posted
   * again, and a private part in doubt (a nudge, a digest), which cannot be looked for, is taken as sent. Handed
   * back, only a step whose post had begun is treated so.
   */
  function interrupt(step: Step, error: StoreUnavailableError): void {
    const down = databaseDown(error, { session: step.sessionId, step: step.key });
    down.interrupted += 1;
    // Bounded by the pool (a worker holds one step); past it, a step waits out its lease, as after a crash.
    if (interrupted.size < concurrency) interrupted.set(step.id, { step, began: begun.has(step) });
  }

  /**
   * Runs a call that may claim steps under a claim id of its own. If it fails because the database does not answer,
   * the claim may still have been made: its id is kept, and its steps are handed back once the database answers
   * (handBack), instead of waiting out their lease and then counting as possibly posted.
   */
  async function claiming<T>(call: (claim: Lease) => Promise<T>): Promise<T> {
    const claimId = ++lastClaimId;
    try {
      return await call({ ...lease, claimId });
    } catch (error) {
      // Bounded: claims back off while the database does not answer; past the bound, steps wait out their lease.
      if (error instanceof StoreUnavailableError && lostClaims.size < MAX_LOST_CLAIMS) lostClaims.add(claimId);
      throw error;
    }
  }

  /**
   * Hands the steps an outage caught back to the schedule: those workers held (see interrupt) and those of claims
   * whose answer was lost (see claiming). Throws while the database still does not answer.
   */
  async function handBack(): Promise<void> {
    const waiting = [...interrupted.values()];
    const lost = [...lostClaims];
    try {
      await store.transaction(async (tx) => {
        // Never seen by any worker here, so never begun: they go at once (one taken over from a dead owner is
        // still looked for first).
        if (lost.length > 0) await tx.steps.releaseLostClaims(owner, lost, DATABASE_DOWN);
        for (const { step, began } of waiting) {
          // The outage costs the step no attempt. A post that may have reached Slack is looked for first, once settled.
          await tx.steps.retry(step, owner, { delayMs: 0, settleMs: began ? SETTLE_MS : 0, error: DATABASE_DOWN, uncertain: began, countAttempt: false });
        }
      });
      databaseBack();
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      // Not the outage: these steps wait out their leases and are taken over, as after a crash.
      log.error('could not hand back the posts a database outage interrupted; they are taken over after their lease', { steps: waiting.length, claims: lost.length }, error);
    }
    for (const { step } of waiting) interrupted.delete(step.id);
    for (const id of lost) lostClaims.delete(id);
  }

  /**
   * The step is no longer ours: cancelled while it was being posted (a half-way nudge when its phase is left
   * early), or our lease ran out while we were slow and another instance took it over, so it is theirs now.
   */
  async function lostLease(step: Step, ctx: Record<string, string | number>): Promise<undefined> {
    const now = await store.steps.find(step.id).catch(() => undefined);
    if (now?.state === 'cancelled') log.info('stopped posting a step cancelled meanwhile', { ...ctx, reason: now.lastError ?? undefined });
    else log.warn('gave up a step another instance took over', ctx);
    return undefined;
  }

  /**
   * The root message's permalink, asked of Slack and written beside the session: not awaited by the worker, whose
   * next post (the first phase, due with the root) need not wait for a Web API call. `drain` waits for it.
   */
  function remember(session: Session, ts: string): void {
    const task = messenger
      .permalink(session, ts)
      .catch(() => undefined)
      .then((link) => (link ? store.sessions.setPermalink(session.id, link) : undefined))
      .catch((error: unknown) => log.warn('could not record the permalink of the session message', { session: session.id, reason: describe(error) }))
      .finally(() => background.delete(task));
    background.add(task);
  }

  /** Someone invited the bot and a retry went through: the session carries on by itself. */
  async function carryOn(session: Session): Promise<void> {
    await store.transaction(async (tx) => {
      const current = await tx.sessions.findForUpdate(session.id);
      if (current?.status === 'paused' && current.pauseReason === 'not_in_channel') await releaseSession(tx, current, clock());
    });
    log.info('posting works again; the session carries on', { session: session.id, channel: session.channelId });
  }

  /** Re-renders the session message from current state: idempotent, so a missed update heals at the next one. */
  async function refresh(step: Step, session: Session, ctx: Record<string, string | number>): Promise<void> {
    try {
      const now = clock();
      if (session.rootTs) await messenger.updateRoot(await snapshotOf(session), now);
      await store.steps.complete(step, owner, null);
      // The clock on the session message: the next redraw, when the minutes left change (none while paused).
      const tick = nextClockTick(session, now);
      if (tick !== undefined) await store.steps.upsert(session.id, 'refresh', 'refresh', tick);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      const e = error instanceof DeliveryError ? error : undefined;
      if (e?.kind === 'rate_limited') {
        pacer.block(session.channelId, e.options.retryAfterMs ?? SECOND);
        await store.steps.retry(step, owner, { delayMs: e.options.retryAfterMs ?? SECOND, error: e.code, uncertain: false, countAttempt: false });
      } else if ((e?.kind === 'transient' || !e) && step.attempts < 5) {
        await store.steps.retry(step, owner, { delayMs: backoffMs(step.attempts), error: e?.code ?? describe(error), uncertain: false, countAttempt: true });
      } else {
        log.warn('could not update the session message', { ...ctx, reason: e?.code ?? describe(error) });
        await store.steps.fail(step, owner, e?.code ?? describe(error));
      }
    }
  }

  /**
   * An async session's reminders: members due one in the phase under way get it now (each recorded before it is
   * sent: at most one per phase and person, whatever happens); then the step plans its next run, for the next
   * member due in this phase or the start of the next phase. A failed reminder is logged, not retried: it is a
   * nudge, and the deadline digest still tells the host.
   */
  async function remind(step: Step, session: Session, ctx: Record<string, string | number>): Promise<void> {
    try {
      await remindNow(step, session, ctx);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      // Reading members or recording a reminder failed: try again with backoff; a run that never works stops,
      // said once, until the next change to the session (a join, next, resume) plans it again.
      if (step.attempts < REMIND_MAX_ATTEMPTS) {
        await store.steps.retry(step, owner, { delayMs: backoffMs(step.attempts), error: describe(error), uncertain: false, countAttempt: true });
      } else {
        log.error('stopped working out reminders after repeated failures', ctx, error);
        await store.steps.fail(step, owner, describe(error));
      }
    }
  }

  async function remindNow(step: Step, session: Session, ctx: Record<string, string | number>): Promise<void> {
    const now = clock();
    let next: number | undefined;
    if (session.status === 'running' && session.isAsync) {
      const index = currentPhaseIndex(session.phases, now);
      const slot = session.phases[index];
      const end = phaseEnd(session.phases, index, session.endsAt);
      if (slot && now >= slot.startsAt && now < end) {
        const [members, contributors, reminded] = await Promise.all([
          store.members.list(session.id),
          store.members.contributors(session.id, index),
          store.members.reminded(session.id, index),
        ]);
        const plan = planReminders({ start: slot.startsAt, end }, members, new Set(contributors), new Set(reminded), now);
        const batch = plan.due.slice(0, REMIND_BATCH);
        next = plan.due.length > batch.length ? now + SECOND : plan.nextAt;
        let sent = 0;
        const failures: string[] = [];
        for (const user of batch) {
          if (!(await store.members.markReminded(session.id, user, index, now))) continue;
          try {
            await messenger.remind(session, user, index);
            sent += 1;
          } catch (error) {
            const e = error instanceof DeliveryError ? error : undefined;
            failures.push(e?.code ?? describe(error));
            // Slack asks us to slow down, or no longer lets us post at all: the rest of the batch waits for the next run.
            if (e?.kind === 'rate_limited') {
              // This one was not sent either: it goes with them.
              await store.members.unmarkReminded(session.id, user, index, now);
              next = now + (e.options.retryAfterMs ?? SECOND);
              break;
            }
            if (e?.kind === 'auth_revoked') break;
          }
        }
        if (sent > 0) log.info('reminded members', { ...ctx, phase: index + 1, members: sent });
        if (failures.length > 0) log.warn('could not remind some members', { ...ctx, phase: index + 1, failed: failures.length, reason: failures[0] });
      }
      // Nothing more in this phase: the next phase's reminders are worked out when it starts.
      const following = session.phases[index + 1];
      if (next === undefined && following && following.startsAt > now) next = following.startsAt;
    }
    // Re-planned while it ran (someone joined, the phases moved): that newer plan stands.
    if (!(await store.steps.complete(step, owner, null))) return;
    if (next !== undefined) await store.steps.upsert(session.id, 'remind', 'remind', next);
  }

  /** A session paused longer than its limit ends itself; its summary follows as the next step. */
  async function expire(step: Step, session: Session): Promise<void> {
    const ended = await store.transaction(async (tx) => {
      const current = await tx.sessions.findForUpdate(session.id);
      if (!(await tx.steps.complete(step, owner, null))) return false;
      if (current?.status !== 'paused') return false;
      await finish(tx, current, clock(), 'paused_too_long');
      return true;
    });
    if (ended) log.info('a session paused past its limit ended itself', { session: session.id, channel: session.channelId });
  }

  async function handleFailure(step: Step, session: Session, error: unknown, ctx: Record<string, string | number>, began: boolean): Promise<void> {
    if (!(error instanceof DeliveryError)) {
      log.error('unexpected error while posting', ctx, error);
      await retryOrGiveUp(step, session, describe(error), began);
      return;
    }
    switch (error.kind) {
      case 'rate_limited': {
        const wait = error.options.retryAfterMs ?? SECOND;
        // Nothing was posted, and waiting is not failing: the attempt is given back.
        pacer.block(session.channelId, wait);
        // Said once per post: a long rate-limited stretch retries it many times, each a debug line only.
        (step.lastError === error.code ? log.debug : log.warn).call(log, 'rate limited by Slack; retrying later', { ...ctx, retry_after_ms: wait });
        await store.steps.retry(step, owner, { delayMs: wait, error: error.code, uncertain: false, countAttempt: false });
        return;
      }
      case 'transient':
        log.warn('Slack did not take the post; retrying with backoff', { ...ctx, reason: error.code });
        await retryOrGiveUp(step, session, error.code, began && (error.options.maybeDelivered ?? true));
        return;
      case 'not_in_channel':
        await handleNotInChannel(step, session, ctx);
        return;
      case 'channel_gone': {
        // Its host's recurring sessions there go with it: each would start a session that fails the same way, and
        // tell them so again, at every occurrence.
        const removed = await stopSessionAndSchedules(step, session, error.code);
        log.warn('the channel is gone; ending the session', { ...ctx, reason: error.code, schedules_removed: removed ? removed.length : 0 });
        if (removed) await tellHostOnce(session, { kind: 'channel_gone', code: error.code, removedSchedules: removed });
        return;
      }
      case 'auth_revoked':
        log.error('Slack no longer accepts our token; ending the session', { ...ctx, reason: error.code });
        await stopSession(step, session, error.code);
        return;
      // (An unreachable person is handled where their part is posted; should one come here, it is skipped like a refusal.)
      case 'unreachable':
      case 'rejected':
        log.error('Slack rejected a post; skipping it', { ...ctx, reason: error.code });
        // Lost to the host only while it was still to be posted: not when ending the session cancelled it meanwhile.
        if (await store.steps.fail(step, owner, error.code)) await tellHostOnce(session, { kind: 'lost', step: step.key, reason: error.code });
        return;
    }
  }

  async function retryOrGiveUp(step: Step, session: Session, reason: string, uncertain: boolean): Promise<void> {
    if (step.attempts >= MAX_ATTEMPTS) {
      log.error('giving up on a post after repeated failures', { session: step.sessionId, step: step.key, attempts: step.attempts, reason });
      if (await store.steps.fail(step, owner, reason)) await tellHostOnce(session, { kind: 'lost', step: step.key, reason });
      return;
    }
    // When the post may have reached Slack, the next attempt (which looks for it first) waits until it has settled.
    await store.steps.retry(step, owner, { delayMs: backoffMs(step.attempts), settleMs: uncertain ? SETTLE_MS : 0, error: reason, uncertain, countAttempt: true });
  }

  /**
   * Ends the session over the step this instance holds, and says whether it did: not when the step is no longer
   * ours, cancelled by someone who ended the session meanwhile (`/mockdesign end`) or taken over after our lease.
   * Whoever has it now decides; telling its host it stopped would tell them of what they just did themselves.
   */
  async function stopSession(step: Step, session: Pick<Session, 'id'>, reason: string): Promise<boolean> {
    return store.transaction(async (tx) => {
      if (!(await tx.steps.fail(step, owner, reason))) return false;
      await endOver(tx, session, reason);
      return true;
    });
  }

  /**
   * As stopSession, for a channel that can take no session: its host's schedules there are removed in the same
   * commit, and their ids returned (false when the session was not stopped here).
   */
  async function stopSessionAndSchedules(step: Step, session: Session, reason: string): Promise<readonly string[] | false> {
    return store.transaction(async (tx) => {
      if (!(await tx.steps.fail(step, owner, reason))) return false;
      const now = await endOver(tx, session, reason);
      return tx.schedules.removeInChannel(session, session.channelId, session.hostId, now);
    });
  }

  /** The session ends now and its remaining posts are cancelled; returns the time it ended. */
  async function endOver(tx: Repositories, session: Pick<Session, 'id'>, reason: string): Promise<number> {
    const now = clock();
    await tx.sessions.end(session.id, now, reason);
    await tx.steps.cancelPending(session.id, STEP_KINDS, reason);
    return now;
  }

  /**
   * A session this version cannot read (a value written by a newer version or by hand, a damaged row): its step
   * goes back to the schedule with backoff, like a failed post, for a newer instance or the repaired row to take
   * up. Left claimed, it would wait out its lease and be taken over, again and again, without end. Logged once per
   * session and reason, not at every attempt: the step's last error, written with each retry, says whether this
   * reason was already logged (as for a post's repeated 429s). After a failed post's attempts the session is ended and its other
   * steps cancelled, so nothing of it is tried for ever, and the host is told, when the row says who and where:
   * not before, since a newer instance may yet take the session up (a rolling upgrade) and the host could do
   * nothing about it anyway.
   */
  async function setAside(step: Step, unreadable: UnreadableSession): Promise<void> {
    const { address } = unreadable;
    const ctx = { session: step.sessionId, step: step.key, attempt: step.attempts, reason: unreadable.reason, team: address?.teamId, channel: address?.channelId };
    if (step.attempts >= MAX_ATTEMPTS) {
      if (!(await stopSession(step, unreadable, UNREADABLE_SESSION))) {
        log.info('a session that cannot be read was ended meanwhile; nothing more to do', ctx);
        return;
      }
      // Without the row's host and channel, there is no one to tell: the log says so.
      log.error('gave up on a session that cannot be read; it is ended and its remaining posts cancelled', { ...ctx, host_told: address !== undefined });
      if (address) await tellHostOnce(address, { kind: 'unreadable' });
      return;
    }
    const error = `${UNREADABLE_SESSION}: ${unreadable.reason}`;
    if (step.lastError === error) log.debug('a session still cannot be read; its posts wait', ctx);
    else log.error('cannot read a session; its posts wait and are tried again with backoff', ctx);
    await store.steps.retry(step, owner, { delayMs: backoffMs(step.attempts), error, uncertain: false, countAttempt: true });
  }

  /**
   * The bot is not in the channel. A public channel it joins by itself. A private one needs a member to invite
   * it: a running session pauses (nothing is lost), the host is told once, and the post is retried with backoff
   * until the invitation (or `member_joined_channel`) lets it through, or given up on and reported.
   */
  async function handleNotInChannel(step: Step, session: Session, ctx: Record<string, string | number>): Promise<void> {
    // Refused again right after joining (Slack let the bot in, but not post): joining once more at once would go
    // round for ever, so this attempt counts and waits its backoff like any other refusal.
    const refusedAfterJoin = step.lastError === JOINED_BUT_REFUSED;
    const joined = !refusedAfterJoin && (await messenger.join(session).catch(() => false));
    if (joined) {
      log.info('joined the channel to post', ctx);
      await store.steps.retry(step, owner, { delayMs: 0, error: JOINED_BUT_REFUSED, uncertain: false, countAttempt: false });
      return;
    }
    const outcome = await store.transaction(async (tx) => {
      // Invited while this attempt was under way: the invitation found nothing waiting, so this post goes now.
      if (await tx.steps.takeInvitation(step)) {
        await tx.steps.retry(step, owner, { delayMs: 0, error: 'not_in_channel', uncertain: false, countAttempt: false });
        return 'invited';
      }
      if (step.attempts >= MAX_ATTEMPTS) return 'give_up';
      const current = await tx.sessions.findForUpdate(session.id);
      // Hold the session's other steps first: this one stays pending, retried with backoff.
      const held = current?.status === 'running' && (await holdSession(tx, current, clock(), 'not_in_channel'));
      await tx.steps.retry(step, owner, { delayMs: backoffMs(step.attempts), error: 'not_in_channel', uncertain: false, countAttempt: true });
      return held ? 'paused' : 'waiting';
    });
    if (outcome === 'invited') {
      log.info('invited while the post was refused; posting again', ctx);
      return;
    }
    if (outcome === 'give_up') {
      // As for a channel that is gone: the host's recurring sessions there would each wait and give up the same way.
      const removed = await stopSessionAndSchedules(step, session, 'not_in_channel');
      log.error('giving up: the bot was never invited to the channel', { ...ctx, schedules_removed: removed ? removed.length : 0 });
      if (removed) await tellHostOnce(session, { kind: 'lost', step: step.key, reason: 'not_in_channel', removedSchedules: removed });
      return;
    }
    if (outcome === 'paused') log.warn('not in the channel; the session waits until the bot is invited', ctx);
    await tellHostOnce(session, { kind: 'not_in_channel' });
  }

  /**
   * A person Slack will not let us write to privately (not in the channel, and a direct message refused): a member of
   * the panel, or the candidate of a scorecard kept private. Their part of a nudge or a private summary is skipped.
   * Logged and told to the host once per session and person, however many of their messages are skipped; a host who
   * is the one unreachable is not written to.
   */
  async function unreachable(session: Session, error: DeliveryError, ctx: Record<string, string | number>): Promise<void> {
    const userId = error.options.userId ?? '';
    const kind = `unreachable:${userId}`;
    if (!(await store.sessions.firstNotice(session.id, kind, clock()))) {
      log.debug('skipped a private message to a person who cannot be reached', { ...ctx, user: userId, reason: error.code });
      return;
    }
    log.warn('could not reach a person privately', { ...ctx, user: userId, reason: error.code });
    if (userId !== session.hostId) await sendNotice({ session, notice: { kind: 'unreachable', userId, code: error.code }, kind, tries: 0, at: 0 });
  }

  /**
   * Tells the host about a problem once per session and kind, however often the problem repeats. The notice is
   * claimed first (so no other instance, and no repeat, sends it too); a DM that fails is tried again from the
   * tick with backoff, a few times, since a report of something lost is often the only word the host gets of it.
   */
  async function tellHostOnce(session: SessionAddress, notice: HostNotice): Promise<void> {
    const kind = notice.kind === 'lost' ? `lost:${notice.step}` : notice.kind;
    try {
      if (!(await store.sessions.firstNotice(session.id, kind, clock()))) return;
    } catch (error) {
      log.warn('could not tell the host', { session: session.id, host: session.hostId, notice: kind, reason: describe(error) });
      return;
    }
    await sendNotice({ session, notice, kind, tries: 0, at: 0 });
  }

  async function sendNotice(unsent: UnsentNotice): Promise<void> {
    try {
      await messenger.tellHost(unsent.session, unsent.notice);
    } catch (error) {
      const tries = unsent.tries + 1;
      const ctx = { session: unsent.session.id, host: unsent.session.hostId, notice: unsent.kind, tries };
      if (tries >= NOTICE_TRIES || noticesToRetry.length >= MAX_NOTICES_WAITING) {
        log.error('could not tell the host; gave up', ctx, error);
        return;
      }
      if (tries === 1) log.warn('could not tell the host; trying again', { ...ctx, reason: describe(error) });
      noticesToRetry.push({ ...unsent, tries, at: clock() + NOTICE_BACKOFF_MS * 2 ** (tries - 1) });
    }
  }

  /** From the tick: sends again the notices whose time has come. */
  function retryNotices(): void {
    if (noticesToRetry.length === 0 || stopped) return;
    const now = clock();
    const due = noticesToRetry.filter((n) => n.at <= now);
    if (due.length === 0) return;
    noticesToRetry = noticesToRetry.filter((n) => n.at > now);
    for (const unsent of due) {
      const task = sendNotice(unsent).finally(() => background.delete(task));
      background.add(task);
    }
  }

  return {
    tick: () => {
      retryNotices();
      // The database does not answer: each instance tries it again with backoff, not on every tick.
      if (outage && clock() < outage.nextTryAt) return Promise.resolve(0);
      return pump(true);
    },
    wake: () => {
      retryNotices();
      return pump(true);
    },
    get databaseAnswers() {
      return outage === null;
    },
    async drain() {
      while (workers.size > 0 || pumping || refilling || background.size > 0) await Promise.allSettled([...workers, pumping, refilling, ...background]);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    get inFlight() {
      return workers.size;
    },
  };
}

/** A notice to a host whose DM failed is sent again after 30 s, 1, 2 and 4 min, then given up on (logged). */
const NOTICE_TRIES = 5;
const NOTICE_BACKOFF_MS = 30_000;
/** At most this many wait at once, whatever fails: past it a failed notice is logged and dropped. */
const MAX_NOTICES_WAITING = 1_000;

interface UnsentNotice {
  readonly session: SessionAddress;
  readonly notice: HostNotice;
  readonly kind: string;
  readonly tries: number;
  /** When to send it again, on the dispatcher's clock. */
  readonly at: number;
}

/** Claims remembered at most as possibly made without an answer (see claiming). */
const MAX_LOST_CLAIMS = 1_000;

/** A step's last error when the database stopped answering while a worker held it. */
const DATABASE_DOWN = 'database_unavailable';


/** A step's last error when it was retried at once because the bot had just joined its channel. */
const JOINED_BUT_REFUSED = 'not_in_channel_after_join';

/** Most ids read in one statement. */
const READ_BATCH = 200;

type Read = Session | UnreadableSession | undefined;

function isUnreadable(read: Session | UnreadableSession): read is UnreadableSession {
  return 'reason' in read;
}

/**
 * Sessions asked for in the same turn (a claim starts many workers at once, a commit resumes many) are read
 * together: a few statements for the lot instead of a few for each. Each asker gets its own session, or why it
 * cannot be read.
 */
function batched(readMany: (ids: string[]) => Promise<{ sessions: readonly Session[]; unreadable: readonly UnreadableSession[] }>): (id: string) => Promise<Read> {
  let waiting: Map<string, Array<{ resolve: (s: Read) => void; reject: (e: unknown) => void }>> | null = null;
  return (id) =>
    new Promise((resolve, reject) => {
      if (!waiting) {
        const batch = new Map<string, Array<{ resolve: (s: Read) => void; reject: (e: unknown) => void }>>();
        waiting = batch;
        queueMicrotask(() => {
          waiting = null;
          const ids = [...batch.keys()];
          for (let i = 0; i < ids.length; i += READ_BATCH) {
            const chunk = ids.slice(i, i + READ_BATCH);
            readMany(chunk).then(
              ({ sessions, unreadable }) => {
                const byId = new Map<string, Session | UnreadableSession>(sessions.map((s) => [s.id, s]));
                for (const u of unreadable) byId.set(u.id, u);
                for (const key of chunk) for (const w of batch.get(key) ?? []) w.resolve(byId.get(key));
              },
              (error: unknown) => {
                for (const key of chunk) for (const w of batch.get(key) ?? []) w.reject(error);
              },
            );
          }
        });
      }
      const list = waiting.get(id);
      if (list) list.push({ resolve, reject });
      else waiting.set(id, [{ resolve, reject }]);
    });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
