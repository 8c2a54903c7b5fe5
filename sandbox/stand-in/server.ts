/**
 * A local stand-in for Slack's Web API and response_url webhooks that refuses what Slack refuses: one or several
 * workspaces (Enterprise organizations and shared channels included), OAuth v2 installs with token rotation, and
 * the Events API envelopes Slack sends when the app is uninstalled or its tokens revoked.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliverEvent, eventEnvelope } from './events.ts';
import type { EventAudience, EventDelivery, EventDeliveryTarget } from './events.ts';
import { BadRequest, mediaType, param, parseParams, readBody, readBytes, sendJson, sendText } from './http.ts';
import type { Params } from './http.ts';
import { ALL_BOT_SCOPES, AUTHORIZE_PAGE_CSP, OAuthError, OAuthServer, renderAuthorizeError, renderAuthorizePage, scopeList } from './oauth.ts';
import type { AuthorizePageChoice, AuthorizeRequest, Enterprise, EnterpriseSpec, Installation, IssuedToken, OAuthAppConfig } from './oauth.ts';
import { answerResponseUrl } from './response-url.ts';
import type { ResponseUrlPoster } from './response-url.ts';
import { createSocketModeEndpoint } from './socket-mode.ts';
import type { SocketModeStandIn } from './socket-mode.ts';
import { authorTeam, callMethod, isKnownMethod } from './web-api.ts';
import type { Actor, ApiAnswer } from './web-api.ts';
import { APP_BOT_NAME, DEFAULT_USERS, defaultChannels, newSharedState, Workspace } from './workspace.ts';
import type { Channel, ChannelSpec, ResponseUrlContext, StoredEphemeral, StoredFile, StoredMessage, StoredView, User, UserSpec } from './workspace.ts';

export type { Change, Channel, ChannelSpec, ResponseUrlContext, StoredEphemeral, StoredFile, StoredMessage, StoredView, UserSpec } from './workspace.ts';
export type { Workspace } from './workspace.ts';
export type { EnvelopeType, SendOptions, SocketModeAck, SocketModeEvent, SocketModeStandIn } from './socket-mode.ts';
export type { AuthorizeRequest, Enterprise, EnterpriseSpec, Installation, OAuthAppConfig } from './oauth.ts';
export { OAuthError } from './oauth.ts';
export type { EventDelivery, EventDeliveryTarget } from './events.ts';
export type { Actor } from './web-api.ts';

export type Fault = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string } | { delayMs: number };

/** Which token made a call: never the token itself, but its name and whose it is. */
export interface CallAuth {
  /** The token's opaque name (`tok-<n>`); `standIn.tokenInfo(token).id` gives it for a token a test holds. */
  tokenId: string;
  tokenKind: 'bot' | 'user';
  installationId: string;
  /** The workspace the call acted in (an org-wide token: the one its arguments pointed at); null if refused before that. */
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  /** The bot user (or person) the token acts as. */
  userId: string;
}

export interface RecordedCall {
  /** Web API method name, 'response_url' for posts to a response URL, or 'upload_url' for bytes sent to a file's upload URL. */
  method: string;
  /** Parsed parameters (JSON fields decoded), never the token; client secrets, codes and refresh tokens are redacted. */
  params: Params;
  ok: boolean;
  error?: string;
  /** HTTP status when it was not 200 (injected faults, refused response URLs). */
  status?: number;
  at: number;
  /** The token the call was made with, when the stand-in issued it (absent for unknown tokens, app tokens, OAuth calls). */
  auth?: CallAuth;
}

/** A workspace beside the default one. */
export interface WorkspaceSpec {
  teamId: string;
  teamName?: string;
  /** Subdomain; default from the name. */
  domain?: string;
  /** Its Enterprise organization; created with defaults if not added before. */
  enterpriseId?: string;
  enterpriseName?: string;
  /** The app's bot user and bot in this workspace; default derived from the team id (U…BOT, B…BOT). */
  botUserId?: string;
  botId?: string;
  /** The bot token of the initial install; default a fresh xoxb-… token. */
  botToken?: string;
  /** Default: one person, `U<team>ADMIN` named admin. */
  users?: UserSpec[];
  /** Default: #general with everyone and the bot. */
  channels?: ChannelSpec[];
  /** Start with the app installed (a long-lived bot token, like the default workspace). Default true. */
  installed?: boolean;
}

export interface StandInOptions {
  port?: number;
  botToken?: string;
  /** The app-level token `apps.connections.open` accepts (Socket Mode). */
  appToken?: string;
  teamId?: string;
  teamName?: string;
  domain?: string;
  /** Puts the default workspace in an Enterprise organization. */
  enterpriseId?: string;
  botUserId?: string;
  botId?: string;
  users?: UserSpec[];
  channels?: ChannelSpec[];
  /** More workspaces, and their organizations. */
  workspaces?: WorkspaceSpec[];
  enterprises?: EnterpriseSpec[];
  /** The app's OAuth settings (client id and secret, token rotation, redirect URLs). */
  oauth?: Partial<OAuthAppConfig>;
  /** Where app_uninstalled, tokens_revoked and `sendEvent` envelopes go. */
  eventDelivery?: EventDeliveryTarget;
  now?: () => number;
  /** Every Web API call is answered this much later (benchmarks: Slack's own latency); 0 by default. */
  latencyMs?: number;
}

/** A token as the stand-in knows it (a test's view of `IssuedToken`, without the secret). */
export interface TokenInfo {
  id: string;
  kind: 'bot' | 'user';
  installationId: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  userId: string;
  issuedAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBecause?: string;
}

