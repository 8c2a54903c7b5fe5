/** The scorecard part of the summary, rendered from cards directly. */
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { RUBRIC, type Scorecard } from '../../../../src/domain/scorecard.ts';
import { buildSummary } from '../../../../src/domain/summary.ts';
import type { SlackMessage } from '../../../../src/slack/views/message.ts';
import { renderPrivateScorecard, renderSummary, SCORECARD_KEPT } from '../../../../src/slack/views/summary-message.ts';
import { expectEscaped, expectWithinBlockKitLimits, HOSTILE, sectionTexts } from '../../support/block-kit.ts';
import { aSession, aSummaryInput, MIN, T0 } from '../../support/builders.ts';

const allBlocks = (messages: readonly SlackMessage[]): KnownBlock[] => messages.flatMap((m) => m.blocks);
const allSectionText = (messages: readonly SlackMessage[]) => sectionTexts(allBlocks(messages)).join('\n');

function aCard(overrides: Partial<Scorecard>): Scorecard {
  return { scorerId: 'UINT', role: 'interviewer', scores: {}, redFlags: [], strengths: '', improvements: '', submittedAt: T0, updatedAt: T0, ...overrides };
}

const live = buildSummary(aSummaryInput({ hostId: 'UHOST', interviewers: ['UINT'], candidateId: 'UCAND', observers: ['UOBS'], level: 'senior', endedAt: T0 + 45 * MIN }));
const group = buildSummary(aSummaryInput({ hostId: 'UHOST', endedAt: T0 + 45 * MIN }));

const cards: Scorecard[] = [
  aCard({
    scorerId: 'UHOST',
    scores: { requirements: { score: 3, evidence: 'secret-evidence' }, estimation: { score: 2 }, deep_dive: { score: 4 } },
    redFlags: ['no_numbers'],
    recommendation: 'almost',
    strengths: `Clear API ${HOSTILE}`,
    improvements: 'Estimate first',
  }),
  aCard({ scorerId: 'UINT', submittedAt: T0 + MIN, scores: { requirements: { score: 2 }, estimation: { score: 1 }, deep_dive: { score: 4 } }, redFlags: ['no_numbers', 'defensive'], recommendation: 'almost' }),
  aCard({ scorerId: 'UOBS', role: 'observer', submittedAt: T0 + 2 * MIN, scores: { requirements: { score: 4 } }, recommendation: 'ready' }),
  aCard({ scorerId: 'UCAND', role: 'candidate', submittedAt: T0 + 3 * MIN, scores: { requirements: { score: 4 }, estimation: { score: 4 } }, strengths: 'I scoped well', improvements: '' }),
];

describe('renderSummary with scorecards', () => {
  const messages = renderSummary(live, { cards, revealed: true });
  const text = allSectionText(messages);

  it('stays within Block Kit limits and escapes what scorers typed', () => {
    for (const m of messages) expectWithinBlockKitLimits(m);
    for (const t of sectionTexts(allBlocks(messages))) expectEscaped(t, ['UHOST', 'UINT', 'UOBS', 'UCAND']);
    expect(text).toContain('Clear API &lt;!channel&gt; ping &lt;@U999&gt;');
  });

  it('shows per dimension the panel\'s median and spread, with the self-assessment beside', () => {
    expect(text).toContain('*Scorecard* · 3 panel cards: <@UHOST>, <@UINT>, <@UOBS> · self-assessment by <@UCAND>');
    const lines = text.split('\n').filter((l) => l.startsWith('• *'));
    expect(lines).toHaveLength(RUBRIC.length);
    expect(lines).toEqual([
      '• *Requirements and scope*: median 3 (solid), spread 2 · self 4 (strong)',
      '• *Estimation*: median 1.5 (between missing and weak), spread 1, 2 of 3 scored · self 4 (strong)',
      '• *API and data model*: not scored · self not scored',
      '• *High-level design*: not scored · self not scored',
      '• *Deep dive and trade-offs*: median 4 (strong), spread 0, 2 of 3 scored · self not scored',
      '• *Scalability and operations*: not scored · self not scored',
      '• *Communication*: not scored · self not scored',
      '• *Time management*: not scored · self not scored',
    ]);
  });

  it('counts red flags and recommendations; the self-assessment counts in neither', () => {
    expect(text).toContain('*Red flags:* No numbers ×2, Defensive ×1');
    expect(text).toContain('*Recommendation:* Not yet 0 · Almost there 2 · Ready 1 · Strongly ready 0');
  });

  it('lists strengths and improvements by scorer, the candidate\'s own words, and feedback addressed to the candidate', () => {
    expect(text).toContain('*Strengths*\n• <@UHOST> · Clear API');
    expect(text).toContain('*Improvements*\n• <@UHOST> · Estimate first');
    expect(text).toContain("*In <@UCAND>'s own words*\n• What went well: I scoped well");
    const feedback = sectionTexts(allBlocks(messages)).find((t) => t.startsWith('*Feedback for <@UCAND>*')) ?? '';
    expect(feedback.split('\n')).toEqual([
      '*Feedback for <@UCAND>*',
      'What went well: Deep dive and trade-offs (panel median 4, strong) and Requirements and scope (panel median 3, solid).',
      'To work on: Estimation (panel median 1.5, between missing and weak). Practise quick estimates: daily users to requests per second to storage per year, in under two minutes.',
      'You gave yourself 4 (strong) on Estimation, the panel 1.5: ask them what would have made it show.',
    ]);
  });

  it('never shows evidence in the public summary', () => {
    expect(text).not.toContain('secret-evidence');
  });

  it('shows no score before the reveal', () => {
    const hidden = allSectionText(renderSummary(live, { cards, revealed: false }));
    expect(hidden).toContain('*Scorecard:* the cards are revealed when the session ends.');
    for (const word of ['median', 'Clear API', 'No numbers', 'Almost there', 'I scoped well']) expect(hidden).not.toContain(word);
  });

  it('says so when a live interview got no cards, and adds nothing to a group session or without scorecards', () => {
    expect(allSectionText(renderSummary(live, { cards: [], revealed: true }))).toContain('*Scorecard:* no cards were submitted.');
    expect(renderSummary(group, { cards: [], revealed: true })).toEqual(renderSummary(group));
    expect(allSectionText(renderSummary(live))).not.toContain('Scorecard');
  });

  it('splits a summary with many long cards over several messages, dropping nothing', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      aCard({ scorerId: `U${String(i).padStart(4, '0')}`, role: 'observer', scores: { communication: { score: 3 } }, strengths: `strength ${i} ${'s'.repeat(900)}`, improvements: `improve ${i} ${'i'.repeat(900)}` }),
    );
    const split = renderSummary(live, { cards: many, revealed: true });
    expect(split.length).toBeGreaterThan(1);
    for (const m of split) expectWithinBlockKitLimits(m);
    const all = allSectionText(split);
    for (let i = 0; i < 40; i++) {
      expect(all).toContain(`strength ${i} `);
      expect(all).toContain(`improve ${i} `);
    }
  });
});

