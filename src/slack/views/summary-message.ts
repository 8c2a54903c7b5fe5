/** The summary posted in the thread at the end, split over as many messages as Block Kit needs. */
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.ts';
import { levelLabel } from '../../domain/levels.ts';
import { noteKindLabel } from '../../domain/notes.ts';
import { aggregate, type Scorecard } from '../../domain/scorecard.ts';
import { type Summary, timeAddedNote } from '../../domain/summary.ts';
import type { Session } from '../../domain/session.ts';
import { escapeMrkdwn, mention, strong, truncate } from '../mrkdwn.ts';
import { context, fallback, header, section, type SlackMessage } from './message.ts';
import { aggregateLines, feedbackLines, panelTextLines, selfTextLines } from './scorecard-messages.ts';
import { packLines, splitIntoMessages } from './split.ts';

const END_REASONS: Record<string, string> = {
  ended_by_host: 'ended early by the host',
  channel_not_found: 'stopped: the channel is gone',
  is_archived: 'stopped: the channel was archived',
  paused_too_long: 'ended by itself after a long pause',
};

/**
 * The session's scorecards, for a summary: `revealed` only once the candidate may see them (the session ended).
 * `kept`: the session keeps its scorecard to the candidate and the panel, so a public summary only says so.
 */
export interface SummaryScoring {
  readonly cards: readonly Scorecard[];
  readonly revealed: boolean;
  readonly kept?: boolean;
}

/** What a public summary says of a scorecard kept to the candidate and the panel. */
export const SCORECARD_KEPT = '*Scorecard:* kept private. The candidate and the panel each got it privately.';

/**
 * The scorecard part of the summary: what the panel's cards add up to with the self-assessment beside them, the
 * panel's strengths and improvements, the candidate's own words and a short section addressed to the candidate.
 * The summary is public, so nothing of a card shows before the reveal. A session nobody scored shows nothing,
 * unless it was a live interview, which says so. One list of lines per section.
 */
export function scorecardSections(summary: Pick<Summary, 'candidateId' | 'level'>, scoring: SummaryScoring | undefined, toCandidate = false): string[][] {
  const cards = scoring?.cards ?? [];
  const live = summary.candidateId !== null || summary.level !== null;
  if (!scoring || (cards.length === 0 && !live)) return [];
  if (cards.length === 0) return [['*Scorecard:* no cards were submitted.']];
  if (!scoring.revealed) return [['*Scorecard:* the cards are revealed when the session ends.']];
  if (scoring.kept) return [[SCORECARD_KEPT]];
  const panel = aggregate(cards);
  const self = cards.find((c) => c.role === 'candidate');
  const words = [...panelTextLines(panel), ...selfTextLines(self, toCandidate)];
  return [aggregateLines(panel, self, toCandidate), ...(words.length > 0 ? [words] : []), feedbackLines(panel, self, summary.candidateId, toCandidate)];
}

/**
 * A scorecard kept to the candidate and the panel, as each of them gets it at the end: the summary's scorecard part,
 * with a line saying who else sees it. Split over as many messages as Block Kit needs, like the summary.
 */
export function renderPrivateScorecard(session: Session, cards: readonly Scorecard[], reader: 'candidate' | 'panel'): SlackMessage[] {
  const topic = strong(session.topic);
  const toCandidate = reader === 'candidate';
  const opening = toCandidate ? `🔒 Your scorecard from ${topic}: ${candidateOpening(cards)}` : `🔒 The scorecard of ${topic}, kept private: the panel and the candidate each get it.`;
  const blocks: KnownBlock[] = [section(opening)];
  for (const lines of scorecardSections(session, { cards, revealed: true }, toCandidate)) for (const text of packLines(lines)) blocks.push(section(text));
  blocks.push(context('Only the candidate and the panel (host, interviewers and observers) see this; the summary in the thread does not show the scores.'));
  const title = reader === 'candidate' ? `Your scorecard from ${escapeMrkdwn(truncate(session.topic, 150))}` : `The scorecard of ${escapeMrkdwn(truncate(session.topic, 150))}`;
  return splitIntoMessages(
    blocks,
    (part, parts) => fallback(parts > 1 ? `${title} (part ${part} of ${parts})` : title),
    (part, parts) => context(`_🔒 Scorecard, part ${part} of ${parts}_`),
  );
}

