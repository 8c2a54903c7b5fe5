/**
 * Scenarios 1 and 2: many concurrent sessions delivered by real app processes against the Slack stand-in,
 * every Web API call answered `latencyMs` late. Sessions are written into the database before the apps start
 * (through the app's own `startSession`, with chosen start times); everything is measured from what the
 * stand-in received, checked against the database (read after the run, read-only).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_LEASE_MS, SETTLE_MS } from '../src/app/dispatcher.ts';
import { BURST } from '../src/app/pacer.ts';
import { createSlackStandIn, type RecordedCall, type SlackStandIn } from '../sandbox/stand-in/server.ts';
import { randomBotToken } from '../test/support/app-process.ts';
import { type BenchApp, forgetChildOutput, launchApp, problemsLogged } from './apps.ts';
import { channelIds, HOST_ID, type LoadShape, plan as parsePlanText, planSessions, postingSteps, seedSessions, type SeededSession } from './load.ts';
import { distribution, type Distribution } from './stats.ts';
import { type BenchDatabase, databaseUrl, openBenchStore } from './store.ts';

export interface PgProvider {
  /** A fresh, empty database (the apps migrate it) and a way to drop it. */
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
}

export interface DeliveryConfig {
  readonly name: string;
  readonly database: 'sqlite' | 'postgres';
  readonly shape: LoadShape;
  /** Phase lengths, e.g. '20s/30s/30s/20s'. */
  readonly plan: string;
  readonly instances: number;
  /** SIGKILL one instance once `killAtFraction` of the posts are out and it holds a post's lease, never restarted. */
  readonly killOne: boolean;
  readonly killAtFraction: number;
  readonly latencyMs: number;
  /** From the start of seeding to the first session start: seeding and app start-up must fit in it. */
  readonly leadMs: number;
  /**
   * After the last planned post fell due, gives up once nothing new has been posted for this long (or 20 minutes
   * after it in any case); what is missing then counts as lost.
   */
  readonly graceMs: number;
  readonly postConcurrency?: number;
  readonly cpuProfDir?: string;
  readonly pg?: PgProvider;
  readonly progress?: (line: string) => void;
}

export interface KillReport {
  readonly pid: number;
  /** When, from the first planned start. */
  readonly atMs: number;
  readonly postsBefore: number;
  /** Steps the killed instance held under a lease at its death (state `sending`, owner it). */
  readonly held: number;
  /** Worst lateness of those held steps' posts (ms after their due time): when the message was in the channel. */
  readonly heldMaxLatenessMs: number;
  /** Of the held steps, how many had their message in the channel already before the kill (the killed one posted it). */
  readonly heldPostedBeforeKill: number;
  /** Worst time from due to the step being recorded done in the database (by the instance that took it over). */
  readonly heldRecordedMaxMs: number;
  /** Lease + settle: the bound those posts must meet, both in the channel and recorded done. */
  readonly boundMs: number;
  readonly heldWithinBound: boolean;
  /** Worst lateness of any post of the sessions those steps belong to (later steps wait behind them). */
  readonly affectedMaxLatenessMs: number;
  /** Posts of the killed instance that reached Slack unrecorded and were found and adopted, not posted again. */
  readonly adopted: number;
}

export interface InstanceReport {
  readonly pid: number;
  readonly startupMs: number;
  readonly peakRssBytes: number;
  readonly cpuMs: number;
  readonly killed: boolean;
  readonly warnings: number;
  readonly errors: number;
  readonly topProblems: string[];
}

