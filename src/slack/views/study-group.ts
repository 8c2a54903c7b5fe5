/**
 * Async study groups: the session message's members and Join / Leave row, a member's reminder (a DM), and the
 * host's digest at a deadline (a DM). Pure renderers.
 */
import type { ActionsBlock } from '@slack/types';
import { PHASE_COUNT, phaseAt } from '../../domain/phases.ts';
import { type Digest, isActiveMember, type Member } from '../../domain/reminders.ts';
import type { Session } from '../../domain/session.ts';
import { phaseEnd } from '../../domain/timeline.ts';
import { ACTION_IDS, BLOCK_IDS } from '../ids.ts';
import { escapeMrkdwn, mention, phaseName, slackDate, strong } from '../mrkdwn.ts';
import { context, fallback, section, type SlackMessage } from './message.ts';
import { encodeButtonValue } from './session-message.ts';

/** Mentions shown in one list at most; the rest are counted. Keeps a big group's message inside Block Kit's limits. */
export const MAX_LISTED = 30;

/** "@a, @b and 12 more". */
export function mentionList(ids: readonly string[], max: number = MAX_LISTED): string {
  if (ids.length === 0) return 'nobody';
  const shown = ids.slice(0, max).map(mention).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

/** A deadline, in each reader's own time zone: "Tue, Dec 8 at 18:00" (Slack renders it per reader). */
export function deadline(epochMs: number): string {
  return slackDate(epochMs, '{date_short_pretty} at {time}');
}

/** How people contribute to a phase of an async session; the same words on the phase message and the reminder. */
export const HOW_TO_CONTRIBUTE = 'Add to it with *Add note* on the session message, `/mockdesign note &lt;text&gt;`, *Save as note* on any message, or a reply in the thread.';

/** The session message's lines about an async session's members, and how far the phase under way has got. */
export function membersLines(members: readonly Member[], contributors: readonly string[], phaseIndex: number, ended: boolean): string {
  const active = members.filter(isActiveMember).map((m) => m.userId);
  if (active.length === 0) return ended ? '_Nobody joined._' : '👥 *Members:* nobody yet · *Join* to be reminded before each deadline';
  const lines = [`👥 *Members (${active.length}):* ${mentionList(active)}`];
  if (!ended) {
    const done = active.filter((u) => contributors.includes(u)).length;
    lines.push(`✍️ ${done} of ${active.length} contributed to *${phaseName(phaseIndex)}*`);
  }
  return lines.join('\n');
}

/** Join and Leave: one row for everyone (the message is the same for all readers; the reply says what happened). */
export function membershipRow(sessionId: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: BLOCK_IDS.membership,
    elements: [
      { type: 'button', action_id: ACTION_IDS.join, text: { type: 'plain_text', text: 'Join' }, style: 'primary', value: sessionId },
      { type: 'button', action_id: ACTION_IDS.leave, text: { type: 'plain_text', text: 'Leave' }, value: sessionId },
    ],
  };
}

/** The reminder a member gets when a phase's deadline nears and they have not contributed to it. */
export function renderReminder(session: Session, phaseIndex: number): SlackMessage {
  const phase = phaseAt(phaseIndex);
  const due = phaseEnd(session.phases, phaseIndex, session.endsAt);
  const topic = escapeMrkdwn(session.topic);
  const buttons: ActionsBlock['elements'] = [
    { type: 'button', action_id: ACTION_IDS.addNote, text: { type: 'plain_text', text: 'Add a note' }, style: 'primary', value: encodeButtonValue(session.id, phaseIndex) },
  ];
  if (session.permalink) buttons.push({ type: 'button', action_id: ACTION_IDS.openThread, text: { type: 'plain_text', text: 'Open the thread' }, url: session.permalink });
  buttons.push({ type: 'button', action_id: ACTION_IDS.mute, text: { type: 'plain_text', text: 'Mute reminders' }, value: session.id });
  return {
    text: fallback(`${phaseName(phaseIndex)} of ${topic} closes soon, and you have not added to it yet`),
    blocks: [
      section(
        `👋 ${strong(session.topic)} in <#${session.channelId}>: *Phase ${phaseIndex + 1} of ${PHASE_COUNT} · ${phaseName(phaseIndex)}* closes ${deadline(due)} (your time), and you have not added to it yet.\n_${phase.goal}_`,
      ),
      context(HOW_TO_CONTRIBUTE),
      { type: 'actions', block_id: BLOCK_IDS.membership, elements: buttons },
      context('One reminder per phase, only while you have not contributed, between 09:00 and 20:00 your time.'),
    ],
  };
}

