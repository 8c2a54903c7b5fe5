/**
 * Scenario 4: start-up time, process spawn → GET /healthz 200, with 10,000 live sessions in a SQLite database
 * (half of them paused, nothing due), against the same with an empty database. The two alternate, several times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSlackStandIn } from '../sandbox/stand-in/server.ts';
import { randomBotToken } from '../test/support/app-process.ts';
import { forgetChildOutput, launchApp } from './apps.ts';
import { HOST_ID, seedRestingSessions } from './load.ts';
import { median } from './stats.ts';
import { openBenchStore } from './store.ts';

export interface StartupConfig {
  readonly sessions: number;
  readonly repetitions: number;
  readonly latencyMs: number;
  readonly progress?: (line: string) => void;
}

export interface StartupResult {
  readonly config: Omit<StartupConfig, 'progress'>;
  readonly stepRows: number;
  readonly emptyMs: number[];
  readonly fullMs: number[];
  readonly emptyMedianMs: number;
  readonly fullMedianMs: number;
}

export async function runStartup(config: StartupConfig): Promise<StartupResult> {
  const say = config.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-bench-startup-'));
  const full = join(dir, 'full.db');
  say(`start-up: preparing ${config.sessions} live sessions`);
  const store = await openBenchStore({ kind: 'sqlite', path: full });
  let stepRows = 0;
  try {
    stepRows = (await seedRestingSessions(store, config.sessions, 'S', { pauseHalf: true })).stepRows;
  } finally {
    await store.close();
  }
  const slack = createSlackStandIn({
    botToken: randomBotToken(),
    latencyMs: config.latencyMs,
    channels: [{ id: 'C0GENERAL', name: 'general', members: [HOST_ID], botIsMember: true }],
  });
  await slack.start();
  const emptyMs: number[] = [];
  const fullMs: number[] = [];
  try {
    for (let i = 0; i < config.repetitions; i++) {
      for (const which of i % 2 === 0 ? (['empty', 'full'] as const) : (['full', 'empty'] as const)) {
        const app = await launchApp({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, databaseUrl: which === 'full' ? full : join(dir, `empty-${i}.db`) });
        app.sampler.stop();
        (which === 'full' ? fullMs : emptyMs).push(app.startupMs);
        await app.proc.stop(30_000);
        forgetChildOutput(app.proc);
      }
    }
  } finally {
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const result = { config: { sessions: config.sessions, repetitions: config.repetitions, latencyMs: config.latencyMs }, stepRows, emptyMs, fullMs, emptyMedianMs: median(emptyMs), fullMedianMs: median(fullMs) };
  say(`start-up: empty ${Math.round(result.emptyMedianMs)} ms, ${config.sessions} sessions ${Math.round(result.fullMedianMs)} ms (medians)`);
  return result;
}
