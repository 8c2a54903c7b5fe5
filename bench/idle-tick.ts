/**
 * Idle tick cost: what one tick costs the database when nothing is due, with few and with many live sessions.
 * In-process, over the real store: sessions are started through `startSession`, brought to rest (everything due
 * claimed and completed, as the dispatcher would), half of them paused through `pauseSession`; then the tick's
 * query path, `steps.claimDue(...)` + `steps.nextRunAt(now)`, is timed many times, the sizes interleaved in
 * rounds so that whatever else the machine does weighs on both alike.
 *
 * PostgreSQL is measured three times. First as the churn of getting there left the table: dead row versions
 * still in the indexes and no statistics at all. Then after the app's own statistics upkeep analyzed it
 * (`analyzeStepsIfStale`, what each instance runs when the server's autovacuum is off, and what autoanalyze does
 * when it is on): the dead row versions are still there. Last after `VACUUM ANALYZE steps`. Without statistics
 * PostgreSQL reads the claim's partial index with a bitmap scan, which visits every dead row version on every
 * tick; with them it takes a plain index scan, which marks dead entries on its first pass and skips them after.
 * The first state is shown for the cost the upkeep prevents, not as a target: an instance ends it within a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Lease, Store } from '../src/app/ports.ts';
import { openPostgres } from '../src/db/postgres-database.ts';
import { analyzeStepsIfStale } from '../src/db/steps-statistics.ts';
import { until } from '../test/support/until.ts';
import type { PgProvider } from './delivery.ts';
import { seedRestingSessions } from './load.ts';
import { median } from './stats.ts';
import { type BenchDatabase, openBenchStore } from './store.ts';

/** The dispatcher claims at most this many per call. */
const CLAIM_BATCH = 200;

export interface IdleTickConfig {
  readonly database: 'sqlite' | 'postgres';
  readonly sizes: readonly number[];
  /** Timed ticks per size, in total. */
  readonly iterations: number;
  readonly rounds: number;
  readonly pg?: PgProvider;
  readonly progress?: (line: string) => void;
}

export interface IdleTickSize {
  readonly sessions: number;
  readonly paused: number;
  /** Rows in the steps table. */
  readonly stepRows: number;
  /** Median over rounds of the mean time of one claimDue + nextRunAt, in ms. */
  readonly medianMs: number;
  /** Per-round means, in ms. */
  readonly roundMeansMs: number[];
  readonly p99Ms: number;
}

export interface IdleTickResult {
  readonly database: 'sqlite' | 'postgres';
  /** What state the tables were in, e.g. "after VACUUM ANALYZE". */
  readonly condition: string;
  /** Set when the state is shown for comparison, not held to the target: why. */
  readonly reference?: string;
  readonly iterations: number;
  readonly sizes: IdleTickSize[];
  /** Cost at the largest size over cost at the smallest (median of round means). */
  readonly ratio: number;
}

interface Prepared {
  readonly sessions: number;
  readonly db: BenchDatabase;
  readonly store: Store;
  readonly paused: number;
  readonly stepRows: number;
}

