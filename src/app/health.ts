/**
 * What GET /healthz answers. A load balancer polls it, often from several places at once, to decide whether to
 * send Slack's requests to this instance: it must answer quickly, and polling it must not load the database.
 */
import type { Logger } from './ports.ts';

export type Health = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export const HEALTHY: Health = { ok: true };

/** How long one database check may take before it counts as no answer. */
export const DATABASE_CHECK_TIMEOUT_MS = 1000;
/** A check younger than this is answered again rather than repeated. */
export const DATABASE_CHECK_MAX_AGE_MS = 1000;

/**
 * Wraps `ping` (resolves when the database answers, rejects otherwise, in bounded time) for health checks: a
 * result younger than `maxAgeMs` is reused, and checks asked for while one runs wait for that one, so at most
 * one runs at a time however many health checks arrive. A change between answering and not is logged once, at info.
 */
export function databaseHealth(
  ping: () => Promise<void>,
  options: { readonly clock: () => number; readonly logger: Logger; readonly maxAgeMs?: number },
): () => Promise<Health> {
  const maxAgeMs = options.maxAgeMs ?? DATABASE_CHECK_MAX_AGE_MS;
  let last: { readonly at: number; readonly health: Health } | undefined;
  let running: Promise<Health> | undefined;

  const check = async (): Promise<Health> => {
    let health: Health;
    try {
      await ping();
      health = HEALTHY;
      if (last && !last.health.ok) options.logger.info('/healthz answers 200 again: the database answers');
    } catch (error) {
      // The reason stays in the log: whoever can reach /healthz need not learn the database's address.
      health = { ok: false, reason: 'the database does not answer' };
      // Info, not a warning: the outage itself is the delivery engine's to report (once, as an error); this line
      // says what the load balancer now sees.
      if (!last || last.health.ok) {
        options.logger.info('/healthz answers 503 until the database answers', { reason: error instanceof Error ? error.message : String(error) });
      }
    }
    last = { at: options.clock(), health };
    return health;
  };

  return () => {
    if (last && options.clock() - last.at < maxAgeMs) return Promise.resolve(last.health);
    running ??= check().finally(() => {
      running = undefined;
    });
    return running;
  };
}
