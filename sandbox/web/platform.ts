/** What Slack itself does between a person and the app: turns typing and clicks into signed requests, and acks into what people see. */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AppResponse, SignedClient } from '../signed-client.ts';
import type { Change, EventDelivery, RecordedCall, SlackStandIn, StoredEphemeral, StoredMessage, StoredView, Workspace } from '../stand-in/server.ts';
import { fileJson, messageJson } from '../stand-in/web-api.ts';
import type { Channel, User } from '../stand-in/workspace.ts';
import { DEFAULT_MANIFEST } from './manifest.ts';
import type { ManifestSettings } from './manifest.ts';
import {
  appHomeOpened,
  MESSAGE_BOT_EVENTS,
  memberJoinedChannel,
  messageAction,
  messageBlockActions,
  messageEvent,
  slashCommandFields,
  viewBlockActions,
  viewClosed,
  viewSubmission,
} from './payloads.ts';
import type { ClickedButton, MessageChannelType, PayloadChannel, PayloadContext, PayloadUser } from './payloads.ts';

export interface PlatformOptions {
  standIn: SlackStandIn;
  client: SignedClient;
  /**
   * What the app's manifest declares: its slash commands (anything else gets Slack's "not a valid command"), message
   * shortcuts, events, App Home tabs.
   */
  manifest?: ManifestSettings;
  /** Slack gives up on an app that has not answered within 3 seconds. */
  ackTimeoutMs?: number;
  now?: () => number;
  /**
   * The app's "Add to Slack" page (`<app>/slack/install`) when it installs in many workspaces through OAuth. Its
   * presence turns on the page's install and uninstall actions; without it the app has one bot token (one workspace).
   */
  installUrl?: string;
  /** Where the platform reports what Slack would only show in the app's settings (an event the app did not take). Default: console.warn. */
  log?: (line: string) => void;
}

/** A bad request from the page: unknown user, channel, message or view. */
export class PlatformError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface UserInfo {
  id: string;
  name: string;
  tz: string;
  isBot: boolean;
  /** The person's own workspace (someone from another workspace shows up in a channel shared with it). */
  teamId: string;
}

export interface ChannelInfo {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  isArchived: boolean;
  botIsMember: boolean;
  members: string[];
  imUser?: string;
  /** The workspace that hosts the channel. */
  teamId: string;
  /** The other workspaces it is shared with (Slack Connect); empty when it is not shared. */
  sharedWith: string[];
}

export interface TeamRef {
  id: string;
  name: string;
  domain: string;
}

/** The app's installation in a workspace, as the stand-in knows it: never a token, only its opaque name. */
export interface InstallationInfo {
  id: string;
  botUserId: string;
  botId: string;
  installerUserId: string;
  installedAt: number;
  /** The current bot token's name (`tok-<n>`), as `calls[].auth.tokenId` records it. */
  tokenId: string | null;
  /** Web API calls made with that token so far. */
  calls: number;
}

export interface WorkspaceSummary {
  team: TeamRef;
  /** The stand-in's view: Slack has an active installation of the app serving this workspace. */
  installed: boolean;
  installation: InstallationInfo | null;
  people: UserInfo[];
}

export interface WorkspacesInfo {
  /** `single`: the app runs with one bot token; `workspaces`: it installs through OAuth (`installUrl`). */
  mode: 'single' | 'workspaces';
  installUrl: string | null;
  workspaces: WorkspaceSummary[];
}

/** Which installation's token made the Web API call that posted a message (the stand-in's recorded `auth`). */
export interface PostedBy {
  teamId: string | null;
  teamName: string;
  installationId: string;
  tokenId: string;
  botUserId: string;
  isEnterpriseInstall: boolean;
}

export interface UninstallOutcome {
  ok: boolean;
  /** The events Slack sent the app (tokens_revoked, app_uninstalled) and whether it acknowledged them. */
  events: Array<{ type: string; delivered: boolean; status?: number; error?: string }>;
}

/**
 * An event Slack sent the app on its own (a person's message) that the app did not acknowledge. Slack tells nobody in
 * the channel; the page shows it so a developer sees why the app did not react.
 */
export interface EventFailure {
  kind: 'event_failed';
  team: string;
  /** The event's type, e.g. `message`. */
  type: string;
  channel?: string;
  ts?: string;
  /** What went wrong: `timeout`, `http_500`, a refused connection. */
  error: string;
}

/** What the page is told about: the stand-in's changes, Slackbot notices, installs or uninstalls, and events the app did not take. */
export type PlatformChange = Change | { kind: 'workspaces'; team?: string } | EventFailure;

export interface WorkspaceInfo {
  team: TeamRef;
  /** Whether the app is installed here (see WorkspaceSummary). */
  installed: boolean;
  bot: { userId: string; name: string; appId: string };
  commands: Array<{ command: string; description: string; usageHint: string }>;
  /** Listed, by name, under "More actions" on every message. */
  messageShortcuts: Array<{ name: string; callbackId: string; description: string }>;
  app: { homeTab: boolean; messagesTab: boolean; messagesTabReadOnly: boolean };
  /** The workspace's people and bots, and those of other workspaces met in its shared channels. */
  users: UserInfo[];
  channels: ChannelInfo[];
}

/** An ephemeral as the viewer sees it: from the app, or from Slackbot when Slack itself reports a problem. */
export interface EphemeralInfo {
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  from: 'app' | 'slackbot';
}

export interface ViewerState {
  user: string;
  channel: { info: ChannelInfo; messages: Record<string, unknown>[]; ephemerals: EphemeralInfo[] } | null;
  thread: { parent: Record<string, unknown>; replies: Record<string, unknown>[]; ephemerals: EphemeralInfo[] } | null;
  /** The viewer's modal stack and Home view, every block and element with an id (Slack makes one up where the app gave none). */
  modals: StoredView[];
  home: StoredView | null;
  /** The viewer's DM with the app: its id and the ts of the app's messages in it (the page counts the unread ones). */
  appDm: { channel: string; messages: string[] };
}

/** A file shared in a message the viewer can see: its bytes as the stand-in received them at the upload URL. */
export interface FileContent {
  id: string;
  /** The file name given to files.getUploadURLExternal. */
  name: string;
  title: string;
  /** As the message's file object gives it (from the name's extension). */
  mimetype: string;
  bytes: Buffer;
}

export type Delivery =
  | { kind: 'answered'; response: AppResponse }
  | { kind: 'timeout' }
  | { kind: 'unreachable'; error: string };

export interface CommandOutcome {
  ok: boolean;
  /** Slack's error code when the command did not reach the app or the app failed. */
  error?: string;
  status?: number;
  /** What the app answered in its ack, as Slack received it. */
  ack?: unknown;
}