export interface UninstallOptions {
  /** Also send tokens_revoked for the tokens the uninstall revokes (Slack does; order not guaranteed). Default true. */
  tokensRevoked?: boolean;
  /** Send app_uninstalled before tokens_revoked (Slack guarantees no order). Default false. */
  appUninstalledFirst?: boolean;
}

export interface SlackStandIn {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly url: string;
  readonly apiUrl: string;
  /** The default workspace's bot token (the newest, after a reinstall). */
  readonly botToken: string;
  readonly appToken: string;
  readonly calls: RecordedCall[];
  readonly events: EventEmitter;
  /** The default workspace. */
  readonly workspace: Workspace;
  /** Every workspace by team id, the default one first. */
  readonly workspaces: ReadonlyMap<string, Workspace>;
  readonly enterprises: ReadonlyMap<string, Enterprise>;
  /** Socket Mode: connections made with the URL from `apps.connections.open`, envelopes to them and their acks. */
  readonly socketMode: SocketModeStandIn;
  messages(channel: string, opts?: { threadTs?: string }): StoredMessage[];
  allMessages(): StoredMessage[];
  ephemerals(): StoredEphemeral[];
  /** Files uploaded through files.getUploadURLExternal and the upload URL, completed or not, in upload order. */
  files(): StoredFile[];
  openViews(userId: string): StoredView[];
  homeView(userId: string): StoredView | undefined;
  issueTriggerId(userId: string): string;
  newResponseUrl(ctx: ResponseUrlContext): string;
  /**
   * The next `times` calls of a Web API method (or 'response_url', 'upload_url': POSTs to response or upload URLs) meet
   * this fault; with `when`, only calls whose parameters it accepts count, so a test can aim at one post without racing the app's schedule.
   */
  fail(method: string, fault: Fault, times?: number, when?: (params: Params) => boolean): void;
  /** The user dismissed the view: pops it (and anything above); closing the root or a clear_on_close view empties the stack. */
  closeView(userId: string, viewId: string): boolean;
  /** The user submitted the view: removed like closeView and handed back so a view_submission can be built from it. */
  takeView(userId: string, viewId: string): StoredView | undefined;
  /** A human writes in a channel or thread (for the sandbox page and for thread-reading tests). */
  postAsUser(userId: string, channel: string, text: string, opts?: { threadTs?: string }): StoredMessage;

  // ---- several workspaces, organizations, shared channels
  addWorkspace(spec: WorkspaceSpec): Workspace;
  addEnterprise(spec: EnterpriseSpec): Enterprise;
  /** The workspace with that team id (throws if there is none). */
  workspaceOf(teamId: string): Workspace;
  /** Shares a channel with another workspace (Slack Connect, or within an organization): same id on both sides. */
  shareChannel(channelId: string, withTeamId: string, options?: { members?: string[] }): Channel;
  /** Adds a person or a bot user to a channel (as `/invite` would). */
  addToChannel(channelId: string, userId: string): void;

  // ---- OAuth v2 and installations
  /** The app's OAuth settings; assigning replaces them (what is left out takes the defaults). */
  oauthApp: OAuthAppConfig;
  /** `<url>/oauth/v2/authorize`, Slack's authorize page (what the app's "Add to Slack" links to). */
  readonly authorizeUrl: string;
  /** The person clicks Allow on the authorize page: returns the redirect URL with a one-time `code` (and `state`). Throws OAuthError. */
  authorize(request: AuthorizeRequest): string;
  /** Authorize and exchange in one step, without HTTP: returns what oauth.v2.access answers. */
  install(request: AuthorizeRequest): ApiAnswer;
  /** The active installation serving a workspace (its own, else its organization's), or an organization's org-wide one. */
  installation(target: string): Installation | undefined;
  /** The current bot token for a workspace or organization (the installation serving it). */
  botTokenFor(target: string): string | undefined;
  /** What the stand-in knows about a token it issued (its `id` is what `calls[].auth.tokenId` names). */
  tokenInfo(token: string): TokenInfo | undefined;
  /** The calls made with one token. */
  callsWith(token: string): RecordedCall[];

  // ---- uninstall, revoke, events
  /** Where events go (signed HTTP, Socket Mode, a function); unset: recorded and emitted only. */
  eventDelivery: EventDeliveryTarget | undefined;
  /** Every envelope sent, with what came back, in order. Also emitted on `events` as 'slack_event'. */
  readonly sentEvents: EventDelivery[];
  /** Uninstalls the app from a workspace (team id) or an organization (enterprise id): tokens revoked, events sent. */
  uninstall(target: string, options?: UninstallOptions): Promise<EventDelivery[]>;
  /** Revokes an installation's tokens (it stays installed) and sends tokens_revoked. */
  revokeTokens(target: string, options?: { bot?: boolean; user?: boolean }): Promise<EventDelivery[]>;
  /** Sends an event that happened in a workspace to the installation serving it, in Slack's envelope. */
  sendEvent(teamId: string, event: Record<string, unknown>, options?: { channel?: string }): Promise<EventDelivery>;
}

const OAUTH_METHODS = new Set(['oauth.v2.access', 'oauth.v2.exchange']);
const REDACTED_PARAMS = ['client_secret', 'code', 'refresh_token', 'token'];
const AUTHORIZE_REQUEST_TTL_MS = 10 * 60_000;

/** Upper-case letters and digits only, as Slack ids are. */
const idPart = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Content-Security-Policy': AUTHORIZE_PAGE_CSP,
    'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer',
  });
  res.end(html);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Content-Length': 0, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
  res.end();
}

