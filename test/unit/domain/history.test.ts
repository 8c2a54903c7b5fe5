import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/domain/command.ts';
import { activityOf, formatScoreValue, roleIn, type ScoredSession, scoreBar, scoreTrend } from '../../../src/domain/history.ts';
import { aSession, DY, T0 } from '../support/builders.ts';

function scored(id: string, at: number, cards: ScoredSession['cards']): ScoredSession {
  return { sessionId: id, topic: `Topic ${id}`, createdAt: at, endedAt: at + 3_600_000, cards };
}

describe('scoreTrend', () => {
  it('gives per dimension the panel\'s median in each session, oldest first, with the candidate\'s own score beside it', () => {
    const trend = scoreTrend(
      [
        // Newest first, as the store gives them.
        scored('b', T0 + DY, [{ scorerId: 'U2', role: 'interviewer', scores: { requirements: 4, deep_dive: 3 } }]),
        scored('a', T0, [
          { scorerId: 'U2', role: 'interviewer', scores: { requirements: 2, estimation: 1 } },
          { scorerId: 'U3', role: 'observer', scores: { requirements: 3 } },
          { scorerId: 'U9', role: 'candidate', scores: { requirements: 4, time_management: 4 } },
        ]),
      ],
      'U9',
    );
    expect(trend?.sessions).toEqual([
      { sessionId: 'a', topic: 'Topic a', at: T0 + 3_600_000 },
      { sessionId: 'b', topic: 'Topic b', at: T0 + DY + 3_600_000 },
    ]);
    expect(trend?.dimensions.map((d) => [d.dimension, d.points])).toEqual([
      ['requirements', [{ median: 2.5, self: 4 }, { median: 4, self: null }]],
      ['estimation', [{ median: 1, self: null }, { median: null, self: null }]],
      ['deep_dive', [{ median: null, self: null }, { median: 3, self: null }]],
    ]);
  });

  it('never counts a self-assessment in the panel, nor uses someone else\'s as the candidate\'s', () => {
    const trend = scoreTrend(
      [
        scored('a', T0, [
          { scorerId: 'U2', role: 'interviewer', scores: { communication: 2 } },
          { scorerId: 'U8', role: 'candidate', scores: { communication: 4 } },
        ]),
      ],
      'U9',
    );
    expect(trend?.dimensions).toEqual([{ dimension: 'communication', name: 'Communication', points: [{ median: 2, self: null }] }]);
  });

  it('keeps the last few scored sessions and skips those the panel did not score', () => {
    const sessions = Array.from({ length: 8 }, (_, i) => scored(`s${i}`, T0 + i * DY, [{ scorerId: 'U2', role: 'interviewer', scores: { requirements: ((i % 4) + 1) as 1 | 2 | 3 | 4 } }]));
    sessions.push(scored('self-only', T0 + 20 * DY, [{ scorerId: 'U9', role: 'candidate', scores: { requirements: 4 } }]));
    const trend = scoreTrend(sessions, 'U9', 3);
    expect(trend?.sessions.map((s) => s.sessionId)).toEqual(['s5', 's6', 's7']);
    expect(trend?.dimensions[0]?.points.map((p) => p.median)).toEqual([2, 3, 4]);
    expect(scoreTrend([], 'U9')).toBeNull();
    expect(scoreTrend([scored('self-only', T0, [{ scorerId: 'U9', role: 'candidate', scores: { requirements: 4 } }])], 'U9')).toBeNull();
  });
});

describe('scoreBar and formatScoreValue', () => {
  it('draws four steps, a half rounding up, and an empty bar for no score', () => {
    expect([1, 2, 2.5, 3, 4].map((v) => scoreBar(v))).toEqual(['▰▱▱▱', '▰▰▱▱', '▰▰▰▱', '▰▰▰▱', '▰▰▰▰']);
    expect(scoreBar(null)).toBe('▱▱▱▱');
    expect(scoreBar(9)).toBe('▰▰▰▰');
    expect([3, 2.5, 1.75].map(formatScoreValue)).toEqual(['3.0', '2.5', '1.8']);
  });
});

describe('roleIn', () => {
  it('names what the person was in the session', () => {
    const s = aSession({ hostId: 'UH', interviewers: ['UI'], candidateId: 'UC', observers: ['UO'] });
    expect(['UH', 'UI', 'UC', 'UO', 'UX'].map((u) => roleIn(s, u))).toEqual(['host', 'interviewer', 'candidate', 'observer', 'participant']);
  });
});

describe('activityOf', () => {
  it('orders phases, drops empty ones and totals the notes', () => {
    expect(
      activityOf(
        [
          { phaseIndex: 2, notes: 1, replies: 0, contributors: 1 },
          { phaseIndex: 0, notes: 3, replies: 0, contributors: 2 },
          { phaseIndex: 1, notes: 0, replies: 0, contributors: 0 },
        ],
        2,
      ),
    ).toEqual({ notes: 4, replies: 0, contributors: 2, phases: [{ phaseIndex: 0, notes: 3, replies: 0, contributors: 2 }, { phaseIndex: 2, notes: 1, replies: 0, contributors: 1 }] });
  });
});

describe('the history command', () => {
  it('is one word, whatever its case', () => {
    expect(parseCommand('history')).toEqual({ kind: 'history' });
    expect(parseCommand('  History ')).toEqual({ kind: 'history' });
  });
});
