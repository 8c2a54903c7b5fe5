/**
 * The production run: the app started the way `npm start` starts it (plain node on the compiled JavaScript, no
 * tsx), in copies of the project as a deployment gets them: a fresh clone (every dependency, nothing built) and a
 * production install (`npm ci --omit=dev`: only the packages the lockfile does not mark dev-only, so the compiler
 * and tsx are absent). The copies hold the sources, the scripts and the tsconfigs; `migrations/` and the packages
 * are links to this project's.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn } from '../../sandbox/stand-in/server.ts';
import {
  type AppProcess,
  type AppProcessOptions,
  freePort,
  killAllApps,
  npmScript,
  PROJECT_ROOT,
  randomBotToken,
  spawnApp,
  startApp,
  tempDbPath,
} from '../support/app-process.ts';

const run = promisify(execFile);
/** tsc on a busy 2-core machine: seconds when idle, much longer when the other test files are running too. */
const BUILD_TIMEOUT_MS = 240_000;

/** The arguments to node of an npm script that must be `node …` (nothing between npm and node, no tsx). */
function nodeArgsOf(script: string): string[] {
  const { command, args } = npmScript(script);
  expect(command, `npm run ${script} must run plain node`).toBe('node');
  expect(args.join(' ')).not.toMatch(/tsx/);
  return args;
}

/** The top-level packages of the lockfile, with whether `npm ci --omit=dev` leaves them out. */
function lockedPackages(): { name: string; dev: boolean }[] {
  const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path]) => /^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(path))
    .map(([path, entry]) => ({ name: path.slice('node_modules/'.length), dev: entry.dev === true }));
}

const trees: string[] = [];
const dbPaths: string[] = [];

/** A copy of the project without dist/: `all` dependencies (a fresh clone after `npm ci`) or `production` ones. */
function projectCopy(label: string, dependencies: 'all' | 'production'): string {
  const root = mkdtempSync(join(tmpdir(), `mockdesign-${label}-`));
  trees.push(root);
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(PROJECT_ROOT, file), join(root, file));
  for (const dir of ['src', 'scripts']) cpSync(join(PROJECT_ROOT, dir), join(root, dir), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'migrations'), join(root, 'migrations'), 'dir');
  if (dependencies === 'all') {
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  } else {
    for (const { name, dev } of lockedPackages()) {
      const installed = join(PROJECT_ROOT, 'node_modules', name);
      if (dev || !existsSync(installed)) continue;
      mkdirSync(dirname(join(root, 'node_modules', name)), { recursive: true });
      symlinkSync(installed, join(root, 'node_modules', name), 'dir');
    }
  }
  return root;
}

/** Runs `npm start` in `cwd` until it exits by itself (killed after `deadlineMs`). */
async function startToExit(cwd: string, options: AppProcessOptions, deadlineMs: number): Promise<AppProcess> {
  const dbPath = tempDbPath('mockdesign-build');
  dbPaths.push(dbPath);
  const proc = spawnApp({ dbPath, ...options, cwd, nodeArgs: nodeArgsOf('start'), port: await freePort() });
  const timer = setTimeout(() => void proc.kill(), deadlineMs);
  try {
    const status = await proc.exited;
    expect(status.signal, `npm start must exit by itself within ${deadlineMs} ms\n${proc.stderr.join('\n')}`).toBeNull();
  } finally {
    clearTimeout(timer);
  }
  return proc;
}

function expectNoStackTrace(proc: AppProcess): void {
  expect([...proc.stderr, ...proc.stdout].filter((line) => /^\s+at /.test(line) || line.includes('"stack"'))).toEqual([]);
}