export interface ActionOutcome {
  ok: boolean;
  error?: string;
  status?: number;
}

export type SubmitOutcome =
  | { outcome: 'closed' }
  | { outcome: 'errors'; source: 'slack' | 'app'; errors: Record<string, string> }
  | { outcome: 'failed'; message: string };

/**
 * An element's state as the page sends it: text, an option value or a user id (null for nothing), or a list of
 * option values or user ids for checkboxes and multi-selects.
 */
export type FieldValue = string | string[] | null;

/** What the page sends for a view: the raw state of each stateful element, by block id and action id. */
export type FormFields = Record<string, Record<string, FieldValue>>;

/** A button clicked, or a select, radio buttons or checkboxes changed, in a message, modal or Home view. */
export interface ButtonRef {
  user: string;
  blockIndex: number;
  /** Index in an actions block, or -1 for a section's accessory. */
  elementIndex: number;
  channel?: string;
  messageTs?: string;
  isEphemeral?: boolean;
  viewId?: string;
  /** The element's new state, for anything but a button. */
  value?: FieldValue;
  /** In a message: the state the person left the message's other elements in, by position (`state.values`). */
  state?: Array<{ blockIndex: number; elementIndex: number; value: FieldValue }>;
  /** In a view: what its elements hold now, by block and action id, as for submitView (`view.state.values`). */
  values?: FormFields;
}

/** A message shortcut used on a message (top-level or reply; Slack offers none on ephemerals). */
export interface ShortcutRef {
  user: string;
  channel: string;
  messageTs: string;
  callbackId: string;
}

export interface Platform {
  /** 'change' events (PlatformChange): the stand-in's changes, Slackbot notices, installs and uninstalls. */
  readonly events: EventEmitter;
  /** Every workspace, whether the app is installed in it, and the mode the app runs in. */
  workspaces(): WorkspacesInfo;
  /** One workspace as its people see it; the default workspace when no team is given. */
  workspaceInfo(teamId?: string): WorkspaceInfo;
  /** Uninstalls the app from a workspace, as its admin would in Slack: tokens revoked, events sent to the app. */
  uninstall(teamId: string): Promise<UninstallOutcome>;
  stateFor(query: { user: string; channel?: string; thread?: string }): ViewerState;
  /**
   * A file's content for a viewer: only a file shared in a message they can see (a channel they are in, their DM with
   * the app); 404 for a file never shared or unknown, 403 when it is shared only where they cannot see it.
   */
  fileFor(user: string, fileId: string): FileContent;
  runCommand(user: string, channel: string, text: string, opts?: { threadTs?: string }): Promise<CommandOutcome>;
  postMessage(user: string, channel: string, text: string, opts?: { threadTs?: string }): StoredMessage;
  clickButton(ref: ButtonRef): Promise<ActionOutcome>;
  useMessageShortcut(ref: ShortcutRef): Promise<ActionOutcome>;
  submitView(user: string, viewId: string, fields: FormFields): Promise<SubmitOutcome>;
  closeView(user: string, viewId: string): Promise<void>;
  /** `sent` is false when the app does not subscribe to app_home_opened. */
  openAppHome(user: string, tab: 'home' | 'messages'): Promise<{ ok: boolean; sent: boolean; error?: string; channel: string }>;
}

const READ_ONLY_MESSAGES = 'Sending messages to this app has been turned off.';
const REQUIRED_FIELD = 'Please complete this required field.';
const TROUBLE = 'We had some trouble connecting. Try again?';
/** What Slack's client shows under a plain_text_input whose text is outside its `min_length`/`max_length`. */
export const tooLong = (max: number): string => `Must be ${max} characters or fewer.`;
export const tooShort = (min: number): string => `Must be at least ${min} characters.`;
/** A multi-select holding more than its `max_selected_items` (Slack's client offers no more once it is full). */
export const tooMany = (max: number): string => `Select no more than ${max}.`;

/** The elements whose state Slack keeps and sends. */
const STATEFUL = new Set(['plain_text_input', 'static_select', 'users_select', 'multi_users_select', 'radio_buttons', 'checkboxes']);

/** An element of a message or view, where it is, and the ids Slack names it by. */
interface Located {
  element: Record<string, unknown>;
  blockIndex: number;
  /** Index in an actions block; -1 for a section's accessory or an input block's element. */
  elementIndex: number;
  blockId: string;
  actionId: string;
  /** The element of an input block. */
  input: boolean;
  optional: boolean;
}

interface Notice extends EphemeralInfo {
  channel: string;
  user: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Slack gives blocks and elements without ids a generated one; ours is stable so a re-render does not change it. */
function generatedId(...parts: Array<string | number>): string {
  return createHash('sha1').update(parts.join(':')).digest('base64').slice(0, 5);
}

/** Every interactive element of a message's or view's blocks, with its ids (made up, stably, where the app gave none). */
function elementsOf(blocks: unknown, seed: string): Located[] {
  const out: Located[] = [];
  (Array.isArray(blocks) ? blocks : []).forEach((block: unknown, blockIndex) => {
    if (!isObject(block)) return;
    const blockId = typeof block.block_id === 'string' ? block.block_id : generatedId(seed, blockIndex);
    const add = (element: unknown, elementIndex: number, input: boolean) => {
      if (!isObject(element) || element.type === 'image') return;
      const actionId =
        typeof element.action_id === 'string' ? element.action_id : input ? generatedId(seed, blockIndex, 'element') : generatedId(seed, blockIndex, elementIndex);
      out.push({ element, blockIndex, elementIndex, blockId, actionId, input, optional: input && block.optional === true });
    };
    if (block.type === 'input') add(block.element, -1, true);
    else if (block.type === 'section') add(block.accessory, -1, false);
    else if (block.type === 'actions' && Array.isArray(block.elements)) block.elements.forEach((e: unknown, i: number) => add(e, i, false));
  });
  return out;
}

/** The blocks as Slack hands them back: every block and interactive element with an id, generated where missing. */
function withIds(blocks: unknown[], seed: string): unknown[] {
  const located = elementsOf(blocks, seed);
  return blocks.map((block, blockIndex) => {
    if (!isObject(block)) return block;
    const out: Record<string, unknown> = { ...block, block_id: typeof block.block_id === 'string' ? block.block_id : generatedId(seed, blockIndex) };
    for (const l of located) {
      if (l.blockIndex !== blockIndex || typeof l.element.action_id === 'string') continue;
      const element = { ...l.element, action_id: l.actionId };
      if (l.input) out.element = element;
      else if (l.elementIndex === -1) out.accessory = element;
      else if (Array.isArray(out.elements)) out.elements = out.elements.map((e: unknown, i: number) => (i === l.elementIndex ? element : e));
    }
    return out;
  });
}

function viewWithIds(view: StoredView): StoredView {
  return { ...view, blocks: withIds(view.blocks, view.id) };
}

/** The options of a static_select (its groups' too), radio buttons or checkboxes. */
function optionsOf(element: Record<string, unknown>): Record<string, unknown>[] {
  const groups = Array.isArray(element.option_groups)
    ? element.option_groups.flatMap((g: unknown) => (isObject(g) && Array.isArray(g.options) ? g.options : []))
    : [];
  return [...(Array.isArray(element.options) ? element.options : []), ...groups].filter(isObject);
}

/** An option as Slack sends it back: its text and value, and for radio buttons and checkboxes its description. */
function optionJson(option: Record<string, unknown>, withDescription: boolean): Record<string, unknown> {
  return { text: option.text, value: option.value, ...(withDescription && option.description !== undefined ? { description: option.description } : {}) };
}

function rawString(raw: FieldValue | undefined, where: string): string | null | undefined {
  if (raw === undefined || raw === null || typeof raw === 'string') return raw;
  throw new PlatformError(400, `${where} takes one value, not a list`);
}

function rawList(raw: FieldValue | undefined, where: string): string[] | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return [];
  if (Array.isArray(raw)) return raw;
  throw new PlatformError(400, `${where} takes a list of values`);
}

