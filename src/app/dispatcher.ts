/**
 * Delivers due steps: claims them under a lease, posts them through the Messenger, records the result.
 * The tick only claims and hands out work; posts run in the background with bounded concurrency, one
 * worker per session so a session's messages keep their order while other channels go on.
 */
import type { SessionRepository } from '../db/session-repository.ts';
import type { Step, StepRepository } from '../db/step-repository.ts';
import { MINUTE, SECOND } from '../domain/duration.ts';
import type { Session } from '../domain/session.ts';
import { DeliveryError, type HostNotice, type Logger, type Messenger, type SessionSnapshot } from './ports.ts';

export interface DispatcherDeps {
  readonly sessions: SessionRepository;
  readonly steps: StepRepository;
  readonly transaction: <T>(fn: () => T) => T;
  readonly messenger: Messenger;
  readonly logger: Logger;
  readonly clock: () => number;
  /** Sessions posted to at the same time. */
  readonly concurrency?: number;
  /** How long a claimed step is ours before another worker may take it over. */
  readonly leaseMs?: number;
}

/** How long a claimed step is ours before another worker may take it over. */
export const DEFAULT_LEASE_MS = 30 * SECOND;
/** The Web API client gives up on a request after this long. */
export const REQUEST_TIMEOUT_MS = 10 * SECOND;
/**
 * After a post began, how long until looking for it in the channel can be trusted: our request may still be
 * in progress at Slack after we gave up on it. A post Slack accepts later than this after we sent it is the
 * one case that can still be doubled (see the README's Reliability section).
 */
export const SETTLE_MS = REQUEST_TIMEOUT_MS + 10 * SECOND;

/** Transient errors retry with exponential backoff capped here, and give up after MAX_ATTEMPTS. */
export const MAX_BACKOFF_MS = 5 * MINUTE;
export const MAX_ATTEMPTS = 60;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, SECOND * 2 ** Math.max(0, attempts - 1));
}

export interface Dispatcher {
  /** Claims what is due at `now` and starts posting it; returns how many steps it claimed. Never waits for posts. */
  tick(now?: number): number;
  /** Resolves once every post started so far has finished. */
  drain(): Promise<void>;
  /** Re-renders a session's root message now (after pause, resume and the like). */
  refreshRoot(sessionId: string): Promise<void>;
  readonly busySessions: number;
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const concurrency = deps.concurrency ?? 8;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const workers = new Map<string, Promise<void>>();
  const log = deps.logger;

  function snapshot(session: Session): SessionSnapshot {
    return { session, notes: deps.sessions.notes(session.id), participants: deps.sessions.participants(session.id) };
  }

  async function work(first: Step): Promise<void> {
    let step: Step | undefined = first;
    while (step) {
      await deliver(step);
      step = deps.steps.claimNextOfSession(first.sessionId, deps.clock(), leaseMs);
    }
  }

  async function deliver(step: Step): Promise<void> {
    const fields = { session: step.sessionId, step: step.key, attempt: step.attempts };
    const session = deps.sessions.find(step.sessionId);
    if (!session) {
      deps.steps.fail(step.id, 'session missing');
      return;
    }
    const ctx = { ...fields, team: session.teamId, channel: session.channelId };
    let postStartedAt: number | null = null;
    if (session.status === 'ended' && (step.kind === 'phase' || step.kind === 'warning')) {
      deps.steps.fail(step.id, 'session already ended');
      return;
    }
    try {
      if (step.kind === 'summary' && session.status !== 'ended') deps.sessions.end(session.id, step.dueAt, null);
      const current = snapshotFor(session.id);
      const now = deps.clock();
      const parts = deps.messenger.partsOf(current, step, now);
      let done = step.progress;
      let firstTs = step.postedTs;
      if (step.uncertain) {
        // An earlier attempt may have reached Slack: adopt what is already there instead of posting it again.
        while (done < parts) {
          const ts = await deps.messenger.find(current, step, done);
          if (!ts) break;
          firstTs ??= ts;
          done += 1;
          deps.steps.recordProgress(step.id, done, firstTs);
          log.info('adopted a message posted before a restart', { ...ctx, part: done - 1 });
        }
      }
      while (done < parts) {
        postStartedAt = deps.clock();
        deps.steps.extendLease(step.id, postStartedAt + leaseMs);
        const ts = await deps.messenger.post(current, step, done, now);
        firstTs ??= ts;
        done += 1;
        deps.steps.recordProgress(step.id, done, firstTs);
      }
      const at = deps.clock();
      deps.transaction(() => {
        deps.steps.complete(step.id, firstTs, at);
        if (step.kind === 'root' && firstTs) deps.sessions.setRoot(session.id, firstTs, null, at);
      });
      const late = at - step.dueAt;
      log.info('posted', { ...ctx, late_ms: late > MINUTE ? late : undefined });
      await afterPost(step, session.id, firstTs);
    } catch (error) {
      await handleFailure(step, session, error, ctx, postStartedAt);
    }
  }

  function snapshotFor(sessionId: string): SessionSnapshot {
    const session = deps.sessions.find(sessionId);
    if (!session) throw new Error(`session ${sessionId} vanished`);
    return snapshot(session);
  }

