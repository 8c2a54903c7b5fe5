/**
 * The durable schedule: claiming due steps under a lease that names its owner, and recording what became of
 * each post. Every change to a claimed step names the owner and the state it expects, so an instance whose
 * lease ran out (it hung, or died and came back) can never overwrite the work of the one that took over.
 * Lease and retry times use the store's clock: the database's in PostgreSQL, shared by every instance.
 */
import type { Lease, Step, StepKind, StepRepository, StepState } from '../app/ports.ts';
import { STEP_KINDS } from '../domain/timeline.ts';
import { columnsOf, nowMs, num, placeholders, type SqlExecutor, limitParam } from './sql.ts';

/** Every state a row may hold: written as a record, so the compiler says when the type gains one. */
const STATE_LIST: Record<StepState, true> = { queued: true, pending: true, held: true, sending: true, done: true, failed: true, cancelled: true };
const KINDS: ReadonlySet<string> = new Set(STEP_KINDS);
const STATES: ReadonlySet<string> = new Set(Object.keys(STATE_LIST));

/** A step row, checked column by column: a claim returns hundreds of rows at once, on the delivery path. */
function toStep(row: unknown): Step {
  const r = columnsOf(row, 'steps');
  const kind = r.text('kind');
  const state = r.text('state');
  if (!KINDS.has(kind)) r.bad('kind');
  if (!STATES.has(state)) r.bad('state');
  return {
    id: r.int('id'),
    sessionId: r.text('session_id'),
    key: r.text('step_key'),
    kind: kind as Step['kind'],
    phaseIndex: r.intOrNull('phase_idx'),
    seq: r.int('seq'),
    dueAt: r.int('due_at'),
    runAt: r.int('run_at'),
    state: state as Step['state'],
    attempts: r.int('attempts'),
    owner: r.textOrNull('owner'),
    leaseUntil: r.intOrNull('lease_until'),
    sentAt: r.intOrNull('sent_at'),
    postedTs: r.textOrNull('posted_ts'),
    progress: r.int('progress'),
    uncertain: r.int('uncertain') === 1,
    lastError: r.textOrNull('last_error'),
    audience: audienceOf(r.textOrNull('audience'), () => r.bad('audience')),
  };
}

/** The audience column: null, or a JSON array of user ids (written by beginPost alone). */
function audienceOf(text: string | null, bad: () => never): readonly string[] | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad();
  }
  if (!Array.isArray(value) || !value.every((id): id is string => typeof id === 'string')) return bad();
  return value;
}

const COLUMNS = `id, session_id, step_key, kind, phase_idx, seq, due_at, run_at, state, attempts, owner, lease_until, sent_at,
  posted_ts, progress, uncertain, last_error, audience`;

/**
 * A step may go when no earlier ordered step of its session is unfinished: a session's posts go out in order,
 * one at a time, whichever instance claims them. Steps with a negative seq (root refresh, pause limit) stand
 * outside that order. Only a session's first unfinished step is ever `pending` (the rest are `queued` until
 * `promote` moves the next one up), so this check is a guard against races, not a filter the claim has to
 * read past: the cost of a claim follows the steps it takes, not the backlog behind them.
 */
const IN_TURN = `(s.seq < 0 OR NOT EXISTS (SELECT 1 FROM steps e
  WHERE e.session_id = s.session_id AND e.seq >= 0 AND e.seq < s.seq AND e.state IN ('pending', 'held', 'sending')))`;

/**
 * A claim counts as the start of a post: the worker that claims a step posts it straight away, so the claim
 * records `sent_at` and the worker need not write again before posting (`beginPost`) unless it was held up
 * (see FRESH_CLAIM_MS in the dispatcher). A step in doubt keeps the time of the attempt that may have posted it.
 */
const SENT_AT_CLAIMED = (now: string) => `sent_at = CASE WHEN uncertain = 0 THEN ${now} ELSE sent_at END`;

/** The app's clock when it has one to give (SQLite, tests); null lets the database use its own. */
export type StoreClock = (() => number) | null;

/**
 * Only kinds this version knows are claimed: during a rolling upgrade on PostgreSQL, an instance still on the
 * older version leaves a newer kind of step (pending, or taken over from a dead owner) to the upgraded ones,
 * instead of claiming it and failing on it at every tick.
 */
const KNOWN_KINDS = `(${[...KINDS].map((k) => `'${k}'`).join(', ')})`;

