/** Small builders for test data: a session on a fixed clock, notes, summary input. */
import type { SessionSnapshot } from '../../../src/app/ports.ts';
import type { Note } from '../../../src/domain/notes.ts';
import { DEFAULT_PLAN, type Plan } from '../../../src/domain/plan.ts';
import type { Session } from '../../../src/domain/session.ts';
import type { SummaryInput } from '../../../src/domain/summary.ts';
import { schedulePhases, sessionEnd } from '../../../src/domain/timeline.ts';

/** 09:00 UTC on 1 January 2030: every test clock starts here. */
export const T0 = Date.UTC(2030, 0, 1, 9);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HR = 60 * MIN;
export const DY = 24 * HR;


/** A running session created at `createdAt` (T0 by default) with the default 5/20/15/5 plan. */
export function aSession(overrides: Partial<Session> & { plan?: Plan } = {}): Session {
  const { plan = DEFAULT_PLAN, ...rest } = overrides;
  const createdAt = rest.createdAt ?? T0;
  const phases = rest.phases ?? schedulePhases(plan, createdAt);
  return {
    id: 'sess_123-abc',
    teamId: 'T0001',
    enterpriseId: '',
    channelId: 'C0001',
    hostId: 'UHOST',
    topic: 'Design a URL shortener',
    status: 'running',
    createdAt,
    endsAt: sessionEnd(phases),
    endedAt: null,
    endReason: null,
    pausedAt: null,
    pauseReason: null,
    movedAt: null,
    rootTs: '1893488400.000100',
    permalink: null,
    interviewers: [],
    candidateId: null,
    observers: [],
    level: null,
    promptId: null,
    isAsync: false,
    privateScores: false,
    ...rest,
    phases,
  };
}

let nextNoteId = 1;

export function aNote(overrides: Partial<Note> = {}): Note {
  return {
    id: nextNoteId++,
    sessionId: 'sess_123-abc',
    phaseIndex: 0,
    kind: 'requirement',
    authorId: 'UHOST',
    text: 'Reads outnumber writes 100:1',
    createdAt: T0 + MIN,
    ...overrides,
  };
}

export function aSnapshot(session: Session = aSession(), notes: readonly Note[] = [], participants: readonly string[] = []): SessionSnapshot {
  return { session, notes, participants };
}

export function aSummaryInput(overrides: Partial<SummaryInput> = {}): SummaryInput {
  const phases = overrides.phases ?? schedulePhases(DEFAULT_PLAN, T0);
  return {
    topic: 'Design a URL shortener',
    hostId: 'UHOST',
    interviewers: [],
    participants: [],
    startedAt: T0,
    endedAt: sessionEnd(phases),
    endReason: null,
    notes: [],
    ...overrides,
    phases,
  };
}
