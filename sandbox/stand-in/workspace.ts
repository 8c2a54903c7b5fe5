/**
 * In-memory state of one stand-in workspace: users, channels, views, triggers, response URLs. Messages, ephemerals
 * and the ts clock are shared by every workspace of a stand-in, so a channel shared between workspaces (Slack
 * Connect) has one history seen from both sides.
 */
import { randomBytes } from 'node:crypto';

export interface UserSpec {
  id: string;
  name: string;
  tz?: string;
  /** A workspace admin (users.info's is_admin). */
  isAdmin?: boolean;
}

export interface ChannelSpec {
  id: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  members: string[];
  /** Whether the workspace's own bot is in it (default: when `members` names it). */
  botIsMember?: boolean;
  /** Other bot users in it, e.g. an organization-wide install's bot. */
  bots?: string[];
}

export interface User {
  id: string;
  name: string;
  tz: string;
  isBot: boolean;
  /** A workspace admin (users.info's is_admin). */
  isAdmin?: boolean;
  /** The account is deactivated (users.info's deleted); a test sets it to take someone away. */
  deleted?: boolean;
  /** The user's own workspace (an organization's bot: the organization's id). Always set by the stand-in. */
  teamId?: string;
}

export interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isIm: boolean;
  isMpim: boolean;
  /** People in the channel (bots are in `bots`), from any workspace it is shared with. */
  members: Set<string>;
  /** Bot users in the channel: the workspace's own bot, an organization's bot, the bot of a workspace it is shared with. */
  bots: Set<string>;
  /** Whether the bot of the channel's own workspace is in it (reads and writes `bots`). */
  botIsMember: boolean;
  created: number;
  /** The workspace that hosts the channel. */
  teamId: string;
  /** The other workspaces it is shared with (Slack Connect or within an organization); empty when not shared. */
  sharedWith: Set<string>;
  /** Shared with a workspace outside the host's organization (Slack Connect); otherwise shared within it, if at all. */
  extShared: boolean;
  /** The other party of a direct message channel. */
  imUser?: string;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  user: string;
  /** The author's workspace; absent means the channel's own workspace. */
  team?: string;
  bot_id?: string;
  app_id?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  metadata?: MessageMetadata;
  edited?: { user: string; ts: string };
  subtype?: string;
  /** Files shared with the message (files.completeUploadExternal), by id. */
  files?: string[];
}

/**
 * A file uploaded through the external flow: reserved by files.getUploadURLExternal, its bytes POSTed to the upload
 * URL, then shared (or kept private) by files.completeUploadExternal.
 */
export interface StoredFile {
  id: string;
  /** The workspace of the token that asked for the upload URL. */
  teamId: string;
  /** The bot user (or person) that uploads it. */
  user: string;
  /** The file name given to files.getUploadURLExternal. */
  name: string;
  /** The size announced to files.getUploadURLExternal. */
  length: number;
  /** The one-time path part of the upload URL. */
  uploadId: string;
  createdAt: number;
  /** What was POSTed to the upload URL; undefined until then. */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal. */
  title?: string;
  completedAt?: number;
  /** Where it was shared: the channel, the thread (if any) and the message that carries it. Private when absent. */
  channel?: string;
  thread_ts?: string;
  messageTs?: string;
}

export interface StoredEphemeral {
  channel: string;
  /** The only user who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  source: 'chat.postEphemeral' | 'response_url';
  responseUrlId?: string;
}

export interface StoredView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  hash: string;
  external_id: string;
  callback_id: string;
  private_metadata: string;
  blocks: unknown[];
  state: { values: Record<string, unknown> };
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  [key: string]: unknown;
}

export interface ResponseUrlContext {
  channel: string;
  user: string;
  threadTs?: string;
  /** The message the interaction happened on, so replace_original / delete_original can act on it. */
  messageTs?: string;
}

export interface ResponseUrl extends ResponseUrlContext {
  id: string;
  createdAt: number;
  uses: number;
}

export interface Change {
  kind: 'message' | 'message_changed' | 'message_deleted' | 'ephemeral' | 'ephemeral_changed' | 'views' | 'home' | 'channel';
  channel?: string;
  user?: string;
  ts?: string;
  /** The workspace the change happened in. */
  team?: string;
}

export interface WorkspaceConfig {
  teamId: string;
  /** Shown by auth.test and the OAuth page. Default 'Sandbox'. */
  teamName?: string;
  /** The workspace's subdomain, as in https://<domain>.slack.com. Default: from the name. */
  domain?: string;
  /** The Enterprise organization the workspace belongs to, if any. */
  enterpriseId?: string | null;
  botUserId: string;
  botId: string;
  appId: string;
  now: () => number;
  users: UserSpec[];
  channels: ChannelSpec[];
}

