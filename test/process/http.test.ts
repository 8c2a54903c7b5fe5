/**
 * The real process over real HTTP: request signing, health, a graceful SIGTERM in the middle of a session, and
 * start-up refusals (newer schema, missing token, corrupt file) that end with one clear message and no stack.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { listMigrations, migrate } from '../../src/db/migrate.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedClient, slackSignature } from '../../sandbox/signed-client.ts';
import { createSlackStandIn, type SlackStandIn } from '../../sandbox/stand-in/server.ts';
import {
  allChildOutput,
  type AppProcess,
  type AppProcessOptions,
  freePort,
  randomBotToken,
  randomSigningSecret,
  PROJECT_ROOT,
  spawnApp,
  startApp,
  tempDbPath,
} from '../support/app-process.ts';

const TEAM = 'T0SANDBOX';
const CHANNEL = 'C0GENERAL';
const HOST = 'U0ALICE';

/** Secrets handed to the child processes of this file; none may appear in their output. */
const secretsUsed = new Set<string>();
const tempDbs: string[] = [];

async function newStandIn(): Promise<SlackStandIn> {
  const slack = createSlackStandIn({ botToken: randomBotToken() });
  await slack.start();
  secretsUsed.add(slack.botToken);
  return slack;
}

function remember(proc: AppProcess): AppProcess {
  secretsUsed.add(proc.signingSecret);
  tempDbs.push(proc.dbPath);
  return proc;
}

function start(slack: SlackStandIn, options: AppProcessOptions = {}): Promise<AppProcess> {
  return startApp({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, logLevel: 'debug', ...options, onSpawn: remember });
}

function startCommand(app: AppProcess, text: string) {
  return app.client.slashCommand({ command: '/mockdesign', text, user_id: HOST, channel_id: CHANNEL, team_id: TEAM });
}

