/** Turns benchmark results into BENCHMARKS.md: the machine, the targets and whether each is met, a table per scenario. */
import { writeFileSync } from 'node:fs';
import { BURST } from '../src/app/pacer.ts';
import type { BenchReport } from './bench.ts';
import type { DeliveryResult } from './delivery.ts';
import type { IdleTickResult } from './idle-tick.ts';
import { type Distribution, mb, ms, us, yes } from './stats.ts';

/** Idle tick "no costlier within noise": the many-session tick may cost at most this much more. */
export const IDLE_NOISE_RATIO = 1.5;
export const TARGETS = {
  latenessP99Ms: 1000,
  peakRssBytes: 300 * 1024 * 1024,
  pgLatenessP50Ms: 1000,
  commandP99Ratio: 1.2,
} as const;

export interface TargetCheck {
  readonly scenario: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const n = (value: number) => value.toLocaleString('en-US');

function lostOrDoubled(r: DeliveryResult): TargetCheck {
  return {
    scenario: r.config.name,
    target: 'nothing lost or doubled',
    measured: `${n(r.posted)}/${n(r.expectedPosts)} posted, ${r.lost} lost, ${r.doubled} doubled${r.notDone ? ` (steps not done: ${Object.entries(r.notDoneStates).map(([k, v]) => `${v} ${k}`).join(', ')}${r.completed ? '' : ', still being worked through when the run gave up'})` : ''}`,
    met: r.completed && r.lost === 0 && r.doubled === 0 && r.notDone === 0,
  };
}

export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const r of report.sqlite) {
    checks.push({ scenario: r.config.name, target: 'lateness p99 ≤ 1 s', measured: `p99 ${ms(r.lateness.p99)} (beyond pacing: ${ms(r.latenessBeyondPacing.p99)})`, met: r.lateness.p99 <= TARGETS.latenessP99Ms });
    checks.push(lostOrDoubled(r));
    const rss = Math.max(...r.instances.map((i) => i.peakRssBytes));
    checks.push({ scenario: r.config.name, target: 'peak RSS ≤ 300 MB', measured: mb(rss), met: rss > 0 && rss <= TARGETS.peakRssBytes });
  }
  for (const idle of report.idle) if (!idle.reference) checks.push(idleCheck(idle));
  const pg = report.postgres;
  if (pg) {
    checks.push(lostOrDoubled(pg));
    checks.push({ scenario: pg.config.name, target: 'lateness p50 ≤ 1 s', measured: `p50 ${ms(pg.lateness.p50)}`, met: pg.lateness.p50 <= TARGETS.pgLatenessP50Ms });
    if (pg.kill) {
      checks.push({
        scenario: pg.config.name,
        target: `killed instance's posts within lease + settle (${ms(pg.kill.boundMs)}) of due`,
        measured: pg.kill.held
          ? `${pg.kill.held} held at the kill (${pg.kill.heldPostedBeforeKill} already posted by it); in the channel at worst ${ms(pg.kill.heldMaxLatenessMs)} after due, recorded done at worst ${ms(pg.kill.heldRecordedMaxMs)}`
          : 'not exercised: the killed instance held no post at its death',
        met: pg.kill.heldWithinBound,
      });
    }
  }
  for (const cell of report.commands?.cells ?? []) {
    checks.push({
      scenario: 'Slash commands',
      target: `${cell.command}, ${cell.mode}: p99 ≤ 1.2× bare Bolt app`,
      measured: `${ms(cell.app.p99)} vs ${ms(cell.bare.p99)} (${cell.ratioP99.toFixed(2)}×; range ${ratioRange(cell.ratioRange)})`,
      met: cell.ratioP99 <= TARGETS.commandP99Ratio && cell.failures.app === 0,
    });
  }
  return checks;
}

function idleCheck(idle: IdleTickResult): TargetCheck {
  const first = idle.sizes[0];
  const last = idle.sizes[idle.sizes.length - 1];
  return {
    scenario: `Idle tick, ${idleName(idle)}`,
    target: `idle tick at ${n(last?.sessions ?? 0)} sessions no costlier than at ${n(first?.sessions ?? 0)} (≤ ${IDLE_NOISE_RATIO}×)`,
    measured: `${us(last?.medianMs ?? Number.NaN)} vs ${us(first?.medianMs ?? Number.NaN)} (${idle.ratio.toFixed(2)}×)`,
    met: idle.ratio <= IDLE_NOISE_RATIO,
  };
}

function idleName(idle: IdleTickResult): string {
  return `${idle.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${idle.condition}`;
}