/** What every workspace of one stand-in shares: one message history, one ts clock, a directory of people elsewhere. */
export interface SharedState {
  messages: StoredMessage[];
  /**
   * The same messages by channel, in order: looking a message up scans its channel, not every message ever posted
   * (a benchmark posts 100,000, and a scan of them all per call made the stand-in, not the app, the bottleneck).
   */
  byChannel: Map<string, StoredMessage[]>;
  ephemerals: StoredEphemeral[];
  /** Files uploaded through the external flow, by id. */
  files: Map<string, StoredFile>;
  clock: { lastSec: number; seq: number };
  /** A user of another workspace this one can see (through a shared channel or the same organization). */
  lookupElsewhere: (ws: Workspace, userId: string) => User | undefined;
}

export function newSharedState(): SharedState {
  return { messages: [], byChannel: new Map(), ephemerals: [], files: new Map(), clock: { lastSec: 0, seq: 0 }, lookupElsewhere: () => undefined };
}

/** The bot user every workspace has: one per workspace, whatever the installs, like Slack's app bot user. */
export const APP_BOT_NAME = 'mockdesign';

/** A channel whose `botIsMember` reads and writes the host workspace's bot in `bots`. */
export function newChannel(
  fields: Omit<Channel, 'botIsMember' | 'bots' | 'sharedWith' | 'extShared'> & { bots?: Iterable<string> },
  hostBotUserId: string,
): Channel {
  const { bots, ...rest } = fields;
  const channel = { ...rest, bots: new Set(bots ?? []), sharedWith: new Set<string>(), extShared: false } as Omit<Channel, 'botIsMember'>;
  Object.defineProperty(channel, 'botIsMember', {
    enumerable: true,
    get: () => channel.bots.has(hostBotUserId),
    set: (value: boolean) => {
      if (value) channel.bots.add(hostBotUserId);
      else channel.bots.delete(hostBotUserId);
    },
  });
  return channel as Channel;
}

export const DEFAULT_USERS: UserSpec[] = [
  { id: 'U0ALICE', name: 'alice', tz: 'Europe/London' },
  { id: 'U0BOB', name: 'bob', tz: 'America/New_York' },
  { id: 'U0CAROL', name: 'carol', tz: 'Asia/Kolkata' },
  { id: 'U0DAVE', name: 'dave', tz: 'America/Los_Angeles' },
];

export function defaultChannels(users: UserSpec[]): ChannelSpec[] {
  const everyone = users.map((u) => u.id);
  return [
    { id: 'C0GENERAL', name: 'general', members: everyone, botIsMember: true },
    { id: 'C0PREP', name: 'interview-prep', members: everyone, botIsMember: false },
    { id: 'G0PRIVATE', name: 'private-mocks', isPrivate: true, members: everyone.slice(0, 2), botIsMember: false },
  ];
}

export const TRIGGER_TTL_MS = 3_000;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_MAX_USES = 5;
export const MAX_MODAL_STACK = 3;

function randomId(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  let id = prefix;
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}

export class Workspace {
  readonly config: WorkspaceConfig;
  readonly users = new Map<string, User>();
  readonly channels = new Map<string, Channel>();
  /** Every message of the stand-in (shared by its workspaces; filter by channel). */
  readonly messages: StoredMessage[];
  readonly ephemerals: StoredEphemeral[];
  /** Every uploaded file of the stand-in (shared by its workspaces; each records its own). */
  readonly files: Map<string, StoredFile>;
  readonly modalStacks = new Map<string, StoredView[]>();
  readonly homeViews = new Map<string, StoredView>();
  readonly responseUrls = new Map<string, ResponseUrl>();
  private readonly triggers = new Map<string, { userId: string; issuedAt: number; used: boolean }>();
  private readonly onChange: (change: Change) => void;
  private readonly shared: SharedState;
  private triggerSeq = 0;

