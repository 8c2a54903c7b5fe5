/** `npm run sandbox`: the Slack stand-in, the unmodified app as a child process, and a Slack-like web page to drive it. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSignedClient } from './signed-client.ts';
import { createSlackStandIn } from './stand-in/server.ts';
import type { SlackStandIn } from './stand-in/server.ts';
import { DEFAULT_MANIFEST, readManifest } from './web/manifest.ts';
import { createPlatform } from './web/platform.ts';
import type { Platform } from './web/platform.ts';
import { createWebServer } from './web/server.ts';
import type { WebServer } from './web/server.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface SandboxOptions {
  /** Port of the web page; 0 picks a free one. Default: SANDBOX_PORT or 3000. */
  port?: number;
  /** The app's DATABASE_URL, relative to the project root. Default ./data/sandbox.db. */
  databaseUrl?: string;
  /** Extra environment for the app (LOG_LEVEL, TICK_CRON, …); SLACK_* and PORT are always the sandbox's. */
  appEnv?: Record<string, string>;
  /** Where the sandbox's own lines and the app's `[app]`-prefixed output go. Default: stdout. */
  log?: (line: string) => void;
  /** How long to wait for the app's GET /healthz to answer 200. */
  appStartTimeoutMs?: number;
  /** How long to wait for the app to exit after SIGTERM before killing it. */
  appStopTimeoutMs?: number;
  projectRoot?: string;
  /** The app manifest the sandbox mirrors (commands, events, App Home). Default: manifest.yml in the project root. */
  manifestPath?: string;
}

export interface Sandbox {
  /** The web page, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Where the app receives Slack's requests, e.g. http://127.0.0.1:41234/slack/events */
  readonly appUrl: string;
  readonly standIn: SlackStandIn;
  readonly platform: Platform;
  /** Settles when the app process exits, for whatever reason. */
  readonly appExited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Environment variables of the parent that must not leak into the app: they would point it at the real Slack. */
const SCRUBBED_ENV = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL', 'PORT', 'DATABASE_URL'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

function pipeLines(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => log(`[app] ${line}`));
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the app exited before it was healthy (code ${child.exitCode ?? child.signalCode}); see the [app] lines above`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(`the app did not become healthy within ${timeoutMs} ms (${url}: ${last})`);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = sleep(timeoutMs).then(() => 'timeout' as const);
  if ((await Promise.race([exited, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const root = options.projectRoot ?? PROJECT_ROOT;
  const manifestPath = options.manifestPath ?? resolve(root, 'manifest.yml');
  const manifest = readManifest(manifestPath);
  if (!manifest) log(`[sandbox] no manifest at ${manifestPath}: assuming ${DEFAULT_MANIFEST.commands[0]?.command} and App Home`);
  const standIn = createSlackStandIn();
  await standIn.start();

  const databaseUrl = options.databaseUrl ?? './data/sandbox.db';
  if (existsSync(resolve(root, databaseUrl))) {
    // The stand-in keeps everything in memory: sessions left in the database refer to messages it never saw.
    log(`[sandbox] ${databaseUrl} is from an earlier run; sessions still live in it will fail to post into their threads (thread_not_found). Delete it for a clean start.`);
  }
  const appPort = await freePort();
  const signingSecret = randomBytes(16).toString('hex');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SCRUBBED_ENV) delete env[key];
  Object.assign(env, options.appEnv ?? {}, {
    SLACK_BOT_TOKEN: standIn.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: standIn.apiUrl,
    PORT: String(appPort),
    DATABASE_URL: /^[a-z][a-z0-9+.-]+:/i.test(databaseUrl) ? databaseUrl : resolve(root, databaseUrl),
  });
  // node itself, not npx: npx does not pass SIGTERM on, and the app must get it to shut down cleanly. It runs in
  // a folder of its own so that a developer's `.env` in the project cannot bring back the variables scrubbed above.
  const appDir = mkdtempSync(join(tmpdir(), 'mockdesign-sandbox-app-'));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src', 'main.ts')], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const appExited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
  });
  pipeLines(child.stdout, log);
  pipeLines(child.stderr, log);

  const appBase = `http://127.0.0.1:${appPort}`;
  const appUrl = `${appBase}/slack/events`;
  const stopTimeout = options.appStopTimeoutMs ?? 15_000;
  let web: WebServer | undefined;
  try {
    await waitForHealth(`${appBase}/healthz`, child, options.appStartTimeoutMs ?? 20_000);
    const client = createSignedClient({ appUrl, signingSecret });
    const platform = createPlatform({ standIn, client, manifest: manifest ?? DEFAULT_MANIFEST });
    web = createWebServer({ platform, port: options.port ?? Number(process.env.SANDBOX_PORT ?? 3000) });
    await web.start();
    const server = web;
    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      appUrl,
      standIn,
      platform,
      appExited,
      stop() {
        // Web first (no new clicks), then the app (it may still post while draining), then the stand-in it posts to.
        stopping ??= (async () => {
          await server.stop();
          await stopChild(child, appExited, stopTimeout);
          await standIn.stop();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await web?.stop();
    await stopChild(child, appExited, stopTimeout);
    await standIn.stop();
    throw err;
  }
}

async function runFromCommandLine(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log('[sandbox] starting the Slack stand-in and the app…');
  const sandbox = await startSandbox({
    log,
    ...(process.env.SANDBOX_DATABASE_URL ? { databaseUrl: process.env.SANDBOX_DATABASE_URL } : {}),
    ...(process.env.LOG_LEVEL ? { appEnv: { LOG_LEVEL: process.env.LOG_LEVEL } } : {}),
  });
  const port = new URL(sandbox.url).port;
  log(`[sandbox] Slack stand-in: ${sandbox.standIn.url}  app: ${sandbox.appUrl}`);
  log(`[sandbox] open http://localhost:${port} (Ctrl-C stops everything)`);

  let stopping = false;
  const stop = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`[sandbox] ${why}: stopping…`);
    await sandbox.stop();
    log('[sandbox] stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  void sandbox.appExited.then(({ code, signal }) => {
    if (!stopping) void stop(`the app exited (${signal ?? `code ${code}`})`, 1);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runFromCommandLine().catch((err: unknown) => {
    process.stderr.write(`[sandbox] cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
