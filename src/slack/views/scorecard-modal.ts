/**
 * The scorecard form, the read-only view of revealed cards, and the parsing of what comes back from the form.
 * Pure: renders and reads, decides nothing.
 *
 * The candidate gets the same rubric titled as a self-assessment, with their own words on what went well and what
 * they would do differently, but without red flags and a recommendation: those are the panel's judgement of the
 * candidate, and the self-assessment is shown beside the panel's scores, never counted with them.
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import type { PanelAggregate, Scorecard, ScorecardErrors, ScorecardField, ScorerRole } from '../../domain/scorecard.ts';
import { RECOMMENDATIONS, RED_FLAGS, RUBRIC, SCORE_LABELS, SCORECARD_LIMITS, type Score } from '../../domain/scorecard.ts';
import type { ScorecardFormInput } from '../../app/scorecards.ts';
import { type Note, noteKindLabel } from '../../domain/notes.ts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS, SCORE_IDS } from '../ids.ts';
import { LIMITS } from '../limits.ts';
import { escapeMrkdwn, mention, phaseName, truncate } from '../mrkdwn.ts';
import { context, section } from './message.ts';
import { aggregateLines, cardLines, feedbackLines, panelTextLines, selfTextLines, type Revealer, whatReveals, whatRevealed, whenTheCandidateSees } from './scorecard-messages.ts';

import { packLines } from './split.ts';

const ScorecardModalMetadata = z.object({ s: z.string().min(1).max(64), c: z.string().max(32) });
export type ScorecardModalMetadata = z.infer<typeof ScorecardModalMetadata>;

export function encodeScorecardModalMetadata(meta: ScorecardModalMetadata): string {
  return JSON.stringify(meta);
}

export function decodeScorecardModalMetadata(raw: string): ScorecardModalMetadata | undefined {
  try {
    const parsed = ScorecardModalMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });

function option(text: string, value: string, description?: string): PlainTextOption {
  return {
    text: plain(truncate(text, LIMITS.optionText)),
    value,
    ...(description ? { description: plain(truncate(description, LIMITS.optionText)) } : {}),
  };
}

/**
 * Sections of notes kept for the interviewers at most, in the form and in the read-only view: the rubric and the
 * cards must still fit in a modal's 100 blocks. Every note comes to the interviewers in full at the end.
 */
export const MAX_PRIVATE_NOTE_SECTIONS = 6;

/**
 * The notes the panel kept for the interviewers, by phase, as evidence to score from. Only ever given to a panel
 * member's view: the candidate's form never receives them.
 */
export function privateNoteBlocks(notes: readonly Note[]): KnownBlock[] {
  if (notes.length === 0) return [];
  const ordered = [...notes].sort((a, b) => a.phaseIndex - b.phaseIndex || a.createdAt - b.createdAt || a.id - b.id);
  const lines = [
    `🔒 *Notes kept for the interviewers* (${notes.length})`,
    ...ordered.map((n) => `• *${phaseName(n.phaseIndex)}* · ${mention(n.authorId)} · _${noteKindLabel(n.kind)}_ · ${escapeMrkdwn(n.text)}`),
  ];
  const sections = packLines(lines);
  const shown = sections.slice(0, MAX_PRIVATE_NOTE_SECTIONS);
  const blocks: KnownBlock[] = shown.map((t) => section(t));
  if (shown.length < sections.length) {
    blocks.push(context('More notes than fit here: every one comes to the interviewers in the private summary at the end.'));
  }
  return blocks;
}

const SCORES: readonly Score[] = [1, 2, 3, 4];
const scoreOptions = SCORES.map((s) => option(`${s} · ${SCORE_LABELS[s]}`, String(s)));
const redFlagOptions = RED_FLAGS.map((f) => option(f.name, f.key));
const recommendationOptions = RECOMMENDATIONS.map((r) => option(r.label, r.key, r.description));
/**
 * Slack offers no way to unpick a select or a radio button, so a field already answered also offers this: picked,
 * the score or the recommendation is cleared (the field reads as if never answered).
 */
export const CLEAR_VALUE = 'none';
const clearScoreOption = option('– Not scored', CLEAR_VALUE);
const clearRecommendationOption = option('No recommendation', CLEAR_VALUE, 'Leave the call to the rest of the panel.');