export function createSlackStandIn(options: StandInOptions = {}): SlackStandIn {
  const now = options.now ?? Date.now;
  const latencyMs = options.latencyMs ?? 0;
  const appToken = options.appToken ?? 'xapp-1-sandbox-token';
  const appId = 'A0SANDBOX';
  const events = new EventEmitter();
  const shared = newSharedState();
  const workspaces = new Map<string, Workspace>();
  const enterprises = new Map<string, Enterprise>();
  const calls: RecordedCall[] = [];
  const sentEvents: EventDelivery[] = [];
  const faults = new Map<string, Array<{ fault: Fault; remaining: number; when?: (params: Params) => boolean }>>();
  /** Authorize pages opened and not yet answered: what they asked for. */
  const pendingAuthorize = new Map<string, { request: AuthorizeRequest; at: number }>();
  let eventDelivery: EventDeliveryTarget | undefined = options.eventDelivery;
  let server: Server | undefined;
  let baseUrl = '';

  const oauth = new OAuthServer(
    {
      appId,
      now,
      workspace: (teamId) => workspaces.get(teamId),
      workspaces: () => [...workspaces.values()],
      enterprise: (id) => enterprises.get(id),
    },
    options.oauth,
  );

  // People of other workspaces show up where Slack shows them: in shared channels and across an organization.
  shared.lookupElsewhere = (ws, userId) => {
    const related = new Set<string>();
    if (ws.enterpriseId) for (const w of workspaces.values()) if (w.enterpriseId === ws.enterpriseId) related.add(w.teamId);
    for (const ch of ws.channels.values()) {
      if (ch.sharedWith.size === 0) continue;
      related.add(ch.teamId);
      for (const t of ch.sharedWith) related.add(t);
    }
    related.delete(ws.teamId);
    for (const teamId of related) {
      const user = workspaces.get(teamId)?.users.get(userId);
      if (user) return user;
    }
    return undefined;
  };

  function addEnterprise(spec: EnterpriseSpec): Enterprise {
    if (enterprises.has(spec.id)) throw new Error(`slack stand-in: enterprise ${spec.id} already exists`);
    const name = spec.name ?? spec.id;
    const enterprise: Enterprise = {
      id: spec.id, name, domain: spec.domain ?? (name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || spec.id.toLowerCase()),
      botUserId: spec.botUserId ?? `W${idPart(spec.id.slice(1))}BOT`, botId: spec.botId ?? `B${idPart(spec.id.slice(1))}ORGBOT`,
    };
    enterprises.set(enterprise.id, enterprise);
    for (const ws of workspaces.values()) if (ws.enterpriseId === enterprise.id) ws.addBotUser(enterprise.botUserId, APP_BOT_NAME, enterprise.id);
    return enterprise;
  }

  function createWorkspace(spec: {
    teamId: string; teamName?: string | undefined; domain?: string | undefined; enterpriseId?: string | undefined; enterpriseName?: string | undefined;
    botUserId: string; botId: string; users: UserSpec[]; channels: ChannelSpec[];
  }): Workspace {
    if (workspaces.has(spec.teamId)) throw new Error(`slack stand-in: workspace ${spec.teamId} already exists`);
    for (const other of workspaces.values()) {
      const clashUser = [spec.botUserId, ...spec.users.map((u) => u.id)].find((id) => other.users.has(id));
      if (clashUser) throw new Error(`slack stand-in: user id ${clashUser} is already used in ${other.teamId}`);
      const clashChannel = spec.channels.find((c) => other.channels.has(c.id));
      if (clashChannel) throw new Error(`slack stand-in: channel id ${clashChannel.id} is already used in ${other.teamId}`);
    }
    if (spec.enterpriseId && !enterprises.has(spec.enterpriseId)) addEnterprise({ id: spec.enterpriseId, ...(spec.enterpriseName ? { name: spec.enterpriseName } : {}) });
    const ws = new Workspace(
      {
        teamId: spec.teamId, ...(spec.teamName ? { teamName: spec.teamName } : {}), ...(spec.domain ? { domain: spec.domain } : {}),
        enterpriseId: spec.enterpriseId ?? null, botUserId: spec.botUserId, botId: spec.botId, appId, now, users: spec.users, channels: spec.channels,
      },
      (change) => events.emit('change', change),
      shared,
    );
    const enterprise = spec.enterpriseId ? enterprises.get(spec.enterpriseId) : undefined;
    if (enterprise) ws.addBotUser(enterprise.botUserId, APP_BOT_NAME, enterprise.id);
    workspaces.set(ws.teamId, ws);
    return ws;
  }

  function installInitially(ws: Workspace, botToken: string | undefined): void {
    oauth.install({
      teamId: ws.teamId, enterpriseId: ws.enterpriseId, isEnterpriseInstall: false, botUserId: ws.config.botUserId, botId: ws.config.botId,
      scopes: [...ALL_BOT_SCOPES], installerUserId: [...ws.users.values()].find((u) => !u.isBot)?.id ?? ws.config.botUserId,
      ...(botToken ? { botToken } : {}), rotation: false, checkScopes: false,
    });
  }

  for (const e of options.enterprises ?? []) addEnterprise(e);
  const users = options.users ?? DEFAULT_USERS;
  const ws = createWorkspace({
    teamId: options.teamId ?? 'T0SANDBOX', teamName: options.teamName ?? 'Sandbox', domain: options.domain ?? 'sandbox', enterpriseId: options.enterpriseId,
    botUserId: options.botUserId ?? 'U0BOT', botId: options.botId ?? 'B0BOT', users, channels: options.channels ?? defaultChannels(users),
  });
  installInitially(ws, options.botToken ?? 'xoxb-sandbox-token');
  const defaultInstallationId = oauth.activeInstallation({ teamId: ws.teamId })?.id ?? '';

  function addWorkspace(spec: WorkspaceSpec): Workspace {
    const suffix = idPart(spec.teamId.replace(/^T/, '')) || idPart(spec.teamId);
    const wsUsers = spec.users ?? [{ id: `U${suffix}ADMIN`, name: 'admin' }];
    const botUserId = spec.botUserId ?? `U${suffix}BOT`;
    const created = createWorkspace({
      teamId: spec.teamId, teamName: spec.teamName ?? spec.teamId, domain: spec.domain, enterpriseId: spec.enterpriseId, enterpriseName: spec.enterpriseName,
      botUserId, botId: spec.botId ?? `B${suffix}BOT`, users: wsUsers,
      channels: spec.channels ?? [{ id: `C${suffix}GENERAL`, name: 'general', members: wsUsers.map((u) => u.id), botIsMember: true }],
    });
    if (spec.installed !== false) installInitially(created, spec.botToken);
    return created;
  }

  for (const spec of options.workspaces ?? []) addWorkspace(spec);

  const socketMode = createSocketModeEndpoint({ appId, now, events });

  function workspaceOf(teamId: string): Workspace {
    const found = workspaces.get(teamId);
    if (!found) throw new Error(`slack stand-in: no workspace ${teamId}`);
    return found;
  }

  /** The workspace a person belongs to (default: the default workspace). */
  function wsOfUser(userId: string): Workspace {
    for (const w of workspaces.values()) if (w.users.get(userId)?.isBot === false) return w;
    return ws;
  }

  const wsUrl = (w: Workspace) => (w === ws ? `${baseUrl}/` : `${baseUrl}/t/${w.domain}/`);
  const enterpriseUrl = (e: Enterprise) => `${baseUrl}/e/${e.domain}/`;

  function actorFor(inst: Installation, token: IssuedToken, acting: Workspace): Actor {
    const enterprise = inst.enterpriseId ? enterprises.get(inst.enterpriseId) : undefined;
    const home = inst.isEnterpriseInstall && enterprise
      ? { id: enterprise.id, name: enterprise.name, url: enterpriseUrl(enterprise) }
      : { id: acting.teamId, name: acting.teamName, url: wsUrl(acting) };
    return {
      kind: token.kind, userId: token.kind === 'bot' ? inst.botUserId : token.userId, botId: token.kind === 'bot' ? inst.botId : null, appId,
      isEnterpriseInstall: inst.isEnterpriseInstall, enterpriseId: inst.enterpriseId, home,
      scopes: inst.checkScopes ? (token.kind === 'bot' ? inst.scopes : inst.userScopes) : null,
    };
  }

  /**
   * Where a call made with an org-wide token acts: the workspace named by team_id, or the one holding the channel,
   * user, trigger or view it names. A workspace of the organization the install has no access to is refused.
   */
  function actingWorkspace(inst: Installation, method: string, p: Params): { ws: Workspace } | { error: string } {
    if (!inst.isEnterpriseInstall) {
      const own = inst.teamId ? workspaces.get(inst.teamId) : undefined;
      return own ? { ws: own } : { error: 'team_not_found' };
    }
    const granted = oauth.workspacesOf(inst);
    const inOrg = [...workspaces.values()].filter((w) => w.enterpriseId === inst.enterpriseId);
    const pick = (pred: (w: Workspace) => boolean): { ws: Workspace } | { error: string } | undefined => {
      const found = granted.find(pred);
      if (found) return { ws: found };
      return inOrg.some(pred) ? { error: 'team_access_not_granted' } : undefined;
    };
    const teamId = param(p, 'team_id');
    if (teamId) return pick((w) => w.teamId === teamId) ?? { error: 'team_not_found' };
    const channel = param(p, 'channel') ?? param(p, 'channel_id');
    const user = param(p, 'user') ?? param(p, 'user_id') ?? param(p, 'users')?.split(',')[0]?.trim();
    const triggerId = param(p, 'trigger_id');
    const viewId = param(p, 'view_id');
    const externalId = param(p, 'external_id');
    const probes: Array<((w: Workspace) => boolean) | undefined> = [
      channel ? (w) => w.channels.has(channel) || w.users.get(channel)?.isBot === false : undefined,
      user ? (w) => w.users.get(user)?.isBot === false : undefined,
      triggerId ? (w) => w.hasTrigger(triggerId) : undefined,
      viewId || externalId ? (w) => w.allViews().some((e) => (viewId ? e.view.id === viewId : e.view.external_id === externalId)) : undefined,
    ];
    for (const probe of probes) {
      const found = probe ? pick(probe) : undefined;
      if (found) return found;
    }
    const first = granted[0];
    if (first) return { ws: first };
    if (method === 'auth.test') return { ws: inOrg[0] ?? ws };
    return { error: 'team_access_not_granted' };
  }

  /** The bot that acts for a workspace when Slack does something on the app's behalf (a response URL's in_channel post). */
  function posterFor(w: Workspace): ResponseUrlPoster {
    const inst = oauth.installationFor(w.teamId);
    return inst ? { userId: inst.botUserId, botId: inst.botId, appId } : { userId: w.config.botUserId, botId: w.config.botId, appId };
  }

  function callAuth(token: IssuedToken, inst: Installation | undefined, teamId: string | null): CallAuth {
    return {
      tokenId: token.id, tokenKind: token.kind, installationId: token.installationId, teamId, enterpriseId: inst?.enterpriseId ?? null,
      isEnterpriseInstall: inst?.isEnterpriseInstall ?? false, userId: token.userId,
    };
  }

  function record(call: RecordedCall): void {
    calls.push(call);
    events.emit('call', call);
  }

  /** The first fault queued for this method that applies to these parameters, used up by one. */
  function takeFault(method: string, params: Params): Fault | undefined {
    const queue = faults.get(method);
    if (!queue) return undefined;
    const index = queue.findIndex((f) => !f.when || f.when(params));
    const found = queue[index];
    if (!found) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) queue.splice(index, 1);
    return found.fault;
  }

  function stringParams(p: Params): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    for (const key of Object.keys(p)) out[key] = param(p, key);
    return out;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    const at = now();
    const raw = req.method === 'POST' ? await readBody(req) : '';
    let params: Params;
    try {
      params = parseParams(req.headers['content-type'], raw, query);
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      record({ method, params: {}, ok: false, error: err.message, at });
      sendJson(res, 200, { ok: false, error: err.message });
      return;
    }
    const bodyToken = param(params, 'token');
    delete params.token;
    const authorization = req.headers.authorization;
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : bodyToken;

    if (latencyMs > 0) await sleep(latencyMs);
    const fault = takeFault(method, params);
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    if (fault && 'status' in fault) {
      const error = fault.status === 429 ? 'ratelimited' : `http_${fault.status}`;
      record({ method, params: OAUTH_METHODS.has(method) ? redacted(params) : params, ok: false, error, status: fault.status, at });
      if (fault.status === 429) sendJson(res, 429, { ok: false, error }, { 'Retry-After': String(fault.retryAfter) });
      else sendText(res, fault.status, fault.status === 500 ? 'Internal Server Error' : fault.status === 502 ? 'Bad Gateway' : 'Service Unavailable');
      return;
    }

    let answer: ApiAnswer;
    let auth: CallAuth | undefined;
    let recordedParams = params;
    if (fault && 'error' in fault) answer = { ok: false, error: fault.error };
    else if (method === 'apps.connections.open') {
      // The one method that takes the app-level token, and only that token.
      answer = !token ? { ok: false, error: 'not_authed' } : token !== appToken ? { ok: false, error: 'invalid_auth' } : socketMode.open(baseUrl);
    } else if (OAUTH_METHODS.has(method)) {
      // No token: the app authenticates as itself (client id and secret), by Basic auth or parameters.
      const p = stringParams(params);
      answer = method === 'oauth.v2.access' ? oauth.access(p, authorization) : oauth.exchange({ ...p, token: bodyToken }, authorization);
      recordedParams = redacted(params);
    } else if (!isKnownMethod(method)) answer = { ok: false, error: 'unknown_method' };
    else if (!token) answer = { ok: false, error: 'not_authed' };
    else if (token === appToken) answer = { ok: false, error: 'not_allowed_token_type' };
    else {
      const check = oauth.check(token);
      if (!check.ok) {
        answer = { ok: false, error: check.error };
        if (check.token) auth = callAuth(check.token, check.installation, check.installation?.teamId ?? null);
      } else if (mediaType(req.headers['content-type']) === 'application/json' && !authorization) {
        // Slack only reads the token from the Authorization header for JSON bodies.
        answer = { ok: false, error: 'not_authed' };
        auth = callAuth(check.token, check.installation, check.installation.teamId);
      } else if (check.token.kind === 'user' && method !== 'auth.test') {
        // User tokens are issued (user_scope) but the stand-in acts only as bots.
        answer = { ok: false, error: 'not_allowed_token_type' };
        auth = callAuth(check.token, check.installation, check.installation.teamId);
      } else {
        const target = actingWorkspace(check.installation, method, params);
        if ('error' in target) {
          answer = { ok: false, error: target.error };
          auth = callAuth(check.token, check.installation, check.installation.teamId);
        } else {
          const actor = actorFor(check.installation, check.token, target.ws);
          answer = callMethod(method, params, { ws: target.ws, baseUrl, actor, wsUrl: wsUrl(target.ws) });
          auth = callAuth(check.token, check.installation, target.ws.teamId);
        }
      }
    }
    record({ method, params: recordedParams, ok: answer.ok, ...(answer.error ? { error: answer.error } : {}), at, ...(auth ? { auth } : {}) });
    sendJson(res, 200, answer);
  }

  function redacted(p: Params): Params {
    const out = { ...p };
    for (const key of REDACTED_PARAMS) if (out[key] !== undefined) out[key] = '[redacted]';
    return out;
  }

  /** What a URL that takes posts without a token (a response or upload URL) answers for an injected fault. */
  function webhookFault(fault: Exclude<Fault, { delayMs: number }>, failed: string): { status: number; text: string } {
    if ('error' in fault) return { status: 500, text: fault.error };
    return { status: fault.status, text: fault.status === 429 ? 'ratelimited' : failed };
  }

  async function handleResponseUrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const at = now();
    const raw = await readBody(req);
    let body: unknown;
    try {
      // Apps post JSON; the legacy form shape wraps it in a `payload` field.
      body = mediaType(req.headers['content-type']) === 'application/x-www-form-urlencoded'
        ? JSON.parse(new URLSearchParams(raw).get('payload') ?? '')
        : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const owner = [...workspaces.values()].find((w) => w.responseUrls.has(id)) ?? ws;
    const params = typeof body === 'object' && body !== null ? { ...(body as Params) } : { raw };
    const fault = takeFault('response_url', params);
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    const answer = fault && !('delayMs' in fault) ? webhookFault(fault, 'service_unavailable') : answerResponseUrl(owner, id, body, posterFor(owner));
    record({
      method: 'response_url', params, ok: answer.status === 200, at,
      ...(answer.status === 200 ? {} : { error: answer.text, status: answer.status }),
    });
    sendText(res, answer.status, answer.text);
  }

  /**
   * An upload URL from files.getUploadURLExternal: takes the file's raw bytes once (no token: the URL is the
   * authorization) and answers 200. Stricter than documented: bytes that do not match the announced length are
   * refused, so an app counting characters instead of bytes is caught here.
   */
  async function handleUpload(req: IncomingMessage, res: ServerResponse, uploadId: string): Promise<void> {
    const at = now();
    const bytes = await readBytes(req);
    const file = [...shared.files.values()].find((f) => f.uploadId === uploadId);
    const params: Params = file ? { file_id: file.id, filename: file.name, length: bytes.length } : { length: bytes.length };
    const answer = (status: number, text: string) => {
      record({ method: 'upload_url', params, ok: status === 200, at, ...(status === 200 ? {} : { error: text, status }) });
      sendText(res, status, text);
    };
    if (latencyMs > 0) await sleep(latencyMs);
    const fault = takeFault('upload_url', params);
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    if (fault && !('delayMs' in fault)) {
      const failed = webhookFault(fault, 'upload_failed');
      return answer(failed.status, failed.text);
    }
    if (!file) return answer(404, 'not_found');
    if (file.bytes !== undefined) return answer(410, 'already_uploaded');
    if (bytes.length !== file.length) return answer(400, 'length_mismatch');
    file.bytes = bytes;
    answer(200, `OK - ${bytes.length}`);
  }

  // ---------------------------------------------------------------- the authorize page

  function choicesFor(requestId: string, teamId: string | null): AuthorizePageChoice[] {
    const allow = (extra: Record<string, string>) => `/oauth/v2/authorize/allow?${new URLSearchParams({ request: requestId, ...extra }).toString()}`;
    const choices: AuthorizePageChoice[] = [];
    const shown = teamId ? [workspaceOf(teamId)] : [...workspaces.values()];
    for (const w of shown) choices.push({ label: `the ${w.teamName} workspace`, allowHref: allow({ team: w.teamId }) });
    if (oauth.app.orgDeployEnabled) {
      const orgs = new Set(shown.map((w) => w.enterpriseId).filter((e): e is string => e !== null));
      for (const id of orgs) {
        const e = enterprises.get(id);
        if (e) choices.push({ label: `every workspace of the ${e.name} organization (org-wide install)`, allowHref: allow({ enterprise: e.id }) });
      }
    }
    return choices;
  }

  function handleAuthorizePage(res: ServerResponse, query: URLSearchParams): void {
    const request: AuthorizeRequest = {
      clientId: query.get('client_id') ?? '', scopes: query.get('scope') ?? '', userScopes: query.get('user_scope') ?? '',
      ...(query.get('redirect_uri') ? { redirectUri: query.get('redirect_uri') ?? '' } : {}),
      ...(query.has('state') ? { state: query.get('state') ?? '' } : {}),
    };
    const team = query.get('team') || null;
    try {
      if (request.clientId !== oauth.app.clientId) throw new OAuthError('invalid_client_id', 'The client_id is not one of an app the stand-in knows.');
      if (scopeList(request.scopes).length === 0 && scopeList(request.userScopes).length === 0) throw new OAuthError('invalid_scope', 'No scopes were requested (scope or user_scope).');
      oauth.redirectFor(request.redirectUri);
      if (team && !workspaces.has(team)) throw new OAuthError('invalid_team', `There is no workspace ${team}.`);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      sendHtml(res, 400, renderAuthorizeError(err.code, err.message));
      return;
    }
    for (const [id, pending] of pendingAuthorize) if (now() - pending.at > AUTHORIZE_REQUEST_TTL_MS) pendingAuthorize.delete(id);
    const requestId = randomBytes(12).toString('hex');
    pendingAuthorize.set(requestId, { request, at: now() });
    sendHtml(res, 200, renderAuthorizePage({
      appName: APP_BOT_NAME, scopes: scopeList(request.scopes), userScopes: scopeList(request.userScopes), choices: choicesFor(requestId, team),
      cancelHref: `/oauth/v2/authorize/deny?${new URLSearchParams({ request: requestId }).toString()}`,
    }));
  }

  function handleAuthorizeAnswer(res: ServerResponse, query: URLSearchParams, allow: boolean): void {
    const requestId = query.get('request') ?? '';
    const pending = pendingAuthorize.get(requestId);
    if (!pending || now() - pending.at > AUTHORIZE_REQUEST_TTL_MS) {
      sendHtml(res, 400, renderAuthorizeError('invalid_request', 'This authorization page has expired or was already answered. Start the install again.'));
      return;
    }
    pendingAuthorize.delete(requestId);
    try {
      if (!allow) {
        redirect(res, oauth.denyUrl(pending.request));
        return;
      }
      const enterpriseId = query.get('enterprise');
      const teamId = query.get('team');
      const user = query.get('user');
      const location = oauth.authorize({
        ...pending.request,
        ...(enterpriseId ? { enterpriseInstall: true, enterpriseId } : teamId ? { teamId } : {}),
        ...(user ? { userId: user } : {}),
      });
      redirect(res, location);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      sendHtml(res, 400, renderAuthorizeError(err.code, err.message));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (api?.[1] && (req.method === 'POST' || req.method === 'GET')) return handleApi(req, res, api[1], url.searchParams);
    const hook = /^\/response\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (hook?.[1] && req.method === 'POST') return handleResponseUrl(req, res, hook[1]);
    const upload = /^\/upload\/v1\/([a-f0-9]+)$/.exec(url.pathname);
    if (upload?.[1] && req.method === 'POST') return handleUpload(req, res, upload[1]);
    if (req.method === 'GET' && url.pathname === '/oauth/v2/authorize') return handleAuthorizePage(res, url.searchParams);
    if (req.method === 'GET' && url.pathname === '/oauth/v2/authorize/allow') return handleAuthorizeAnswer(res, url.searchParams, true);
    if (req.method === 'GET' && url.pathname === '/oauth/v2/authorize/deny') return handleAuthorizeAnswer(res, url.searchParams, false);
    sendText(res, 404, 'not_found');
  }

  function removeView(userId: string, viewId: string): StoredView | undefined {
    const w = wsOfUser(userId);
    const stack = w.modalStacks.get(userId);
    const index = stack?.findIndex((v) => v.id === viewId) ?? -1;
    const view = stack?.[index];
    if (!stack || !view) return undefined;
    stack.length = index === 0 || view.clear_on_close === true ? 0 : index;
    w.changed({ kind: 'views', user: userId });
    return view;
  }

  // ---------------------------------------------------------------- events

  function audienceFor(inst: Installation, teamId: string | null, isExtSharedChannel = false): EventAudience {
    if (inst.isEnterpriseInstall) {
      const enterpriseId = inst.enterpriseId ?? '';
      return {
        appId, teamId: teamId ?? enterpriseId, enterpriseId, isEnterpriseInstall: true, botUserId: inst.botUserId,
        authorizationTeamId: teamId, isExtSharedChannel,
      };
    }
    return {
      appId, teamId: inst.teamId ?? '', enterpriseId: inst.enterpriseId, isEnterpriseInstall: false, botUserId: inst.botUserId,
      authorizationTeamId: inst.teamId, isExtSharedChannel,
    };
  }

  async function send(envelopes: Array<Record<string, unknown>>): Promise<EventDelivery[]> {
    const out: EventDelivery[] = [];
    for (const envelope of envelopes) {
      const delivery = await deliverEvent(eventDelivery, envelope, socketMode.api);
      sentEvents.push(delivery);
      events.emit('slack_event', delivery);
      out.push(delivery);
    }
    return out;
  }

  function tokensRevokedEvent(revoked: { bot: IssuedToken[]; user: IssuedToken[] }): Record<string, unknown> | undefined {
    const tokens: Record<string, string[]> = {};
    const people = [...new Set(revoked.user.map((t) => t.userId))];
    const bots = [...new Set(revoked.bot.map((t) => t.userId))];
    if (people.length > 0) tokens.oauth = people;
    if (bots.length > 0) tokens.bot = bots;
    return Object.keys(tokens).length > 0 ? { type: 'tokens_revoked', tokens } : undefined;
  }

  function installationOf(target: string): Installation | undefined {
    return oauth.activeInstallation({ enterpriseId: target }) ?? oauth.installationFor(target);
  }

  return {
    async start() {
      if (server) return;
      const s = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          console.error('slack stand-in: request failed', err);
          if (!res.headersSent) sendJson(res, 200, { ok: false, error: 'internal_error' });
          else res.end();
        });
      });
      s.on('upgrade', (req, socket, head) => socketMode.handleUpgrade(req, socket, head));
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port ?? 0, '127.0.0.1', () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      baseUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      // WebSockets are no longer the HTTP server's connections: closed here, or close() would wait for them.
      await socketMode.close();
      // Clients keep connections alive; without this close() would wait for them to time out.
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    get url() {
      if (!baseUrl) throw new Error('slack stand-in: call start() before reading url');
      return baseUrl;
    },
    get apiUrl() {
      return `${this.url}/api/`;
    },
    get botToken() {
      const current = oauth.activeInstallation({ teamId: ws.teamId }) ?? oauth.installations.get(defaultInstallationId);
      return (current ? oauth.currentBotToken(current.id)?.token : undefined) ?? options.botToken ?? 'xoxb-sandbox-token';
    },
    appToken,
    calls,
    events,
    workspace: ws,
    workspaces,
    enterprises,
    socketMode: socketMode.api,
    messages(channel, opts = {}) {
      return opts.threadTs ? ws.replies(channel, opts.threadTs) : ws.topLevel(channel);
    },
    allMessages: () => [...shared.messages],
    ephemerals: () => [...shared.ephemerals],
    files: () => [...shared.files.values()],
    openViews: (userId) => [...(wsOfUser(userId).modalStacks.get(userId) ?? [])],
    homeView: (userId) => wsOfUser(userId).homeViews.get(userId),
    issueTriggerId: (userId) => wsOfUser(userId).issueTrigger(userId),
    newResponseUrl(ctx) {
      return `${this.url}/response/${wsOfUser(ctx.user).newResponseUrl(ctx).id}`;
    },
    fail(method, fault, times = 1, when) {
      const queue = faults.get(method) ?? [];
      queue.push({ fault, remaining: times, ...(when ? { when } : {}) });
      faults.set(method, queue);
    },
    closeView: (userId, viewId) => removeView(userId, viewId) !== undefined,
    takeView: (userId, viewId) => removeView(userId, viewId),
    postAsUser(userId, channel, text, opts = {}) {
      const w = wsOfUser(userId);
      const ch = w.resolveChannel(channel);
      if (!ch) throw new Error(`slack stand-in: unknown channel ${channel}`);
      if (!w.isMember(userId, ch)) throw new Error(`slack stand-in: ${userId} is not in ${channel}`);
      if (opts.threadTs && !w.findMessage(ch.id, opts.threadTs)) throw new Error(`slack stand-in: no thread ${opts.threadTs}`);
      return w.addMessage({ channel: ch.id, ts: w.nextTs(), user: userId, ...authorTeam(w, ch), text, thread_ts: opts.threadTs });
    },

    addWorkspace,
    addEnterprise,
    workspaceOf,
    shareChannel(channelId, withTeamId, opts = {}) {
      const host = [...workspaces.values()].find((w) => w.channels.get(channelId)?.teamId === w.teamId);
      const ch = host?.channels.get(channelId);
      if (!host || !ch) throw new Error(`slack stand-in: no channel ${channelId}`);
      if (ch.isIm || ch.isMpim) throw new Error(`slack stand-in: ${channelId} is a direct message; only channels can be shared`);
      const other = workspaceOf(withTeamId);
      if (other === host) throw new Error(`slack stand-in: ${channelId} already belongs to ${withTeamId}`);
      ch.sharedWith.add(other.teamId);
      // Shared outside the host's organization (or by a workspace in none): Slack Connect.
      if (!host.enterpriseId || host.enterpriseId !== other.enterpriseId) ch.extShared = true;
      other.channels.set(ch.id, ch);
      for (const userId of opts.members ?? []) {
        const user = host.users.get(userId) ?? other.users.get(userId);
        if (!user) throw new Error(`slack stand-in: ${userId} is in neither ${host.teamId} nor ${other.teamId}`);
        (user.isBot ? ch.bots : ch.members).add(userId);
      }
      host.changed({ kind: 'channel', channel: ch.id });
      other.changed({ kind: 'channel', channel: ch.id });
      return ch;
    },
    addToChannel(channelId, userId) {
      const w = [...workspaces.values()].find((x) => x.channels.has(channelId) && x.users.has(userId));
      const ch = w?.channels.get(channelId);
      const user: User | undefined = w?.users.get(userId);
      if (!w || !ch || !user) throw new Error(`slack stand-in: ${userId} cannot join ${channelId} (no workspace has both)`);
      (user.isBot ? ch.bots : ch.members).add(userId);
      w.changed({ kind: 'channel', channel: ch.id });
    },

    get oauthApp() {
      return oauth.app;
    },
    set oauthApp(config: OAuthAppConfig) {
      oauth.app = config;
    },
    get authorizeUrl() {
      return `${this.url}/oauth/v2/authorize`;
    },
    authorize: (request) => oauth.authorize(request),
    install(request) {
      // Any redirect URL will do when the test does not care: nothing is fetched from it.
      const redirectUri = request.redirectUri ?? oauth.app.redirectUris[0] ?? 'http://127.0.0.1/slack/oauth_redirect';
      const location = new URL(oauth.authorize({ ...request, redirectUri }));
      const params: Record<string, string | undefined> = {
        client_id: oauth.app.clientId, client_secret: oauth.app.clientSecret, code: location.searchParams.get('code') ?? '',
      };
      params.redirect_uri = redirectUri;
      return oauth.access(params, undefined);
    },
    installation: (target) => installationOf(target),
    botTokenFor(target) {
      const inst = installationOf(target);
      return inst ? oauth.currentBotToken(inst.id)?.token : undefined;
    },
    tokenInfo(token) {
      const t = oauth.tokenInfo(token);
      const inst = t ? oauth.installations.get(t.installationId) : undefined;
      if (!t || !inst) return undefined;
      return {
        id: t.id, kind: t.kind, installationId: t.installationId, teamId: inst.teamId, enterpriseId: inst.enterpriseId,
        isEnterpriseInstall: inst.isEnterpriseInstall, userId: t.userId, issuedAt: t.issuedAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt,
        ...(t.revokedBecause ? { revokedBecause: t.revokedBecause } : {}),
      };
    },
    callsWith(token) {
      const id = oauth.tokenInfo(token)?.id;
      return id === undefined ? [] : calls.filter((c) => c.auth?.tokenId === id);
    },

    get eventDelivery() {
      return eventDelivery;
    },
    set eventDelivery(target: EventDeliveryTarget | undefined) {
      eventDelivery = target;
    },
    sentEvents,
    async uninstall(target, opts = {}) {
      const inst = oauth.activeInstallation({ enterpriseId: target }) ?? oauth.activeInstallation({ teamId: target });
      if (!inst) throw new Error(`slack stand-in: the app is not installed in ${target} (an org-wide install is uninstalled by its enterprise id)`);
      const revoked = oauth.end(inst, 'uninstalled');
      const audience = audienceFor(inst, inst.isEnterpriseInstall ? null : inst.teamId);
      const uninstalled = eventEnvelope(audience, { type: 'app_uninstalled' }, now());
      const tokensEvent = opts.tokensRevoked === false ? undefined : tokensRevokedEvent(revoked);
      const revokedEnvelope = tokensEvent ? eventEnvelope(audience, tokensEvent, now()) : undefined;
      const order = opts.appUninstalledFirst ? [uninstalled, revokedEnvelope] : [revokedEnvelope, uninstalled];
      return send(order.filter((e): e is Record<string, unknown> => e !== undefined));
    },
    async revokeTokens(target, opts = {}) {
      const inst = installationOf(target);
      if (!inst) throw new Error(`slack stand-in: the app is not installed in ${target}`);
      const revoked = oauth.revokeAll(inst, 'revoked', { bot: opts.bot ?? true, user: opts.user ?? true });
      const event = tokensRevokedEvent(revoked);
      if (!event) return [];
      return send([eventEnvelope(audienceFor(inst, inst.isEnterpriseInstall ? null : inst.teamId), event, now())]);
    },
    async sendEvent(teamId, event, opts = {}) {
      const w = workspaceOf(teamId);
      const inst = oauth.installationFor(teamId);
      if (!inst) throw new Error(`slack stand-in: the app is not installed in ${teamId}; Slack sends it no events`);
      const channelId = opts.channel ?? (typeof event.channel === 'string' ? event.channel : undefined);
      const ch = channelId ? w.channels.get(channelId) : undefined;
      const ext = ch !== undefined && ch.sharedWith.size > 0 && ch.extShared;
      const [delivery] = await send([eventEnvelope(audienceFor(inst, teamId, ext), event, now())]);
      return delivery as EventDelivery;
    },
  };
}
