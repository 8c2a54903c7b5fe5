/**
 * The core guarantee, against the real process: killed with SIGKILL at any instant and restarted on the same
 * database, the app still delivers every phase message, time check and summary of a session, none twice, in order.
 *
 * Each trial has its own Slack stand-in (kept across the kills, so it keeps the messages), database file and port.
 * Kills come in three kinds:
 *   - anytime:   at a pseudo-random instant of the session;
 *   - on-accept: the instant the stand-in has stored a given post, before it answers: Slack has the message and the
 *                app's database does not know it (the one window that could double a post);
 *   - in-delay:  while a given post is held by the stand-in (`{delayMs}` fault); the stand-in stores the message
 *                when the delay ends, i.e. after the kill: the same window, seen from the other side.
 * After each kill the database is read (read-only) to see which rows were `sending`, and the stand-in's calls tell
 * whether the killed process had a post accepted that its database never recorded.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSlackStandIn, type RecordedCall, type SlackStandIn, type StoredMessage } from '../../sandbox/stand-in/server.ts';
import { allChildOutput, AppExitedError, type AppProcess, randomBotToken, randomSigningSecret, startApp, tempDbPath } from '../support/app-process.ts';
import { seededRandom } from '../support/seeded-random.ts';

const SEED = 0x6d0c2a11;
const SEED_HEX = `0x${SEED.toString(16)}`;
const TRIALS = 24;
/** Short trials run this many at a time (each with its own stand-in, database and port). */
const POOL = 6;
const TEAM = 'T0SANDBOX';
const CHANNEL = 'C0GENERAL';
const HOST = 'U0ALICE';

const SHORT_PLAN = '3s/3s/3s/3s';
const SHORT_KEYS = ['root', 'phase:0', 'warning:0', 'phase:1', 'warning:1', 'phase:2', 'warning:2', 'phase:3', 'warning:3', 'summary'] as const;
/** Every phase has its time check, a 3 s phase's half-way through. */
const SHORT_THREAD = ['Phase 1 of 4', 'time check', 'Phase 2 of 4', 'time check', 'Phase 3 of 4', 'time check', 'Phase 4 of 4', 'time check', 'Summary'];
const SHORT_SPAN_MS = 12_000;
/** Phase 1 lasts two minutes, so its time check comes 24 s before it ends: time to kill the app around it. */
const LONG_PLAN = '2m/3s/3s/3s';
const LONG_THREAD = SHORT_THREAD;

/** Secrets handed to the child processes of this file; none may appear in their output. */
const secretsUsed = new Set<string>();

type Kill =
  /** `atMs` after the command was sent (at once if that moment passed while restarting). */
  | { mode: 'anytime'; atMs: number }
  /** `part`: a given message of a step that posts several (a long summary); by default the one being posted. */
  | { mode: 'on-accept'; target: string; part?: number }
  /** `withinMs` after the target row became `sending`; every post is delayed by the trial's `postDelayMs`. */
  | { mode: 'in-delay'; target: string; withinMs: number };

interface Trial {
  readonly name: string;
  readonly plan: string;
  /** The thread's messages by label, or a check of them. */
  readonly expected: readonly string[] | ((labels: readonly string[]) => boolean);
  readonly kills: readonly Kill[];
  /** Every chat.postMessage is held this long by the stand-in before it stores the message and answers. */
  readonly postDelayMs: number | null;
  /** Notes of `noteChars` characters added right after the start (a long summary needs several messages). */
  readonly notes?: { count: number; chars: number };
}

