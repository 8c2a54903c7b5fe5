/** Ephemeral answers to the command and buttons: help, status and every refusal, in friendly words. */
import type { EndUnreadableOutcome, HandOverRefusal, SteerOutcome, SteerRefusal } from '../../app/sessions.ts';
import type { ClockChange } from '../../domain/clock-change.ts';
import type { NoteVisibility } from '../../domain/notes.ts';
import { formatDuration } from '../../domain/duration.ts';
import { formatPlan } from '../../domain/plan.ts';
import { PHASE_COUNT, PHASES } from '../../domain/phases.ts';
import { canSteer, endedWithSummary, type Session } from '../../domain/session.ts';
import { timeAddedNote } from '../../domain/summary.ts';
import { currentPhaseIndex, phaseEnd } from '../../domain/timeline.ts';
import { escapeMrkdwn, mention, phaseName, plainFromSlack, slackWhen, strong, strongTopic } from '../mrkdwn.ts';
import { context, fallback, section, type SlackMessage } from './message.ts';

/** The help asked for by name: the same every time, so made once (it is the most frequent answer of all). */
let plainHelp: SlackMessage | undefined;

export function renderHelp(unknown?: string, suggestion?: string): SlackMessage {
  // A near miss (`shedule`) gets the command it was closest to, not twenty lines to read through.
  if (unknown && suggestion) {
    const text = `I don't know \`${escapeMrkdwn(unknown)}\`. Did you mean \`/mockdesign ${escapeMrkdwn(suggestion)}\`?`;
    return { text: fallback(text), blocks: [section(text), context('`/mockdesign help` shows every command with examples.')] };
  }
  if (unknown) return helpMessage(unknown);
  plainHelp ??= helpMessage(undefined);
  return plainHelp;
}

function helpMessage(unknown: string | undefined): SlackMessage {
  const intro = unknown ? `I don't know \`${escapeMrkdwn(unknown)}\`. Here is what I can do:` : '*mockdesign* runs a mock system-design interview in this channel.';
  const usage = [
    '`/mockdesign start &lt;topic&gt;` opens a session: a message here, with the phases in its thread',
    '    `/mockdesign start Design a URL shortener`',
    '    `/mockdesign start Design a chat app --plan 10/25/20/5` (minutes per phase)',
    '    `/mockdesign start Design Dropbox --async` (a study group over a week: members *Join*, get one reminder per phase if they have not added to it, and the host a digest at each deadline)',
    '    `/mockdesign start Design a feed --candidate @sam --interviewer @alex --observer @kim --level senior`',
    '    add `--private-scores` to keep the scorecard to the candidate and the panel: each gets it privately, not in the thread',
    '    `/mockdesign start --random` (a prompt from the bank this channel has not had yet)',
    '    `/mockdesign start` alone opens a form with all of the above: topic or prompt, people, level and plan',
    '`/mockdesign status` where the session is and how long is left',
    '`/mockdesign note [--kind tradeoff] &lt;text&gt;` adds a note to the current phase',
    '`/mockdesign notes` lists your notes, to edit or delete until the summary',
    '`/mockdesign history` lists this channel\'s recent sessions, with the notes of each phase',
    '`/mockdesign next` ends the current phase now and starts the next',
    '`/mockdesign pause` and `/mockdesign resume` stop and restart the clock',
    '`/mockdesign extend 10m` (or `+5`) gives the current phase more time',
    '`/mockdesign host @sam` hands the session to someone else',
    '`/mockdesign schedule "every tue 18:00" --tz Europe/Berlin` starts a session at each occurrence; `schedules` and `unschedule &lt;id&gt;` manage them',
    '`/mockdesign end` ends the session and posts the summary',
    '`/mockdesign export [session]` uploads the session (the live or latest one here) to its thread: a Markdown document and a CSV of its notes',
    '`/mockdesign help` shows this',
  ];
  return {
    text: 'How to use /mockdesign',
    blocks: [
      section(`${intro}\n\n${usage.join('\n')}`),
      context(`Phases: ${PHASES.map((p, i) => `${phaseName(i)} (${p.defaultMinutes} min)`).join(' → ')}. Durations take s, m, h or d; a bare number is minutes.`),
    ],
  };
}

/** A refusal from the command grammar. Its message may quote what the user typed, so it is escaped whole. */
export function renderInvalid(message: string): SlackMessage {
  return invalidMessage(escapeMrkdwn(message));
}

/**
 * The command grammar's refusal as it holds Slack's text, for one that names a person. A user mention in it is one
 * Slack resolved (brackets a person types reach us as `&lt;`, so none can be forged) and is shown as a mention;
 * everything else, code spans whole, is made plain and escaped as renderInvalid does.
 */
