/**
 * The line said in a session's thread when someone changes its clock: the phase messages there give a deadline, and
 * whoever follows the thread would otherwise go on reading the old one.
 */
import type { ClockChange } from '../../domain/clock-change.ts';
import { formatDuration } from '../../domain/duration.ts';
import type { Session } from '../../domain/session.ts';
import { latenessWorthMentioning } from '../../domain/timeline.ts';
import { mention, phaseName, slackWhen } from '../mrkdwn.ts';
import { fallback, section, type SlackMessage } from './message.ts';

export function renderClockChangeLine(session: Pick<Session, 'isAsync'>, change: ClockChange, now: number): SlackMessage {
  const by = mention(change.by);
  const phase = `*${phaseName(change.phaseIndex)}*`;
  const line = (() => {
    switch (change.kind) {
      case 'extended':
        return `⏱️ ${by} added ${formatDuration(change.ms)}: ${phase} now ends at ${slackWhen(change.endsAt, now)}${session.isAsync ? '' : ', and the phases after it start later'}.`;
      case 'paused':
        return `⏸️ Paused by ${by}, with ${formatDuration(change.ms)} left in ${phase}: the clock is stopped until the session is resumed.`;
      case 'resumed':
        return `▶️ Resumed by ${by}: the schedule moved by ${formatDuration(change.ms)}, and ${phase} now ends at ${slackWhen(change.endsAt, now)}.`;
    }
  })();
  const late = latenessWorthMentioning(change.at, now);
  const text = late === null ? line : `${line}\n_(Posted ${formatDuration(late)} late: the app was offline.)_`;
  return { text: fallback(line), blocks: [section(text)] };
}
