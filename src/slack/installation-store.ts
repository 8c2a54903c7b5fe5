/**
 * Bolt's installation store over the app's own database (SQLite or PostgreSQL), so that any instance can
 * finish an install another one started and every instance sees every workspace.
 *
 * Keys: 'E:<enterprise_id>' for an org-wide install, 'T:<team_id>' otherwise; a team of an enterprise with no
 * install of its own is served by the org-wide one. Every token is sealed before it is written (the bot token,
 * its refresh token, and the installation JSON, which can hold a user token) and opened only when read; none
 * is ever logged.
 *
 * Token rotation happens here, before a token expires, under the database lock of its installation: one
 * instance refreshes while the others keep using the token they have (it is still valid) or, once it has
 * expired, wait for the new one. A failed refresh backs off (in the row, for every instance), doubling up to a
 * cap, and is reported once: a permanent refusal at error level with what to do (reinstall the app in that
 * workspace), a transient one at warn. When a refresher is configured, the installations handed to Bolt carry no
 * refresh token, so that Bolt's own rotation (which takes no lock) never runs next to ours.
 */
import { randomUUID } from 'node:crypto';
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { WebClient, LogLevel } from '@slack/web-api';
import type { Logger, StoredInstallation, Store } from '../app/ports.ts';
import { installKeyOf } from '../db/installation-repository.ts';
import type { TokenCipher } from '../security/token-cipher.ts';
import { slackErrorCode } from './web-api.ts';

/** What posting as the bot in one workspace needs. Held in memory only. */
export interface BotCredentials {
  readonly token: string;
  readonly botUserId: string | null;
  readonly botId: string | null;
  /** The team asked about (for an org-wide install, the workspace of the request). */
  readonly teamId: string;
  readonly enterpriseId: string;
  /** Epoch ms; null when the token does not expire. */
  readonly expiresAt: number | null;
  readonly refreshToken: string | null;
  readonly installKey: string;
}

/** Exchanges a refresh token for a new bot token (Slack's oauth.v2.access with grant_type=refresh_token). */
export type TokenRefresher = (refreshToken: string) => Promise<{ token: string; refreshToken: string; expiresAt: number }>;

export interface InstallationStoreOptions {
  /** Names this instance as holder of a refresh lock (default: a random id). */
  readonly owner?: string;
  /** Turns rotation on: tokens are refreshed here, under the database lock. */
  readonly refresh?: TokenRefresher;
  /** Refresh a token this long before it expires (default 2 hours; Slack's rotating tokens live 12). */
  readonly refreshBeforeMs?: number;
  /** How long a refresh lock lasts (default 30 s); also the back-off after a first failed refresh, doubled with each further failure in a row. */
  readonly refreshLockMs?: number;
  /** The longest back-off between failed refreshes of one installation, and the one after a permanent refusal (default 1 hour). */
  readonly refreshBackoffMaxMs?: number;
  /** How long to wait for another instance's refresh when the token in hand has already expired (default 10 s). */
  readonly refreshWaitMs?: number;
  /** How long a workspace's bot token is kept in memory (default 60 s). */
  readonly cacheTtlMs?: number;
  readonly logger?: Logger;
}

export interface WorkspaceRef {
  readonly enterpriseId?: string | null | undefined;
  readonly teamId?: string | null | undefined;
}

export interface MockdesignInstallationStore extends InstallationStore {
  storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void>;
  fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>>;
  deleteInstallation(query: InstallationQuery<boolean>): Promise<void>;
  /** The bot token to post with in a workspace (its own install, else its enterprise's), refreshed if due; undefined when not installed. */
  botFor(workspace: WorkspaceRef): Promise<BotCredentials | undefined>;
  /** Drops what the cache holds for an installation (all of it when no key is given). */
  forget(installKey?: string): void;
}

const HOUR = 3600_000;
const CACHE_MAX = 10_000;

/** Slack token shapes (xoxb-…, xoxp-…, xoxe-…, xoxe.xoxb-…): cut out of any text that might be logged. */
export function redactTokens(text: string): string {
  return text.replace(/\bxox[a-z]*[.-][\w.-]*/gi, 'xox…[redacted]');
}

