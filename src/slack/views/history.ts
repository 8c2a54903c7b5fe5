/**
 * `/mockdesign history`: a channel's recent sessions, for the person who asked only. Each with its topic (a link
 * to the session message when known), when it ran, its state, its host, and what each phase received. It travels
 * in the command's ack, one message: what does not fit in Block Kit's limits is left out and said so, never refused.
 */
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.ts';
import type { ChannelHistoryEntry, SessionActivity } from '../../domain/history.ts';
import { PHASE_COUNT } from '../../domain/phases.ts';
import type { Session } from '../../domain/session.ts';
import { clip } from '../../domain/text.ts';
import { currentPhaseIndex } from '../../domain/timeline.ts';
import { LIMITS } from '../limits.ts';
import { mention, phaseName, slackDate, strong, strongLink } from '../mrkdwn.ts';
import { context, section, type SlackMessage } from './message.ts';

/** A topic as a history shows it: at most this many characters before escaping (entities are never cut). */
const TOPIC_CHARS = 120;

/** A permalink Slack gave us, safe to put in `<url|label>`; anything else is shown without a link. */
export function safeLink(permalink: string | null): string | null {
  return permalink !== null && /^https?:\/\/[^\s<>|]+$/.test(permalink) ? permalink : null;
}

/** `*<link|topic>*`, or the bold topic alone (bold only where it cannot break); the topic is clipped, then escaped. */
export function topicTitle(session: Pick<Session, 'topic' | 'permalink'>): string {
  const topic = clip(session.topic, TOPIC_CHARS);
  const link = safeLink(session.permalink);
  return link ? strongLink(link, topic) : strong(topic);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function state(session: Session, now: number): string {
  if (session.status === 'ended') {
    const took = session.endedAt === null ? '' : `, after ${formatDuration(session.endedAt - session.createdAt)}`;
    return `🏁 ended${took}`;
  }
  if (session.status === 'paused') return '⏸️ paused';
  const i = currentPhaseIndex(session.phases, now);
  return `▶️ live, phase ${i + 1} of ${PHASE_COUNT}`;
}

/** "3 notes", "3 notes, 2 replies", "2 replies": replies in the thread are named only when there are some. */
function given(notes: number, replies: number): string {
  if (replies === 0) return plural(notes, 'note');
  return notes === 0 ? plural(replies, 'reply', 'replies') : `${plural(notes, 'note')}, ${plural(replies, 'reply', 'replies')}`;
}

/** Per phase: notes (and thread replies) and the people who gave them, or a dash; then the session's totals. */
export function activityLines(activity: SessionActivity): string[] {
  if (activity.notes === 0 && activity.replies === 0) return ['No notes.'];
  const phases = Array.from({ length: PHASE_COUNT }, (_, i) => {
    const p = activity.phases.find((a) => a.phaseIndex === i);
    return p ? `${phaseName(i)}: ${given(p.notes, p.replies)} by ${plural(p.contributors, 'person', 'people')}` : `${phaseName(i)}: –`;
  });
  return [`📝 ${given(activity.notes, activity.replies)} by ${plural(activity.contributors, 'person', 'people')}`, phases.join(' · ')];
}

export function historyEntryText(entry: ChannelHistoryEntry, now: number): string {
  const s = entry.session;
  const when = slackDate(s.createdAt, '{date_short_pretty} {time}');
  return [`${topicTitle(s)} · ${when} · ${state(s, now)} · host ${mention(s.hostId)}`, ...activityLines(entry.activity)].join('\n');
}

/** Room kept for the closing note in a message; the rest of the message stays under Slack's limits. */
const MAX_BLOCKS = LIMITS.messageBlocks - 1;
const MAX_CHARS = LIMITS.messageBlockChars - 1000;

export function renderChannelHistory(entries: readonly ChannelHistoryEntry[], now: number): SlackMessage {
  if (entries.length === 0) {
    const text = 'No sessions in this channel yet. Start one with `/mockdesign start &lt;topic&gt;`.';
    return { text, blocks: [section(text)] };
  }
  const title = `*Recent sessions in this channel*, newest first (only you see this)`;
  const blocks: KnownBlock[] = [section(title)];
  let chars = JSON.stringify(blocks).length;
  let shown = 0;
  for (const entry of entries) {
    const block = section(historyEntryText(entry, now));
    const size = JSON.stringify(block).length;
    if (blocks.length + 1 > MAX_BLOCKS || chars + size > MAX_CHARS) break;
    blocks.push(block);
    chars += size;
    shown++;
  }
  const left = entries.length - shown;
  if (left > 0) blocks.push(context(`${plural(left, 'older session')} not shown: too long for one message.`));
  else blocks.push(context('Notes for the interviewers only are not counted. `/mockdesign help` lists every command.'));
  return { text: `Recent sessions in this channel: ${shown} shown`, blocks };
}
