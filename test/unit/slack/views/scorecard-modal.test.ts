import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { checkView } from '../../../../sandbox/stand-in/block-kit-limits.ts';
import { aggregate, RECOMMENDATIONS, RED_FLAGS, RUBRIC, SCORECARD_LIMITS, type Scorecard, validateScorecard } from '../../../../src/domain/scorecard.ts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS, SCORE_IDS } from '../../../../src/slack/ids.ts';
import { MAX_INTERVIEWERS, MAX_NOTE_LENGTH, MAX_OBSERVERS, MAX_TOPIC_LENGTH } from '../../../../src/domain/command.ts';
import { LIMITS } from '../../../../src/slack/limits.ts';
import { escapeMrkdwn } from '../../../../src/slack/mrkdwn.ts';
import { renderRevealNotice, renderScorecardSaved } from '../../../../src/slack/views/scorecard-messages.ts';
import {
  decodeScorecardModalMetadata,
  encodeScorecardModalMetadata,
  errorsByBlock,
  parseScorecardForm,
  MAX_PRIVATE_NOTE_SECTIONS,
  renderScorecardModal,
  renderScorecardsView,
} from '../../../../src/slack/views/scorecard-modal.ts';
import { expectEscaped, expectModalWithinLimits, expectWithinBlockKitLimits, HOSTILE, mrkdwnTexts } from '../../support/block-kit.ts';
import { aNote, MIN, T0 } from '../../support/builders.ts';

const base = { sessionId: 'abc_DEF-123', channelId: 'C0123ABCD', topic: 'Design a URL shortener' };

function aCard(overrides: Partial<Scorecard> = {}): Scorecard {
  return {
    scorerId: 'UINT',
    role: 'interviewer',
    scores: { requirements: { score: 3, evidence: 'Asked about scale' }, deep_dive: { score: 2 } },
    redFlags: ['no_numbers', 'defensive'],
    recommendation: 'almost',
    strengths: 'Clear API',
    improvements: 'Estimate first',
    submittedAt: T0,
    updatedAt: T0 + MIN,
    ...overrides,
  };
}

function inputs(view: ModalView): InputBlock[] {
  return (view.blocks as KnownBlock[]).filter((b): b is InputBlock => b.type === 'input');
}
const inputById = (view: ModalView, id: string) => inputs(view).find((b) => b.block_id === id);

/** Every label, hint and option text is within Block Kit's limits; every input is optional (the domain validates). */
function expectFormWithinLimits(view: ModalView): void {
  expectModalWithinLimits(view);
  for (const block of inputs(view)) {
    expect(block.label.text.length).toBeLessThanOrEqual(2000);
    expect(block.hint?.text.length ?? 0).toBeLessThanOrEqual(2000);
    expect(block.optional).toBe(true);
    const element = block.element as { options?: { text: { text: string }; description?: { text: string } }[] };
    for (const o of element.options ?? []) {
      expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
      expect(o.description?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.optionText);
    }
  }
}

const PRIVATE_NOTES = [
  aNote({ phaseIndex: 2, authorId: 'UINT', kind: 'feedback', visibility: 'interviewers', text: `Only one option for the hot key ${HOSTILE}`, createdAt: T0 + 30 * MIN }),
  aNote({ phaseIndex: 0, authorId: 'UHOST', kind: 'question', visibility: 'interviewers', text: 'Skipped the estimates', createdAt: T0 + 2 * MIN }),
];

