/**
 * Scorecards in words: the panel's cards added up (per dimension, red flags, recommendation), one card on its
 * own, and the short messages about scoring (saved, revealed, refused). Shared by the summary, the read-only
 * view and the listeners. What scorers typed is escaped here; our own strings are escaped too (they are cheap to
 * escape and may one day hold an `&`).
 */
import {
  type BesideRow,
  describeScore,
  feedbackForCandidate,
  type PanelAggregate,
  RECOMMENDATIONS,
  RED_FLAGS,
  RUBRIC,
  SCORE_LABELS,
  type Scorecard,
  type ScorerRole,
  selfAssessmentBeside,
} from '../../domain/scorecard.ts';
import { escapeMrkdwn, mention, strong } from '../mrkdwn.ts';
import { context, fallback, section, type SlackMessage } from './message.ts';
import { scoring } from './session-message.ts';
import { packLines } from './split.ts';

const esc = escapeMrkdwn;

/** 3 → "3 (solid)"; 2.5 → "2.5 (between weak and solid)". */
export function scoreText(value: number): string {
  return `${value} (${describeScore(value)})`;
}

/**
 * The panel's part of a dimension's line: its median, its spread once two or more scored it (a single score agrees
 * with nothing), and how many scored it when some of the panel left it out.
 */
export function panelScoreText(row: BesideRow): string {
  if (row.median === null) return 'not scored';
  const spread = row.spread === null ? '' : `, spread ${row.spread}`;
  const scored = row.count < row.of ? `, ${row.count} of ${row.of} scored` : '';
  return `median ${scoreText(row.median)}${spread}${scored}`;
}

/** One line per dimension: the panel's median and spread, with the candidate's own score beside them. */
export function dimensionLines(panel: PanelAggregate, self?: Scorecard): string[] {
  return selfAssessmentBeside(panel, self).map((row) => {
    const panelPart = panelScoreText(row);
    const selfPart = self ? ` · self ${row.self === null ? 'not scored' : scoreText(row.self)}` : '';
    return `• *${esc(row.name)}*: ${panelPart}${selfPart}`;
  });
}

export function redFlagLine(panel: PanelAggregate): string {
  if (panel.redFlags.length === 0) return '*Red flags:* none raised';
  return `*Red flags:* ${panel.redFlags.map((f) => `${esc(f.name)} ×${f.count}`).join(', ')}`;
}

export function recommendationLine(panel: PanelAggregate): string {
  if (panel.recommendations.every((r) => r.count === 0)) return '*Recommendation:* none given';
  return `*Recommendation:* ${panel.recommendations.map((r) => `${esc(r.label)} ${r.count}`).join(' · ')}`;
}

function roleWord(role: ScorerRole): string {
  return role === 'candidate' ? 'self-assessment' : role;
}

/** How many cards count, and who filled them in. */
export function panelHeadline(panel: PanelAggregate): string {
  const n = panel.scorers.length;
  if (n === 0) return 'no panel cards';
  return `${n} panel card${n === 1 ? '' : 's'}: ${panel.scorers.map(mention).join(', ')}`;
}

/** The aggregate as lines: who scored, each dimension (with the self-assessment beside), red flags, recommendations. */
/**
 * `toCandidate`: the lines are addressed to the candidate (their own copy of a scorecard kept private), who is then
 * "you", not a mention of themselves in the third person.
 */
export function aggregateLines(panel: PanelAggregate, self?: Scorecard, toCandidate = false): string[] {
  const selfPart = self ? (toCandidate ? ' · your self-assessment' : ` · self-assessment by ${mention(self.scorerId)}`) : '';
  return [
    `*Scorecard* · ${panelHeadline(panel)}${selfPart}`,
    ...dimensionLines(panel, self),
    redFlagLine(panel),
    recommendationLine(panel),
  ];
}

/** Strengths and improvements as the panel wrote them, by scorer. */
export function panelTextLines(panel: PanelAggregate): string[] {
  const lines: string[] = [];
  if (panel.strengths.length > 0) {
    lines.push('*Strengths*', ...panel.strengths.map((s) => `• ${mention(s.scorerId)} · ${esc(s.text)}`));
  }
  if (panel.improvements.length > 0) {
    lines.push('*Improvements*', ...panel.improvements.map((s) => `• ${mention(s.scorerId)} · ${esc(s.text)}`));
  }
  return lines;
}

/** The candidate's own words from their self-assessment, if they wrote any. */
export function selfTextLines(self: Scorecard | undefined, toCandidate = false): string[] {
  if (!self || (self.strengths === '' && self.improvements === '')) return [];
  return [
    toCandidate ? '*In your own words*' : `*In ${mention(self.scorerId)}'s own words*`,
    ...(self.strengths ? [`• What went well: ${esc(self.strengths)}`] : []),
    ...(self.improvements ? [`• What ${toCandidate ? 'you' : 'they'} would do differently: ${esc(self.improvements)}`] : []),
  ];
}

/** The short section addressed to the candidate. */
export function feedbackLines(panel: PanelAggregate, self: Scorecard | undefined, candidateId: string | null, toCandidate = false): string[] {
  const who = toCandidate ? 'you' : candidateId ? mention(candidateId) : 'the candidate';
  return [`*Feedback for ${who}*`, ...feedbackForCandidate(panel, self).lines.map((line) => esc(line))];
}