function planShortTrials(seed: number, count: number): Trial[] {
  const rng = seededRandom(seed);
  const between = (lo: number, hi: number) => Math.floor(lo + rng() * (hi - lo));
  const modes = ['anytime', 'on-accept', 'in-delay'] as const;
  const trials: Trial[] = [];
  for (let n = 0; n < count; n++) {
    const kills: Kill[] = [];
    let delay: number | null = null;
    const make = (mode: Kill['mode'], fromKey: number): Kill => {
      if (mode === 'anytime' || fromKey >= SHORT_KEYS.length) return { mode: 'anytime', atMs: between(0, SHORT_SPAN_MS + 1000) };
      const target = SHORT_KEYS[between(fromKey, SHORT_KEYS.length)] ?? 'summary';
      if (mode === 'on-accept') return { mode, target };
      delay ??= between(300, 1200);
      return { mode, target, withinMs: between(0, delay) };
    };
    const first = make(modes[n % modes.length] ?? 'anytime', 0);
    kills.push(first);
    // About a third of the trials are killed a second time after the restart.
    if (rng() < 0.35) {
      const after = 'target' in first ? SHORT_KEYS.indexOf(first.target as (typeof SHORT_KEYS)[number]) + 1 : 0;
      kills.push(make(modes[between(0, modes.length)] ?? 'anytime', after));
    }
    trials.push({ name: `trial ${n + 1}`, plan: SHORT_PLAN, expected: SHORT_THREAD, kills, postDelayMs: delay });
  }
  return trials;
}

interface Row {
  id: number;
  step_key: string;
  state: string;
  progress: number;
  uncertain: number;
  attempts: number;
  lease_until: number | null;
}

interface KillReport {
  readonly kill: Kill;
  /** ms after the command was sent. */
  readonly atMs: number;
  readonly note: string | undefined;
  readonly sending: { id: number; key: string; part: number }[];
  /** A post of a `sending` row reached the stand-in from the killed process, and the database did not record it. */
  acceptedUnrecorded: boolean;
  /** ...and the stand-in stored it only after the kill (the delayed answer). */
  storedAfterKill: boolean;
  /** The message was already in the channel when the restarted app became ready. */
  landedBeforeRestart: boolean;
}

interface TrialReport {
  readonly trial: Trial;
  readonly kills: KillReport[];
  thread: string[];
  topLevel: number;
  adopted: number;
  problems: string[];
  ms: number;
  /** Seconds since the trial began at which each stage was reached. */
  timeline: string[];
}

function label(text: string): string {
  const phase = /^Phase (\d) of 4/.exec(text);
  if (phase) return `Phase ${phase[1]} of 4`;
  // Posted after its phase ended (the app was down), a time check says time is up.
  if (/ left in |^Time is up for /.test(text)) return 'time check';
  const part = /^Summary.*\(part (\d+) of (\d+)\)$/.exec(text);
  if (part) return `Summary ${part[1]}/${part[2]}`;
  if (text.startsWith('Summary')) return 'Summary';
  return text;
}

function matches(expected: Trial['expected'], labels: readonly string[]): boolean {
  return typeof expected === 'function' ? expected(labels) : JSON.stringify(labels) === JSON.stringify(expected);
}

function payloadOf(params: Record<string, unknown>): { step?: unknown; part?: unknown } | undefined {
  const metadata = params.metadata as { event_payload?: { step?: unknown; part?: unknown } } | undefined;
  return metadata?.event_payload;
}

/** Each trial has one session, so a step's key names its post. */
function isPostOf(call: RecordedCall, key: string, part: number): boolean {
  const payload = payloadOf(call.params);
  return call.method === 'chat.postMessage' && call.ok && payload?.step === key && payload.part === part;
}

function hasMessage(messages: readonly StoredMessage[], key: string, part: number): boolean {
  return messages.some((m) => m.metadata?.event_payload?.step === key && m.metadata.event_payload.part === part);
}