describe('renderScorecardModal with notes kept for the interviewers', () => {
  it('shows them to a panel member above the rubric, by phase, escaped', () => {
    for (const role of ['interviewer', 'observer'] as const) {
      const view = renderScorecardModal({ ...base, role, privateNotes: PRIVATE_NOTES });
      expectFormWithinLimits(view);
      const texts = mrkdwnTexts(view.blocks);
      expect(texts[0]).toBe(
        [
          '🔒 *Notes kept for the interviewers* (2)',
          '• *Requirements &amp; scope* · <@UHOST> · _Question_ · Skipped the estimates',
          `• *Deep dive* · <@UINT> · _Feedback_ · Only one option for the hot key ${escapeMrkdwn(HOSTILE)}`,
        ].join('\n'),
      );
      for (const text of texts) expectEscaped(text, ['UHOST', 'UINT']);
      // Before the first score, so they are read before scoring.
      const first = (view.blocks as KnownBlock[]).findIndex((b) => b.type === 'input');
      expect((view.blocks as KnownBlock[]).findIndex((b) => b.type === 'section')).toBeLessThan(first);
    }
  });

  it('never shows them on the candidate’s self-assessment, even when given them', () => {
    const view = renderScorecardModal({ ...base, role: 'candidate', privateNotes: PRIVATE_NOTES });
    expect(JSON.stringify(view)).not.toContain('Skipped the estimates');
    expect(mrkdwnTexts(view.blocks)).toEqual([]);
  });

  it('keeps the form within a modal’s limits however many there are, saying the rest come at the end', () => {
    const many = Array.from({ length: 200 }, (_, i) => aNote({ id: 1000 + i, visibility: 'interviewers', text: 'n'.repeat(3000) }));
    const view = renderScorecardModal({ ...base, role: 'interviewer', privateNotes: many });
    expectFormWithinLimits(view);
    expect((view.blocks as KnownBlock[]).filter((b) => b.type === 'section')).toHaveLength(MAX_PRIVATE_NOTE_SECTIONS);
    expect(mrkdwnTexts(view.blocks).join('\n')).toContain('every one comes to the interviewers in the private summary at the end');
    expect(inputs(view).map((b) => b.block_id)).toContain(BLOCK_IDS.scoreImprovements);
  });
});