  constructor(config: WorkspaceConfig, onChange: (change: Change) => void, shared: SharedState = newSharedState()) {
    this.config = config;
    this.onChange = onChange;
    this.shared = shared;
    this.messages = shared.messages;
    this.ephemerals = shared.ephemerals;
    this.files = shared.files;
    this.addBotUser(config.botUserId, APP_BOT_NAME, config.teamId);
    for (const u of config.users) this.users.set(u.id, { id: u.id, name: u.name, tz: u.tz ?? 'UTC', isBot: false, isAdmin: u.isAdmin ?? false, teamId: config.teamId });
    for (const c of config.channels) {
      const botIsMember = c.botIsMember ?? c.members.includes(config.botUserId);
      this.channels.set(
        c.id,
        newChannel(
          {
            id: c.id, name: c.name, isPrivate: c.isPrivate ?? false, isArchived: c.isArchived ?? false, isIm: false, isMpim: false,
            members: new Set(c.members.filter((m) => m !== config.botUserId)), bots: [...(botIsMember ? [config.botUserId] : []), ...(c.bots ?? [])],
            created: Math.floor(config.now() / 1000), teamId: config.teamId,
          },
          config.botUserId,
        ),
      );
    }
  }

  get teamId(): string {
    return this.config.teamId;
  }

  get teamName(): string {
    return this.config.teamName ?? 'Sandbox';
  }

  get domain(): string {
    return this.config.domain ?? (this.teamName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || this.teamId.toLowerCase());
  }

  get enterpriseId(): string | null {
    return this.config.enterpriseId ?? null;
  }

  /** A bot user known in this workspace (its own app bot, or an organization-wide install's bot). */
  addBotUser(id: string, name: string, teamId: string): void {
    if (!this.users.has(id)) this.users.set(id, { id, name, tz: 'UTC', isBot: true, teamId });
  }

  /** A user of this workspace, or of another one it shares a channel or an organization with (as Slack shows them). */
  findUser(id: string): User | undefined {
    return this.users.get(id) ?? this.shared.lookupElsewhere(this, id);
  }

  now(): number {
    return this.config.now();
  }

  changed(change: Change): void {
    this.onChange(change.team === undefined ? { ...change, team: this.config.teamId } : change);
  }

  /** Slack-like ts: seconds from the clock plus a 6-digit suffix; strictly increasing even if the clock stalls or rewinds. */
  nextTs(): string {
    const clock = this.shared.clock;
    let sec = Math.max(Math.floor(this.now() / 1000), clock.lastSec);
    clock.seq += 1;
    if (clock.seq > 999_999) {
      clock.seq = 1;
      sec = Math.max(sec, clock.lastSec + 1);
    }
    clock.lastSec = sec;
    return `${sec}.${String(clock.seq).padStart(6, '0')}`;
  }

  newFileId(): string {
    return randomId('F', 10);
  }

  newViewId(): string {
    return randomId('V', 10);
  }

  newHash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  isUserId(id: string): boolean {
    return /^[UW][A-Z0-9]+$/.test(id);
  }

  /**
   * Direct message channel between a bot and a user, created on first use like Slack's implicit IMs. The
   * workspace's own bot has `D<user id>`; another bot (an organization's) has a DM of its own with the same person.
   */
  openIm(userId: string, botUserId: string = this.config.botUserId): Channel {
    const id = botUserId === this.config.botUserId ? `D${userId}` : `D${userId}X${botUserId.replace(/[^A-Z0-9]/g, '')}`;
    let ch = this.channels.get(id);
    if (!ch) {
      ch = newChannel(
        {
          id, name: id, isPrivate: true, isArchived: false, isIm: true, isMpim: false, members: new Set([userId]), bots: [botUserId],
          created: Math.floor(this.now() / 1000), imUser: userId, teamId: this.config.teamId,
        },
        this.config.botUserId,
      );
      this.channels.set(id, ch);
      this.changed({ kind: 'channel', channel: id });
    }
    return ch;
  }

  openMpim(userIds: string[], botUserId: string = this.config.botUserId): Channel {
    const sorted = [...new Set(userIds)].sort();
    const id = `G${sorted.join('').replace(/[^A-Z0-9]/g, '').slice(0, 20)}`;
    let ch = this.channels.get(id);
    if (!ch) {
      ch = newChannel(
        {
          id, name: `mpdm-${sorted.map((u) => this.users.get(u)?.name ?? u).join('--')}-1`, isPrivate: true, isArchived: false,
          isIm: false, isMpim: true, members: new Set(sorted), bots: [botUserId], created: Math.floor(this.now() / 1000),
          teamId: this.config.teamId,
        },
        this.config.botUserId,
      );
      this.channels.set(id, ch);
      this.changed({ kind: 'channel', channel: id });
    } else ch.bots.add(botUserId);
    return ch;
  }

