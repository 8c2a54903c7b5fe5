/**
 * The durable schedule's contract on SQLite and PostgreSQL: claims in order under leases, guarded changes,
 * re-planning. Then what only PostgreSQL has to show: several instances claiming at once, and migrations
 * racing. Through the Store, on a fixed clock, no sleeps.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lease, Step, Store } from '../../../src/app/ports.ts';
import { listMigrations } from '../../../src/db/migrate.ts';
import { DatabaseUnusableError } from '../../../src/db/open-database.ts';
import { MIGRATION_LOCK_KEY, migratePostgres, openPostgres } from '../../../src/db/postgres-database.ts';
import { createStore } from '../../../src/db/store.ts';
import { fixedClock } from '../../support/fixed-clock.ts';
import { describePg, PG_MIGRATIONS_DIR, type PgSchema, withPgSchema } from '../../support/pg.ts';
import { MIN, newSession, SEC, seed, STORES, T0, useStore } from './stores.ts';

const migrationDirs: string[] = [];
/** A folder holding these migration files for one test; removed after it. */
function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mockdesign-pg-migrations-'));
  migrationDirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}
afterEach(() => {
  for (const dir of migrationDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const A: Lease = { owner: 'A', leaseMs: 30 * SEC };
const B: Lease = { owner: 'B', leaseMs: 30 * SEC };
const keys = (steps: readonly Step[]) => steps.map((s) => `${s.sessionId}/${s.key}`);

describe.each(STORES)('$name store: steps', (factory) => {
  const h = useStore(factory);
  const step = async (store: Store, key: string, sessionId = 's1') => {
    const found = (await store.steps.ofSession(sessionId)).find((s) => s.key === key);
    if (!found) throw new Error(`no step ${key}`);
    return found;
  };
  /** Claims the one step expected to be due, and checks it is that one. */
  const claim = async (store: Store, key: string, lease = A) => {
    const claimed = await store.steps.claimDue(lease, 10);
    expect(keys(claimed)).toEqual([`s1/${key}`]);
    return claimed[0]!;
  };

  it('claims due steps only, one at a time per session, in order', async () => {
    const { store, clock } = h();
    await seed(store, newSession(), newSession({ id: 's2', channelId: 'C2', createdAt: T0 + 10 * MIN }));
    const root = await claim(store, 'root');
    expect(root).toMatchObject({ state: 'sending', owner: 'A', leaseUntil: T0 + 30 * SEC, attempts: 1, uncertain: false });
    // phase:0 is due too, but waits while the root is sending (and was not claimable while it was pending).
    expect(await store.steps.claimDue(A, 10)).toEqual([]);
    expect(await store.steps.complete(root, 'A', '1.1')).toBe(true);
    expect(await store.steps.claimNextOfSession('s1', A)).toMatchObject({ key: 'phase:0', owner: 'A', sentAt: T0 });
    expect(await store.steps.claimDue(A, 10)).toEqual([]);
    expect(await store.steps.complete(await step(store, 'phase:0'), 'A', '1.2')).toBe(true);
    expect(await store.steps.claimDue(A, 10)).toEqual([]);
    expect(await store.steps.claimNextOfSession('s1', A)).toBeUndefined();
    expect(await store.steps.nextRunAt(T0)).toBe(T0 + 4 * MIN);
    clock.set(T0 + 4 * MIN);
    await claim(store, 'warning:0');
  });

  it('counts the pending steps of a wave to come, within its bounds and up to a limit', async () => {
    const { store } = h();
    await seed(
      store,
      newSession(),
      newSession({ id: 's2', channelId: 'C2', createdAt: T0 + 10 * SEC }),
      newSession({ id: 's3', channelId: 'C3', createdAt: T0 + 10 * SEC }),
      newSession({ id: 's4', channelId: 'C4', createdAt: T0 + 5 * MIN }),
    );
    // Each session's root is pending at its start; what comes after it is queued, not yet a post to prepare for.
    expect(await store.steps.countDue(T0, T0 + 10 * SEC, 100)).toBe(2);
    expect(await store.steps.countDue(T0 - 1, T0 + 10 * SEC, 100)).toBe(3);
    expect(await store.steps.countDue(T0 - 1, T0 + 10 * SEC, 2)).toBe(2);
    expect(await store.steps.countDue(T0 - 1, T0 + 10 * MIN, 100)).toBe(4);
    // A claimed step is on its way already.
    await claim(store, 'root');
    expect(await store.steps.countDue(T0 - 1, T0 + 10 * SEC, 100)).toBe(2);
    expect(await store.steps.countDue(T0 + 10 * SEC, T0 + 20 * SEC, 100)).toBe(0);
  });

  it('completes a post and takes the session\'s next step in the same move when it is due; holds it while the session is paused', async () => {
    const { store, clock, sql } = h();
    await seed(store, newSession());
    const root = await claim(store, 'root');
    expect(await store.steps.completeAndTakeNext(root, B, '1.1', 1)).toBe(false);
    const phase = await store.transaction((tx) => tx.steps.completeAndTakeNext(root, A, '1.1', 1));
    expect(phase).toMatchObject({ key: 'phase:0', state: 'sending', owner: 'A', leaseUntil: T0 + 30 * SEC, attempts: 1, sentAt: T0 });
    expect(await store.steps.find(root.id)).toMatchObject({ state: 'done', postedTs: '1.1', progress: 1, owner: null, leaseUntil: null });
    expect(await store.steps.claimDue(B, 10)).toEqual([]);
    // Not due yet: moved up to pending, for a claim to take when it falls due.
    expect(await store.steps.completeAndTakeNext(phase as Step, A, '1.2')).toBeUndefined();
    expect(await step(store, 'warning:0')).toMatchObject({ state: 'pending', owner: null, attempts: 0, sentAt: null });
    clock.set(T0 + 5 * MIN);
    const warning = await claim(store, 'warning:0');
    // Due, but the session is paused: held, not taken.
    await sql.run("UPDATE sessions SET status = 'paused' WHERE id = 's1'");
    expect(await store.steps.completeAndTakeNext(warning, A, '1.3')).toBeUndefined();
    expect(await step(store, 'phase:1')).toMatchObject({ state: 'held', owner: null, attempts: 0 });
  });

  it('leaves a kind of step it does not know (written by a newer version) to the instances that do, pending or orphaned', async () => {
    const { store, sql } = h();
    await seed(store, newSession());
    // Only a newer schema accepts such a kind: its CHECK constraint is lifted here to stand in for one.
    if (sql.dialect === 'postgres') await sql.run('ALTER TABLE steps DROP CONSTRAINT IF EXISTS steps_kind_check');
    else await sql.run('PRAGMA ignore_check_constraints = 1');
    await sql.run(`INSERT INTO steps (session_id, step_key, kind, phase_idx, seq, due_at, run_at, state) VALUES ('s1', 'future', 'future_kind', NULL, -1, ${T0}, ${T0}, 'pending')`);
    await sql.run(`INSERT INTO steps (session_id, step_key, kind, phase_idx, seq, due_at, run_at, state, owner, lease_until) VALUES ('s1', 'future2', 'future_kind', NULL, -1, ${T0}, ${T0}, 'sending', 'X', ${T0 - 1})`);
    expect(keys(await store.steps.claimDue(A, 10))).toEqual(['s1/root']);
    expect(await sql.all("SELECT state, owner FROM steps WHERE kind = 'future_kind' ORDER BY step_key")).toEqual([{ state: 'pending', owner: null }, { state: 'sending', owner: 'X' }]);
  });

  it('never claims a held step, nor one after it; unordered steps go regardless', async () => {
    const { store, sql } = h();
    await seed(store, newSession());
    await sql.run("UPDATE steps SET state = 'held' WHERE step_key = 'root'");
    expect(await store.steps.claimDue(A, 10)).toEqual([]);
    await store.steps.release('s1');
    await store.steps.hold('s1');
    expect(await store.steps.nextRunAt(T0 - 1)).toBeUndefined();
    expect(await store.steps.claimDue(A, 10)).toEqual([]);
    await store.steps.upsert('s1', 'refresh', 'refresh', T0);
    const refresh = await claim(store, 'refresh');
    expect(refresh).toMatchObject({ seq: -1, kind: 'refresh', phaseIndex: null });
    await store.steps.release('s1');
    expect(await store.steps.nextRunAt(T0 - 1)).toBe(T0);
    // Only what falls due after the given time: a step already due is not a reason to wake up, and queued
    // steps are not due until it is their turn.
    expect(await store.steps.nextRunAt(T0)).toBeUndefined();
    await claim(store, 'root');
    expect(await store.steps.complete(refresh, 'A', null)).toBe(true);
    // Re-armed while the root is still sending: it is outside the order, so it goes.
    await store.steps.upsert('s1', 'refresh', 'refresh', T0);
    await claim(store, 'refresh', B);
  });

  it('takes over a step whose lease ran out: another owner, marked uncertain; the old owner can change nothing', async () => {
    const { store, clock } = h();
    await seed(store, newSession());
    const mine = await claim(store, 'root');
    clock.set(T0 + 30 * SEC - 1);
    expect(await store.steps.claimDue(B, 10)).toEqual([]);
    clock.set(T0 + 30 * SEC);
    // The refill after each post does not look for orphans; the tick does.
    expect(await store.steps.claimDue(B, 10, { orphans: false })).toEqual([]);
    const theirs = await claim(store, 'root', B);
    expect(theirs).toMatchObject({ id: mine.id, owner: 'B', uncertain: true, attempts: 2, leaseUntil: T0 + 60 * SEC, state: 'sending' });
    expect(await store.steps.beginPost(mine, A)).toBe(false);
    expect(await store.steps.recordProgress(mine, 'A', 1, 'x')).toBe(false);
    expect(await store.steps.complete(mine, 'A', 'x')).toBe(false);
    expect(await store.steps.retry(mine, 'A', { delayMs: 0, error: 'x', uncertain: false, countAttempt: true })).toBe(false);
    expect(await store.steps.fail(mine, 'A', 'x')).toBe(false);
    expect(await store.steps.find(mine.id)).toEqual(theirs);
    expect(await store.steps.complete(theirs, 'B', '1.1')).toBe(true);
    expect(await store.steps.find(mine.id)).toMatchObject({ state: 'done', owner: null, leaseUntil: null, uncertain: false, postedTs: '1.1' });
  });

  it('hands back the steps of claims whose answer was lost, by claim, owner and state, with their attempt', async () => {
    const { store, clock } = h();
    await seed(store, newSession(), newSession({ id: 's2', channelId: 'C2' }), newSession({ id: 's3', channelId: 'C3' }));
    // Claim 1 takes two roots (its answer is lost); claim 2 takes the third, and its answer arrives.
    const lost = await store.steps.claimDue({ ...A, claimId: 1 }, 2);
    const kept = await store.steps.claimDue({ ...A, claimId: 2 }, 10);
    expect(lost).toHaveLength(2);
    expect(kept).toHaveLength(1);
    // Another owner's claim with the same number is not ours.
    clock.set(T0 + SEC);
    expect(await store.steps.releaseLostClaims('B', [1], 'database_unavailable')).toBe(0);
    expect(await store.steps.releaseLostClaims('A', [], 'database_unavailable')).toBe(0);
    expect(await store.steps.releaseLostClaims('A', [1, 3], 'database_unavailable')).toBe(2);
    for (const s of lost) {
      expect(await store.steps.find(s.id)).toMatchObject({ state: 'pending', owner: null, leaseUntil: null, runAt: T0 + SEC, attempts: 0, uncertain: false, lastError: 'database_unavailable' });
    }
    expect(await store.steps.find(kept[0]!.id)).toMatchObject({ state: 'sending', owner: 'A', attempts: 1 });
    // Claimed again, by a claim that answered: a second hand-back of the lost one changes nothing.
    expect(keys(await store.steps.claimDue({ ...A, claimId: 4 }, 10)).sort()).toEqual(keys(lost).sort());
    expect(await store.steps.releaseLostClaims('A', [1], 'database_unavailable')).toBe(0);

    // The session's next step, taken by a completion whose answer was lost.
    const phase = (await store.transaction((tx) => tx.steps.completeAndTakeNext(kept[0]!, { ...A, claimId: 5 }, '1.1'))) as Step;
    expect(phase).toMatchObject({ key: 'phase:0', state: 'sending', attempts: 1 });
    expect(await store.steps.releaseLostClaims('A', [5], 'database_unavailable')).toBe(1);
    expect(await store.steps.find(phase.id)).toMatchObject({ state: 'pending', owner: null, attempts: 0, uncertain: false });

    // Steps taken over from a dead owner (here the roots, whose lease ran out) stay uncertain: that owner may have
    // posted them. The due phase taken by the same claim does not become uncertain.
    clock.set(T0 + 40 * SEC);
    const taken = await store.steps.claimDue({ ...A, claimId: 6 }, 10);
    expect(taken.map((t) => `${t.key}:${t.uncertain}`).sort()).toEqual(['phase:0:false', 'root:true', 'root:true']);
    expect(await store.steps.releaseLostClaims('A', [6], 'database_unavailable')).toBe(3);
    for (const t of taken) expect(await store.steps.find(t.id)).toMatchObject({ state: 'pending', uncertain: t.uncertain, attempts: t.attempts - 1, runAt: T0 + 40 * SEC });
  });

  it('lets only the owner of a sending step change it', async () => {
    const { store, clock } = h();
    await seed(store, newSession());
    const root = await claim(store, 'root');
    const guarded = (s: Step, owner: string) =>
      Promise.all([
        store.steps.beginPost(s, { owner, leaseMs: 30 * SEC }),
        store.steps.recordProgress(s, owner, 1, 'x'),
        store.steps.complete(s, owner, 'x'),
        store.steps.retry(s, owner, { delayMs: 0, error: 'x', uncertain: true, countAttempt: false }),
        store.steps.fail(s, owner, 'x'),
      ]);
    expect(await guarded(root, 'B')).toEqual([false, false, false, false, false]);
    expect(await store.steps.find(root.id)).toEqual(root);

    clock.set(T0 + 10 * SEC);
    expect(await store.steps.beginPost(root, A)).toBe(true);
    expect(await store.steps.find(root.id)).toMatchObject({ sentAt: T0 + 10 * SEC, leaseUntil: T0 + 40 * SEC });
    expect(await store.steps.recordProgress(root, 'A', 1, '1.1')).toBe(true);
    expect(await store.steps.recordProgress(root, 'A', 2, '1.2')).toBe(true);
    expect(await store.steps.find(root.id)).toMatchObject({ progress: 2, postedTs: '1.1' });
    expect(await store.steps.complete(root, 'A', null)).toBe(true);
    const done = await store.steps.find(root.id);
    expect(done).toMatchObject({ state: 'done', postedTs: '1.1', owner: null });
    expect(await guarded(root, 'A')).toEqual([false, false, false, false, false]);
    expect(await store.steps.find(root.id)).toEqual(done);

    const phase = await claim(store, 'phase:0');
    expect(await store.steps.fail(phase, 'A', 'rejected: invalid_blocks')).toBe(true);
    expect(await store.steps.find(phase.id)).toMatchObject({ state: 'failed', lastError: 'rejected: invalid_blocks', owner: null });
    expect(await store.steps.fail(phase, 'A', 'again')).toBe(false);
  });

  it('retries later, giving back the attempt of a wait that is not a failure, and not before a post in doubt settles', async () => {
    const { store, clock } = h();
    await seed(store, newSession());
    let root = await claim(store, 'root');
    // The claim counts as the start of the post it is made for.
    expect(root.sentAt).toBe(T0);
    expect(await store.steps.retry(root, 'A', { delayMs: 5 * SEC, error: 'rate_limited', uncertain: false, countAttempt: false })).toBe(true);
    expect(await store.steps.find(root.id)).toMatchObject({ state: 'pending', runAt: T0 + 5 * SEC, attempts: 0, owner: null, leaseUntil: null, lastError: 'rate_limited', uncertain: false });
    expect(await store.steps.claimDue(A, 10)).toEqual([]);
    clock.set(T0 + 5 * SEC);
    root = await claim(store, 'root');
    expect(root.attempts).toBe(1);
    expect(await store.steps.beginPost(root, A)).toBe(true);
    expect(await store.steps.retry(root, 'A', { delayMs: SEC, settleMs: 2 * MIN, error: 'transient: timeout', uncertain: true, countAttempt: true })).toBe(true);
    const settled = T0 + 5 * SEC + 2 * MIN;
    expect(await store.steps.find(root.id)).toMatchObject({ runAt: settled, attempts: 1, uncertain: true, sentAt: T0 + 5 * SEC });
    clock.set(settled);
    root = await claim(store, 'root');
    // Claimed again in doubt: the start of the attempt that may have posted it stands.
    expect(root).toMatchObject({ attempts: 2, uncertain: true, sentAt: T0 + 5 * SEC });
    expect(await store.steps.retry(root, 'A', { delayMs: 10 * SEC, settleMs: SEC, error: 'transient', uncertain: false, countAttempt: true })).toBe(true);
    // An uncertain step stays uncertain until it completes.
    expect(await store.steps.find(root.id)).toMatchObject({ runAt: settled + 10 * SEC, attempts: 2, uncertain: true });
  });

  it('records who a step goes to as its first post begins, keeps it through retries and take-overs, and never overwrites it', async () => {
    const { store, clock } = h();
    await seed(store, newSession());
    let root = await claim(store, 'root');
    expect(root.audience).toBeNull();
    // Only the owner records it; once recorded, a later post of the step (a retry, another owner) cannot change it.
    expect(await store.steps.beginPost(root, B, ['U1'])).toBe(false);
    expect(await store.steps.beginPost(root, A, ['U2', 'U1', 'U<3>"'])).toBe(true);
    expect(await store.steps.beginPost(root, A, ['U9'])).toBe(true);
    expect(await store.steps.beginPost(root, A)).toBe(true);
    expect((await store.steps.find(root.id))?.audience).toEqual(['U2', 'U1', 'U<3>"']);
    expect(await store.steps.recordProgress(root, 'A', 1, 'private')).toBe(true);
    expect(await store.steps.retry(root, 'A', { delayMs: 0, error: 'transient', uncertain: true, countAttempt: true })).toBe(true);
    root = await claim(store, 'root', B);
    expect(root).toMatchObject({ owner: 'B', progress: 1, audience: ['U2', 'U1', 'U<3>"'] });
    // Taken over after its lease, it still names the same people.
    clock.set(T0 + 31 * SEC);
    expect(await claim(store, 'root')).toMatchObject({ owner: 'A', audience: ['U2', 'U1', 'U<3>"'] });
  });

  it('cancels a step being posted only when asked to: its owner then finds it gone, and the session goes on to its next step', async () => {
    const { store } = h();
    await seed(store, newSession());
    const root = await claim(store, 'root');
    await store.steps.cancel('s1', 'root', 'not now');
    expect(await store.steps.find(root.id)).toMatchObject({ state: 'sending', owner: 'A' });
    await store.steps.cancel('s1', 'root', 'phase ended early', { inFlight: true });
    expect(await store.steps.find(root.id)).toMatchObject({ state: 'cancelled', owner: null, leaseUntil: null, lastError: 'phase ended early' });
    expect(await store.steps.beginPost(root, A)).toBe(false);
    expect(await store.steps.recordProgress(root, 'A', 1, 'private')).toBe(false);
    expect(await store.steps.complete(root, 'A', '1.1')).toBe(false);
    expect(await claim(store, 'phase:0')).toMatchObject({ owner: 'A' });
  });

  it('plans an unordered step once: a pending one keeps its time, a finished one is re-armed', async () => {
    const { store, clock } = h();
    await seed(store, newSession());
    await store.steps.upsert('s1', 'refresh', 'refresh', T0 + 5 * MIN);
    await store.steps.upsert('s1', 'refresh', 'refresh', T0 + 9 * MIN);
    expect(await step(store, 'refresh')).toMatchObject({ state: 'pending', dueAt: T0 + 5 * MIN, runAt: T0 + 5 * MIN, seq: -1 });
    await store.steps.complete(await claim(store, 'root'), 'A', null);
    clock.set(T0 + 5 * MIN);
    const claimed = await store.steps.claimDue(A, 10);
    expect(keys(claimed).sort()).toEqual(['s1/phase:0', 's1/refresh']);
    const refresh = claimed.find((s) => s.key === 'refresh')!;
    await store.steps.retry(refresh, 'A', { delayMs: 0, error: 'transient', uncertain: true, countAttempt: true });
    await store.steps.fail(await claim(store, 'refresh'), 'A', 'rejected');
    await store.steps.upsert('s1', 'refresh', 'refresh', T0 + 20 * MIN);
    expect(await step(store, 'refresh')).toMatchObject({
      state: 'pending', dueAt: T0 + 20 * MIN, runAt: T0 + 20 * MIN, attempts: 0, owner: null, leaseUntil: null, lastError: null, uncertain: false, progress: 0,
    });
  });

  it('makes the summary due now; it becomes the session\'s turn once what is before it is cancelled', async () => {
    const { store } = h();
    await seed(store, newSession());
    await store.steps.hold('s1');
    // Only the session's first unfinished step is held; the rest wait their turn.
    expect(await step(store, 'root')).toMatchObject({ state: 'held' });
    expect(await step(store, 'warning:3')).toMatchObject({ state: 'queued' });
    await store.steps.summaryNow('s1', T0 + 10 * MIN);
    expect(await step(store, 'summary')).toMatchObject({ state: 'queued', dueAt: T0 + 10 * MIN, runAt: T0 + 10 * MIN });
    await store.steps.cancelPending('s1', ['root', 'phase', 'warning'], 'session ended');
    expect(await step(store, 'phase:1')).toMatchObject({ state: 'cancelled', lastError: 'session ended' });
    expect(await step(store, 'summary')).toMatchObject({ state: 'pending', runAt: T0 + 10 * MIN });
    await store.steps.cancel('s1', 'summary', 'gone');
    expect(await step(store, 'summary')).toMatchObject({ state: 'cancelled', lastError: 'gone' });
  });

  it('moves pending and held steps planned from a time on, but not the root, never before the floor', async () => {
    const { store } = h();
    await seed(store, newSession());
    await store.steps.upsert('s1', 'refresh', 'refresh', T0 + 30 * MIN);
    await store.steps.shiftPending('s1', T0, 2 * MIN, T0);
    const due = async () => Object.fromEntries((await store.steps.ofSession('s1')).map((s) => [s.key, [(s.dueAt - T0) / MIN, (s.runAt - T0) / MIN, s.state]]));
    expect(await due()).toMatchObject({ root: [0, 0, 'pending'], 'phase:0': [2, 2, 'queued'], 'warning:0': [6, 6, 'queued'], summary: [47, 47, 'queued'], refresh: [30, 30, 'pending'] });
    await store.steps.hold('s1');
    await store.steps.shiftPending('s1', T0 + 7 * MIN, -10 * MIN, T0 + MIN);
    expect(await due()).toMatchObject({ root: [0, 0, 'held'], 'phase:0': [2, 2, 'queued'], 'warning:0': [6, 6, 'queued'], 'phase:1': [-3, 1, 'queued'], 'warning:1': [13, 13, 'queued'], summary: [37, 37, 'queued'] });
  });

  it('wakes the steps that waited for the bot to join the channel', async () => {
    const { store } = h();
    await seed(store, newSession(), newSession({ id: 's2', channelId: 'C2' }));
    for (const root of await store.steps.claimDue(A, 10)) {
      await store.steps.retry(root, 'A', { delayMs: 60 * MIN, error: 'not_in_channel', uncertain: false, countAttempt: false });
    }
    expect(await store.steps.retryNotInChannel('s1', T0 + MIN)).toBe(1);
    expect(await step(store, 'root')).toMatchObject({ runAt: T0 + MIN, state: 'pending' });
    expect(await step(store, 'root', 's2')).toMatchObject({ runAt: T0 + 60 * MIN });
    expect(await store.steps.retryNotInChannel('s1', T0 + MIN)).toBe(1);
    expect(await store.steps.retryNotInChannel('nope', T0 + MIN)).toBe(0);
  });

  it('hands an invitation that came during an attempt to that attempt, once, and not to a later attempt', async () => {
    const { store, clock } = h();
    await seed(store, newSession(), newSession({ id: 's2', channelId: 'C2' }));
    const root = (await store.steps.claimDue(A, 10)).find((s) => s.sessionId === 's1' && s.key === 'root');
    expect(root).toBeDefined();
    // Invited while the post was out: nothing was pending to wake, so the attempt itself takes the invitation.
    clock.set(T0 + 1000);
    expect(await store.steps.retryNotInChannel('s1', T0 + 1000)).toBe(0);
    expect(await store.steps.takeInvitation({ ...root!, sessionId: 's2' })).toBe(false);
    expect(await store.steps.takeInvitation(root!)).toBe(true);
    expect(await store.steps.takeInvitation(root!)).toBe(false);
    // An invitation older than the attempt is not this attempt's: its refusal came after the bot was in and out again.
    expect(await store.steps.retryNotInChannel('s1', T0 + 1000)).toBe(0);
    await store.steps.retry(root!, 'A', { delayMs: 0, error: 'not_in_channel', uncertain: false, countAttempt: false });
    clock.set(T0 + 2000);
    const again = (await store.steps.claimDue(A, 10)).find((s) => s.id === root!.id);
    expect(again).toBeDefined();
    expect(await store.steps.takeInvitation(again!)).toBe(false);
  });

  it('after a restart, ends the leases of posts in doubt once they have settled', async () => {
    const { store, clock } = h();
    await seed(store, newSession(), newSession({ id: 's2', channelId: 'C2' }));
    const [first, second] = await store.steps.claimDue({ owner: 'A', leaseMs: 10 * MIN }, 10);
    // A claim counts as the start of a post; a post held up after its claim records its own start.
    clock.set(T0 + 5 * SEC);
    expect(await store.steps.beginPost(first!, { owner: 'A', leaseMs: 10 * MIN })).toBe(true);
    expect(await store.steps.settleOrphans(15 * SEC)).toBe(2);
    expect(await store.steps.find(first!.id)).toMatchObject({ state: 'sending', leaseUntil: T0 + 20 * SEC });
    expect(await store.steps.find(second!.id)).toMatchObject({ state: 'sending', leaseUntil: T0 + 15 * SEC });
  });

  it('claims the soonest due steps first, up to the limit, taken-over ones before new ones', async () => {
    const { store, clock } = h();
    await seed(store, newSession({ id: 'a', channelId: 'C1', createdAt: T0 }), newSession({ id: 'b', channelId: 'C2', createdAt: T0 - 2 * MIN }), newSession({ id: 'c', channelId: 'C3', createdAt: T0 - MIN }));
    expect(keys(await store.steps.claimDue(A, 1))).toEqual(['b/root']);
    clock.set(T0 + 30 * SEC);
    expect(keys(await store.steps.claimDue(B, 2))).toEqual(['b/root', 'c/root']);
    // Steps waiting their turn (b's and c's first phases) are queued: the next due is a's root.
    expect(await store.steps.nextRunAt(T0 - 3 * MIN)).toBe(T0);
  });
});

describePg('postgres: several instances', () => {
  let schema: PgSchema | undefined;
  afterEach(async () => {
    await schema?.drop();
    schema = undefined;
  });

  it('two stores claiming at once never claim the same step twice, and claim them all', async () => {
    schema = await withPgSchema();
    const clock = fixedClock(T0);
    const one = createStore(schema.db, clock.now);
    const two = createStore(await schema.open(), clock.now);
    const phases = [{ index: 0, plannedMs: 5 * MIN, startsAt: T0 }];
    const sessions = Array.from({ length: 200 }, (_, i) =>
      newSession({
        id: `s${i}`, channelId: `C${i}`, phases, createdAt: T0 - i,
        steps: [{ key: 'root', kind: 'root', phaseIndex: null, dueAt: T0 - i, seq: 0 }, { key: 'phase:0', kind: 'phase', phaseIndex: 0, dueAt: T0 - i, seq: 1 }],
      }),
    );
    await seed(one, ...sessions);
    const drain = async (store: Store, owner: string) => {
      const got: Step[] = [];
      for (let batch = await store.steps.claimDue({ owner, leaseMs: MIN }, 50); batch.length > 0; batch = await store.steps.claimDue({ owner, leaseMs: MIN }, 50)) got.push(...batch);
      return got;
    };
    const claimed = (await Promise.all([drain(one, 'A1'), drain(two, 'B1'), drain(one, 'A2'), drain(two, 'B2')])).flat();
    expect(claimed.every((s) => s.key === 'root')).toBe(true);
    expect(new Set(claimed.map((s) => s.id)).size).toBe(claimed.length);
    expect(claimed).toHaveLength(200);
    const rows = await schema.db.all("SELECT id, owner FROM steps WHERE state = 'sending'");
    expect(new Map(rows.map((r) => [r.id, r.owner]))).toEqual(new Map(claimed.map((s) => [s.id, s.owner])));
  });

  it('applies each migration once when two instances migrate a fresh schema at once', async () => {
    schema = await withPgSchema({ migrate: false });
    const other = await schema.open();
    const versions = listMigrations(PG_MIGRATIONS_DIR).map((m) => m.version);
    const latest = versions.at(-1);
    expect(await Promise.all([migratePostgres(schema.db, PG_MIGRATIONS_DIR), migratePostgres(other, PG_MIGRATIONS_DIR)])).toEqual([latest, latest]);
    expect(await schema.db.all('SELECT version FROM schema_migrations ORDER BY version')).toEqual(versions.map((version) => ({ version })));
    expect(await migratePostgres(other, PG_MIGRATIONS_DIR)).toBe(latest);
    await schema.db.run('INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)');
    await expect(migratePostgres(other, PG_MIGRATIONS_DIR)).rejects.toThrow(new RegExp(`schema version 99.*knows only up to ${latest}`));
  });

  // A statement that goes unanswered for the pool's query timeout (60 s in the app) is taken for a lost server. The
  // wait for another instance's migrations, and a migration on a large table, may rightly take longer: an instance
  // starting beside one that migrated for over a minute stopped with "Query read timeout" and a stack trace.
  it('waits for another instance that holds the migration lock longer than a statement may take, and says so once', async () => {
    schema = await withPgSchema({ migrate: false });
    const latest = listMigrations(PG_MIGRATIONS_DIR).at(-1)?.version;
    const holder = new pg.Client({ connectionString: schema.url });
    await holder.connect();
    const impatient = await openPostgres(schema.url, { schema: schema.schema, queryTimeoutMs: 300 });
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      // The other instance migrates for 1.5 s (timed by the server), then lets go.
      const released = holder.query('SELECT pg_sleep(1.5)').then(() => holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]));
      let waits = 0;
      expect(await migratePostgres(impatient, PG_MIGRATIONS_DIR, { onWaiting: () => waits++ })).toBe(latest);
      expect(waits).toBe(1);
      await released;
    } finally {
      await impatient.close();
      await holder.end();
    }
  });

  it('applies a migration that takes longer than a statement may take', async () => {
    schema = await withPgSchema({ migrate: false });
    const dir = migrationsDir({ '0001_slow.sql': 'CREATE TABLE slow (x INTEGER); SELECT pg_sleep(1);' });
    const impatient = await openPostgres(schema.url, { schema: schema.schema, queryTimeoutMs: 300 });
    try {
      expect(await migratePostgres(impatient, dir)).toBe(1);
      expect(await impatient.all('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
    } finally {
      await impatient.close();
    }
  });

  it('refuses a failing migration with one message naming it and the version the database stays at', async () => {
    schema = await withPgSchema({ migrate: false });
    const dir = migrationsDir({ '0001_ok.sql': 'CREATE TABLE a (x INTEGER);', '0002_broken.sql': 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);' });
    const failure = migratePostgres(schema.db, dir);
    await expect(failure).rejects.toThrow(DatabaseUnusableError);
    await expect(failure).rejects.toThrow(/Migration 0002_broken\.sql failed: relation "nowhere" does not exist.*schema version 1, as it was before/);
    expect(await schema.db.all('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
    expect(await schema.db.get("SELECT to_regclass('b') IS NULL AS gone")).toEqual({ gone: true });
  });

  it('says the connection was lost, not that a migration failed, when the server ends it half-way', async () => {
    schema = await withPgSchema({ migrate: false });
    const dir = migrationsDir({
      '0001_ok.sql': 'CREATE TABLE a (x INTEGER);',
      // What a server restart or an administrator does to the connection, from inside: it ends at this statement.
      '0002_cut.sql': 'CREATE TABLE b (x INTEGER); SELECT pg_terminate_backend(pg_backend_pid());',
    });
    const failure = migratePostgres(schema.db, dir);
    await expect(failure).rejects.toThrow(DatabaseUnusableError);
    await expect(failure).rejects.toThrow(/^The connection to PostgreSQL was lost while the database was being prepared \(57P01: terminating connection due to administrator command\)\. .*start mockdesign again once the server answers/);
    // The first migration stays; the second was never committed.
    expect(await schema.db.all('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
    expect(await schema.db.get("SELECT to_regclass('b') IS NULL AS gone")).toEqual({ gone: true });
    // Started again with the server answering, it finishes what is left.
    writeFileSync(join(dir, '0002_cut.sql'), 'CREATE TABLE b (x INTEGER);');
    expect(await migratePostgres(schema.db, dir)).toBe(2);
  });

  it('rolls back a transaction in which a statement failed, even if the error was caught', async () => {
    schema = await withPgSchema();
    const db = schema.db;
    let leaked: Parameters<Parameters<typeof db.transaction>[0]>[0] | undefined;
    await expect(
      db.transaction(async (tx) => {
        leaked = tx;
        await tx.run("INSERT INTO processed_requests (request_key, seen_at) VALUES ('k', 1)");
        await tx.run('SELECT no_such_column FROM processed_requests').catch(() => undefined);
      }),
    ).rejects.toThrow(/rolled back/);
    expect(await db.all('SELECT * FROM processed_requests')).toEqual([]);
    await expect(leaked!.all('SELECT 1')).rejects.toThrow(/after its transaction ended/);
  });
});

describe('postgres: an unusable DATABASE_URL', () => {
  it('fails fast, naming DATABASE_URL and the reason, without the password', async () => {
    const error = await openPostgres('postgres://mock:s3cr3t-pw@127.0.0.1:1/mockdesign', { connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnusableError);
    expect((error as Error).message).toMatch(/DATABASE_URL .*postgres:\/\/mock@127\.0\.0\.1:1\/mockdesign.*could not be reached.*ECONNREFUSED/);
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});