/**
 * Slack's answers to a refresh that trying again will not change: the refresh token is gone (revoked, the app
 * uninstalled, or a token already used) or the app's credentials are wrong. The error code, else undefined.
 */
const PERMANENT_REFRESH_ERRORS = ['invalid_refresh_token', 'token_revoked', 'token_expired', 'invalid_client_id', 'bad_client_secret', 'invalid_client', 'app_uninstalled', 'account_inactive', 'team_not_found'];
export function permanentRefreshError(reason: string): string | undefined {
  return PERMANENT_REFRESH_ERRORS.find((code) => new RegExp(`(^|[^a-z_])${code}($|[^a-z_])`).test(reason));
}

const reasonOf = (error: unknown) => redactTokens(error instanceof Error ? `${error.name}: ${error.message}` : String(error));

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

/** Sealing contexts: a sealed value opens only in the row and column it was written for. */
const ctx = (installKey: string, column: 'bot_token' | 'bot_refresh_token' | 'installation') => `${installKey}/${column}`;

export function createInstallationStore(store: Store, cipher: TokenCipher, clock: () => number, options: InstallationStoreOptions = {}): MockdesignInstallationStore {
  const repo = store.installations;
  const owner = options.owner ?? `installations-${randomUUID()}`;
  const refreshBeforeMs = options.refreshBeforeMs ?? 2 * HOUR;
  const refreshLockMs = options.refreshLockMs ?? 30_000;
  // One hour at most between tries: from 30 s, doubling reaches it after 8 failures (about 2 hours in all), which
  // rides out a Slack outage of minutes with prompt retries while a token is still valid (refreshes start 2 hours
  // before expiry), and costs Slack one call an hour per broken installation, whatever the number of instances.
  const refreshBackoffMaxMs = Math.max(refreshLockMs, options.refreshBackoffMaxMs ?? HOUR);
  const refreshWaitMs = options.refreshWaitMs ?? 10_000;
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const logger = options.logger;

  const cache = new Map<string, { bot: BotCredentials; until: number }>();
  const lookups = new Map<string, Promise<BotCredentials | undefined>>();
  /** Installations this process is rotating right now (the lock in the database says which instance). */
  const refreshing = new Set<string>();

  function forget(installKey?: string): void {
    if (installKey === undefined) {
      cache.clear();
      return;
    }
    for (const [k, v] of cache) if (v.bot.installKey === installKey) cache.delete(k);
  }

  const due = (row: StoredInstallation) =>
    options.refresh !== undefined && row.botRefreshToken !== null && row.botTokenExpiresAt !== null && row.botTokenExpiresAt - clock() <= refreshBeforeMs;

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  /** The row with a token that is not due for refresh, rotating it under the lock if needed. */
  async function fresh(row: StoredInstallation, mayWait = true): Promise<StoredInstallation | undefined> {
    if (!due(row) || !options.refresh) return row;
    const key = row.installKey;
    if (!(await repo.tryLockRefresh(key, owner, refreshLockMs))) return mayWait ? waitForOther(row) : row;
    let current: StoredInstallation | undefined;
    refreshing.add(key);
    try {
      // Read again under the lock: another instance may have rotated between our read and our lock.
      current = await repo.findByKey(key);
      if (!current || !due(current) || current.botRefreshToken === null) {
        await repo.unlockRefresh(key, owner);
        return current;
      }
      const next = await options.refresh(cipher.open(current.botRefreshToken, ctx(key, 'bot_refresh_token')));
      const tokens = {
        botToken: cipher.seal(next.token, ctx(key, 'bot_token')),
        botRefreshToken: cipher.seal(next.refreshToken, ctx(key, 'bot_refresh_token')),
        botTokenExpiresAt: next.expiresAt,
      };
      const stored = await repo.replaceTokens(key, owner, tokens, clock());
      await repo.unlockRefresh(key, owner);
      forget(key);
      if (!stored) return repo.findByKey(key); // re-installed (or taken over) meanwhile: what is stored wins
      logger?.info('bot token refreshed', { install_key: key, expires_at: next.expiresAt, ...(current.refreshFailures > 0 ? { after_failures: current.refreshFailures } : {}) });
      return { ...current, ...tokens, updatedAt: clock(), refreshOwner: null, refreshUntil: null, refreshFailures: 0, refreshError: null };
    } catch (error) {
      return failed(key, current ?? row, error);
    } finally {
      refreshing.delete(key);
    }
  }

  /**
   * A refresh failed: no instance tries again before a back-off that doubles with each failure in a row (kept in
   * the row, so every instance keeps the pace). The token in hand may still work, and is used while it does.
   * Reported once (a permanent failure at error level, a transient one at warn), then at debug while it lasts.
   */
  async function failed(key: string, row: StoredInstallation, error: unknown): Promise<StoredInstallation | undefined> {
    const reason = reasonOf(error);
    const permanent = permanentRefreshError(reason);
    const failures = row.refreshFailures + 1;
    const kind = permanent ?? 'transient';
    // A permanent refusal waits the longest straight away: only a re-install (which clears the back-off) mends it;
    // the hourly try is for an answer classed permanent by mistake, or an app whose credentials were put right.
    const retryInMs = permanent ? refreshBackoffMaxMs : Math.min(refreshBackoffMaxMs, refreshLockMs * 2 ** Math.min(failures - 1, 30));
    const fields = { install_key: key, reason, failures, retry_in_ms: retryInMs };
    try {
      if (!(await repo.backOffRefresh(key, owner, { failures, error: kind }, retryInMs))) {
        // Re-installed (or taken over) meanwhile: this failure is about tokens that are gone, and what is stored wins.
        logger?.debug('bot token refresh failed, but the installation changed meanwhile', fields);
        forget(key);
        return repo.findByKey(key);
      }
    } catch (backOffError) {
      // The lock then runs out on its own after refreshLockMs, which still paces the next try.
      logger?.error('could not record a failed bot token refresh', { install_key: key }, redactTokens(String(backOffError)));
    }
    const reported = row.refreshError === kind; // the same kind of failure was reported when it began
    if (reported) logger?.debug('bot token refresh failed again', fields);
    else if (permanent) {
      const fix =
        permanent === 'invalid_client_id' || permanent === 'bad_client_secret' || permanent === 'invalid_client'
          ? "check the app's client id and secret (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET), then reinstall the app in that workspace if it still fails"
          : 'reinstall the app in that workspace to give it new tokens';
      logger?.error(`bot token cannot be refreshed (Slack: ${permanent}); the bot stops working in that workspace when its token expires: ${fix}`, {
        ...fields,
        expires_at: row.botTokenExpiresAt,
      });
    } else logger?.warn('bot token refresh failed; it is tried again after a back-off that doubles with each failure', { ...fields, expires_at: row.botTokenExpiresAt });
    return { ...row, refreshOwner: null, refreshUntil: clock() + retryInMs, refreshFailures: failures, refreshError: kind };
  }

  /** Another instance holds the lock, or failed refreshes are backing off: use the token while it lasts, else wait for the new one. */
  async function waitForOther(row: StoredInstallation): Promise<StoredInstallation | undefined> {
    if (row.botTokenExpiresAt === null || row.botTokenExpiresAt > clock()) return row;
    const backingOff = (r: StoredInstallation) => r.refreshOwner === null && (r.refreshUntil ?? 0) > clock();
    // Nobody is refreshing until the back-off ends: there is nothing to wait for (calls fail as the token has expired).
    if (backingOff(row)) return row;
    const until = Date.now() + refreshWaitMs;
    let latest: StoredInstallation | undefined = row;
    while (Date.now() < until) {
      await sleep(Math.min(200, Math.max(10, refreshWaitMs / 20)));
      latest = await repo.findByKey(row.installKey);
      if (!latest || latest.botToken !== row.botToken) return latest;
      // The refresh under way failed and a back-off started: nothing to wait for.
      if (backingOff(latest)) return latest;
      // The holder let go, or its time ran out: try to rotate here (once; no second wait).
      if (latest.refreshOwner === null || (latest.refreshUntil ?? 0) <= clock()) return fresh(latest, false);
    }
    return latest;
  }

  function toBot(row: StoredInstallation, asked: WorkspaceRef): BotCredentials {
    const key = row.installKey;
    return {
      token: cipher.open(row.botToken, ctx(key, 'bot_token')),
      botUserId: row.botUserId,
      botId: row.botId,
      teamId: asked.teamId || row.teamId,
      enterpriseId: row.enterpriseId || asked.enterpriseId || '',
      expiresAt: row.botTokenExpiresAt,
      refreshToken: row.botRefreshToken === null ? null : cipher.open(row.botRefreshToken, ctx(key, 'bot_refresh_token')),
      installKey: key,
    };
  }

  /** Bolt's Installation from a row: the stored JSON with the bot's tokens put back from their columns. */
  function toInstallation(row: StoredInstallation): AnyInstallation {
    const key = row.installKey;
    const installation = JSON.parse(cipher.open(row.installation, ctx(key, 'installation'))) as AnyInstallation;
    if (installation.bot) {
      installation.bot.token = cipher.open(row.botToken, ctx(key, 'bot_token'));
      if (row.botRefreshToken !== null) installation.bot.refreshToken = cipher.open(row.botRefreshToken, ctx(key, 'bot_refresh_token'));
      // Bolt counts expiry in seconds; the column in milliseconds.
      if (row.botTokenExpiresAt !== null) installation.bot.expiresAt = Math.floor(row.botTokenExpiresAt / 1000);
    }
    return installation;
  }

  const sealInstallation = (key: string, installation: AnyInstallation) => {
    // The bot's tokens live in their own columns (rotation replaces them there); the rest goes in one sealed JSON.
    const rest = installation.bot ? { ...installation, bot: { ...installation.bot, token: '', refreshToken: undefined, expiresAt: undefined } } : installation;
    return cipher.seal(JSON.stringify(rest), ctx(key, 'installation'));
  };

  const describe = (q: { enterpriseId?: string | undefined; teamId?: string | undefined; isEnterpriseInstall?: boolean }) =>
    `enterprise_id: ${q.enterpriseId ?? '-'}, team_id: ${q.teamId ?? '-'}, org-wide: ${q.isEnterpriseInstall === true}`;

  async function rowFor(query: InstallationQuery<boolean>): Promise<StoredInstallation | undefined> {
    if (query.isEnterpriseInstall) {
      if (!query.enterpriseId) throw new Error('An org-wide installation is looked up by its enterprise id, and none was given');
      return repo.findByKey(installKeyOf({ enterpriseId: query.enterpriseId, isEnterpriseInstall: true }));
    }
    return repo.findForTeam({ enterpriseId: query.enterpriseId ?? '', teamId: query.teamId ?? '' });
  }

  async function lookup(workspace: WorkspaceRef): Promise<BotCredentials | undefined> {
    const found = await repo.findForTeam({ enterpriseId: workspace.enterpriseId ?? '', teamId: workspace.teamId ?? '' });
    const row = found && (await fresh(found));
    if (!row) return undefined;
    return toBot(row, workspace);
  }

  return {
    async storeInstallation(installation) {
      const isEnterpriseInstall = installation.isEnterpriseInstall === true;
      const enterpriseId = installation.enterprise?.id ?? '';
      const teamId = installation.team?.id ?? '';
      const key = installKeyOf({ enterpriseId, teamId, isEnterpriseInstall });
      const bot = installation.bot;
      if (!bot?.token) throw new Error(`The installation (${describe({ enterpriseId, teamId, isEnterpriseInstall })}) has no bot token: mockdesign posts as its bot and needs the bot scopes`);
      const at = clock();
      await repo.save({
        installKey: key,
        enterpriseId,
        teamId: isEnterpriseInstall ? '' : teamId,
        isEnterpriseInstall,
        appId: installation.appId ?? null,
        botId: bot.id ?? null,
        botUserId: bot.userId ?? null,
        botScopes: bot.scopes?.join(',') ?? null,
        botToken: cipher.seal(bot.token, ctx(key, 'bot_token')),
        botRefreshToken: bot.refreshToken ? cipher.seal(bot.refreshToken, ctx(key, 'bot_refresh_token')) : null,
        botTokenExpiresAt: typeof bot.expiresAt === 'number' ? bot.expiresAt * 1000 : null,
        installation: sealInstallation(key, installation as AnyInstallation),
        installerUserId: installation.user?.id ?? null,
        installedAt: at,
        updatedAt: at,
      });
      forget(key);
      logger?.info('installation stored', { install_key: key, app_id: installation.appId ?? null });
    },

    async fetchInstallation(query) {
      const found = await rowFor(query);
      const row = found && (await fresh(found));
      if (!row) throw new Error(`No installation of mockdesign for ${describe(query)}`);
      const installation = toInstallation(row);
      if (query.userId && installation.user?.id !== query.userId) {
        // Another person's user token is not handed out as if it were theirs.
        installation.user = { ...installation.user, token: undefined, refreshToken: undefined, expiresAt: undefined, scopes: undefined } as AnyInstallation['user'];
      }
      if (options.refresh) {
        // Rotation is ours, under the lock: Bolt must not refresh on its own.
        if (installation.bot) installation.bot = { ...installation.bot, refreshToken: undefined, expiresAt: undefined };
        if (installation.user) installation.user = { ...installation.user, refreshToken: undefined, expiresAt: undefined } as AnyInstallation['user'];
      }
      return installation;
    },

    async deleteInstallation(query) {
      const key = query.isEnterpriseInstall
        ? installKeyOf({ enterpriseId: query.enterpriseId, isEnterpriseInstall: true })
        : installKeyOf({ teamId: query.teamId, isEnterpriseInstall: false });
      forget(key);
      if (query.userId === undefined) {
        await repo.delete(key);
        return;
      }
      // Only that person's user token goes; the bot keeps working.
      const row = await repo.findByKey(key);
      if (!row) return;
      const installation = toInstallation(row);
      if (installation.user?.id !== query.userId) return;
      installation.user = { id: installation.user.id, token: undefined, refreshToken: undefined, expiresAt: undefined, scopes: undefined } as AnyInstallation['user'];
      await repo.updateInstallation(key, sealInstallation(key, installation), clock());
    },

    async botFor(workspace) {
      const lookupKey = `${workspace.enterpriseId ?? ''}/${workspace.teamId ?? ''}`;
      const hit = cache.get(lookupKey);
      if (hit && hit.until > clock()) return hit.bot;
      cache.delete(lookupKey);
      // Posts to a workspace whose entry just expired share one read.
      let pending = lookups.get(lookupKey);
      if (!pending) {
        pending = lookup(workspace).finally(() => lookups.delete(lookupKey));
        lookups.set(lookupKey, pending);
      }
      const bot = await pending;
      if (bot) {
        const now = clock();
        // Never kept past the time it is due for refresh, so a cached token is read again (and rotated) in time.
        const until = Math.min(now + cacheTtlMs, bot.expiresAt === null ? Infinity : bot.expiresAt - refreshBeforeMs);
        if (until > now) {
          if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
          cache.set(lookupKey, { bot, until });
        }
      }
      return bot;
    },

    forget,
  };
}