describe('renderScorecardModal', () => {
  it('asks the panel for a score and evidence per dimension, red flags, a recommendation, strengths and improvements', () => {
    const view = renderScorecardModal({ ...base, role: 'interviewer' });
    expectFormWithinLimits(view);
    expect(view.callback_id).toBe(CALLBACK_IDS.scorecardModal);
    expect(view.title.text).toBe('Scorecard');
    expect(view.submit?.text).toBe('Submit');
    expect(decodeScorecardModalMetadata(view.private_metadata ?? '')).toEqual({ s: base.sessionId, c: base.channelId });
    expect(inputs(view).map((b) => b.block_id)).toEqual([
      ...RUBRIC.flatMap((d) => [SCORE_IDS.scoreBlock(d.key), SCORE_IDS.evidenceBlock(d.key)]),
      BLOCK_IDS.scoreRedFlags,
      BLOCK_IDS.scoreRecommendation,
      BLOCK_IDS.scoreStrengths,
      BLOCK_IDS.scoreImprovements,
    ]);
    const score = inputById(view, SCORE_IDS.scoreBlock('estimation'));
    expect(score?.label.text).toBe('Estimation');
    expect(score?.element).toMatchObject({ type: 'static_select', action_id: SCORE_IDS.scoreAction('estimation') });
    expect((score?.element as { options: { text: { text: string }; value: string }[] }).options.map((o) => [o.value, o.text.text])).toEqual([
      ['1', '1 · missing'],
      ['2', '2 · weak'],
      ['3', '3 · solid'],
      ['4', '4 · strong'],
    ]);
    expect(inputById(view, SCORE_IDS.evidenceBlock('estimation'))?.element).toMatchObject({ type: 'plain_text_input', max_length: SCORECARD_LIMITS.evidence });
    expect((inputById(view, BLOCK_IDS.scoreRedFlags)?.element as { options: unknown[] }).options).toHaveLength(RED_FLAGS.length);
    expect((inputById(view, BLOCK_IDS.scoreRecommendation)?.element as { options: unknown[] }).options).toHaveLength(RECOMMENDATIONS.length);
    expect(inputById(view, BLOCK_IDS.scoreStrengths)?.element).toMatchObject({ max_length: SCORECARD_LIMITS.strengths, multiline: true });
    expect(inputById(view, BLOCK_IDS.scoreImprovements)?.element).toMatchObject({ max_length: SCORECARD_LIMITS.improvements, multiline: true });
    // Nothing is filled in for a first card.
    expect(JSON.stringify(view)).not.toMatch(/initial_/);
  });

  it('gives the candidate the same rubric titled as a self-assessment, without red flags or a recommendation', () => {
    const view = renderScorecardModal({ ...base, role: 'candidate' });
    expectFormWithinLimits(view);
    expect(view.title.text).toBe('Self-assessment');
    const ids = inputs(view).map((b) => b.block_id);
    for (const d of RUBRIC) expect(ids).toContain(SCORE_IDS.scoreBlock(d.key));
    expect(ids).not.toContain(BLOCK_IDS.scoreRedFlags);
    expect(ids).not.toContain(BLOCK_IDS.scoreRecommendation);
    expect(inputById(view, BLOCK_IDS.scoreStrengths)?.label.text).toBe('What went well');
  });

  it('opens filled in with the scorer\'s card when they change it, options matching exactly', () => {
    const view = renderScorecardModal({ ...base, role: 'interviewer', card: aCard() });
    expectFormWithinLimits(view);
    expect(view.submit?.text).toBe('Update');
    const select = inputById(view, SCORE_IDS.scoreBlock('requirements'))?.element as { initial_option?: unknown; options: unknown[] };
    expect(select.initial_option).toEqual(select.options[2]);
    expect(inputById(view, SCORE_IDS.scoreBlock('estimation'))?.element).not.toHaveProperty('initial_option');
    expect(inputById(view, SCORE_IDS.evidenceBlock('requirements'))?.element).toMatchObject({ initial_value: 'Asked about scale' });
    const flags = inputById(view, BLOCK_IDS.scoreRedFlags)?.element as { initial_options: { value: string }[]; options: unknown[] };
    expect(flags.initial_options.map((o) => o.value)).toEqual(['no_numbers', 'defensive']);
    for (const o of flags.initial_options) expect(flags.options).toContainEqual(o);
    expect((inputById(view, BLOCK_IDS.scoreRecommendation)?.element as { initial_option: { value: string } }).initial_option.value).toBe('almost');
    expect(inputById(view, BLOCK_IDS.scoreStrengths)?.element).toMatchObject({ initial_value: 'Clear API' });
  });

  it('shows a hostile topic as plain text, and keeps the metadata small', () => {
    const view = renderScorecardModal({ ...base, topic: `${HOSTILE} ${'x'.repeat(5000)}`, role: 'observer' });
    expectFormWithinLimits(view);
    expect((view.blocks[0] as { elements: { type: string }[] }).elements[0]?.type).toBe('plain_text');
    expect(mrkdwnTexts(view.blocks)).toEqual([]);
    expect(encodeScorecardModalMetadata({ s: 'x'.repeat(64), c: 'C'.repeat(32) }).length).toBeLessThan(LIMITS.privateMetadata);
    expect(decodeScorecardModalMetadata('not json')).toBeUndefined();
    expect(decodeScorecardModalMetadata('{"s":""}')).toBeUndefined();
  });
});