async function waitUntil(what: string, deadlineMs: number, check: () => boolean, everyMs = 25): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function runTrial(trial: Trial): Promise<TrialReport> {
  const began = Date.now();
  const report: TrialReport = { trial, kills: [], thread: [], topLevel: 0, adopted: 0, problems: [], ms: 0, timeline: [] };
  const mark = (stage: string) => report.timeline.push(`${stage}@${((Date.now() - began) / 1000).toFixed(1)}`);
  const slack: SlackStandIn = createSlackStandIn({ botToken: randomBotToken() });
  await slack.start();
  const signingSecret = randomSigningSecret();
  secretsUsed.add(slack.botToken);
  secretsUsed.add(signingSecret);
  const dbPath = tempDbPath('mockdesign-crash');
  const processes: AppProcess[] = [];
  /** Per-kill work that must wait until the stand-in has answered the calls it was holding. */
  const settleLater: Array<() => void> = [];
  let db: Database.Database | undefined;

  const launch = async (): Promise<AppProcess> => {
    try {
      return await startApp({ slackApiUrl: slack.apiUrl, botToken: slack.botToken, dbPath, signingSecret, onSpawn: (p) => processes.push(p) });
    } catch (error) {
      // Killed by us before it became ready is a kill like any other.
      if (error instanceof AppExitedError && error.status.signal === 'SIGKILL') return error.proc;
      throw error;
    }
  };
  const row = (key: string): Row | undefined =>
    db?.prepare('SELECT id, step_key, state, progress, uncertain, attempts, lease_until FROM steps WHERE step_key = ?').get(key) as Row | undefined;

  try {
    let app = await launch();
    mark('ready');
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    if (trial.postDelayMs !== null) slack.fail('chat.postMessage', { delayMs: trial.postDelayMs }, 100_000);
    let t0 = 0;
    let previousKillAt = 0;

    for (const [i, kill] of trial.kills.entries()) {
      const victim = app;
      let snapshot: StoredMessage[] = [];
      const fire = (note?: string) => {
        snapshot = slack.allMessages();
        void victim.kill();
        return { killAt: Date.now(), note };
      };
      const shot = (async (): Promise<{ killAt: number; note: string | undefined }> => {
        switch (kill.mode) {
          case 'anytime': {
            await waitUntil('the session to start', 30_000, () => t0 > 0, 5);
            const wait = t0 + kill.atMs - Date.now();
            if (wait > 0) await sleep(wait);
            return fire(wait > 0 ? undefined : 'its instant passed while restarting: killed once ready');
          }
          case 'on-accept':
            return new Promise((resolve) => {
              const stopWatching = () => {
                slack.events.off('call', onCall);
                clearInterval(poll);
              };
              const onCall = (call: RecordedCall) => {
                const target = row(kill.target);
                if (!target || !isPostOf(call, target.step_key, kill.part ?? target.progress)) return;
                // The stand-in has stored the message and has not answered yet: SIGKILL goes out now.
                stopWatching();
                resolve(fire());
              };
              const poll = setInterval(() => {
                const target = row(kill.target);
                if (target?.state === 'done' || (kill.part !== undefined && target !== undefined && target.progress > kill.part)) {
                  stopWatching();
                  resolve(fire('target already posted: killed at once'));
                }
              }, 50);
              slack.events.on('call', onCall);
            });
          case 'in-delay': {
            let state: string | undefined;
            await waitUntil(`${kill.target} to be sending`, 180_000, () => {
              const r = row(kill.target);
              state = r?.state;
              return (r?.state === 'sending' && (r.lease_until ?? 0) > 0) || r?.state === 'done';
            }, 5);
            if (state === 'done') return fire('target already posted: killed at once');
            await sleep(kill.withinMs);
            return fire();
          }
        }
      })();

      if (i === 0) {
        t0 = Date.now();
        const answer = await app.client
          .slashCommand({ command: '/mockdesign', text: `start ${trial.name} --plan ${trial.plan}`, user_id: HOST, channel_id: CHANNEL, team_id: TEAM })
          .then(
            (response) => response,
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          );
        if (!(answer instanceof Error) && answer.status !== 200) report.problems.push(`start answered ${answer.status}: ${answer.text}`);
        for (let k = 0; k < (trial.notes?.count ?? 0); k++) {
          const text = `Note ${k + 1}: ${'a fairly long design remark '.repeat(200)}`.slice(0, trial.notes?.chars ?? 100);
          const noted = await app.client.slashCommand({
            command: '/mockdesign', text: `note ${text}`, user_id: HOST, channel_id: CHANNEL, team_id: TEAM, trigger_id: `note-${k}`,
          });
          if (noted.status !== 200) report.problems.push(`note ${k + 1} answered ${noted.status}`);
        }
      }

      const { killAt, note } = await Promise.race([
        shot,
        sleep(180_000).then(() => {
          throw new Error(`kill ${i + 1} (${JSON.stringify(kill)}) never fired`);
        }),
      ]);
      const status = await victim.exited;
      mark('killed');
      if (status.signal !== 'SIGKILL') report.problems.push(`kill ${i + 1}: process ended with ${JSON.stringify(status)} instead of SIGKILL`);

      const sending = (db.prepare("SELECT id, step_key, progress FROM steps WHERE state = 'sending'").all() as Row[]).map((r) => ({
        id: r.id,
        key: r.step_key,
        part: r.progress,
      }));
      const killReport: KillReport = {
        kill,
        atMs: killAt - t0,
        note,
        sending,
        acceptedUnrecorded: false,
        storedAfterKill: false,
        landedBeforeRestart: false,
      };
      report.kills.push(killReport);

      const windowStart = previousKillAt;
      previousKillAt = killAt;
      app = await launch();
      mark('restarted');
      const readyMessages = slack.allMessages();
      // Decided once the stand-in has answered every call it held.
      settleLater.push(() => {
        for (const s of sending) {
          const accepted = slack.calls.some((c) => isPostOf(c, s.key, s.part) && c.at >= windowStart && c.at <= killAt);
          if (!accepted) continue;
          killReport.acceptedUnrecorded = true;
          killReport.storedAfterKill ||= !hasMessage(snapshot, s.key, s.part);
          killReport.landedBeforeRestart ||= hasMessage(readyMessages, s.key, s.part);
        }
      });
    }

    await waitUntil('every step to be finished', 90_000, () => {
      const open = db?.prepare("SELECT count(*) FROM steps WHERE state IN ('queued', 'pending', 'sending')").pluck().get() as number;
      return open === 0;
    });
    mark('done');
    const failed = db.prepare("SELECT step_key, state, last_error FROM steps WHERE state <> 'done'").all();
    if (failed.length > 0) report.problems.push(`steps not done: ${JSON.stringify(failed)}`);
    await sleep(300); // the root message's last update
    const code = await app.stop();
    if (code !== 0) report.problems.push(`SIGTERM exit code ${code}`);
    for (const settle of settleLater) settle();

    const roots = slack.messages(CHANNEL).filter((m) => m.metadata?.event_type === 'mockdesign_step');
    report.topLevel = slack.messages(CHANNEL).length;
    if (roots.length !== 1 || report.topLevel !== 1) report.problems.push(`${report.topLevel} top-level messages, ${roots.length} of them ours`);
    const root = roots[0];
    report.thread = root ? slack.messages(CHANNEL, { threadTs: root.ts }).map((m) => label(m.text)) : [];
    if (!matches(trial.expected, report.thread)) report.problems.push(`thread was ${JSON.stringify(report.thread)}`);
    report.adopted = processes.flatMap((p) => p.logs()).filter((l) => l.msg === 'adopted a message an earlier attempt had posted').length;
    for (const k of report.kills) {
      // A refresh edits the session message (chat.update) and stands outside the session's order, so it can be in
      // flight beside a post at the kill: it is never a post, and a post's count says nothing about it.
      for (const s of k.sending.filter((step) => step.key !== 'refresh')) {
        const posts = slack.calls.filter((c) => isPostOf(c, s.key, s.part)).length;
        if (k.acceptedUnrecorded && posts !== 1) report.problems.push(`${s.key} part ${s.part} was accepted ${posts} times`);
      }
    }
    const unexpectedErrors = processes.flatMap((p) => p.logs()).filter((l) => l.level === 'error');
    if (unexpectedErrors.length > 0) report.problems.push(`error logs: ${JSON.stringify(unexpectedErrors)}`);
  } catch (error) {
    report.problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    await Promise.all(processes.map((p) => p.kill()));
    db?.close();
    await slack.stop();
    if (report.problems.length === 0) rmSync(dirname(dbPath), { recursive: true, force: true });
    else report.problems.push(`database kept at ${dbPath}; output:\n${processes.map((p) => [...p.stdout, ...p.stderr].join('\n')).join('\n-- restart --\n')}`);
    report.ms = Date.now() - began;
  }
  return report;
}