describe('npm run build, then npm start with production dependencies only', () => {
  let slack: SlackStandIn;
  let clone: string;
  let production: string;

  beforeAll(async () => {
    slack = createSlackStandIn({ botToken: randomBotToken() });
    await slack.start();
    clone = projectCopy('clone', 'all');
    production = projectCopy('production', 'production');
  }, 60_000);

  afterAll(async () => {
    await killAllApps();
    await slack?.stop();
    for (const dir of [...trees, ...dbPaths.map((path) => dirname(path))]) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a production install holds every package the app imports at run time, and neither the compiler nor tsx', () => {
    expect(existsSync(join(production, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(production, 'node_modules', 'tsx'))).toBe(false);
    for (const name of ['@slack/bolt', '@slack/web-api', 'better-sqlite3', 'node-cron', 'pg', 'zod']) {
      expect(existsSync(join(production, 'node_modules', name)), name).toBe(true);
    }
  });

  it('with nothing built and no compiler, npm start stops at once and says to run npm run build', async () => {
    const proc = await startToExit(production, { slackApiUrl: slack.apiUrl, botToken: slack.botToken }, 60_000);
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr[0]).toBe('mockdesign cannot start.');
    expect(proc.stderr.join('\n')).toMatch(/not installed[\s\S]*Run `npm run build` first/);
    expectNoStackTrace(proc);
    expect(existsSync(join(production, 'dist'))).toBe(false);
    expect(slack.calls).toHaveLength(0);
  });

  it('on a fresh clone the first npm start builds, then reads .env, where the environment wins over the file', async () => {
    // The file supplies the only bot token (a malformed one) and wrong values of what the environment sets.
    writeFileSync(
      join(clone, '.env'),
      ['# written by the test', 'SLACK_BOT_TOKEN=not-a-bot-token', 'PORT=not-a-port', 'SLACK_SIGNING_SECRET="not hex"', 'LOG_LEVEL=loud', ''].join('\n'),
    );
    const proc = await startToExit(clone, { slackApiUrl: slack.apiUrl }, BUILD_TIMEOUT_MS);
    const stderr = proc.stderr.join('\n');
    expect((await proc.exited).code, stderr).toBe(1);
    expect(stderr).toMatch(/^Building dist\/ \(the app is not built yet\)/);
    expect(stderr).toMatch(/Built dist\/ in [\d.]+ s\./);
    expect(existsSync(join(clone, 'dist', 'src', 'main.js'))).toBe(true);
    expect(existsSync(join(clone, 'dist', 'src', 'main.js.map'))).toBe(true);
    expect(existsSync(join(clone, 'dist', 'test'))).toBe(false);
    // Read from the file: without it the message would say the token is missing, not malformed.
    const refusal = stderr.slice(stderr.indexOf('mockdesign cannot start.'));
    expect(refusal).toMatch(/^mockdesign cannot start\.\nInvalid configuration:\n {2}SLACK_BOT_TOKEN must look like xoxb-/);
    // The environment's PORT, SLACK_SIGNING_SECRET and LOG_LEVEL were kept.
    expect(refusal).not.toMatch(/PORT|SLACK_SIGNING_SECRET|LOG_LEVEL/);
    expectNoStackTrace(proc);
    expect(slack.calls).toHaveLength(0);
  }, BUILD_TIMEOUT_MS + 10_000);

  it('a malformed .env stops the app with a message naming the file and the line', async () => {
    writeFileSync(join(clone, '.env'), ['LOG_LEVEL=debug', 'SLACK_BOT_TOKEN xoxb-a-secret-without-its-equals-sign', ''].join('\n'));
    const proc = await startToExit(clone, { slackApiUrl: slack.apiUrl }, 60_000);
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr).toEqual(['mockdesign cannot start.', expect.stringMatching(/^\S+\/\.env is malformed: line 2 is not NAME=value\./)]);
    expect(proc.stderr.join('\n')).toContain(join(clone, '.env'));
    expect(proc.stderr.join('\n')).not.toContain('xoxb-a-secret');
  });

  it('the build copied into a production install starts with plain node, migrates, answers /healthz and stops on SIGTERM', async () => {
    rmSync(join(clone, '.env'));
    cpSync(join(clone, 'dist'), join(production, 'dist'), { recursive: true });
    const dbPath = tempDbPath('mockdesign-build');
    dbPaths.push(dbPath);
    const app = await startApp({
      slackApiUrl: slack.apiUrl,
      botToken: slack.botToken,
      dbPath,
      cwd: production,
      nodeArgs: nodeArgsOf('start'),
      readyTimeoutMs: 90_000,
    });
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
    const logs = app.logs();
    const ready = logs.find((record) => record.msg === 'database ready');
    expect(ready, app.stdout.join('\n')).toMatchObject({ kind: 'sqlite', path: dbPath });
    expect(Number(ready?.schema_version)).toBeGreaterThan(0);
    expect(slack.calls.filter((c) => c.method === 'auth.test')).toHaveLength(1);
    expect(await app.stop(30_000)).toBe(0);

    // npm run backup works in the production install too, on the compiled script, with DATABASE_URL from .env.
    writeFileSync(join(production, '.env'), `DATABASE_URL=${dbPath}\n`);
    const copy = join(dirname(dbPath), 'backup.db');
    const { stdout } = await run(process.execPath, [...nodeArgsOf('backup'), copy], {
      cwd: production,
      env: { PATH: process.env.PATH ?? '' },
      timeout: 60_000,
    });
    rmSync(join(production, '.env'));
    expect(stdout).toContain(`Backed up ${dbPath} to ${copy}`);
    expect(existsSync(copy)).toBe(true);
  }, 120_000);

  it('a production install whose sources changed since the build refuses to run it', async () => {
    appendFileSync(join(production, 'src', 'main.ts'), '\n// changed after the build\n');
    const proc = await startToExit(production, { slackApiUrl: slack.apiUrl, botToken: slack.botToken }, 60_000);
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr[0]).toBe('mockdesign cannot start.');
    expect(proc.stderr.join('\n')).toMatch(/out of date: the sources changed since it was built[\s\S]*npm run build/);
    expectNoStackTrace(proc);
  });
});
