/**
 * The real app as a child process (`node --import tsx src/main.ts`, or the compiled app through `nodeArgs`), the
 * way it runs in production: its own SQLite file, a free port, Slack's Web API played by a stand-in, and a
 * signed client to talk to it.
 * Every line the child writes is kept, here and in `allChildOutput`, so tests can check what the logs say.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSignedClient, type SignedClient } from '../../sandbox/signed-client.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every line written by every child started through this module, in this test file's worker. */
export const allChildOutput: string[] = [];

const running = new Set<AppProcess>();

export interface AppProcessOptions {
  /** Where Slack's Web API is (the stand-in's `apiUrl`); omit to leave SLACK_API_URL unset. */
  readonly slackApiUrl?: string;
  /** Omit to leave SLACK_BOT_TOKEN unset. */
  readonly botToken?: string;
  /** Defaults to a fresh random hex secret. */
  readonly signingSecret?: string;
  /** Defaults to a new file in a new temporary folder. */
  readonly dbPath?: string;
  /** Defaults to a free port. */
  readonly port?: number;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Extra variables; `undefined` removes one. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long start() waits for GET /healthz = 200. */
  readonly readyTimeoutMs?: number;
  /** Called as soon as the process exists, before it is ready. */
  readonly onSpawn?: (proc: AppProcess) => void;
  /** Arguments to node; defaults to the sources through tsx (`--import tsx src/main.ts`). */
  readonly nodeArgs?: readonly string[];
  /** The working directory; defaults to the project's root. */
  readonly cwd?: string;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface AppProcess {
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Where Slack sends commands, interactions and events. */
  readonly eventsUrl: string;
  readonly dbPath: string;
  readonly signingSecret: string;
  readonly client: SignedClient;
  /** stdout and stderr lines as they came. */
  readonly stdout: string[];
  readonly stderr: string[];
  /** stdout lines that are JSON log records. */
  logs(): Record<string, unknown>[];
  /** Resolves when the process has exited and its output is fully read. */
  readonly exited: Promise<ExitStatus>;
  readonly hasExited: boolean;
  /** SIGTERM, wait for the exit (SIGKILL after `timeoutMs`) and return the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<ExitStatus>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** An npm script of this project split into its command and arguments (`node …` for those that run the app). */
export function npmScript(name: string): { command: string; args: string[] } {
  const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command = '', ...args] = (scripts[name] ?? '').split(' ');
  return { command, args };
}

export function tempDbPath(label = 'mockdesign-process'): string {
  return join(mkdtempSync(join(tmpdir(), `${label}-`)), 'mockdesign.db');
}

export function randomSigningSecret(): string {
  return randomBytes(16).toString('hex');
}

export function randomBotToken(): string {
  return `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(6).toString('hex')}-${randomBytes(12).toString('base64url')}`;
}

/** What the child inherits: enough to run node, nothing of ours (no SLACK_*, no test runner variables). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** Starts the app and returns at once, without waiting for it to be ready (for start-up failures). */
export function spawnApp(options: AppProcessOptions & { port: number }): AppProcess {
  const signingSecret = options.signingSecret ?? randomSigningSecret();
  const dbPath = options.dbPath ?? tempDbPath();
  const env: Record<string, string> = {
    ...baseEnv(),
    PORT: String(options.port),
    DATABASE_URL: dbPath,
    SLACK_SIGNING_SECRET: signingSecret,
    LOG_LEVEL: options.logLevel ?? 'info',
  };
  if (options.slackApiUrl !== undefined) env.SLACK_API_URL = options.slackApiUrl;
  if (options.botToken !== undefined) env.SLACK_BOT_TOKEN = options.botToken;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  // By default the app runs in an empty folder of its own, where no developer's `.env` can fill in what a test leaves unset.
  const child: ChildProcess = spawn(process.execPath, options.nodeArgs ?? ['--import', import.meta.resolve('tsx'), join(PROJECT_ROOT, 'src', 'main.ts')], {
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'mockdesign-app-cwd-')),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start the app process');
  const pid = child.pid;

  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null, into: string[]) => {
    if (!stream) return Promise.resolve();
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => {
      into.push(line);
      allChildOutput.push(line);
    });
    return new Promise<void>((done) => rl.once('close', done));
  };
  const streamsDone = Promise.all([collect(child.stdout, stdout), collect(child.stderr, stderr)]);

  let hasExited = false;
  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      void streamsDone.then(() => resolveExit({ code, signal }));
    });
  });

  const url = `http://127.0.0.1:${options.port}`;
  const proc: AppProcess = {
    pid,
    port: options.port,
    url,
    eventsUrl: `${url}/slack/events`,
    dbPath,
    signingSecret,
    client: createSignedClient({ appUrl: `${url}/slack/events`, signingSecret }),
    stdout,
    stderr,
    logs() {
      const records: Record<string, unknown>[] = [];
      for (const line of stdout) {
        try {
          const value: unknown = JSON.parse(line);
          if (value && typeof value === 'object') records.push(value as Record<string, unknown>);
        } catch {
          // not a log record
        }
      }
      return records;
    },
    exited,
    get hasExited() {
      return hasExited;
    },
    async stop(timeoutMs = 15_000) {
      if (!hasExited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        const status = await exited;
        if (status.signal === 'SIGKILL') throw new Error(`app ${pid} did not exit within ${timeoutMs} ms of SIGTERM`);
        return status.code;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (!hasExited) child.kill('SIGKILL');
      return exited;
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  options.onSpawn?.(proc);
  return proc;
}

async function waitHealthy(proc: AppProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.hasExited) {
      const status = await proc.exited;
      throw new AppExitedError(proc, status);
    }
    try {
      const response = await fetch(`${proc.url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await proc.kill();
  throw new Error(`app ${proc.pid} was not healthy within ${timeoutMs} ms\n${[...proc.stdout, ...proc.stderr].join('\n')}`);
}

export class AppExitedError extends Error {
  readonly proc: AppProcess;
  readonly status: ExitStatus;
  constructor(proc: AppProcess, status: ExitStatus) {
    super(`app ${proc.pid} exited (code ${status.code}, signal ${status.signal}) before it was healthy\n${proc.stderr.join('\n')}`);
    this.proc = proc;
    this.status = status;
  }
}

/** Starts the app on a free port and waits until GET /healthz answers 200. Retries if the port was taken meanwhile. */
export async function startApp(options: AppProcessOptions = {}): Promise<AppProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const proc = spawnApp({ ...options, port });
    try {
      await waitHealthy(proc, options.readyTimeoutMs ?? 30_000);
      return proc;
    } catch (error) {
      const portTaken = error instanceof AppExitedError && proc.stderr.some((l) => l.includes('EADDRINUSE'));
      if (!portTaken || options.port !== undefined || attempt >= 3) throw error;
    }
  }
}

/** SIGKILLs every app process still running (for afterEach/afterAll). */
export async function killAllApps(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill()));
}