function distRow(label: string, d: Distribution): string {
  return `| ${label} | ${n(d.count)} | ${ms(d.p50)} | ${ms(d.p95)} | ${ms(d.p99)} | ${ms(d.max)} |`;
}

function deliverySection(r: DeliveryResult): string[] {
  const c = r.config;
  const lines: string[] = [];
  lines.push(`### ${c.name}`, '');
  lines.push(
    `${n(r.sessions)} sessions, plan \`${c.plan}\`, each in its own channel; ${n(c.shape.burst)} start in the same second` +
      (c.shape.sessions > c.shape.burst ? ` (${ms(c.shape.burstAtMs)} in), the other ${n(c.shape.sessions - c.shape.burst)} spread evenly over ${ms(c.shape.staggerMs)}` : '') +
      `. Most posts due within one second: ${n(r.maxDueInOneSecond)}. Web API latency ${c.latencyMs} ms. ` +
      `Seeded through \`startSession\` in ${ms(r.seedMs)}; the app${c.instances > 1 ? 's were' : ' was'} ready ${ms(r.readyMarginMs)} before the first start` +
      (r.readyMarginMs < 0 ? ' (**late: the first posts were already due**)' : '') +
      '.',
    '',
  );
  lines.push('| Lateness (post received by Slack − step due) | posts | p50 | p95 | p99 | max |', '|---|---:|---:|---:|---:|---:|');
  lines.push(distRow('all posts', r.lateness));
  for (const [kind, d] of Object.entries(r.latenessByStep)) lines.push(distRow(`— ${kind}`, d));
  lines.push(distRow(`posts of the ${n(c.shape.burst)} sessions started in one second`, r.latenessBurst));
  lines.push(distRow('beyond the per-channel pacing floor', r.latenessBeyondPacing));
  lines.push('');
  lines.push('| Outcome | |', '|---|---|');
  lines.push(`| posts expected / posted | ${n(r.expectedPosts)} / ${n(r.posted)} |`);
  lines.push(`| lost / doubled / steps not done | ${r.lost} / ${r.doubled} / ${r.notDone}${r.notDone ? ` (${Object.entries(r.notDoneStates).map(([k, v]) => `${v} ${k}`).join(', ')})` : ''}${r.lostSamples.length ? ` (e.g. ${r.lostSamples.join(', ')})` : ''}${r.doubledSamples.length ? ` (e.g. ${r.doubledSamples.join(', ')})` : ''} |`);
  lines.push(`| first start → last post | ${ms(r.spanMs)} |`);
  if (r.peakWalBytes !== undefined) lines.push(`| largest WAL file seen (database file ${mb(r.databaseBytes ?? 0)}) | ${mb(r.peakWalBytes)} |`);
  lines.push(`| Web API calls | ${Object.entries(r.calls).map(([m, k]) => `${m} ${n(k)}`).join(', ')} |`);
  lines.push(`| failed calls | ${Object.keys(r.failedCalls).length ? Object.entries(r.failedCalls).map(([m, k]) => `${m} ×${k}`).join(', ') : 'none'} |`);
  for (const [i, inst] of r.instances.entries()) {
    lines.push(
      `| instance ${i + 1} (pid ${inst.pid})${inst.killed ? ', SIGKILLed' : ''} | start-up ${ms(inst.startupMs)}, peak RSS ${mb(inst.peakRssBytes)}, CPU ${ms(inst.cpuMs)}, ` +
        `${inst.warnings} warnings, ${inst.errors} errors logged${inst.topProblems.length ? `: ${inst.topProblems.join('; ').replace(/\|/g, '/')}` : ''} |`,
    );
  }
  if (r.kill) {
    const k = r.kill;
    lines.push(`| kill | at ${ms(k.atMs)} after the first start, ${n(k.postsBefore)} posts out; it held ${k.held} posting step(s) under lease |`);
    lines.push(
      `| its held steps | in the channel at worst ${k.held ? ms(k.heldMaxLatenessMs) : 'n/a'} after due (bound ${ms(k.boundMs)}); ${k.heldPostedBeforeKill} of them it had posted itself before dying; ` +
        `recorded done by the survivors at worst ${k.held ? ms(k.heldRecordedMaxMs) : 'n/a'} after due; ${k.adopted} post(s) found in the channel and adopted, not posted again |`,
    );
    lines.push(`| their sessions' other posts | worst ${ms(k.affectedMaxLatenessMs)} late |`);
  }
  lines.push('');
  return lines;
}