async function inPool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane));
  return results;
}

function describeKill(k: KillReport): string {
  const what = k.kill.mode === 'anytime' ? `anytime@${k.kill.atMs}ms` : k.kill.mode === 'on-accept' ? `on-accept ${k.kill.target}${k.kill.part === undefined ? '' : ` part ${k.kill.part + 1}`}` : `in-delay ${k.kill.target}+${k.kill.withinMs}ms`;
  const sending = k.sending.map((s) => `${s.key}#${s.part}`).join(',') || '-';
  const landed = k.landedBeforeRestart ? 'before the restart was ready' : 'after the restart was ready';
  const window = k.acceptedUnrecorded
    ? k.storedAfterKill
      ? `ACCEPTED, stored after kill, ${landed}`
      : 'ACCEPTED, stored before kill'
    : k.sending.length
      ? 'sending, not accepted'
      : 'idle';
  return `${what} (killed at ${k.atMs} ms; sending: ${sending}; ${window}${k.note ? `; ${k.note}` : ''})`;
}

function printReports(title: string, reports: readonly TrialReport[]): void {
  const lines = reports.map(
    (r) => `${r.trial.name.padEnd(9)} ${r.problems.length ? 'FAIL' : 'ok  '} ${(r.ms / 1000).toFixed(1).padStart(5)}s [${r.timeline.join(' ')}] adopted=${r.adopted} delay=${r.trial.postDelayMs ?? '-'} | ${r.kills.map(describeKill).join(' | ')}`,
  );
  const kills = reports.flatMap((r) => r.kills);
  const hit = kills.filter((k) => k.acceptedUnrecorded);
  console.log(
    [
      `${title}`,
      ...lines,
      `kills: ${kills.length}; idle: ${kills.filter((k) => k.sending.length === 0).length}; sending: ${kills.filter((k) => k.sending.length > 0).length};` +
        ` post accepted but unrecorded: ${hit.length} (stored before the kill ${hit.filter((k) => !k.storedAfterKill).length}, after ${hit.filter((k) => k.storedAfterKill).length})`,
    ].join('\n'),
  );
}

