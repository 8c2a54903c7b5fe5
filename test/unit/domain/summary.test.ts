import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../../src/domain/plan.ts';
import { PHASES, WRAP_UP_REMINDER } from '../../../src/domain/phases.ts';
import { buildSummary } from '../../../src/domain/summary.ts';
import { advance, schedulePhases } from '../../../src/domain/timeline.ts';
import { aNote, aSummaryInput, MIN, T0 } from '../support/builders.ts';

describe('buildSummary', () => {
  it('lists the host first, then interviewers, then everyone else once, in the order they joined', () => {
    const summary = buildSummary(
      aSummaryInput({
        hostId: 'UHOST',
        interviewers: ['UINT1', 'UINT2'],
        participants: ['UBOB', 'UINT2', 'UHOST', 'UANA'],
        notes: [aNote({ authorId: 'UCAROL' }), aNote({ authorId: 'UANA' }), aNote({ authorId: 'UHOST' }), aNote({ authorId: 'UDAN' })],
      }),
    );
    expect(summary.participants).toEqual(['UHOST', 'UINT1', 'UINT2', 'UBOB', 'UANA', 'UCAROL', 'UDAN']);
    expect(summary.hostId).toBe('UHOST');
    expect(summary.interviewers).toEqual(['UINT1', 'UINT2']);
  });

  it('groups notes by phase, in the order they were written', () => {
    const a = aNote({ id: 10, phaseIndex: 1, createdAt: T0 + 9 * MIN, text: 'a' });
    const b = aNote({ id: 11, phaseIndex: 0, createdAt: T0 + 2 * MIN, text: 'b' });
    const c = aNote({ id: 12, phaseIndex: 1, createdAt: T0 + 6 * MIN, text: 'c' });
    const d = aNote({ id: 9, phaseIndex: 1, createdAt: T0 + 9 * MIN, text: 'd' });
    const e = aNote({ id: 13, phaseIndex: 3, createdAt: T0 + 41 * MIN, text: 'e' });
    const summary = buildSummary(aSummaryInput({ notes: [a, b, c, d, e] }));
    expect(summary.phases.map((p) => p.notes.map((n) => n.text))).toEqual([['b'], ['c', 'd', 'a'], [], ['e']]);
    expect(summary.noteCount).toBe(5);
  });

  it('does not reorder the notes it is given', () => {
    const notes = [aNote({ createdAt: T0 + 3 * MIN }), aNote({ createdAt: T0 + MIN })];
    const before = notes.map((n) => n.id);
    buildSummary(aSummaryInput({ notes }));
    expect(notes.map((n) => n.id)).toEqual(before);
  });

  it('gives planned and actual time per phase for a session that ran to the end', () => {
    const summary = buildSummary(aSummaryInput({ endedAt: T0 + 45 * MIN }));
    expect(summary.phases.map((p) => [p.index, p.name, p.plannedMs, p.actualMs])).toEqual(
      PHASES.map((p, i) => [i, p.name, DEFAULT_PLAN[i], DEFAULT_PLAN[i]]),
    );
    expect(summary.totalPlannedMs).toBe(45 * MIN);
    expect(summary.totalActualMs).toBe(45 * MIN);
    expect(summary.endedEarly).toBe(false);
    expect(summary.endReason).toBeNull();
    expect(summary.reminder).toBe(WRAP_UP_REMINDER);
  });

  it('marks a session ended early, with null for phases never reached', () => {
    const summary = buildSummary(aSummaryInput({ endedAt: T0 + 12 * MIN, endReason: 'ended_by_host' }));
    expect(summary.phases.map((p) => p.actualMs)).toEqual([5 * MIN, 7 * MIN, null, null]);
    expect(summary.totalActualMs).toBe(12 * MIN);
    expect(summary.totalPlannedMs).toBe(45 * MIN);
    expect(summary.endedEarly).toBe(true);
    expect(summary.endReason).toBe('ended_by_host');
  });

  it('measures a session that moved on early with next and ran to its new end', () => {
    const { phases } = advance(schedulePhases(DEFAULT_PLAN, T0), T0 + 2 * MIN);
    const summary = buildSummary(aSummaryInput({ phases, endedAt: T0 + 42 * MIN }));
    expect(summary.phases.map((p) => p.actualMs)).toEqual([2 * MIN, 20 * MIN, 15 * MIN, 5 * MIN]);
    expect(summary.totalActualMs).toBe(42 * MIN);
    expect(summary.endedEarly).toBe(false);
  });

  it('does not count a session that ran late as ended early', () => {
    const summary = buildSummary(aSummaryInput({ endedAt: T0 + 50 * MIN }));
    expect(summary.endedEarly).toBe(false);
    expect(summary.totalActualMs).toBe(50 * MIN);
    // The last phase ran until the session really ended.
    expect(summary.phases.map((p) => p.actualMs)).toEqual([5 * MIN, 20 * MIN, 15 * MIN, 10 * MIN]);
  });
});