  async function afterPost(step: Step, sessionId: string, ts: string | null): Promise<void> {
    if (step.kind === 'root' && ts) {
      const session = deps.sessions.find(sessionId);
      const link = session ? await deps.messenger.permalink(session.channelId, ts).catch(() => undefined) : undefined;
      if (link) deps.sessions.setPermalink(sessionId, link);
      return;
    }
    if (step.kind === 'phase' || step.kind === 'summary') await refreshRoot(sessionId);
  }

  async function refreshRoot(sessionId: string): Promise<void> {
    const session = deps.sessions.find(sessionId);
    if (!session?.rootTs) return;
    try {
      await deps.messenger.updateRoot(snapshot(session), deps.clock());
    } catch (error) {
      // The root message is re-rendered from state at every transition, so a missed update heals itself.
      log.warn('could not update the session message', { session: sessionId, channel: session.channelId, reason: describe(error) });
    }
  }

  async function handleFailure(
    step: Step,
    session: Session,
    error: unknown,
    ctx: Record<string, string | number>,
    postStartedAt: number | null,
  ): Promise<void> {
    const now = deps.clock();
    // When the post may have reached Slack, the next attempt (which looks for it first) waits until it has settled.
    const settled = postStartedAt === null ? now : postStartedAt + SETTLE_MS;
    if (!(error instanceof DeliveryError)) {
      log.error('unexpected error while posting', ctx, error);
      retryOrGiveUp(step, now, describe(error), true, settled);
      return;
    }
    switch (error.kind) {
      case 'rate_limited': {
        const wait = error.options.retryAfterMs ?? SECOND;
        log.warn('rate limited by Slack; retrying later', { ...ctx, retry_after_ms: wait });
        deps.steps.retryLater(step.id, now + wait, error.code, false);
        return;
      }
      case 'transient':
        log.warn('Slack could not be reached; retrying with backoff', { ...ctx, reason: error.code });
        retryOrGiveUp(step, now, error.code, error.options.maybeDelivered ?? true, settled);
        return;
      case 'not_in_channel':
        await handleNotInChannel(step, session, ctx);
        return;
      case 'channel_gone':
        log.warn('the channel is gone; ending the session', { ...ctx, reason: error.code });
        stopSession(session, step, now, error.code);
        await tellHost(session, { kind: 'channel_gone', code: error.code });
        return;
      case 'auth_revoked':
        log.error('Slack no longer accepts our token; ending the session', { ...ctx, reason: error.code });
        stopSession(session, step, now, error.code);
        return;
      case 'rejected':
        log.error('Slack rejected a post; skipping it', { ...ctx, reason: error.code });
        deps.steps.fail(step.id, error.code);
        return;
    }
  }

  function retryOrGiveUp(step: Step, now: number, reason: string, uncertain: boolean, settled: number): void {
    if (step.attempts >= MAX_ATTEMPTS) {
      log.error('giving up on a post after repeated failures', { session: step.sessionId, step: step.key, reason });
      deps.steps.fail(step.id, reason);
      return;
    }
    const runAt = now + backoffMs(step.attempts);
    deps.steps.retryLater(step.id, uncertain ? Math.max(runAt, settled) : runAt, reason, uncertain);
  }

  function stopSession(session: Session, step: Step, now: number, reason: string): void {
    deps.transaction(() => {
      deps.steps.fail(step.id, reason);
      deps.sessions.end(session.id, now, reason);
      deps.steps.cancelPending(session.id, ['root', 'phase', 'warning', 'summary'], reason);
    });
  }

  async function handleNotInChannel(step: Step, session: Session, ctx: Record<string, string | number>): Promise<void> {
    const now = deps.clock();
    const joined = await deps.messenger.join(session.channelId).catch(() => false);
    if (joined) {
      log.info('joined the channel to post', ctx);
      deps.steps.retryLater(step.id, now, 'not_in_channel', false);
      return;
    }
    // Private channel: only a member can invite us. Pause so nothing is lost, and tell the host what to do.
    log.warn('not in the channel; pausing the session until the bot is invited', ctx);
    deps.transaction(() => {
      deps.steps.retryLater(step.id, now, 'not_in_channel', false);
      deps.sessions.pause(session.id, now);
    });
    await tellHost(session, { kind: 'not_in_channel' });
  }

  async function tellHost(session: Session, notice: HostNotice): Promise<void> {
    try {
      await deps.messenger.tellHost(session, notice);
    } catch (error) {
      log.warn('could not tell the host', { session: session.id, host: session.hostId, reason: describe(error) });
    }
  }

  function launch(step: Step): void {
    const run = work(step)
      .catch((error: unknown) => log.error('worker crashed', { session: step.sessionId }, error))
      .finally(() => workers.delete(step.sessionId));
    workers.set(step.sessionId, run);
  }

  return {
    tick(now = deps.clock()): number {
      const room = concurrency - workers.size;
      if (room <= 0) return 0;
      const claimed = deps.steps.claimDue(now, leaseMs, room);
      for (const step of claimed) {
        if (workers.has(step.sessionId)) {
          // The session's own worker will reach this step; hand it back without counting an attempt.
          deps.steps.release(step.id);
          continue;
        }
        launch(step);
      }
      return claimed.length;
    },
    async drain(): Promise<void> {
      while (workers.size > 0) await Promise.allSettled([...workers.values()]);
    },
    refreshRoot,
    get busySessions() {
      return workers.size;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