export interface ScorecardModalInput {
  readonly sessionId: string;
  readonly channelId: string;
  readonly topic: string;
  readonly role: ScorerRole;
  /** The scorer's card when they change it: the form opens filled in with it. */
  readonly card?: Scorecard | undefined;
  /** Notes kept for the interviewers, shown above the rubric; ignored on the candidate's self-assessment. */
  readonly privateNotes?: readonly Note[];
  /** The scorecard is kept to the candidate and the panel: the candidate gets it privately, not in the summary. */
  readonly privateScores?: boolean;
  /** Whose card reveals the cards (the host's when no interviewer is named). */
  readonly revealer?: Revealer;
}

/** The form: a score (1–4) and optional evidence per dimension; for the panel, red flags and a recommendation; strengths and improvements. */
export function renderScorecardModal(input: ScorecardModalInput): ModalView {
  const { card } = input;
  const self = input.role === 'candidate';
  const blocks: KnownBlock[] = [
    // plain_text needs no escaping: Slack shows it literally.
    { type: 'context', elements: [plain(truncate(input.topic, 2000))] },
    {
      type: 'context',
      elements: [
        plain(
          self
            ? `Score yourself on the rubric the panel uses. Nobody on the panel sees it before their own cards are revealed; you can change it until the session ends. ${
                input.privateScores ? 'Then you get it beside their scores, privately.' : 'The summary shows it beside their scores.'
              }`
            : `Blind: nobody sees your card, nor you theirs, until ${whatReveals(input.revealer)} or the session ends. You can change it until then. Score what you saw; skip what you did not.`,
        ),
      ],
    },
    // Checked here as well as where the notes are read: the candidate's form never carries them.
    ...(self ? [] : privateNoteBlocks(input.privateNotes ?? [])),
  ];
  for (const d of RUBRIC) {
    const entry = card?.scores[d.key];
    const initial = entry ? scoreOptions[entry.score - 1] : undefined;
    blocks.push(
      {
        type: 'input',
        block_id: SCORE_IDS.scoreBlock(d.key),
        optional: true,
        label: plain(d.name),
        hint: plain(d.description),
        element: {
          type: 'static_select',
          action_id: SCORE_IDS.scoreAction(d.key),
          placeholder: plain('1 missing · 2 weak · 3 solid · 4 strong'),
          ...(initial ? { options: [...scoreOptions, clearScoreOption], initial_option: initial } : { options: scoreOptions }),
        },
      },
      {
        type: 'input',
        block_id: SCORE_IDS.evidenceBlock(d.key),
        optional: true,
        label: plain(self ? `${d.name}: why` : `${d.name}: evidence`),
        element: {
          type: 'plain_text_input',
          action_id: SCORE_IDS.evidenceAction(d.key),
          multiline: true,
          max_length: SCORECARD_LIMITS.evidence,
          ...(entry?.evidence ? { initial_value: entry.evidence } : {}),
          placeholder: plain(self ? 'What you did, in a sentence' : 'What the candidate said or did'),
        },
      },
    );
  }
  if (!self) {
    const flags = redFlagOptions.filter((o) => card?.redFlags.some((f) => f === o.value));
    const recommendation = recommendationOptions.find((o) => o.value === card?.recommendation);
    blocks.push(
      {
        type: 'input',
        block_id: BLOCK_IDS.scoreRedFlags,
        optional: true,
        label: plain('Red flags'),
        element: { type: 'checkboxes', action_id: ACTION_IDS.scoreRedFlags, options: redFlagOptions, ...(flags.length > 0 ? { initial_options: flags } : {}) },
      },
      {
        type: 'input',
        block_id: BLOCK_IDS.scoreRecommendation,
        optional: true,
        label: plain('Overall recommendation'),
        hint: plain('How ready the candidate is for a real interview at this level.'),
        element: {
          type: 'radio_buttons',
          action_id: ACTION_IDS.scoreRecommendation,
          ...(recommendation
            ? { options: [...recommendationOptions, clearRecommendationOption], initial_option: recommendation }
            : { options: recommendationOptions }),
        },
      },
    );
  }
  const text = (blockId: string, actionId: string, label: string, max: number, value: string | undefined, placeholder: string): KnownBlock => ({
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label),
    element: {
      type: 'plain_text_input',
      action_id: actionId,
      multiline: true,
      max_length: max,
      ...(value ? { initial_value: value } : {}),
      placeholder: plain(placeholder),
    },
  });
  blocks.push(
    text(
      BLOCK_IDS.scoreStrengths,
      ACTION_IDS.scoreStrengths,
      self ? 'What went well' : 'Top strengths',
      SCORECARD_LIMITS.strengths,
      card?.strengths,
      self ? 'What you are pleased with' : 'What the candidate should keep doing',
    ),
    text(
      BLOCK_IDS.scoreImprovements,
      ACTION_IDS.scoreImprovements,
      self ? 'What you would do differently' : 'Top improvements',
      SCORECARD_LIMITS.improvements,
      card?.improvements,
      self ? 'What you would change next time' : 'What would make the biggest difference next time',
    ),
  );
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.scorecardModal,
    private_metadata: encodeScorecardModalMetadata({ s: input.sessionId, c: input.channelId }),
    title: plain(self ? 'Self-assessment' : 'Scorecard'),
    submit: plain(card ? 'Update' : 'Submit'),
    close: plain('Cancel'),
    blocks,
  };
}

