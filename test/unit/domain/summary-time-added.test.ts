/** Planned vs actual when the host added time: the plan and the time added apart, in the summary and the export. */
import { describe, expect, it } from 'vitest';
import { sessionMarkdown } from '../../../src/domain/export.ts';
import type { SessionPhase } from '../../../src/domain/session.ts';
import { buildSummary, timeAddedNote } from '../../../src/domain/summary.ts';
import { renderSummary } from '../../../src/slack/views/summary-message.ts';
import { sectionTexts } from '../support/block-kit.ts';
import { aSession, aSummaryInput, MIN, T0 } from '../support/builders.ts';

const SEC = 1000;

/** A 1m/1m/1m/1m session whose first phase was given `added` more (as stored: the length counts it). */
function extended(added: number | null, length = 7 * MIN): SessionPhase[] {
  return [
    { index: 0, plannedMs: length, startsAt: T0, pausedMs: 0, addedMs: added },
    { index: 1, plannedMs: MIN, startsAt: T0 + 10 * SEC, pausedMs: 0, addedMs: added === null ? null : 0 },
    { index: 2, plannedMs: MIN, startsAt: T0 + 10 * SEC + MIN, pausedMs: 0, addedMs: added === null ? null : 0 },
    { index: 3, plannedMs: MIN, startsAt: T0 + 10 * SEC + 2 * MIN, pausedMs: 0, addedMs: added === null ? null : 0 },
  ];
}

const rendered = (phases: SessionPhase[]) =>
  sectionTexts(renderSummary(buildSummary(aSummaryInput({ phases, endedAt: T0 + 10 * SEC + 3 * MIN }))).flatMap((m) => m.blocks)).join('\n');

describe('the time added to a phase', () => {
  it('is kept apart from the plan, per phase and in all', () => {
    const summary = buildSummary(aSummaryInput({ phases: extended(6 * MIN), endedAt: T0 + 10 * SEC + 3 * MIN }));
    expect(summary.phases.map((p) => [p.plannedMs, p.addedMs])).toEqual([[MIN, 6 * MIN], [MIN, 0], [MIN, 0], [MIN, 0]]);
    expect([summary.totalPlannedMs, summary.totalAddedMs]).toEqual([4 * MIN, 6 * MIN]);
    // The session ran on the longer phase: it finished its plan, it did not end early.
    expect(summary.endedEarly).toBe(false);
  });

  it('reads "planned 1 min (+6 min added)" in the summary, and in its time line', () => {
    const text = rendered(extended(6 * MIN));
    expect(text).toContain('*Time:* 4 min planned (+6 min added), 3 min 10 s taken');
    expect(text).toContain('1. *Requirements &amp; scope*: planned 1 min (+6 min added), actual 10 s');
    expect(text).toContain('2. *High-level design*: planned 1 min, actual 1 min');
  });

  it('says nothing when none was added', () => {
    const text = rendered(extended(0, MIN));
    expect(text).toContain('*Time:* 4 min planned, 3 min 10 s taken');
    expect(text).toContain('1. *Requirements &amp; scope*: planned 1 min, actual 10 s');
    expect(text).not.toContain('added');
  });

  it('when not known (a phase stored before it was kept), gives the whole length as planned, as before', () => {
    const summary = buildSummary(aSummaryInput({ phases: extended(null), endedAt: T0 + 10 * SEC + 3 * MIN }));
    expect([summary.totalPlannedMs, summary.totalAddedMs]).toEqual([10 * MIN, null]);
    const text = rendered(extended(null));
    expect(text).toContain('*Time:* 10 min planned, 3 min 10 s taken');
    expect(text).toContain('1. *Requirements &amp; scope*: planned 7 min, actual 10 s');
  });

  it('reads as a note after the planned length', () => {
    expect([timeAddedNote(0), timeAddedNote(90 * SEC), timeAddedNote(null)]).toEqual(['', ' (+1 min 30 s added)', '']);
  });

  it('shows the same way in the export', () => {
    const session = aSession({ phases: extended(6 * MIN), status: 'ended', endedAt: T0 + 10 * SEC + 3 * MIN });
    const markdown = sessionMarkdown({ session, notes: [], participants: [], exportedAt: T0 + 4 * MIN });
    expect(markdown).toContain('- **Time:** 4 min planned (+6 min added), 3 min 10 s taken');
    expect(markdown).toContain('| 1 | Requirements & scope | 1 min (+6 min added) | 10 s |');
    expect(markdown).toContain('| 2 | High-level design | 1 min | 1 min |');
  });
});
