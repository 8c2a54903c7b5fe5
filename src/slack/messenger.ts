/** The Messenger port over Slack's Web API: renders each step, posts it tagged with metadata, classifies failures. */
import { DeliveryError, type HostNotice, type Messenger, PRIVATE_PART, type Schedule, type SessionAddress, type SessionSnapshot, type Step } from '../app/ports.ts';
import { isLiveInterview, panelOf, type Session, type Workspace } from '../domain/session.ts';
import { summarizeSession } from '../domain/summary.ts';
import { METADATA_EVENT_TYPE } from './ids.ts';
import { escapeMrkdwn, mention } from './mrkdwn.ts';
import { nudgeRecipients, parseNudgeKey, renderNudge, renderPrivateSummary } from './views/nudge-message.ts';
import { type SlackApi, type SlackArgs, slackErrorCode } from './web-api.ts';
import type { SlackMessage } from './views/message.ts';
import { isPublicNote } from '../domain/notes.ts';
import { renderPhaseMessage, renderWarningMessage } from './views/phase-message.ts';
import { renderClockChangeLine } from './views/clock-change.ts';
import { parseClockChangeKey } from '../domain/clock-change.ts';
import { renderSessionMessage } from './views/session-message.ts';
import { renderPrivateScorecard, renderSummary } from './views/summary-message.ts';
import { renderDigest, renderReminder } from './views/study-group.ts';
import { buildDigest, membersContributed } from '../domain/reminders.ts';
import { answeredWithin } from './users.ts';
import { renderCreatorGone, renderScheduleSkipped } from './views/schedules.ts';

const PERMANENT_CHANNEL = new Set(['channel_not_found', 'is_archived']);
const AUTH_GONE = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'team_access_not_granted']);
/** Slack refuses the message itself: posting the same message again can only fail again. */
const MESSAGE_REFUSED = new Set([
  'invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'no_text', 'too_many_attachments', 'invalid_attachments',
  'invalid_metadata_format', 'invalid_metadata_schema', 'metadata_too_large', 'metadata_must_be_sent_from_app',
  'invalid_arguments', 'invalid_arg_name', 'invalid_array_arg', 'invalid_charset', 'invalid_form_data', 'invalid_post_type',
  'missing_post_type', 'restricted_action', 'cant_update_message', 'message_not_found', 'edit_window_closed',
]);
/** An ephemeral nudge that cannot reach its interviewer in the channel goes to them as a DM instead. */
const NUDGE_BY_DM = new Set(['user_not_in_channel', 'not_in_channel', 'channel_not_found', 'is_archived']);
/**
 * Slack will not open a direct message with this person (deactivated, a bot, of another organisation, their app
 * messages turned off): asking again cannot help, and nothing was delivered. A DM to a user id answered with
 * `channel_not_found` says the same of the person, never that the session's channel is gone.
 */
const DM_REFUSED = new Set(['user_not_found', 'user_disabled', 'user_not_visible', 'cannot_dm_bot', 'messages_tab_disabled']);

/** Without a history scope we cannot look for an earlier post: delivery falls back to at-least-once. */
const NO_LOOKUP = new Set(['missing_scope', 'not_allowed_token_type', 'method_not_supported_for_channel_type']);

/**
 * Maps anything the WebClient throws to what the dispatcher should do about it. An error we do not know is
 * retried with backoff and, if it never clears, reported to the host: it is never dropped in silence.
 */
