/**
 * `npm run sandbox`: the Slack stand-in, the unmodified app as a child process, and a Slack-like web page to drive it.
 * `npm run sandbox -- --workspaces`: the same with two workspaces and a channel they share, the app installing in
 * each through OAuth from the page.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSignedClient } from './signed-client.ts';
import { createSlackStandIn } from './stand-in/server.ts';
import type { ChannelSpec, SlackStandIn, UserSpec } from './stand-in/server.ts';
import { DEFAULT_MANIFEST, readManifest } from './web/manifest.ts';
import { createPlatform } from './web/platform.ts';
import type { Platform } from './web/platform.ts';
import { createWebServer } from './web/server.ts';
import type { WebServer } from './web/server.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A workspace of the `--workspaces` sandbox. */
export interface SandboxWorkspace {
  teamId: string;
  teamName: string;
  domain: string;
  botUserId: string;
  botId: string;
  users: UserSpec[];
  channels: ChannelSpec[];
}

/** `--workspaces`: Acme hosts the shared channel; both companies start without the app. */
export const ACME: SandboxWorkspace = {
  teamId: 'T0ACME',
  teamName: 'Acme',
  domain: 'acme',
  botUserId: 'U0ACMEBOT',
  botId: 'B0ACMEBOT',
  users: [
    { id: 'U0ALICE', name: 'alice', tz: 'Europe/London' },
    { id: 'U0BOB', name: 'bob', tz: 'America/New_York' },
    { id: 'U0CAROL', name: 'carol', tz: 'Asia/Kolkata' },
  ],
  channels: [
    { id: 'C0ACMEGENERAL', name: 'general', members: ['U0ALICE', 'U0BOB', 'U0CAROL'], botIsMember: true },
    { id: 'C0ACMEPREP', name: 'interview-prep', members: ['U0ALICE', 'U0BOB', 'U0CAROL'], botIsMember: false },
    { id: 'C0CONNECT', name: 'acme-globex-mocks', members: ['U0ALICE', 'U0BOB'], botIsMember: true },
  ],
};

export const GLOBEX: SandboxWorkspace = {
  teamId: 'T0GLOBEX',
  teamName: 'Globex',
  domain: 'globex',
  botUserId: 'U0GLOBEXBOT',
  botId: 'B0GLOBEXBOT',
  users: [
    { id: 'U0ERIN', name: 'erin', tz: 'Europe/Berlin' },
    { id: 'U0FRANK', name: 'frank', tz: 'America/Chicago' },
    { id: 'U0GRACE', name: 'grace', tz: 'Australia/Sydney' },
  ],
  channels: [
    { id: 'C0GLOBEXGENERAL', name: 'general', members: ['U0ERIN', 'U0FRANK', 'U0GRACE'], botIsMember: true },
    { id: 'C0GLOBEXDESIGN', name: 'system-design', members: ['U0ERIN', 'U0FRANK', 'U0GRACE'], botIsMember: false },
  ],
};

/** Acme's channel shared with Globex (Slack Connect), with these Globex people and Globex's bot in it. */
export const SHARED_CHANNEL = { id: 'C0CONNECT', withTeamId: GLOBEX.teamId, members: ['U0ERIN', 'U0FRANK', GLOBEX.botUserId] };

export interface SandboxOptions {
  /** Port of the web page; 0 picks a free one. Default: SANDBOX_PORT or 3000. */
  port?: number;
  /**
   * Two workspaces (ACME, GLOBEX) and a channel they share, with the app installing in many workspaces through OAuth;
   * neither workspace has it installed at first. Default: one workspace with the app's bot token (SLACK_BOT_TOKEN).
   */
  workspaces?: boolean;
  /**
   * The app's DATABASE_URL, relative to the project root. Default ./data/sandbox.db, or `:memory:` with `workspaces`
   * (the stand-in forgets its installs when it stops, and the key that encrypts the app's tokens is new each run).
   */
  databaseUrl?: string;
  /** Extra environment for the app (LOG_LEVEL, TICK_CRON, …); SLACK_*, PUBLIC_URL and PORT are always the sandbox's. */
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
  /** Gives up starting (the app is stopped, the stand-in closed, the promise rejects) when this aborts. */
  signal?: AbortSignal;
}

