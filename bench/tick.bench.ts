/**
 * The scheduler's cost follows due posts, not sessions: with 20,000 sessions (≈ 200,000 scheduled posts)
 * in the database, a tick that finds nothing due and a tick that claims 100 due posts must both stay cheap.
 * Run with `npm run bench`; it exits non-zero when a target is missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { createSessionRepository } from '../src/db/session-repository.ts';
import { createStepRepository } from '../src/db/step-repository.ts';
import { DEFAULT_PLAN } from '../src/domain/plan.ts';
import { planSteps, schedulePhases } from '../src/domain/timeline.ts';

const SESSIONS = 20_000;

class RollbackForNextRun extends Error {}
const TARGETS = { idleTickMs: 2, claim100Ms: 25, heapMb: 200 };

const dir = mkdtempSync(join(tmpdir(), 'mockdesign-bench-'));
const db = openDatabase(join(dir, 'bench.db'));
migrate(db, fileURLToPath(new URL('../migrations', import.meta.url)));
const sessions = createSessionRepository(db);
const steps = createStepRepository(db);

const T0 = Date.UTC(2030, 0, 1);
const DAY = 86_400_000;
db.transaction(() => {
  for (let i = 0; i < SESSIONS; i++) {
    // Spread start times over 30 days so that at any moment only a few posts are due.
    const at = T0 + Math.floor((i / SESSIONS) * 30 * DAY);
    const phases = schedulePhases(DEFAULT_PLAN, at);
    sessions.create({ id: `s${i}`, teamId: 'T1', enterpriseId: '', channelId: `C${i}`, hostId: 'U1', topic: 't', createdAt: at, phases, interviewers: [], steps: planSteps(phases, at) });
  }
})();
const rows = Number(db.prepare('SELECT count(*) FROM steps').pluck().get());

function time(label: string, runs: number, fn: (i: number) => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const p50 = samples[Math.floor(runs / 2)] ?? 0;
  const p95 = samples[Math.floor(runs * 0.95)] ?? 0;
  console.log(`${label}: p50 ${p50.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms over ${runs} runs`);
  return p95;
}

// Nothing is due before T0: the claim must not scan the table.
const idle = time('tick with nothing due', 500, () => steps.claimDue(T0 - 1, 30_000, 100));
// Make 100 sessions' first posts due "now" by moving the clock to just after the 100th session starts.
const claimAt = T0 + Math.floor((100 / SESSIONS) * 30 * DAY);
const claim = time('claim 100 due posts', 50, () => {
  // Each run claims inside a transaction that is rolled back, so every run sees the same 100 due posts.
  try {
    db.transaction(() => {
      const claimed = steps.claimDue(claimAt, 30_000, 100);
      if (claimed.length !== 100) throw new Error(`claimed ${claimed.length}, expected 100`);
      throw new RollbackForNextRun();
    })();
  } catch (error) {
    if (!(error instanceof RollbackForNextRun)) throw error;
  }
});
const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
console.log(`${SESSIONS} sessions, ${rows} scheduled posts; heap ${heapMb.toFixed(1)} MB`);

db.close();
rmSync(dir, { recursive: true, force: true });

const misses = [
  idle > TARGETS.idleTickMs && `idle tick p95 ${idle.toFixed(3)} ms > ${TARGETS.idleTickMs} ms`,
  claim > TARGETS.claim100Ms && `claim p95 ${claim.toFixed(3)} ms > ${TARGETS.claim100Ms} ms`,
  heapMb > TARGETS.heapMb && `heap ${heapMb.toFixed(1)} MB > ${TARGETS.heapMb} MB`,
].filter(Boolean);
if (misses.length > 0) {
  console.error(`Targets missed: ${misses.join('; ')}`);
  process.exit(1);
}
console.log('All targets met.');