/**
 * Whose card reveals the cards: every named interviewer's, or, in a session with no interviewer named, the host's,
 * which the reveal then waits for instead (`you`, said to the host).
 */
export type Revealer = 'interviewers' | 'host' | 'you';

export function whatReveals(revealer: Revealer = 'interviewers'): string {
  return revealer === 'interviewers' ? 'every interviewer has scored' : revealer === 'host' ? 'the host has scored' : 'you have scored';
}

/** The same, opening a sentence: "Every interviewer has scored", "You have scored". */
export function whatRevealed(revealer: Revealer = 'interviewers'): string {
  const what = whatReveals(revealer);
  return what.charAt(0).toUpperCase() + what.slice(1);
}

/** Where and when the candidate reads the panel's scores: in the summary, or, kept private, by themselves. */
export function whenTheCandidateSees(privateScores: boolean): string {
  return privateScores
    ? 'The candidate gets the scores privately once the session ends; they stay out of the thread.'
    : 'The candidate sees the scores in the summary once the session ends.';
}

/** One card as its scorer filled it in. */
export function cardLines(card: Scorecard): string[] {
  const lines = [`*${mention(card.scorerId)}* · ${roleWord(card.role)}`];
  for (const d of RUBRIC) {
    const entry = card.scores[d.key];
    if (!entry) continue;
    lines.push(`• ${esc(d.name)}: ${entry.score} (${SCORE_LABELS[entry.score]})${entry.evidence ? ` · ${esc(entry.evidence)}` : ''}`);
  }
  if (card.role !== 'candidate') {
    const flags = RED_FLAGS.filter((f) => card.redFlags.includes(f.key)).map((f) => esc(f.name));
    lines.push(`Red flags: ${flags.length > 0 ? flags.join(', ') : 'none'}`);
    const recommendation = RECOMMENDATIONS.find((r) => r.key === card.recommendation);
    lines.push(`Recommendation: ${recommendation ? esc(recommendation.label) : 'none'}`);
  }
  const [good, better] = card.role === 'candidate' ? ['What went well', 'What I would do differently'] : ['Strengths', 'Improvements'];
  if (card.strengths) lines.push(`${good}: ${esc(card.strengths)}`);
  if (card.improvements) lines.push(`${better}: ${esc(card.improvements)}`);
  return lines;
}

const scoredCount = (card: Scorecard) => Object.keys(card.scores).length;

/**
 * The scorer's confirmation. It speaks of their own card only: nothing in it comes from anyone else's, so it is
 * safe before the reveal.
 */
export function renderScorecardSaved(input: { topic: string; card: Scorecard; edited: boolean; revealedNow: boolean; privateScores?: boolean; revealer?: Revealer }): SlackMessage {
  const { card } = input;
  const what = card.role === 'candidate' ? 'self-assessment' : 'scorecard';
  const scored = `${scoredCount(card)} of ${RUBRIC.length} dimensions scored`;
  const first = `✅ Your ${what} for ${strong(input.topic)} is ${input.edited ? 'updated' : 'saved'} (${scored}).`;
  let rest: string;
  if (card.role === 'candidate') {
    rest = `Nobody on the panel sees it before their own cards are revealed. You can change it with *Score* until the session ends; ${
      input.privateScores ? "then you get it beside the panel's scores, privately." : "the summary shows it beside the panel's scores."
    }`;
  } else if (input.revealedNow) {
    rest =
      input.revealer === 'you'
        ? 'No interviewer is named, so yours is the card the reveal waited for: the cards are revealed to the panel, and can no longer change.'
        : `With it ${whatReveals(input.revealer)}: the cards are revealed to the panel, and can no longer change.`;
  } else {
    rest = `Cards stay hidden until ${whatReveals(input.revealer)} or the session ends. Until then *Score* opens yours again to change it.`;
  }
  const text = `${first} ${rest}`;
  return { text: fallback(text), blocks: [section(text)] };
}

/** To each member of the panel, privately: the cards are revealed, and what they add up to. */
export function renderRevealNotice(input: { sessionId?: string; topic: string; aggregate: PanelAggregate; privateScores?: boolean; revealer?: Exclude<Revealer, 'you'> }): SlackMessage {
  const intro = `🔓 ${whatRevealed(input.revealer)} ${strong(input.topic)}: the cards are revealed to the panel. ${whenTheCandidateSees(input.privateScores ?? false)}`;
  const lines = [intro, ...aggregateLines(input.aggregate)];
  return {
    text: fallback(`The scorecards of ${esc(input.topic)} are revealed to the panel`),
    blocks: [
      ...packLines(lines).map((t) => section(t)),
      context('*Score* shows every card. Cards can no longer change.'),
      // Here as on the session message: an observer outside a private channel sees no session message, nor any nudge.
      ...(input.sessionId ? [scoring(input.sessionId)] : []),
    ],
  };
}

/** Someone who is neither on the panel nor the candidate clicked Score. */
export function renderNotAScorer(hostId: string): SlackMessage {
  const text = `Scorecards are for the panel (the host, interviewers and observers) and for the candidate's self-assessment, so there is no card for you in this session. You can still add notes. (Host: ${mention(hostId)}.)`;
  return { text: fallback(text), blocks: [section(text)] };
}