export function createStepRepository(db: SqlExecutor, clock: StoreClock): StepRepository {
  const d = db.dialect;
  const now = () => (clock ? clock() : null);
  const skipLocked = d === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';

  // Due pending steps, soonest first, through the partial index on pending rows.
  const claimPendingSql = `
    UPDATE steps SET state = 'sending', owner = $2, lease_until = ${nowMs(d, 1)} + $3, attempts = attempts + 1, ${SENT_AT_CLAIMED(nowMs(d, 1))}, claim_id = $5
     WHERE id IN (SELECT s.id FROM steps s
                   WHERE s.state = 'pending' AND s.run_at <= ${nowMs(d, 1)} AND s.kind IN ${KNOWN_KINDS} AND ${IN_TURN}
                   ORDER BY s.run_at ${limitParam(4)} ${skipLocked})
    RETURNING ${COLUMNS}`;
  // Steps whose owner stopped renewing its lease: died or hung mid-post. They come back uncertain, so the next
  // attempt looks for the message before posting it again. The lease outlasts the settle time of the last post.
  const claimOrphansSql = `
    UPDATE steps SET state = 'sending', owner = $2, lease_until = ${nowMs(d, 1)} + $3, attempts = attempts + 1, uncertain = 1, claim_id = $5
     WHERE id IN (SELECT s.id FROM steps s
                   WHERE s.state = 'sending' AND s.lease_until <= ${nowMs(d, 1)} AND s.kind IN ${KNOWN_KINDS}
                   ORDER BY s.lease_until ${limitParam(4)} ${skipLocked})
    RETURNING ${COLUMNS}`;
  const claimNextSql = `
    UPDATE steps SET state = 'sending', owner = $2, lease_until = ${nowMs(d, 1)} + $3, attempts = attempts + 1, ${SENT_AT_CLAIMED(nowMs(d, 1))}, claim_id = $5
     WHERE id = (SELECT s.id FROM steps s
                  WHERE s.session_id = $4 AND s.state = 'pending' AND s.run_at <= ${nowMs(d, 1)} AND s.seq >= 0 AND s.kind IN ${KNOWN_KINDS} AND ${IN_TURN}
                  ORDER BY s.seq LIMIT 1 ${skipLocked})
    RETURNING ${COLUMNS}`;
  const mine = `id = $1 AND owner = $2 AND state = 'sending'`;
  // Moves the session's next queued step up when nothing of the session is pending, held or in flight; it is
  // held rather than pending when the session is paused.
  const promoteSql = `
    UPDATE steps SET state = CASE WHEN EXISTS (SELECT 1 FROM sessions x WHERE x.id = $1 AND x.status = 'paused') THEN 'held' ELSE 'pending' END
     WHERE id = (SELECT q.id FROM steps q WHERE q.session_id = $1 AND q.state = 'queued' ORDER BY q.seq LIMIT 1)
       AND NOT EXISTS (SELECT 1 FROM steps e WHERE e.session_id = $1 AND e.seq >= 0 AND e.state IN ('pending', 'held', 'sending'))`;
  const promote = (sessionId: string) => db.run(promoteSql, [sessionId]);
  // The same move, by the worker that finished the step before: when the step is due (and the session is not
  // paused) it goes straight to `sending` under that worker's lease, in one statement, instead of waiting for a claim.
  const promoteOrTakeSql = `
    UPDATE steps SET state = CASE WHEN c.take THEN 'sending' WHEN c.paused THEN 'held' ELSE 'pending' END,
                     owner = CASE WHEN c.take THEN $3 ELSE steps.owner END,
                     lease_until = CASE WHEN c.take THEN ${nowMs(d, 2)} + $4 ELSE steps.lease_until END,
                     attempts = CASE WHEN c.take THEN steps.attempts + 1 ELSE steps.attempts END,
                     sent_at = CASE WHEN c.take AND steps.uncertain = 0 THEN ${nowMs(d, 2)} ELSE steps.sent_at END,
                     claim_id = CASE WHEN c.take THEN $5 ELSE steps.claim_id END
      FROM (SELECT q.id AS target, x.status = 'paused' AS paused, (x.status <> 'paused' AND q.run_at <= ${nowMs(d, 2)} AND q.kind IN ${KNOWN_KINDS}) AS take
              FROM steps q JOIN sessions x ON x.id = q.session_id
             WHERE q.session_id = $1 AND q.state = 'queued'
               AND NOT EXISTS (SELECT 1 FROM steps e WHERE e.session_id = $1 AND e.seq >= 0 AND e.state IN ('pending', 'held', 'sending'))
             ORDER BY q.seq LIMIT 1) c
     WHERE steps.id = c.target
    RETURNING ${COLUMNS}`;
  const completeSql = `
    UPDATE steps SET state = 'done', posted_ts = coalesce($3, posted_ts), progress = coalesce($5, progress), owner = NULL,
                     lease_until = NULL, last_error = NULL, uncertain = 0, done_at = ${nowMs(d, 4)}
     WHERE ${mine}`;

  return {
    async claimDue(lease: Lease, limit: number, options: { orphans?: boolean } = {}) {
      // Orphans exist only after an instance died: the tick looks for them, the claims after each post do not.
      const orphans = options.orphans === false ? [] : await db.all(claimOrphansSql, [now(), lease.owner, lease.leaseMs, limit, lease.claimId ?? null]);
      const room = limit - orphans.length;
      const due = room > 0 ? await db.all(claimPendingSql, [now(), lease.owner, lease.leaseMs, room, lease.claimId ?? null]) : [];
      return [...orphans, ...due].map(toStep);
    },

    async claimNextOfSession(sessionId, lease) {
      const row = await db.get(claimNextSql, [now(), lease.owner, lease.leaseMs, sessionId, lease.claimId ?? null]);
      return row ? toStep(row) : undefined;
    },

    async beginPost(step, lease, audience) {
      const changed = await db.run(
        `UPDATE steps SET sent_at = ${nowMs(d, 3)}, lease_until = ${nowMs(d, 3)} + $4, audience = coalesce(audience, $5) WHERE ${mine}`,
        [step.id, lease.owner, now(), lease.leaseMs, audience ? JSON.stringify(audience) : null],
      );
      return changed === 1;
    },

    async recordProgress(step, owner, done, ts) {
      const changed = await db.run(`UPDATE steps SET progress = $3, posted_ts = coalesce(posted_ts, $4) WHERE ${mine}`, [step.id, owner, done, ts]);
      return changed === 1;
    },

    async complete(step, owner, ts, parts) {
      const changed = await db.run(completeSql, [step.id, owner, ts, now(), parts ?? null]);
      // An unordered step (a refresh) never holds up the session's order: nothing waits for it to finish.
      if (changed === 1 && step.seq >= 0) await promote(step.sessionId);
      return changed === 1;
    },

    async completeAndTakeNext(step, lease, ts, parts) {
      const changed = await db.run(completeSql, [step.id, lease.owner, ts, now(), parts ?? null]);
      if (changed !== 1) return false;
      const next = await db.get(promoteOrTakeSql, [step.sessionId, now(), lease.owner, lease.leaseMs, lease.claimId ?? null]);
      return next?.state === 'sending' ? toStep(next) : undefined;
    },

    async retry(step, owner, r) {
      // The claim counted an attempt; a wait that is not a failure gives it back.
      const changed = await db.run(
        `UPDATE steps SET state = 'pending', owner = NULL, lease_until = NULL, last_error = $3,
                          run_at = CASE WHEN sent_at IS NOT NULL AND sent_at + $5 > ${nowMs(d, 7)} + $4 THEN sent_at + $5
                                        ELSE ${nowMs(d, 7)} + $4 END,
                          uncertain = CASE WHEN $6 = 1 THEN 1 ELSE uncertain END,
                          attempts = attempts - $8
          WHERE ${mine}`,
        [step.id, owner, r.error, Math.max(0, Math.round(r.delayMs)), r.settleMs ?? 0, r.uncertain ? 1 : 0, now(), r.countAttempt ? 0 : 1],
      );
      return changed === 1;
    },

    async releaseLostClaims(owner, claimIds, error) {
      if (claimIds.length === 0) return 0;
      // The steps of one owner's claims; only those still in flight, as the claim left them (not taken over since).
      return db.run(
        `UPDATE steps SET state = 'pending', owner = NULL, lease_until = NULL, run_at = ${nowMs(d, 3)}, attempts = attempts - 1, last_error = $2
          WHERE owner = $1 AND state = 'sending' AND claim_id IN (${placeholders(4, claimIds.length)})`,
        [owner, error, now(), ...claimIds],
      );
    },

    async fail(step, owner, error) {
      const changed = await db.run(`UPDATE steps SET state = 'failed', owner = NULL, lease_until = NULL, last_error = $3 WHERE ${mine}`, [step.id, owner, error]);
      if (changed === 1) await promote(step.sessionId);
      return changed === 1;
    },

    async cancelPending(sessionId, kinds: readonly StepKind[], reason) {
      if (kinds.length === 0) return;
      await db.run(
        `UPDATE steps SET state = 'cancelled', owner = NULL, lease_until = NULL, last_error = $2
          WHERE session_id = $1 AND state IN ('queued', 'pending', 'held', 'sending') AND kind IN (${placeholders(3, kinds.length)})`,
        [sessionId, reason, ...kinds],
      );
      await promote(sessionId);
    },

    async cancel(sessionId, key, reason, options = {}) {
      const states = options.inFlight ? "'queued', 'pending', 'held', 'sending'" : "'queued', 'pending', 'held'";
      await db.run(
        `UPDATE steps SET state = 'cancelled', owner = NULL, lease_until = NULL, last_error = $3 WHERE session_id = $1 AND step_key = $2 AND state IN (${states})`,
        [sessionId, key, reason],
      );
      await promote(sessionId);
    },

    async shiftPending(sessionId, from, shift, floor) {
      await db.run(
        `UPDATE steps SET due_at = due_at + $2, run_at = CASE WHEN run_at + $2 < $3 THEN $3 ELSE run_at + $2 END
          WHERE session_id = $1 AND state IN ('queued', 'pending', 'held') AND due_at >= $4 AND seq > 0`,
        [sessionId, shift, floor, from],
      );
    },

    async summaryNow(sessionId, at) {
      await db.run(
        "UPDATE steps SET due_at = $2, run_at = $2, state = CASE WHEN state = 'held' THEN 'pending' ELSE state END WHERE session_id = $1 AND step_key = 'summary' AND state IN ('queued', 'pending', 'held')",
        [sessionId, at],
      );
      await promote(sessionId);
    },

    async hold(sessionId) {
      await db.run("UPDATE steps SET state = 'held' WHERE session_id = $1 AND state = 'pending' AND seq >= 0", [sessionId]);
    },

    async release(sessionId) {
      await db.run("UPDATE steps SET state = 'pending' WHERE session_id = $1 AND state = 'held'", [sessionId]);
    },

    async upsert(sessionId, key, kind, dueAt) {
      await db.run(
        `INSERT INTO steps (session_id, step_key, kind, phase_idx, seq, due_at, run_at, state)
         VALUES ($1, $2, $3, NULL, -1, $4, $4, 'pending')
         ON CONFLICT (session_id, step_key) DO UPDATE
            SET state = 'pending',
                -- Already planned: the earlier of the two times wins, so a burst of changes makes one update, and
                -- a change is never put off behind a later one (the live clock's next tick).
                due_at = CASE WHEN steps.state = 'pending' AND steps.due_at < excluded.due_at THEN steps.due_at ELSE excluded.due_at END,
                run_at = CASE WHEN steps.state = 'pending' AND steps.run_at < excluded.run_at THEN steps.run_at ELSE excluded.run_at END,
                attempts = CASE WHEN steps.state = 'pending' THEN steps.attempts ELSE 0 END,
                last_error = CASE WHEN steps.state = 'pending' THEN steps.last_error ELSE NULL END,
                owner = NULL, lease_until = NULL, uncertain = 0, progress = 0`,
        [sessionId, key, kind, dueAt],
      );
    },

    async retryNotInChannel(sessionId, at) {
      // On the same clock as sent_at, which takeInvitation compares it with.
      await db.run(`UPDATE sessions SET invited_at = ${nowMs(d, 2)} WHERE id = $1`, [sessionId, now()]);
      return db.run("UPDATE steps SET run_at = $2 WHERE session_id = $1 AND state = 'pending' AND last_error = 'not_in_channel'", [sessionId, at]);
    },

    async takeInvitation(step) {
      const taken = await db.run(
        `UPDATE sessions SET invited_at = NULL
          WHERE id = $1 AND invited_at IS NOT NULL AND invited_at >= coalesce((SELECT sent_at FROM steps WHERE id = $2), 0)`,
        [step.sessionId, step.id],
      );
      return taken === 1;
    },

    settleOrphans(settleMs) {
      return db.run(
        "UPDATE steps SET lease_until = CASE WHEN sent_at IS NULL THEN lease_until ELSE sent_at + $1 END WHERE state = 'sending'",
        [settleMs],
      );
    },

    async nextRunAt(after) {
      // Only future times: a step already due but waiting its turn must not hide the next one.
      const row = await db.get("SELECT min(run_at) AS t FROM steps WHERE state = 'pending' AND run_at > $1", [after]);
      return row?.t === null || row?.t === undefined ? undefined : num(row.t);
    },

    async countDue(after, until, limit) {
      // Through the partial index on pending rows, and no further than `limit` rows of it.
      const row = await db.get(
        `SELECT count(*) AS n FROM (SELECT 1 FROM steps WHERE state = 'pending' AND run_at > $1 AND run_at <= $2 ${limitParam(3)}) AS due`,
        [after, until, limit],
      );
      return row ? num(row.n) : 0;
    },

    async ofSession(sessionId) {
      return (await db.all(`SELECT ${COLUMNS} FROM steps WHERE session_id = $1 ORDER BY seq, id`, [sessionId])).map(toStep);
    },

    async find(id) {
      const row = await db.get(`SELECT ${COLUMNS} FROM steps WHERE id = $1`, [id]);
      return row ? toStep(row) : undefined;
    },
  };
}