/** A view_submission's `state.values` for the form. */
function state(fields: { scores?: Record<string, string | null>; evidence?: Record<string, string>; flags?: string[]; recommendation?: string; strengths?: string }) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(fields.scores ?? {})) {
    values[SCORE_IDS.scoreBlock(key)] = { [SCORE_IDS.scoreAction(key)]: { type: 'static_select', selected_option: value === null ? null : { value } } };
  }
  for (const [key, value] of Object.entries(fields.evidence ?? {})) {
    values[SCORE_IDS.evidenceBlock(key)] = { [SCORE_IDS.evidenceAction(key)]: { type: 'plain_text_input', value } };
  }
  if (fields.flags) values[BLOCK_IDS.scoreRedFlags] = { [ACTION_IDS.scoreRedFlags]: { type: 'checkboxes', selected_options: fields.flags.map((value) => ({ value })) } };
  if (fields.recommendation) values[BLOCK_IDS.scoreRecommendation] = { [ACTION_IDS.scoreRecommendation]: { type: 'radio_buttons', selected_option: { value: fields.recommendation } } };
  if (fields.strengths !== undefined) values[BLOCK_IDS.scoreStrengths] = { [ACTION_IDS.scoreStrengths]: { type: 'plain_text_input', value: fields.strengths } };
  return values;
}

describe('parseScorecardForm', () => {
  it('reads scores, evidence, flags, recommendation and texts as the domain\'s input', () => {
    const input = parseScorecardForm(
      state({ scores: { requirements: '3', estimation: null }, evidence: { requirements: ' asked ', deep_dive: 'no score' }, flags: ['no_numbers'], recommendation: 'ready', strengths: 'API' }),
    );
    expect(input).toEqual({
      scores: { requirements: { score: 3, evidence: ' asked ' }, deep_dive: { evidence: 'no score' } },
      redFlags: ['no_numbers'],
      recommendation: 'ready',
      strengths: 'API',
      improvements: '',
    });
  });

  it('turns a value it did not render into NaN, which validation refuses, and survives garbage', () => {
    expect(parseScorecardForm(state({ scores: { requirements: '7' } })).scores.requirements?.score).toBeNaN();
    expect(parseScorecardForm(state({ scores: { requirements: '' } })).scores.requirements?.score).toBeNaN();
    for (const garbage of [undefined, null, 42, 'x', { a: 1 }, { a: { b: { value: 3 } } }]) {
      expect(parseScorecardForm(garbage)).toEqual({ scores: {}, redFlags: [], recommendation: undefined, strengths: '', improvements: '' });
    }
  });

  it('round-trips a card through the form it renders', () => {
    const card = aCard();
    const view = renderScorecardModal({ ...base, role: 'interviewer', card });
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of inputs(view)) {
      const e = block.element as { action_id: string; initial_option?: { value: string }; initial_options?: { value: string }[]; initial_value?: string };
      values[block.block_id ?? ''] = {
        [e.action_id]: { selected_option: e.initial_option ?? null, selected_options: e.initial_options ?? [], value: e.initial_value ?? null },
      };
    }
    const checked = validateScorecard({ ...parseScorecardForm(values), scorerId: card.scorerId, role: card.role }, T0 + 2 * MIN, card);
    expect(checked).toEqual({ ok: true, value: { ...card, updatedAt: T0 + 2 * MIN } });
  });
});

describe('errorsByBlock', () => {
  it('puts each field\'s error on its block, and form-wide ones on the first score', () => {
    expect(
      errorsByBlock({ scores: 'Score at least one dimension.', 'score.estimation': 'bad', 'evidence.deep_dive': 'long', redFlags: 'flag', recommendation: 'rec', strengths: 's', improvements: 'i' }, 'interviewer'),
    ).toEqual({
      [SCORE_IDS.scoreBlock('requirements')]: 'Score at least one dimension.',
      [SCORE_IDS.scoreBlock('estimation')]: 'bad',
      [SCORE_IDS.evidenceBlock('deep_dive')]: 'long',
      [BLOCK_IDS.scoreRedFlags]: 'flag',
      [BLOCK_IDS.scoreRecommendation]: 'rec',
      [BLOCK_IDS.scoreStrengths]: 's',
      [BLOCK_IDS.scoreImprovements]: 'i',
    });
  });

  it('never names a block the candidate\'s form does not have', () => {
    const errors = errorsByBlock({ redFlags: 'flag', recommendation: 'rec', 'score.requirements': 'pick' }, 'candidate');
    const blocks = new Set(inputs(renderScorecardModal({ ...base, role: 'candidate' })).map((b) => b.block_id));
    for (const id of Object.keys(errors)) expect(blocks.has(id), id).toBe(true);
    expect(errors[SCORE_IDS.scoreBlock('requirements')]).toBe('flag rec pick');
  });
});

