/** Web API methods of the stand-in, answering and refusing the way Slack does. */
import { randomBytes } from 'node:crypto';
import { checkMessageBlocks, checkView } from './block-kit-limits.ts';
import { flag, param } from './http.ts';
import type { Params } from './http.ts';
import { MAX_MODAL_STACK } from './workspace.ts';
import type { Channel, MessageMetadata, StoredFile, StoredMessage, StoredView, Workspace } from './workspace.ts';

export interface ApiAnswer {
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

/** Who a call acts as: the bot (or person) a token belongs to, and where the token was installed. */
export interface Actor {
  kind: 'bot' | 'user';
  /** The bot user id (or the person's id for a user token). */
  userId: string;
  /** The bot id (B…); null for a user token. */
  botId: string | null;
  appId: string;
  isEnterpriseInstall: boolean;
  enterpriseId: string | null;
  /** What auth.test reports as the token's home: its workspace, or its organization for an org-wide install. */
  home: { id: string; name: string; url: string };
  /** The token's scopes; null: not checked (the stand-in's own installs, or no token at all). */
  scopes: string[] | null;
}

export interface ApiContext {
  /** The workspace the call acts in (for an org-wide token: the one its arguments point at). */
  ws: Workspace;
  baseUrl: string;
  /** Defaults to the workspace's own bot. */
  actor?: Actor;
  /** The workspace's URL (auth.test, permalinks); default `${baseUrl}/`. */
  wsUrl?: string;
}

/** The workspace's own bot, installed in it: what a call acts as when nothing else is said. */
export function workspaceActor(ws: Workspace, url: string): Actor {
  return {
    kind: 'bot', userId: ws.config.botUserId, botId: ws.config.botId, appId: ws.config.appId, isEnterpriseInstall: false,
    enterpriseId: ws.enterpriseId, home: { id: ws.teamId, name: ws.teamName, url }, scopes: null,
  };
}

/** The scopes a method needs (any one of them), given the conversation it names; undefined: none. */
function neededScopes(method: string, p: Params, { ws }: Ctx): string[] | undefined {
  const ch = ws.channels.get(param(p, 'channel') ?? '');
  const byType = (kind: 'history' | 'read'): string[] | undefined => {
    if (!ch) return undefined;
    const type = ch.isIm ? 'im' : ch.isMpim ? 'mpim' : ch.isPrivate ? 'groups' : 'channels';
    return [`${type}:${kind}`];
  };
  switch (method) {
    case 'chat.postMessage':
    case 'chat.update':
    case 'chat.delete':
    case 'chat.postEphemeral':
      return ['chat:write'];
    case 'conversations.history':
    case 'conversations.replies':
      return byType('history');
    case 'conversations.info':
      return byType('read');
    case 'conversations.join':
      return ['channels:join'];
    case 'conversations.open':
      return (param(p, 'users') ?? '').split(',').filter(Boolean).length > 1 ? ['mpim:write'] : ['im:write'];
    case 'users.info':
      return ['users:read'];
    case 'files.getUploadURLExternal':
    case 'files.completeUploadExternal':
      return ['files:write'];
    default:
      return undefined;
  }
}

interface Ctx {
  ws: Workspace;
  baseUrl: string;
  actor: Actor;
  wsUrl: string;
}

type Handler = (p: Params, ctx: Ctx) => ApiAnswer;

const POST_MESSAGE_MAX_TEXT = 40_000;
const UPDATE_MAX_TEXT = 4_000;

function refuse(error: string, extra: Record<string, unknown> = {}): ApiAnswer {
  return { ok: false, error, ...extra };
}

function blockProblem(error: string, message: string): ApiAnswer {
  return refuse(error, { response_metadata: { messages: [message] } });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Channel checks shared by every method that writes into a channel as the bot. */
function writableChannel({ ws, actor }: Ctx, id: string | undefined): Channel | ApiAnswer {
  const ch = id ? ws.resolveChannel(id, actor.userId) : undefined;
  if (!ch) return refuse('channel_not_found');
  if (ch.isArchived) return refuse('is_archived');
  // Public channels accept posts without membership (chat:write.public); private ones do not.
  const publicPosts = actor.scopes === null || actor.scopes.includes('chat:write.public');
  if (!ch.bots.has(actor.userId) && (ch.isPrivate || (!publicPosts && !ch.isIm))) return refuse('not_in_channel');
  return ch;
}

/** Slack hides private conversations the bot is not in: they look nonexistent. */
function visibleChannel({ ws, actor }: Ctx, id: string | undefined): Channel | ApiAnswer {
  const ch = id ? ws.channels.get(id) : undefined;
  if (!ch || (ch.isPrivate && !ch.bots.has(actor.userId))) return refuse('channel_not_found');
  return ch;
}

/** A message records its author's workspace only when it is not the channel's own (a shared channel's other side). */
export function authorTeam(ws: Workspace, ch: Channel): { team?: string } {
  return ch.teamId === ws.config.teamId ? {} : { team: ws.config.teamId };
}

function isAnswer(value: Channel | ApiAnswer): value is ApiAnswer {
  return 'ok' in value;
}

interface Content {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: MessageMetadata;
}

/** Validates text/blocks/attachments/metadata of a message write; returns the refusal or the parsed content. */
function messageContent(p: Params, maxText: number, requireContent: boolean): Content | ApiAnswer {
  const text = param(p, 'text');
  const { blocks, attachments, metadata } = p;
  if (blocks !== undefined && !Array.isArray(blocks)) {
    return blockProblem('invalid_blocks_format', '[ERROR] must provide an array [json-pointer:/blocks]');
  }
  if (attachments !== undefined && !Array.isArray(attachments)) return refuse('invalid_attachments');
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (requireContent && !text && !hasBlocks && !hasAttachments) return refuse('no_text');
  if (text !== undefined && text.length > maxText) return refuse('msg_too_long');
  if (blocks !== undefined) {
    const problem = checkMessageBlocks(blocks);
    if (problem) return blockProblem('invalid_blocks', problem);
  }
  let meta: MessageMetadata | undefined;
  if (metadata !== undefined) {
    if (!isObject(metadata) || typeof metadata.event_type !== 'string' || metadata.event_type === '' || !isObject(metadata.event_payload)) {
      return refuse('invalid_metadata');
    }
    meta = { event_type: metadata.event_type, event_payload: metadata.event_payload };
  }
  return { text, blocks: blocks as unknown[] | undefined, attachments: attachments as unknown[] | undefined, metadata: meta };
}

function isContent(value: Content | ApiAnswer): value is Content {
  return !('ok' in value);
}

/** A message as Slack serialises it; metadata only when asked for, thread fields computed from the replies. */
export function messageJson(ws: Workspace, m: StoredMessage, includeMetadata: boolean): Record<string, unknown> {
  const team = m.team ?? ws.channels.get(m.channel)?.teamId ?? ws.config.teamId;
  const out: Record<string, unknown> = { type: 'message', user: m.user, text: m.text, ts: m.ts, team };
  // Messages in shared channels say whose workspace the author and the message come from.
  if ((ws.channels.get(m.channel)?.sharedWith.size ?? 0) > 0) Object.assign(out, { user_team: team, source_team: team });
  if (m.subtype) out.subtype = m.subtype;
  if (m.bot_id) Object.assign(out, { bot_id: m.bot_id, app_id: m.app_id });
  if (m.blocks) out.blocks = m.blocks;
  if (m.attachments) out.attachments = m.attachments;
  if (m.edited) out.edited = m.edited;
  if (includeMetadata && m.metadata) out.metadata = m.metadata;
  if (m.files) {
    out.files = m.files.flatMap((id) => {
      const f = ws.files.get(id);
      return f ? [fileJson(f)] : [];
    });
    out.upload = true;
  }
  if (ws.isTopLevel(m)) {
    const replies = ws.replies(m.channel, m.ts);
    if (replies.length > 0) {
      const users = [...new Set(replies.map((r) => r.user))];
      Object.assign(out, {
        thread_ts: m.ts, reply_count: replies.length, reply_users: users, reply_users_count: users.length,
        latest_reply: replies[replies.length - 1]?.ts,
      });
    }
  } else {
    Object.assign(out, { thread_ts: m.thread_ts, parent_user_id: ws.findMessage(m.channel, m.thread_ts ?? '')?.user });
  }
  return out;
}

const MIME_TYPES: Record<string, string> = { md: 'text/markdown', csv: 'text/csv', txt: 'text/plain', json: 'application/json', png: 'image/png' };

/** A file as Slack describes it in a message or an answer (the fields a client reads). */
export function fileJson(f: StoredFile): Record<string, unknown> {
  const ext = /\.([A-Za-z0-9]+)$/.exec(f.name)?.[1]?.toLowerCase() ?? '';
  return {
    id: f.id, name: f.name, title: f.title ?? f.name, user: f.user, created: Math.floor(f.createdAt / 1000), size: f.bytes?.length ?? 0,
    mimetype: MIME_TYPES[ext] ?? 'application/octet-stream', filetype: ext || 'binary', is_external: false,
  };
}

/** `files` of files.completeUploadExternal: a JSON array (a form body carries it as a string) of `{ id, title? }`. */
function fileList(value: unknown): { id: string; title: string | undefined }[] | undefined {
  let list = value;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: { id: string; title: string | undefined }[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.id !== 'string' || item.id === '') return undefined;
    if (item.title !== undefined && typeof item.title !== 'string') return undefined;
    out.push({ id: item.id, title: item.title as string | undefined });
  }
  return out;
}

function invalidArguments(message: string): ApiAnswer {
  return refuse('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${message}`] } });
}

export function channelJson(ws: Workspace, ch: Channel, viewerBotUserId: string = ws.config.botUserId): Record<string, unknown> {
  const shared = ch.sharedWith.size > 0;
  // Shared with another organization's workspace: Slack Connect (is_ext_shared); only within its own organization: is_org_shared.
  const ext = shared && ch.extShared;
  const org = shared && !ch.extShared;
  const base: Record<string, unknown> = {
    id: ch.id, created: ch.created, is_archived: ch.isArchived, is_org_shared: org, context_team_id: ws.config.teamId,
  };
  if (ch.isIm) return { ...base, is_im: true, user: ch.imUser, is_open: true };
  return {
    ...base, name: ch.name, name_normalized: ch.name, is_channel: !ch.isPrivate, is_group: ch.isPrivate && !ch.isMpim,
    is_im: false, is_mpim: ch.isMpim, is_private: ch.isPrivate, is_general: ch.name === 'general' && ch.teamId === ws.config.teamId,
    is_member: ch.bots.has(viewerBotUserId), is_shared: shared, is_ext_shared: ext, is_pending_ext_shared: false,
    ...(shared ? { shared_team_ids: [ch.teamId, ...ch.sharedWith], conversation_host_id: ch.teamId } : {}),
    num_members: ch.members.size + ch.bots.size,
  };
}

/** Offset cursors, opaque to the caller like Slack's. */
function paginate<T>(items: T[], p: Params): { page: T[]; has_more: boolean; next_cursor: string } | ApiAnswer {
  const limit = Math.min(Math.max(Number(param(p, 'limit') ?? 100) || 100, 1), 999);
  const cursor = param(p, 'cursor');
  let offset = 0;
  if (cursor) {
    const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!match) return refuse('invalid_cursor');
    offset = Number(match[1]);
  }
  const page = items.slice(offset, offset + limit);
  const hasMore = offset + limit < items.length;
  return { page, has_more: hasMore, next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' };
}

function inRange(ts: string, p: Params): boolean {
  const oldest = Number(param(p, 'oldest') ?? 0);
  const latest = Number(param(p, 'latest') ?? Number.POSITIVE_INFINITY);
  const value = Number(ts);
  return flag(p, 'inclusive') ? value >= oldest && value <= latest : value > oldest && value < latest;
}

function buildView({ ws, actor }: Ctx, v: Record<string, unknown>, prior?: StoredView, previousViewId: string | null = null): StoredView {
  const id = prior?.id ?? ws.newViewId();
  return {
    ...v,
    id,
    team_id: ws.config.teamId,
    type: v.type === 'home' ? 'home' : 'modal',
    blocks: v.blocks as unknown[],
    private_metadata: typeof v.private_metadata === 'string' ? v.private_metadata : '',
    callback_id: typeof v.callback_id === 'string' ? v.callback_id : '',
    external_id: typeof v.external_id === 'string' ? v.external_id : '',
    state: { values: {} },
    hash: ws.newHash(),
    clear_on_close: v.clear_on_close === true,
    notify_on_close: v.notify_on_close === true,
    root_view_id: prior?.root_view_id ?? id,
    previous_view_id: prior?.previous_view_id ?? previousViewId,
    app_id: actor.appId,
    app_installed_team_id: actor.isEnterpriseInstall ? actor.enterpriseId ?? actor.home.id : ws.config.teamId,
    bot_id: actor.botId ?? ws.config.botId,
  };
}

/** Validates the `view` argument; external_id must be unique across the app's live views. */
function viewArgument(ws: Workspace, p: Params, expected: 'modal' | 'home' | undefined, self?: StoredView): Record<string, unknown> | ApiAnswer {
  const view = p.view;
  if (view === undefined) return refuse('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
  const problem = checkView(view, expected);
  if (problem) return blockProblem('invalid_arguments', problem);
  const v = view as Record<string, unknown>;
  if (typeof v.external_id === 'string' && v.external_id !== '') {
    const clash = ws.allViews().find((entry) => entry.view.external_id === v.external_id && entry.view.id !== self?.id);
    if (clash) return refuse('duplicate_external_id');
  }
  return v;
}

function openOrPush(push: boolean): Handler {
  return (p, ctx) => {
    const { ws } = ctx;
    const triggerId = param(p, 'trigger_id');
    const trigger = ws.checkTrigger(triggerId);
    if ('error' in trigger) return refuse(trigger.error);
    const v = viewArgument(ws, p, 'modal');
    if (isRefusal(v)) return v;
    const stack = ws.stack(trigger.userId);
    if (push && stack.length >= MAX_MODAL_STACK) return refuse('push_limit_reached');
    ws.useTrigger(triggerId ?? '');
    const below = push ? stack[stack.length - 1] : undefined;
    const view = buildView(ctx, v, undefined, below?.id ?? null);
    if (below) view.root_view_id = below.root_view_id;
    // views.open starts a fresh stack: a user has at most one modal stack at a time.
    if (!push) stack.length = 0;
    stack.push(view);
    ws.changed({ kind: 'views', user: trigger.userId });
    return { ok: true, view };
  };
}

function isRefusal(value: unknown): value is ApiAnswer {
  return isObject(value) && value.ok === false;
}

const methods: Record<string, Handler> = {
  // An org-wide token answers for its organization: team_id is the organization's id (E…), as Slack does.
  'auth.test': (_p, { ws, actor }) => ({
    ok: true, url: actor.home.url, team: actor.home.name, team_id: actor.home.id, user: ws.findUser(actor.userId)?.name,
    user_id: actor.userId, ...(actor.botId ? { bot_id: actor.botId } : {}),
    ...(actor.enterpriseId ? { enterprise_id: actor.enterpriseId } : {}), is_enterprise_install: actor.isEnterpriseInstall,
  }),

  'chat.postMessage': (p, ctx) => {
    const { ws, actor } = ctx;
    const ch = writableChannel(ctx, param(p, 'channel'));
    if (isAnswer(ch)) return ch;
    const content = messageContent(p, POST_MESSAGE_MAX_TEXT, true);
    if (!isContent(content)) return content;
    const threadTs = param(p, 'thread_ts');
    if (threadTs) {
      const parent = ws.findMessage(ch.id, threadTs);
      if (!parent || !ws.isTopLevel(parent)) return refuse('thread_not_found');
    }
    const m = ws.addMessage({
      channel: ch.id, ts: ws.nextTs(), user: actor.userId, ...authorTeam(ws, ch), bot_id: actor.botId ?? undefined, app_id: actor.appId,
      text: content.text ?? '', blocks: content.blocks, attachments: content.attachments, thread_ts: threadTs || undefined,
      metadata: content.metadata,
    });
    return { ok: true, channel: ch.id, ts: m.ts, message: messageJson(ws, m, true) };
  },

  'chat.update': (p, ctx) => {
    const { ws, actor } = ctx;
    const ch = visibleChannel(ctx, param(p, 'channel'));
    if (isAnswer(ch)) return ch;
    const m = ws.findMessage(ch.id, param(p, 'ts') ?? '');
    if (!m || m.subtype === 'tombstone') return refuse('message_not_found');
    if (m.user !== actor.userId) return refuse('cant_update_message');
    if (ch.isArchived) return refuse('is_archived');
    const content = messageContent(p, UPDATE_MAX_TEXT, false);
    if (!isContent(content)) return content;
    if (content.text === undefined && content.blocks === undefined && content.attachments === undefined && !content.metadata) {
      return refuse('no_text');
    }
    // Fields left out keep their previous value; an empty blocks array removes the blocks, as in Slack.
    const patch: Partial<StoredMessage> = {};
    if (content.text !== undefined) patch.text = content.text;
    if (content.blocks !== undefined) patch.blocks = content.blocks.length > 0 ? content.blocks : undefined;
    if (content.attachments !== undefined) patch.attachments = content.attachments;
    if (content.metadata) patch.metadata = content.metadata;
    ws.updateMessage(m, patch, actor.userId);
    return { ok: true, channel: ch.id, ts: m.ts, text: m.text, message: messageJson(ws, m, true) };
  },

  'chat.delete': (p, ctx) => {
    const { ws, actor } = ctx;
    const ch = visibleChannel(ctx, param(p, 'channel'));
    if (isAnswer(ch)) return ch;
    const m = ws.findMessage(ch.id, param(p, 'ts') ?? '');
    if (!m || m.subtype === 'tombstone') return refuse('message_not_found');
    if (m.user !== actor.userId) return refuse('cant_delete_message');
    ws.deleteMessage(m);
    return { ok: true, channel: ch.id, ts: m.ts };
  },

  'chat.postEphemeral': (p, ctx) => {
    const { ws } = ctx;
    const ch = writableChannel(ctx, param(p, 'channel'));
    if (isAnswer(ch)) return ch;
    const user = param(p, 'user') ?? '';
    if (!ws.findUser(user)) return refuse('user_not_found');
    if (!ws.isMember(user, ch)) return refuse('user_not_in_channel');
    const content = messageContent(p, POST_MESSAGE_MAX_TEXT, true);
    if (!isContent(content)) return content;
    const e = ws.addEphemeral({
      channel: ch.id, user, ts: ws.nextTs(), text: content.text ?? '', blocks: content.blocks,
      thread_ts: param(p, 'thread_ts') || undefined, source: 'chat.postEphemeral',
    });
    return { ok: true, message_ts: e.ts };
  },

  'chat.getPermalink': (p, ctx) => {
    const { ws, wsUrl } = ctx;
    const ch = visibleChannel(ctx, param(p, 'channel'));
    if (isAnswer(ch)) return ch;
    const m = ws.findMessage(ch.id, param(p, 'message_ts') ?? '');
    if (!m) return refuse('message_not_found');
    let permalink = `${wsUrl}archives/${ch.id}/p${m.ts.replace('.', '')}`;
    if (!ws.isTopLevel(m)) permalink += `?thread_ts=${m.thread_ts}&cid=${ch.id}`;
    return { ok: true, channel: ch.id, permalink };
  },

  'conversations.replies': (p, ctx) => {
    const { ws } = ctx;
    const ch = visibleChannel(ctx, param(p, 'channel'));
    if (isAnswer(ch)) return ch;
    const m = ws.findMessage(ch.id, param(p, 'ts') ?? '');
    if (!m) return refuse('thread_not_found');
    const parent = ws.isTopLevel(m) ? m : ws.findMessage(ch.id, m.thread_ts ?? '');
    if (!parent) return refuse('thread_not_found');
    const thread = [parent, ...ws.replies(ch.id, parent.ts).filter((r) => inRange(r.ts, p))];
    const page = paginate(thread, p);
    if (isRefusal(page)) return page;
    const includeMetadata = flag(p, 'include_all_metadata');
    return {
      ok: true, messages: page.page.map((x) => messageJson(ws, x, includeMetadata)), has_more: page.has_more,
      response_metadata: { next_cursor: page.next_cursor },
    };
  },

  'conversations.history': (p, ctx) => {
    const { ws, actor } = ctx;
    const ch = visibleChannel(ctx, param(p, 'channel'));
    if (isAnswer(ch)) return ch;
    if (!ch.bots.has(actor.userId)) return refuse('not_in_channel');
    const newestFirst = ws.topLevel(ch.id).filter((m) => inRange(m.ts, p)).reverse();
    const page = paginate(newestFirst, p);
    if (isRefusal(page)) return page;
    const includeMetadata = flag(p, 'include_all_metadata');
    return {
      ok: true, messages: page.page.map((x) => messageJson(ws, x, includeMetadata)), has_more: page.has_more,
      pin_count: 0, response_metadata: { next_cursor: page.next_cursor },
    };
  },

  'conversations.join': (p, { ws, actor }) => {
    const ch = ws.channels.get(param(p, 'channel') ?? '');
    if (!ch) return refuse('channel_not_found');
    if (ch.isPrivate || ch.isIm) return refuse('method_not_supported_for_channel_type');
    if (ch.isArchived) return refuse('is_archived');
    if (ch.bots.has(actor.userId)) {
      return {
        ok: true, channel: channelJson(ws, ch, actor.userId), warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] },
      };
    }
    ch.bots.add(actor.userId);
    ws.changed({ kind: 'channel', channel: ch.id });
    return { ok: true, channel: channelJson(ws, ch, actor.userId) };
  },

  'conversations.info': (p, ctx) => {
    const ch = visibleChannel(ctx, param(p, 'channel'));
    if (isAnswer(ch)) return ch;
    return { ok: true, channel: channelJson(ctx.ws, ch, ctx.actor.userId) };
  },

  'conversations.open': (p, { ws, actor }) => {
    const existing = param(p, 'channel');
    if (existing) {
      const ch = ws.channels.get(existing);
      if (!ch || !(ch.isIm || ch.isMpim)) return refuse('channel_not_found');
      return { ok: true, no_op: true, already_open: true, channel: { id: ch.id } };
    }
    const users = (param(p, 'users') ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    if (users.length === 0) return refuse('users_list_not_supplied');
    if (users.length > 8) return refuse('too_many_users');
    if (users.some((u) => !ws.users.has(u) || ws.users.get(u)?.isBot)) return refuse('user_not_found');
    const already = users.length === 1 && [...ws.channels.values()].some((c) => c.isIm && c.imUser === users[0] && c.bots.has(actor.userId));
    const ch = users.length === 1 ? ws.openIm(users[0] ?? '', actor.userId) : ws.openMpim(users, actor.userId);
    const channel = flag(p, 'return_im') ? channelJson(ws, ch, actor.userId) : { id: ch.id };
    return already ? { ok: true, no_op: true, already_open: true, channel } : { ok: true, channel };
  },

  'users.info': (p, { ws }) => {
    const user = ws.findUser(param(p, 'user') ?? '');
    if (!user) return refuse('user_not_found');
    const realName = user.name.charAt(0).toUpperCase() + user.name.slice(1);
    return {
      ok: true,
      user: {
        id: user.id, team_id: user.teamId ?? ws.config.teamId, name: user.name, deleted: user.deleted ?? false, real_name: realName, tz: user.tz,
        is_admin: user.isAdmin ?? false, is_owner: false, is_primary_owner: false,
        tz_label: user.tz, tz_offset: tzOffsetSeconds(user.tz, ws.now()), is_bot: user.isBot, is_app_user: false,
        profile: { display_name: user.name, real_name: realName, display_name_normalized: user.name, real_name_normalized: realName },
      },
    };
  },

  // The external upload flow: a URL to POST the bytes to, then the upload is completed (and shared) by id.
  'files.getUploadURLExternal': (p, { ws, baseUrl, actor }) => {
    const filename = param(p, 'filename');
    const length = param(p, 'length');
    if (!filename || filename.trim() === '') return invalidArguments('missing required field: filename');
    if (length === undefined || length === '') return invalidArguments('missing required field: length');
    if (!/^\d+$/.test(length)) return invalidArguments('length must be an integer');
    // Slack's own words: "Typically only occurs when the `length` provided is 0."
    if (Number(length) === 0) return refuse('missing_argument');
    const file: StoredFile = {
      id: ws.newFileId(), teamId: ws.config.teamId, user: actor.userId, name: filename, length: Number(length),
      uploadId: randomBytes(16).toString('hex'), createdAt: ws.now(),
    };
    ws.files.set(file.id, file);
    return { ok: true, upload_url: `${baseUrl}/upload/v1/${file.uploadId}`, file_id: file.id };
  },

  'files.completeUploadExternal': (p, ctx) => {
    const { ws, actor } = ctx;
    const list = fileList(p.files);
    if (!list) return invalidArguments('files must be a non-empty array of objects, each with an id');
    const files: StoredFile[] = [];
    for (const { id } of list) {
      const f = ws.files.get(id);
      // Not reserved in this workspace, never uploaded, or already completed: the upload ticket is gone.
      if (!f || f.teamId !== ws.config.teamId || f.bytes === undefined || f.completedAt !== undefined) return refuse('file_not_found');
      if (f.user !== actor.userId) return refuse('access_denied');
      if (files.includes(f)) return invalidArguments('a file is listed twice');
      files.push(f);
    }
    const channelIds = [param(p, 'channel_id'), ...(param(p, 'channels') ?? '').split(',')].map((c) => c?.trim() ?? '').filter((c) => c !== '');
    const threadTs = param(p, 'thread_ts') || undefined;
    if (threadTs && channelIds.length !== 1) return invalidArguments('thread_ts needs exactly one channel');
    // Every destination is checked before anything is shared: a refusal shares nothing.
    const targets: Channel[] = [];
    for (const id of new Set(channelIds)) {
      const ch = ws.resolveChannel(id, actor.userId);
      if (!ch) return refuse('channel_not_found');
      if (ch.isArchived) return refuse('is_archived');
      // Sharing a file needs the bot in the channel, public or not ("User/bot membership is required").
      if (!ch.bots.has(actor.userId)) return refuse('not_in_channel');
      if (threadTs) {
        const parent = ws.findMessage(ch.id, threadTs);
        if (!parent || !ws.isTopLevel(parent) || parent.subtype === 'tombstone') return invalidArguments('thread_ts must be the ts of a message at the top of the channel');
      }
      targets.push(ch);
    }
    const at = ws.now();
    for (const [i, f] of files.entries()) Object.assign(f, { title: list[i]?.title ?? f.name, completedAt: at });
    // One message carries every file of the call.
    for (const ch of targets) {
      const m = ws.addMessage({
        channel: ch.id, ts: ws.nextTs(), user: actor.userId, ...authorTeam(ws, ch), bot_id: actor.botId ?? undefined, app_id: actor.appId,
        text: param(p, 'initial_comment') ?? '', thread_ts: threadTs, files: files.map((f) => f.id),
      });
      for (const f of files) Object.assign(f, { channel: f.channel ?? ch.id, thread_ts: f.thread_ts ?? threadTs, messageTs: f.messageTs ?? m.ts });
    }
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
  },

  'views.open': openOrPush(false),
  'views.push': openOrPush(true),

  'views.update': (p, ctx) => {
    const { ws } = ctx;
    const viewId = param(p, 'view_id');
    const externalId = param(p, 'external_id');
    if (!viewId && !externalId) return refuse('invalid_arguments', { response_metadata: { messages: ['[ERROR] view_id or external_id is required'] } });
    const entry = ws.allViews().find((e) => (viewId ? e.view.id === viewId : e.view.external_id === externalId));
    if (!entry) return refuse('not_found');
    const hash = param(p, 'hash');
    if (hash && hash !== entry.view.hash) return refuse('hash_conflict');
    const v = viewArgument(ws, p, entry.view.type, entry.view);
    if (isRefusal(v)) return v;
    const next = buildView(ctx, v, entry.view);
    entry.replace(next);
    ws.changed({ kind: entry.view.type === 'home' ? 'home' : 'views', user: entry.userId });
    return { ok: true, view: next };
  },

  'views.publish': (p, ctx) => {
    const { ws } = ctx;
    const userId = param(p, 'user_id') ?? '';
    const user = ws.users.get(userId);
    if (!user || user.isBot) return refuse('user_not_found');
    const prior = ws.homeViews.get(userId);
    const hash = param(p, 'hash');
    if (hash && prior && hash !== prior.hash) return refuse('hash_conflict');
    const v = viewArgument(ws, p, 'home', prior);
    if (isRefusal(v)) return v;
    const view = buildView(ctx, v, prior);
    ws.homeViews.set(userId, view);
    ws.changed({ kind: 'home', user: userId });
    return { ok: true, view };
  },
};

/** Offset of an IANA zone at a moment, in seconds, as users.info reports tz_offset. */
export function tzOffsetSeconds(tz: string, atMs: number): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(new Date(atMs));
    const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    if (!match) return 0;
    return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60);
  } catch {
    return 0;
  }
}

export function isKnownMethod(method: string): boolean {
  return Object.hasOwn(methods, method);
}

export function callMethod(method: string, p: Params, ctx: ApiContext): ApiAnswer {
  const handler = methods[method];
  if (!handler) return refuse('unknown_method');
  const wsUrl = ctx.wsUrl ?? `${ctx.baseUrl}/`;
  const full: Ctx = { ws: ctx.ws, baseUrl: ctx.baseUrl, wsUrl, actor: ctx.actor ?? workspaceActor(ctx.ws, wsUrl) };
  const granted = full.actor.scopes;
  const needed = granted === null ? undefined : neededScopes(method, p, full);
  if (granted && needed && !needed.some((scope) => granted.includes(scope))) {
    return refuse('missing_scope', { needed: needed.join(','), provided: granted.join(',') });
  }
  return handler(p, full);
}