export function classifySlackError(error: unknown): DeliveryError {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number };
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return new DeliveryError('rate_limited', 'ratelimited', { retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 });
    case 'slack_webapi_platform_error': {
      const code = slackErrorCode(error) ?? 'unknown_error';
      if (code === 'not_in_channel') return new DeliveryError('not_in_channel', code);
      if (PERMANENT_CHANNEL.has(code)) return new DeliveryError('channel_gone', code);
      if (AUTH_GONE.has(code)) return new DeliveryError('auth_revoked', code);
      if (code === 'ratelimited') return new DeliveryError('rate_limited', code, { retryAfterMs: 1000 });
      if (MESSAGE_REFUSED.has(code)) return new DeliveryError('rejected', code);
      // Slack answered with an error of its own (`internal_error`, or one we do not know): it may have taken the post.
      return new DeliveryError('transient', code, { maybeDelivered: true });
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      if (status === 429) return new DeliveryError('rate_limited', 'http_429', { retryAfterMs: 1000 });
      // A 4xx other than 429 means the request was refused before Slack acted on it. A 5xx may come after it
      // acted, and a 200 whose answer could not be read (a garbled or cut body) after it did.
      return new DeliveryError('transient', `http_${status}`, { maybeDelivered: status >= 500 || status === 200 });
    }
    default:
      // Network failures and timeouts: the request may have reached Slack before the connection broke.
      return new DeliveryError('transient', e?.code ?? (error instanceof Error ? error.message : 'unknown'), { maybeDelivered: true });
  }
}

/**
 * How far back (and forward) of our own clock a post in doubt is looked for in a channel's history: hosts'
 * clocks drift from Slack's, and a wrong guess here would post a message twice.
 */
export const LOOKUP_SKEW_S = 3600;
/** Pages of history read at most when looking for a post in doubt (200 messages each). */
export const LOOKUP_MAX_PAGES = 5;

/** Renders one part of a step. Pure apart from the clock value passed in. */
export function renderStep(snapshot: SessionSnapshot, step: Step, now: number): SlackMessage[] {
  const { session } = snapshot;
  switch (step.kind) {
    case 'root':
      return [renderSessionMessage(snapshot, now)];
    case 'phase':
      return [renderPhaseMessage(session, step.phaseIndex ?? 0, step.dueAt, now)];
    case 'warning': {
      // A change someone made to the clock is said beside the time checks; with no thread yet (the session message is
      // not out), there is nowhere to say it, and the message shows the change once posted.
      const change = parseClockChangeKey(step.key);
      if (change) return session.rootTs ? [renderClockChangeLine(session, change, now)] : [];
      return [renderWarningMessage(session, step.phaseIndex ?? 0, step.dueAt, now)];
    }
    case 'summary':
      return renderSummary(
        summarizeSession(session, {
          participants: snapshot.participants,
          endedAt: session.endedAt ?? step.dueAt,
          // The thread is public: notes kept for the interviewers go to them privately instead.
          notes: snapshot.notes.filter(isPublicNote),
        }),
        // The summary is public: the candidate reads it, so the cards show only once the session has ended; a
        // scorecard kept private is only said to be (each of the candidate and the panel gets it by itself).
        snapshot.scorecards ? { cards: snapshot.scorecards, revealed: session.status === 'ended', kept: session.privateScores } : undefined,
        // A study group's record: how many of its members added to each phase.
        session.isAsync ? membersContributed(snapshot.members ?? [], snapshot.contributions ?? [], session.phases, session.endsAt) : undefined,
      );
    case 'refresh':
    case 'expire':
    case 'nudge':
    case 'digest':
    case 'remind':
      // Not posts in the channel: a refresh updates the session message, an expiry only ends the session, a
      // nudge goes privately to each interviewer, a digest to the host and a reminder to a member (DMs).
      return [];
  }
}

/** One message of a summary that goes to one person only. */
interface PrivatePart {
  readonly user: string;
  readonly message: SlackMessage;
}

interface TaggedMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/**
 * What posting into a session's workspace needs. `workspaceUrl` (auth.test's `url`, e.g. https://acme.slack.com/)
 * lets a top-level message's permalink be written rather than asked for: one Web API call less per session.
 */
export interface Credentials {
  readonly token: string;
  readonly workspaceUrl?: string | undefined;
}

/**
 * `credentials`: the token of the installation that owns a session, looked up for every call (the lookup is
 * cached); undefined when that workspace has uninstalled the app, which ends the session like a revoked token.
 */
