/** The durable schedule: claiming due steps under a lease, and recording what became of each post. */
import { z } from 'zod';
import type { Db } from './open-database.ts';

const StepRow = z.object({
  id: z.number().int(),
  session_id: z.string(),
  step_key: z.string(),
  kind: z.enum(['root', 'phase', 'warning', 'summary']),
  phase_idx: z.number().int().nullable(),
  seq: z.number().int(),
  due_at: z.number().int(),
  run_at: z.number().int(),
  state: z.enum(['pending', 'sending', 'done', 'failed', 'cancelled']),
  attempts: z.number().int(),
  lease_until: z.number().int().nullable(),
  posted_ts: z.string().nullable(),
  progress: z.number().int(),
  uncertain: z.number().int(),
  last_error: z.string().nullable(),
});

export interface Step {
  readonly id: number;
  readonly sessionId: string;
  readonly key: string;
  readonly kind: 'root' | 'phase' | 'warning' | 'summary';
  readonly phaseIndex: number | null;
  readonly seq: number;
  readonly dueAt: number;
  readonly runAt: number;
  readonly state: 'pending' | 'sending' | 'done' | 'failed' | 'cancelled';
  readonly attempts: number;
  readonly postedTs: string | null;
  /** Parts of a multi-message step already posted. */
  readonly progress: number;
  /** An earlier attempt may have posted without being recorded: look before posting again. */
  readonly uncertain: boolean;
  readonly lastError: string | null;
}

function toStep(row: unknown): Step {
  const r = StepRow.parse(row);
  return {
    id: r.id,
    sessionId: r.session_id,
    key: r.step_key,
    kind: r.kind,
    phaseIndex: r.phase_idx,
    seq: r.seq,
    dueAt: r.due_at,
    runAt: r.run_at,
    state: r.state,
    attempts: r.attempts,
    postedTs: r.posted_ts,
    progress: r.progress,
    uncertain: r.uncertain === 1,
    lastError: r.last_error,
  };
}

export type StepRepository = ReturnType<typeof createStepRepository>;