function readOnly(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

function count(path: string, sql: string): number {
  const db = readOnly(path);
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

function stepRow(path: string, key: string): { id: number; state: string } | undefined {
  const db = readOnly(path);
  try {
    return db.prepare('SELECT id, state FROM steps WHERE step_key = ?').get(key) as { id: number; state: string } | undefined;
  } finally {
    db.close();
  }
}

async function waitUntil(what: string, deadlineMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

function threadLabels(slack: SlackStandIn): string[] {
  const root = slack.messages(CHANNEL).find((m) => m.metadata?.event_type === 'mockdesign_step');
  if (!root) return [];
  return slack.messages(CHANNEL, { threadTs: root.ts }).map((m) => {
    const phase = /^Phase (\d) of 4/.exec(m.text);
    if (phase) return `Phase ${phase[1]} of 4`;
    // A time check posted after its phase ended (the app was stopped) says time is up.
    if (/ left in |^Time is up for /.test(m.text)) return 'time check';
    return m.text.startsWith('Summary') ? 'Summary' : m.text;
  });
}

/** Every phase has its time check, a phase of a few seconds half-way through. */
const WHOLE_THREAD = ['Phase 1 of 4', 'time check', 'Phase 2 of 4', 'time check', 'Phase 3 of 4', 'time check', 'Phase 4 of 4', 'time check', 'Summary'];

function stepOf(params: Record<string, unknown>): unknown {
  return (params.metadata as { event_payload?: { step?: unknown } } | undefined)?.event_payload?.step;
}

function postsOfStep(slack: SlackStandIn, stepKey: string): number {
  return slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && stepOf(c.params) === stepKey).length;
}

/** Runs the app until it exits on its own (a start-up refusal), killing it if it does not within the deadline. */
async function runToExit(options: AppProcessOptions): Promise<AppProcess> {
  const proc = remember(spawnApp({ logLevel: 'debug', ...options, port: await freePort() }));
  const timer = setTimeout(() => void proc.kill(), 30_000);
  try {
    await proc.exited;
  } finally {
    clearTimeout(timer);
  }
  return proc;
}

/** Exit non-zero with one message on stderr, and no stack trace anywhere. */
async function expectOneClearRefusal(proc: AppProcess, ...mentions: RegExp[]): Promise<void> {
  const status = await proc.exited;
  expect(status.signal, 'the app must exit by itself, not be killed').toBeNull();
  expect(status.code).not.toBe(0);
  const stderr = proc.stderr.join('\n');
  expect(proc.stderr[0]).toBe('mockdesign cannot start.');
  expect(stderr.match(/cannot start/g)).toHaveLength(1);
  const stackLines = [...proc.stderr, ...proc.stdout].filter((line) => /^\s+at /.test(line) || line.includes('"stack"'));
  expect(stackLines).toEqual([]);
  for (const mention of mentions) expect(stderr).toMatch(mention);
}

afterAll(() => {
  for (const path of tempDbs) rmSync(dirname(path), { recursive: true, force: true });
});

describe('requests over HTTP to the running process', () => {
  let slack: SlackStandIn;
  let app: AppProcess;
  beforeAll(async () => {
    slack = await newStandIn();
    app = await start(slack);
  }, 60_000);
  afterAll(async () => {
    expect(await app.stop()).toBe(0);
    await slack.stop();
  }, 30_000);

  /** Nothing reached the database or Slack: no session, no step, no Web API call after start-up. */
  async function expectNothingChanged(callsBefore: number): Promise<void> {
    await sleep(1200); // at least one tick
    expect(count(app.dbPath, 'SELECT count(*) FROM sessions')).toBe(0);
    expect(count(app.dbPath, 'SELECT count(*) FROM steps')).toBe(0);
    expect(slack.calls.slice(callsBefore)).toEqual([]);
  }

  it('GET /healthz answers 200', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  }, 30_000);

  it('a correctly signed /mockdesign help gets 200 with the usage', async () => {
    const response = await app.client.slashCommand({ command: '/mockdesign', text: 'help', user_id: HOST, channel_id: CHANNEL, team_id: TEAM });
    expect(response.status).toBe(200);
    const body = response.json as { response_type?: string; text?: string; blocks?: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/\/mockdesign/);
    const blocks = JSON.stringify(body.blocks);
    expect(blocks).toMatch(/\/mockdesign start (<|&lt;)topic(>|&gt;)/);
    expect(blocks).toContain('/mockdesign end');
  }, 30_000);

  it('a bad signature gets 401 and changes nothing', async () => {
    const before = slack.calls.length;
    const form = new URLSearchParams({ command: '/mockdesign', text: 'start Forged --plan 3s/3s/3s/3s', user_id: HOST, channel_id: CHANNEL, team_id: TEAM }).toString();

    // A signature that is not an HMAC of anything.
    const forged = await app.client.raw(form, 'application/x-www-form-urlencoded', { 'X-Slack-Signature': `v0=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    // Signed with somebody else's secret.
    const otherSecret = createSignedClient({ appUrl: app.eventsUrl, signingSecret: randomSigningSecret() });
    expect((await otherSecret.slashCommand({ command: '/mockdesign', text: 'start Forged', user_id: HOST, channel_id: CHANNEL, team_id: TEAM })).status).toBe(401);
    // A genuine signature of another body.
    const ts = Math.floor(Date.now() / 1000);
    const swapped = await fetch(app.eventsUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Slack-Request-Timestamp': String(ts),
        'X-Slack-Signature': slackSignature(app.signingSecret, ts, form.replace('Forged', 'Signed')),
      },
      body: form,
    });
    await swapped.arrayBuffer();
    expect(swapped.status).toBe(401);

    await expectNothingChanged(before);
  }, 30_000);

  it('a stale timestamp (older than 5 minutes) gets 401, a recent one is accepted', async () => {
    const before = slack.calls.length;
    const stale = createSignedClient({ appUrl: app.eventsUrl, signingSecret: app.signingSecret, nowSec: () => Math.floor(Date.now() / 1000) - 6 * 60 });
    const replayed = await stale.slashCommand({ command: '/mockdesign', text: 'start Replayed --plan 3s/3s/3s/3s', user_id: HOST, channel_id: CHANNEL, team_id: TEAM });
    expect(replayed.status).toBe(401);
    await expectNothingChanged(before);

    const recent = createSignedClient({ appUrl: app.eventsUrl, signingSecret: app.signingSecret, nowSec: () => Math.floor(Date.now() / 1000) - 4 * 60 });
    const help = await recent.slashCommand({ command: '/mockdesign', text: 'help', user_id: HOST, channel_id: CHANNEL, team_id: TEAM });
    expect(help.status).toBe(200);
  }, 30_000);

  it('an unsigned request gets 401', async () => {
    const before = slack.calls.length;
    const body = new URLSearchParams({ command: '/mockdesign', text: 'start Unsigned', user_id: HOST, channel_id: CHANNEL, team_id: TEAM }).toString();
    const bare = await fetch(app.eventsUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    await bare.arrayBuffer();
    expect(bare.status).toBe(401);
    const timestampOnly = await fetch(app.eventsUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(Math.floor(Date.now() / 1000)) },
      body,
    });
    await timestampOnly.arrayBuffer();
    expect(timestampOnly.status).toBe(401);
    await expectNothingChanged(before);
  }, 30_000);
});

/** Starts the app again on the same database, waits until the session has finished, and stops it cleanly. */
async function restartAndFinish(slack: Awaited<ReturnType<typeof newStandIn>>, dbPath: string) {
  const second = await start(slack, { dbPath });
  await waitUntil('the summary', 40_000, () => threadLabels(slack).includes('Summary'));
  await waitUntil('every step finished', 10_000, () => count(dbPath, "SELECT count(*) FROM steps WHERE state <> 'done'") === 0);
  await sleep(300);
  expect(await second.stop()).toBe(0);
  return second;
}

describe('SIGTERM in the middle of a session', () => {
  it('exits 0, and a restarted app carries on with the next phase without doubling anything', async () => {
    const slack = await newStandIn();
    try {
      const first = await start(slack);
      expect((await startCommand(first, 'start Graceful --plan 4s/4s/4s/4s')).status).toBe(200);
      await waitUntil('phase 1', 15_000, () => threadLabels(slack).length === 1);
      await sleep(500);

      expect(await first.stop()).toBe(0);
      expect(first.logs().map((l) => l.msg)).toContain('stopped');
      // The checkpoint thread closed last, after the database: everything is in the file and the WAL is gone.
      expect(existsSync(`${first.dbPath}-wal`)).toBe(false);
      expect(count(first.dbPath, "SELECT count(*) FROM steps WHERE state = 'sending'")).toBe(0);
      // The session's next post, phase 1's time check, waits for the restart.
      expect(stepRow(first.dbPath, 'warning:0')?.state).toBe('pending');

      const second = await restartAndFinish(slack, first.dbPath);

      expect(threadLabels(slack)).toEqual(WHOLE_THREAD);
      expect(slack.messages(CHANNEL)).toHaveLength(1);
      const posted = second.logs().filter((l) => l.msg === 'posted').map((l) => l.step);
      // Stopped before phase 1's time check (2 s before its end) fell due: the restarted app posts it first.
      expect(posted).toEqual(['warning:0', 'phase:1', 'warning:1', 'phase:2', 'warning:2', 'phase:3', 'warning:3', 'summary']);
      // A clean stop leaves nothing in flight to resume.
      expect(second.logs().map((l) => l.msg)).not.toContain('resuming posts interrupted by a restart');
    } finally {
      await slack.stop();
    }
  }, 120_000);

  it('waits for a post in flight, records it, and the restarted app does not post it again', async () => {
    const slack = await newStandIn();
    try {
      const first = await start(slack);
      // Phase 2's post is held 2.5 s by "Slack"; SIGTERM lands while it is in flight.
      slack.fail('chat.postMessage', { delayMs: 2500 }, 1, (params) => stepOf(params) === 'phase:1');
      expect((await startCommand(first, 'start Draining --plan 3s/3s/3s/3s')).status).toBe(200);
      await waitUntil('phase 2 to be sending', 15_000, () => stepRow(first.dbPath, 'phase:1')?.state === 'sending');
      await sleep(200);
      const signalled = Date.now();
      expect(await first.stop()).toBe(0);
      expect(Date.now() - signalled).toBeGreaterThan(1500);
      const phase2 = stepRow(first.dbPath, 'phase:1');
      expect(phase2?.state).toBe('done');

      await restartAndFinish(slack, first.dbPath);

      expect(threadLabels(slack)).toEqual(WHOLE_THREAD);
      expect(postsOfStep(slack, 'phase:1')).toBe(1);
    } finally {
      await slack.stop();
    }
  }, 120_000);
});

describe('refusing to start', () => {
  let slack: SlackStandIn;
  beforeAll(async () => {
    slack = await newStandIn();
  });
  afterAll(async () => {
    await slack.stop();
  });

  it('a database written by a newer version: exit non-zero, one message naming the version, the file left as it was', async () => {
    const dbPath = tempDbPath('mockdesign-newer');
    const newer = new Database(dbPath);
    newer.exec('CREATE TABLE from_the_future (x INTEGER)');
    newer.pragma('user_version = 999');
    newer.close();

    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, dbPath });
    await expectOneClearRefusal(proc, /schema version 999/, /newer/);
    const db = readOnly(dbPath);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(999);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['from_the_future']);
    } finally {
      db.close();
    }
  }, 60_000);

  it('a missing SLACK_BOT_TOKEN: exit non-zero naming the variable', async () => {
    const authTests = () => slack.calls.filter((c) => c.method === 'auth.test').length;
    const before = authTests();
    const proc = await runToExit({ slackApiUrl: slack.apiUrl });
    await expectOneClearRefusal(proc, /SLACK_BOT_TOKEN/);
    expect(authTests()).toBe(before);
  }, 60_000);

  it('a bot token Slack refuses: exit non-zero naming SLACK_BOT_TOKEN, no database created', async () => {
    const revoked = randomBotToken();
    secretsUsed.add(revoked);
    const dbPath = tempDbPath('mockdesign-refused-token');
    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: revoked, dbPath });
    await expectOneClearRefusal(proc, /Slack refused SLACK_BOT_TOKEN/);
    expect(existsSync(dirname(dbPath)) ? readdirSync(dirname(dbPath)) : []).toEqual([]);
  }, 60_000);

  it('Slack out of reach: exit non-zero with one message naming SLACK_API_URL, the failure not logged again', async () => {
    const closed = await freePort();
    const proc = await runToExit({ slackApiUrl: `http://127.0.0.1:${closed}/api/`, botToken: slack.botToken });
    await expectOneClearRefusal(proc, /Cannot reach Slack/, /SLACK_API_URL/);
    expect(proc.stdout.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(proc.stderr).toHaveLength(2);
  }, 60_000);

  it('an app token Slack refuses (Socket Mode): exit non-zero with one message naming SLACK_APP_TOKEN, no stack', async () => {
    const appToken = `xapp-1-A0SANDBOX-${randomBytes(6).toString('hex')}-${randomBytes(24).toString('hex')}`;
    secretsUsed.add(appToken);
    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, env: { SLACK_APP_TOKEN: appToken, SLACK_SIGNING_SECRET: undefined } });
    await expectOneClearRefusal(proc, /SLACK_APP_TOKEN/);
  }, 60_000);

  it('a malformed SLACK_SIGNING_SECRET is named, and its value is not repeated', async () => {
    const bad = `not-hex-${randomBytes(8).toString('base64url')}`;
    secretsUsed.add(bad);
    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, signingSecret: bad });
    await expectOneClearRefusal(proc, /SLACK_SIGNING_SECRET/);
  }, 60_000);

  it('a corrupt database file: exit non-zero with one clear message, the file untouched', async () => {
    const dbPath = tempDbPath('mockdesign-corrupt');
    const garbage = randomBytes(16 * 1024);
    writeFileSync(dbPath, garbage);
    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, dbPath });
    await expectOneClearRefusal(proc, /Cannot use the database/, new RegExp(dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(readFileSync(dbPath).equals(garbage)).toBe(true);
  }, 60_000);

  it('a PORT another process listens on: exit non-zero with one clear message naming PORT, no database created', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const dbPath = tempDbPath('mockdesign-port-in-use');
      const proc = remember(spawnApp({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, logLevel: 'debug', dbPath, port }));
      const timer = setTimeout(() => void proc.kill(), 30_000);
      try {
        await proc.exited;
      } finally {
        clearTimeout(timer);
      }
      await expectOneClearRefusal(proc, /PORT/, new RegExp(`\\b${port}\\b`), /already in use/);
      expect(existsSync(dbPath)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);

  // A database changed by hand (a column added ahead of the migration that adds it), so the next migration fails on
  // what is already there: the failure used to end the app with SQLite's error and a stack trace.
  it('a migration that fails on what the database holds: one clear message naming it, the database left as it was, twice', async () => {
    const dbPath = tempDbPath('mockdesign-failing-migration');
    // Migrations up to 0012 applied, then steps.claim_id added by hand: 0013_claim_ids.sql, which adds it, fails.
    const sqliteMigrations = join(PROJECT_ROOT, 'migrations', 'sqlite');
    const older = mkdtempSync(join(tmpdir(), 'mockdesign-older-migrations-'));
    tempDbs.push(join(older, 'unused.db'));
    for (const { file } of listMigrations(sqliteMigrations).filter((m) => m.version < 13)) copyFileSync(join(sqliteMigrations, file), join(older, file));
    mkdirSync(dirname(dbPath), { recursive: true });
    const db = new Database(dbPath);
    migrate(db, older);
    db.exec('ALTER TABLE steps ADD COLUMN claim_id INTEGER');
    db.close();

    for (let run = 0; run < 2; run++) {
      const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, dbPath });
      await expectOneClearRefusal(proc, /Migration 0013_claim_ids\.sql failed/, /duplicate column name: claim_id/, /rolled back whole: the database is at schema version 12/);
      const after = readOnly(dbPath);
      try {
        expect(after.pragma('user_version', { simple: true })).toBe(12);
      } finally {
        after.close();
      }
    }
  }, 60_000);

  // The lock file beside the database cannot be opened: left owned by root by a `sudo npm run purge`, say (a folder
  // in its place here, as the tests may run as root). That used to end the app with Node's error and a stack trace.
  it('a lock file it cannot open: exit non-zero with one clear message naming it, no stack', async () => {
    const dbPath = tempDbPath('mockdesign-lock-unusable');
    mkdirSync(`${dbPath}.lock`, { recursive: true });
    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, dbPath });
    await expectOneClearRefusal(proc, new RegExp(`Cannot lock ${`${dbPath}.lock`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), /writable by the user mockdesign runs as/);
  }, 60_000);

  // The folder cannot be created (it would be under a plain file): the same one clear message as any unusable database.
  it('a database path whose folder cannot be created: exit non-zero with one clear message, no stack', async () => {
    const blocker = tempDbPath('mockdesign-blocked');
    writeFileSync(blocker, 'a plain file where a folder should be');
    tempDbs.push(blocker);
    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, dbPath: join(blocker, 'data', 'mockdesign.db') });
    await expectOneClearRefusal(proc, /Cannot use the database/);
  }, 60_000);
});

describe('refusing a database it cannot use', () => {
  let slack: SlackStandIn;
  beforeAll(async () => {
    slack = await newStandIn();
  });
  afterAll(async () => {
    await slack.stop();
  });

  it.each([
    ['a scheme it does not know', 'mysql://root@127.0.0.1:3306/mockdesign', 'mysql:'],
    ['postgres without its slashes', 'postgres:mockdesign', 'postgres:mockdesign'],
    ['a path in quotes, as docker --env-file passes them', '"./data/mockdesign.db"', '".'],
  ])('%s: exit non-zero naming DATABASE_URL and the accepted forms, creating nothing on disk', async (_, url, wouldCreate) => {
    const cwd = mkdtempSync(join(tmpdir(), 'mockdesign-app-cwd-'));
    tempDbs.push(join(cwd, 'unused.db'));
    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, env: { DATABASE_URL: url }, cwd });
    await expectOneClearRefusal(proc, /DATABASE_URL/, /postgres:\/\//, /SQLite/);
    expect(existsSync(join(cwd, wouldCreate))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
    expect(slack.calls.filter((c) => c.method === 'auth.test')).toHaveLength(0);
  }, 60_000);

  it('a PostgreSQL server that does not answer: exit at once naming DATABASE_URL, without the password', async () => {
    const port = await freePort();
    secretsUsed.add('s3cret-pw');
    const proc = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, env: { DATABASE_URL: `postgres://app:s3cret-pw@127.0.0.1:${port}/mockdesign` } });
    await expectOneClearRefusal(proc, /DATABASE_URL/);
    expect(proc.stderr.join('\n')).not.toContain('s3cret-pw');
  }, 60_000);

  it('a second process on the same SQLite file is refused with a clear message; the first runs on', async () => {
    const first = await start(slack);
    try {
      const second = await runToExit({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, dbPath: first.dbPath });
      await expectOneClearRefusal(second, /Another mockdesign process is already using/, /PostgreSQL/);
      expect(first.hasExited).toBe(false);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    // Once the first has stopped, the file is free again.
    const third = await start(slack, { dbPath: first.dbPath });
    expect(await third.stop()).toBe(0);
  }, 90_000);
});

describe('the output of every process started above', () => {
  it('never contains the bot token or the signing secret', () => {
    expect(allChildOutput.length).toBeGreaterThan(0);
    expect(secretsUsed.size).toBeGreaterThan(3);
    const output = allChildOutput.join('\n');
    for (const secret of secretsUsed) expect(output.includes(secret), 'a secret appeared in the output').toBe(false);
  });
});
