/** Builds the request bodies Slack sends to an app (slash commands, block_actions, message_action, view_submission, events), shaped like Slack's. */
import { randomBytes } from 'node:crypto';
import type { SlashCommandFields } from '../signed-client.ts';
import type { StoredView } from '../stand-in/server.ts';

/** Who and where, as every payload names them. */
export interface PayloadContext {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
}

export interface PayloadUser {
  id: string;
  name: string;
}

export interface PayloadChannel {
  id: string;
  /** Slack sends 'directmessage' for IMs; callers pass what Slack would. */
  name: string;
}

/** Slack still sends the legacy verification token in every payload; Bolt ignores it when signatures are checked. */
export const VERIFICATION_TOKEN = 'deprecated-verification-token';

/** A Slack-style `action_ts` / `event_ts`: seconds with a microsecond suffix. */
export function slackTimestamp(nowMs: number): string {
  return (nowMs / 1000).toFixed(6);
}

function userJson(ctx: PayloadContext, user: PayloadUser): Record<string, unknown> {
  return { id: user.id, username: user.name, name: user.name, team_id: ctx.teamId };
}

function teamJson(ctx: PayloadContext): Record<string, unknown> {
  return { id: ctx.teamId, domain: ctx.teamDomain };
}

export function slashCommandFields(
  ctx: PayloadContext,
  input: { command: string; text: string; user: PayloadUser; channel: PayloadChannel; triggerId: string; responseUrl: string },
): SlashCommandFields & { team_domain: string } {
  return {
    command: input.command,
    text: input.text,
    user_id: input.user.id,
    user_name: input.user.name,
    channel_id: input.channel.id,
    channel_name: input.channel.name,
    team_id: ctx.teamId,
    team_domain: ctx.teamDomain,
    api_app_id: ctx.appId,
    trigger_id: input.triggerId,
    response_url: input.responseUrl,
  };
}

/**
 * What a clicked button reports (`text`, `value`, `style`, `url` are copied from the rendered element); for a select,
 * radio buttons or checkboxes, `state` is its new state in Slack's fields for that type (`selected_option`,
 * `selected_options`, `selected_user`, `selected_users`).
 */
export interface ClickedButton {
  actionId: string;
  blockId: string;
  element: Record<string, unknown>;
  state?: Record<string, unknown>;
}

/** The element's own settings Slack repeats in the action of a select, radio buttons or checkboxes. */
const REPEATED = ['initial_option', 'initial_options', 'initial_user', 'initial_users', 'placeholder', 'confirm'];

function buttonAction(button: ClickedButton, nowMs: number): Record<string, unknown> {
  const e = button.element;
  if (e.type !== 'button' && button.state) {
    const action: Record<string, unknown> = { ...button.state, action_id: button.actionId, block_id: button.blockId };
    for (const key of REPEATED) if (e[key] !== undefined) action[key] = e[key];
    action.action_ts = slackTimestamp(nowMs);
    return action;
  }
  const action: Record<string, unknown> = {
    action_id: button.actionId,
    block_id: button.blockId,
    text: e.text,
    type: 'button',
    action_ts: slackTimestamp(nowMs),
  };
  if (typeof e.value === 'string') action.value = e.value;
  if (typeof e.style === 'string') action.style = e.style;
  if (typeof e.url === 'string') action.url = e.url;
  return action;
}

export function messageBlockActions(
  ctx: PayloadContext,
  input: {
    user: PayloadUser;
    channel: PayloadChannel;
    /** The message as Slack serialises it; omitted for ephemeral messages, as Slack does. */
    message: Record<string, unknown> | undefined;
    messageTs: string;
    threadTs?: string;
    isEphemeral: boolean;
    triggerId: string;
    responseUrl: string;
    button: ClickedButton;
    /** The state of the message's selects, radio buttons and checkboxes, as the person left them (`state.values`). */
    values?: Record<string, Record<string, unknown>>;
    nowMs: number;
  },
): Record<string, unknown> {
  const container: Record<string, unknown> = {
    type: 'message',
    message_ts: input.messageTs,
    channel_id: input.channel.id,
    is_ephemeral: input.isEphemeral,
  };
  if (input.threadTs) container.thread_ts = input.threadTs;
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: userJson(ctx, input.user),
    api_app_id: ctx.appId,
    token: VERIFICATION_TOKEN,
    container,
    trigger_id: input.triggerId,
    team: teamJson(ctx),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channel.id, name: input.channel.name },
    state: { values: input.values ?? {} },
    response_url: input.responseUrl,
    actions: [buttonAction(input.button, input.nowMs)],
  };
  if (input.message) payload.message = input.message;
  return payload;
}

/**
 * A message shortcut used on a message. Slack sends fewer fields here than for block_actions: `user` is only id and
 * name, and there is no api_app_id, container or enterprise. The ack carries nothing back to the person.
 */