/** The refresher for Slack's token rotation: oauth.v2.access with grant_type=refresh_token. */
export function slackTokenRefresher(o: { clientId: string; clientSecret: string; slackApiUrl?: string; clock?: () => number; timeoutMs?: number }): TokenRefresher {
  const client = new WebClient(undefined, {
    ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}),
    // One attempt per lock: after a failure the caller backs off (in the database), which paces the next try.
    retryConfig: { retries: 0 },
    timeout: o.timeoutMs ?? 10_000,
    logLevel: LogLevel.ERROR,
  });
  const clock = o.clock ?? Date.now;
  return async (refreshToken) => {
    let response;
    try {
      response = await client.oauth.v2.access({ client_id: o.clientId, client_secret: o.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken });
    } catch (error) {
      // Only Slack's error code (invalid_refresh_token, …) leaves here: never the request, which holds the secrets.
      const code = slackErrorCode(error) ?? (error as { code?: unknown }).code ?? 'unknown_error';
      throw new Error(`Slack refused to refresh the bot token: ${redactTokens(String(code))}`);
    }
    if (!response.access_token || !response.refresh_token || typeof response.expires_in !== 'number') {
      throw new Error('Slack answered the token refresh without access_token, refresh_token and expires_in');
    }
    return { token: response.access_token, refreshToken: response.refresh_token, expiresAt: clock() + response.expires_in * 1000 };
  };
}