export interface ScorecardsViewInput {
  readonly topic: string;
  /** Why the cards can be read: the panel's reveal, or the end of the session. */
  readonly sessionEnded: boolean;
  readonly candidateId: string | null;
  /** The cards the viewer may see (all of them, once revealed). */
  readonly cards: readonly Scorecard[];
  readonly aggregate: PanelAggregate;
  /** Notes kept for the interviewers: the panel's view only (the candidate's is given none). */
  readonly privateNotes?: readonly Note[];
  readonly privateScores?: boolean;
  readonly revealer?: Revealer;
}

/** The revealed cards, read-only: what they add up to, then every card as its scorer filled it in. */
export function renderScorecardsView(input: ScorecardsViewInput): ModalView {
  const self = input.cards.find((c) => c.role === 'candidate');
  const why = input.sessionEnded
    ? 'The session has ended: every card is revealed and can no longer change.'
    : `${whatRevealed(input.revealer)}: the cards are revealed to the panel and can no longer change. ${whenTheCandidateSees(input.privateScores ?? false)}`;
  const added = aggregateLines(input.aggregate, self);
  const texts = [...panelTextLines(input.aggregate), ...selfTextLines(self)];
  const feedback = feedbackLines(input.aggregate, self, input.candidateId);
  const head: KnownBlock[] = [{ type: 'context', elements: [plain(truncate(input.topic, 2000))] }, context(why)];
  const notes = privateNoteBlocks(input.privateNotes ?? []);
  // Room is kept for the closing line about cards that did not fit.
  const room = LIMITS.modalBlocks - 1;
  const summaryRoom = room - head.length - notes.length;
  const sectionsOf = (lines: readonly string[]) => packLines(lines).map((t): KnownBlock => section(t));
  let sections = sectionsOf([...added, ...texts, ...feedback]);
  if (sections.length > summaryRoom) {
    // A full panel's strengths and improvements, escaped (`<` is four characters in mrkdwn), can fill more than a
    // modal's 100 blocks on their own, and Slack would then refuse to open the view at all. What the cards add up
    // to and the feedback stay whole; the texts between them are cut, with one line saying so.
    const top = sectionsOf(added);
    const bottom = sectionsOf(feedback);
    const cut = sectionsOf(texts).slice(0, Math.max(0, summaryRoom - top.length - bottom.length - 1));
    sections = [...top, ...cut, context('Not everything the cards say fits here: the summary at the end of the session has all of it.'), ...bottom];
  }
  const blocks: KnownBlock[] = [...head, ...sections, ...notes];
  // The panel's cards by submission, the self-assessment last.
  const ordered = [...input.cards.filter((c) => c.role !== 'candidate'), ...input.cards.filter((c) => c.role === 'candidate')];
  let shown = 0;
  for (const card of ordered) {
    const cardBlocks: KnownBlock[] = [{ type: 'divider' }, ...packLines(cardLines(card)).map((t) => section(t))];
    if (blocks.length + cardBlocks.length > room) break;
    blocks.push(...cardBlocks);
    shown += 1;
  }
  if (shown < ordered.length) blocks.push(context(`${ordered.length - shown} more card${ordered.length - shown === 1 ? '' : 's'} did not fit here; the summary counts every one.`));
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.scorecardsView,
    title: plain('Scorecards'),
    close: plain('Close'),
    blocks,
  };
}

