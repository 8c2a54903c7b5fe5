/**
 * Starts real app processes for the benchmarks, through the test helper, as `npm start` runs the app in
 * production: plain node on the compiled JavaScript (dist/), built first when it is missing or out of date.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type AppProcess, allChildOutput, npmScript, PROJECT_ROOT, startApp } from '../test/support/app-process.ts';
import { sampleProcess, type ProcSampler } from './rss.ts';

export interface BenchAppOptions {
  readonly slackApiUrl: string;
  readonly botToken: string;
  /** SQLite path or postgres:// URL. */
  readonly databaseUrl: string;
  readonly signingSecret?: string;
  readonly postConcurrency?: number;
  /** Writes a V8 CPU profile of the process here when it exits normally (SIGTERM). */
  readonly cpuProfDir?: string;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readonly readyTimeoutMs?: number;
}

export interface BenchApp {
  readonly proc: AppProcess;
  /** Spawn → GET /healthz answered 200. */
  readonly startupMs: number;
  readonly sampler: ProcSampler;
}

let built = false;

/**
 * The arguments `npm start` gives node (its options, then `scripts/launch.mjs src/main.ts`), after
 * building dist/ here once when it does not match the sources: apps started together must not each build it.
 */
export function startCommand(): string[] {
  const { command, args } = npmScript('start');
  if (command !== 'node') throw new Error(`npm start must run plain node, not: ${[command, ...args].join(' ')}`);
  if (!built) {
    const ensure = "const m = await import('./scripts/build.mjs'); if (m.buildState() !== 'current') m.build(m.ROOT, { compilerOutput: 2 });";
    execFileSync(process.execPath, ['--input-type=module', '-e', ensure], { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    built = true;
  }
  // The launcher by its full path: the app runs in a folder of its own, where no developer's .env is read.
  return args.map((arg) => (arg.endsWith('.mjs') ? join(PROJECT_ROOT, arg) : arg));
}

export async function launchApp(options: BenchAppOptions): Promise<BenchApp> {
  const env: Record<string, string> = {};
  if (options.postConcurrency !== undefined) env.POST_CONCURRENCY = String(options.postConcurrency);
  if (options.cpuProfDir) {
    env.NODE_OPTIONS = `--import ${fileURLToPath(new URL('./cpu-profile.mjs', import.meta.url))}`;
    env.BENCH_CPU_PROF_DIR = options.cpuProfDir;
    if (process.env.BENCH_SQL_STATS) env.BENCH_SQL_STATS = '1';
  }
  let spawnedAt = 0;
  let sampler: ProcSampler | undefined;
  const proc = await startApp({
    slackApiUrl: options.slackApiUrl,
    botToken: options.botToken,
    dbPath: options.databaseUrl,
    ...(options.signingSecret ? { signingSecret: options.signingSecret } : {}),
    logLevel: options.logLevel ?? 'info',
    env,
    nodeArgs: startCommand(),
    readyTimeoutMs: options.readyTimeoutMs ?? 180_000,
    onSpawn: (p) => {
      spawnedAt = performance.now();
      sampler?.stop();
      sampler = sampleProcess(p.pid);
    },
  });
  const startupMs = performance.now() - spawnedAt;
  if (!sampler) throw new Error('the app process was never spawned');
  return { proc, startupMs, sampler };
}

/** Log records of a process at warn level or above, as "level: message" counts. */
export function problemsLogged(proc: AppProcess): { warnings: number; errors: number; top: string[] } {
  const counts = new Map<string, number>();
  let warnings = 0;
  let errors = 0;
  for (const record of proc.logs()) {
    if (record.level !== 'warn' && record.level !== 'error') continue;
    if (record.level === 'warn') warnings += 1;
    else errors += 1;
    const key = `${String(record.level)}: ${String(record.msg)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const raw of proc.stderr) {
    // Libraries (node-cron) write "[time] [PID: n] [NODE-CRON] [WARN] …" with colours: counted by what they say.
    const line = raw.replace(/\u001b\[[0-9;]*m/g, '').replace(/^\[[^\]]*\] \[PID: \d+\] /, '').trim();
    if (line === '') continue;
    if (/\[WARN\]/.test(line)) warnings += 1;
    else errors += 1;
    const key = `stderr: ${line.slice(0, 120)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, n]) => `${k} (×${n})`);
  return { warnings, errors, top };
}

/** Frees the output the process helper keeps of every child (a 10,000-session run logs ~100,000 lines). */
export function forgetChildOutput(...procs: AppProcess[]): void {
  allChildOutput.length = 0;
  for (const p of procs) {
    p.stdout.length = 0;
    p.stderr.length = 0;
  }
}