describe('renderScorecardsView', () => {
  const cards = [
    aCard({ scorerId: 'UHOST', strengths: HOSTILE }),
    aCard({ scorerId: 'UINT', submittedAt: T0 + MIN, scores: { requirements: { score: 4 } }, redFlags: [], recommendation: 'ready' }),
    aCard({ scorerId: 'UCAND', role: 'candidate', redFlags: [], recommendation: undefined, scores: { requirements: { score: 2 } }, strengths: 'my words' }),
  ];

  it('is read-only: what the cards add up to, then every card, the self-assessment last', () => {
    const view = renderScorecardsView({ topic: 'Design X', sessionEnded: false, candidateId: 'UCAND', cards, aggregate: aggregate(cards) });
    expectModalWithinLimits(view);
    expect(view.callback_id).toBe(CALLBACK_IDS.scorecardsView);
    expect(view.submit).toBeUndefined();
    expect(inputs(view)).toEqual([]);
    const texts = mrkdwnTexts(view.blocks);
    const all = texts.join('\n');
    expect(all).toContain('• *Requirements and scope*: median 3.5 (between solid and strong), spread 1 · self 2 (weak)');
    expect(all).toContain('*Red flags:* No numbers ×1, Defensive ×1');
    expect(all.indexOf('*<@UHOST>* · interviewer')).toBeLessThan(all.indexOf('*<@UCAND>* · self-assessment'));
    expect(all).toContain('• Requirements and scope: 3 (solid) · Asked about scale');
    expect(all).toContain('*Feedback for <@UCAND>*');
    for (const text of texts) expectEscaped(text, ['UHOST', 'UINT', 'UCAND']);
  });

  it('shows the notes kept for the interviewers after what the cards add up to, when given them', () => {
    const view = renderScorecardsView({ topic: 'Design X', sessionEnded: false, candidateId: 'UCAND', cards, aggregate: aggregate(cards), privateNotes: PRIVATE_NOTES });
    expectModalWithinLimits(view);
    const all = mrkdwnTexts(view.blocks).join('\n');
    expect(all).toContain('• *Requirements &amp; scope* · <@UHOST> · _Question_ · Skipped the estimates');
    expect(all.indexOf('*Feedback for <@UCAND>*')).toBeLessThan(all.indexOf('Notes kept for the interviewers'));
    expect(all.indexOf('Notes kept for the interviewers')).toBeLessThan(all.indexOf('*<@UHOST>* · interviewer'));
    expect(JSON.stringify(renderScorecardsView({ topic: 'Design X', sessionEnded: true, candidateId: 'UCAND', cards, aggregate: aggregate(cards) }))).not.toContain('Notes kept');
  });

  it('keeps within 100 blocks however many cards there are, saying how many did not fit', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      aCard({ scorerId: `U${String(i).padStart(4, '0')}`, scores: Object.fromEntries(RUBRIC.map((d) => [d.key, { score: 3, evidence: 'e'.repeat(SCORECARD_LIMITS.evidence) }])), strengths: 's'.repeat(1000), improvements: 'i'.repeat(1000) }),
    );
    const view = renderScorecardsView({ topic: 'Design X', sessionEnded: true, candidateId: null, cards: many, aggregate: aggregate(many) });
    expectModalWithinLimits(view);
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.modalBlocks);
    for (const block of view.blocks as KnownBlock[]) if (block.type === 'section') expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(mrkdwnTexts(view.blocks).at(-1)).toMatch(/^\d+ more cards did not fit here/);
  });

  it('stays a view Slack accepts with the largest panel all writing the longest texts that escaping makes longer still', () => {
    // The host, every interviewer and every observer a session can name, each filling every field to its limit with
    // `<`, which mrkdwn shows as `&lt;`: what the cards add up to then runs past 100 blocks on its own.
    const panel = ['UHOST', ...Array.from({ length: MAX_INTERVIEWERS }, (_, i) => `UINT${i}`), ...Array.from({ length: MAX_OBSERVERS }, (_, i) => `UOBS${i}`)];
    const longest = (scorerId: string, role: Scorecard['role']) =>
      aCard({
        scorerId,
        role,
        scores: Object.fromEntries(RUBRIC.map((d) => [d.key, { score: 2, evidence: '<'.repeat(SCORECARD_LIMITS.evidence) }])),
        strengths: '<'.repeat(SCORECARD_LIMITS.strengths),
        improvements: '>'.repeat(SCORECARD_LIMITS.improvements),
        ...(role === 'candidate' ? { redFlags: [], recommendation: undefined } : {}),
      });
    const all = [...panel.map((id, i) => longest(id, i <= MAX_INTERVIEWERS ? 'interviewer' : 'observer')), longest('UCAND', 'candidate')];
    const notes = Array.from({ length: 300 }, (_, i) => aNote({ id: 5000 + i, visibility: 'interviewers', phaseIndex: i % 4, text: '&'.repeat(MAX_NOTE_LENGTH) }));
    for (const sessionEnded of [false, true]) {
      const view = renderScorecardsView({ topic: '<'.repeat(MAX_TOPIC_LENGTH), sessionEnded, candidateId: 'UCAND', cards: all, aggregate: aggregate(all), privateNotes: notes });
      expect(checkView(view, 'modal')).toBeUndefined();
      expectModalWithinLimits(view);
      const texts = mrkdwnTexts(view.blocks);
      for (const text of texts) expectEscaped(text, [...panel, 'UCAND']);
      // What the cards add up to comes first, the notes follow, and the view says that not everything fitted.
      expect(texts[1]).toMatch(/^\*Scorecard\* · 31 panel cards/);
      expect(texts.join('\n')).toContain('Notes kept for the interviewers');
      expect(texts.join('\n')).toContain('the summary at the end of the session has all of it');
      // The feedback for the candidate is kept whole: only the scorers' own texts are cut.
      expect(texts.join('\n')).toContain('*Feedback for <@UCAND>*\nEvery area the panel scored came out weak (panel median 2).\nTo reach solid, ');
      expect(texts.at(-1)).toBe('32 more cards did not fit here; the summary counts every one.');
    }
  });
});

