/**
 * Slack's OAuth v2 for the stand-in: the authorize page (`/oauth/v2/authorize`), one-time codes, `oauth.v2.access`
 * (code exchange and refresh), `oauth.v2.exchange`, and the tokens and installations they produce.
 *
 * What Slack does and the stand-in does too:
 * - a code is good once, for 10 minutes, only with the client id it was issued to and the same redirect_uri;
 * - the client authenticates with HTTP Basic auth or `client_id`/`client_secret` parameters;
 * - each install issues a new bot token for its workspace (or organization) and revokes the previous one;
 * - with token rotation on, access tokens are `xoxe.xoxb-1-…` and expire (`expires_in`, 12 hours by default); a refresh
 *   token is used once; refreshing does not end the access token in hand, which lives until it expires, but no more
 *   than two access tokens of an installation are alive at a time (the oldest goes first);
 * - an org-wide install (Enterprise Grid) has one token for every workspace of its organization.
 */
import { randomBytes } from 'node:crypto';
import type { Workspace } from './workspace.ts';

export interface OAuthAppConfig {
  clientId: string;
  clientSecret: string;
  /** Token rotation: access tokens expire and come with a single-use refresh token. */
  tokenRotation: boolean;
  /** Lifetime of a rotating access token, in seconds (Slack: 43,200). */
  tokenTtlSeconds: number;
  /** Redirect URLs configured for the app; a redirect_uri must match one (or sit below it). Empty: any is accepted. */
  redirectUris: string[];
  /** The app may be installed on a whole Enterprise organization. */
  orgDeployEnabled: boolean;
  /** How long a used refresh token still works (Slack: "a short grace period"). Default 0: once, strictly. */
  refreshTokenGraceSeconds: number;
}

export const DEFAULT_OAUTH_APP: OAuthAppConfig = {
  clientId: '1111111111.2222222222',
  clientSecret: 'sandbox-client-secret',
  tokenRotation: false,
  tokenTtlSeconds: 43_200,
  redirectUris: [],
  orgDeployEnabled: true,
  refreshTokenGraceSeconds: 0,
};

export const CODE_TTL_MS = 10 * 60_000;
/** Rotating tokens: at most this many access tokens of an installation are alive at once. */
export const MAX_ACTIVE_ROTATING_TOKENS = 2;

export interface Enterprise {
  id: string;
  name: string;
  domain: string;
  /** The organization-wide install's bot user and bot. */
  botUserId: string;
  botId: string;
}

export interface EnterpriseSpec {
  id: string;
  name?: string;
  domain?: string;
  botUserId?: string;
  botId?: string;
}

export type TokenKind = 'bot' | 'user';
export type RevokeReason = 'uninstalled' | 'reinstalled' | 'revoked' | 'rotated';

export interface IssuedToken {
  /** An opaque name for the token, safe to log and to record: `tok-<n>`. */
  id: string;
  token: string;
  kind: TokenKind;
  installationId: string;
  /** The bot user (bot tokens) or the person (user tokens). */
  userId: string;
  issuedAt: number;
  /** Epoch ms; null for a token that does not expire. */
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBecause?: RevokeReason;
  scopes: string[];
  /** A long-lived token handed to oauth.v2.exchange (it ends with the first refresh). */
  exchanged?: boolean;
}

/** Every bot scope a method of the stand-in checks: what the stand-in's own installs get, so they are never refused for scope. */
export const ALL_BOT_SCOPES = [
  'commands', 'chat:write', 'chat:write.public', 'channels:join', 'channels:history', 'groups:history', 'im:history', 'mpim:history',
  'channels:read', 'groups:read', 'im:read', 'mpim:read', 'im:write', 'mpim:write', 'users:read', 'files:write',
];