export interface Sandbox {
  /** `single`: one workspace and the app's bot token; `workspaces`: two workspaces, installs through OAuth. */
  readonly mode: 'single' | 'workspaces';
  /** The web page, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Where the app receives Slack's requests, e.g. http://127.0.0.1:41234/slack/events */
  readonly appUrl: string;
  /** The app's "Add to Slack" page (`<app>/slack/install`), in `workspaces` mode. */
  readonly installUrl: string | undefined;
  readonly standIn: SlackStandIn;
  readonly platform: Platform;
  /** Settles when the app process exits, for whatever reason. */
  readonly appExited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Environment variables of the parent that must not leak into the app: they would point it at the real Slack. */
const SCRUBBED_ENV = [
  'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL', 'PORT', 'DATABASE_URL',
  'SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'SLACK_TOKEN_KEY', 'SLACK_TOKEN_KEY_PREVIOUS', 'PUBLIC_URL',
];

/** The stand-in for one workspace, or for Acme and Globex with the shared channel and no installs yet. */
export async function startSandboxStandIn(workspaces: boolean): Promise<SlackStandIn> {
  if (!workspaces) {
    const standIn = createSlackStandIn();
    await standIn.start();
    return standIn;
  }
  const standIn = createSlackStandIn({
    teamId: ACME.teamId, teamName: ACME.teamName, domain: ACME.domain, botUserId: ACME.botUserId, botId: ACME.botId,
    users: ACME.users, channels: ACME.channels, workspaces: [{ ...GLOBEX, installed: false }],
  });
  await standIn.start();
  // The stand-in's first workspace always starts installed; here it starts like Globex, waiting for Add to Slack.
  // Nothing is listening for events yet, so the uninstall only leaves records, which are dropped.
  await standIn.uninstall(ACME.teamId);
  standIn.sentEvents.splice(0);
  standIn.shareChannel(SHARED_CHANNEL.id, SHARED_CHANNEL.withTeamId, { members: SHARED_CHANNEL.members });
  return standIn;
}

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

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
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
  const workspaces = options.workspaces === true;
  const standIn = await startSandboxStandIn(workspaces);