export interface DeliveryResult {
  readonly config: Omit<DeliveryConfig, 'pg' | 'progress'>;
  readonly sessions: number;
  readonly seedMs: number;
  /** First planned start minus the moment every instance was ready (negative: the apps were late). */
  readonly readyMarginMs: number;
  readonly expectedPosts: number;
  readonly posted: number;
  readonly lost: number;
  readonly lostSamples: string[];
  readonly doubled: number;
  readonly doubledSamples: string[];
  /** Steps the database does not show as done, by state (failed, cancelled, still pending…). */
  readonly notDone: number;
  readonly notDoneStates: Record<string, number>;
  /** SQLite: the largest the WAL file was seen during the run (sampled every 100 ms), and the database file after it. */
  readonly peakWalBytes?: number;
  readonly databaseBytes?: number;
  readonly completed: boolean;
  /** First planned start → last post. */
  readonly spanMs: number;
  readonly lateness: Distribution;
  readonly latenessByStep: Record<string, Distribution>;
  /** Posts of the sessions that all started in the same second. */
  readonly latenessBurst: Distribution;
  /** Lateness beyond the per-channel pacing floor (the pacer's bucket: BURST posts at once, then one a second). */
  readonly latenessBeyondPacing: Distribution;
  /** Most steps due within one second. */
  readonly maxDueInOneSecond: number;
  readonly calls: Record<string, number>;
  readonly failedCalls: Record<string, number>;
  readonly instances: InstanceReport[];
  readonly kill?: KillReport;
}

interface PostRecord {
  readonly at: number;
  readonly channel: string;
}

/** The dispatcher's default spacing of posts in one channel. */
const PACING_INTERVAL_MS = 1000;

const POSTING_KINDS = "('root', 'phase', 'warning', 'summary')";

interface StepRow {
  session_id: string;
  step_key: string;
  due_at: number;
  state: string;
  progress: number;
  done_at: number | null;
}

function stepRow(r: Record<string, unknown>): StepRow {
  return { ...(r as unknown as StepRow), due_at: Number(r.due_at), progress: Number(r.progress), done_at: r.done_at === null ? null : Number(r.done_at) };
}

