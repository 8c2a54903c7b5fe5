/** The repositories on real SQLite with the real migrations. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open-database.ts';
import { createRequestLog } from '../../../src/db/request-log.ts';
import { createSessionRepository, type NewSession } from '../../../src/db/session-repository.ts';
import { createStepRepository } from '../../../src/db/step-repository.ts';
import { DEFAULT_PLAN } from '../../../src/domain/plan.ts';
import { planSteps, schedulePhases } from '../../../src/domain/timeline.ts';
import { openTestDb } from '../../support/test-db.ts';

const T0 = Date.UTC(2030, 0, 7, 9);
const MIN = 60_000;
let db: Db;
let sessions: ReturnType<typeof createSessionRepository>;
let steps: ReturnType<typeof createStepRepository>;

function newSession(overrides: Partial<NewSession> = {}): NewSession {
  const createdAt = overrides.createdAt ?? T0;
  const phases = schedulePhases(DEFAULT_PLAN, createdAt);
  return {
    id: 's1',
    teamId: 'T1',
    enterpriseId: '',
    channelId: 'C1',
    hostId: 'U1',
    topic: 'Design a URL shortener',
    createdAt,
    phases,
    interviewers: ['U2'],
    steps: planSteps(phases, createdAt),
    ...overrides,
  };
}

beforeEach(() => {
  db = openTestDb();
  sessions = createSessionRepository(db);
  steps = createStepRepository(db);
});

describe('session repository', () => {
  it('round-trips a session with its phases and interviewers', () => {
    expect(sessions.create(newSession())).toBe(true);
    const s = sessions.find('s1');
    expect(s).toMatchObject({ id: 's1', teamId: 'T1', channelId: 'C1', hostId: 'U1', status: 'running', endsAt: T0 + 45 * MIN, interviewers: ['U2'] });
    expect(s?.phases.map((p) => [p.plannedMs / MIN, (p.startsAt - T0) / MIN])).toEqual([
      [5, 0],
      [20, 5],
      [15, 25],
      [5, 40],
    ]);
  });

  it('allows one live session per channel and workspace', () => {
    expect(sessions.create(newSession())).toBe(true);
    expect(sessions.create(newSession({ id: 's2' }))).toBe(false);
    expect(sessions.create(newSession({ id: 's3', teamId: 'T2' }))).toBe(true);
    expect(sessions.create(newSession({ id: 's4', enterpriseId: 'E1' }))).toBe(true);
    expect(sessions.find('s2')).toBeUndefined();
    sessions.end('s1', T0 + MIN, 'ended_by_host');
    expect(sessions.create(newSession({ id: 's5' }))).toBe(true);
  });

  it('scopes lookups by workspace', () => {
    sessions.create(newSession());
    expect(sessions.findLive({ teamId: 'T1', enterpriseId: '' }, 'C1')?.id).toBe('s1');
    expect(sessions.findLive({ teamId: 'T2', enterpriseId: '' }, 'C1')).toBeUndefined();
    expect(sessions.findLive({ teamId: 'T1', enterpriseId: 'E9' }, 'C1')).toBeUndefined();
  });

  it('stores a note once per dedupe key and records its author as a participant', () => {
    sessions.create(newSession());
    const note = { sessionId: 's1', phaseIndex: 1, kind: 'api' as const, authorId: 'U3', text: 'GET /{id}', createdAt: T0 + MIN, dedupeKey: 'view:V1' };
    expect(sessions.addNote(note)).toBe(true);
    expect(sessions.addNote(note)).toBe(false);
    expect(sessions.addNote({ ...note, dedupeKey: null })).toBe(true);
    expect(sessions.notes('s1')).toHaveLength(2);
    expect(sessions.participants('s1')).toEqual(['U1', 'U2', 'U3']);
  });

  it('ends every live session of a workspace and nothing else', () => {
    sessions.create(newSession());
    sessions.create(newSession({ id: 's2', channelId: 'C2' }));
    sessions.create(newSession({ id: 's3', teamId: 'T2' }));
    expect(sessions.endAllForWorkspace({ teamId: 'T1', enterpriseId: '' }, T0, 'app_uninstalled').sort()).toEqual(['s1', 's2']);
    expect(sessions.find('s3')?.status).toBe('running');
  });
});

describe('step repository', () => {
  beforeEach(() => {
    sessions.create(newSession());
  });

  it('claims only due steps, the earliest unfinished one of each session, under a lease', () => {
    expect(steps.claimDue(T0 - 1, 30_000, 10)).toEqual([]);
    const first = steps.claimDue(T0, 30_000, 10);
    expect(first.map((s) => s.key)).toEqual(['root']);
    // phase:0 is due too, but waits for the root message of its own session.
    expect(steps.claimDue(T0, 30_000, 10)).toEqual([]);
    steps.complete(first[0]!.id, '1.0001', T0);
    expect(steps.claimNextOfSession('s1', T0, 30_000)?.key).toBe('phase:0');
  });

  it('hands an expired lease to the next claimer, marked uncertain', () => {
    const [root] = steps.claimDue(T0, 30_000, 10);
    expect(root?.uncertain).toBe(false);
    expect(steps.claimDue(T0 + 29_999, 30_000, 10)).toEqual([]);
    const [again] = steps.claimDue(T0 + 30_000, 30_000, 10);
    expect(again).toMatchObject({ id: root?.id, attempts: 2, uncertain: true });
  });

  it('on start-up, makes leftovers claimable once their last post has settled, not when the lease would end', () => {
    steps.claimDue(T0, 30_000, 10);
    expect(steps.releaseAllLeases(30_000, 20_000)).toBe(1);
    expect(steps.claimDue(T0 + 19_999, 30_000, 10)).toEqual([]);
    expect(steps.claimDue(T0 + 20_000, 30_000, 10)[0]).toMatchObject({ key: 'root', uncertain: true });
  });

  it('skips paused sessions and retries later without losing the step', () => {
    const [root] = steps.claimDue(T0, 30_000, 10);
    steps.retryLater(root!.id, T0 + 7000, 'ratelimited', false);
    expect(steps.claimDue(T0 + 6999, 30_000, 10)).toEqual([]);
    sessions.pause('s1', T0 + 1000);
    expect(steps.claimDue(T0 + 7000, 30_000, 10)).toEqual([]);
    sessions.resume('s1', T0 + 8000);
    expect(steps.claimDue(T0 + 8000, 30_000, 10)[0]).toMatchObject({ key: 'root', lastError: 'ratelimited', uncertain: false });
  });

  it('shifts pending steps from a boundary, never making one due in the past', () => {
    steps.shiftPending('s1', T0 + 25 * MIN, -10 * MIN, T0 + 20 * MIN);
    const due = Object.fromEntries(steps.ofSession('s1').map((s) => [s.key, (s.dueAt - T0) / MIN]));
    expect(due).toEqual({ root: 0, 'phase:0': 0, 'warning:0': 4, 'phase:1': 5, 'warning:1': 21, 'phase:2': 15, 'warning:2': 27, 'phase:3': 30, 'warning:3': 34, summary: 35 });
    const runAt = steps.ofSession('s1').find((s) => s.key === 'phase:2')?.runAt;
    expect(runAt).toBe(T0 + 20 * MIN);
  });

  it('claims across many sessions in due order with a limit', () => {
    for (let i = 2; i <= 5; i++) sessions.create(newSession({ id: `s${i}`, channelId: `C${i}`, createdAt: T0 + i }));
    expect(steps.claimDue(T0 + 10, 30_000, 3).map((s) => s.sessionId)).toEqual(['s1', 's2', 's3']);
    expect(steps.claimDue(T0 + 10, 30_000, 3).map((s) => s.sessionId)).toEqual(['s4', 's5']);
  });
});

describe('request log', () => {
  it('sees a key once and forgets it after pruning', () => {
    const log = createRequestLog(db);
    expect(log.firstTime('event:Ev1', T0)).toBe(true);
    expect(log.firstTime('event:Ev1', T0 + 1)).toBe(false);
    expect(log.prune(T0 + 1)).toBe(1);
    expect(log.firstTime('event:Ev1', T0 + 2)).toBe(true);
  });
});