export function messageAction(
  ctx: PayloadContext,
  input: {
    user: PayloadUser;
    channel: PayloadChannel;
    callbackId: string;
    /** The message as Slack serialises it (a reply carries its thread_ts). */
    message: Record<string, unknown>;
    messageTs: string;
    triggerId: string;
    responseUrl: string;
    nowMs: number;
  },
): Record<string, unknown> {
  return {
    type: 'message_action',
    token: VERIFICATION_TOKEN,
    action_ts: slackTimestamp(input.nowMs),
    team: teamJson(ctx),
    user: { id: input.user.id, name: input.user.name },
    channel: { id: input.channel.id, name: input.channel.name },
    callback_id: input.callbackId,
    trigger_id: input.triggerId,
    message_ts: input.messageTs,
    message: input.message,
    response_url: input.responseUrl,
  };
}

/** A button or select in a modal or on the Home tab: the container is the view, and the view travels with its state. */
export function viewBlockActions(
  ctx: PayloadContext,
  input: { user: PayloadUser; view: StoredView; triggerId: string; button: ClickedButton; nowMs: number; values?: Record<string, Record<string, unknown>> },
): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: userJson(ctx, input.user),
    api_app_id: ctx.appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'view', view_id: input.view.id },
    trigger_id: input.triggerId,
    team: teamJson(ctx),
    enterprise: null,
    is_enterprise_install: false,
    view: { ...input.view, state: { values: input.values ?? {} } },
    actions: [buttonAction(input.button, input.nowMs)],
  };
}

export function viewSubmission(
  ctx: PayloadContext,
  input: { user: PayloadUser; view: StoredView; values: Record<string, Record<string, unknown>>; triggerId: string },
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: teamJson(ctx),
    user: userJson(ctx, input.user),
    api_app_id: ctx.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId,
    view: { ...input.view, state: { values: input.values } },
    response_urls: [],
    enterprise: null,
    is_enterprise_install: false,
  };
}

export function viewClosed(ctx: PayloadContext, input: { user: PayloadUser; view: StoredView; isCleared: boolean }): Record<string, unknown> {
  return {
    type: 'view_closed',
    team: teamJson(ctx),
    user: userJson(ctx, input.user),
    api_app_id: ctx.appId,
    token: VERIFICATION_TOKEN,
    view: input.view,
    is_cleared: input.isCleared,
    enterprise: null,
    is_enterprise_install: false,
  };
}

/** The Events API envelope around one event, with a fresh event_id (the app dedupes on it). */
export function eventEnvelope(ctx: PayloadContext, event: Record<string, unknown>, nowMs: number): Record<string, unknown> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: ctx.teamId,
    context_team_id: ctx.teamId,
    context_enterprise_id: null,
    api_app_id: ctx.appId,
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
    event_time: Math.floor(nowMs / 1000),
    authorizations: [{ enterprise_id: null, team_id: ctx.teamId, user_id: ctx.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  };
}

export function appHomeOpened(
  ctx: PayloadContext,
  input: { userId: string; channelId: string; tab: 'home' | 'messages'; view: StoredView | undefined; nowMs: number },
): Record<string, unknown> {
  const event: Record<string, unknown> = {
    type: 'app_home_opened',
    user: input.userId,
    channel: input.channelId,
    tab: input.tab,
    event_ts: slackTimestamp(input.nowMs),
  };
  // Slack includes the current Home view only once the app has published one.
  if (input.tab === 'home' && input.view) event.view = input.view;
  return eventEnvelope(ctx, event, input.nowMs);
}

/** `member_joined_channel`, as Slack sends it when someone is added to a channel (the app sees its own joins). */
export function memberJoinedChannel(
  ctx: PayloadContext,
  input: { userId: string; channelId: string; channelType: 'C' | 'G'; inviterId: string; nowMs: number },
): Record<string, unknown> {
  const event = {
    type: 'member_joined_channel',
    user: input.userId,
    channel: input.channelId,
    channel_type: input.channelType,
    inviter: input.inviterId,
    event_ts: slackTimestamp(input.nowMs),
  };
  return eventEnvelope(ctx, event, input.nowMs);
}

/** What kind of conversation a message event comes from (`channel_type`), and the bot event that subscribes to it. */
export type MessageChannelType = 'channel' | 'group' | 'im' | 'mpim';

export const MESSAGE_BOT_EVENTS: Readonly<Record<MessageChannelType, string>> = {
  channel: 'message.channels',
  group: 'message.groups',
  im: 'message.im',
  mpim: 'message.mpim',
};

/**
 * A person's new message as the `message` event Slack sends for it (the stand-in puts it in the `event_callback`
 * envelope): the message as Slack serialises it (`type`, `user`, `text`, `ts`, `team`, and in a thread `thread_ts`
 * and `parent_user_id`; `user_team`/`source_team` in a shared channel), plus `channel`, `event_ts` (the message's ts,
 * as for every new message) and `channel_type`.
 */
export function messageEvent(input: { message: Record<string, unknown>; channelId: string; channelType: MessageChannelType }): Record<string, unknown> {
  const { message } = input;
  return { ...message, type: 'message', channel: input.channelId, event_ts: String(message.ts), channel_type: input.channelType };
}