  const databaseUrl = options.databaseUrl ?? (workspaces ? ':memory:' : './data/sandbox.db');
  const inMemory = databaseUrl === ':memory:' || databaseUrl === 'sqlite::memory:';
  if (!inMemory && existsSync(resolve(root, databaseUrl))) {
    // The stand-in keeps everything in memory: sessions left in the database refer to messages it never saw.
    log(
      workspaces
        ? `[sandbox] ${databaseUrl} is from an earlier run; its installations were made with another token key and are unreadable, and its sessions will fail to post. Delete it for a clean start.`
        : `[sandbox] ${databaseUrl} is from an earlier run; sessions still live in it will fail to post into their threads (thread_not_found). Delete it for a clean start.`,
    );
  }
  const appPort = await freePort();
  const appBase = `http://127.0.0.1:${appPort}`;
  const appUrl = `${appBase}/slack/events`;
  const signingSecret = randomBytes(16).toString('hex');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SCRUBBED_ENV) delete env[key];
  let slackEnv: Record<string, string>;
  if (workspaces) {
    // The app's OAuth settings, made up for this run; the stand-in is told the same client id, secret and redirect URL.
    const clientId = `${randomInt(1e9, 1e10)}.${randomInt(1e9, 1e10)}`;
    const clientSecret = randomBytes(16).toString('hex');
    standIn.oauthApp = { ...standIn.oauthApp, clientId, clientSecret, redirectUris: [`${appBase}/slack/oauth_redirect`] };
    slackEnv = {
      SLACK_CLIENT_ID: clientId,
      SLACK_CLIENT_SECRET: clientSecret,
      SLACK_STATE_SECRET: randomBytes(24).toString('base64url'),
      SLACK_TOKEN_KEY: randomBytes(32).toString('base64'),
      PUBLIC_URL: appBase,
    };
  } else {
    slackEnv = { SLACK_BOT_TOKEN: standIn.botToken };
  }
  const extra = Object.entries(options.appEnv ?? {}).filter(([key]) => !SCRUBBED_ENV.includes(key));
  Object.assign(env, Object.fromEntries(extra), slackEnv, {
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: standIn.apiUrl,
    PORT: String(appPort),
    DATABASE_URL: inMemory || /^[a-z][a-z0-9+.-]+:/i.test(databaseUrl) ? databaseUrl : resolve(root, databaseUrl),
  });
  // Uninstalls and revoked tokens reach the app as Slack sends them: signed, to its Request URL.
  standIn.eventDelivery = { url: appUrl, signingSecret };
  // node itself, not npx: npx does not pass SIGTERM on, and the app must get it to shut down cleanly. It runs in
  // a folder of its own so that a developer's `.env` in the project cannot bring back the variables scrubbed above.
  const appDir = mkdtempSync(join(tmpdir(), 'mockdesign-sandbox-app-'));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src', 'main.ts')], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const appExited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
  });
  pipeLines(child.stdout, log);
  pipeLines(child.stderr, log);

  const installUrl = workspaces ? `${appBase}/slack/install` : undefined;
  const stopTimeout = options.appStopTimeoutMs ?? 15_000;
  let web: WebServer | undefined;
  try {
    await waitForHealth(`${appBase}/healthz`, child, options.appStartTimeoutMs ?? 20_000, options.signal);
    const client = createSignedClient({ appUrl, signingSecret });
    const platform = createPlatform({ standIn, client, manifest: manifest ?? DEFAULT_MANIFEST, log, ...(installUrl ? { installUrl } : {}) });
    web = createWebServer({ platform, port: options.port ?? Number(process.env.SANDBOX_PORT ?? 3000) });
    await web.start();
    options.signal?.throwIfAborted();
    const server = web;
    let stopping: Promise<void> | undefined;
    return {
      mode: workspaces ? 'workspaces' : 'single',
      url: server.url,
      appUrl,
      installUrl,
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

const USAGE = `Usage: npm run sandbox [-- --workspaces]

  (no flag)      one workspace; the app runs with its bot token (SLACK_BOT_TOKEN)
  --workspaces   two workspaces, Acme and Globex, and a channel they share; the app installs
                 in each through OAuth (Add to Slack on the page), and can be uninstalled
  --help         this text

Environment: SANDBOX_PORT (3000), SANDBOX_DATABASE_URL, LOG_LEVEL. See sandbox/README.md.`;

/** The command line's flags; throws on anything else. */
export function parseSandboxArgs(args: string[]): { workspaces: boolean; help: boolean } {
  const { values } = parseArgs({ args, options: { workspaces: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  return { workspaces: values.workspaces === true, help: values.help === true };
}

/** A process as Linux's /proc shows it; undefined when it is gone (or already a zombie) or there is no /proc. */
interface ProcInfo {
  pid: number;
  ppid: number;
  /** Clock ticks after boot: tells a process from a later one given the same pid. */
  startTime: string;
  argv: string[];
}

function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid … starttime …": comm may hold spaces and parentheses, so fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
    return { pid, ppid: Number(fields[1]), startTime: fields[19] ?? '', argv };
  } catch {
    return undefined;
  }
}

/**
 * A process that only stands between a launcher and the sandbox and does not outlive it: `sh -c …` (how npm runs a
 * script; dash does not exec the command, and dies of the SIGTERM npm passes on without passing it further) or tsx's
 * command line, which starts node as a child.
 */
function isWrapper(argv: string[]): boolean {
  const [first = '', second = ''] = argv;
  const name = basename(first);
  if (['sh', 'dash', 'bash', 'ash', 'zsh', 'ksh'].includes(name)) return argv.includes('-c');
  return name === 'tsx' || ((name === 'node' || name.startsWith('node')) && /(^|[/\\])tsx([/\\]|$)|[/\\]tsx[/\\]dist[/\\]cli/.test(second));
}

/**
 * The processes whose parent must not change while the sandbox runs: itself, and each wrapper above it up to the one
 * that launched it (npm, a shell, a test). When the launcher goes, whatever was directly under it is handed to another
 * parent (init or a subreaper), which is how a launcher killed with SIGKILL is noticed. Without /proc: itself only.
 */
export function launchChain(pid = process.pid): Array<{ pid: number; ppid: number; startTime: string }> {
  const self = procInfo(pid);
  if (!self) return [{ pid, ppid: process.ppid, startTime: '' }];
  const chain = [{ pid, ppid: self.ppid, startTime: self.startTime }];
  let parent = procInfo(self.ppid);
  while (parent && parent.pid > 1 && isWrapper(parent.argv) && chain.length < 8) {
    chain.push({ pid: parent.pid, ppid: parent.ppid, startTime: parent.startTime });
    parent = procInfo(parent.ppid);
  }
  return chain;
}

/**
 * Calls `onGone` once when the process that launched the sandbox goes away (its parent, or the launcher above the
 * wrappers between them, changes), polling every `intervalMs`. Returns a function that stops watching.
 */
export function watchLauncher(onGone: (why: string) => void, intervalMs = 500): () => void {
  const chain = launchChain();
  const timer = setInterval(() => {
    for (const link of chain) {
      const now = link.pid === process.pid ? { ppid: process.ppid, startTime: link.startTime } : procInfo(link.pid);
      if (now && now.ppid === link.ppid && now.startTime === link.startTime) continue;
      clearInterval(timer);
      onGone(link.pid === process.pid ? `its parent process (${link.ppid}) went away` : `the process that launched it went away (${link.pid} lost its parent ${link.ppid})`);
      return;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function runFromCommandLine(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  // A closed terminal or a reader that went away must not crash the sandbox halfway through stopping the app.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  let flags: { workspaces: boolean; help: boolean };
  try {
    flags = parseSandboxArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`[sandbox] ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (flags.help) {
    log(USAGE);
    return;
  }

  // Listening from the start: a signal (or the launcher going) while the app is still starting stops it too.
  const starting = new AbortController();
  let sandbox: Sandbox | undefined;
  let stopping = false;
  let unwatch = () => {};
  const stop = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    unwatch();
    log(`[sandbox] ${why}: stopping…`);
    if (!sandbox) {
      // startSandbox stops what it started and rejects; the catch below exits.
      starting.abort(new Error(why));
      return;
    }
    await sandbox.stop();
    log('[sandbox] stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal, 0));
  unwatch = watchLauncher((why) => void stop(why, 0));

  log(`[sandbox] starting the Slack stand-in and the app${flags.workspaces ? ' (two workspaces, installs through OAuth)' : ''}…`);
  try {
    sandbox = await startSandbox({
      log,
      workspaces: flags.workspaces,
      signal: starting.signal,
      ...(process.env.SANDBOX_DATABASE_URL ? { databaseUrl: process.env.SANDBOX_DATABASE_URL } : {}),
      ...(process.env.LOG_LEVEL ? { appEnv: { LOG_LEVEL: process.env.LOG_LEVEL } } : {}),
    });
  } catch (err) {
    if (!starting.signal.aborted) throw err;
    log('[sandbox] stopped');
    process.exit(0);
  }
  const port = new URL(sandbox.url).port;
  log(`[sandbox] Slack stand-in: ${sandbox.standIn.url}  app: ${sandbox.appUrl}`);
  if (sandbox.installUrl) {
    log(`[sandbox] workspaces: ${ACME.teamName} and ${GLOBEX.teamName} (sharing #${ACME.channels.find((c) => c.id === SHARED_CHANNEL.id)?.name ?? ''}); neither has the app yet.`);
    log(`[sandbox] pick a workspace on the page and use "Add to Slack" (the app's install page: ${sandbox.installUrl})`);
  }
  log(`[sandbox] open http://localhost:${port} (Ctrl-C stops everything)`);
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
