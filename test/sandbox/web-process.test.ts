/** `npm run sandbox` as a process: it prints the page's URL, and SIGTERM stops the page, the app child and the stand-in. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { PROJECT_ROOT, parseSandboxArgs } from '../../sandbox/main.ts';

it('serves the page on the printed URL and shuts everything down on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-sandbox-process-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_DATABASE_URL: join(dir, 'sandbox.db'), SLACK_APP_TOKEN: 'xapp-must-not-leak-into-the-app' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${lines.join('\n')}`)), 20_000);
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
      void exited.then((code) => reject(new Error(`exited with ${code} before printing a URL:\n${lines.join('\n')}`)));
    });
    expect((await fetch(url)).status).toBe(200);
    // The parent's SLACK_APP_TOKEN would have switched the app to Socket Mode against the real Slack.
    expect(lines.some((line) => line.startsWith('[app]') && line.includes('"mode":"http"'))).toBe(true);
    const appPort = /app: http:\/\/127\.0\.0\.1:(\d+)\//.exec(lines.join('\n'))?.[1];

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines).toEqual(expect.arrayContaining(['[sandbox] SIGTERM: stopping…', '[sandbox] stopped']));
    expect(lines.some((line) => line.startsWith('[app]') && line.includes('"msg":"stopped"'))).toBe(true);
    await expect(fetch(`http://127.0.0.1:${appPort}/healthz`)).rejects.toThrow();
    await expect(fetch(url)).rejects.toThrow();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 40_000);

it('with --workspaces starts the app installing through OAuth, with two workspaces on the page', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--workspaces'], {
    cwd: PROJECT_ROOT,
    // The parent's bot token must not reach the app: with the OAuth variables it would refuse to start.
    env: { ...process.env, SANDBOX_PORT: '0', SLACK_BOT_TOKEN: 'xoxb-must-not-leak-into-the-app', SLACK_CLIENT_ID: '1.2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${lines.join('\n')}`)), 20_000);
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
      void exited.then((code) => reject(new Error(`exited with ${code} before printing a URL:\n${lines.join('\n')}`)));
    });
    expect(lines.some((line) => line.startsWith('[app]') && line.includes('"msg":"installing in many workspaces"'))).toBe(true);
    expect(lines.some((line) => line.startsWith('[sandbox] pick a workspace on the page and use "Add to Slack"'))).toBe(true);
    const list = (await (await fetch(`${url}/api/workspaces`)).json()) as { mode: string; workspaces: Array<{ team: { name: string }; installed: boolean }> };
    expect(list.mode).toBe('workspaces');
    expect(list.workspaces.map((w) => [w.team.name, w.installed])).toEqual([['Acme', false], ['Globex', false]]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 40_000);

it('reads --workspaces and --help, and refuses anything else', () => {
  expect(parseSandboxArgs([])).toEqual({ workspaces: false, help: false });
  expect(parseSandboxArgs(['--workspaces'])).toEqual({ workspaces: true, help: false });
  expect(parseSandboxArgs(['-h'])).toEqual({ workspaces: false, help: true });
  expect(() => parseSandboxArgs(['--workspace'])).toThrow(/--workspace/);
  expect(() => parseSandboxArgs(['acme'])).toThrow();
});
