/**
 * `npm run bench`: runs the delivery, idle-tick, slash-command and start-up benchmarks against real app processes
 * and the Slack stand-in, and writes BENCHMARKS.md. `npm run bench -- --help` lists the options.
 */
import { resolve } from 'node:path';
import { killAllApps } from '../test/support/app-process.ts';
import { PG_SKIP_REASON, pgAvailable, TEST_DATABASE_URL, withPgDatabase } from '../test/support/pg.ts';
import { describePostgres, type PgAccess, runBenchmarks } from './bench.ts';
import { parseOptions, USAGE } from './options.ts';
import { checkTargets, writeReport } from './report.ts';

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const available = await pgAvailable();
  if (!available && process.env.CI) throw new Error(`CI is set and ${PG_SKIP_REASON}`);
  const pg: PgAccess = { unavailable: available ? null : PG_SKIP_REASON, createDatabase: () => withPgDatabase(), describe: () => describePostgres(TEST_DATABASE_URL) };
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  log(`benchmarks: ${options.only.join(', ')}${options.quick ? ' (quick)' : ''}; writing ${options.out}`);
  const report = await runBenchmarks(options, pg, log);
  const out = resolve(options.out);
  writeReport(out, report);
  const checks = checkTargets(report);
  for (const c of checks) log(`${c.met ? 'met   ' : 'MISSED'} ${c.scenario}: ${c.target} — ${c.measured}`);
  log(`report written to ${out}`);
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await killAllApps();
}
process.exit(code);
