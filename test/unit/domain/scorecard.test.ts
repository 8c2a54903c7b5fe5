import { describe, expect, it } from 'vitest';
import {
  aggregate,
  canEdit,
  type DimensionKey,
  describeScore,
  feedbackForCandidate,
  isRevealed,
  median,
  NEXT_LEVEL_ADVICE,
  RECOMMENDATIONS,
  type RecommendationKey,
  RED_FLAGS,
  type RedFlagKey,
  RUBRIC,
  type Score,
  SCORE_LABELS,
  SCORECARD_LIMITS,
  type Scorecard,
  type ScorecardInput,
  type ScorerRole,
  type ScoringState,
  scorerRole,
  selfAssessmentBeside,
  validateScorecard,
  visibleCards,
} from '../../../src/domain/scorecard.ts';
import { MIN, T0 } from '../support/builders.ts';

function aCard(
  scorerId: string,
  role: ScorerRole,
  scores: Partial<Record<DimensionKey, Score>>,
  extra: { redFlags?: RedFlagKey[]; recommendation?: RecommendationKey; strengths?: string; improvements?: string; at?: number } = {},
): Scorecard {
  const at = extra.at ?? T0;
  return {
    scorerId,
    role,
    scores: Object.fromEntries(Object.entries(scores).map(([k, score]) => [k, { score }])),
    redFlags: extra.redFlags ?? [],
    ...(extra.recommendation ? { recommendation: extra.recommendation } : {}),
    strengths: extra.strengths ?? '',
    improvements: extra.improvements ?? '',
    submittedAt: at,
    updatedAt: at,
  };
}

function anInput(overrides: Partial<ScorecardInput> = {}): ScorecardInput {
  return { scorerId: 'UINT1', role: 'interviewer', scores: { requirements: { score: 3 } }, ...overrides };
}

function errorsOf(input: ScorecardInput) {
  const result = validateScorecard(input, T0);
  if (result.ok) throw new Error('expected errors');
  return result.error;
}