export function renderInvalidFromSlack(message: string): SlackMessage {
  const safe = message
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? escapeMrkdwn(plainFromSlack(part))
        : part
            .split(/<@([UW][A-Z0-9]{2,})(?:\|[^<>]*)?>/)
            .map((piece, j) => (j % 2 === 1 ? mention(piece) : escapeMrkdwn(plainFromSlack(piece))))
            .join(''),
    )
    .join('');
  return invalidMessage(safe);
}

function invalidMessage(safe: string): SlackMessage {
  return { text: fallback(safe), blocks: [section(`⚠️ ${safe}`), context('`/mockdesign help` shows every command with examples.')] };
}

/**
 * Where the session is, for whoever asked (`viewerId`): only those who may steer are told how to; anyone else is
 * told who can. The plan is the plan, with the time added since beside it, as the summary shows it.
 */
export function renderStatus(session: Session, noteCount: number, now: number, viewerId?: string, keptForPanel = 0): SlackMessage {
  const steers = viewerId === undefined || canSteer(session, viewerId);
  const topic = strong(session.topic);
  const kept = keptForPanel > 0 ? ` (and ${keptForPanel} kept for the interviewers)` : '';
  const notes = `${noteCount} note${noteCount === 1 ? '' : 's'} so far${kept}`;
  if (session.status === 'paused' && session.pausedAt !== null) {
    const i = currentPhaseIndex(session.phases, session.pausedAt);
    const left = phaseEnd(session.phases, i, session.endsAt) - session.pausedAt;
    if (session.pauseReason === 'not_in_channel') {
      const text = `⏳ ${topic} is waiting for mockdesign to be invited to this channel: nothing of it can be posted here until then, so its clock is stopped in phase ${i + 1} of ${PHASE_COUNT}, *${phaseName(i)}*, with ${formatDuration(left)} left. ${notes}.`;
      return { text, blocks: [section(text), context(INVITE_HINT)] };
    }
    const text = `⏸️ ${topic} is paused in phase ${i + 1} of ${PHASE_COUNT}, *${phaseName(i)}*, with ${formatDuration(left)} left. ${notes}.`;
    const who = session.interviewers.length > 0 ? `The host, ${mention(session.hostId)}, or an interviewer (${session.interviewers.map(mention).join(', ')})` : `The host, ${mention(session.hostId)},`;
    const how = steers ? '`/mockdesign resume` starts the clock again.' : `${who} can start the clock again.`;
    return { text, blocks: [section(text), context(how)] };
  }
  const i = currentPhaseIndex(session.phases, now);
  const end = phaseEnd(session.phases, i, session.endsAt);
  const text = `▶️ ${topic}: phase ${i + 1} of ${PHASE_COUNT}, *${phaseName(i)}*, ${formatDuration(end - now)} left (until ${slackWhen(end, now)}). ${notes}.`;
  // Time added with extend is not plan (the summary keeps the two apart); a phase stored before that was kept apart
  // (addedMs null) shows its whole length, as everywhere.
  const plan = formatPlan(session.phases.map((p) => p.plannedMs - (p.addedMs ?? 0)));
  const added = session.phases.reduce((sum, p) => sum + (p.addedMs ?? 0), 0);
  return { text, blocks: [section(text), context(`Plan ${plan}${timeAddedNote(added)} · host ${mention(session.hostId)} · ends ${slackWhen(session.endsAt, now)}`)] };
}

/** A session runs in the channel already: its host or an interviewer can end it; anyone else is told whom to ask. */
export function renderBusy(existing: Session, viewerId?: string): SlackMessage {
  const where = strongTopic(existing);
  const then =
    viewerId === undefined || canSteer(existing, viewerId)
      ? 'End it with `/mockdesign end` before starting another, or start yours in another channel.'
      : 'Ask its host to end it, or start yours in another channel.';
  const text = `A session is already running in this channel: ${where}, hosted by ${mention(existing.hostId)}. ${then}`;
  return { text, blocks: [section(text)] };
}

export function renderNoSession(): SlackMessage {
  const text = 'No session is running in this channel. Start one with `/mockdesign start &lt;topic&gt;`.';
  return { text, blocks: [section(text)] };
}

/** What lets a session waiting for the app to be invited to its channel carry on. */
const INVITE_HINT = '`/invite @mockdesign` in this channel lets it post, and the session carries on by itself.';

const REFUSALS: Record<SteerRefusal, string> = {
  not_found: 'That session no longer exists.',
  not_allowed: 'Only the host and the interviewers can steer this session. You can still add notes.',
  ended: 'This session has already ended; its summary is in the thread.',
  paused: 'The session is paused. `/mockdesign resume` starts the clock again.',
  not_paused: 'The session is not paused.',
  stale: 'The session has already moved on to the next phase.',
  repeat: 'That was just done: it was taken as the same request, and nothing more was changed.',
  not_invited: `⏳ The session is waiting for mockdesign to be invited to this channel, its clock stopped: nothing of it can be posted here until then, and no command moves it. ${INVITE_HINT} (If it has just been invited, the session is trying again now.)`,
};