const StateValue = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});
const ScorecardState = z.record(z.string(), z.record(z.string(), StateValue));

/**
 * Reads the form's state as the domain's input. Nothing is judged here: a score that is not 1–4 or an overlong
 * text is reported by validateScorecard, whose errors `errorsByBlock` puts on the right fields.
 */
export function parseScorecardForm(values: unknown): ScorecardFormInput {
  const parsed = ScorecardState.safeParse(values);
  const state = parsed.success ? parsed.data : {};
  const at = (blockId: string, actionId: string) => state[blockId]?.[actionId];
  const scores: Record<string, { score?: number; evidence?: string }> = {};
  for (const d of RUBRIC) {
    const chosen = at(SCORE_IDS.scoreBlock(d.key), SCORE_IDS.scoreAction(d.key))?.selected_option?.value;
    const picked = chosen === CLEAR_VALUE ? undefined : chosen;
    const evidence = at(SCORE_IDS.evidenceBlock(d.key), SCORE_IDS.evidenceAction(d.key))?.value ?? undefined;
    // Only the values we rendered ("1".."4") become numbers; anything else is NaN, which validation refuses.
    const score = picked === undefined ? undefined : /^[1-4]$/.test(picked) ? Number(picked) : Number.NaN;
    if (score !== undefined || evidence) scores[d.key] = { ...(score === undefined ? {} : { score }), ...(evidence ? { evidence } : {}) };
  }
  const redFlags = at(BLOCK_IDS.scoreRedFlags, ACTION_IDS.scoreRedFlags)?.selected_options?.map((o) => o.value);
  const chosen = at(BLOCK_IDS.scoreRecommendation, ACTION_IDS.scoreRecommendation)?.selected_option?.value;
  const recommendation = chosen === CLEAR_VALUE ? undefined : chosen;
  return {
    scores,
    redFlags: redFlags ?? [],
    recommendation: recommendation ?? undefined,
    strengths: at(BLOCK_IDS.scoreStrengths, ACTION_IDS.scoreStrengths)?.value ?? '',
    improvements: at(BLOCK_IDS.scoreImprovements, ACTION_IDS.scoreImprovements)?.value ?? '',
  };
}

/** The block a form-wide message goes on: the first dimension's score. */
export const FIRST_SCORE_BLOCK = SCORE_IDS.scoreBlock(RUBRIC[0].key);

/** Where each field's error shows on the form, for `response_action: 'errors'`. */
export function blockOfField(field: ScorecardField, role: ScorerRole): string {
  if (field.startsWith('score.')) return SCORE_IDS.scoreBlock(field.slice('score.'.length));
  if (field.startsWith('evidence.')) return SCORE_IDS.evidenceBlock(field.slice('evidence.'.length));
  switch (field) {
    case 'redFlags':
      return role === 'candidate' ? FIRST_SCORE_BLOCK : BLOCK_IDS.scoreRedFlags;
    case 'recommendation':
      return role === 'candidate' ? FIRST_SCORE_BLOCK : BLOCK_IDS.scoreRecommendation;
    case 'strengths':
      return BLOCK_IDS.scoreStrengths;
    case 'improvements':
      return BLOCK_IDS.scoreImprovements;
    default:
      return FIRST_SCORE_BLOCK;
  }
}

/** The domain's errors by field, as Slack wants them: by block id (two messages for one block are joined). */
export function errorsByBlock(errors: ScorecardErrors, role: ScorerRole): Record<string, string> {
  const byBlock: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as [ScorecardField, string][]) {
    const block = blockOfField(field, role);
    byBlock[block] = byBlock[block] ? `${byBlock[block]} ${message}` : message;
  }
  return byBlock;
}
