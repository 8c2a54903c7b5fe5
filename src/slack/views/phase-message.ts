/** Thread messages: a phase beginning (with its checklist) and the time check before it ends. */
import type { Session } from '../../domain/session.ts';
import { formatDuration, formatTimeLeft } from '../../domain/duration.ts';
import { PHASE_COUNT, phaseAt } from '../../domain/phases.ts';
import { latenessWorthMentioning, phaseEnd } from '../../domain/timeline.ts';
import { escapeMrkdwn, phaseName, slackWhen } from '../mrkdwn.ts';
import { context, fallback, header, section, type SlackMessage } from './message.ts';
import { deadline, HOW_TO_CONTRIBUTE } from './study-group.ts';

export function renderPhaseMessage(session: Session, index: number, dueAt: number, now: number): SlackMessage {
  const phase = phaseAt(index);
  const slot = session.phases[index];
  const length = slot ? formatDuration(slot.plannedMs) : '';
  const until = slackWhen(phaseEnd(session.phases, index, session.endsAt), now);
  const title = `Phase ${index + 1} of ${PHASE_COUNT} · ${phase.name}`;
  const checklist = phase.checklist.map((item) => `☐ ${item}`).join('\n');
  const notes: string[] = [`*Outcome:* ${phase.outcome}`];
  const late = latenessWorthMentioning(dueAt, now);
  if (late !== null) notes.push(`⚠️ Posted ${formatDuration(late)} late: the app was offline when this phase began.`);
  // A study group works at its own pace: the deadline, in each reader's own time zone, is what matters.
  const when = session.isAsync
    ? `*${length}* · 🗓️ *Deadline:* ${deadline(phaseEnd(session.phases, index, session.endsAt))} (your time)`
    : `*${length}*, until ${until}`;
  return {
    text: fallback(`${escapeMrkdwn(title)} (${length})`),
    blocks: [
      header(title),
      section(`${when}\n_${phase.goal}_`),
      section(checklist),
      context(...notes),
      context(session.isAsync ? HOW_TO_CONTRIBUTE : 'Capture decisions with *Add note* on the session message, or `/mockdesign note &lt;text&gt;`.'),
    ],
  };
}

export function renderWarningMessage(session: Session, index: number, dueAt: number, now: number): SlackMessage {
  const left = Math.max(0, phaseEnd(session.phases, index, session.endsAt) - now);
  const next = index + 1 < PHASE_COUNT ? `Next up: *${phaseName(index + 1)}*.` : 'Next up: the summary.';
  // Posted at or after the phase's end (a short phase, or a backlog): say time is up rather than "0 s left".
  const headline = left > 0 ? `⏳ *${formatTimeLeft(left)} left* in *${phaseName(index)}*.` : `⌛ *Time is up* for *${phaseName(index)}*.`;
  const lines = [`${headline} ${next}`];
  const late = latenessWorthMentioning(dueAt, now);
  if (late !== null) lines.push(`_(This reminder is ${formatDuration(late)} late: the app was offline.)_`);
  return {
    text: fallback(left > 0 ? `${formatTimeLeft(left)} left in ${phaseName(index)}` : `Time is up for ${phaseName(index)}`),
    blocks: [section(lines.join('\n'))],
  };
}
