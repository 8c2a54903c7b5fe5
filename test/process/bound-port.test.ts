/** PORT=0 lets the system pick the port: the start-up log says which one it picked, not 0. */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { type AppProcess, randomBotToken, spawnApp } from '../support/app-process.ts';
import { until } from '../support/until.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function standIn(): Promise<SlackStandIn> {
  const slack = createSlackStandIn({ botToken: randomBotToken() });
  await slack.start();
  cleanups.push(() => slack.stop());
  return slack;
}

function spawned(proc: AppProcess): AppProcess {
  cleanups.push(async () => {
    await proc.stop();
    rmSync(dirname(proc.dbPath), { recursive: true, force: true });
  });
  return proc;
}

// The log said "port":0, where nothing listens: whoever reads it to find the app was sent nowhere.
it('logs the port the HTTP server bound with PORT=0, and answers there', async () => {
  const slack = await standIn();
  const app = spawned(spawnApp({ port: 0, slackApiUrl: slack.apiUrl, botToken: slack.botToken }));
  const running = await until('the app to say it is running', () => {
    if (app.hasExited) throw new Error(`the app exited:\n${app.stderr.join('\n')}`);
    return app.logs().find((line) => line.msg === 'mockdesign is running');
  });
  expect(running.port).toEqual(expect.any(Number));
  expect(running.port).toBeGreaterThan(0);
  const health = await fetch(`http://127.0.0.1:${String(running.port)}/healthz`);
  expect(health.status).toBe(200);
}, 60_000);