export function createSlackMessenger(api: SlackApi, options: { credentials: (workspace: Workspace) => Promise<Credentials | undefined> }): Messenger {
  async function credentialsOf(session: Workspace): Promise<Credentials> {
    const found = await options.credentials(session);
    if (!found) throw new DeliveryError('auth_revoked', 'not_installed');
    return found;
  }

  /** Chained rather than awaited, so that the arguments are not held while Slack answers (see the Web API client). */
  function call<T extends { ok: boolean }>(session: Workspace, method: string, args: SlackArgs): Promise<T> {
    return credentialsOf(session).then(({ token }) =>
      api.call<T>(method, args, token).catch((error: unknown) => {
        throw classifySlackError(error);
      }),
    );
  }

  /** Ours when the metadata names this session, step and part: step keys repeat across sessions, session ids do not. */
  function isOurs(message: TaggedMessage, session: Session, step: Step, part: number): boolean {
    const payload = message.metadata?.event_type === METADATA_EVENT_TYPE ? message.metadata.event_payload : undefined;
    return payload?.session_id === session.id && payload?.step === step.key && payload?.part === part;
  }

  async function lookup(session: Session, step: Step, part: number): Promise<string | undefined> {
    const { token } = await credentialsOf(session);
    let cursor: string | undefined;
    for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
      const result = (await (step.kind === 'root' || !session.rootTs
        ? api.call('conversations.history', {
            channel: session.channelId,
            // Bounded by our clock, with room for it to be wrong by an hour either way.
            oldest: String(Math.floor(session.createdAt / 1000) - LOOKUP_SKEW_S),
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          }, token)
        : api.call('conversations.replies', {
            channel: session.channelId,
            ts: session.rootTs,
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          }, token))) as { messages?: TaggedMessage[]; response_metadata?: { next_cursor?: string } };
      const found = result.messages?.find((m) => isOurs(m, session, step, part));
      if (found?.ts) return found.ts;
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return undefined;
  }

  /**
   * One interviewer's nudge: an ephemeral message in the session's channel, or a DM when they are not a member
   * there (or the bot cannot reach them in it). Returns the message's ts, or PRIVATE_PART when Slack gives none.
   */
  async function sendNudge(snapshot: SessionSnapshot, step: Step, part: number): Promise<string> {
    const { session } = snapshot;
    const target = parseNudgeKey(step.key);
    const user = nudgeAudience(snapshot, step)[part];
    if (!target || !user) throw new DeliveryError('rejected', `no part ${part}`);
    return sendPrivately(session, user, renderNudge(session, target.moment, target.phaseIndex, snapshot.notes));
  }

  /** A nudge's people: those it began with once its first part went (see Step.audience), else the panel now. */
  function nudgeAudience(snapshot: SessionSnapshot, step: Step): readonly string[] {
    return step.audience ?? nudgeRecipients(snapshot.session);
  }

  /**
   * A live interview's summary parts after the public ones, each a message to one person, person by person: to each
   * member of the panel (host, interviewers and observers, never the candidate, who may all write them) the notes kept
   * for the interviewers, when there are any; then, for a scorecard kept private, the scorecard to each member of the
   * panel and the candidate's own to the candidate. Rendered once a delivery, held no longer than its snapshot. The
   * same snapshot gives the same parts: a summary half sent goes on with the part after the last one sent.
   */
  const privateSummaries = new WeakMap<SessionSnapshot, readonly PrivatePart[]>();
  function privatePartsOf(snapshot: SessionSnapshot): readonly PrivatePart[] {
    const cached = privateSummaries.get(snapshot);
    if (cached) return cached;
    const { session } = snapshot;
    const parts: PrivatePart[] = [];
    if (isLiveInterview(session)) {
      const privateNotes = snapshot.notes.filter((n) => !isPublicNote(n));
      const notes = privateNotes.length > 0 ? renderPrivateSummary(session, privateNotes) : [];
      // Revealed to the candidate only once the session has ended, as in a public summary.
      const cards = session.privateScores && session.status === 'ended' ? (snapshot.scorecards ?? []) : [];
      const scores = cards.length > 0 ? renderPrivateScorecard(session, cards, 'panel') : [];
      for (const user of panelOf(session)) for (const message of [...notes, ...scores]) parts.push({ user, message });
      if (cards.length > 0 && session.candidateId) {
        for (const message of renderPrivateScorecard(session, cards, 'candidate')) parts.push({ user: session.candidateId, message });
      }
    }
    privateSummaries.set(snapshot, parts);
    return parts;
  }

  async function sendPrivately(session: Session, user: string, message: SlackMessage): Promise<string> {
    try {
      const sent = await call<{ ok: boolean; message_ts?: string }>(session, 'chat.postEphemeral', {
        channel: session.channelId,
        user,
        text: message.text,
        blocks: message.blocks,
        ...(session.rootTs ? { thread_ts: session.rootTs } : {}),
      });
      return sent.message_ts ?? PRIVATE_PART;
    } catch (error) {
      if (!(error instanceof DeliveryError) || (!NUDGE_BY_DM.has(error.code) && error.kind !== 'not_in_channel')) throw error;
    }
    try {
      const sent = await call<{ ok: boolean; ts?: string }>(session, 'chat.postMessage', { channel: user, text: message.text, blocks: message.blocks });
      return sent.ts ?? PRIVATE_PART;
    } catch (error) {
      // About this one person: their part is skipped, the rest of the panel still get theirs.
      if (error instanceof DeliveryError && (error.kind === 'channel_gone' || error.kind === 'not_in_channel' || DM_REFUSED.has(error.code))) {
        throw new DeliveryError('unreachable', error.code, { userId: user });
      }
      throw error;
    }
  }

  /**
   * A delivery asks for a step's parts, then posts each: the messages are rendered once for both (a root or phase
   * message was rendered twice a post, a summary of n parts n + 1 times). Keyed by the snapshot, which the
   * dispatcher makes afresh for each delivery, and held no longer than it.
   */
  const rendered = new WeakMap<SessionSnapshot, { readonly step: Step; readonly now: number; readonly messages: SlackMessage[] }>();
  function renderedStep(snapshot: SessionSnapshot, step: Step, now: number): SlackMessage[] {
    const hit = rendered.get(snapshot);
    if (hit && hit.step === step && hit.now === now) return hit.messages;
    const messages = renderStep(snapshot, step, now);
    rendered.set(snapshot, { step, now, messages });
    return messages;
  }

  async function writtenPermalink(session: Session, ts: string): Promise<string | undefined> {
    const { workspaceUrl } = await credentialsOf(session);
    // Slack's documented form for a message outside a thread: /archives/<channel>/p<ts without its dot>.
    return workspaceUrl ? new URL(`archives/${session.channelId}/p${ts.replace('.', '')}`, workspaceUrl).toString() : undefined;
  }

  /** One public part of a step, into the channel (the session message) or the session's thread. */
  function postPublic(session: Session, step: Step, part: number, message: SlackMessage): Promise<string> {
    const thread = step.kind === 'root' ? {} : session.rootTs ? { thread_ts: session.rootTs } : {};
    return call<{ ok: boolean; ts?: string }>(session, 'chat.postMessage', {
      channel: session.channelId,
      text: message.text,
      blocks: message.blocks,
      ...thread,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: METADATA_EVENT_TYPE, event_payload: { session_id: session.id, step: step.key, part } },
    }).then((result) => {
      if (!result.ts) throw new DeliveryError('transient', 'no_ts', { maybeDelivered: true });
      return result.ts;
    });
  }

  return {
    partsOf(snapshot, step, now) {
      // A nudge has one part per interviewer, each sent to that person alone.
      if (step.kind === 'nudge') return parseNudgeKey(step.key) ? nudgeAudience(snapshot, step).length : 0;
      if (step.kind === 'digest') return 1;
      // The summary's public parts, then its private ones (a live interview's notes kept for the interviewers, and a
      // scorecard kept private), one person and message each.
      const extra = step.kind === 'summary' ? privatePartsOf(snapshot).length : 0;
      return renderedStep(snapshot, step, now).length + extra;
    },

    audienceOf(snapshot, step) {
      return step.kind === 'nudge' ? nudgeRecipients(snapshot.session) : undefined;
    },

    async post(snapshot, step, part, now) {
      if (step.kind === 'nudge') return sendNudge(snapshot, step, part);
      if (step.kind === 'digest') {
        // The host's digest at a deadline: a DM, whoever hosts the session by then.
        const { session } = snapshot;
        const digest = buildDigest(snapshot.members ?? [], snapshot.contributors ?? []);
        const message = renderDigest(session, step.phaseIndex ?? 0, digest);
        try {
          const sent = await call<{ ok: boolean; ts?: string }>(session, 'chat.postMessage', { channel: session.hostId, text: message.text, blocks: message.blocks });
          return sent.ts ?? PRIVATE_PART;
        } catch (error) {
          // The host cannot be written to (left the workspace, deactivated): skip the digest; the session goes on.
          if (error instanceof DeliveryError && (error.kind === 'channel_gone' || error.kind === 'not_in_channel')) throw new DeliveryError('rejected', error.code);
          throw error;
        }
      }
      const publicParts = renderedStep(snapshot, step, now);
      if (step.kind === 'summary' && part >= publicParts.length) {
        // Recipient by recipient, each getting every message meant for them in order.
        const privatePart = privatePartsOf(snapshot)[part - publicParts.length];
        if (!privatePart) throw new DeliveryError('rejected', `no part ${part}`);
        return sendPrivately(snapshot.session, privatePart.user, privatePart.message);
      }
      const message = publicParts[part];
      if (!message) throw new DeliveryError('rejected', `no part ${part}`);
      const { session } = snapshot;
      // The delivery holds its snapshot until the post is answered: the rendered message need not wait with it.
      // (A summary's private parts, posted after its last public one, still count its public parts.)
      if (part === publicParts.length - 1 && step.kind !== 'summary') rendered.delete(snapshot);
      return postPublic(session, step, part, message);
    },

    async find(snapshot, step, part) {
      // Private messages cannot be looked up: one that may have gone out counts as sent (at most once).
      if (step.kind === 'nudge' || step.kind === 'digest') return PRIVATE_PART;
      // (The summary is rendered from the session alone: the time passed in does not change its parts.)
      if (step.kind === 'summary' && part >= renderStep(snapshot, step, 0).length) return PRIVATE_PART;
      try {
        return await lookup(snapshot.session, step, part);
      } catch (error) {
        const classified = classifySlackError(error);
        if (classified.kind === 'rejected' && NO_LOOKUP.has(classified.code)) return undefined;
        throw classified;
      }
    },

    async updateRoot(snapshot, now) {
      const { session } = snapshot;
      if (!session.rootTs) return;
      const message = renderSessionMessage(snapshot, now);
      // Returned, not awaited: like a post, the update holds none of its message while Slack answers.
      return call(session, 'chat.update', { channel: session.channelId, ts: session.rootTs, text: message.text, blocks: message.blocks }).then(() => undefined);
    },

    writtenPermalink,

    async permalink(session, ts) {
      const written = await writtenPermalink(session, ts);
      if (written) return written;
      const result = await call<{ ok: boolean; permalink?: string }>(session, 'chat.getPermalink', { channel: session.channelId, message_ts: ts });
      return result.permalink;
    },

    async join(session) {
      try {
        await call(session, 'conversations.join', { channel: session.channelId });
        return true;
      } catch {
        return false;
      }
    },

    async remind(session, userId, phaseIndex) {
      const message = renderReminder(session, phaseIndex);
      await call(session, 'chat.postMessage', { channel: userId, text: message.text, blocks: message.blocks });
    },

    async tellHost(session: SessionAddress, notice: HostNotice) {
      const text = renderHostNotice(session, notice);
      await call(session, 'chat.postMessage', { channel: session.hostId, text });
    },

    async accountDeactivated(workspace, userId) {
      const answer = call<{ ok: boolean; user?: { deleted?: boolean } }>(workspace, 'users.info', { user: userId });
      const user = (await answeredWithin(answer))?.user;
      return user ? user.deleted === true : undefined;
    },

    async creatorGone(schedule: Schedule) {
      const message = renderCreatorGone(schedule);
      await call(schedule, 'chat.postMessage', { channel: schedule.channelId, text: message.text, blocks: message.blocks });
    },

    async scheduleSkipped(schedule: Schedule, running: Session, nextAt: number | null) {
      const message = renderScheduleSkipped(schedule, running, nextAt);
      await call(schedule, 'chat.postMessage', { channel: schedule.createdBy, text: message.text, blocks: message.blocks });
    },

    prepare(posts: number) {
      // Every workspace's posts go to the same Web API, so one pool of connections serves them all.
      api.preconnect(posts);
    },
  };
}

