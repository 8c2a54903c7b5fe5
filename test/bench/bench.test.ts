/**
 * Keeps `npm run bench` working: a tiny run of scenario 1 (one instance on SQLite, plus the idle tick) and of
 * scenario 2 (three instances on PostgreSQL, one SIGKILLed mid-run), through the same code as the benchmark,
 * writing its report to a temporary file. It asserts that nothing was lost or doubled and that a report came
 * out; it asserts no timings (this machine may be busy). The PostgreSQL part is skipped with a note when no
 * server answers, unless CI is set.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommand } from '../../bench/apps.ts';
import { type BenchReport, deliveryConfig, describePostgres } from '../../bench/bench.ts';
import { type DeliveryResult, runDelivery } from '../../bench/delivery.ts';
import { runIdleTick } from '../../bench/idle-tick.ts';
import { cpuYardstick, describeMachine } from '../../bench/machine.ts';
import { DEFAULTS, parseOptions, QUICK } from '../../bench/options.ts';
import { checkTargets, renderReport, writeReport } from '../../bench/report.ts';
import { killAllApps } from '../support/app-process.ts';
import { PG_SKIP_REASON, PG_TESTS_RUN, TEST_DATABASE_URL, warnPgSkipped, withPgDatabase } from '../support/pg.ts';

const options = { ...DEFAULTS, ...QUICK, quick: true, only: ['sqlite', 'idle', 'postgres'] as const };

function expectAllDelivered(result: DeliveryResult): void {
  // Named values first, so a failure says which posts are missing or doubled.
  expect({ lost: result.lostSamples, doubled: result.doubledSamples, notDone: result.notDoneStates }).toEqual({ lost: [], doubled: [], notDone: {} });
  expect(result.completed).toBe(true);
  expect(result.posted).toBe(result.expectedPosts);
  // Root, four phases each with its time check, and the summary.
  expect(result.expectedPosts).toBe(result.sessions * 10);
}

describe('npm run bench (quick)', () => {
  // The apps run compiled, as `npm start` runs them: dist/ is built once here when the sources changed (tsc on a
  // busy machine can take a minute), so that the run itself has only start-ups to wait for.
  beforeAll(() => void startCommand(), 240_000);

  afterAll(async () => {
    await killAllApps();
  });

  it('reads its options', () => {
    expect(parseOptions([], {})).toMatchObject({ latencyMs: 100, sessions: [1000, 10_000], pgSessions: 1000, out: 'BENCHMARKS.md' });
    expect(parseOptions(['--quick', '--latency-ms', '5', '--sessions', '30,40', '--only', 'sqlite'], {})).toMatchObject({
      quick: true,
      latencyMs: 5,
      sessions: [30, 40],
      only: ['sqlite'],
    });
    expect(() => parseOptions(['--only', 'nonsense'], {})).toThrow(/--only/);
  });

  it(
    'delivers every post exactly once, with one instance on SQLite and three on PostgreSQL (one killed), and writes a report',
    async () => {
      warnPgSkipped();
      // Progress lines are shown only if the test fails.
      const lines: string[] = [];
      const progress = (line: string) => lines.push(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
      try {
        await runQuick(progress);
      } catch (error) {
        console.log(lines.join('\n'));
        throw error;
      }
    },
    // Start-ups on a busy machine, and a takeover that waits out the killed instance's 30 s lease.
    110_000,
  );
});

describe('the machine a report describes', () => {
  it('times a CPU yardstick and names it, with the clock, so that reports from different machines compare', () => {
    const yardstick = cpuYardstick(40, 3);
    expect(yardstick.iterations).toBe(40);
    expect(yardstick.medianMs).toBeGreaterThan(0);
    const machine = { ...describeMachine(), cpuDetail: 'family 23, model 1, 1996 MHz', yardstick: { iterations: 2000, medianMs: 412.4 } };
    const text = renderReport({ machine, loadAtEnd: [0, 0, 0], options, durationMs: 0, sqlite: [], idle: [] });
    expect(text).toMatch(/\| CPU \| .+ \(family 23, model 1, 1996 MHz\) \|/);
    expect(text).toContain('| CPU yardstick | 412 ms: 2,000 Block Kit messages');
    // A report whose run timed no yardstick (the quick run below) says nothing of one.
    expect(renderReport({ machine: describeMachine(), loadAtEnd: [0, 0, 0], options, durationMs: 0, sqlite: [], idle: [] })).not.toContain('CPU yardstick');
  });
});

describe('the slash-command section of a report', () => {
  it('gives each ratio its range, and checks the target against the ratio itself', () => {
    const dist = (p50: number, p99: number) => ({ count: 1000, p50, p95: p99, p99, max: p99, mean: p50 });
    const cell = (command: 'help' | 'start', app: number, bare: number, range: { low: number; high: number }) => ({
      command,
      mode: 'concurrent' as const,
      app: dist(1, app),
      bare: dist(1, bare),
      ratioP99: app / bare,
      ratioRange: range,
      failures: { app: 0, bare: 0 },
      cpu: undefined,
    });
    const commands = {
      config: { count: 1000, concurrency: 50, latencyMs: 100, roundSize: 100 },
      cells: [cell('help', 11, 10, { low: 0.82, high: 1.61 }), cell('start', 30, 10, { low: 2.2, high: 3.4 })],
      appStartupMs: 500,
      appPeakRssBytes: 100e6,
      sessionsStarted: 1000,
      appProblems: { warnings: 0, errors: 0, top: [] },
    };
    const report = { machine: describeMachine(), loadAtEnd: [0, 0, 0] as [number, number, number], options, durationMs: 0, sqlite: [], idle: [], commands };
    const text = renderReport(report);
    expect(text).toContain('| help | concurrent | 1.0 ms | 11 ms | 1.0 ms | 10 ms | 1.10× | 0.82–1.61× | 0/0 |');
    expect(text).toContain('each target\'s 10 rounds are drawn again');
    const checks = checkTargets(report).filter((c) => c.scenario === 'Slash commands');
    expect(checks.map((c) => [c.measured, c.met])).toEqual([
      ['11 ms vs 10 ms (1.10×; range 0.82–1.61×)', true],
      ['30 ms vs 10 ms (3.00×; range 2.20–3.40×)', false],
    ]);
  });
});

async function runQuick(progress: (line: string) => void): Promise<void> {
  const pg = { createDatabase: () => withPgDatabase() };
  // The two scenarios have their own stand-in, database and ports: they run side by side to save time.
  const [sqlite, postgres] = await Promise.all([
    runDelivery(deliveryConfig(options, 20, 'sqlite', undefined, progress)),
    PG_TESTS_RUN ? runDelivery(deliveryConfig(options, 20, 'postgres', pg, progress)) : Promise.resolve(undefined),
  ]);
  const idle = await runIdleTick({ database: 'sqlite', sizes: [10, 50], iterations: 100, rounds: 2, progress });
  if (PG_TESTS_RUN) {
    const pgIdle = await runIdleTick({ database: 'postgres', sizes: [10, 50], iterations: 40, rounds: 2, pg, progress });
    // Before statistics, after the app's own upkeep analyzed the table, after VACUUM ANALYZE; only the first is not a target.
    expect(pgIdle.map((r) => Boolean(r.reference))).toEqual([true, false, false]);
    idle.push(...pgIdle);
  }

  expectAllDelivered(sqlite);
  expect(sqlite.instances).toHaveLength(1);
  expect(sqlite.instances[0]?.peakRssBytes).toBeGreaterThan(0);
  if (postgres) {
    expectAllDelivered(postgres);
    expect(postgres.instances).toHaveLength(3);
    expect(postgres.instances.filter((i) => i.killed)).toHaveLength(1);
    expect(postgres.kill).toBeDefined();
  }
  expect(idle[0]?.sizes.map((s) => s.sessions)).toEqual([10, 50]);

  const report: BenchReport = {
    machine: describeMachine(),
    loadAtEnd: [0, 0, 0],
    options,
    durationMs: 0,
    sqlite: [sqlite],
    idle,
    ...(postgres ? { postgres, postgresServer: await describePostgres(TEST_DATABASE_URL) } : { postgresSkipped: PG_SKIP_REASON }),
  };
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-bench-report-'));
  const out = join(dir, 'BENCHMARKS.md');
  writeReport(out, report);
  expect(existsSync(out)).toBe(true);
  const text = readFileSync(out, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  expect(text).toContain('## Machine');
  expect(text).toContain('## Targets');
  expect(text).toContain('### SQLite, 1 instance, 20 sessions');
  expect(text).toContain('Idle tick, SQLite');
  if (postgres) expect(text).toContain("### Idle tick, PostgreSQL, dead row versions not yet vacuumed, after the app's statistics upkeep");
  if (postgres) expect(text).toContain('Not held to the target; shown for comparison: what the statistics upkeep prevents');
  // The state shown for comparison gets no verdict line.
  expect(checkTargets(report).some((c) => c.scenario.includes('no statistics'))).toBe(false);
  expect(text).toContain(postgres ? '### PostgreSQL, 3 instances, 20 sessions' : 'Skipped: ');
  // Every target gets a verdict line; whether it is met is not this test's business.
  expect(checkTargets(report).length).toBeGreaterThanOrEqual(postgres ? 7 : 4);
}
