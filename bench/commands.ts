/**
 * Scenario 3: slash-command latency. Signed `/mockdesign help` and `/mockdesign start …` (each start in a
 * channel of its own) sent one at a time and 50 at once, to the real app and to a bare Bolt app that only acks,
 * both running during the same run. The two targets take turns in rounds, so that whatever else the machine does
 * weighs on both alike. Latency is request sent → response read, at the client, which runs on a thread of its own
 * (command-client.ts) so that the stand-in serving the app's posts does not delay it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SlashCommandFields } from '../sandbox/signed-client.ts';
import { createSlackStandIn } from '../sandbox/stand-in/server.ts';
import { freePort, PROJECT_ROOT, randomBotToken, randomSigningSecret, tempDbPath } from '../test/support/app-process.ts';
import { forgetChildOutput, launchApp, problemsLogged } from './apps.ts';
import { startCommandClient } from './command-client.ts';
import { channelIds, HOST_ID, TEAM_ID } from './load.ts';
import { readThreadCpuMs, type ThreadCpu } from './rss.ts';
import { distribution, type Distribution, p99RatioRange } from './stats.ts';

export interface CommandsConfig {
  /** Requests per command, mode and target. */
  readonly count: number;
  readonly concurrency: number;
  readonly latencyMs: number;
  /** Requests per turn before the other target's turn. */
  readonly roundSize: number;
  /** Writes a V8 CPU profile of the app process here. */
  readonly cpuProfDir?: string;
  readonly progress?: (line: string) => void;
}

export type Target = 'app' | 'bare';
export type CommandName = 'help' | 'start';
export type Mode = 'sequential' | 'concurrent';

/** CPU per request (ms) over a cell, until the work it set off (the posts of the sessions started) was done. */
export interface CpuPerRequest {
  readonly main: number;
  readonly all: number;
}

export interface CommandsCell {
  readonly command: CommandName;
  readonly mode: Mode;
  readonly app: Distribution;
  readonly bare: Distribution;
  /** App p99 over bare-app p99. */
  readonly ratioP99: number;
  /** The middle 95% of that ratio with the rounds resampled (stats.ts, p99RatioRange). */
  readonly ratioRange: { readonly low: number; readonly high: number };
  readonly failures: { app: number; bare: number };
  /** Undefined where /proc cannot be read. */
  readonly cpu: { app: CpuPerRequest; bare: CpuPerRequest } | undefined;
}

export interface CommandsResult {
  readonly config: Omit<CommandsConfig, 'progress' | 'cpuProfDir'>;
  readonly cells: CommandsCell[];
  readonly appStartupMs: number;
  readonly appPeakRssBytes: number;
  readonly sessionsStarted: number;
  readonly appProblems: { warnings: number; errors: number; top: string[] };
}

