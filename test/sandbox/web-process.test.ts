/**
 * `npm run sandbox` as a process: it prints the page's URL; SIGTERM, SIGINT or SIGHUP stops the page, the app child and
 * the stand-in, and so does the launcher going away (npm killed, even with SIGKILL).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, parseSandboxArgs } from '../../sandbox/main.ts';

interface Started {
  child: ChildProcess;
  lines: string[];
  /** The page, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The app's own port (its /healthz). */
  appPort: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a command printing the sandbox's lines; resolves once it printed the page's URL. */
async function start(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, SANDBOX_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${lines.join('\n')}`)), 30_000);
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          lines.push(line);
          const match = /open (http:\/\/localhost:\d+)/.exec(line);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1].replace('localhost', '127.0.0.1'));
          }
        });
      }
      void exited.then(({ code, signal }) => reject(new Error(`exited with ${signal ?? code} before printing a URL:\n${lines.join('\n')}`)));
    });
    const appPort = /app: http:\/\/127\.0\.0\.1:(\d+)\//.exec(lines.join('\n'))?.[1] ?? '';
    return { child, lines, url, appPort, exited };
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
}

/** A process on Linux: its parent and start time (a pid given to a later process has another), or undefined once gone. */
function proc(pid: number): { ppid: number; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie has finished; it only waits for its new parent to collect it.
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return { ppid: Number(fields[1]), startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Every process under `root` (npm's shell, the sandbox, the app, …), with their start times. */
function descendants(root: number): Array<{ pid: number; startTime: string }> {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => ({ pid: Number(name), info: proc(Number(name)) }));
  const found: Array<{ pid: number; startTime: string }> = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (p.info && parents.has(p.info.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push({ pid: p.pid, startTime: p.info.startTime });
        grew = true;
      }
    }
  }
  return found;
}

function stillRunning(processes: Array<{ pid: number; startTime: string }>): number[] {
  return processes.filter((p) => proc(p.pid)?.startTime === p.startTime).map((p) => p.pid);
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

/** Waits until the condition holds, checking every 100 ms; fails with `what` after `timeoutMs`. */
async function until(what: () => string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(100);
  }
}

/** Kills whatever is left of a failed test, by pid. */
function cleanUp(processes: Array<{ pid: number; startTime: string }>): void {
  for (const pid of stillRunning(processes)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

it('serves the page on the printed URL and shuts everything down on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-sandbox-process-'));
  const { child, lines, url, appPort, exited } = await start(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    SANDBOX_DATABASE_URL: join(dir, 'sandbox.db'), SLACK_APP_TOKEN: 'xapp-must-not-leak-into-the-app',
  });
  try {
    expect((await fetch(url)).status).toBe(200);
    // The parent's SLACK_APP_TOKEN would have switched the app to Socket Mode against the real Slack.
    expect(lines.some((line) => line.startsWith('[app]') && line.includes('"mode":"http"'))).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(lines).toEqual(expect.arrayContaining(['[sandbox] SIGTERM: stopping…', '[sandbox] stopped']));
    expect(lines.some((line) => line.startsWith('[app]') && line.includes('"msg":"stopped"'))).toBe(true);
    await expect(fetch(`http://127.0.0.1:${appPort}/healthz`)).rejects.toThrow();
    await expect(fetch(url)).rejects.toThrow();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 45_000);

const linux = existsSync('/proc/self/stat');

