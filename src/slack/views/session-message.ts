/** The root message in the channel: topic, plan with start times, where the session is, and its buttons. */
import type { ActionsBlock } from '@slack/types';
import type { SessionSnapshot } from '../../app/ports.ts';
import { formatDuration, HOUR, MINUTE } from '../../domain/duration.ts';
import { levelLabel } from '../../domain/levels.ts';
import { isPublicNote } from '../../domain/notes.ts';
import { findPrompt } from '../../domain/prompts.ts';
import { endedWithSummary, isLiveInterview } from '../../domain/session.ts';
import { currentPhaseIndex, phaseEnd, phaseProgress } from '../../domain/timeline.ts';
import { ACTION_IDS, BLOCK_IDS } from '../ids.ts';
import { escapeMrkdwn, mention, phaseName, slackDate, slackWhen, strong, truncate } from '../mrkdwn.ts';
import { context, fallback, header, section, type SlackMessage } from './message.ts';
import { membersLines, membershipRow } from './study-group.ts';

export function renderSessionMessage({ session, notes, members, contributors }: SessionSnapshot, now: number): SlackMessage {
  const ended = session.status === 'ended';
  const endedAt = session.endedAt ?? now;
  const pausedAt = session.status === 'paused' ? session.pausedAt : null;
  const paused = pausedAt !== null;
  const clockAt = pausedAt ?? now;
  const current = currentPhaseIndex(session.phases, ended ? endedAt - 1 : clockAt);

  const people = [`Host ${mention(session.hostId)}`];
  if (session.candidateId) people.push(`Candidate ${mention(session.candidateId)}`);
  if (session.interviewers.length > 0) people.push(`Interviewer${session.interviewers.length > 1 ? 's' : ''} ${session.interviewers.map(mention).join(', ')}`);
  if (session.observers.length > 0) people.push(`Observer${session.observers.length > 1 ? 's' : ''} ${session.observers.map(mention).join(', ')}`);
  if (session.level) people.push(`Level: ${levelLabel(session.level)}`);
  // Said from the start, so the candidate knows where their scores will (and will not) be read.
  if (session.privateScores) people.push('🔒 Scores private');
  // A prompt from the bank brings its brief and the scale to assume: what the candidate starts from.
  const prompt = session.promptId ? findPrompt(session.promptId) : undefined;

  const lines = session.phases.map((slot) => {
    const name = phaseName(slot.index);
    let marker: string;
    if (ended) marker = slot.startsAt < endedAt ? '✅' : '⏭️';
    else if (slot.index < current) marker = '✅';
    else if (slot.index === current) marker = session.status === 'paused' ? '⏸️' : '▶️';
    else marker = '◻️';
    // The plan, with the time added by extensions beside it, as the summary and status show it.
    const added = slot.addedMs ?? 0;
    const parts = [`${marker} ${slot.index + 1}. *${name}*`, `${formatDuration(slot.plannedMs - added)}${added > 0 ? ` (+${formatDuration(added)})` : ''}`];
    if (ended && slot.startsAt >= endedAt) parts.push('not reached');
    // While paused, the phases still ahead start later by however long the pause lasts: no time is known to show.
    else if (!(paused && slot.index > current)) parts.push(`starts ${slackWhen(slot.startsAt, now)}`);
    // A pause makes a phase run longer than planned: said, so that the next start time does not look wrong.
    if ((slot.pausedMs ?? 0) >= 1000) parts.push(`paused ${formatDuration(slot.pausedMs ?? 0)}`);
    return parts.join(' · ');
  });

  let state: string;
  // Said with its day: the ended message stays in the channel, read days later.
  if (ended) state = `Ended ${slackDate(endedAt, '{date_short_pretty} {time}')} · ${endedWithSummary(session) ? 'the summary is in the thread' : 'without a summary'}`;
  else if (session.status === 'paused') state = `⏸️ Paused · \`/mockdesign resume\` carries on where you stopped; the later phases move with the pause`;
  else {
    const name = phaseName(current);
    const end = phaseEnd(session.phases, current, session.endsAt);
    // The live clock: redrawn as the minutes left change (see nextClockTick), and on every change. A group
    // session's message is not redrawn as time passes, so a countdown there would go stale: it keeps the end time,
    // which Slack shows in each reader's zone.
    const ticking = isLiveInterview(session) && now >= (session.phases[current]?.startsAt ?? now);
    const clock = ticking ? ` ${progressBar(phaseProgress(session.phases, current, session.endsAt, now))} ${timeLeft(end - now)}` : '';
    // In the last phase the phase ends with the session: the time is said once.
    const until = end === session.endsAt ? '' : ` · until ${slackWhen(end, now)}`;
    state = `Now: *${name}*${clock}${until} · ends ${slackWhen(session.endsAt, now)}`;
  }
  // Everyone reads this message, the candidate included: notes for the interviewers only are not counted.
  const shared = notes.filter(isPublicNote).length;
  const noteCount = `${shared} note${shared === 1 ? '' : 's'}`;

  // The topic is in the header; it is repeated in full below only when the header had to cut it.
  const shown = truncate(session.topic, 120);
  const intro = shown === session.topic ? people.join(' · ') : `${strong(session.topic)}\n${people.join(' · ')}`;
  const blocks: SlackMessage['blocks'] = [
    header(`Mock system design: ${shown}`),
    section(intro),
    ...(prompt ? [section(`${escapeMrkdwn(prompt.brief)}\n*Scale to assume:* ${escapeMrkdwn(prompt.scale)}`)] : []),
    section(lines.join('\n')),
    // A study group's members, and who of them has added to the phase under way.
    ...(session.isAsync ? [section(membersLines(members ?? [], contributors ?? [], current, ended))] : []),
    context(state, noteCount, 'Phases and checklists go in the thread 🧵'),
  ];
  if (!ended) {
    if (session.isAsync) blocks.push(membershipRow(session.id));
    blocks.push(controls(session.id, current, session.status === 'paused', session.isAsync));
    // A live interview (a candidate or a level) is scored: its own row, as the controls row is full.
    if (isLiveInterview(session)) blocks.push(scoring(session.id));
  }
  return { text: fallback(`Mock system design interview: ${escapeMrkdwn(session.topic)}`), blocks };
}