/** What the candidate's own copy holds, from the cards that came in: the panel's, their own, or both. */
function candidateOpening(cards: readonly Scorecard[]): string {
  const panel = cards.some((c) => c.role !== 'candidate');
  const self = cards.some((c) => c.role === 'candidate');
  if (panel && self) return "what the panel's cards add up to, beside your self-assessment.";
  if (panel) return "what the panel's cards add up to.";
  return 'no card came in from the panel; your self-assessment is below.';
}

export function renderSummary(summary: Summary, scoring?: SummaryScoring, studyGroup?: { members: number; perPhase: readonly number[]; membersPerPhase?: readonly number[] }): SlackMessage[] {
  const topic = escapeMrkdwn(summary.topic);
  const blocks: KnownBlock[] = [header('Summary')];
  const how = summary.endedEarly ? ` (${END_REASONS[summary.endReason ?? ''] ?? 'ended early'})` : '';
  // A study group can be large: the overview is packed like the notes, so no participant is dropped.
  const roles = [
    `host ${mention(summary.hostId)}`,
    ...(summary.candidateId ? [`candidate ${mention(summary.candidateId)}`] : []),
    ...(summary.interviewers.length > 0 ? [`interviewer${summary.interviewers.length > 1 ? 's' : ''} ${summary.interviewers.map(mention).join(', ')}`] : []),
    ...(summary.observers.length > 0 ? [`observer${summary.observers.length > 1 ? 's' : ''} ${summary.observers.map(mention).join(', ')}`] : []),
  ];
  const overview = [
    `*Topic:* ${topic}`,
    // A live interview (a candidate, observers or a level) names who was who; a group session needs no roles.
    ...(summary.candidateId || summary.observers.length > 0 || summary.level
      ? [`*Roles:* ${roles.join(' · ')}${summary.level ? ` · level ${levelLabel(summary.level)}` : ''}`]
      : []),
    `*Took part:* ${summary.participants.map(mention).join(', ')}`,
    `*Time:* ${formatDuration(summary.totalPlannedMs)} planned${timeAddedNote(summary.totalAddedMs)}, ${formatDuration(summary.totalActualMs)} taken${how}`,
    `*Notes:* ${summary.noteCount}`,
    // A study group's record: how many of its members added to each phase (a note, or a reply in the thread).
    ...(studyGroup
      ? [
          studyGroup.members === 0
            ? '*Members:* nobody joined'
            : // A phase the session never reached had nobody to count: it says so, as the timing below does.
              `*Members:* ${studyGroup.members} · contributed: ${summary.phases
                .map((p) => `${escapeMrkdwn(p.name)} ${p.actualMs === null ? 'not reached' : `${studyGroup.perPhase[p.index] ?? 0} of ${studyGroup.membersPerPhase?.[p.index] ?? studyGroup.members}`}`)
                .join(' · ')}`,
        ]
      : []),
  ];
  for (const text of packLines(overview)) blocks.push(section(text));
  const timing = summary.phases.map((p) => {
    const actual = p.actualMs === null ? 'not reached' : formatDuration(p.actualMs);
    const paused = p.pausedMs > 0 ? `, of which paused ${formatDuration(p.pausedMs)}` : '';
    return `${p.index + 1}. *${escapeMrkdwn(p.name)}*: planned ${formatDuration(p.plannedMs)}${timeAddedNote(p.addedMs)}, actual ${actual}${paused}`;
  });
  blocks.push(section(timing.join('\n')), { type: 'divider' });

  for (const phase of summary.phases) {
    const count = phase.notes.length;
    const lines = [`*${escapeMrkdwn(phase.name)}* · ${count === 0 ? 'no notes' : `${count} note${count === 1 ? '' : 's'}`}`];
    for (const note of phase.notes) {
      lines.push(`• ${mention(note.authorId)} · _${noteKindLabel(note.kind)}_ · ${escapeMrkdwn(note.text)}`);
    }
    for (const text of packLines(lines)) blocks.push(section(text));
  }
  const scores = scorecardSections(summary, scoring);
  if (scores.length > 0) blocks.push({ type: 'divider' });
  for (const lines of scores) for (const text of packLines(lines)) blocks.push(section(text));
  blocks.push({ type: 'divider' }, context(`🎤 *Wrap-up reminder:* ${escapeMrkdwn(summary.reminder)}`));

  const title = `Summary of ${escapeMrkdwn(truncate(summary.topic, 150))}`;
  return splitIntoMessages(
    blocks,
    (part, parts) => fallback(parts > 1 ? `${title} (part ${part} of ${parts})` : title),
    (part, parts) => context(`_Summary, part ${part} of ${parts}_`),
  );
}
