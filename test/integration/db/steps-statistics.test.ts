/**
 * The statistics upkeep an instance runs when the server's autovacuum is off: it analyzes `steps` once enough of
 * it changed, which turns the claim of due posts from a bitmap scan (every dead row version, every tick) into a
 * plain index scan; and a failing check is logged once, not once a minute.
 */
import { afterEach, expect, it } from 'vitest';
import type { SqlExecutor } from '../../../src/db/sql.ts';
import { analyzeStepsIfStale, keepStepsAnalyzed } from '../../../src/db/steps-statistics.ts';
import { createLogger } from '../../../src/logger.ts';
import { describePg, type PgSchema, withPgSchema } from '../../support/pg.ts';
import { until } from '../../support/until.ts';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

function capture() {
  const warnings: string[] = [];
  const logger = createLogger('warn', (line) => warnings.push(String((JSON.parse(line) as { msg: unknown }).msg)));
  return { warnings, logger };
}

async function changedSinceAnalyze(db: SqlExecutor): Promise<number> {
  return Number((await db.get(`SELECT n_mod_since_analyze AS n FROM pg_stat_user_tables WHERE relid = 'steps'::regclass`))?.n);
}

/** As many posts leave it: each step went through `pending` to `done`; `resting` steps wait for a later time. */
async function churn(db: SqlExecutor, sent: number, resting: number): Promise<void> {
  await db.run(
    `INSERT INTO sessions (id, team_id, channel_id, host_id, topic, status, created_at, ends_at, updated_at)
     VALUES ('S1', 'T1', 'C1', 'U1', 'Design a URL shortener', 'running', $1, $2, $1)`,
    [NOW, NOW + 3_600_000],
  );
  await db.run(
    `INSERT INTO steps (session_id, step_key, kind, seq, due_at, run_at, state)
     SELECT 'S1', 'k' || g, 'phase', g, $1::bigint + g, $1::bigint + g, 'pending' FROM generate_series(1, $2::int) g`,
    [NOW + 86_400_000, sent + resting],
  );
  await db.run(`UPDATE steps SET state = 'done' WHERE seq <= $1`, [sent]);
  // The server counts changes a moment after they commit: the checks below must not see part of them now and the
  // rest later, as if they had been made after an analysis.
  await until('the server to count the churn', async () => (await changedSinceAnalyze(db)) >= sent + resting + sent);
}

/** The plan PostgreSQL picks for the claim's read of due pending steps. */
async function claimPlan(db: SqlExecutor): Promise<string> {
  const rows = await db.all(`EXPLAIN SELECT id FROM steps WHERE state = 'pending' AND run_at <= $1 ORDER BY run_at LIMIT 200`, [NOW]);
  return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
}

async function reltuples(db: SqlExecutor): Promise<number> {
  return Number((await db.get(`SELECT reltuples FROM pg_class WHERE oid = 'steps'::regclass`))?.reltuples);
}

describePg('keeping the steps table analyzed when autovacuum is off', () => {
  let schema: PgSchema | undefined;
  afterEach(async () => {
    await schema?.drop();
    schema = undefined;
  });

  it('analyzes a churned table that never was, and the claim turns from a bitmap scan into an index scan', async () => {
    schema = await withPgSchema();
    const { db } = schema;
    await churn(db, 6000, 1000);
    expect(await reltuples(db)).toBe(-1);
    expect(await claimPlan(db)).toContain('Bitmap Index Scan on steps_due');

    const { warnings, logger } = capture();
    const upkeep = keepStepsAnalyzed(db, logger, 50);
    try {
      await until('the upkeep analyzed steps', async () => (await reltuples(db)) > 0);
    } finally {
      await upkeep.stop();
    }
    expect(await reltuples(db)).toBe(7000);
    expect(await claimPlan(db)).toContain('Index Scan using steps_due');
    expect(await claimPlan(db)).not.toContain('Bitmap');
    expect(warnings).toEqual([]);
    // Just analyzed and nothing changed since: the next check leaves it.
    expect(await analyzeStepsIfStale(db)).toBe(false);
  });

  it('leaves a table alone until more than 50 rows plus a tenth of it changed, as autoanalyze would', async () => {
    schema = await withPgSchema();
    const { db } = schema;
    await churn(db, 900, 100);
    await until('the first analysis', () => analyzeStepsIfStale(db));
    expect(await reltuples(db)).toBe(1000);
    // 150 is the threshold for 1,000 rows: 100 changes are not enough, 100 more are.
    await db.run(`UPDATE steps SET attempts = 1 WHERE seq <= 100`);
    await until('the server to count 100 changes', async () => (await changedSinceAnalyze(db)) >= 100);
    expect(await analyzeStepsIfStale(db)).toBe(false);
    await db.run(`UPDATE steps SET attempts = 2 WHERE seq <= 100`);
    await until('the server to count 200 changes', async () => (await changedSinceAnalyze(db)) >= 200);
    expect(await analyzeStepsIfStale(db)).toBe(true);
    expect(await changedSinceAnalyze(db)).toBe(0);
  });

  it('says once that it cannot analyze, not at every check, and again only after it worked in between', async () => {
    // No migrations: there is no steps table to analyze.
    schema = await withPgSchema({ migrate: false });
    const { db } = schema;
    const { warnings, logger } = capture();
    const upkeep = keepStepsAnalyzed(db, logger, 20);
    try {
      await until('five failed checks', () => upkeep.checks >= 5);
      expect(warnings).toEqual(['could not analyze the steps table; trying again each minute']);
      await db.run('CREATE TABLE steps (id INTEGER)');
      let seen = upkeep.checks;
      await until('two checks that work', () => upkeep.checks >= seen + 2);
      await db.run('DROP TABLE steps');
      seen = upkeep.checks;
      await until('five more failed checks', () => upkeep.checks >= seen + 5);
    } finally {
      await upkeep.stop();
    }
    expect(warnings).toHaveLength(2);
  });
});