/**
 * What a step posts, in words a host understands, from its key: 'root', 'phase:0', 'nudge:start:0',
 * 'nudge:mid:0', 'warning:0', 'digest:0', 'summary' (planSteps), or 'refresh', 'expire', 'remind', 'clock:…' (a change
 * to the clock said in the thread).
 */
function describeStep(key: string): string {
  const parts = key.split(':');
  const kind = parts[0];
  const last = parts.at(-1) ?? '';
  const phase = parts.length > 1 && /^\d+$/.test(last) ? Number(last) + 1 : undefined;
  switch (kind) {
    case 'root':
      return 'the session message';
    case 'summary':
      return 'the summary';
    case 'refresh':
      return 'an update of the session message';
    case 'expire':
      return 'the automatic end after too long a pause';
    case 'remind':
      return 'the reminders to members who have not contributed yet';
    case 'clock':
      return 'a line in the thread saying a change to the schedule';
  }
  if (phase === undefined) return 'one of the messages';
  switch (kind) {
    case 'phase':
      return `the phase ${phase} message`;
    case 'warning':
      return `the time check of phase ${phase}`;
    case 'digest':
      return `your digest at the deadline of phase ${phase}`;
    case 'nudge':
      if (parts[1] === 'start') return `the private nudge to the interviewers at the start of phase ${phase}`;
      if (parts[1] === 'mid') return `the private nudge to the interviewers half-way through phase ${phase}`;
      return `a private nudge to the interviewers in phase ${phase}`;
  }
  return 'one of the messages';
}