/** Reads the database after the run, read-only. */
async function readSteps(db: BenchDatabase): Promise<StepRow[]> {
  const sql = `SELECT session_id, step_key, due_at, state, progress, done_at FROM steps WHERE kind IN ${POSTING_KINDS}`;
  if (db.kind === 'sqlite') {
    const raw = new Database(db.path, { readonly: true, fileMustExist: true });
    try {
      return raw.prepare(sql).all() as StepRow[];
    } finally {
      raw.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const result = await client.query(sql);
    return result.rows.map(stepRow);
  } finally {
    await client.end();
  }
}

function stepKind(key: string): string {
  return key.split(':')[0] ?? key;
}

export async function runDelivery(config: DeliveryConfig): Promise<DeliveryResult> {
  const say = config.progress ?? (() => undefined);
  const p = parsePlanText(config.plan);
  const channels = channelIds('B', config.shape.sessions);
  const slack: SlackStandIn = createSlackStandIn({
    botToken: randomBotToken(),
    latencyMs: config.latencyMs,
    channels: [
      { id: 'C0GENERAL', name: 'general', members: [HOST_ID], botIsMember: true },
      ...channels.map((id, i) => ({ id, name: `bench-${i}`, members: [HOST_ID], botIsMember: true })),
    ],
  });

  // What the stand-in received: every post of ours, by (session, step, part), and call counts.
  const posts = new Map<string, PostRecord[]>();
  const calls: Record<string, number> = {};
  const failedCalls: Record<string, number> = {};
  let postedParts0 = 0;
  const expectedKeys = new Set<string>();
  slack.events.on('call', (call: RecordedCall) => {
    calls[call.method] = (calls[call.method] ?? 0) + 1;
    if (!call.ok) {
      const what = `${call.method}: ${call.error ?? call.status ?? '?'}`;
      failedCalls[what] = (failedCalls[what] ?? 0) + 1;
    }
    if (call.method !== 'chat.postMessage' || !call.ok) return;
    const payload = (call.params.metadata as { event_payload?: { session_id?: unknown; step?: unknown; part?: unknown } } | undefined)?.event_payload;
    if (!payload || typeof payload.session_id !== 'string') return;
    const key = `${payload.session_id}|${String(payload.step)}|${String(payload.part)}`;
    const list = posts.get(key);
    const record = { at: call.at, channel: String(call.params.channel) };
    if (list) list.push(record);
    else {
      posts.set(key, [record]);
      if (payload.part === 0 && expectedKeys.has(`${payload.session_id}|${String(payload.step)}`)) postedParts0 += 1;
    }
  });
  // The stand-in keeps every call with its parameters; we keep only what we need.
  const trimCalls = setInterval(() => {
    slack.calls.length = 0;
  }, 5000);
  trimCalls.unref();

  await slack.start();
  let database: BenchDatabase | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  const apps: BenchApp[] = [];
  let killed: BenchApp | undefined;
  let kill: KillReport | undefined;
  let killHeld: StepRow[] = [];
  let killedAt = 0;
  let killPostsBefore = 0;
  try {
    if (config.database === 'sqlite') {
      database = { kind: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'mockdesign-bench-')), 'bench.db') };
    } else {
      if (!config.pg) throw new Error('PostgreSQL scenario without a database provider');
      const created = await config.pg.createDatabase();
      database = { kind: 'postgres', url: created.url };
      dropDatabase = created.drop;
    }

    // Seed: sessions start `leadMs` after now, so seeding and start-up fit before anything falls due.
    const seedStarted = performance.now();
    const firstStart = Date.now() + config.leadMs;
    const planned = planSessions(config.shape, firstStart, channels);
    say(`${config.name}: seeding ${planned.length} sessions`);
    const store = await openBenchStore(database);
    let seeded: SeededSession[];
    try {
      seeded = await seedSessions(store, planned, p, database.kind === 'sqlite' ? 1 : 8);
    } finally {
      await store.close();
    }
    const seedMs = performance.now() - seedStarted;
    const sessionOf = new Map(seeded.map((s) => [s.id, s]));
    let lastDue = 0;
    const dueCount = new Map<number, number>();
    for (const s of seeded) {
      for (const step of postingSteps(p, s.startAt)) {
        expectedKeys.add(`${s.id}|${step.key}`);
        lastDue = Math.max(lastDue, step.dueAt);
        const second = Math.floor(step.dueAt / 1000);
        dueCount.set(second, (dueCount.get(second) ?? 0) + 1);
      }
    }
    const maxDueInOneSecond = Math.max(...dueCount.values());
    say(`${config.name}: seeded in ${(seedMs / 1000).toFixed(1)} s; starting ${config.instances} instance(s)`);

    const launched = await Promise.all(
      Array.from({ length: config.instances }, () =>
        launchApp({
          slackApiUrl: slack.apiUrl,
          botToken: slack.botToken,
          databaseUrl: databaseUrl(database as BenchDatabase),
          ...(config.postConcurrency === undefined ? {} : { postConcurrency: config.postConcurrency }),
          ...(config.cpuProfDir ? { cpuProfDir: config.cpuProfDir } : {}),
        }),
      ),
    );
    apps.push(...launched);
    const readyMarginMs = firstStart - Date.now();
    say(`${config.name}: ready ${(readyMarginMs / 1000).toFixed(1)} s before the first start; ${expectedKeys.size} posts to go`);

    // Wait until every post is out, or the posts stop coming well after the last due time.
    const stallMs = config.graceMs + (config.killOne ? DEFAULT_LEASE_MS + SETTLE_MS : 0);
    const hardDeadline = lastDue + Math.max(stallMs, 20 * 60_000);
    let lastProgressAt = Date.now();
    let lastCount = 0;
    const gaveUp = () => {
      const now = Date.now();
      if (postedParts0 !== lastCount) {
        lastCount = postedParts0;
        lastProgressAt = now;
      }
      return now > hardDeadline || (now > lastDue + config.graceMs && now - lastProgressAt > stallMs);
    };
    let lastReport = Date.now();
    let killPending = config.killOne && config.instances > 1;
    let killWaitSince = 0;
    let peakWalBytes = 0;
    const walFile = database.kind === 'sqlite' ? `${database.path}-wal` : undefined;
    while (postedParts0 < expectedKeys.size && !gaveUp()) {
      await sleep(100);
      if (walFile) peakWalBytes = Math.max(peakWalBytes, fileSize(walFile));
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        say(`${config.name}: ${postedParts0}/${expectedKeys.size} posted, ${((Date.now() - firstStart) / 1000).toFixed(0)} s from the first start`);
      }
      if (killPending && postedParts0 >= config.killAtFraction * expectedKeys.size) {
        // Kill it while it holds the lease of a post, so the takeover is what gets measured. The posts come in
        // waves a phase apart, and the share of posts out can be reached just after one: the next comes within two
        // phases (after that, or at least 10 s, it is killed anyway).
        // It is frozen (SIGSTOP) while what it holds is read, so that what it holds at its death is what was read:
        // a post it finished between a look and the kill would otherwise be counted as taken over.
        const victim = apps[0] as BenchApp;
        killWaitSince ||= Date.now();
        const waitedOut = Date.now() - killWaitSince > Math.max(10_000, 2 * Math.max(...p));
        if (waitedOut || (await heldBy(database, victim.proc.pid)).length > 0) {
          process.kill(victim.proc.pid, 'SIGSTOP');
          const held = await heldBy(database, victim.proc.pid);
          if (held.length > 0 || waitedOut) {
            killPending = false;
            killPostsBefore = postedParts0;
            victim.sampler.stop();
            await victim.proc.kill();
            killedAt = Date.now();
            killed = victim;
            killHeld = held;
            say(`${config.name}: SIGKILLed instance ${victim.proc.pid} holding ${killHeld.length} step(s) at ${postedParts0}/${expectedKeys.size}`);
          } else process.kill(victim.proc.pid, 'SIGCONT');
        }
      }
    }
    // Every message is out; a step an instance took over may still be recorded done a little later.
    if (postedParts0 >= expectedKeys.size) {
      const recordedBy = Date.now() + stallMs;
      while ((await countNotDone(database)) > 0 && Date.now() < recordedBy) await sleep(500);
    }
    const completed = postedParts0 >= expectedKeys.size;
    for (const app of apps) app.sampler.stop();
    const instances: InstanceReport[] = apps.map((app) => ({
      pid: app.proc.pid,
      startupMs: app.startupMs,
      peakRssBytes: app.sampler.peakRss(),
      cpuMs: app.sampler.cpuMs(),
      killed: app === killed,
      ...(() => {
        const problems = problemsLogged(app.proc);
        return { warnings: problems.warnings, errors: problems.errors, topProblems: problems.top };
      })(),
    }));
    const adopted = apps.reduce((n, app) => n + app.proc.logs().filter((r) => r.msg === 'adopted a message an earlier attempt had posted').length, 0);
    await Promise.all(apps.filter((a) => a !== killed).map((a) => a.proc.stop(30_000)));
    const databaseBytes = database.kind === 'sqlite' ? fileSize(database.path) : undefined;
    forgetChildOutput(...apps.map((a) => a.proc));

    // Check every planned post against what the stand-in got and what the database says.
    const rows = (await readSteps(database)).filter((r) => sessionOf.has(r.session_id));
    const lateness: number[] = [];
    const byStep = new Map<string, number[]>();
    const burst: number[] = [];
    const lostSamples: string[] = [];
    const doubledSamples: string[] = [];
    let lost = 0;
    let doubled = 0;
    let notDone = 0;
    const notDoneStates: Record<string, number> = {};
    let posted = 0;
    let lastPostAt = 0;
    const firstPostAt = new Map<string, { at: number; due: number; channel: string }>();
    for (const row of rows) {
      if (row.state !== 'done') {
        notDone += 1;
        notDoneStates[row.state] = (notDoneStates[row.state] ?? 0) + 1;
      }
      const parts = Math.max(1, row.progress);
      for (let part = 0; part < parts; part++) {
        const key = `${row.session_id}|${row.step_key}|${part}`;
        const got = posts.get(key);
        if (!got || got.length === 0) {
          lost += 1;
          if (lostSamples.length < 5) lostSamples.push(`${key} (state ${row.state})`);
          continue;
        }
        posted += 1;
        if (got.length > 1) {
          doubled += 1;
          if (doubledSamples.length < 5) doubledSamples.push(`${key} ×${got.length}`);
        }
        const first = got[0] as PostRecord;
        const late = first.at - row.due_at;
        lastPostAt = Math.max(lastPostAt, first.at);
        lateness.push(late);
        const kind = stepKind(row.step_key);
        (byStep.get(kind) ?? byStep.set(kind, []).get(kind))?.push(late);
        if (sessionOf.get(row.session_id)?.burst) burst.push(late);
        firstPostAt.set(key, { at: first.at, due: row.due_at, channel: first.channel });
      }
    }
    if (process.env.BENCH_DUMP) {
      // Every post's due and arrival time, for a closer look than the report's percentiles (BENCH_DUMP=file.json).
      const dump = [...firstPostAt.entries()].map(([key, p]) => ({ key, due: p.due, at: p.at }));
      writeFileSync(process.env.BENCH_DUMP, JSON.stringify({ firstStart, posts: dump }));
    }
    // Stored messages too: a post the app retried may have been stored twice even if we saw it once.
    const stored = new Map<string, number>();
    for (const m of slack.allMessages()) {
      const payload = m.metadata?.event_payload;
      if (m.metadata?.event_type !== 'mockdesign_step' || typeof payload?.session_id !== 'string') continue;
      const key = `${payload.session_id}|${String(payload.step)}|${String(payload.part)}`;
      stored.set(key, (stored.get(key) ?? 0) + 1);
    }
    for (const [key, n] of stored) {
      if (n > 1 && (posts.get(key)?.length ?? 0) <= 1) {
        doubled += 1;
        if (doubledSamples.length < 5) doubledSamples.push(`${key} stored ×${n}`);
      }
    }

    // Lateness beyond pacing: the dispatcher lets a channel take BURST posts at once, then one a second (its
    // pacer's bucket); a post cannot be on time if that bucket, fed the channel's actual posts, had no slot.
    const byChannel = new Map<string, { at: number; due: number }[]>();
    for (const post of firstPostAt.values()) (byChannel.get(post.channel) ?? byChannel.set(post.channel, []).get(post.channel))?.push(post);
    const beyondPacing: number[] = [];
    for (const list of byChannel.values()) {
      list.sort((a, b) => a.at - b.at);
      let fullAt = Number.NEGATIVE_INFINITY;
      for (const post of list) {
        const floor = Math.max(post.due, fullAt - (BURST - 1) * PACING_INTERVAL_MS);
        beyondPacing.push(post.at - floor);
        fullAt = Math.max(post.at, fullAt) + PACING_INTERVAL_MS;
      }
    }

    if (killed) {
      // A held step is delivered when its last part is out (parts posted before the kill count where they landed).
      const finalRow = new Map(rows.map((r) => [`${r.session_id}|${r.step_key}`, r]));
      const deliveredAt = (sessionId: string, key: string): number => {
        const parts = Math.max(1, finalRow.get(`${sessionId}|${key}`)?.progress ?? 1);
        let at = 0;
        for (let part = 0; part < parts; part++) {
          const got = posts.get(`${sessionId}|${key}|${part}`)?.[0];
          if (!got) return Number.POSITIVE_INFINITY;
          at = Math.max(at, got.at);
        }
        return at;
      };
      const heldLate = killHeld.map((r) => deliveredAt(r.session_id, r.step_key) - r.due_at);
      const heldPostedBeforeKill = killHeld.filter((r) => deliveredAt(r.session_id, r.step_key) <= killedAt).length;
      const heldRecorded = killHeld.map((r) => {
        const doneAt = finalRow.get(`${r.session_id}|${r.step_key}`)?.done_at;
        return doneAt === null || doneAt === undefined ? Number.POSITIVE_INFINITY : doneAt - r.due_at;
      });
      const affected = new Set(killHeld.map((r) => r.session_id));
      const affectedLate = rows
        .filter((r) => affected.has(r.session_id))
        .map((r) => deliveredAt(r.session_id, r.step_key) - r.due_at);
      const boundMs = DEFAULT_LEASE_MS + SETTLE_MS;
      const heldMax = heldLate.length ? Math.max(...heldLate) : 0;
      kill = {
        pid: killed.proc.pid,
        atMs: killedAt - firstStart,
        postsBefore: killPostsBefore,
        held: killHeld.length,
        heldMaxLatenessMs: heldMax,
        heldPostedBeforeKill,
        heldRecordedMaxMs: heldRecorded.length ? Math.max(...heldRecorded) : 0,
        boundMs,
        // Met only when exercised: an instance that held nothing at its death shows nothing about a takeover.
        heldWithinBound: killHeld.length > 0 && Math.max(heldMax, ...heldRecorded) <= boundMs,
        affectedMaxLatenessMs: affectedLate.length ? Math.max(...affectedLate) : 0,
        adopted,
      };
    }

    const result: DeliveryResult = {
      config: strip(config),
      sessions: seeded.length,
      seedMs,
      readyMarginMs,
      expectedPosts: Math.max(expectedKeys.size, rows.reduce((n, r) => n + Math.max(1, r.progress), 0)),
      posted,
      lost,
      lostSamples,
      doubled,
      doubledSamples,
      notDone,
      notDoneStates,
      ...(walFile ? { peakWalBytes } : {}),
      ...(databaseBytes === undefined ? {} : { databaseBytes }),
      completed,
      spanMs: lastPostAt - firstStart,
      lateness: distribution(lateness),
      latenessByStep: Object.fromEntries([...byStep.entries()].map(([k, v]) => [k, distribution(v)])),
      latenessBurst: distribution(burst),
      latenessBeyondPacing: distribution(beyondPacing),
      maxDueInOneSecond,
      calls,
      failedCalls,
      instances,
      ...(kill ? { kill } : {}),
    };
    say(`${config.name}: ${posted}/${result.expectedPosts} posted, ${lost} lost, ${doubled} doubled, p99 lateness ${Math.round(result.lateness.p99)} ms`);
    return result;
  } finally {
    clearInterval(trimCalls);
    await Promise.all(apps.map((a) => a.proc.kill().catch(() => undefined)));
    await slack.stop();
    await dropDatabase?.().catch((error: unknown) => say(`could not drop the benchmark database: ${String(error)}`));
    if (database?.kind === 'sqlite') rmSync(dirname(database.path), { recursive: true, force: true });
  }
}