function idleSection(idle: IdleTickResult): string[] {
  const lines = [`### Idle tick, ${idleName(idle)}`, ''];
  lines.push(
    `In-process over the app's store: \`steps.claimDue(lease, 200)\` + \`steps.nextRunAt(now)\` with nothing due, ${n(idle.iterations)} times per size in 10 interleaved rounds (median of the round means).`,
    '',
  );
  lines.push('| live sessions | of them paused | step rows | tick (median of rounds) | p99 of single ticks | round means |', '|---:|---:|---:|---:|---:|---|');
  for (const s of idle.sizes) {
    lines.push(`| ${n(s.sessions)} | ${n(s.paused)} | ${n(s.stepRows)} | ${us(s.medianMs)} | ${us(s.p99Ms)} | ${s.roundMeansMs.map((m) => (m * 1000).toFixed(0)).join(' ')} µs |`);
  }
  lines.push('', `Ratio largest/smallest: **${idle.ratio.toFixed(2)}×**.`, '');
  if (idle.reference) lines.push(`Not held to the target; shown for comparison: ${idle.reference}.`, '');
  return lines;
}

export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const o = report.options;
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(
    `Generated by \`npm run bench${o.quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${m.date}; the run took ${ms(report.durationMs)}. ` +
      'Every number comes from real app processes, started as `npm start` starts them (plain node on the compiled app in dist/), talking to the Slack stand-in ' +
      `(sandbox/stand-in) over HTTP, every Web API call answered ${o.latencyMs} ms late.`,
    '',
  );
  lines.push('## Machine', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| cores | ${m.cores} |`);
  lines.push(`| CPU | ${m.cpuModel}${m.cpuDetail ? ` (${m.cpuDetail})` : ''} |`);
  if (m.yardstick) {
    lines.push(
      `| CPU yardstick | ${m.yardstick.medianMs.toFixed(0)} ms: ${n(m.yardstick.iterations)} Block Kit messages built, serialised, parsed and signed on one thread, before the scenarios (lower is faster; compare reports by it) |`,
    );
  }
  lines.push(`| memory | ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB |`);
  lines.push(`| Node | ${m.node} (${m.platform}) |`);
  lines.push(`| date | ${m.date} |`);
  lines.push(`| load average (1/5/15 min) at start / end | ${m.loadAtStart.join(' ')} / ${report.loadAtEnd.join(' ')} |`);
  if (report.postgresServer) lines.push(`| PostgreSQL | ${report.postgresServer} |`);
  if (report.code) {
    const { start, end } = report.code;
    lines.push(`| code measured | ${start === end ? start : `${start} at the start, ${end} at the end (**the code changed during the run**)`} |`);
  }
  lines.push('');
  lines.push('The benchmark, the stand-in and every app process share these cores; other work on the machine shows in every number.', '');
  if (report.load && Object.keys(report.load).length > 0) {
    lines.push('| scenario | 1-min load average while it ran (min – max) | code it ran |', '|---|---|---|');
    for (const [name, seen] of Object.entries(report.load)) lines.push(`| ${name} | ${seen.min.toFixed(2)} – ${seen.max.toFixed(2)} | ${seen.code} |`);
    lines.push('');
  }

  lines.push('## Targets', '');
  lines.push('| scenario | target | measured | |', '|---|---|---|---|');
  for (const c of checkTargets(report)) lines.push(`| ${c.scenario} | ${c.target} | ${c.measured} | ${yes(c.met)} |`);
  if (report.postgresSkipped) lines.push(`| PostgreSQL | — | skipped: ${report.postgresSkipped} | — |`);
  lines.push('');

  if (report.sqlite.length > 0 || report.idle.length > 0) {
    lines.push('## 1. One instance, SQLite', '');
    for (const r of report.sqlite) lines.push(...deliverySection(r));
    for (const idle of report.idle) lines.push(...idleSection(idle));
  }
  if (report.postgres || report.postgresSkipped) {
    lines.push('## 2. Three instances, PostgreSQL', '');
    if (report.postgres) {
      lines.push(
        'The same kind of load shared by three app processes (different ports, one fresh database, created and dropped by the run). ' +
          'Once 40% of the posts are out, the first instance is SIGKILLed while it holds a lease, and not restarted.',
        '',
      );
      lines.push(...deliverySection(report.postgres));
    } else lines.push(`Skipped: ${report.postgresSkipped}`, '');
  }
  const cmd = report.commands;
  if (cmd) {
    lines.push('## 3. Slash-command latency', '');
    lines.push(
      `${n(cmd.config.count)} signed requests per command, mode and target; \`start\` in a fresh channel each time (the app then posts the session in the background). ` +
        `Concurrent: ${cmd.config.concurrency} in flight. The app and a bare Bolt app (bench/bare-app.ts, acks only) take turns in rounds of ${cmd.config.roundSize}. ` +
        `Request sent → response read, at the client, which runs on a thread of its own (the stand-in serving the app's posts runs on the main thread). The app started ${n(cmd.sessionsStarted)} sessions; peak RSS ${mb(cmd.appPeakRssBytes)}; ` +
        `${cmd.appProblems.warnings} warnings, ${cmd.appProblems.errors} errors logged.`,
      '',
    );
    lines.push('| command | mode | app p50 | app p99 | bare p50 | bare p99 | p99 ratio | its range | failures (app/bare) |', '|---|---|---:|---:|---:|---:|---:|---:|---|');
    for (const c of cmd.cells) {
      lines.push(
        `| ${c.command} | ${c.mode} | ${ms(c.app.p50)} | ${ms(c.app.p99)} | ${ms(c.bare.p50)} | ${ms(c.bare.p99)} | ${c.ratioP99.toFixed(2)}× | ${ratioRange(c.ratioRange)} | ${c.failures.app}/${c.failures.bare} |`,
      );
    }
    lines.push(
      '',
      `Its range: where the middle 95% of the ratio falls when each target's ${n(Math.ceil(cmd.config.count / cmd.config.roundSize))} rounds are drawn again with replacement, ` +
        '1,000 times (bench/stats.ts, `p99RatioRange`). A p99 of 1,000 requests is their tenth slowest, and moves a lot between runs of the same code: ' +
        'a range that straddles the target says this run cannot tell a miss from chance; a range wholly above it says the app is slower beyond it.',
      '',
    );
    const withCpu = cmd.cells.filter((c) => c.cpu !== undefined);
    if (withCpu.length > 0) {
      lines.push(
        'CPU each process used per request (from /proc, in steps of 10 ms over a cell, counted until the posts a cell set off were done): its main thread, and all its threads (for the app: the Web API thread, the checkpointer and V8\'s helper threads too).',
        '',
        '| command | mode | app main thread | app all threads | bare main thread | bare all threads |',
        '|---|---|---:|---:|---:|---:|',
      );
      const us = (v: number) => `${Math.round(v * 1000)} µs`;
      for (const c of withCpu) {
        const cpu = c.cpu;
        if (cpu) lines.push(`| ${c.command} | ${c.mode} | ${us(cpu.app.main)} | ${us(cpu.app.all)} | ${us(cpu.bare.main)} | ${us(cpu.bare.all)} |`);
      }
      lines.push('');
    }
  }
  const st = report.startup;
  if (st) {
    lines.push('## 4. Start-up time', '');
    lines.push(
      `Process spawn → \`GET /healthz\` 200, SQLite. "Full": ${n(st.config.sessions)} live sessions (half paused, nothing due; ${n(st.stepRows)} step rows). ` +
        `${st.config.repetitions} runs of each, alternating. Includes \`auth.test\` at ${st.config.latencyMs} ms latency.`,
      '',
    );
    lines.push('| database | median | runs |', '|---|---:|---|');
    lines.push(`| empty | ${ms(st.emptyMedianMs)} | ${st.emptyMs.map((v) => ms(v)).join(', ')} |`);
    lines.push(`| ${n(st.config.sessions)} live sessions | ${ms(st.fullMedianMs)} | ${st.fullMs.map((v) => ms(v)).join(', ')} |`);
    lines.push('');
  }
  lines.push('## How to run', '');
  lines.push('```', 'npm run bench                          # defaults: 1,000 and 10,000 sessions, 100 ms latency (10-15 min on 2 cores)', 'npm run bench -- --pg-sessions 10000   # scenario 2 at 10,000 sessions', 'npm run bench -- --quick --out /tmp/b.md', 'npm run bench -- --help', '```', '');
  lines.push(
    'Lateness is measured from the stand-in\'s record of each `chat.postMessage` (when the request arrived) against the step\'s `due_at` in the database (read after the run, read-only). ' +
      `The dispatcher paces each channel (a bucket of ${BURST} posts refilling at one a second); the "beyond pacing" row measures from the earliest moment that bucket, fed the channel's actual posts, allowed.`,
    '',
  );
  return `${lines.join('\n')}\n`;
}

export function writeReport(path: string, report: BenchReport): void {
  writeFileSync(path, renderReport(report));
}

function ratioRange(range: { readonly low: number; readonly high: number }): string {
  return Number.isFinite(range.low) && Number.isFinite(range.high) ? `${range.low.toFixed(2)}–${range.high.toFixed(2)}×` : 'n/a';
}