async function measure(stores: readonly Prepared[], config: IdleTickConfig, condition: string, reference?: string): Promise<IdleTickResult> {
  const lease: Lease = { owner: 'bench-idle-tick', leaseMs: 31_000 };
  const perRound = Math.max(1, Math.floor(config.iterations / config.rounds));
  const rounds = new Map<number, number[]>();
  const all = new Map<number, number[]>();
  const tick = async (store: Store) => {
    const claimed = await store.steps.claimDue(lease, CLAIM_BATCH);
    await store.steps.nextRunAt(Date.now());
    if (claimed.length > 0) throw new Error('idle tick: something fell due during the measurement');
  };
  // Warm-up: statements prepared, caches and JIT warm.
  for (const s of stores) for (let i = 0; i < Math.min(200, perRound); i++) await tick(s.store);
  for (let round = 0; round < config.rounds; round++) {
    const order = round % 2 === 0 ? stores : [...stores].reverse();
    for (const s of order) {
      const times: number[] = [];
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        await tick(s.store);
        times.push(performance.now() - t0);
      }
      (rounds.get(s.sessions) ?? rounds.set(s.sessions, []).get(s.sessions))?.push(times.reduce((a, b) => a + b, 0) / times.length);
      (all.get(s.sessions) ?? all.set(s.sessions, []).get(s.sessions))?.push(...times);
    }
  }
  const sizes = stores.map((s) => {
    const sorted = [...(all.get(s.sessions) ?? [])].sort((a, b) => a - b);
    return {
      sessions: s.sessions,
      paused: s.paused,
      stepRows: s.stepRows,
      medianMs: median(rounds.get(s.sessions) ?? []),
      roundMeansMs: rounds.get(s.sessions) ?? [],
      p99Ms: sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN,
    };
  });
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const ratio = first && last ? last.medianMs / first.medianMs : Number.NaN;
  config.progress?.(`idle tick (${config.database}, ${condition}): ${sizes.map((s) => `${s.sessions} → ${(s.medianMs * 1000).toFixed(0)} µs`).join(', ')}`);
  return { database: config.database, condition, ...(reference ? { reference } : {}), iterations: perRound * config.rounds, sizes, ratio };
}

async function vacuumAnalyze(db: BenchDatabase): Promise<void> {
  if (db.kind !== 'postgres') return;
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE steps');
  } finally {
    await client.end();
  }
}

/**
 * One check of the app's statistics upkeep that analyzes: the server counts changes a moment after they commit,
 * so the check is repeated until it sees them (as the instance's next check would), for 30 s at most.
 */
async function upkeepAnalyze(db: BenchDatabase): Promise<void> {
  if (db.kind !== 'postgres') return;
  const executor = await openPostgres(db.url, { poolSize: 1 });
  try {
    await until('the statistics upkeep to analyze the churned steps table', () => analyzeStepsIfStale(executor), 30_000);
  } finally {
    await executor.close();
  }
}

export async function runIdleTick(config: IdleTickConfig): Promise<IdleTickResult[]> {
  const say = config.progress ?? (() => undefined);
  const stores: Prepared[] = [];
  const drops: Array<() => Promise<void>> = [];
  try {
    for (const [i, sessions] of config.sizes.entries()) {
      let db: BenchDatabase;
      if (config.database === 'sqlite') {
        db = { kind: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'mockdesign-idle-')), 'idle.db') };
      } else {
        if (!config.pg) throw new Error('PostgreSQL idle tick without a database provider');
        const created = await config.pg.createDatabase();
        drops.push(created.drop);
        db = { kind: 'postgres', url: created.url };
      }
      say(`idle tick (${config.database}): preparing ${sessions} sessions`);
      const store = await openBenchStore(db, { poolSize: 4 });
      const rest = await seedRestingSessions(store, sessions, `I${i}`, { pauseHalf: true });
      stores.push({ sessions, db, store, paused: rest.paused, stepRows: rest.stepRows });
    }
    if (config.database === 'sqlite') return [await measure(stores, config, 'as left by the sessions')];
    const churned = await measure(
      stores,
      config,
      'dead row versions not yet vacuumed, no statistics',
      "what the statistics upkeep prevents: autoanalyze, or with autovacuum off each instance's own check (src/db/steps-statistics.ts), analyzes the table within a minute of enough changes",
    );
    for (const s of stores) await upkeepAnalyze(s.db);
    const analyzed = await measure(stores, config, "dead row versions not yet vacuumed, after the app's statistics upkeep");
    for (const s of stores) await vacuumAnalyze(s.db);
    return [churned, analyzed, await measure(stores, config, 'after VACUUM ANALYZE')];
  } finally {
    for (const s of stores) {
      await s.store.close().catch(() => undefined);
      if (s.db.kind === 'sqlite') rmSync(dirname(s.db.path), { recursive: true, force: true });
    }
    for (const drop of drops) await drop().catch(() => undefined);
  }
}
