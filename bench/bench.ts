/** Runs the chosen scenarios one after the other and collects their results for the report. */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PROJECT_ROOT } from '../test/support/app-process.ts';
import { type CommandsResult, runCommands } from './commands.ts';
import { type DeliveryConfig, type DeliveryResult, type PgProvider, runDelivery } from './delivery.ts';
import { type IdleTickResult, runIdleTick } from './idle-tick.ts';
import { codeVersion, cpuYardstick, describeMachine, type Machine } from './machine.ts';
import type { BenchOptions } from './options.ts';
import { runStartup, type StartupResult } from './startup.ts';

export interface PgAccess extends PgProvider {
  /** Null when a server answers; otherwise why the PostgreSQL parts are skipped. */
  readonly unavailable: string | null;
  /** Version and the settings that matter here (autovacuum), for the report. */
  describe(): Promise<string>;
}

/** "PostgreSQL 15.2, autovacuum off, …": what the PostgreSQL numbers depend on. */
export async function describePostgres(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const show = async (name: string) => String((await client.query(`SHOW ${name}`)).rows[0]?.[name] ?? '?');
    return `${await show('server_version')}; autovacuum ${await show('autovacuum')}, shared_buffers ${await show('shared_buffers')}, synchronous_commit ${await show('synchronous_commit')}, fsync ${await show('fsync')}, max_connections ${await show('max_connections')}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface BenchReport {
  readonly machine: Machine;
  readonly loadAtEnd: readonly number[];
  /** The commit measured, at the start and at the end of the run. */
  readonly code?: { readonly start: string; readonly end: string };
  readonly options: BenchOptions;
  readonly durationMs: number;
  readonly sqlite: DeliveryResult[];
  readonly idle: IdleTickResult[];
  readonly postgres?: DeliveryResult;
  readonly postgresSkipped?: string;
  readonly postgresServer?: string;
  readonly commands?: CommandsResult;
  readonly startup?: StartupResult;
  /** The machine's 1-minute load average while each scenario ran (other work on it skews the numbers). */
  readonly load?: Record<string, LoadSeen>;
}

export interface LoadSeen {
  readonly min: number;
  readonly max: number;
  /** The commit (and whether src/ or migrations/ had uncommitted changes) when the scenario began. */
  readonly code: string;
}

/** Runs `work` while sampling the 1-minute load average every 5 s. */
async function watchingLoad<T>(name: string, seen: Record<string, LoadSeen>, work: () => Promise<T>): Promise<T> {
  const code = codeVersion(PROJECT_ROOT);
  const samples: number[] = [loadavg()[0] ?? 0];
  const timer = setInterval(() => samples.push(loadavg()[0] ?? 0), 5000);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    samples.push(loadavg()[0] ?? 0);
    seen[name] = { min: Math.min(...samples), max: Math.max(...samples), code };
  }
}

/** From the start of seeding to the first session start: seeding plus app start-up, with room to spare. */
function leadMs(options: BenchOptions, sessions: number, database: 'sqlite' | 'postgres', instances: number): number {
  if (options.quick) return database === 'sqlite' ? 8000 : 12_000;
  const perThousand = database === 'sqlite' ? 1500 : 4000;
  return 15_000 + (instances - 1) * 5000 + Math.ceil(sessions / 1000) * perThousand;
}

export function deliveryConfig(options: BenchOptions, sessions: number, database: 'sqlite' | 'postgres', pg?: PgProvider, progress?: (line: string) => void): DeliveryConfig {
  const instances = database === 'sqlite' ? 1 : 3;
  return {
    name: database === 'sqlite' ? `SQLite, 1 instance, ${sessions} sessions` : `PostgreSQL, 3 instances, ${sessions} sessions`,
    database,
    shape: { sessions, burst: Math.min(options.burst, sessions), staggerMs: options.staggerMs, burstAtMs: Math.floor(options.staggerMs / 2) },
    plan: options.plan,
    instances,
    killOne: instances > 1,
    killAtFraction: 0.4,
    latencyMs: options.latencyMs,
    leadMs: leadMs(options, sessions, database, instances),
    graceMs: options.graceMs,
    ...(options.postConcurrency === undefined ? {} : { postConcurrency: options.postConcurrency }),
    ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
    ...(pg ? { pg } : {}),
    ...(progress ? { progress } : {}),
  };
}

export async function runBenchmarks(options: BenchOptions, pgAccess: PgAccess, progress: (line: string) => void = () => undefined): Promise<BenchReport> {
  const began = performance.now();
  const postgresServer = pgAccess.unavailable ? undefined : await pgAccess.describe().catch((error: unknown) => `unknown (${String(error)})`);
  // Timed first, while the machine is as quiet as it will be in this run.
  const machine = { ...describeMachine(), yardstick: cpuYardstick() };
  const codeAtStart = codeVersion(PROJECT_ROOT);
  const wants = (s: BenchOptions['only'][number]) => options.only.includes(s);
  const sqlite: DeliveryResult[] = [];
  const idle: IdleTickResult[] = [];
  let postgres: DeliveryResult | undefined;
  let commands: CommandsResult | undefined;
  let startup: StartupResult | undefined;

  const load: Record<string, LoadSeen> = {};
  if (wants('sqlite')) {
    for (const n of options.sessions) {
      const config = deliveryConfig(options, n, 'sqlite', undefined, progress);
      sqlite.push(await watchingLoad(config.name, load, () => runDelivery(config)));
    }
  }
  if (wants('idle')) {
    const sizes = options.idleSizes;
    idle.push(...(await watchingLoad('Idle tick, SQLite', load, () => runIdleTick({ database: 'sqlite', sizes, iterations: options.idleIterations, rounds: 10, progress }))));
    if (!pgAccess.unavailable) {
      idle.push(
        ...(await watchingLoad('Idle tick, PostgreSQL', load, () => runIdleTick({ database: 'postgres', sizes, iterations: options.idleIterations, rounds: 10, pg: pgAccess, progress }))),
      );
    }
  }
  if (wants('postgres') && !pgAccess.unavailable) {
    const config = deliveryConfig(options, options.pgSessions, 'postgres', pgAccess, progress);
    postgres = await watchingLoad(config.name, load, () => runDelivery(config));
  }
  if (wants('commands')) {
    commands = await watchingLoad('Slash commands', load, () =>
      runCommands({
        count: options.commands,
        concurrency: options.commandConcurrency,
        latencyMs: options.latencyMs,
        roundSize: Math.min(100, options.commands),
        ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
        progress,
      }),
    );
  }
  if (wants('startup')) {
    startup = await watchingLoad('Start-up', load, () => runStartup({ sessions: options.startupSessions, repetitions: options.startupRepetitions, latencyMs: options.latencyMs, progress }));
  }

  return {
    machine,
    loadAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    code: { start: codeAtStart, end: codeVersion(PROJECT_ROOT) },
    options,
    durationMs: performance.now() - began,
    sqlite,
    idle,
    ...(postgres ? { postgres } : {}),
    ...(postgresServer ? { postgresServer } : {}),
    ...((wants('postgres') || wants('idle')) && pgAccess.unavailable ? { postgresSkipped: pgAccess.unavailable } : {}),
    ...(commands ? { commands } : {}),
    ...(startup ? { startup } : {}),
    load,
  };
}