export function renderRefusal(reason: SteerRefusal, session?: Session): SlackMessage {
  let text = REFUSALS[reason];
  if (reason === 'not_allowed' && session) text = `${text} (Host: ${mention(session.hostId)}.)`;
  if (reason === 'ended' && session && !endedWithSummary(session)) text = 'This session has already ended, without a summary.';
  return { text, blocks: [section(text)] };
}

/** What was asked of the clock: the same refusal means something else to each. */
export type SteerCommand = 'next' | 'end' | 'pause' | 'resume' | 'extend';

/**
 * A paused session refuses a `next`, an extension and a second pause alike; the answer says what that meant for the
 * one asked (no time was added, it is paused already), and what to do instead.
 */
const PAUSED_REFUSALS: Partial<Record<SteerCommand, string>> = {
  pause: 'The session is already paused. `/mockdesign resume` starts the clock again.',
  extend: 'The session is paused, so no time was added: `/mockdesign resume` starts the clock again, then extend.',
  next: 'The session is paused, so it stays in this phase: `/mockdesign resume` starts the clock again, then move on.',
};

/** Why a `next`, `end`, `pause`, `resume` or extension (`command`) by `userId` changed nothing. */
export function renderSteerRefusal(outcome: Extract<SteerOutcome, { ok: false }>, userId: string, now: number, command?: SteerCommand): SlackMessage {
  const { change, session } = outcome;
  const paused = outcome.reason === 'paused' && command !== undefined ? PAUSED_REFUSALS[command] : undefined;
  if (paused) return renderPlain(paused);
  if (outcome.reason !== 'repeat' || change?.kind !== 'extended' || !session) return renderRefusal(outcome.reason, session);
  const who = change.by === userId ? 'You' : mention(change.by);
  const end = phaseEnd(session.phases, change.phaseIndex, session.endsAt);
  return renderPlain(
    `⏱️ ${who} added ${formatDuration(change.ms)} to *${phaseName(change.phaseIndex)}* a moment ago, so this was taken as the same request and added nothing: it ends at ${slackWhen(end, now)}. To add more, ask again in a few seconds, or give another amount (\`/mockdesign extend 10m\`).`,
  );
}

/** The answer to whoever extended, paused or resumed the session, from what it did to the clock. */
export function renderClockChanged(change: ClockChange, now: number): SlackMessage {
  const phase = `*${phaseName(change.phaseIndex)}*`;
  switch (change.kind) {
    case 'extended':
      return renderPlain(`⏱️ ${phase} has ${formatDuration(change.ms)} more: it now ends at ${slackWhen(change.endsAt, now)}, and everything after it moved too.`);
    case 'paused':
      return renderPlain(`⏸️ Paused, with ${formatDuration(change.ms)} left in ${phase}. \`/mockdesign resume\` starts the clock again.`);
    case 'resumed':
      return renderPlain(`▶️ Resumed: the schedule moved by ${formatDuration(change.ms)}, the time it was paused; ${phase} now ends at ${slackWhen(change.endsAt, now)}.`);
  }
}

export function renderNoteSaved(phaseIndex: number, visibility: NoteVisibility = 'everyone'): SlackMessage {
  const text =
    visibility === 'interviewers'
      ? `🔒 Note saved under *${phaseName(phaseIndex)}*, for the interviewers only: it goes into their private summary, never the thread.`
      : `📝 Note saved under *${phaseName(phaseIndex)}*. It will be in the summary.`;
  return { text, blocks: [section(text)] };
}

export function renderStarted(session: Pick<Session, 'topic' | 'createdAt' | 'endsAt'>): SlackMessage {
  const text = `Starting ${strong(session.topic)}: ${PHASE_COUNT} phases, ${formatDuration(session.endsAt - session.createdAt)} in all. The plan is going up in this channel now.`;
  return { text, blocks: [section(text)] };
}

