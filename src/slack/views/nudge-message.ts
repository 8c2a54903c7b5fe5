/**
 * Private nudges for the interviewers of a live interview: as a phase starts, what to listen for at this level
 * and the prompt's probes; at its midpoint, what the notes do not show yet. Only ever sent to the panel, as an
 * ephemeral message or a DM; never into the channel or the thread, where the candidate reads.
 */
import { type Note, noteKindLabel } from '../../domain/notes.ts';
import { PHASES } from '../../domain/phases.ts';
import { levelLabel } from '../../domain/levels.ts';
import { midpointNudge } from '../../domain/coverage.ts';
import { phaseStartNudge } from '../../domain/levels.ts';
import { findPrompt } from '../../domain/prompts.ts';
import type { Session } from '../../domain/session.ts';
import { phaseEnd } from '../../domain/timeline.ts';
import { escapeMrkdwn, mention, phaseName, strong } from '../mrkdwn.ts';
import { context, fallback, section, type SlackMessage } from './message.ts';
import { scoring } from './session-message.ts';
import { packLines, splitIntoMessages } from './split.ts';

export type NudgeMoment = 'start' | 'mid';

/**
 * Who gets the nudges: the host and the interviewers, never the candidate (not even a host who is one). A nudge's
 * parts are counted by position in this list, and a nudge half-sent (Slack asked us to slow down) is finished later:
 * ordered by user id, the list stays the same when the host hands over to a fellow interviewer, so nobody gets the
 * rest of it twice and nobody is skipped.
 */
export function nudgeRecipients(session: Session): string[] {
  const panel = [session.hostId, ...session.interviewers].filter((id) => id !== session.candidateId);
  return [...new Set(panel)].sort();
}

/** "nudge:start:2" → start, phase 2. */
export function parseNudgeKey(key: string): { moment: NudgeMoment; phaseIndex: number } | undefined {
  const match = /^nudge:(start|mid):(\d)$/.exec(key);
  return match ? { moment: match[1] as NudgeMoment, phaseIndex: Number(match[2]) } : undefined;
}

const bullets = (items: readonly string[]) => items.map((item) => `• ${escapeMrkdwn(item)}`);

export function renderNudge(session: Session, moment: NudgeMoment, phaseIndex: number, notes: readonly Note[]): SlackMessage {
  const phase = PHASES[phaseIndex];
  const key = phase?.key ?? 'requirements';
  const slot = session.phases[phaseIndex];
  const plannedMs = slot ? phaseEnd(session.phases, phaseIndex, session.endsAt) - slot.startsAt : 0;
  const topic = escapeMrkdwn(session.topic);
  const prompt = session.promptId ? findPrompt(session.promptId) : undefined;
  const lines: string[] = [];
  let title: string;
  if (moment === 'start') {
    title = `🔒 For interviewers: *${phaseName(phaseIndex)}* begins · ${topic} in <#${session.channelId}>`;
    // Without a level named, the senior bar is the usual reference point of a mock interview.
    const nudge = phaseStartNudge({ level: session.level ?? 'senior', phaseKey: key, plannedMs, prompt });
    lines.push(`*Listen for (${levelLabel(session.level ?? 'senior')}${session.level ? '' : ', no level named'})*`, ...bullets(nudge.listenFor));
    if (nudge.strong.length > 0) lines.push('*A strong answer covers*', ...bullets(nudge.strong));
    if (nudge.probes.length > 0) lines.push('*Probes*', ...bullets(nudge.probes));
    if (nudge.timeAdvice.length > 0) lines.push('*Time*', ...bullets(nudge.timeAdvice));
  } else {
    title = `🔒 For interviewers: half-way through *${phaseName(phaseIndex)}* · ${topic} in <#${session.channelId}>`;
    const captured = notes.map((n) => ({ phaseIndex: n.phaseIndex, kind: n.kind, text: n.text, createdAt: n.createdAt }));
    const nudge = midpointNudge({ phaseKey: key, notes: captured, plannedMs, level: session.level ?? undefined });
    if (nudge.missing.length > 0) lines.push('*Not in the notes yet*', ...bullets(nudge.missing.map((f) => f.text)));
    else lines.push('The notes so far cover what this phase asks for.');
    if (nudge.timeAdvice.length > 0) lines.push('*Time*', ...bullets(nudge.timeAdvice));
  }
  return {
    text: fallback(moment === 'start' ? `For interviewers: ${phaseName(phaseIndex)} begins` : `For interviewers: half-way through ${phaseName(phaseIndex)}`),
    blocks: [
      section(title),
      ...packLines(lines).map((text) => section(text)),
      context('Only the interviewers see this; the candidate does not.'),
      // Where the nudge is, the scorecard is a click away: from a direct message too, outside the channel.
      scoring(session.id),
    ],
  };
}

/**
 * The notes kept for the interviewers only, by phase: sent to each member of the panel as the session ends.
 * A long one is split into several messages, like the public summary; nothing is left out.
 */
export function renderPrivateSummary(session: Session, privateNotes: readonly Note[]): SlackMessage[] {
  const lines: string[] = [];
  for (const [index, phase] of PHASES.entries()) {
    const notes = privateNotes.filter((n) => n.phaseIndex === index);
    if (notes.length === 0) continue;
    lines.push(`*${escapeMrkdwn(phase.name)}*`);
    for (const note of notes) lines.push(`• ${mention(note.authorId)} · _${noteKindLabel(note.kind)}_ · ${escapeMrkdwn(note.text)}`);
  }
  const topic = escapeMrkdwn(session.topic);
  const blocks: SlackMessage['blocks'] = [
    section(`🔒 For the panel: the notes you kept for yourselves in ${strong(session.topic)} (${privateNotes.length})`),
    ...packLines(lines).map((text) => section(text)),
    context('Only the panel (host, interviewers and observers) sees this; the candidate does not, and the thread and its summary do not hold these notes.'),
  ];
  const title = `For the panel: ${privateNotes.length} private note${privateNotes.length === 1 ? '' : 's'} from ${topic}`;
  return splitIntoMessages(
    blocks,
    (part, parts) => fallback(parts > 1 ? `${title} (part ${part} of ${parts})` : title),
    (part, parts) => context(`_🔒 For the panel, part ${part} of ${parts}_`),
  );
}
