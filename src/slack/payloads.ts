/**
 * zod at the edge: every payload Slack sends is checked for the fields we use before a listener acts on it.
 * A payload that does not fit is answered (acked) and otherwise ignored: nothing is stored from it.
 */
import { z } from 'zod';
import type { Workspace } from '../domain/session.ts';

/** Slack ids: team T…, enterprise E…, user U…/W…/B…, channel C…/G…/D… (upper-case letters and digits). */
const SlackId = z.string().regex(/^[A-Z0-9]{2,32}$/);
/** Slack's trigger ids look like `132456.7890123.abcdef`; anything else cannot open a modal. */
const Trigger = z.string().max(255).regex(/^\d+\.\d+\.[0-9a-zA-Z]+$/);

const Team = z.object({ id: SlackId, enterprise_id: SlackId.nullish() });
const Enterprise = z.object({ id: SlackId }).nullish();

function workspace(team: { id: string; enterprise_id?: string | null | undefined } | null | undefined, enterprise: { id: string } | null | undefined, userTeam?: string): Workspace {
  return { teamId: team?.id ?? userTeam ?? '', enterpriseId: team?.enterprise_id ?? enterprise?.id ?? '' };
}

const CommandPayload = z.object({
  team_id: SlackId,
  enterprise_id: SlackId.nullish(),
  channel_id: SlackId,
  user_id: SlackId,
  text: z.string().max(40_000).default(''),
  // A command's trigger only tells one delivery from another here (it opens no modal), so any string will do.
  trigger_id: z.string().max(255).default(''),
});

export interface CommandInput {
  readonly workspace: Workspace;
  readonly channelId: string;
  readonly userId: string;
  readonly text: string;
  /** Empty when Slack sent none. */
  readonly triggerId: string;
}

export function readCommand(body: unknown): CommandInput | undefined {
  const p = CommandPayload.safeParse(body);
  if (!p.success) return undefined;
  const c = p.data;
  return { workspace: { teamId: c.team_id, enterpriseId: c.enterprise_id ?? '' }, channelId: c.channel_id, userId: c.user_id, text: c.text, triggerId: c.trigger_id };
}

const User = z.object({ id: SlackId, team_id: SlackId.nullish() });

const ButtonPayload = z.object({
  type: z.literal('block_actions'),
  user: User,
  team: Team.nullish(),
  enterprise: Enterprise,
  trigger_id: Trigger,
  channel: z.object({ id: SlackId }).nullish(),
  container: z.object({ channel_id: SlackId.nullish() }).nullish(),
  actions: z.array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).nullish() })).min(1),
});

export interface ButtonInput {
  readonly workspace: Workspace;
  readonly userId: string;
  readonly channelId: string | undefined;
  readonly triggerId: string;
  readonly value: string | undefined;
}

export function readButton(body: unknown): ButtonInput | undefined {
  const p = ButtonPayload.safeParse(body);
  if (!p.success) return undefined;
  const b = p.data;
  return {
    workspace: workspace(b.team, b.enterprise, b.user.team_id ?? undefined),
    userId: b.user.id,
    channelId: b.channel?.id ?? b.container?.channel_id ?? undefined,
    triggerId: b.trigger_id,
    value: b.actions[0]?.value ?? undefined,
  };
}

const ViewSubmissionPayload = z.object({
  type: z.literal('view_submission'),
  user: User,
  team: Team.nullish(),
  enterprise: Enterprise,
  view: z.object({
    id: z.string().min(1).max(64),
    private_metadata: z.string().max(3000).default(''),
    state: z.object({ values: z.record(z.string(), z.unknown()) }),
  }),
});

export interface ViewSubmissionInput {
  readonly workspace: Workspace;
  readonly userId: string;
  readonly viewId: string;
  readonly privateMetadata: string;
  readonly values: Record<string, unknown>;
}

export function readViewSubmission(body: unknown): ViewSubmissionInput | undefined {
  const p = ViewSubmissionPayload.safeParse(body);
  if (!p.success) return undefined;
  const v = p.data;
  return {
    workspace: workspace(v.team, v.enterprise, v.user.team_id ?? undefined),
    userId: v.user.id,
    viewId: v.view.id,
    privateMetadata: v.view.private_metadata,
    values: v.view.state.values,
  };
}

const MessageShortcutPayload = z.object({
  type: z.literal('message_action'),
  user: User,
  team: Team.nullish(),
  enterprise: Enterprise,
  channel: z.object({ id: SlackId }),
  trigger_id: Trigger,
  message: z.object({ text: z.string().max(40_000).nullish() }),
});

export interface MessageShortcutInput {
  readonly workspace: Workspace;
  readonly userId: string;
  readonly channelId: string;
  readonly triggerId: string;
  readonly messageText: string;
}

export function readMessageShortcut(body: unknown): MessageShortcutInput | undefined {
  const p = MessageShortcutPayload.safeParse(body);
  if (!p.success) return undefined;
  const s = p.data;
  return {
    workspace: workspace(s.team, s.enterprise, s.user.team_id ?? undefined),
    userId: s.user.id,
    channelId: s.channel.id,
    triggerId: s.trigger_id,
    messageText: s.message.text ?? '',
  };
}