export function createStepRepository(db: Db) {
  // A step is claimable when it is due, its session is not paused, and every earlier step of the same session
  // is finished: so a session's posts go out in order, one at a time, while sessions proceed independently.
  // A `sending` row whose lease ran out belonged to a process that died (or hung) mid-post: it is claimed
  // again and marked uncertain, so the next attempt looks for the message before posting.
  const claimDue = db.prepare(`
    UPDATE steps
       SET uncertain = CASE WHEN state = 'sending' THEN 1 ELSE uncertain END,
           state = 'sending', lease_until = @leaseUntil, attempts = attempts + 1
     WHERE id IN (
       SELECT s.id FROM steps s JOIN sessions x ON x.id = s.session_id
        WHERE ((s.state = 'pending' AND s.run_at <= @now) OR (s.state = 'sending' AND s.lease_until <= @now))
          AND x.status <> 'paused'
          AND NOT EXISTS (SELECT 1 FROM steps e
                           WHERE e.session_id = s.session_id AND e.seq < s.seq AND e.state IN ('pending', 'sending'))
        ORDER BY s.run_at, s.seq
        LIMIT @limit)
    RETURNING *`);
  const claimNextOfSession = db.prepare(`
    UPDATE steps
       SET uncertain = CASE WHEN state = 'sending' THEN 1 ELSE uncertain END,
           state = 'sending', lease_until = @leaseUntil, attempts = attempts + 1
     WHERE id = (
       SELECT s.id FROM steps s JOIN sessions x ON x.id = s.session_id
        WHERE s.session_id = @sessionId AND x.status <> 'paused'
          AND ((s.state = 'pending' AND s.run_at <= @now) OR (s.state = 'sending' AND s.lease_until <= @now))
          AND NOT EXISTS (SELECT 1 FROM steps e
                           WHERE e.session_id = s.session_id AND e.seq < s.seq AND e.state IN ('pending', 'sending'))
        ORDER BY s.seq LIMIT 1)
    RETURNING *`);
  const complete = db.prepare(`
    UPDATE steps SET state = 'done', posted_ts = coalesce(@ts, posted_ts), lease_until = NULL, last_error = NULL,
                     uncertain = 0, done_at = @at
     WHERE id = @id`);
  const progress = db.prepare('UPDATE steps SET progress = @progress, posted_ts = coalesce(posted_ts, @ts) WHERE id = @id');
  const retryLater = db.prepare(`
    UPDATE steps SET state = 'pending', run_at = @runAt, lease_until = NULL, last_error = @error,
                     uncertain = CASE WHEN @uncertain THEN 1 ELSE uncertain END
     WHERE id = @id AND state = 'sending'`);
  const release = db.prepare(
    "UPDATE steps SET state = 'pending', lease_until = NULL, attempts = attempts - 1 WHERE id = @id AND state = 'sending'",
  );
  const extendLease = db.prepare("UPDATE steps SET lease_until = @leaseUntil WHERE id = @id AND state = 'sending'");
  const fail = db.prepare(
    "UPDATE steps SET state = 'failed', lease_until = NULL, last_error = @error WHERE id = @id AND state <> 'done'",
  );
  const cancelPending = db.prepare(`
    UPDATE steps SET state = 'cancelled', lease_until = NULL, last_error = @reason
     WHERE session_id = @sessionId AND state IN ('pending', 'sending') AND kind IN (SELECT value FROM json_each(@kinds))`);
  const cancelKey = db.prepare(
    "UPDATE steps SET state = 'cancelled', last_error = @reason WHERE session_id = @sessionId AND step_key = @key AND state = 'pending'",
  );
  const shiftPending = db.prepare(`
    UPDATE steps SET due_at = due_at + @shift, run_at = max(run_at + @shift, @floor)
     WHERE session_id = @sessionId AND state = 'pending' AND due_at >= @from AND kind <> 'root'`);
  const bringSummaryForward = db.prepare(`
    UPDATE steps SET due_at = @at, run_at = @at
     WHERE session_id = @sessionId AND step_key = 'summary' AND state = 'pending'`);
  // A `sending` row's lease ends `leaseMs` after its last post began; move it to `settleMs` after that instead.
  const settleLeases = db.prepare(
    "UPDATE steps SET lease_until = lease_until - @leaseMs + @settleMs WHERE state = 'sending' AND lease_until IS NOT NULL",
  );
  const selectBySession = db.prepare('SELECT * FROM steps WHERE session_id = ? ORDER BY seq');
  const selectOne = db.prepare('SELECT * FROM steps WHERE id = ?');

  return {
    claimDue(now: number, leaseMs: number, limit: number): Step[] {
      return claimDue.all({ now, leaseUntil: now + leaseMs, limit }).map(toStep);
    },

    /** The session's next step if it is due: a worker keeps going through a session's backlog in order. */
    claimNextOfSession(sessionId: string, now: number, leaseMs: number): Step | undefined {
      const row = claimNextOfSession.get({ sessionId, now, leaseUntil: now + leaseMs });
      return row ? toStep(row) : undefined;
    },

    complete(id: number, ts: string | null, at: number): void {
      complete.run({ id, ts, at });
    },

    recordProgress(id: number, done: number, ts: string | null): void {
      progress.run({ id, progress: done, ts });
    },

    retryLater(id: number, runAt: number, error: string, uncertain: boolean): void {
      retryLater.run({ id, runAt, error, uncertain: uncertain ? 1 : 0 });
    },

    /** Hands a claimed step back untouched, as if it had never been claimed. */
    release(id: number): void {
      release.run({ id });
    },

    extendLease(id: number, leaseUntil: number): void {
      extendLease.run({ id, leaseUntil });
    },

    fail(id: number, error: string): void {
      fail.run({ id, error });
    },

    cancelPending(sessionId: string, kinds: readonly Step['kind'][], reason: string): void {
      cancelPending.run({ sessionId, kinds: JSON.stringify(kinds), reason });
    },

    cancel(sessionId: string, key: string, reason: string): void {
      cancelKey.run({ sessionId, key, reason });
    },

    /** Moves pending steps planned at or after `from` by `shift`; none is made due before `floor`. */
    shiftPending(sessionId: string, from: number, shift: number, floor: number): void {
      shiftPending.run({ sessionId, from, shift, floor });
    },

    summaryNow(sessionId: string, at: number): void {
      bringSummaryForward.run({ sessionId, at });
    },

    /**
     * On start-up nothing of ours is in flight: every `sending` row is a leftover of a killed process. It becomes
     * claimable (and is looked for before being posted again) once its last post has settled at Slack, rather than
     * when its full lease would have run out.
     */
    releaseAllLeases(leaseMs: number, settleMs: number): number {
      return settleLeases.run({ leaseMs, settleMs }).changes;
    },

    ofSession(sessionId: string): Step[] {
      return selectBySession.all(sessionId).map(toStep);
    },

    find(id: number): Step | undefined {
      const row = selectOne.get(id);
      return row ? toStep(row) : undefined;
    },
  };
}