export interface Installation {
  id: string;
  appId: string;
  /** The workspace, or null for an org-wide install. */
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  botUserId: string;
  botId: string;
  scopes: string[];
  userScopes: string[];
  /** Scopes are checked on calls (OAuth installs); the stand-in's own installs are not checked. */
  checkScopes: boolean;
  /** Who ran the install (authed_user.id). */
  installerUserId: string;
  installedAt: number;
  /** False once uninstalled or replaced by a newer install of the same workspace or organization. */
  active: boolean;
  /** Org-wide installs: the workspaces it may act in ('all' = every workspace of the organization). */
  teams: 'all' | Set<string>;
}

interface RefreshToken {
  token: string;
  kind: TokenKind;
  installationId: string;
  userId: string;
  scopes: string[];
  issuedAt: number;
  usedAt: number | null;
  revoked: boolean;
}

interface AuthCode {
  code: string;
  clientId: string;
  /** The redirect_uri given to the authorize page; null when it used the app's configured one. */
  redirectUri: string | null;
  teamId: string | null;
  enterpriseId: string | null;
  enterpriseInstall: boolean;
  scopes: string[];
  userScopes: string[];
  userId: string;
  issuedAt: number;
  used: boolean;
}

export interface AuthorizeRequest {
  clientId?: string;
  /** The workspace to install in (Slack's `team` parameter). */
  teamId?: string;
  /** Install on the whole organization (org-wide). Give `enterpriseId`, or a `teamId` of one of its workspaces. */
  enterpriseInstall?: boolean;
  enterpriseId?: string;
  /** Bot scopes (`scope`), as a list or comma-separated. */
  scopes?: string[] | string;
  /** User scopes (`user_scope`): the installer also gets a user token. */
  userScopes?: string[] | string;
  state?: string;
  redirectUri?: string;
  /** The person who clicks Allow; default the workspace's first person. */
  userId?: string;
}

/** A refusal of the authorize page (Slack shows an error page rather than redirecting). */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** What the OAuth side needs from the stand-in: its workspaces and organizations. */
export interface OAuthDirectory {
  readonly appId: string;
  now(): number;
  workspace(teamId: string): Workspace | undefined;
  workspaces(): Workspace[];
  enterprise(id: string): Enterprise | undefined;
}

export type TokenCheck =
  | { ok: true; token: IssuedToken; installation: Installation }
  | { ok: false; error: 'invalid_auth' | 'token_revoked' | 'token_expired'; token?: IssuedToken; installation?: Installation };

export type Answer = { ok: boolean; error?: string; [key: string]: unknown };

function randomAlnum(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = '';
  for (const b of randomBytes(length)) out += alphabet[b % alphabet.length];
  return out;
}

function randomDigits(length: number): string {
  let out = String(1 + (randomBytes(1)[0] ?? 0) % 9);
  for (const b of randomBytes(length - 1)) out += String(b % 10);
  return out;
}