  /** A channel id, or a user id standing for the DM with that user (as chat.postMessage allows). */
  resolveChannel(idOrUser: string, botUserId: string = this.config.botUserId): Channel | undefined {
    if (this.isUserId(idOrUser)) {
      const user = this.users.get(idOrUser);
      return user && !user.isBot ? this.openIm(user.id, botUserId) : undefined;
    }
    return this.channels.get(idOrUser);
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.inChannel(channel).find((m) => m.ts === ts);
  }

  private inChannel(channel: string): StoredMessage[] {
    return this.shared.byChannel.get(channel) ?? [];
  }

  isTopLevel(m: StoredMessage): boolean {
    return m.thread_ts === undefined || m.thread_ts === m.ts;
  }

  topLevel(channel: string): StoredMessage[] {
    return this.inChannel(channel).filter((m) => this.isTopLevel(m));
  }

  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.inChannel(channel).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }

  addMessage(m: StoredMessage): StoredMessage {
    this.messages.push(m);
    const list = this.shared.byChannel.get(m.channel);
    if (list) list.push(m);
    else this.shared.byChannel.set(m.channel, [m]);
    this.changed({ kind: 'message', channel: m.channel, ts: m.ts });
    return m;
  }

  updateMessage(m: StoredMessage, patch: Partial<StoredMessage>, editor: string = this.config.botUserId): StoredMessage {
    Object.assign(m, patch, { edited: { user: editor, ts: this.nextTs() } });
    this.changed({ kind: 'message_changed', channel: m.channel, ts: m.ts });
    return m;
  }

  /** A parent with replies leaves a tombstone behind, as in Slack, so the thread stays readable. */
  deleteMessage(m: StoredMessage): void {
    if (this.isTopLevel(m) && this.replies(m.channel, m.ts).length > 0) {
      Object.assign(m, { subtype: 'tombstone', text: 'This message was deleted.', blocks: undefined, metadata: undefined });
    } else {
      this.messages.splice(this.messages.indexOf(m), 1);
      const list = this.inChannel(m.channel);
      list.splice(list.indexOf(m), 1);
    }
    this.changed({ kind: 'message_deleted', channel: m.channel, ts: m.ts });
  }

  addEphemeral(e: StoredEphemeral): StoredEphemeral {
    this.ephemerals.push(e);
    this.changed({ kind: 'ephemeral', channel: e.channel, user: e.user, ts: e.ts });
    return e;
  }

  isMember(userId: string, ch: Channel): boolean {
    return ch.members.has(userId) || ch.bots.has(userId);
  }

  stack(userId: string): StoredView[] {
    let stack = this.modalStacks.get(userId);
    if (!stack) {
      stack = [];
      this.modalStacks.set(userId, stack);
    }
    return stack;
  }

  /** Every view the app can address by id or external_id: modals on any stack and home tabs. */
  allViews(): Array<{ view: StoredView; userId: string; replace: (next: StoredView) => void }> {
    const found: Array<{ view: StoredView; userId: string; replace: (next: StoredView) => void }> = [];
    for (const [userId, stack] of this.modalStacks) {
      stack.forEach((view, i) => found.push({ view, userId, replace: (next) => { stack[i] = next; } }));
    }
    for (const [userId, view] of this.homeViews) {
      found.push({ view, userId, replace: (next) => { this.homeViews.set(userId, next); } });
    }
    return found;
  }

  issueTrigger(userId: string): string {
    this.triggerSeq += 1;
    const id = `${Math.floor(this.now() / 1000)}${this.triggerSeq}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(10).toString('hex')}`;
    this.triggers.set(id, { userId, issuedAt: this.now(), used: false });
    return id;
  }

  /** Checks a trigger without using it up, so a refused view does not burn it. */
  checkTrigger(id: string | undefined): { userId: string } | { error: string } {
    const t = id === undefined ? undefined : this.triggers.get(id);
    if (!t) return { error: 'invalid_trigger_id' };
    if (t.used) return { error: 'exchanged_trigger_id' };
    if (this.now() - t.issuedAt > TRIGGER_TTL_MS) return { error: 'expired_trigger_id' };
    return { userId: t.userId };
  }

  hasTrigger(id: string): boolean {
    return this.triggers.has(id);
  }

  useTrigger(id: string): void {
    const t = this.triggers.get(id);
    if (t) t.used = true;
  }

  newResponseUrl(ctx: ResponseUrlContext): ResponseUrl {
    const entry: ResponseUrl = { ...ctx, id: randomBytes(12).toString('hex'), createdAt: this.now(), uses: 0 };
    this.responseUrls.set(entry.id, entry);
    return entry;
  }
}