function problemsOf(reports: readonly TrialReport[]): string[] {
  return reports.flatMap((r) => r.problems.map((p) => `${r.trial.name} [${r.kills.map(describeKill).join(' | ')}]: ${p}`));
}

describe.concurrent('SIGKILL at any instant, then a restart on the same database', () => {
  const shortTrials = planShortTrials(SEED, TRIALS);

  it(
    `${TRIALS} seeded trials (mulberry32 seed ${SEED_HEX}), plan ${SHORT_PLAN}: phases 1-4 and the summary, each once, in order`,
    async () => {
      const reports = await inPool(shortTrials, POOL, runTrial);
      printReports(`short trials, seed ${SEED_HEX}`, reports);
      expect(problemsOf(reports)).toEqual([]);
      for (const r of reports) expect(r.thread, r.trial.name).toEqual(SHORT_THREAD);
      // The trials must reach the one window that could double a post, not only the easy instants.
      const hits = reports.flatMap((r) => r.kills).filter((k) => k.acceptedUnrecorded);
      expect(hits.length).toBeGreaterThanOrEqual(6);
      expect(hits.some((k) => k.storedAfterKill)).toBe(true);
      expect(hits.some((k) => !k.storedAfterKill)).toBe(true);
    },
    240_000,
  );

  it(
    `plan ${LONG_PLAN}: killed the moment Slack stored the time check, it is neither lost nor doubled`,
    async () => {
      const report = await runTrial({ name: 'long A', plan: LONG_PLAN, expected: LONG_THREAD, kills: [{ mode: 'on-accept', target: 'warning:0' }], postDelayMs: null });
      printReports('time check, on-accept', [report]);
      expect(problemsOf([report])).toEqual([]);
      expect(report.kills[0]?.acceptedUnrecorded).toBe(true);
      expect(report.adopted).toBe(1);
    },
    240_000,
  );

  it(
    `plan ${LONG_PLAN}: killed while the time check is in flight, then again the moment Slack stored the summary`,
    async () => {
      const rng = seededRandom(SEED ^ 0x10e6);
      const delay = 400 + Math.floor(rng() * 600);
      const report = await runTrial({
        name: 'long B',
        plan: LONG_PLAN,
        expected: LONG_THREAD,
        kills: [
          { mode: 'in-delay', target: 'warning:0', withinMs: 100 + Math.floor(rng() * (delay - 200)) },
          { mode: 'on-accept', target: 'summary' },
        ],
        postDelayMs: delay,
      });
      printReports(`time check in flight, summary on-accept (delay ${delay} ms)`, [report]);
      expect(problemsOf([report])).toEqual([]);
      expect(report.kills.every((k) => k.acceptedUnrecorded)).toBe(true);
      expect(report.adopted).toBe(2);
    },
    240_000,
  );

  it(
    'a summary long enough for several messages, killed the moment Slack stored part 2, and again at part 3: every part once, in order',
    async () => {
      const isWholeThread = (labels: readonly string[]) => {
        const parts = labels.slice(8);
        const n = parts.length;
        return (
          JSON.stringify(labels.slice(0, 8)) === JSON.stringify(SHORT_THREAD.slice(0, 8)) &&
          n >= 3 &&
          parts.every((p, i) => p === `Summary ${i + 1}/${n}`)
        );
      };
      const report = await runTrial({
        name: 'long summary',
        plan: '3s/3s/3s/6s',
        expected: isWholeThread,
        kills: [
          { mode: 'on-accept', target: 'summary', part: 1 },
          { mode: 'on-accept', target: 'summary', part: 2 },
        ],
        postDelayMs: null,
        notes: { count: 14, chars: 2500 },
      });
      printReports('long summary', [report]);
      expect(problemsOf([report])).toEqual([]);
      expect(report.kills.map((k) => k.sending.map((s) => `${s.key}#${s.part}`))).toEqual([['summary#1'], ['summary#2']]);
      expect(report.kills.every((k) => k.acceptedUnrecorded)).toBe(true);
      expect(report.adopted).toBe(2);
    },
    120_000,
  );
});