export function renderPlain(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

/** A request from a workspace where the app is not (or no longer) installed. */
export function renderNotInstalled(installUrl: string | undefined): SlackMessage {
  const text = installUrl
    ? `mockdesign isn't installed in this workspace, or was removed from it. <${installUrl}|Add mockdesign to Slack> to run mock interviews here.`
    : "mockdesign isn't installed in this workspace, or was removed from it. Ask whoever runs mockdesign for its install link.";
  return { text, blocks: [section(text)] };
}

/**
 * The app's own user was named as a person of the session. It can neither be interviewed nor read a nudge, and a
 * session handed to it would have a host nobody could take it back from. Plain words: shown as mrkdwn and on forms.
 */
export function appAsPerson(role: 'candidate' | 'interviewer' | 'observer' | 'host'): string {
  return role === 'host'
    ? 'That is mockdesign itself, not a person: hand the session to someone else.'
    : `That is mockdesign itself, not a person: name someone else as ${role === 'candidate' ? 'the candidate' : `an ${role}`}.`;
}

/** Why a hand-over did not happen. */
export function renderHandOverRefusal(reason: HandOverRefusal, session?: Session): SlackMessage {
  switch (reason) {
    case 'not_host':
      return renderPlain(`Only the host${session ? `, ${mention(session.hostId)},` : ''} can hand the session over.`);
    case 'candidate':
      return renderPlain("The candidate can't host their own interview: the host sees the interviewers' side.");
    case 'same':
      // Only the host may hand over, so the person named is the one asking.
      return renderPlain("You're the host already.");
    default:
      return renderRefusal(reason, session);
  }
}

/**
 * Told privately to the person a session was handed to, wherever they are (a direct message): what they can do now.
 * `formerHostId` stays on as an interviewer.
 */
export function renderHandedOver(session: Session, formerHostId: string): SlackMessage {
  const topic = strongTopic(session);
  const steer = `move it on (*Next phase* or \`/mockdesign next\`), give a phase more time (${session.isAsync ? '`/mockdesign extend 1d`' : '*+5 min* or `/mockdesign extend 10m`'}), pause and resume it, end it with its summary (\`/mockdesign end\`) or hand it on (\`/mockdesign host @someone\`)`;
  const more = session.isAsync ? ' You also get the digest at each deadline, saying who contributed.' : '';
  const text = `🤝 ${mention(formerHostId)} handed you ${topic} in <#${session.channelId}>: you are its host now, and they stay on as an interviewer. On its session message, or with \`/mockdesign\` in that channel, you can ${steer}.${more}`;
  return { text: fallback(`${mention(formerHostId)} handed you ${escapeMrkdwn(session.topic)}: you are its host now.`), blocks: [section(text)] };
}

/** Why a note could not be changed or deleted. */
export function renderNoteRefusal(reason: 'not_found' | 'ended' | 'not_author' | 'not_panel'): string {
  switch (reason) {
    case 'ended':
      return 'The session has ended: its summary is out, so its notes stay as they are.';
    case 'not_author':
      return 'Only the person who wrote a note can change or delete it.';
    case 'not_panel':
      return 'Only the host, the interviewers and the observers can keep a note for the interviewers only.';
    default:
      return 'That note is gone (deleted, or its session no longer exists).';
  }
}

/** When a session that cannot be read still ends by itself: the dispatcher's retries of its next post, then it gives up. */
const ENDS_BY_ITSELF = 'If this version still cannot read it when its next messages are due, it is ended by itself after a few hours of retries.';

/**
 * A request reached a session this version cannot read (a newer version may have saved it during a rolling
 * upgrade). `live`: the channel's running session, which `end` can end; else an ended one, which nobody need act on.
 */
export function renderUnreadableSession(live: boolean): SlackMessage {
  const text = live
    ? `⚠️ This channel's session cannot be read by this version of mockdesign: a newer version may have saved it during an upgrade. ${ENDS_BY_ITSELF} \`/mockdesign end\` ends it now (its host or an interviewer can), so that a new session can start here.`
    : "⚠️ That session cannot be read by this version of mockdesign: a newer version may have saved it during an upgrade. It has ended, so there is nothing to do about it here; whoever runs mockdesign can find why in its log.";
  return { text, blocks: [section(text)] };
}

/** The same under a form's field (plain text, kept short): the form stays open with what was typed. */
export function unreadableSessionFieldError(live: boolean): string {
  return live
    ? "This channel's session cannot be read by this version of mockdesign (a newer version may have saved it), so this cannot be sent. /mockdesign end ends it."
    : 'That session cannot be read by this version of mockdesign (a newer version may have saved it), so this cannot be sent.';
}

/** `/mockdesign end` on the channel's session that cannot be read: ended, or why not. */
export function renderUnreadableEnd(outcome: EndUnreadableOutcome): SlackMessage {
  if (outcome.ok) {
    return renderPlain(
      "🏁 Ended this channel's session, which this version of mockdesign could not read. It has no summary and none of its remaining messages will be posted; its notes are kept. `/mockdesign start` starts a new one.",
    );
  }
  if (outcome.reason === 'ended') return renderPlain("This channel's session has already ended. `/mockdesign start` starts a new one.");
  return renderPlain(`Only the host (${mention(outcome.hostId)}) and the interviewers can end this channel's session, which this version of mockdesign cannot read. ${ENDS_BY_ITSELF}`);
}