/** The recurring sessions removed with a channel that cannot take them, for the end of a host notice. */
function removedSchedules(ids: readonly string[] | undefined): string {
  if (!ids || ids.length === 0) return '';
  // A channel has at most ten schedules: every id fits.
  const list = ids.map((id) => `\`${escapeMrkdwn(id)}\``).join(', ');
  return ` Your recurring session${ids.length === 1 ? '' : 's'} there (${list}) ${ids.length === 1 ? 'is' : 'are'} removed too, so ${ids.length === 1 ? 'it starts' : 'they start'} no more sessions; \`/mockdesign schedule\` in a channel I can post in sets one up again.`;
}

export function renderHostNotice(session: SessionAddress, notice: HostNotice): string {
  const topic = escapeMrkdwn(session.topic);
  switch (notice.kind) {
    case 'not_in_channel':
      return `Your mock interview *${topic}* is waiting: I can't post in <#${session.channelId}> because I'm not a member. Invite me there with \`/invite @mockdesign\` and it carries on by itself.`;
    case 'channel_gone':
      return `Your mock interview *${topic}* stopped: its channel is ${notice.code === 'is_archived' ? 'archived' : 'no longer available'}. Notes taken so far are kept.${removedSchedules(notice.removedSchedules)}`;
    case 'lost': {
      const why = notice.reason === 'not_in_channel' ? `I was never invited to <#${session.channelId}>` : `Slack kept refusing it (\`${escapeMrkdwn(notice.reason)}\`)`;
      return `I gave up posting ${describeStep(notice.step)} of your mock interview *${topic}* in <#${session.channelId}>: ${why}. Notes taken so far are kept.${removedSchedules(notice.removedSchedules)}`;
    }
    case 'unreadable':
      return `Your mock interview *${topic}* in <#${session.channelId}> stopped: I could not read what I had stored about it, so its remaining messages will not be posted. Whoever runs mockdesign can find why in its log.`;
    case 'unreachable':
      return `I can't reach ${mention(notice.userId)} privately in your mock interview *${topic}*: they are not in <#${session.channelId}>, and Slack refused a direct message to them (\`${escapeMrkdwn(notice.code)}\`), so what comes to them privately (nudges, the notes kept for the interviewers, a scorecard kept private) is skipped. Nothing else is affected; once they are in <#${session.channelId}>, those still to come reach them there.`;
  }
}