describe.concurrent('a post still landing at Slack when the app restarts', () => {
  // A post Slack is still holding when the app restarts: the restarted app waits until the post has settled
  // (SETTLE_MS after it was sent) before it looks for it, so it finds it instead of posting it again. Here Slack
  // holds the phase 2 post for 15 s and the app is killed 100 ms into it.
  it(
    'a post Slack is still holding when the restarted app looks for it is not posted twice',
    async () => {
      const slack = createSlackStandIn({ botToken: randomBotToken() });
      await slack.start();
      const signingSecret = randomSigningSecret();
      secretsUsed.add(slack.botToken);
      secretsUsed.add(signingSecret);
      const dbPath = tempDbPath('mockdesign-late');
      const options = { slackApiUrl: slack.apiUrl, botToken: slack.botToken, dbPath, signingSecret };
      const first = await startApp(options);
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      const step = (key: string) => db.prepare('SELECT id, state FROM steps WHERE step_key = ?').get(key) as { id: number; state: string } | undefined;
      let second: AppProcess | undefined;
      try {
        // Armed for phase 2's post only: armed after phase 1 by the clock, it could miss a phase 2 already posted.
        slack.fail('chat.postMessage', { delayMs: 15_000 }, 1, (params) => payloadOf(params)?.step === 'phase:1');
        const answer = await first.client.slashCommand({
          command: '/mockdesign', text: 'start Late landing --plan 3s/3s/3s/3s', user_id: HOST, channel_id: CHANNEL, team_id: TEAM,
        });
        expect(answer.status).toBe(200);
        await waitUntil('phase 2 to be sending', 20_000, () => step('phase:1')?.state === 'sending', 5);
        await sleep(100);
        await first.kill();
        const killedAt = Date.now();

        second = await startApp(options);
        await waitUntil('every step to be finished', 60_000, () => db.prepare("SELECT count(*) FROM steps WHERE state <> 'done'").pluck().get() === 0);
        // The held request is recorded when the stand-in finally stores it.
        await waitUntil('the held post to land', 30_000, () => slack.calls.some((c) => isPostOf(c, 'phase:1', 0) && c.at < killedAt));
        expect(await second.stop()).toBe(0);
        const root = slack.messages(CHANNEL)[0];
        const thread = root ? slack.messages(CHANNEL, { threadTs: root.ts }).map((m) => label(m.text)) : [];
        expect(thread).toEqual(SHORT_THREAD);
      } finally {
        await first.kill();
        await second?.kill();
        db.close();
        await slack.stop();
        rmSync(dirname(dbPath), { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe('the output of every process killed and restarted above', () => {
  it('never contains the bot token or the signing secret', () => {
    expect(allChildOutput.length).toBeGreaterThan(0);
    expect(secretsUsed.size).toBeGreaterThan(0);
    const output = allChildOutput.join('\n');
    for (const secret of secretsUsed) expect(output.includes(secret), 'a secret appeared in the logs').toBe(false);
  });
});