describe('scoring messages', () => {
  it('confirms a card with nothing but the scorer\'s own', () => {
    const saved = renderScorecardSaved({ topic: 'Design <X>', card: aCard(), edited: false, revealedNow: false });
    expectWithinBlockKitLimits(saved);
    expect(saved.text).toBe(
      '✅ Your scorecard for *Design &lt;X&gt;* is saved (2 of 8 dimensions scored). Cards stay hidden until every interviewer has scored or the session ends. Until then *Score* opens yours again to change it.',
    );
    expect(renderScorecardSaved({ topic: 'X', card: aCard(), edited: true, revealedNow: true }).text).toContain('is updated');
    expect(renderScorecardSaved({ topic: 'X', card: aCard({ role: 'candidate' }), edited: false, revealedNow: false }).text).toContain('Your self-assessment');
  });

  it('tells the panel what the revealed cards add up to, escaped', () => {
    const cards = [aCard({ strengths: HOSTILE }), aCard({ scorerId: 'UOBS', role: 'observer' })];
    const notice = renderRevealNotice({ topic: HOSTILE, aggregate: aggregate(cards) });
    expectWithinBlockKitLimits(notice);
    for (const text of mrkdwnTexts(notice.blocks)) expectEscaped(text, ['UINT', 'UOBS']);
    expect(mrkdwnTexts(notice.blocks).join('\n')).toContain('• *Requirements and scope*: median 3 (solid), spread 0');
  });
});
