/** What a benchmark run does, from command-line flags (and BENCH_* environment variables), with the defaults. */
import { parseArgs } from 'node:util';

export const SCENARIOS = ['sqlite', 'idle', 'postgres', 'commands', 'startup'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** Every Web API call is answered this late. */
  readonly latencyMs: number;
  /** Session counts for scenario 1 (one instance, SQLite). */
  readonly sessions: readonly number[];
  /** Session count for scenario 2 (three instances, PostgreSQL). */
  readonly pgSessions: number;
  /** How many sessions start in one and the same second. */
  readonly burst: number;
  /** Phase lengths of every benchmark session. */
  readonly plan: string;
  /** The sessions outside the burst start spread over this span. */
  readonly staggerMs: number;
  /** Idle tick: session counts compared, timed ticks per count. */
  readonly idleSizes: readonly number[];
  readonly idleIterations: number;
  /** Slash commands: requests per command, mode and target; how many at once in the concurrent mode. */
  readonly commands: number;
  readonly commandConcurrency: number;
  /** Start-up: live sessions in the database; runs of each kind. */
  readonly startupSessions: number;
  readonly startupRepetitions: number;
  /** POST_CONCURRENCY for the app processes (their default when unset). */
  readonly postConcurrency: number | undefined;
  /** Writes V8 CPU profiles of the app processes of scenarios 1 to 3 here (<pid>.cpuprofile, on a clean exit). */
  readonly cpuProfDir: string | undefined;
  /** How long to wait after the last planned post before counting what is missing as lost. */
  readonly graceMs: number;
  readonly only: readonly Scenario[];
  readonly quick: boolean;
  readonly out: string;
}

export const DEFAULTS: BenchOptions = {
  latencyMs: 100,
  sessions: [1000, 10_000],
  pgSessions: 1000,
  burst: 1000,
  plan: '20s/30s/30s/20s',
  staggerMs: 80_000,
  idleSizes: [10, 10_000],
  idleIterations: 2000,
  commands: 1000,
  commandConcurrency: 50,
  startupSessions: 10_000,
  startupRepetitions: 3,
  postConcurrency: undefined,
  cpuProfDir: undefined,
  graceMs: 120_000,
  only: SCENARIOS,
  quick: false,
  out: 'BENCHMARKS.md',
};

/** Small sizes: proves the benchmark works in a minute, measures nothing worth keeping. */
export const QUICK: Partial<BenchOptions> = {
  latencyMs: 10,
  sessions: [20],
  pgSessions: 20,
  burst: 10,
  plan: '3s/3s/3s/3s',
  staggerMs: 4000,
  idleSizes: [10, 200],
  idleIterations: 400,
  commands: 50,
  commandConcurrency: 10,
  startupSessions: 200,
  startupRepetitions: 1,
  graceMs: 30_000,
};

const HELP = `npm run bench -- [options]

  --latency-ms N        Web API latency of the Slack stand-in (default 100)
  --sessions A,B        session counts, one instance on SQLite (default 1000,10000)
  --pg-sessions N       session count, three instances on PostgreSQL (default 1000; 10000 takes long)
  --burst N             sessions starting in one and the same second (default 1000)
  --plan P              phase lengths of every session (default 20s/30s/30s/20s)
  --stagger-s N         the other sessions start spread over N seconds (default 80)
  --idle-sizes A,B      idle tick: session counts compared (default 10,10000)
  --idle-iterations N   idle tick: timed ticks per count (default 2000)
  --commands N          slash commands per command, mode and target (default 1000)
  --command-concurrency N  requests at once in the concurrent mode (default 50)
  --startup-sessions N  live sessions in the database at start-up (default 10000)
  --post-concurrency N  POST_CONCURRENCY of the app processes
  --cpu-prof DIR        V8 CPU profiles of the app processes into DIR (BENCH_SQL_STATS=1: SQLite time per statement too)
  --grace-s N           wait this long after the last due post before counting losses (default 120)
  --only LIST           some of: ${SCENARIOS.join(',')}
  --quick               tiny sizes (what the test runs)
  --out FILE            report file (default BENCHMARKS.md)

Environment: BENCH_LATENCY_MS, BENCH_SESSIONS, BENCH_PG_SESSIONS, BENCH_ONLY, BENCH_OUT; PostgreSQL at
TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), skipped when none answers unless CI is set.`;

function numbers(text: string, flag: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`${flag} takes whole numbers separated by commas, not "${text}"`);
  return list;
}

function one(text: string, flag: string): number {
  const [n] = numbers(text, flag);
  return n as number;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'latency-ms': { type: 'string' },
      sessions: { type: 'string' },
      'pg-sessions': { type: 'string' },
      burst: { type: 'string' },
      plan: { type: 'string' },
      'stagger-s': { type: 'string' },
      'idle-sizes': { type: 'string' },
      'idle-iterations': { type: 'string' },
      commands: { type: 'string' },
      'command-concurrency': { type: 'string' },
      'startup-sessions': { type: 'string' },
      'post-concurrency': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'grace-s': { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const base: BenchOptions = { ...DEFAULTS, ...(quick ? QUICK : {}), quick };
  const latency = values['latency-ms'] ?? env.BENCH_LATENCY_MS;
  const sessions = values.sessions ?? env.BENCH_SESSIONS;
  const pgSessions = values['pg-sessions'] ?? env.BENCH_PG_SESSIONS;
  const onlyText = values.only ?? env.BENCH_ONLY;
  let only: Scenario[] = [...SCENARIOS];
  if (onlyText) {
    only = onlyText.split(',').map((s) => s.trim()) as Scenario[];
    const unknown = only.filter((s) => !SCENARIOS.includes(s));
    if (unknown.length > 0) throw new Error(`--only knows ${SCENARIOS.join(', ')}; not ${unknown.join(', ')}`);
  }
  const latencyMs = latency === undefined ? base.latencyMs : Number(latency);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`--latency-ms takes a number of milliseconds, not "${latency}"`);
  return {
    ...base,
    latencyMs,
    sessions: sessions ? numbers(sessions, '--sessions') : base.sessions,
    pgSessions: pgSessions ? one(pgSessions, '--pg-sessions') : base.pgSessions,
    burst: values.burst ? one(values.burst, '--burst') : base.burst,
    plan: values.plan ?? base.plan,
    staggerMs: values['stagger-s'] ? one(values['stagger-s'], '--stagger-s') * 1000 : base.staggerMs,
    idleSizes: values['idle-sizes'] ? numbers(values['idle-sizes'], '--idle-sizes') : base.idleSizes,
    idleIterations: values['idle-iterations'] ? one(values['idle-iterations'], '--idle-iterations') : base.idleIterations,
    commands: values.commands ? one(values.commands, '--commands') : base.commands,
    commandConcurrency: values['command-concurrency'] ? one(values['command-concurrency'], '--command-concurrency') : base.commandConcurrency,
    startupSessions: values['startup-sessions'] ? one(values['startup-sessions'], '--startup-sessions') : base.startupSessions,
    postConcurrency: values['post-concurrency'] ? one(values['post-concurrency'], '--post-concurrency') : base.postConcurrency,
    cpuProfDir: values['cpu-prof'] ?? base.cpuProfDir,
    graceMs: values['grace-s'] ? one(values['grace-s'], '--grace-s') * 1000 : base.graceMs,
    only,
    out: values.out ?? env.BENCH_OUT ?? base.out,
  };
}

export const USAGE = HELP;