export function scopeList(value: string[] | string | undefined): string[] {
  const list = Array.isArray(value) ? value : (value ?? '').split(/[,\s]+/);
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

/** The organization behind an org-wide authorize request. */
function enterpriseOf(dir: OAuthDirectory, req: { enterpriseId?: string | undefined; teamId?: string | undefined }): Enterprise {
  const id = req.enterpriseId ?? (req.teamId ? dir.workspace(req.teamId)?.enterpriseId : undefined) ?? undefined;
  const enterprise = id ? dir.enterprise(id) : undefined;
  if (!enterprise) throw new OAuthError('invalid_team', 'An org-wide install needs an Enterprise organization (enterpriseId, or a teamId of one of its workspaces).');
  return enterprise;
}

export class OAuthServer {
  private appConfig: OAuthAppConfig = { ...DEFAULT_OAUTH_APP };
  private readonly dir: OAuthDirectory;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly codes = new Map<string, AuthCode>();
  readonly installations = new Map<string, Installation>();
  private tokenSeq = 0;
  private installSeq = 0;

  constructor(dir: OAuthDirectory, config: Partial<OAuthAppConfig> = {}) {
    this.dir = dir;
    this.app = config;
  }

  get app(): OAuthAppConfig {
    return this.appConfig;
  }

  /** Replaces the app's OAuth settings; what is left out takes the defaults. */
  set app(config: Partial<OAuthAppConfig>) {
    this.appConfig = { ...DEFAULT_OAUTH_APP, ...config, redirectUris: [...(config.redirectUris ?? [])] };
  }

  private now(): number {
    return this.dir.now();
  }

  // ---------------------------------------------------------------- tokens

  private newToken(kind: TokenKind, installation: Installation, userId: string, scopes: string[], options: { expiring: boolean; token?: string }): IssuedToken {
    const prefix = kind === 'bot' ? 'xoxb' : 'xoxp';
    const value = options.token
      ?? (options.expiring ? `xoxe.${prefix}-1-${randomAlnum(40)}` : `${prefix}-${randomDigits(12)}-${randomDigits(13)}-${randomAlnum(24)}`);
    if (this.tokens.has(value)) throw new Error(`slack stand-in: token ${value.slice(0, 8)}… is already in use`);
    this.tokenSeq += 1;
    const issued: IssuedToken = {
      id: `tok-${this.tokenSeq}`, token: value, kind, installationId: installation.id, userId, issuedAt: this.now(),
      expiresAt: options.expiring ? this.now() + this.appConfig.tokenTtlSeconds * 1000 : null, revokedAt: null, scopes,
    };
    this.tokens.set(value, issued);
    return issued;
  }

  private newRefreshToken(kind: TokenKind, installation: Installation, userId: string, scopes: string[]): RefreshToken {
    const refresh: RefreshToken = {
      token: `xoxe-1-${randomAlnum(48)}`, kind, installationId: installation.id, userId, scopes, issuedAt: this.now(), usedAt: null, revoked: false,
    };
    this.refreshTokens.set(refresh.token, refresh);
    return refresh;
  }

  private revoke(token: IssuedToken, reason: RevokeReason): void {
    if (token.revokedAt !== null) return;
    token.revokedAt = this.now();
    token.revokedBecause = reason;
  }

  private alive(token: IssuedToken): boolean {
    return token.revokedAt === null && (token.expiresAt === null || this.now() < token.expiresAt);
  }

  /** A token as a Web API call presents it: valid, revoked, expired, or unknown. */
  check(value: string): TokenCheck {
    const token = this.tokens.get(value);
    if (!token) return { ok: false, error: 'invalid_auth' };
    const installation = this.installations.get(token.installationId);
    if (!installation) return { ok: false, error: 'invalid_auth', token };
    if (token.revokedAt !== null) return { ok: false, error: 'token_revoked', token, installation };
    if (token.expiresAt !== null && this.now() >= token.expiresAt) return { ok: false, error: 'token_expired', token, installation };
    return { ok: true, token, installation };
  }

  tokenInfo(value: string): IssuedToken | undefined {
    return this.tokens.get(value);
  }

  tokensOf(installationId: string, kind?: TokenKind): IssuedToken[] {
    return [...this.tokens.values()].filter((t) => t.installationId === installationId && (kind === undefined || t.kind === kind));
  }

  /** The newest bot token of an installation that still works, else its newest at all. */
  currentBotToken(installationId: string): IssuedToken | undefined {
    const bots = this.tokensOf(installationId, 'bot');
    return bots.filter((t) => this.alive(t)).at(-1) ?? bots.at(-1);
  }

  // ---------------------------------------------------------------- installations

  /** The install serving a workspace: its own, else its organization's org-wide one if granted. */
  installationFor(teamId: string): Installation | undefined {
    const own = this.activeInstallation({ teamId });
    if (own) return own;
    const ws = this.dir.workspace(teamId);
    const org = ws?.enterpriseId ? this.activeInstallation({ enterpriseId: ws.enterpriseId }) : undefined;
    return org && this.grants(org, teamId) ? org : undefined;
  }

  activeInstallation(target: { teamId?: string; enterpriseId?: string }): Installation | undefined {
    for (const inst of this.installations.values()) {
      if (!inst.active) continue;
      if (target.enterpriseId !== undefined && inst.isEnterpriseInstall && inst.enterpriseId === target.enterpriseId) return inst;
      if (target.teamId !== undefined && !inst.isEnterpriseInstall && inst.teamId === target.teamId) return inst;
    }
    return undefined;
  }

  /** Whether an org-wide install may act in a workspace (always true for a workspace's own install in itself). */
  grants(inst: Installation, teamId: string): boolean {
    if (!inst.isEnterpriseInstall) return inst.teamId === teamId;
    const ws = this.dir.workspace(teamId);
    if (!ws || ws.enterpriseId !== inst.enterpriseId) return false;
    return inst.teams === 'all' || inst.teams.has(teamId);
  }

  /** The workspaces an installation acts in. */
  workspacesOf(inst: Installation): Workspace[] {
    if (!inst.isEnterpriseInstall) {
      const ws = inst.teamId ? this.dir.workspace(inst.teamId) : undefined;
      return ws ? [ws] : [];
    }
    return this.dir.workspaces().filter((ws) => this.grants(inst, ws.teamId));
  }

  /**
   * Installs the app directly (no authorize page, no code): what the stand-in does for the workspaces it starts
   * with. Replaces (and revokes) an earlier install of the same workspace or organization.
   */
  install(input: {
    teamId: string | null;
    enterpriseId: string | null;
    isEnterpriseInstall: boolean;
    botUserId: string;
    botId: string;
    scopes: string[];
    userScopes?: string[];
    installerUserId: string;
    botToken?: string;
    /** Overrides the app's token rotation for this install. */
    rotation?: boolean;
    /** Refuse calls the scopes do not cover (default true). */
    checkScopes?: boolean;
  }): { installation: Installation; bot: IssuedToken; botRefresh?: RefreshToken; user?: IssuedToken; userRefresh?: RefreshToken } {
    const previous = input.isEnterpriseInstall
      ? this.activeInstallation({ enterpriseId: input.enterpriseId ?? '' })
      : this.activeInstallation({ teamId: input.teamId ?? '' });
    if (previous) this.end(previous, 'reinstalled');
    this.installSeq += 1;
    const installation: Installation = {
      id: `inst-${this.installSeq}`, appId: this.dir.appId, teamId: input.isEnterpriseInstall ? null : input.teamId,
      enterpriseId: input.enterpriseId, isEnterpriseInstall: input.isEnterpriseInstall, botUserId: input.botUserId, botId: input.botId,
      scopes: input.scopes, userScopes: input.userScopes ?? [], checkScopes: input.checkScopes ?? true, installerUserId: input.installerUserId, installedAt: this.now(),
      active: true, teams: 'all',
    };
    this.installations.set(installation.id, installation);
    const rotation = input.rotation ?? this.appConfig.tokenRotation;
    const bot = this.newToken('bot', installation, input.botUserId, input.scopes, { expiring: rotation, ...(input.botToken ? { token: input.botToken } : {}) });
    const out: ReturnType<OAuthServer['install']> = { installation, bot };
    if (rotation) out.botRefresh = this.newRefreshToken('bot', installation, input.botUserId, input.scopes);
    if (installation.userScopes.length > 0) {
      out.user = this.newToken('user', installation, input.installerUserId, installation.userScopes, { expiring: rotation });
      if (rotation) out.userRefresh = this.newRefreshToken('user', installation, input.installerUserId, installation.userScopes);
    }
    return out;
  }

  /** Ends an installation: every token and refresh token revoked. Returns what was revoked, by kind. */
  end(inst: Installation, reason: RevokeReason): { bot: IssuedToken[]; user: IssuedToken[] } {
    inst.active = false;
    return this.revokeAll(inst, reason, { bot: true, user: true });
  }

  /** Revokes the tokens of an installation (bot, user or both) without uninstalling it. */
  revokeAll(inst: Installation, reason: RevokeReason, which: { bot: boolean; user: boolean }): { bot: IssuedToken[]; user: IssuedToken[] } {
    const revoked = { bot: [] as IssuedToken[], user: [] as IssuedToken[] };
    for (const token of this.tokensOf(inst.id)) {
      if (!which[token.kind] || token.revokedAt !== null) continue;
      this.revoke(token, reason);
      revoked[token.kind].push(token);
    }
    for (const refresh of this.refreshTokens.values()) {
      if (refresh.installationId === inst.id && which[refresh.kind]) refresh.revoked = true;
    }
    return revoked;
  }

  // ---------------------------------------------------------------- authorize

  /** Checks an authorize request and issues a one-time code; returns the URL Slack redirects the browser to. */
  authorize(req: AuthorizeRequest): string {
    const app = this.appConfig;
    const clientId = req.clientId ?? app.clientId;
    if (clientId !== app.clientId) throw new OAuthError('invalid_client_id', `Unknown client_id ${clientId}.`);
    const scopes = scopeList(req.scopes);
    const userScopes = scopeList(req.userScopes);
    if (scopes.length === 0 && userScopes.length === 0) throw new OAuthError('invalid_scope', 'No scopes were requested (scope or user_scope).');
    const redirect = this.redirectFor(req.redirectUri);
    let teamId: string | null = null;
    let enterpriseId: string | null = null;
    let userId: string | undefined = req.userId;
    if (req.enterpriseInstall) {
      if (!app.orgDeployEnabled) throw new OAuthError('org_deploy_not_enabled', 'This app cannot be installed on a whole organization.');
      const enterprise = enterpriseOf(this.dir, req);
      enterpriseId = enterprise.id;
      const people = this.dir.workspaces().filter((w) => w.enterpriseId === enterprise.id).flatMap((w) => [...w.users.values()]);
      userId ??= people.find((u) => !u.isBot)?.id;
      if (req.userId && !people.some((u) => u.id === req.userId)) throw new OAuthError('invalid_user', `${req.userId} is not in ${enterprise.id}.`);
    } else {
      const ws = req.teamId ? this.dir.workspace(req.teamId) : this.dir.workspaces()[0];
      if (!ws) throw new OAuthError('invalid_team', `Unknown workspace ${req.teamId ?? ''}.`);
      teamId = ws.teamId;
      enterpriseId = ws.enterpriseId;
      userId ??= [...ws.users.values()].find((u) => !u.isBot)?.id;
      if (req.userId && !ws.users.has(req.userId)) throw new OAuthError('invalid_user', `${req.userId} is not in ${ws.teamId}.`);
    }
    if (!userId) throw new OAuthError('invalid_user', 'Nobody in that workspace can install the app.');
    const code = `${randomDigits(10)}.${randomDigits(13)}.${randomBytes(32).toString('hex')}`;
    this.codes.set(code, {
      code, clientId, redirectUri: req.redirectUri ?? null, teamId, enterpriseId, enterpriseInstall: req.enterpriseInstall === true,
      scopes, userScopes, userId, issuedAt: this.now(), used: false,
    });
    const url = new URL(redirect);
    url.searchParams.set('code', code);
    if (req.state !== undefined) url.searchParams.set('state', req.state);
    return url.toString();
  }

  /** Where "Cancel" on the authorize page sends the browser. */
  denyUrl(req: Pick<AuthorizeRequest, 'redirectUri' | 'state'>): string {
    const url = new URL(this.redirectFor(req.redirectUri));
    url.searchParams.set('error', 'access_denied');
    if (req.state !== undefined) url.searchParams.set('state', req.state);
    return url.toString();
  }

  /** The redirect_uri to use: the one given (if the app allows it) or the app's first configured one. */
  redirectFor(given: string | undefined): string {
    const configured = this.appConfig.redirectUris;
    if (given === undefined) {
      const first = configured[0];
      if (!first) throw new OAuthError('bad_redirect_uri', 'No redirect_uri was given and the app has none configured.');
      return first;
    }
    let parsed: URL;
    try {
      parsed = new URL(given);
    } catch {
      throw new OAuthError('bad_redirect_uri', 'redirect_uri is not a URL.');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OAuthError('bad_redirect_uri', 'redirect_uri must be http or https.');
    // Slack accepts a configured URL or one below it (same origin, path under the configured path).
    const allowed = configured.length === 0 || configured.some((c) => {
      try {
        const base = new URL(c);
        return base.origin === parsed.origin && (parsed.pathname === base.pathname || parsed.pathname.startsWith(base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`));
      } catch {
        return false;
      }
    });
    if (!allowed) throw new OAuthError('bad_redirect_uri', 'redirect_uri did not match any configured URIs.');
    return given;
  }

  // ---------------------------------------------------------------- Web API: oauth.v2.access, oauth.v2.exchange

  /** The client's credentials: HTTP Basic auth wins over parameters, as Slack recommends sending them. */
  private client(params: Record<string, string | undefined>, authorization: string | undefined): Answer | undefined {
    let clientId = params.client_id;
    let clientSecret = params.client_secret;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice('Basic '.length).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const decode = (part: string) => {
        try {
          return decodeURIComponent(part);
        } catch {
          return part;
        }
      };
      if (colon >= 0) {
        clientId = decode(decoded.slice(0, colon));
        clientSecret = decode(decoded.slice(colon + 1));
      }
    }
    if (!clientId || clientId !== this.appConfig.clientId) return { ok: false, error: 'invalid_client_id' };
    if (!clientSecret || clientSecret !== this.appConfig.clientSecret) return { ok: false, error: 'bad_client_secret' };
    return undefined;
  }

  /** `oauth.v2.access`: a code for tokens, or (grant_type=refresh_token) a refresh token for new ones. */
  access(params: Record<string, string | undefined>, authorization: string | undefined): Answer {
    const refused = this.client(params, authorization);
    if (refused) return refused;
    const grant = params.grant_type ?? 'authorization_code';
    if (grant === 'refresh_token') return this.refresh(params.refresh_token);
    if (grant !== 'authorization_code') return { ok: false, error: 'invalid_grant_type' };
    const code = params.code ? this.codes.get(params.code) : undefined;
    if (!code || code.used || this.now() - code.issuedAt > CODE_TTL_MS || code.clientId !== this.appConfig.clientId) return { ok: false, error: 'invalid_code' };
    // Same redirect_uri as the authorize request (when it named one); otherwise none, or the configured one.
    const given = params.redirect_uri;
    if (code.redirectUri !== null ? given !== code.redirectUri : given !== undefined && given !== this.appConfig.redirectUris[0]) {
      return { ok: false, error: 'bad_redirect_uri' };
    }
    if (!code.enterpriseInstall && code.teamId) {
      const ws = this.dir.workspace(code.teamId);
      if (ws?.enterpriseId && this.activeInstallation({ enterpriseId: ws.enterpriseId })) return { ok: false, error: 'cannot_install_an_org_installed_app' };
    }
    code.used = true;
    return this.installFromCode(code);
  }

  private installFromCode(code: AuthCode): Answer {
    let botUserId: string;
    let botId: string;
    if (code.enterpriseInstall) {
      const enterprise = this.dir.enterprise(code.enterpriseId ?? '');
      if (!enterprise) return { ok: false, error: 'invalid_code' };
      botUserId = enterprise.botUserId;
      botId = enterprise.botId;
    } else {
      const ws = this.dir.workspace(code.teamId ?? '');
      if (!ws) return { ok: false, error: 'invalid_code' };
      botUserId = ws.config.botUserId;
      botId = ws.config.botId;
    }
    const done = this.install({
      teamId: code.teamId, enterpriseId: code.enterpriseId, isEnterpriseInstall: code.enterpriseInstall, botUserId, botId,
      scopes: code.scopes, userScopes: code.userScopes, installerUserId: code.userId,
    });
    const authedUser: Record<string, unknown> = { id: code.userId };
    if (done.user) {
      Object.assign(authedUser, { scope: done.user.scopes.join(','), access_token: done.user.token, token_type: 'user' });
      if (done.userRefresh && done.user.expiresAt !== null) {
        Object.assign(authedUser, { refresh_token: done.userRefresh.token, expires_in: Math.round((done.user.expiresAt - this.now()) / 1000) });
      }
    }
    const answer: Answer = { ok: true, app_id: this.dir.appId, authed_user: authedUser };
    if (code.scopes.length > 0) {
      Object.assign(answer, { scope: code.scopes.join(','), token_type: 'bot', access_token: done.bot.token, bot_user_id: botUserId });
      if (done.botRefresh && done.bot.expiresAt !== null) {
        Object.assign(answer, { refresh_token: done.botRefresh.token, expires_in: Math.round((done.bot.expiresAt - this.now()) / 1000) });
      }
    } else {
      // A user-scopes-only install has no bot token to hand over.
      this.revoke(done.bot, 'revoked');
    }
    Object.assign(answer, this.teamFields(done.installation));
    return answer;
  }

  /** team / enterprise / is_enterprise_install as oauth.v2.access reports them (team is null for an org-wide install). */
  private teamFields(inst: Installation): Record<string, unknown> {
    const ws = inst.teamId ? this.dir.workspace(inst.teamId) : undefined;
    const enterprise = inst.enterpriseId ? this.dir.enterprise(inst.enterpriseId) : undefined;
    return {
      team: inst.isEnterpriseInstall || !ws ? null : { id: ws.teamId, name: ws.teamName },
      enterprise: enterprise ? { id: enterprise.id, name: enterprise.name } : null,
      is_enterprise_install: inst.isEnterpriseInstall,
    };
  }

  private refresh(value: string | undefined): Answer {
    const refresh = value ? this.refreshTokens.get(value) : undefined;
    const graceMs = this.appConfig.refreshTokenGraceSeconds * 1000;
    if (!refresh || refresh.revoked || (refresh.usedAt !== null && this.now() - refresh.usedAt >= graceMs)) return { ok: false, error: 'invalid_refresh_token' };
    const inst = this.installations.get(refresh.installationId);
    if (!inst?.active) return { ok: false, error: 'invalid_refresh_token' };
    refresh.usedAt ??= this.now();
    // The first refresh ends a long-lived token that was traded in with oauth.v2.exchange.
    for (const t of this.tokensOf(inst.id, refresh.kind)) if (t.exchanged && t.userId === refresh.userId) this.revoke(t, 'rotated');
    const access = this.newToken(refresh.kind, inst, refresh.userId, refresh.scopes, { expiring: true });
    const next = this.newRefreshToken(refresh.kind, inst, refresh.userId, refresh.scopes);
    this.limitActive(inst, refresh.kind, refresh.userId);
    const answer: Answer = {
      ok: true, app_id: this.dir.appId, access_token: access.token, expires_in: this.appConfig.tokenTtlSeconds, refresh_token: next.token,
      token_type: refresh.kind, scope: refresh.scopes.join(','),
    };
    if (refresh.kind === 'bot') answer.bot_user_id = inst.botUserId;
    else answer.user_id = refresh.userId;
    Object.assign(answer, this.teamFields(inst));
    return answer;
  }

  /** Slack keeps at most two access tokens of an installation alive; a third one revokes the oldest. */
  private limitActive(inst: Installation, kind: TokenKind, userId: string): void {
    const live = this.tokensOf(inst.id, kind).filter((t) => t.userId === userId && t.expiresAt !== null && this.alive(t));
    for (const old of live.slice(0, Math.max(0, live.length - MAX_ACTIVE_ROTATING_TOKENS))) this.revoke(old, 'rotated');
  }

  /** `oauth.v2.exchange`: a long-lived token for a rotating one and a refresh token (apps turning rotation on). */
  exchange(params: Record<string, string | undefined>, authorization: string | undefined): Answer {
    const refused = this.client(params, authorization);
    if (refused) return refused;
    if (!this.appConfig.tokenRotation) return { ok: false, error: 'token_rotation_not_enabled' };
    const old = params.token ? this.tokens.get(params.token) : undefined;
    const inst = old ? this.installations.get(old.installationId) : undefined;
    if (!old || !inst?.active || old.revokedAt !== null || old.expiresAt !== null) return { ok: false, error: 'invalid_token' };
    if (old.exchanged) return { ok: false, error: 'token_already_exchanged' };
    old.exchanged = true;
    const access = this.newToken(old.kind, inst, old.userId, old.scopes, { expiring: true });
    const next = this.newRefreshToken(old.kind, inst, old.userId, old.scopes);
    const answer: Answer = {
      ok: true, access_token: access.token, expires_in: this.appConfig.tokenTtlSeconds, refresh_token: next.token, token_type: old.kind,
      scope: old.scopes.join(','), app_id: this.dir.appId,
    };
    if (old.kind === 'bot') answer.bot_user_id = inst.botUserId;
    else answer.user_id = old.userId;
    Object.assign(answer, this.teamFields(inst));
    return answer;
  }
}

// ---------------------------------------------------------------- the authorize page

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Only the page's own inline style: no scripts, no frames, nothing from elsewhere. */
export const AUTHORIZE_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f4ede4;color:#1d1c1d;margin:0}
main{max-width:36rem;margin:8vh auto;padding:2rem 2.5rem;background:#fff;border-radius:10px;box-shadow:0 1px 4px rgba(0,0,0,.1)}
h1{font-size:1.4rem;margin:0 0 1rem}ul{line-height:1.6}code{background:#f2f2f2;padding:0 .25rem;border-radius:3px}
a.allow{display:inline-block;padding:.6rem 1.2rem;border-radius:6px;background:#007a5a;color:#fff;text-decoration:none;font-weight:700}
a.cancel{margin-left:1rem;color:#1264a3}.choice{margin:1rem 0;padding:1rem;border:1px solid #ddd;border-radius:8px}.muted{color:#616061;font-size:.9rem}
</style></head><body><main>${body}</main></body></html>`;
}

export interface AuthorizePageChoice {
  /** e.g. "the Acme workspace" */
  label: string;
  allowHref: string;
}

export function renderAuthorizePage(input: { appName: string; scopes: string[]; userScopes: string[]; choices: AuthorizePageChoice[]; cancelHref: string }): string {
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  const userScopes = input.userScopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  const choices = input.choices
    .map((c) => `<div class="choice"><p><strong>${escapeHtml(input.appName)}</strong> is requesting permission to access ${escapeHtml(c.label)}.</p><a class="allow" href="${escapeHtml(c.allowHref)}">Allow</a></div>`)
    .join('');
  return page(
    `Install ${input.appName}`,
    `<h1>Install ${escapeHtml(input.appName)}</h1>
${scopes ? `<p>As a bot it will be able to:</p><ul>${scopes}</ul>` : ''}
${userScopes ? `<p>On your behalf it will be able to:</p><ul>${userScopes}</ul>` : ''}
${choices}
<p><a class="cancel" href="${escapeHtml(input.cancelHref)}">Cancel</a></p>
<p class="muted">Slack stand-in: no account, no password; Allow issues a one-time code for the app.</p>`,
  );
}

export function renderAuthorizeError(code: string, message: string): string {
  return page('Something went wrong', `<h1>Something went wrong when authorizing this app.</h1><p><code>${escapeHtml(code)}</code></p><p>${escapeHtml(message)}</p>`);
}