function strip(config: DeliveryConfig): Omit<DeliveryConfig, 'pg' | 'progress'> {
  const { pg: _pg, progress: _progress, ...rest } = config;
  return rest;
}

async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Posting steps not recorded done yet, read-only. */
async function countNotDone(db: BenchDatabase): Promise<number> {
  const sql = `SELECT count(*) AS n FROM steps WHERE kind IN ${POSTING_KINDS} AND state <> 'done'`;
  if (db.kind === 'sqlite') {
    const raw = new Database(db.path, { readonly: true, fileMustExist: true });
    try {
      return Number((raw.prepare(sql).get() as { n: number }).n);
    } finally {
      raw.close();
    }
  }
  return withPg(db.url, async (c) => Number((await c.query(sql)).rows[0]?.n ?? 0));
}

/** Posts an instance holds under its lease right now (its instance id starts with its pid); a root message's refresh is not a post. */
async function heldBy(db: BenchDatabase, pid: number): Promise<StepRow[]> {
  if (db.kind !== 'postgres') return [];
  return withPg(db.url, async (c) =>
    (
      await c.query(
        `SELECT session_id, step_key, due_at, state, progress, done_at FROM steps WHERE state = 'sending' AND owner LIKE $1 AND kind IN ${POSTING_KINDS}`,
        [`${pid}-%`],
      )
    ).rows.map(stepRow),
  );
}

/** A file's size, 0 when it does not exist (SQLite removes its WAL when the last connection closes). */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
