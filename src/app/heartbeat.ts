/**
 * What each tick of the cron does: start the recurring sessions that fall due, claim the posts that are due, and
 * now and then prune old request ids.
 *
 * The posts are claimed at every tick, beside the schedules rather than after them: starting a recurring session
 * first asks Slack whether its creator's account is deactivated, which can take up to LOOKUP_TIMEOUT_MS, and every
 * post due meanwhile, in every session, would wait for that answer. A round of schedules still under way when the
 * next tick comes is left to finish (each occurrence is started once, by a compare-and-set) and not begun again;
 * sessions it starts have their first posts claimed as soon as it ends.
 */
import type { Dispatcher } from './dispatcher.ts';
import { type Logger, StoreUnavailableError } from './ports.ts';

const PRUNE_EVERY_MS = 3600_000;
/** Request ids are kept this long: Slack retries an event within minutes, never a day later. */
const REQUEST_IDS_KEPT_MS = 24 * PRUNE_EVERY_MS;
/** A failure of the schedules other than the database's (which the dispatcher reports) is said at most this often. */
const SCHEDULE_ERROR_EVERY_MS = 60_000;

export interface HeartbeatDeps {
  readonly dispatcher: Pick<Dispatcher, 'tick' | 'wake' | 'databaseAnswers'>;
  /** Starts the recurring sessions due at `now`; resolves with how many started. */
  readonly fireSchedules: (now: number) => Promise<number>;
  /** Forgets the request ids recorded before `before`. */
  readonly pruneRequests: (before: number) => Promise<unknown>;
  readonly logger: Logger;
  readonly clock: () => number;
}

export interface Heartbeat {
  /** One tick: resolves once the due posts are claimed, without waiting for the schedules' round to finish. */
  beat(): Promise<void>;
  /** Resolves once the round of schedules under way, if any, has finished (shutdown waits for it). */
  settled(): Promise<void>;
}

export function createHeartbeat(deps: HeartbeatDeps): Heartbeat {
  const { dispatcher, logger, clock } = deps;
  let lastPrune = 0;
  let lastScheduleError = Number.NEGATIVE_INFINITY;
  let firing: Promise<void> | null = null;

  function fire(now: number): void {
    if (firing) return;
    firing = deps
      .fireSchedules(now)
      .then(
        (started) => {
          // Claimed at once, as a session started by command is, rather than at the next tick.
          if (started > 0) void dispatcher.wake();
        },
        (error: unknown) => {
          // A database that does not answer is said once by the dispatcher, which tries it again with backoff.
          if (error instanceof StoreUnavailableError) return logger.debug('could not start scheduled sessions', { reason: error.message });
          // Anything else may last a while too: said once a minute, not every tick.
          if (now - lastScheduleError < SCHEDULE_ERROR_EVERY_MS) return;
          lastScheduleError = now;
          logger.error('could not start scheduled sessions', {}, error);
        },
      )
      .finally(() => {
        firing = null;
      });
  }

  return {
    async beat() {
      const now = clock();
      // While the database does not answer, only the dispatcher tries it again, with backoff; the rest waits for it.
      if (!dispatcher.databaseAnswers) return void (await dispatcher.tick());
      fire(now);
      await dispatcher.tick();
      if (now - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = now;
        await deps.pruneRequests(now - REQUEST_IDS_KEPT_MS).catch((error: unknown) =>
          // A database that does not answer is said once by the dispatcher.
          (error instanceof StoreUnavailableError ? logger.debug : logger.warn).call(logger, 'could not prune old request ids', { reason: String(error) }),
        );
      }
    },
    async settled() {
      await firing;
    },
  };
}