/**
 * Whether a phase ended before its time was up: moved on from with `next`. It ran shorter than planned, counting
 * any time added with `extend` and any time it spent paused.
 */
export function closedEarly(session: Session, phaseIndex: number): boolean {
  const phase = session.phases[phaseIndex];
  if (!phase) return false;
  return phaseEnd(session.phases, phaseIndex, session.endsAt) - phase.startsAt < phase.plannedMs + (phase.pausedMs ?? 0);
}

/** The host's digest at a phase's deadline (or when it was closed early): who contributed, who did not, and what comes next. */
export function renderDigest(session: Session, phaseIndex: number, digest: Digest): SlackMessage {
  const topic = escapeMrkdwn(session.topic);
  const members = digest.contributed.length + digest.missing.length;
  const early = closedEarly(session, phaseIndex);
  const lines = [`📋 *${phaseName(phaseIndex)}* of ${strong(session.topic)} in <#${session.channelId}> ${early ? 'was closed early, before its deadline' : 'has reached its deadline'}.`];
  if (members === 0) lines.push('Nobody has joined the session yet.');
  else {
    lines.push(`✅ *Contributed (${digest.contributed.length} of ${members}):* ${mentionList(digest.contributed)}`);
    lines.push(`➖ *Did not contribute (${digest.missing.length}):* ${mentionList(digest.missing)}`);
  }
  if (digest.others.length > 0) lines.push(`➕ *Also contributed, without joining:* ${mentionList(digest.others)}`);
  const next = phaseIndex + 1 < PHASE_COUNT ? phaseIndex + 1 : null;
  const after =
    next === null
      ? 'That was the last phase: the summary is going into the thread.'
      : `Next: *${phaseName(next)}*, due ${deadline(phaseEnd(session.phases, next, session.endsAt))}.`;
  const who = members === 0 ? 'nobody has joined' : `${digest.contributed.length} of ${members} member${members === 1 ? '' : 's'} contributed`;
  const text = `${early ? 'Closed early' : 'Deadline reached'}: ${phaseName(phaseIndex)} of ${topic}: ${who}`;
  return {
    text: fallback(text),
    blocks: [section(lines.join('\n')), context(after, ...(session.permalink ? [`<${session.permalink}|Open the session>`] : []))],
  };
}

export type MembershipReply =
  | { kind: 'joined'; tz: string | null; now: number }
  | { kind: 'already_member' }
  | { kind: 'left' }
  | { kind: 'not_member' }
  | { kind: 'muted' }
  | { kind: 'already_muted' }
  | { kind: 'not_async' };

/** What the person who clicked Join, Leave or Mute reminders is told (only them). */
export function renderMembershipReply(session: Session, reply: MembershipReply): SlackMessage {
  const topic = strong(session.topic);
  let text: string;
  switch (reply.kind) {
    case 'joined': {
      const index = session.phases.findIndex((p) => p.startsAt <= reply.now && reply.now < phaseEnd(session.phases, p.index, session.endsAt));
      const due = index >= 0 ? ` The current phase, *${phaseName(index)}*, closes ${deadline(phaseEnd(session.phases, index, session.endsAt))}.` : '';
      const zone = reply.tz ? ` (${escapeMrkdwn(reply.tz)})` : ' (UTC: your Slack profile has no time zone I can read)';
      text = `✅ You joined ${topic}.${due} If a deadline nears and you have not added to that phase, I'll send you one reminder, between 09:00 and 20:00 your time${zone}.`;
      break;
    }
    case 'already_member':
      text = `You're already a member of ${topic}. *Leave* stops the reminders.`;
      break;
    case 'left':
      text = `You left ${topic}: no more reminders. What you added stays, and *Join* brings you back.`;
      break;
    case 'not_member':
      text = `You're not a member of ${topic}; *Join* makes you one.`;
      break;
    case 'muted':
      text = `🔕 No more reminders for ${topic}. You're still a member, and still welcome to add to it.`;
      break;
    case 'already_muted':
      text = `Reminders for ${topic} are already off.`;
      break;
    case 'not_async':
      text = `${topic} isn't a study group, so there's nothing to join: anyone can add notes. \`/mockdesign start &lt;topic&gt; --async\` starts one.`;
      break;
  }
  return { text, blocks: [section(text)] };
}
