/**
 * Keeps the planner's statistics of the `steps` table current on a PostgreSQL server whose autovacuum is off.
 *
 * Why: the claim of due posts reads the partial index of pending steps. Every post passes through `pending` once
 * and leaves a dead row version in that index. With statistics, PostgreSQL reads the index with a plain index
 * scan, which marks dead entries on its first pass and skips them after, so an idle tick costs the same at 10,000
 * sessions as at 10. Without them it picks a bitmap scan, which visits every dead entry on every tick. On a
 * server with autovacuum off nothing else would ever analyze the table.
 *
 * The rule is autoanalyze's own (its default threshold: 50 rows plus 10 % of the table changed since the last
 * ANALYZE), checked once a minute, for the one table whose plan the tick rests on. Vacuuming stays the
 * operator's: the start-up warning says so.
 */
import type { Logger } from '../app/ports.ts';
import type { SqlExecutor } from './sql.ts';

/** How often each instance asks whether `steps` needs analyzing: autovacuum's own default naptime. */
export const ANALYZE_CHECK_EVERY_MS = 60_000;
/** autovacuum_analyze_threshold and autovacuum_analyze_scale_factor, at PostgreSQL's defaults. */
const ANALYZE_THRESHOLD_ROWS = 50;
const ANALYZE_SCALE_FACTOR = 0.1;

/**
 * Analyzes `steps` when enough of it changed since it was last analyzed (or it never was); says whether it did.
 * SKIP_LOCKED: when another instance is analyzing it at this moment, this one leaves it rather than wait.
 */
export async function analyzeStepsIfStale(db: SqlExecutor): Promise<boolean> {
  const row = await db.get(
    `SELECT s.n_mod_since_analyze AS changed, greatest(c.reltuples, 0) AS rows
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.relid = 'steps'::regclass`,
  );
  if (!row) return false;
  if (Number(row.changed) <= ANALYZE_THRESHOLD_ROWS + ANALYZE_SCALE_FACTOR * Number(row.rows)) return false;
  await db.run('ANALYZE (SKIP_LOCKED) steps');
  return true;
}

export interface StatisticsUpkeep {
  /** Checks done so far, whatever their outcome. */
  readonly checks: number;
  /** No more checks; resolves once a check under way has finished. */
  stop(): Promise<void>;
}

/**
 * Checks at once, then every `everyMs`. A failing check (the server unreachable, say) is logged
 * when it starts failing and again only after a check has worked since: never once a minute for ever.
 */
export function keepStepsAnalyzed(db: SqlExecutor, logger: Logger, everyMs = ANALYZE_CHECK_EVERY_MS): StatisticsUpkeep {
  let checks = 0;
  let failing = false;
  let running: Promise<void> | null = null;
  const check = () => {
    if (running) return;
    running = analyzeStepsIfStale(db)
      .then((analyzed) => {
        if (analyzed) logger.debug('analyzed the steps table', {});
        failing = false;
      })
      .catch((error: unknown) => {
        if (!failing) logger.warn('could not analyze the steps table; trying again each minute', { reason: error instanceof Error ? error.message : String(error) });
        failing = true;
      })
      .finally(() => {
        checks += 1;
        running = null;
      });
  };
  check();
  const timer = setInterval(check, everyMs);
  // A timer must not keep the process alive on its own: shutdown stops it, but a failed start may not get there.
  timer.unref();
  return {
    get checks() {
      return checks;
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