const EventEnvelope = z.object({
  team_id: SlackId,
  enterprise_id: SlackId.nullish(),
  is_enterprise_install: z.boolean().optional(),
  authorizations: z.array(z.object({ is_enterprise_install: z.boolean().optional() }).loose()).nullish(),
  event: z.object({
    type: z.string(),
    user: SlackId.optional(),
    tab: z.string().optional(),
    channel: SlackId.optional(),
    // tokens_revoked: which kinds of token went (user ids under `oauth`, bot user ids under `bot`).
    tokens: z.object({ oauth: z.array(z.string()).nullish(), bot: z.array(z.string()).nullish() }).loose().optional(),
  }),
});

export interface EventInput {
  readonly workspace: Workspace;
  readonly type: string;
  readonly userId: string | undefined;
  readonly tab: string | undefined;
  /** For member_joined_channel: the channel joined. */
  readonly channelId: string | undefined;
  /** The event reached us through an org-wide (Enterprise Grid) install. */
  readonly orgWide: boolean;
  /** tokens_revoked: the bot's token is among those revoked (not only people's tokens). */
  readonly botTokenRevoked: boolean;
}

export function readEvent(body: unknown): EventInput | undefined {
  const p = EventEnvelope.safeParse(body);
  if (!p.success) return undefined;
  const e = p.data;
  return {
    workspace: { teamId: e.team_id, enterpriseId: e.enterprise_id ?? '' },
    type: e.event.type,
    userId: e.event.user,
    tab: e.event.tab,
    channelId: e.event.channel,
    orgWide: e.authorizations?.[0]?.is_enterprise_install ?? e.is_enterprise_install ?? false,
    botTokenRevoked: (e.event.tokens?.bot?.length ?? 0) > 0,
  };
}

const MessageTs = z.string().regex(/^\d{1,12}\.\d{1,9}$/);

const MessageEventEnvelope = z.object({
  team_id: SlackId,
  enterprise_id: SlackId.nullish(),
  event: z
    .object({
      type: z.literal('message'),
      subtype: z.string().optional(),
      user: SlackId.optional(),
      bot_id: z.string().optional(),
      channel: SlackId,
      ts: MessageTs,
      thread_ts: MessageTs.optional(),
      // In a channel shared with another organisation, the author's own workspace.
      user_team: SlackId.optional(),
    })
    .loose(),
});

export interface ThreadReplyInput {
  readonly workspace: Workspace;
  readonly channelId: string;
  readonly userId: string;
  readonly ts: string;
  readonly threadTs: string;
}

/** Kinds of message a person writes: a plain message, or a reply also sent to the channel. Edits, joins and bots' posts are not. */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

/**
 * A reply a person wrote in a thread (message.channels / message.groups); undefined for anything else: a
 * top-level message, an edit or deletion, a bot's post (ours included), or a payload that does not fit.
 */
export function readThreadReply(body: unknown): ThreadReplyInput | undefined {
  const p = MessageEventEnvelope.safeParse(body);
  if (!p.success) return undefined;
  const e = p.data.event;
  if (!e.user || e.bot_id || !PERSON_SUBTYPES.has(e.subtype) || !e.thread_ts || e.thread_ts === e.ts) return undefined;
  return { workspace: { teamId: p.data.team_id, enterpriseId: p.data.enterprise_id ?? '' }, channelId: e.channel, userId: e.user, ts: e.ts, threadTs: e.thread_ts };
}

/** A field of a payload, when it is a short string (an id or a name): anything else is left out of a log line. */
function idAt(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : undefined;
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * What a failed listener was handling, for its one log line: the kind of payload and the command, button, form or
 * event, with the team, channel and user. Only ids and names are picked out: a payload also carries a response URL
 * (which lets anyone post to the person for half an hour), tokens and people's words, none of which belong in logs.
 */
export function describePayload(body: unknown): Record<string, string | undefined> {
  const event = fieldOf(body, 'event');
  const view = fieldOf(body, 'view');
  const action = fieldOf(fieldOf(body, 'actions'), '0');
  const command = idAt(fieldOf(body, 'command'));
  const kind = command ? 'slash_command' : idAt(fieldOf(body, 'type'));
  return {
    payload: kind,
    command,
    action: idAt(fieldOf(action, 'action_id')),
    form: idAt(fieldOf(view, 'callback_id')),
    shortcut: idAt(fieldOf(body, 'callback_id')),
    event: idAt(fieldOf(event, 'type')),
    team: idAt(fieldOf(body, 'team_id')) ?? idAt(fieldOf(fieldOf(body, 'team'), 'id')),
    channel: idAt(fieldOf(body, 'channel_id')) ?? idAt(fieldOf(fieldOf(body, 'channel'), 'id')) ?? idAt(fieldOf(event, 'channel')),
    user: idAt(fieldOf(body, 'user_id')) ?? idAt(fieldOf(fieldOf(body, 'user'), 'id')) ?? idAt(fieldOf(event, 'user')),
  };
}