/**
 * What Slack's composer stores: `&`, `<`, `>` escaped, known `@name` and `#channel` turned into references, links
 * wrapped. Slash commands use the `<@U…|name>` form Slack sends when "escape channels, users, and links" is on.
 */
export function encodeComposerText(
  text: string,
  lookup: { userByName(name: string): User | undefined; channelByName(name: string): Channel | undefined },
  mode: 'message' | 'command' | 'command-unescaped',
): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // Without should_escape Slack sends names as typed; entities are escaped either way.
  if (mode === 'command-unescaped') return escaped;
  return escaped.replace(
    /(^|[\s(])(?:@(here|channel|everyone)\b|@([A-Za-z0-9._-]+)|#([a-z0-9_-]+)|(https?:\/\/[^\s<>]+[^\s<>.,;:!?)]))/g,
    (whole, lead: string, special?: string, userName?: string, channelName?: string, url?: string) => {
      if (special) return `${lead}<!${special}>`;
      if (userName) {
        const user = lookup.userByName(userName.replace(/[._-]+$/, ''));
        if (!user) return whole;
        const rest = userName.slice(user.name.length);
        return `${lead}${mode === 'command' ? `<@${user.id}|${user.name}>` : `<@${user.id}>`}${rest}`;
      }
      if (channelName) {
        const ch = lookup.channelByName(channelName);
        return ch ? `${lead}<#${ch.id}|${ch.name}>` : whole;
      }
      if (url) return `${lead}<${url}>`;
      return whole;
    },
  );
}

export function createPlatform(options: PlatformOptions): Platform {
  const { standIn, client } = options;
  const now = options.now ?? Date.now;
  const manifest = options.manifest ?? DEFAULT_MANIFEST;
  const commands = manifest.commands;
  const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
  const installUrl = options.installUrl ?? null;
  const log = options.log ?? ((line: string) => console.warn(line));
  const events = new EventEmitter();
  const notices: Notice[] = [];
  /** Which installation posted each message the app wrote (`channel:ts`), from the call that wrote it. */
  const postedBy = new Map<string, PostedBy>();
  /** Messages written since the last Web API call was recorded: the stand-in records a call right after it writes. */
  const written: Array<{ channel: string; ts: string }> = [];

  standIn.events.on('change', (change: Change) => {
    if ((change.kind === 'message' || change.kind === 'ephemeral') && change.channel && change.ts) {
      // The stand-in writes a message, then records the call that wrote it, in the same turn; anything still here
      // afterwards was not written by a call (a person typing, a response URL) and is forgotten.
      if (written.length === 0) queueMicrotask(() => (written.length = 0));
      written.push({ channel: change.channel, ts: change.ts });
    }
    events.emit('change', change);
  });
  standIn.events.on('call', (call: RecordedCall) => {
    const auth = call.auth;
    if (auth && call.ok && auth.tokenKind === 'bot') {
      const teamName = auth.isEnterpriseInstall
        ? (standIn.enterprises.get(auth.enterpriseId ?? '')?.name ?? auth.enterpriseId ?? '')
        : (standIn.workspaces.get(auth.teamId ?? '')?.teamName ?? auth.teamId ?? '');
      for (const w of written) {
        postedBy.set(`${w.channel}:${w.ts}`, {
          teamId: auth.isEnterpriseInstall ? auth.enterpriseId : auth.teamId, teamName, installationId: auth.installationId, tokenId: auth.tokenId,
          botUserId: auth.userId, isEnterpriseInstall: auth.isEnterpriseInstall,
        });
      }
    }
    written.length = 0;
    // An install finished: the code was exchanged for tokens.
    if (call.method === 'oauth.v2.access' && call.ok) events.emit('change', { kind: 'workspaces' } satisfies PlatformChange);
  });
  // Uninstalls and revocations, from the page or from a test calling the stand-in directly (a message event changes no install).
  standIn.events.on('slack_event', (delivery: EventDelivery) => {
    const type = (delivery.envelope.event as { type?: unknown } | undefined)?.type;
    if (type !== 'message') events.emit('change', { kind: 'workspaces' } satisfies PlatformChange);
  });

  /** A person and their workspace (people's ids are unique across the stand-in's workspaces). */
  function user(id: string): { viewer: User; w: Workspace } {
    for (const w of standIn.workspaces.values()) {
      const u = w.users.get(id);
      if (u && !u.isBot) return { viewer: u, w };
    }
    throw new PlatformError(404, `unknown user ${id}`);
  }

  function team(teamId: string | undefined): Workspace {
    const w = teamId ? standIn.workspaces.get(teamId) : standIn.workspace;
    if (!w) throw new PlatformError(404, `unknown workspace ${teamId ?? ''}`);
    return w;
  }

  /** Who and where, as Slack names them in what it sends the app from this workspace. */
  function ctxOf(w: Workspace): PayloadContext {
    return { teamId: w.teamId, teamDomain: w.domain, appId: w.config.appId, botUserId: w.config.botUserId };
  }

  /** Slack sends events only to a workspace the app is installed in. */
  function installed(w: Workspace): boolean {
    return standIn.installation(w.teamId) !== undefined;
  }

  function payloadUser(u: User): PayloadUser {
    return { id: u.id, name: u.name };
  }

  /** The channel, if the viewer may see it: a member of it, or the other party of the bot's DM. */
  function channelFor(viewer: User, w: Workspace, id: string): Channel {
    const ch = id === `D${viewer.id}` ? w.openIm(viewer.id) : w.channels.get(id);
    if (!ch || ch.isMpim) throw new PlatformError(404, `unknown channel ${id}`);
    if (ch.isIm ? ch.imUser !== viewer.id : !ch.members.has(viewer.id)) throw new PlatformError(403, `${viewer.id} is not in ${id}`);
    return ch;
  }

  function payloadChannel(ch: Channel): PayloadChannel {
    return { id: ch.id, name: ch.isIm ? 'directmessage' : ch.name };
  }

  function channelInfo(w: Workspace, ch: Channel): ChannelInfo {
    const info: ChannelInfo = {
      id: ch.id, name: ch.isIm ? (w.users.get(w.config.botUserId)?.name ?? 'app') : ch.name, isPrivate: ch.isPrivate, isIm: ch.isIm,
      isArchived: ch.isArchived, botIsMember: ch.bots.has(w.config.botUserId), members: [...ch.members], teamId: ch.teamId,
      sharedWith: [ch.teamId, ...ch.sharedWith].filter((t) => t !== w.teamId),
    };
    if (ch.imUser) info.imUser = ch.imUser;
    return info;
  }

  function userInfo(u: User, w: Workspace): UserInfo {
    return { id: u.id, name: u.name, tz: u.tz, isBot: u.isBot, teamId: u.teamId ?? w.teamId };
  }

  /** The workspace's own people and bots, then those of other workspaces in the channels it shares. */
  function usersSeenIn(w: Workspace): UserInfo[] {
    const seen = new Map<string, UserInfo>();
    for (const u of w.users.values()) seen.set(u.id, userInfo(u, w));
    for (const ch of w.channels.values()) {
      if (ch.sharedWith.size === 0) continue;
      for (const id of [...ch.members, ...ch.bots]) {
        if (seen.has(id)) continue;
        const other = [...standIn.workspaces.values()].find((x) => x !== w && x.users.has(id));
        const u = other?.users.get(id);
        if (u && other) seen.set(id, userInfo(u, other));
      }
    }
    return [...seen.values()];
  }

  /** @names and #names as the viewer's workspace resolves them: its own people first, then people of its shared channels. */
  function lookupIn(w: Workspace) {
    return {
      userByName: (name: string) => {
        const wanted = name.toLowerCase();
        const own = [...w.users.values()].find((u) => u.name.toLowerCase() === wanted);
        if (own) return own;
        const other = usersSeenIn(w).find((u) => u.name.toLowerCase() === wanted);
        return other ? w.findUser(other.id) : undefined;
      },
      channelByName: (name: string) => [...w.channels.values()].find((c) => !c.isIm && c.name === name),
    };
  }

  function notify(w: Workspace, n: Omit<Notice, 'ts' | 'from'>): void {
    const notice: Notice = { ...n, ts: w.nextTs(), from: 'slackbot' };
    notices.push(notice);
    events.emit('change', { kind: 'ephemeral', channel: n.channel, user: n.user, ts: notice.ts, team: w.teamId } satisfies Change);
  }

  /** A message as the page gets it: Slack's JSON, plus the installation whose token posted it when the app did. */
  function messageFor(w: Workspace, m: StoredMessage): Record<string, unknown> {
    const by = postedBy.get(`${m.channel}:${m.ts}`);
    return { ...messageJson(w, m, false), channel: m.channel, ...(by ? { postedBy: by } : {}) };
  }

  function installationInfo(w: Workspace): InstallationInfo | null {
    const inst = standIn.installation(w.teamId);
    if (!inst) return null;
    const token = standIn.botTokenFor(w.teamId);
    const info = token ? standIn.tokenInfo(token) : undefined;
    return {
      id: inst.id, botUserId: inst.botUserId, botId: inst.botId, installerUserId: inst.installerUserId, installedAt: inst.installedAt,
      tokenId: info?.id ?? null, calls: token ? standIn.callsWith(token).length : 0,
    };
  }

  function ephemeralInfo(e: StoredEphemeral | Notice): EphemeralInfo {
    const info: EphemeralInfo = { ts: e.ts, text: e.text, from: 'from' in e ? e.from : 'app' };
    if (e.blocks) info.blocks = e.blocks;
    if (e.thread_ts) info.thread_ts = e.thread_ts;
    return info;
  }

  function ephemeralsFor(viewer: string, channel: string, threadTs: string | undefined): EphemeralInfo[] {
    const mine = (e: { user: string; channel: string; thread_ts?: string }) =>
      e.user === viewer && e.channel === channel && (threadTs === undefined ? !e.thread_ts : e.thread_ts === threadTs);
    return [...standIn.ephemerals().filter(mine), ...notices.filter(mine)].map(ephemeralInfo).sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  /** Posts to the app and waits as long as Slack would; a late answer is ignored, as Slack ignores it. */
  async function deliver(send: () => Promise<AppResponse>): Promise<Delivery> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Delivery>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), ackTimeoutMs);
    });
    const answered = send().then(
      (response): Delivery => ({ kind: 'answered', response }),
      (error: unknown): Delivery => ({ kind: 'unreachable', error: error instanceof Error ? error.message : String(error) }),
    );
    try {
      return await Promise.race([answered, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Slack's name for a failed delivery, as it shows it to the person who typed the command. */
  function failureCode(d: Delivery): string | undefined {
    if (d.kind === 'timeout') return 'operation_timeout';
    if (d.kind === 'unreachable') return 'dispatch_failed';
    if (d.response.status >= 500) return 'http_service_error';
    if (d.response.status !== 200) return 'http_client_error';
    return undefined;
  }

  /** The button, select, radio buttons or checkboxes at that place (input blocks' elements are not sent on change). */
  function findElement(blocks: unknown, blockIndex: number, elementIndex: number, idSeed: string): Located {
    const at = elementsOf(blocks, idSeed).find((l) => !l.input && l.blockIndex === blockIndex && l.elementIndex === elementIndex);
    const type = String(at?.element.type);
    if (!at || (type !== 'button' && (!STATEFUL.has(type) || type === 'plain_text_input'))) {
      throw new PlatformError(404, `no button or select at ${blockIndex}/${elementIndex}`);
    }
    return at;
  }

  /** What the action reports: a button as clicked, anything else with its new state. */
  function clicked(w: Workspace, at: Located, value: FieldValue | undefined): ClickedButton {
    const base = { blockId: at.blockId, actionId: at.actionId, element: at.element };
    if (at.element.type === 'button') return base;
    if (value === undefined) throw new PlatformError(400, `a ${String(at.element.type)} needs its new value`);
    const found = elementState(w, at, value);
    if (found?.error) throw new PlatformError(400, found.error);
    return { ...base, ...(found ? { state: found.state } : {}) };
  }

  function openView(viewer: string, viewId: string): StoredView {
    const view = standIn.openViews(viewer).find((v) => v.id === viewId);
    if (!view) throw new PlatformError(404, `no open view ${viewId}`);
    return view;
  }

  /**
   * One element's state in Slack's shape (`value`, `selected_option`, `selected_options`, `selected_user`,
   * `selected_users`) from what the page sent, or from its initial state when the page sent nothing for it; `empty`
   * when nothing is chosen or typed, `error` for what Slack's client refuses before sending.
   */
  function elementState(w: Workspace, l: Located, raw: FieldValue | undefined): { state: Record<string, unknown>; empty: boolean; error?: string } | undefined {
    const element = l.element;
    const type = String(element.type);
    const where = `${l.blockId}.${l.actionId} (${type})`;
    switch (type) {
      case 'plain_text_input': {
        const typed = rawString(raw, where);
        const initial = typeof element.initial_value === 'string' ? element.initial_value : null;
        const value = typed === undefined ? initial : typed === '' ? null : typed;
        const min = typeof element.min_length === 'number' ? element.min_length : 0;
        const max = typeof element.max_length === 'number' ? element.max_length : 3000;
        // Lengths in UTF-16 units, as Slack counts them.
        const error = value !== null && value.length < min ? tooShort(min) : value !== null && value.length > max ? tooLong(max) : undefined;
        return { state: { type, value }, empty: value === null, ...(error ? { error } : {}) };
      }
      case 'static_select':
      case 'radio_buttons': {
        const picked = rawString(raw, where);
        const initial = isObject(element.initial_option) ? element.initial_option : null;
        const chosen = picked === undefined ? initial : (optionsOf(element).find((o) => o.value === picked) ?? null);
        return { state: { type, selected_option: chosen ? optionJson(chosen, type === 'radio_buttons') : null }, empty: chosen === null };
      }
      case 'checkboxes': {
        const picked = rawList(raw, where);
        const options = optionsOf(element);
        const chosen =
          picked === undefined
            ? (Array.isArray(element.initial_options) ? element.initial_options : []).filter(isObject)
            : [...new Set(picked)].map((v) => options.find((o) => o.value === v)).filter((o): o is Record<string, unknown> => o !== undefined);
        return { state: { type, selected_options: chosen.map((o) => optionJson(o, true)) }, empty: chosen.length === 0 };
      }
      case 'users_select': {
        const picked = rawString(raw, where);
        const initial = typeof element.initial_user === 'string' ? element.initial_user : null;
        const user = picked === undefined ? initial : picked !== null && knownUser(w, picked) ? picked : null;
        return { state: { type, selected_user: user }, empty: user === null };
      }
      case 'multi_users_select': {
        const picked = rawList(raw, where);
        const users =
          picked === undefined
            ? (Array.isArray(element.initial_users) ? element.initial_users : []).filter((u): u is string => typeof u === 'string')
            : [...new Set(picked)].filter((id) => knownUser(w, id));
        const max = typeof element.max_selected_items === 'number' ? element.max_selected_items : Number.POSITIVE_INFINITY;
        return { state: { type, selected_users: users }, empty: users.length === 0, ...(users.length > max ? { error: tooMany(max) } : {}) };
      }
      default:
        // Other elements are not rendered by the sandbox page yet, so they send no state (see sandbox/README.md).
        return undefined;
    }
  }

  /** Someone the viewer's workspace can pick in a user picker: its people and bots, and those of its shared channels. */
  function knownUser(w: Workspace, id: string): boolean {
    return usersSeenIn(w).some((u) => u.id === id);
  }

  /**
   * The state Slack would send for the view (every stateful element, in input blocks or not), plus the errors Slack's
   * own client shows under an input before sending anything.
   */
  function formState(w: Workspace, view: StoredView, fields: FormFields): { values: Record<string, Record<string, unknown>>; errors: Record<string, string> } {
    const values: Record<string, Record<string, unknown>> = {};
    const errors: Record<string, string> = {};
    for (const l of elementsOf(view.blocks, view.id)) {
      if (!STATEFUL.has(String(l.element.type)) || (l.element.type === 'plain_text_input' && !l.input)) continue;
      const found = elementState(w, l, fields[l.blockId]?.[l.actionId]);
      if (!found) continue;
      values[l.blockId] = { ...values[l.blockId], [l.actionId]: found.state };
      if (!l.input) continue;
      if (found.empty && !l.optional) errors[l.blockId] = REQUIRED_FIELD;
      else if (found.error) errors[l.blockId] = found.error;
    }
    return { values, errors };
  }

  /** A message's `state.values`: its selects, radio buttons and checkboxes as the person left them (the page says how). */
  function messageState(w: Workspace, blocks: unknown, seed: string, kept: ButtonRef['state'], changed?: { at: Located; value: FieldValue }) {
    const values: Record<string, Record<string, unknown>> = {};
    for (const l of elementsOf(blocks, seed)) {
      if (l.input || l.element.type === 'button' || !STATEFUL.has(String(l.element.type))) continue;
      const raw =
        changed && changed.at.blockIndex === l.blockIndex && changed.at.elementIndex === l.elementIndex
          ? changed.value
          : kept?.find((k) => k.blockIndex === l.blockIndex && k.elementIndex === l.elementIndex)?.value;
      const found = elementState(w, l, raw);
      if (found) values[l.blockId] = { ...values[l.blockId], [l.actionId]: found.state };
    }
    return values;
  }

  /** Slack's built-in `/invite @someone`: the way to add the bot to a private channel, as the app's own messages ask. */
  function invite(viewer: User, w: Workspace, ch: Channel, rawText: string): CommandOutcome {
    const refs = [...encodeComposerText(rawText, lookupIn(w), 'message').matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1] ?? '');
    const say = (text: string) => notify(w, { channel: ch.id, user: viewer.id, text });
    if (ch.isIm) {
      say('You can’t invite people to a direct message.');
      return { ok: false, error: 'cant_invite' };
    }
    if (refs.length === 0) {
      say('Name who to invite, e.g. `/invite @' + (w.users.get(w.config.botUserId)?.name ?? 'app') + '`.');
      return { ok: false, error: 'no_user' };
    }
    for (const id of refs) {
      if (w.isMember(id, ch)) {
        say(`<@${id}> is already in this channel.`);
        continue;
      }
      if (w.findUser(id)?.isBot) ch.bots.add(id);
      else ch.members.add(id);
      w.addMessage({ channel: ch.id, ts: w.nextTs(), user: id, subtype: 'channel_join', text: `<@${id}> has joined the channel` });
      w.changed({ kind: 'channel', channel: ch.id });
      // Slack tells the app about its own joins when it subscribes to member_joined_channel (and is installed here).
      if (id === w.config.botUserId && manifest.botEvents.includes('member_joined_channel') && installed(w)) {
        const payload = memberJoinedChannel(ctxOf(w), { userId: id, channelId: ch.id, channelType: ch.isPrivate ? 'G' : 'C', inviterId: viewer.id, nowMs: now() });
        void deliver(() => client.event(payload));
      }
    }
    return { ok: true };
  }

  function channelType(ch: Channel): MessageChannelType {
    if (ch.isIm) return 'im';
    if (ch.isMpim) return 'mpim';
    return ch.isPrivate ? 'group' : 'channel';
  }

  /**
   * Slack's `message` event for a person's new message, as Slack sends it: only where the app's bot is a member,
   * only when the manifest subscribes to that kind of conversation (`message.channels`, `message.groups`, …), and only
   * to a workspace the app is installed in. In a shared channel the app hears it once, through the poster's own
   * workspace when its installation's bot is in the channel, else through the other side's. Sent through the
   * stand-in's event delivery (`standIn.sendEvent`, signed to the app's Request URL) without waiting: the post is
   * done whatever becomes of the event, and an event the app does not acknowledge is logged and shown on the page.
   */
  function sendMessageEvent(w: Workspace, ch: Channel, m: StoredMessage): void {
    const type = channelType(ch);
    if (!manifest.botEvents.includes(MESSAGE_BOT_EVENTS[type])) return;
    const teams = [...new Set([w.teamId, ch.teamId, ...ch.sharedWith])];
    const audience = teams.find((teamId) => {
      const inst = standIn.installation(teamId);
      return inst !== undefined && standIn.workspaces.get(teamId)?.channels.get(ch.id) === ch && ch.bots.has(inst.botUserId);
    });
    if (!audience) return;
    const event = messageEvent({ message: messageJson(w, m, false), channelId: ch.id, channelType: type });
    const failed = (error: string) => {
      log(`[sandbox] the message event for ${m.ts} in ${ch.id} did not reach the app (${error}); the message itself was posted`);
      events.emit('change', { kind: 'event_failed', team: w.teamId, type: 'message', channel: ch.id, ts: m.ts, error } satisfies PlatformChange);
    };
    standIn.sendEvent(audience, event).then(
      // Without an event delivery set the stand-in only keeps its events: nothing failed.
      (d) => {
        if (!d.delivered && d.error !== 'no_event_delivery_configured') failed(d.error ?? 'not acknowledged');
      },
      (error: unknown) => failed(error instanceof Error ? error.message : String(error)),
    );
  }

  function inputBlockIds(view: StoredView): Set<string> {
    const ids = new Set<string>();
    view.blocks.forEach((b, index) => {
      if (isObject(b) && b.type === 'input') ids.add(typeof b.block_id === 'string' ? b.block_id : generatedId(view.id, index));
    });
    return ids;
  }

  return {
    events,

    workspaces() {
      return {
        mode: installUrl ? 'workspaces' : 'single',
        installUrl,
        workspaces: [...standIn.workspaces.values()].map((w) => ({
          team: { id: w.teamId, name: w.teamName, domain: w.domain },
          installed: installed(w),
          installation: installationInfo(w),
          people: [...w.users.values()].filter((u) => !u.isBot).map((u) => userInfo(u, w)),
        })),
      };
    },

    workspaceInfo(teamId) {
      const w = team(teamId);
      const bot = w.users.get(w.config.botUserId);
      return {
        team: { id: w.teamId, name: w.teamName, domain: w.domain },
        installed: installed(w),
        bot: { userId: w.config.botUserId, name: bot?.name ?? 'app', appId: w.config.appId },
        commands: commands.map(({ command, description, usageHint }) => ({ command, description, usageHint })),
        messageShortcuts: manifest.messageShortcuts.map(({ name, callbackId, description }) => ({ name, callbackId, description })),
        app: { homeTab: manifest.homeTabEnabled, messagesTab: manifest.messagesTabEnabled, messagesTabReadOnly: manifest.messagesTabReadOnly },
        users: usersSeenIn(w),
        channels: [...w.channels.values()].filter((c) => !c.isMpim).map((c) => channelInfo(w, c)),
      };
    },

    async uninstall(teamId) {
      const w = team(teamId);
      if (!installUrl) {
        throw new PlatformError(
          409,
          'the app runs with one bot token here, so it could not be installed again; start the sandbox with --workspaces to try uninstalling and installing',
        );
      }
      if (!installed(w)) throw new PlatformError(409, `the app is not installed in ${w.teamName}`);
      const deliveries = await standIn.uninstall(w.teamId);
      events.emit('change', { kind: 'workspaces', team: w.teamId } satisfies PlatformChange);
      return {
        ok: deliveries.every((d) => d.delivered),
        events: deliveries.map((d) => {
          const event = (d.envelope as { event?: { type?: unknown } }).event;
          return {
            type: typeof event?.type === 'string' ? event.type : 'unknown', delivered: d.delivered,
            ...(d.status === undefined ? {} : { status: d.status }), ...(d.error === undefined ? {} : { error: d.error }),
          };
        }),
      };
    },

    stateFor(query) {
      const { viewer, w } = user(query.user);
      const home = standIn.homeView(viewer.id);
      // The DM is looked up, not opened: Slack has none until the app writes (or the person opens the Messages tab).
      const dm = w.channels.get(`D${viewer.id}`);
      const state: ViewerState = {
        user: viewer.id, channel: null, thread: null, modals: standIn.openViews(viewer.id).map(viewWithIds), home: home ? viewWithIds(home) : null,
        appDm: { channel: `D${viewer.id}`, messages: dm ? w.topLevel(dm.id).filter((m) => m.user === w.config.botUserId).map((m) => m.ts) : [] },
      };
      if (!query.channel) return state;
      const ch = channelFor(viewer, w, query.channel);
      state.channel = {
        info: channelInfo(w, ch),
        messages: w.topLevel(ch.id).map((m) => messageFor(w, m)),
        ephemerals: ephemeralsFor(viewer.id, ch.id, undefined),
      };
      if (query.thread) {
        const parent = w.findMessage(ch.id, query.thread);
        if (parent && w.isTopLevel(parent)) {
          state.thread = {
            parent: messageFor(w, parent),
            replies: w.replies(ch.id, parent.ts).map((m) => messageFor(w, m)),
            ephemerals: ephemeralsFor(viewer.id, ch.id, parent.ts),
          };
        }
      }
      return state;
    },

    fileFor(userId, fileId) {
      const { viewer, w } = user(userId);
      const f = w.files.get(fileId);
      // Reserved or uploaded but never completed: nobody sees it yet.
      if (!f || f.bytes === undefined || f.completedAt === undefined) throw new PlatformError(404, `unknown file ${fileId}`);
      const carriers = w.messages.filter((m) => m.files?.includes(f.id) && m.subtype !== 'tombstone');
      const seen = carriers.some((m) => {
        try {
          channelFor(viewer, w, m.channel);
          return true;
        } catch {
          return false;
        }
      });
      if (!seen) {
        if (carriers.length === 0) throw new PlatformError(404, `unknown file ${fileId}`);
        throw new PlatformError(403, `${viewer.id} cannot see ${fileId}`);
      }
      const json = fileJson(f);
      return { id: f.id, name: f.name, title: String(json.title), mimetype: String(json.mimetype), bytes: f.bytes };
    },

    async runCommand(userId, channelId, input, opts = {}) {
      const { viewer, w } = user(userId);
      const ch = channelFor(viewer, w, channelId);
      const match = /^(\/[^\s]+)(?:\s+([\s\S]*))?$/.exec(input.trim());
      if (!match?.[1]) throw new PlatformError(400, 'a slash command starts with /');
      const command = match[1].toLowerCase();
      const declared = commands.find((c) => c.command === command);
      const where = { channel: ch.id, user: viewer.id, ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}) };
      if (!declared && command === '/invite') return invite(viewer, w, ch, match[2] ?? '');
      if (!declared) {
        notify(w, { ...where, text: `\`${command}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.` });
        return { ok: false, error: 'invalid_command' };
      }
      if (opts.threadTs) {
        // Slack does not send slash commands typed in a thread to the app.
        notify(w, { ...where, text: `\`${command}\` is not supported in threads. Sorry!` });
        return { ok: false, error: 'not_supported_in_threads' };
      }
      const text = encodeComposerText(match[2] ?? '', lookupIn(w), declared.shouldEscape ? 'command' : 'command-unescaped');
      const responseUrl = standIn.newResponseUrl({ channel: ch.id, user: viewer.id });
      const fields = slashCommandFields(ctxOf(w), {
        command, text, user: payloadUser(viewer), channel: payloadChannel(ch), triggerId: standIn.issueTriggerId(viewer.id), responseUrl,
      });
      const delivery = await deliver(() => client.slashCommand(fields));
      const error = failureCode(delivery);
      if (error || delivery.kind !== 'answered') {
        notify(w, { channel: ch.id, user: viewer.id, text: `${command} failed with the error "${error ?? 'dispatch_failed'}"` });
        return { ok: false, error: error ?? 'dispatch_failed', ...(delivery.kind === 'answered' ? { status: delivery.response.status } : {}) };
      }
      const { response } = delivery;
      // The ack body is Slack's "immediate response": shown like a message sent to the command's response_url.
      const body: Record<string, unknown> | undefined = isObject(response.json)
        ? response.json
        : response.text.trim() !== ''
          ? { text: response.text }
          : undefined;
      const replyText = typeof body?.text === 'string' ? body.text : '';
      const blocks = Array.isArray(body?.blocks) && body.blocks.length > 0 ? (body.blocks as unknown[]) : undefined;
      if (body && (replyText !== '' || blocks)) {
        if (body.response_type === 'in_channel') {
          // In Slack the command line itself is shared in the channel too when the answer is in_channel.
          const team = ch.teamId === w.teamId ? {} : { team: w.teamId };
          w.addMessage({ channel: ch.id, ts: w.nextTs(), user: viewer.id, ...team, text: `${command} ${text}`.trim() });
          w.addMessage({
            channel: ch.id, ts: w.nextTs(), user: w.config.botUserId, ...team, bot_id: w.config.botId, app_id: w.config.appId, text: replyText, blocks,
          });
        } else {
          w.addEphemeral({
            channel: ch.id, user: viewer.id, ts: w.nextTs(), text: replyText, blocks, source: 'response_url',
            responseUrlId: new URL(responseUrl).pathname.split('/').at(-1) ?? '',
          });
        }
      }
      return { ok: true, status: response.status, ack: response.json ?? (response.text === '' ? undefined : response.text) };
    },

    postMessage(userId, channelId, text, opts = {}) {
      const { viewer, w } = user(userId);
      const ch = channelFor(viewer, w, channelId);
      if (text.trim() === '') throw new PlatformError(400, 'empty message');
      if (ch.isIm && manifest.messagesTabReadOnly) throw new PlatformError(403, READ_ONLY_MESSAGES);
      const m = standIn.postAsUser(viewer.id, ch.id, encodeComposerText(text, lookupIn(w), 'message'), opts.threadTs ? { threadTs: opts.threadTs } : {});
      // Slack hands the app the message as an event where it listens (not the stand-in's postAsUser: tests call it directly).
      sendMessageEvent(w, ch, m);
      return m;
    },

    async clickButton(ref) {
      const { viewer, w } = user(ref.user);
      const ctx = ctxOf(w);
      const nowMs = now();
      let payload: Record<string, unknown>;
      if (ref.viewId) {
        const view = ref.viewId === standIn.homeView(viewer.id)?.id ? standIn.homeView(viewer.id) : openView(viewer.id, ref.viewId);
        if (!view) throw new PlatformError(404, `no view ${ref.viewId}`);
        const at = findElement(view.blocks, ref.blockIndex, ref.elementIndex, view.id);
        const fields: FormFields = { ...ref.values };
        if (ref.value !== undefined) fields[at.blockId] = { ...fields[at.blockId], [at.actionId]: ref.value };
        payload = viewBlockActions(ctx, {
          user: payloadUser(viewer), view: viewWithIds(view), triggerId: standIn.issueTriggerId(viewer.id), button: clicked(w, at, ref.value), nowMs,
          values: formState(w, view, fields).values,
        });
      } else {
        const ch = channelFor(viewer, w, ref.channel ?? '');
        const ts = ref.messageTs ?? '';
        let blocks: unknown;
        let threadTs: string | undefined;
        let message: Record<string, unknown> | undefined;
        if (ref.isEphemeral) {
          const e = w.ephemerals.find((x) => x.channel === ch.id && x.user === viewer.id && x.ts === ts);
          if (!e) throw new PlatformError(404, `no ephemeral ${ts}`);
          blocks = e.blocks;
          threadTs = e.thread_ts;
        } else {
          const m = w.findMessage(ch.id, ts);
          if (!m) throw new PlatformError(404, `no message ${ts}`);
          blocks = m.blocks;
          threadTs = w.isTopLevel(m) ? undefined : m.thread_ts;
          message = messageJson(w, m, false);
        }
        const at = findElement(blocks, ref.blockIndex, ref.elementIndex, ts);
        const button = clicked(w, at, ref.value);
        const responseUrl = standIn.newResponseUrl({
          channel: ch.id, user: viewer.id, ...(threadTs ? { threadTs } : {}), ...(ref.isEphemeral ? {} : { messageTs: ts }),
        });
        payload = messageBlockActions(ctx, {
          user: payloadUser(viewer), channel: payloadChannel(ch), message, messageTs: ts, ...(threadTs ? { threadTs } : {}),
          isEphemeral: ref.isEphemeral === true, triggerId: standIn.issueTriggerId(viewer.id), responseUrl, button, nowMs,
          values: messageState(w, blocks, ts, ref.state, ref.value === undefined ? undefined : { at, value: ref.value }),
        });
      }
      const delivery = await deliver(() => client.interactive(payload));
      const error = failureCode(delivery);
      if (error) return { ok: false, error, ...(delivery.kind === 'answered' ? { status: delivery.response.status } : {}) };
      return { ok: true, status: delivery.kind === 'answered' ? delivery.response.status : 0 };
    },

    async useMessageShortcut(ref) {
      const { viewer, w } = user(ref.user);
      const declared = manifest.messageShortcuts.find((s) => s.callbackId === ref.callbackId);
      if (!declared) throw new PlatformError(404, `the manifest declares no message shortcut ${ref.callbackId}`);
      const ch = channelFor(viewer, w, ref.channel);
      const m = w.findMessage(ch.id, ref.messageTs);
      if (!m) throw new PlatformError(404, `no message ${ref.messageTs}`);
      if (m.subtype === 'tombstone') throw new PlatformError(409, 'a deleted message has no shortcuts');
      const threadTs = w.isTopLevel(m) ? undefined : m.thread_ts;
      // Unlike a button's, this response_url is not tied to the message: the app may not replace someone else's post.
      const responseUrl = standIn.newResponseUrl({ channel: ch.id, user: viewer.id, ...(threadTs ? { threadTs } : {}) });
      const payload = messageAction(ctxOf(w), {
        user: payloadUser(viewer), channel: payloadChannel(ch), callbackId: declared.callbackId, message: messageJson(w, m, false),
        messageTs: m.ts, triggerId: standIn.issueTriggerId(viewer.id), responseUrl, nowMs: now(),
      });
      const delivery = await deliver(() => client.interactive(payload));
      const error = failureCode(delivery);
      if (error) return { ok: false, error, ...(delivery.kind === 'answered' ? { status: delivery.response.status } : {}) };
      return { ok: true, status: delivery.kind === 'answered' ? delivery.response.status : 0 };
    },

    async submitView(userId, viewId, fields) {
      const { viewer, w } = user(userId);
      const stack = standIn.openViews(viewer.id);
      const view = openView(viewer.id, viewId);
      if (stack.at(-1)?.id !== view.id) throw new PlatformError(409, 'only the top view of the stack can be submitted');
      const form = formState(w, view, fields);
      if (Object.keys(form.errors).length > 0) return { outcome: 'errors', source: 'slack', errors: form.errors };
      const payload = viewSubmission(ctxOf(w), { user: payloadUser(viewer), view: viewWithIds(view), values: form.values, triggerId: standIn.issueTriggerId(viewer.id) });
      const delivery = await deliver(() => client.interactive(payload));
      if (failureCode(delivery) || delivery.kind !== 'answered') return { outcome: 'failed', message: TROUBLE };
      const body = isObject(delivery.response.json) ? delivery.response.json : {};
      switch (body.response_action) {
        case undefined:
          standIn.takeView(viewer.id, view.id);
          return { outcome: 'closed' };
        case 'clear': {
          const root = standIn.openViews(viewer.id)[0];
          if (root) standIn.closeView(viewer.id, root.id);
          return { outcome: 'closed' };
        }
        case 'errors': {
          const errors = isObject(body.errors) ? body.errors : {};
          const known = inputBlockIds(view);
          const unknown = Object.keys(errors).filter((id) => !known.has(id));
          if (unknown.length > 0 || Object.values(errors).some((m) => typeof m !== 'string')) {
            // Slack refuses the whole answer when an error names a block that is not an input block.
            return { outcome: 'failed', message: `${TROUBLE} (The app answered errors for ${unknown.join(', ') || 'a non-text message'}, which is not an input block.)` };
          }
          return { outcome: 'errors', source: 'app', errors: errors as Record<string, string> };
        }
        default:
          return {
            outcome: 'failed',
            message: `The sandbox does not support response_action "${String(body.response_action)}" yet; see sandbox/README.md.`,
          };
      }
    },

    async closeView(userId, viewId) {
      const { viewer, w } = user(userId);
      const view = openView(viewer.id, viewId);
      const root = standIn.openViews(viewer.id)[0];
      const isCleared = root?.id === view.id || view.clear_on_close === true;
      standIn.closeView(viewer.id, view.id);
      if (view.notify_on_close === true) {
        const payload = viewClosed(ctxOf(w), { user: payloadUser(viewer), view: viewWithIds(view), isCleared });
        await deliver(() => client.interactive(payload));
      }
    },

    async openAppHome(userId, tab) {
      const { viewer, w } = user(userId);
      const im = w.openIm(viewer.id);
      // Slack sends no events about an app that is not installed in the workspace (nor one that does not subscribe).
      if (!manifest.botEvents.includes('app_home_opened') || !installed(w)) return { ok: true, sent: false, channel: im.id };
      const home = standIn.homeView(viewer.id);
      const payload = appHomeOpened(ctxOf(w), { userId: viewer.id, channelId: im.id, tab, view: home ? viewWithIds(home) : undefined, nowMs: now() });
      const delivery = await deliver(() => client.event(payload));
      const error = failureCode(delivery);
      return error ? { ok: false, sent: true, error, channel: im.id } : { ok: true, sent: true, channel: im.id };
    },
  };
}