interface BareApp {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

async function startBareApp(signingSecret: string, botToken: string, slackApiUrl: string): Promise<BareApp> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-app.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken, SLACK_API_URL: slackApiUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bare app exited: ${stderr}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bare app did not start: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What an answer must carry to count: a start answers "Starting *topic*…" ("already running" would mean the
 * channel was not a fresh one); the bare app's answers only need their 200. */
function expectedText(target: Target, command: CommandName): string | undefined {
  if (target === 'bare') return undefined;
  return command === 'help' ? 'ephemeral' : 'Starting';
}

export async function runCommands(config: CommandsConfig): Promise<CommandsResult> {
  const say = config.progress ?? (() => undefined);
  const starts = { sequential: channelIds('Q', config.count), concurrent: channelIds('R', config.count), warmup: channelIds('W', 20) };
  const slack = createSlackStandIn({
    botToken: randomBotToken(),
    latencyMs: config.latencyMs,
    channels: [
      { id: 'C0GENERAL', name: 'general', members: [HOST_ID], botIsMember: true },
      ...[...starts.sequential, ...starts.concurrent, ...starts.warmup].map((id) => ({ id, name: id.toLowerCase(), members: [HOST_ID], botIsMember: true })),
    ],
  });
  await slack.start();
  const trimCalls = setInterval(() => {
    slack.calls.length = 0;
  }, 5000);
  trimCalls.unref();
  const signingSecret = randomSigningSecret();
  const dbPath = tempDbPath('mockdesign-bench-commands');
  let bare: BareApp | undefined;
  const app = await launchApp({
    slackApiUrl: slack.apiUrl,
    botToken: slack.botToken,
    databaseUrl: dbPath,
    signingSecret,
    ...(config.cpuProfDir ? { cpuProfDir: config.cpuProfDir } : {}),
  });
  const client = startCommandClient();
  try {
    bare = await startBareApp(signingSecret, slack.botToken, slack.apiUrl);
    const urls: Record<Target, string> = { app: `${app.proc.url}/slack/events`, bare: `${bare.url}/slack/events` };
    const fields = (command: CommandName, channel: string): SlashCommandFields => ({
      command: '/mockdesign',
      text: command === 'help' ? 'help' : `start Design a URL shortener ${channel} --plan 5m/20m/15m/5m`,
      user_id: HOST_ID,
      channel_id: command === 'help' ? 'C0GENERAL' : channel,
      team_id: TEAM_ID,
    });
    const send = (target: Target, command: CommandName, channels: readonly string[], concurrency: number) => {
      const expectText = expectedText(target, command);
      return client.run({ appUrl: urls[target], signingSecret, requests: channels.map((channel) => fields(command, channel)), concurrency, ...(expectText === undefined ? {} : { expectText }) });
    };

    // Warm-up: connections open, code paths compiled (the client's too), statements prepared.
    for (const target of ['app', 'bare'] as const) {
      await send(target, 'help', Array.from({ length: 100 }, () => 'C0GENERAL'), 10);
      await send(target, 'start', starts.warmup, 1);
    }

    // Posting a started session (root message, first phase) goes on after the ack: each cell begins once the
    // app has gone quiet, so that no cell pays for the sessions an earlier one started.
    let lastCallAt = Date.now();
    slack.events.on('call', () => {
      lastCallAt = Date.now();
    });
    const quiet = async () => {
      const deadline = Date.now() + 120_000;
      while (Date.now() - lastCallAt < 1500 && Date.now() < deadline) await sleep(100);
    };
    const bareApp = bare;
    const cpuNow = () => ({ app: readThreadCpuMs(app.proc.pid), bare: bareApp.child.pid === undefined ? undefined : readThreadCpuMs(bareApp.child.pid) });
    const cells: CommandsCell[] = [];
    for (const command of ['help', 'start'] as const) {
      for (const mode of ['sequential', 'concurrent'] as const) {
        await quiet();
        const cpuBefore = cpuNow();
        const times: Record<Target, number[]> = { app: [], bare: [] };
        const rounds: Record<Target, number[][]> = { app: [], bare: [] };
        const failures: Record<Target, number> = { app: 0, bare: 0 };
        const channels = starts[mode];
        let round = 0;
        for (let from = 0; from < config.count; from += config.roundSize) {
          const indexes = Array.from({ length: Math.min(config.roundSize, config.count - from) }, (_, i) => from + i);
          const order: Target[] = round++ % 2 === 0 ? ['app', 'bare'] : ['bare', 'app'];
          for (const target of order) {
            const batch = await send(target, command, indexes.map((i) => channels[i] ?? 'C0GENERAL'), mode === 'sequential' ? 1 : config.concurrency);
            times[target].push(...batch.times);
            rounds[target].push(batch.times);
            failures[target] += batch.failures;
          }
        }
        // The CPU each process used for the cell's requests, counted until the posts they set off are done.
        await quiet();
        const cpuAfter = cpuNow();
        const perRequest = (before: ThreadCpu | undefined, after: ThreadCpu | undefined): CpuPerRequest | undefined =>
          before && after ? { main: (after.main - before.main) / config.count, all: (after.all - before.all) / config.count } : undefined;
        const appCpu = perRequest(cpuBefore.app, cpuAfter.app);
        const bareCpu = perRequest(cpuBefore.bare, cpuAfter.bare);
        const appDist = distribution(times.app);
        const bareDist = distribution(times.bare);
        cells.push({ command, mode, app: appDist, bare: bareDist, ratioP99: appDist.p99 / bareDist.p99, ratioRange: p99RatioRange(rounds.app, rounds.bare), failures, cpu: appCpu && bareCpu ? { app: appCpu, bare: bareCpu } : undefined });
        say(`commands: ${command} ${mode}: app p50 ${appDist.p50.toFixed(1)} / p99 ${appDist.p99.toFixed(1)} ms, bare p50 ${bareDist.p50.toFixed(1)} / p99 ${bareDist.p99.toFixed(1)} ms`);
      }
    }
    app.sampler.stop();
    const result: CommandsResult = {
      config: { count: config.count, concurrency: config.concurrency, latencyMs: config.latencyMs, roundSize: config.roundSize },
      cells,
      appStartupMs: app.startupMs,
      appPeakRssBytes: app.sampler.peakRss(),
      sessionsStarted: app.proc.logs().filter((r) => r.msg === 'session started').length,
      appProblems: problemsLogged(app.proc),
    };
    return result;
  } finally {
    clearInterval(trimCalls);
    await app.proc.stop(30_000).catch(() => app.proc.kill());
    forgetChildOutput(app.proc);
    await bare?.stop();
    await client.close();
    await slack.stop();
    rmSync(dirname(dbPath), { recursive: true, force: true });
  }
}