describe.skipIf(!linux)('npm run sandbox, stopped through npm', () => {
  /**
   * npm passes SIGTERM on to the shell it runs the script with, which dies of it without passing it on (dash waits
   * for its command rather than exec'ing it): the sandbox notices its parent went away. SIGKILL reaches nobody but
   * npm: the shell is handed to another parent, and the sandbox notices that.
   */
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} to npm's pid stops the page, the app and every process under npm`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mockdesign-sandbox-npm-'));
      const { child, lines, url, appPort } = await start('npm', ['run', 'sandbox'], { SANDBOX_DATABASE_URL: join(dir, 'sandbox.db') });
      const npmPid = child.pid ?? 0;
      let tree: Array<{ pid: number; startTime: string }> = [];
      try {
        const health = `http://127.0.0.1:${appPort}/healthz`;
        expect((await fetch(url)).status).toBe(200);
        expect((await fetch(health)).status).toBe(200);
        tree = descendants(npmPid);
        // At least the shell, the sandbox and the app (tsx's esbuild service may be there too).
        expect(tree.length).toBeGreaterThanOrEqual(3);

        process.kill(npmPid, signal);
        await until(() => `the page and the app to stop answering:\n${lines.join('\n')}`, async () => !(await answers(url)) && !(await answers(health)));
        await until(() => `every process under npm to end (left: ${stillRunning(tree).join(', ')}):\n${lines.join('\n')}`, () => stillRunning(tree).length === 0);
        // It stopped the way Ctrl-C stops it: the app shut down, then the sandbox said so.
        expect(lines.some((line) => /^\[sandbox\] .*went away.*: stopping…$/.test(line))).toBe(true);
        expect(lines.some((line) => line.startsWith('[app]') && line.includes('"msg":"stopped"'))).toBe(true);
        expect(lines).toContain('[sandbox] stopped');
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        cleanUp(tree);
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }

  it('watches its parent and the shell between it and its launcher, up to the launcher', async () => {
    // As npm runs a script: `sh -c '<command>'`; the trailing `exit` keeps any shell from exec'ing the command.
    const child = spawn('sh', ['-c', '"$NODE" --import tsx -e "$CODE"; exit $?'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE: process.execPath, CODE: "import('./sandbox/main.ts').then((m) => console.log(JSON.stringify(m.launchChain())))" },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code).toBe(0);
    const chain = JSON.parse(out) as Array<{ pid: number; ppid: number }>;
    expect(chain.map(({ pid, ppid }) => ({ pid, ppid }))).toEqual([
      { pid: expect.any(Number), ppid: child.pid },
      // The shell, under this test's process: the launcher, whose going away hands the shell to another parent.
      { pid: child.pid, ppid: process.pid },
    ]);
  }, 30_000);
});

it('stops on SIGHUP (a closed terminal) as on SIGINT', async () => {
  for (const signal of ['SIGHUP', 'SIGINT'] as const) {
    const { child, lines, exited } = await start(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], { SANDBOX_DATABASE_URL: ':memory:' });
    try {
      child.kill(signal);
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(lines).toEqual(expect.arrayContaining([`[sandbox] ${signal}: stopping…`, '[sandbox] stopped']));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }
}, 60_000);

it('with --workspaces starts the app installing through OAuth, with two workspaces on the page', async () => {
  // The parent's bot token must not reach the app: with the OAuth variables it would refuse to start.
  const { child, lines, url, exited } = await start(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--workspaces'], {
    SLACK_BOT_TOKEN: 'xoxb-must-not-leak-into-the-app', SLACK_CLIENT_ID: '1.2',
  });
  try {
    expect(lines.some((line) => line.startsWith('[app]') && line.includes('"msg":"installing in many workspaces"'))).toBe(true);
    expect(lines.some((line) => line.startsWith('[sandbox] pick a workspace on the page and use "Add to Slack"'))).toBe(true);
    const list = (await (await fetch(`${url}/api/workspaces`)).json()) as { mode: string; workspaces: Array<{ team: { name: string }; installed: boolean }> };
    expect(list.mode).toBe('workspaces');
    expect(list.workspaces.map((w) => [w.team.name, w.installed])).toEqual([['Acme', false], ['Globex', false]]);
    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 45_000);

it('reads --workspaces and --help, and refuses anything else', () => {
  expect(parseSandboxArgs([])).toEqual({ workspaces: false, help: false });
  expect(parseSandboxArgs(['--workspaces'])).toEqual({ workspaces: true, help: false });
  expect(parseSandboxArgs(['-h'])).toEqual({ workspaces: false, help: true });
  expect(() => parseSandboxArgs(['--workspace'])).toThrow(/--workspace/);
  expect(() => parseSandboxArgs(['acme'])).toThrow();
});