/** Ten segments, filled as the phase runs: readable at a glance in any client, no image needed. */
export function progressBar(progress: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, progress)) * 10);
  return `${'▰'.repeat(filled)}${'▱'.repeat(10 - filled)}`;
}

/** Whole minutes left, rounded up (whole hours beyond two hours): it changes when the clock ticks. */
export function timeLeft(ms: number): string {
  if (ms <= 0) return 'time is up';
  if (ms < MINUTE) return 'under a minute left';
  if (ms > 2 * HOUR) return `${Math.ceil(ms / HOUR)} h left`;
  return `${Math.ceil(ms / MINUTE)} min left`;
}

/** Button values carry the phase they were rendered in, so a double click on Next moves on only once. */
export function encodeButtonValue(sessionId: string, phaseIndex: number): string {
  return `${sessionId}:${phaseIndex}`;
}

export function decodeButtonValue(value: string | undefined): { sessionId: string; phaseIndex?: number } | undefined {
  const match = /^([A-Za-z0-9_-]{1,64})(?::(\d))?$/.exec(value ?? '');
  if (!match?.[1]) return undefined;
  return match[2] === undefined ? { sessionId: match[1] } : { sessionId: match[1], phaseIndex: Number(match[2]) };
}

/**
 * Score opens the clicker's own card (the panel's scorecard, or the candidate's self-assessment). Also on the
 * interviewers' nudges: one who is not in a private channel sees no session message, and scores from there.
 */
export function scoring(sessionId: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: BLOCK_IDS.scoring,
    elements: [{ type: 'button', action_id: ACTION_IDS.score, text: { type: 'plain_text', text: 'Score' }, value: sessionId }],
  };
}

/** The host's and interviewers' controls; anyone may add a note. A paused session offers Resume and nothing that moves the clock. */
function controls(sessionId: string, phaseIndex: number, paused: boolean, isAsync: boolean): ActionsBlock {
  const value = encodeButtonValue(sessionId, phaseIndex);
  // Pause and Resume take turns in one place, next to Add note: a second click on Resume, landing after the message
  // was redrawn, meets Pause (seen, and undone with one click), never Next phase (a phase skipped).
  const clock: ActionsBlock['elements'] = paused
    ? [{ type: 'button', action_id: ACTION_IDS.resume, text: { type: 'plain_text', text: 'Resume' }, value }]
    : [
        { type: 'button', action_id: ACTION_IDS.pause, text: { type: 'plain_text', text: 'Pause' }, value },
        { type: 'button', action_id: ACTION_IDS.nextPhase, text: { type: 'plain_text', text: 'Next phase' }, value },
        // Five minutes mean nothing to phases that last days: a study group extends with `/mockdesign extend 1d`.
        ...(isAsync ? [] : [{ type: 'button' as const, action_id: ACTION_IDS.extend, text: { type: 'plain_text' as const, text: '+5 min' }, value }]),
      ];
  return {
    type: 'actions',
    block_id: BLOCK_IDS.controls,
    elements: [
      { type: 'button', action_id: ACTION_IDS.addNote, text: { type: 'plain_text', text: 'Add note' }, style: 'primary', value },
      ...clock,
      {
        type: 'button',
        action_id: ACTION_IDS.endSession,
        text: { type: 'plain_text', text: 'End session' },
        style: 'danger',
        value,
        confirm: {
          title: { type: 'plain_text', text: 'End the session?' },
          text: { type: 'plain_text', text: 'The summary is posted in the thread right away.' },
          confirm: { type: 'plain_text', text: 'End it' },
          deny: { type: 'plain_text', text: 'Keep going' },
        },
      },
    ],
  };
}