describe('a scorecard kept private', () => {
  const session = aSession({ topic: `Design a feed ${HOSTILE}`, hostId: 'UHOST', interviewers: ['UINT'], candidateId: 'UCAND', observers: ['UOBS'], level: 'senior', privateScores: true });

  it('is only said to be so in the public summary, once revealed', () => {
    const kept = allSectionText(renderSummary(live, { cards, revealed: true, kept: true }));
    expect(kept).toContain(SCORECARD_KEPT);
    for (const word of ['median', 'Clear API', 'No numbers', 'Almost there', 'I scoped well', 'Feedback for']) expect(kept).not.toContain(word);
    // Before the reveal, and with no cards, it reads as any live interview's.
    expect(allSectionText(renderSummary(live, { cards, revealed: false, kept: true }))).toContain('the cards are revealed when the session ends');
    expect(allSectionText(renderSummary(live, { cards: [], revealed: true, kept: true }))).toContain('no cards were submitted');
  });

  it('gives the panel the sections a public summary would show, and the candidate the same addressed to them, escaped', () => {
    const publicSections = sectionTexts(allBlocks(renderSummary(live, { cards, revealed: true }))).filter((t) => /^\*(Scorecard|Strengths|Improvements|In |Feedback)/.test(t));
    for (const reader of ['candidate', 'panel'] as const) {
      const messages = renderPrivateScorecard(session, cards, reader);
      for (const m of messages) expectWithinBlockKitLimits(m);
      const texts = sectionTexts(allBlocks(messages));
      for (const t of texts) expectEscaped(t, ['UHOST', 'UINT', 'UOBS', 'UCAND']);
      expect(texts.join('\n')).not.toContain('secret-evidence');
      if (reader === 'panel') expect(texts.slice(1)).toEqual(publicSections);
    }
    // The candidate's own copy speaks to them: the same figures, with "you" where the others read their name.
    const mine = sectionTexts(allBlocks(renderPrivateScorecard(session, cards, 'candidate')));
    expect(mine.slice(1).map((t) => t.replace('· your self-assessment', '· self-assessment by <@UCAND>').replace('*In your own words*', "*In <@UCAND>'s own words*").replace('*Feedback for you*', '*Feedback for <@UCAND>*'))).toEqual(publicSections);
    expect(mine.join('\n')).not.toContain("<@UCAND>'s own words");
    expect(mine[0]).toContain("what the panel's cards add up to, beside your self-assessment.");
    const selfOnly = cards.filter((c) => c.role === 'candidate');
    expect(sectionTexts(allBlocks(renderPrivateScorecard(session, selfOnly, 'candidate')))[0]).toContain('no card came in from the panel; your self-assessment is below.');
    const panelOnly = cards.filter((c) => c.role !== 'candidate');
    expect(sectionTexts(allBlocks(renderPrivateScorecard(session, panelOnly, 'candidate')))[0]).toMatch(/what the panel's cards add up to\.$/);
    expect(renderPrivateScorecard(session, cards, 'candidate')[0]?.text).toBe(
      'Your scorecard from Design a feed &lt;!channel&gt; ping &lt;@U999&gt; &amp; &lt;https://evil.example|click&gt; &lt;#C1|general&gt; &lt;!here&gt;',
    );
    expect(sectionTexts(allBlocks(renderPrivateScorecard(session, cards, 'panel')))[0]).toContain('kept private: the panel and the candidate each get it');
  });

  it('comes in several messages when the cards are long, dropping nothing', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      aCard({ scorerId: `U${String(i).padStart(4, '0')}`, role: 'observer', scores: { communication: { score: 3 } }, strengths: `strength ${i} ${'s'.repeat(900)}` }),
    );
    const split = renderPrivateScorecard(session, many, 'candidate');
    expect(split.length).toBeGreaterThan(1);
    for (const m of split) expectWithinBlockKitLimits(m);
    for (let i = 0; i < 40; i++) expect(allSectionText(split)).toContain(`strength ${i} `);
  });
});