describe('the rubric', () => {
  it('has the eight dimensions, each with a name, a one-line description and a tip', () => {
    expect(RUBRIC.map((d) => d.key)).toEqual([
      'requirements',
      'estimation',
      'api_data_model',
      'high_level',
      'deep_dive',
      'scalability_ops',
      'communication',
      'time_management',
    ]);
    for (const d of RUBRIC) {
      expect(d.name.length).toBeGreaterThan(0);
      expect(d.description).not.toContain('\n');
      expect(d.tip.length).toBeLessThanOrEqual(200);
      for (const text of [d.name, d.description, d.tip]) expect(text).not.toMatch(/[<>&*_~`]/);
    }
  });

  it('scores 1 to 4 from missing to strong', () => {
    expect(SCORE_LABELS).toEqual({ 1: 'missing', 2: 'weak', 3: 'solid', 4: 'strong' });
    expect(describeScore(3)).toBe('solid');
    expect(describeScore(2.5)).toBe('between weak and solid');
  });

  it('has five red flags and a four-step readiness scale', () => {
    expect(RED_FLAGS.map((f) => f.key)).toEqual(['jumped_to_solution', 'over_engineered', 'single_option', 'no_numbers', 'defensive']);
    expect(RECOMMENDATIONS.map((r) => r.key)).toEqual(['not_yet', 'almost', 'ready', 'strongly_ready']);
    expect(RECOMMENDATIONS.map((r) => r.label)).toEqual(['Not yet', 'Almost there', 'Ready', 'Strongly ready']);
  });
});

describe('validateScorecard', () => {
  it('accepts a card with one dimension scored, trimmed, stamped with now', () => {
    const result = validateScorecard(
      anInput({
        scores: { requirements: { score: 3, evidence: '  asked about scale first ' }, estimation: { score: 2, evidence: '   ' }, deep_dive: undefined },
        redFlags: ['no_numbers', 'jumped_to_solution', 'no_numbers'],
        recommendation: 'almost',
        strengths: ' clear APIs ',
        improvements: '',
      }),
      T0 + 5 * MIN,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        scorerId: 'UINT1',
        role: 'interviewer',
        scores: { requirements: { score: 3, evidence: 'asked about scale first' }, estimation: { score: 2 } },
        redFlags: ['jumped_to_solution', 'no_numbers'],
        recommendation: 'almost',
        strengths: 'clear APIs',
        improvements: '',
        submittedAt: T0 + 5 * MIN,
        updatedAt: T0 + 5 * MIN,
      },
    });
  });

  it('leaves the recommendation out when none is chosen', () => {
    const result = validateScorecard(anInput({ recommendation: '' }), T0);
    expect(result.ok && 'recommendation' in result.value).toBe(false);
  });

  it('keeps the first submission time when a card is edited', () => {
    const first = validateScorecard(anInput(), T0);
    if (!first.ok) throw new Error('expected a card');
    const edited = validateScorecard(anInput({ scores: { requirements: { score: 4 } } }), T0 + 3 * MIN, first.value);
    expect(edited.ok && [edited.value.submittedAt, edited.value.updatedAt, edited.value.scores.requirements?.score]).toEqual([T0, T0 + 3 * MIN, 4]);
  });

  it('asks for at least one dimension', () => {
    expect(errorsOf(anInput({ scores: {} }))).toEqual({ scores: 'Score at least one dimension.' });
    expect(errorsOf(anInput({ scores: { requirements: undefined, estimation: {} } }))).toEqual({ scores: 'Score at least one dimension.' });
  });

  it.each([0, 5, 2.5, -1, Number.NaN])('refuses the score %s on its own field', (score) => {
    expect(errorsOf(anInput({ scores: { estimation: { score } } }))).toEqual({ 'score.estimation': expect.stringContaining('1 (missing) to 4 (strong)') });
  });

  it('takes evidence up to 500 characters and refuses more, on its own field', () => {
    expect(validateScorecard(anInput({ scores: { estimation: { score: 2, evidence: 'x'.repeat(SCORECARD_LIMITS.evidence) } } }), T0).ok).toBe(true);
    expect(errorsOf(anInput({ scores: { estimation: { score: 2, evidence: 'x'.repeat(501) } } }))).toEqual({
      'evidence.estimation': 'Keep the evidence to 500 characters; this has 501.',
    });
  });

  it('asks for a score when evidence is given without one', () => {
    expect(errorsOf(anInput({ scores: { requirements: { score: 3 }, estimation: { evidence: 'no numbers at all' } } }))).toEqual({
      'score.estimation': 'Pick a score to go with this evidence.',
    });
  });

  it('takes strengths and improvements up to 1,000 characters', () => {
    const long = 'y'.repeat(1001);
    expect(validateScorecard(anInput({ strengths: 'y'.repeat(1000), improvements: 'y'.repeat(1000) }), T0).ok).toBe(true);
    expect(errorsOf(anInput({ strengths: long, improvements: long }))).toEqual({
      strengths: 'Keep strengths to 1000 characters; this has 1001.',
      improvements: 'Keep improvements to 1000 characters; this has 1001.',
    });
  });

  it('refuses unknown dimensions, red flags and recommendations', () => {
    expect(errorsOf(anInput({ scores: { requirements: { score: 3 }, charm: { score: 4 } } }))).toEqual({ scores: 'There is no rubric dimension called charm.' });
    expect(errorsOf(anInput({ redFlags: ['rude'] }))).toEqual({ redFlags: 'There is no red flag called rude.' });
    expect(errorsOf(anInput({ recommendation: 'hire' }))).toEqual({ recommendation: 'Choose one of: Not yet, Almost there, Ready, Strongly ready.' });
  });

  it('reports every problem at once', () => {
    const errors = errorsOf(
      anInput({ scores: { requirements: { score: 9, evidence: 'z'.repeat(600) } }, strengths: 's'.repeat(2000), recommendation: 'maybe' }),
    );
    expect(Object.keys(errors).sort()).toEqual(['evidence.requirements', 'recommendation', 'score.requirements', 'strengths']);
  });
});

describe('scorerRole', () => {
  it('tells the candidate, the named interviewers and everyone else apart', () => {
    const roles = { candidateId: 'UCAND', interviewers: ['UINT1', 'UINT2'] };
    expect(scorerRole('UCAND', roles)).toBe('candidate');
    expect(scorerRole('UINT2', roles)).toBe('interviewer');
    expect(scorerRole('UWATCH', roles)).toBe('observer');
    expect(scorerRole('UCAND', { interviewers: [] })).toBe('observer');
  });
});

describe('the blind reveal', () => {
  const int1 = aCard('UINT1', 'interviewer', { requirements: 3 });
  const int2 = aCard('UINT2', 'interviewer', { requirements: 2 });
  const watcher = aCard('UWATCH', 'observer', { requirements: 4 });
  const self = aCard('UCAND', 'candidate', { requirements: 4 });
  const state = (cards: Scorecard[], sessionEnded = false): ScoringState => ({ interviewers: ['UINT1', 'UINT2'], cards, sessionEnded });

  it('stays blind until the last named interviewer submits', () => {
    expect(isRevealed(state([]))).toBe(false);
    expect(isRevealed(state([int1, watcher, self]))).toBe(false);
    expect(isRevealed(state([int1, watcher, self, int2]))).toBe(true);
  });

  it('reveals at the end of the session even with cards missing', () => {
    expect(isRevealed(state([int1], true))).toBe(true);
    expect(isRevealed(state([], true))).toBe(true);
  });

  it('waits for the end when no interviewer was named', () => {
    const open = { interviewers: [], cards: [watcher, self], sessionEnded: false };
    expect(isRevealed(open)).toBe(false);
    expect(isRevealed({ ...open, sessionEnded: true })).toBe(true);
  });

  it('shows each scorer only their own card before the reveal, so no one sees the self-assessment', () => {
    const before = state([int1, watcher, self]);
    expect(visibleCards('UINT1', before)).toEqual([int1]);
    expect(visibleCards('UINT2', before)).toEqual([]);
    expect(visibleCards('UCAND', before)).toEqual([self]);
    expect(visibleCards('UWATCH', before)).toEqual([watcher]);
  });

  it('shows everyone every card after the reveal', () => {
    const after = state([int1, watcher, self, int2]);
    for (const viewer of ['UINT1', 'UCAND', 'UWATCH', 'USOMEONE']) expect(visibleCards(viewer, after)).toEqual([int1, watcher, self, int2]);
    expect(visibleCards('UINT2', state([int1], true))).toEqual([int1]);
  });

  it('lets a scorer edit until the reveal and refuses it afterwards', () => {
    expect(canEdit('UINT1', state([int1]))).toBe(true);
    expect(canEdit('UCAND', state([int1, self]))).toBe(true);
    expect(canEdit('UINT1', state([int1, int2]))).toBe(false);
    expect(canEdit('UWATCH', state([int1, int2]))).toBe(false);
    expect(canEdit('UINT2', state([int1], true))).toBe(false);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values for an even count', () => {
    expect(median([])).toBeNull();
    expect(median([3])).toBe(3);
    expect(median([2, 3])).toBe(2.5);
    expect(median([4, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([3, 3, 1, 4])).toBe(3);
  });
});

describe('aggregate', () => {
  it('has every dimension, empty, when there are no cards', () => {
    const panel = aggregate([]);
    expect(panel.scorers).toEqual([]);
    expect(panel.dimensions.map((d) => [d.dimension, d.median, d.spread, d.count])).toEqual(RUBRIC.map((d) => [d.key, null, null, 0]));
    expect(panel.redFlags).toEqual([]);
    expect(panel.recommendations.map((r) => r.count)).toEqual([0, 0, 0, 0]);
    expect(panel.strengths).toEqual([]);
    expect(panel.improvements).toEqual([]);
  });

  it('takes one card as it is', () => {
    const panel = aggregate([aCard('UINT1', 'interviewer', { estimation: 2 }, { redFlags: ['no_numbers'], recommendation: 'not_yet', strengths: 'Clear API' })]);
    expect(panel.dimensions.find((d) => d.dimension === 'estimation')).toMatchObject({ median: 2, spread: 0, count: 1, name: 'Estimation' });
    expect(panel.dimensions.find((d) => d.dimension === 'requirements')).toMatchObject({ median: null, spread: null, count: 0 });
    expect(panel.redFlags).toEqual([{ key: 'no_numbers', name: 'No numbers', count: 1 }]);
    expect(panel.recommendations.find((r) => r.key === 'not_yet')?.count).toBe(1);
    expect(panel.strengths).toEqual([{ scorerId: 'UINT1', text: 'Clear API' }]);
  });

  it("counts observers' cards and leaves the self-assessment out", () => {
    const panel = aggregate([
      aCard('UINT1', 'interviewer', { deep_dive: 2 }, { at: T0 + 2 * MIN, redFlags: ['single_option'], recommendation: 'almost', improvements: 'Second option' }),
      aCard('UWATCH', 'observer', { deep_dive: 3 }, { at: T0 + MIN, redFlags: ['single_option', 'defensive'], recommendation: 'almost' }),
      aCard('UCAND', 'candidate', { deep_dive: 4 }, { redFlags: ['over_engineered'], recommendation: 'strongly_ready', strengths: 'I nailed it' }),
    ]);
    expect(panel.scorers).toEqual(['UWATCH', 'UINT1']);
    expect(panel.dimensions.find((d) => d.dimension === 'deep_dive')).toMatchObject({ median: 2.5, spread: 1, count: 2 });
    expect(panel.redFlags).toEqual([
      { key: 'single_option', name: 'Single option only', count: 2 },
      { key: 'defensive', name: 'Defensive', count: 1 },
    ]);
    expect(panel.recommendations).toEqual([
      { key: 'not_yet', label: 'Not yet', count: 0 },
      { key: 'almost', label: 'Almost there', count: 2 },
      { key: 'ready', label: 'Ready', count: 0 },
      { key: 'strongly_ready', label: 'Strongly ready', count: 0 },
    ]);
    expect(panel.strengths).toEqual([]);
    expect(panel.improvements).toEqual([{ scorerId: 'UINT1', text: 'Second option' }]);
  });

  it('gives the median and spread of an odd and an even number of scores', () => {
    const cards = [
      aCard('U1', 'interviewer', { communication: 1, high_level: 4 }),
      aCard('U2', 'interviewer', { communication: 4, high_level: 3 }),
      aCard('U3', 'observer', { communication: 2 }),
      aCard('U4', 'observer', { communication: 3 }),
    ];
    const byKey = Object.fromEntries(aggregate(cards).dimensions.map((d) => [d.dimension, d]));
    expect(byKey.communication).toMatchObject({ median: 2.5, spread: 3, count: 4 });
    expect(byKey.high_level).toMatchObject({ median: 3.5, spread: 1, count: 2 });
    expect(aggregate(cards.slice(0, 3)).dimensions.find((d) => d.dimension === 'communication')).toMatchObject({ median: 2, spread: 3, count: 3 });
  });
});

describe('selfAssessmentBeside', () => {
  it("puts the candidate's own score beside the panel's median and spread", () => {
    const panel = aggregate([aCard('UINT1', 'interviewer', { requirements: 3, estimation: 2 }), aCard('UINT2', 'interviewer', { requirements: 4 })]);
    const rows = selfAssessmentBeside(panel, aCard('UCAND', 'candidate', { requirements: 2, communication: 4 }));
    expect(rows).toHaveLength(RUBRIC.length);
    expect(rows.slice(0, 2)).toEqual([
      { dimension: 'requirements', name: 'Requirements and scope', median: 3.5, spread: 1, count: 2, of: 2, self: 2 },
      // One of the two scored it: one score agrees with nothing, so there is no spread.
      { dimension: 'estimation', name: 'Estimation', median: 2, spread: null, count: 1, of: 2, self: null },
    ]);
    expect(rows.find((r) => r.dimension === 'communication')).toMatchObject({ median: null, self: 4 });
    expect(selfAssessmentBeside(panel).every((r) => r.self === null)).toBe(true);
  });
});

describe('feedbackForCandidate', () => {
  const panel = aggregate([
    aCard('UINT1', 'interviewer', { requirements: 4, estimation: 1, api_data_model: 3, high_level: 3, deep_dive: 2, communication: 4 }),
    aCard('UINT2', 'interviewer', { requirements: 3, estimation: 2, api_data_model: 3, high_level: 4, deep_dive: 2, communication: 4 }),
  ]);

  it('names the two strongest dimensions and the two weakest, each with a tip', () => {
    const feedback = feedbackForCandidate(panel);
    expect(feedback.strengths.map((d) => d.dimension)).toEqual(['communication', 'requirements']);
    expect(feedback.workOn.map((d) => [d.dimension, d.median])).toEqual([
      ['estimation', 1.5],
      ['deep_dive', 2],
    ]);
    expect(feedback.workOn[0]?.tip).toBe(RUBRIC[1].tip);
    expect(feedback.selfGaps).toEqual([]);
    expect(feedback.lines).toEqual([
      'What went well: Communication (panel median 4, strong) and Requirements and scope (panel median 3.5, between solid and strong).',
      `To work on: Estimation (panel median 1.5, between missing and weak). ${RUBRIC[1].tip}`,
      `To work on: Deep dive and trade-offs (panel median 2, weak). ${RUBRIC[4].tip}`,
    ]);
  });

  it('breaks ties by agreement, then by rubric order', () => {
    const tied = aggregate([
      aCard('U1', 'interviewer', { requirements: 3, estimation: 3, high_level: 2, deep_dive: 4, communication: 2 }),
      aCard('U2', 'interviewer', { requirements: 3, estimation: 3, high_level: 4, deep_dive: 2, communication: 2 }),
    ]);
    // Every median is 3 or 2; requirements and estimation agree fully (spread 0), high_level and deep_dive do not.
    const feedback = feedbackForCandidate(tied);
    expect(feedback.strengths.map((d) => d.dimension)).toEqual(['requirements', 'estimation']);
    // high_level and deep_dive scored as well as the strengths: only what scored lower is something to work on.
    expect(feedback.workOn.map((d) => d.dimension)).toEqual(['communication']);
  });

  it('calls nothing "to work on" that scored the same as what went well', () => {
    // The panel's medians: requirements 4; estimation, api_data_model and high_level 3; deep_dive 2.
    const feedback = feedbackForCandidate(
      aggregate([aCard('U1', 'interviewer', { requirements: 4, estimation: 3, api_data_model: 3, high_level: 3, deep_dive: 2 })]),
    );
    expect(feedback.strengths.map((d) => d.dimension)).toEqual(['requirements', 'estimation']);
    expect(feedback.workOn.map((d) => d.dimension)).toEqual(['deep_dive']);
    expect(feedback.lines.filter((l) => l.startsWith('To work on'))).toEqual([`To work on: Deep dive and trade-offs (panel median 2, weak). ${RUBRIC[4].tip}`]);
  });

  it('says plainly when every scored area came out the same, with the advice for the next score', () => {
    const solid = feedbackForCandidate(
      aggregate([
        aCard('U1', 'interviewer', { estimation: 3, api_data_model: 3, high_level: 4, deep_dive: 3 }),
        aCard('U2', 'interviewer', { estimation: 3, api_data_model: 3, high_level: 2, deep_dive: 3 }),
      ]),
    );
    expect(solid).toMatchObject({ strengths: [], workOn: [] });
    expect(solid.lines).toEqual(['Every area the panel scored came out solid (panel median 3).', NEXT_LEVEL_ADVICE[4]]);
    expect(solid.lines.join('\n')).not.toMatch(/What went well|To work on/);

    const weak = feedbackForCandidate(aggregate([aCard('U1', 'interviewer', { estimation: 2, deep_dive: 2, communication: 2 })]));
    expect(weak.lines).toEqual(['Every area the panel scored came out weak (panel median 2).', NEXT_LEVEL_ADVICE[3]]);
    const between = feedbackForCandidate(aggregate([aCard('U1', 'interviewer', { estimation: 1, deep_dive: 1 }), aCard('U2', 'interviewer', { estimation: 2, deep_dive: 2 })]));
    expect(between.lines).toEqual(['Every area the panel scored came out between missing and weak (panel median 1.5).', NEXT_LEVEL_ADVICE[2]]);
    expect(NEXT_LEVEL_ADVICE[4]).toMatch(/^To reach strong, /);
    expect(NEXT_LEVEL_ADVICE[3]).toMatch(/^To reach solid, /);

    // The self-assessment still gets its word.
    const withSelf = feedbackForCandidate(aggregate([aCard('U1', 'interviewer', { estimation: 2, deep_dive: 2 })]), aCard('UCAND', 'candidate', { estimation: 4 }));
    expect(withSelf.lines.at(-1)).toBe('You gave yourself 4 (strong) on Estimation, the panel 2: ask them what would have made it show.');
  });

  it('says kindly where the self-assessment and the panel differ by 1.5 or more', () => {
    const self = aCard('UCAND', 'candidate', { requirements: 1, estimation: 4, deep_dive: 3, communication: 4 });
    const feedback = feedbackForCandidate(panel, self);
    expect(feedback.selfGaps).toEqual([
      { dimension: 'requirements', name: 'Requirements and scope', median: 3.5, self: 1 },
      { dimension: 'estimation', name: 'Estimation', median: 1.5, self: 4 },
    ]);
    expect(feedback.lines).toContain('You gave yourself 1 (missing) on Requirements and scope, the panel 3.5: that part went better than you thought.');
    expect(feedback.lines).toContain('You gave yourself 4 (strong) on Estimation, the panel 1.5: ask them what would have made it show.');
  });

  it('does not call a gap of one point a gap', () => {
    expect(feedbackForCandidate(panel, aCard('UCAND', 'candidate', { deep_dive: 3, high_level: 3 })).selfGaps).toEqual([]);
  });

  it('has no strengths to name when nothing reached solid, and nothing to work on when all is strong', () => {
    const low = feedbackForCandidate(aggregate([aCard('U1', 'interviewer', { estimation: 2, deep_dive: 1, communication: 2 })]));
    expect(low.strengths).toEqual([]);
    expect(low.lines[0]).toContain('Nothing reached solid');
    expect(low.workOn.map((d) => d.dimension)).toEqual(['deep_dive', 'estimation']);
    expect(low.lines[0]).toContain('the areas below are the place to start');
    // One area to work on is spoken of as one.
    const one = feedbackForCandidate(aggregate([aCard('U1', 'interviewer', { estimation: 1 })]));
    expect(one.lines[0]).toBe('Nothing reached solid across the panel yet; the area below is the place to start.');
    expect(one.workOn.map((d) => d.dimension)).toEqual(['estimation']);
    const high = feedbackForCandidate(aggregate([aCard('U1', 'interviewer', { estimation: 4, deep_dive: 4, communication: 4 })]));
    expect(high.strengths).toEqual([]);
    expect(high.workOn).toEqual([]);
    expect(high.lines).toEqual(['Every area the panel scored came out strong (panel median 4). Nothing stands out to work on.']);
  });

  it('never names a dimension as both a strength and something to work on', () => {
    const feedback = feedbackForCandidate(aggregate([aCard('U1', 'interviewer', { estimation: 4, deep_dive: 3, communication: 3 })]));
    expect(feedback.strengths.map((d) => d.dimension)).toEqual(['estimation', 'deep_dive']);
    expect(feedback.workOn).toEqual([]);
  });

  it('says there is nothing to share yet when no panel card came in, even with a self-assessment', () => {
    const feedback = feedbackForCandidate(aggregate([aCard('UCAND', 'candidate', { estimation: 4 })]), aCard('UCAND', 'candidate', { estimation: 4 }));
    expect(feedback).toMatchObject({ strengths: [], workOn: [], selfGaps: [] });
    expect(feedback.lines).toEqual(['No scorecards came in from the panel, so there is no feedback to share.']);
  });

  it('writes plain text only', () => {
    const self = aCard('UCAND', 'candidate', { requirements: 1, estimation: 4 });
    for (const line of feedbackForCandidate(panel, self).lines) expect(line).not.toMatch(/[<>&*_~`]/);
  });
});
