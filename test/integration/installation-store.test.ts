/**
 * Bolt's installation store over the app's database, on SQLite and PostgreSQL: tokens sealed at rest, whole
 * installations round-tripped, org-wide installs, the per-workspace bot token cache, and token rotation under
 * the database lock (one refresh at a time across instances).
 */
import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/app/ports.ts';
import { createStore } from '../../src/db/store.ts';
import { createTokenCipher, parseTokenKey, TokenCipherError, type TokenCipher } from '../../src/security/token-cipher.ts';
import { createInstallationStore, redactTokens, slackTokenRefresher, type TokenRefresher } from '../../src/slack/installation-store.ts';
import { MIN, SEC, STORES, T0, useStore } from './db/stores.ts';

const HOUR = 60 * MIN;
const newCipher = (): TokenCipher => createTokenCipher(parseTokenKey(randomBytes(32).toString('base64')));

const BOT = 'xoxb-1111-2222-botsecretvalue';
const BOT_REFRESH = 'xoxe-1-botrefreshsecretvalue';
const USER = 'xoxp-3333-4444-usersecretvalue';
const USER_REFRESH = 'xoxe-1-userrefreshsecretvalue';
const SECRETS = [BOT, BOT_REFRESH, USER, USER_REFRESH];

/** A complete v2 workspace installation, every field Bolt knows filled in, with token rotation on. */
function teamInstall(overrides: Partial<Installation<'v2', false>> = {}): Installation<'v2', false> {
  return {
    team: { id: 'T1', name: 'Acme' },
    enterprise: undefined,
    user: { token: USER, refreshToken: USER_REFRESH, expiresAt: Math.floor(T0 / 1000) + 12 * 3600, scopes: ['search:read'], id: 'U1' },
    bot: { token: BOT, refreshToken: BOT_REFRESH, expiresAt: Math.floor(T0 / 1000) + 12 * 3600, scopes: ['commands', 'chat:write'], id: 'B1', userId: 'UBOT' },
    incomingWebhook: { url: 'https://hooks.slack.test/services/T1/B1/xyz', channel: '#general', channelId: 'C1', configurationUrl: 'https://acme.slack.test/services/B1' },
    appId: 'A1',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
    metadata: 'from-the-install-page',
    ...overrides,
  };
}

function orgInstall(): Installation<'v2', true> {
  return {
    team: undefined,
    enterprise: { id: 'E1', name: 'Big Org' },
    user: { token: undefined, scopes: undefined, id: 'U9' },
    bot: { token: 'xoxb-9999-org-bot', scopes: ['commands', 'chat:write'], id: 'B9', userId: 'UORGBOT' },
    appId: 'A1',
    enterpriseUrl: 'https://big-org.enterprise.slack.test/',
    tokenType: 'bot',
    isEnterpriseInstall: true,
    authVersion: 'v2',
  };
}

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: object, error?: unknown) => lines.push(JSON.stringify({ level, message, fields, error: String(error ?? '') }));
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe.each(STORES)('$name: installation store', (factory) => {
  const h = useStore(factory);

  it('never writes a token in plaintext: the raw row holds sealed values only', async () => {
    const { store, sql, clock } = h();
    const installations = createInstallationStore(store, newCipher(), clock.now);
    await installations.storeInstallation(teamInstall());
    const row = await sql.get('SELECT * FROM installations');
    expect(row).toMatchObject({ install_key: 'T:T1', team_id: 'T1', enterprise_id: '', bot_user_id: 'UBOT', bot_id: 'B1', app_id: 'A1', bot_scopes: 'commands,chat:write' });
    expect(Number(row?.is_enterprise_install)).toBe(0);
    expect(Number(row?.bot_token_expires_at)).toBe((Math.floor(T0 / 1000) + 12 * 3600) * 1000);
    for (const column of ['bot_token', 'bot_refresh_token', 'installation']) expect(String(row?.[column])).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const raw = JSON.stringify(row);
    for (const secret of SECRETS) expect(raw).not.toContain(secret);
    expect(raw).not.toContain('hooks.slack.test');
  });

  it('round-trips a whole installation, user token included', async () => {
    const { store, clock } = h();
    const installations = createInstallationStore(store, newCipher(), clock.now);
    const original = teamInstall();
    await installations.storeInstallation(structuredClone(original));
    expect(await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).toEqual(original);
    // The installer asking gets their user token; someone else gets the bot, but not another person's token.
    expect((await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, userId: 'U1', isEnterpriseInstall: false })).user.token).toBe(USER);
    const other = await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, userId: 'U2', isEnterpriseInstall: false });
    expect(other.user).toEqual({ id: 'U1' });
    expect(other.bot?.token).toBe(BOT);
    // A token that does not expire stays without expiry.
    const plain = teamInstall({ team: { id: 'T2' }, bot: { token: 'xoxb-2', scopes: ['commands'], id: 'B2', userId: 'UB2' }, user: { token: undefined, scopes: undefined, id: 'U1' } });
    await installations.storeInstallation(structuredClone(plain));
    expect(await installations.fetchInstallation({ teamId: 'T2', enterpriseId: undefined, isEnterpriseInstall: false })).toEqual(plain);
  });

  it('replaces the tokens on a re-install', async () => {
    const { store, clock } = h();
    const installations = createInstallationStore(store, newCipher(), clock.now);
    await installations.storeInstallation(teamInstall());
    clock.advance(MIN);
    await installations.storeInstallation(teamInstall({ bot: { token: 'xoxb-new', scopes: ['commands'], id: 'B1', userId: 'UBOT' }, user: { token: 'xoxp-new', scopes: ['search:read'], id: 'U5' } }));
    const fetched = await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(fetched.bot).toEqual({ token: 'xoxb-new', scopes: ['commands'], id: 'B1', userId: 'UBOT' });
    expect(fetched.user).toEqual({ token: 'xoxp-new', scopes: ['search:read'], id: 'U5' });
    expect(await store.installations.findByKey('T:T1')).toMatchObject({ installerUserId: 'U5', installedAt: T0 + MIN, botRefreshToken: null, botTokenExpiresAt: null });
  });

  it('keys an org-wide install by enterprise, and serves its teams from it', async () => {
    const { store, sql, clock } = h();
    const installations = createInstallationStore(store, newCipher(), clock.now);
    await installations.storeInstallation(orgInstall());
    expect(await sql.get('SELECT install_key, enterprise_id, team_id, is_enterprise_install FROM installations')).toEqual(
      expect.objectContaining({ install_key: 'E:E1', enterprise_id: 'E1', team_id: '' }),
    );
    const expected = orgInstall();
    expect(await installations.fetchInstallation({ enterpriseId: 'E1', teamId: undefined, isEnterpriseInstall: true })).toEqual(expected);
    // An event from a workspace of the org, asked as a team: the org-wide install answers.
    expect(await installations.fetchInstallation({ enterpriseId: 'E1', teamId: 'T7', isEnterpriseInstall: false })).toEqual(expected);
    await expect(installations.fetchInstallation({ enterpriseId: 'E2', teamId: 'T7', isEnterpriseInstall: false })).rejects.toThrow(/No installation of mockdesign for enterprise_id: E2, team_id: T7/);
    await expect(installations.fetchInstallation({ enterpriseId: undefined as unknown as string, teamId: undefined, isEnterpriseInstall: true })).rejects.toThrow(/enterprise id/);
    expect(await installations.botFor({ enterpriseId: 'E1', teamId: 'T7' })).toEqual({
      token: 'xoxb-9999-org-bot',
      botUserId: 'UORGBOT',
      botId: 'B9',
      teamId: 'T7',
      enterpriseId: 'E1',
      expiresAt: null,
      refreshToken: null,
      installKey: 'E:E1',
    });
  });

  it('cannot open the rows with another key, and says so without a token; a previous key still opens them', async () => {
    const { store, clock } = h();
    const oldKey = parseTokenKey(randomBytes(32).toString('hex'));
    await createInstallationStore(store, createTokenCipher(oldKey), clock.now).storeInstallation(teamInstall());
    const wrong = createInstallationStore(store, newCipher(), clock.now);
    const error = await wrong.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenCipherError);
    for (const secret of SECRETS) expect(String((error as Error).stack)).not.toContain(secret);
    await expect(wrong.botFor({ teamId: 'T1' })).rejects.toThrow(TokenCipherError);
    const rotated = createInstallationStore(store, createTokenCipher(parseTokenKey(randomBytes(32).toString('base64')), [oldKey]), clock.now);
    expect((await rotated.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).user.token).toBe(USER);
  });

  it('a sealed value moved to another row does not open there', async () => {
    const { store, sql, clock } = h();
    const installations = createInstallationStore(store, newCipher(), clock.now);
    await installations.storeInstallation(teamInstall());
    await installations.storeInstallation(teamInstall({ team: { id: 'T2' }, bot: { token: 'xoxb-t2', scopes: ['commands'], id: 'B2', userId: 'UB2' } }));
    await sql.run("UPDATE installations SET bot_token = (SELECT bot_token FROM installations WHERE install_key = 'T:T1') WHERE install_key = 'T:T2'");
    await expect(installations.botFor({ teamId: 'T2' })).rejects.toThrow(TokenCipherError);
  });

  it('deletes an installation, or only the user token of the person named', async () => {
    const { store, clock } = h();
    const installations = createInstallationStore(store, newCipher(), clock.now);
    await installations.storeInstallation(teamInstall());
    await installations.storeInstallation(orgInstall());
    await installations.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, userId: 'U7', isEnterpriseInstall: false });
    expect((await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).user.token).toBe(USER);
    await installations.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, userId: 'U1', isEnterpriseInstall: false });
    const left = await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(left.user).toEqual({ id: 'U1' });
    expect(left.bot?.token).toBe(BOT);
    expect(left.incomingWebhook).toEqual(teamInstall().incomingWebhook);
    await installations.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    await expect(installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/No installation/);
    expect(await installations.botFor({ teamId: 'T1' })).toBeUndefined();
    await installations.deleteInstallation({ enterpriseId: 'E1', teamId: undefined, isEnterpriseInstall: true });
    expect(await installations.botFor({ enterpriseId: 'E1', teamId: 'T7' })).toBeUndefined();
    expect(await store.installations.findByKey('E:E1')).toBeUndefined();
  });

  it('refuses an installation without a bot token', async () => {
    const { store, clock } = h();
    const installations = createInstallationStore(store, newCipher(), clock.now);
    const { bot: _bot, ...userOnly } = teamInstall();
    await expect(installations.storeInstallation(userOnly)).rejects.toThrow(/no bot token/);
    expect(await store.installations.findByKey('T:T1')).toBeUndefined();
  });

  it('keeps bot tokens in memory for a while, forgets them on request, on re-install and on delete', async () => {
    const { store, sql, clock } = h();
    const installations = createInstallationStore(store, newCipher(), clock.now, { cacheTtlMs: 60 * SEC });
    await installations.storeInstallation(teamInstall({ bot: { token: BOT, scopes: ['commands'], id: 'B1', userId: 'UBOT' } }));
    const read = vi.spyOn(store.installations, 'findForTeam');
    expect(await installations.botFor({ teamId: 'T1' })).toMatchObject({ token: BOT, installKey: 'T:T1', teamId: 'T1', enterpriseId: '' });
    await Promise.all([installations.botFor({ teamId: 'T1' }), installations.botFor({ teamId: 'T1' })]);
    expect(read).toHaveBeenCalledTimes(1);
    clock.advance(61 * SEC);
    await installations.botFor({ teamId: 'T1' });
    expect(read).toHaveBeenCalledTimes(2);
    // Deleted behind its back (another instance): the cache answers until forgotten.
    await sql.run('DELETE FROM installations');
    expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
    installations.forget('T:T1');
    expect(await installations.botFor({ teamId: 'T1' })).toBeUndefined();
    // Storing (a re-install) forgets what was cached.
    await installations.storeInstallation(teamInstall({ bot: { token: 'xoxb-first', scopes: ['commands'], id: 'B1', userId: 'UBOT' } }));
    expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe('xoxb-first');
    await installations.storeInstallation(teamInstall({ bot: { token: 'xoxb-second', scopes: ['commands'], id: 'B1', userId: 'UBOT' } }));
    expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe('xoxb-second');
    await installations.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(await installations.botFor({ teamId: 'T1' })).toBeUndefined();
  });

  describe('token rotation', () => {
    /** A refresher that counts its calls and hands out numbered tokens, 12 hours each; `failWith` makes it throw that message. */
    function fakeSlack(clock: () => number, options: { delayMs?: number; fail?: boolean } = {}) {
      const calls: string[] = [];
      let failure: string | null = options.fail ? 'invalid_refresh_token' : null;
      const refresh: TokenRefresher = async (refreshToken) => {
        calls.push(refreshToken);
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        if (failure !== null) throw new Error(`${failure} for ${refreshToken}`);
        return { token: `xoxb-rotated-${calls.length}`, refreshToken: `xoxe-1-rotated-${calls.length}`, expiresAt: clock() + 12 * HOUR };
      };
      return {
        calls,
        refresh,
        failWith(message: string | null) {
          failure = message;
        },
      };
    }

    const levels = (logger: { lines: string[] }, level: string, text: string) => logger.lines.filter((l) => l.includes(`"level":"${level}"`) && l.includes(text));

    const expiringIn = (ms: number) => teamInstall({ bot: { token: BOT, refreshToken: BOT_REFRESH, expiresAt: Math.floor((T0 + ms) / 1000), scopes: ['commands'], id: 'B1', userId: 'UBOT' } });

    it('refreshes a token due within the window, stores it sealed, and hands Bolt no refresh token', async () => {
      const { store, sql, clock } = h();
      const slack = fakeSlack(clock.now);
      const logger = captureLogger();
      const installations = createInstallationStore(store, newCipher(), clock.now, { refresh: slack.refresh, refreshBeforeMs: 2 * HOUR, logger });
      await installations.storeInstallation(expiringIn(3 * HOUR));
      // Not due yet: no refresh, and Bolt sees neither refresh token nor expiry (it must not rotate by itself).
      const early = await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
      expect(slack.calls).toEqual([]);
      expect(early.bot).toEqual({ token: BOT, scopes: ['commands'], id: 'B1', userId: 'UBOT' });
      expect(early.user.refreshToken).toBeUndefined();
      expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
      clock.advance(HOUR + MIN);
      expect(await installations.botFor({ teamId: 'T1' })).toMatchObject({ token: 'xoxb-rotated-1', refreshToken: 'xoxe-1-rotated-1', expiresAt: clock.now() + 12 * HOUR });
      expect(slack.calls).toEqual([BOT_REFRESH]);
      expect((await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxb-rotated-1');
      expect(slack.calls).toHaveLength(1);
      const row = await sql.get('SELECT * FROM installations');
      expect(row).toMatchObject({ refresh_owner: null, refresh_until: null });
      expect(JSON.stringify(row)).not.toContain('rotated');
      expect(logger.lines.some((l) => l.includes('bot token refreshed'))).toBe(true);
      for (const line of logger.lines) for (const secret of [...SECRETS, 'xoxb-rotated-1', 'xoxe-1-rotated-1']) expect(line).not.toContain(secret);
    });

    it('two instances due at once refresh once: the other keeps using the token it has', async () => {
      const { store, sql, clock } = h();
      const cipher = newCipher();
      const slack = fakeSlack(clock.now, { delayMs: 100 });
      await createInstallationStore(store, cipher, clock.now).storeInstallation(expiringIn(HOUR));
      const a = createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner: 'A', refresh: slack.refresh });
      const b = createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner: 'B', refresh: slack.refresh });
      const got = await Promise.all([a.botFor({ teamId: 'T1' }), b.botFor({ teamId: 'T1' }), a.botFor({ teamId: 'T2' })]);
      expect(slack.calls).toEqual([BOT_REFRESH]);
      expect(new Set(got.slice(0, 2).map((x) => x?.token))).toEqual(new Set([BOT, 'xoxb-rotated-1']));
      expect(got[2]).toBeUndefined();
      b.forget();
      expect((await b.botFor({ teamId: 'T1' }))?.token).toBe('xoxb-rotated-1');
      expect(slack.calls).toHaveLength(1);
    });

    it('an instance whose token has expired waits for the refresh under way, then uses the new token', async () => {
      const { store, sql, clock } = h();
      const cipher = newCipher();
      const slack = fakeSlack(clock.now, { delayMs: 300 });
      await createInstallationStore(store, cipher, clock.now).storeInstallation(expiringIn(-MIN));
      const a = createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner: 'A', refresh: slack.refresh });
      const b = createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner: 'B', refresh: slack.refresh, refreshWaitMs: 5000 });
      const first = a.botFor({ teamId: 'T1' });
      await vi.waitFor(async () => expect((await store.installations.findByKey('T:T1'))?.refreshOwner).toBe('A'));
      expect((await b.botFor({ teamId: 'T1' }))?.token).toBe('xoxb-rotated-1');
      expect((await first)?.token).toBe('xoxb-rotated-1');
      expect(slack.calls).toHaveLength(1);
    });

    it('after a failed refresh a back-off paces the next attempt, the token in hand is still used, and nothing secret is logged', async () => {
      const { store, clock } = h();
      const broken = fakeSlack(clock.now);
      broken.failWith('Slack unavailable');
      const logger = captureLogger();
      const installations = createInstallationStore(store, newCipher(), clock.now, { owner: 'A', refresh: broken.refresh, refreshLockMs: 30 * SEC, logger });
      await installations.storeInstallation(expiringIn(HOUR));
      expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
      expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
      expect(broken.calls).toHaveLength(1);
      // Nobody holds the lock: a back-off keeps every instance from refreshing until then.
      expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: null, refreshUntil: T0 + 30 * SEC, refreshFailures: 1, refreshError: 'transient' });
      clock.advance(30 * SEC);
      await installations.botFor({ teamId: 'T1' });
      expect(broken.calls).toHaveLength(2);
      expect(levels(logger, 'warn', 'refresh failed')).toHaveLength(1);
      expect(levels(logger, 'debug', 'refresh failed again')).toHaveLength(1);
      for (const line of logger.lines) for (const secret of SECRETS) expect(line).not.toContain(secret);
      expect(logger.lines.join('\n')).toContain('xox…[redacted]');
    });

    /** An installation whose token expires within the hour, and a Slack that refuses to refresh it (for now). */
    async function refreshFailing() {
      const { store, sql, clock } = h();
      const cipher = newCipher();
      const slack = fakeSlack(clock.now);
      slack.failWith('Error: Slack refused to refresh the bot token: slack_webapi_request_error');
      const logger = captureLogger();
      await createInstallationStore(store, cipher, clock.now).storeInstallation(expiringIn(HOUR));
      return { store, sql, clock, cipher, slack, logger };
    }

    it('failures in a row back off, doubling up to an hour, across instances; reported once at warn; a success starts over', async () => {
      const { store, sql, clock, cipher, slack, logger } = await refreshFailing();
      const instances = ['A', 'B'].map((owner) => createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner, refresh: slack.refresh, logger }));
      const waits = [30 * SEC, MIN, 2 * MIN, 4 * MIN, 8 * MIN, 16 * MIN, 32 * MIN, HOUR, HOUR, HOUR];
      for (const [i, wait] of waits.entries()) {
        const failedAt = clock.now();
        // The instances take turns: the pace is kept in the row, not in either of them.
        expect((await instances[i % 2]!.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
        expect(slack.calls).toHaveLength(i + 1);
        expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: null, refreshUntil: failedAt + wait, refreshFailures: i + 1 });
        clock.advance(wait - 1);
        // Before the back-off ends nobody tries, even once the token has expired (it is still handed out; calls fail).
        expect((await instances[(i + 1) % 2]!.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
        expect(slack.calls).toHaveLength(i + 1);
        clock.advance(1);
      }
      expect(levels(logger, 'warn', 'refresh failed')).toHaveLength(1);
      expect(levels(logger, 'warn', 'refresh failed')[0]).toContain('"install_key":"T:T1"');
      expect(levels(logger, 'debug', 'refresh failed again')).toHaveLength(waits.length - 1);
      expect(levels(logger, 'error', '')).toHaveLength(0);

      // Slack answers again: the token is rotated, and the count starts over.
      slack.failWith(null);
      expect((await instances[0]!.botFor({ teamId: 'T1' }))?.token).toBe(`xoxb-rotated-${waits.length + 1}`);
      expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: null, refreshUntil: null, refreshFailures: 0, refreshError: null });
      expect(levels(logger, 'info', 'bot token refreshed')[0]).toContain(`"after_failures":${waits.length}`);
      clock.advance(10 * HOUR + MIN);
      slack.failWith('Slack unavailable');
      instances[1]!.forget();
      const failedAt = clock.now();
      await instances[1]!.botFor({ teamId: 'T1' });
      expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshUntil: failedAt + 30 * SEC, refreshFailures: 1 });
      expect(levels(logger, 'warn', 'refresh failed')).toHaveLength(2);
    });

    it('a permanent refusal is logged once at error level with the install key and what to do; a re-install starts over', async () => {
      const { store, sql, clock, cipher, slack, logger } = await refreshFailing();
      const a = createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner: 'A', refresh: slack.refresh, logger });
      const b = createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner: 'B', refresh: slack.refresh, logger });
      await a.botFor({ teamId: 'T1' });
      clock.advance(30 * SEC);
      // A transient failure first, then Slack's permanent answer: that one is reported, at error level.
      slack.failWith('Error: Slack refused to refresh the bot token: invalid_refresh_token');
      const refusedAt = clock.now();
      expect((await b.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
      expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: null, refreshUntil: refusedAt + HOUR, refreshFailures: 2, refreshError: 'invalid_refresh_token' });
      const errors = levels(logger, 'error', 'cannot be refreshed');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('"install_key":"T:T1"');
      expect(errors[0]).toContain('invalid_refresh_token');
      expect(errors[0]).toContain('reinstall the app in that workspace');
      // Tried again only hourly, and not reported again.
      clock.advance(HOUR - 1);
      await a.botFor({ teamId: 'T1' });
      expect(slack.calls).toHaveLength(2);
      clock.advance(1);
      await a.botFor({ teamId: 'T1' });
      await b.botFor({ teamId: 'T1' });
      expect(slack.calls).toHaveLength(3);
      expect(levels(logger, 'error', '')).toHaveLength(1);
      expect(levels(logger, 'warn', 'refresh failed')).toHaveLength(1);
      for (const line of logger.lines) for (const secret of SECRETS) expect(line).not.toContain(secret);

      // A re-install brings new tokens and clears the back-off: the next refresh is not held back.
      await createInstallationStore(store, cipher, clock.now).storeInstallation(
        teamInstall({ bot: { token: 'xoxb-reinstalled', refreshToken: 'xoxe-1-reinstalled', expiresAt: Math.floor((clock.now() + HOUR) / 1000), scopes: ['commands'], id: 'B1', userId: 'UBOT' } }),
      );
      expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshUntil: null, refreshFailures: 0, refreshError: null });
      slack.failWith(null);
      a.forget();
      expect((await a.botFor({ teamId: 'T1' }))?.token).toBe('xoxb-rotated-4');
      expect(slack.calls.at(-1)).toBe('xoxe-1-reinstalled');
    });

    it("an instance whose token has expired does not wait while another's failed refresh backs off", async () => {
      const { store, sql, clock } = h();
      const cipher = newCipher();
      const slack = fakeSlack(clock.now);
      slack.failWith('Slack unavailable');
      await createInstallationStore(store, cipher, clock.now).storeInstallation(expiringIn(-MIN));
      const a = createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner: 'A', refresh: slack.refresh });
      const b = createInstallationStore(createStore(sql, clock.now), cipher, clock.now, { owner: 'B', refresh: slack.refresh, refreshWaitMs: 5000 });
      expect((await a.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
      const started = Date.now();
      expect((await b.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(slack.calls).toHaveLength(1);
    });

    it('does not stall on its own failed refresh once the token has expired', async () => {
      const { store, clock } = h();
      const broken = fakeSlack(clock.now, { fail: true });
      const installations = createInstallationStore(store, newCipher(), clock.now, { owner: 'A', refresh: broken.refresh, refreshWaitMs: 10_000 });
      await installations.storeInstallation(expiringIn(-MIN));
      expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
      const started = Date.now();
      expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe(BOT);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(broken.calls).toHaveLength(1);
    });

    it('a re-install during a refresh wins over the refreshed tokens', async () => {
      const { store, clock } = h();
      const cipher = newCipher();
      let reinstall: Promise<void> | undefined;
      const installations = createInstallationStore(store, cipher, clock.now, {
        refresh: async () => {
          reinstall = createInstallationStore(store, cipher, clock.now).storeInstallation(teamInstall({ bot: { token: 'xoxb-reinstalled', scopes: ['commands'], id: 'B1', userId: 'UBOT' } }));
          await reinstall;
          return { token: 'xoxb-rotated-stale', refreshToken: 'xoxe-stale', expiresAt: clock.now() + 12 * HOUR };
        },
      });
      await installations.storeInstallation(expiringIn(HOUR));
      expect((await installations.botFor({ teamId: 'T1' }))?.token).toBe('xoxb-reinstalled');
      expect((await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxb-reinstalled');
    });
  });
});

describe('slackTokenRefresher', () => {
  it('exchanges a refresh token with oauth.v2.access and reports only the error code on failure', async () => {
    const api = nock('https://slack.test')
      .post('/api/oauth.v2.access', (body: Record<string, string>) => body.grant_type === 'refresh_token' && body.refresh_token === 'xoxe-1-old' && body.client_id === 'cid')
      .reply(200, { ok: true, access_token: 'xoxe.xoxb-1-new', refresh_token: 'xoxe-1-next', expires_in: 43_200, token_type: 'bot' })
      .post('/api/oauth.v2.access')
      .reply(200, { ok: false, error: 'invalid_refresh_token' });
    const refresh = slackTokenRefresher({ clientId: 'cid', clientSecret: 'csecret', slackApiUrl: 'https://slack.test/api/', clock: () => T0 });
    expect(await refresh('xoxe-1-old')).toEqual({ token: 'xoxe.xoxb-1-new', refreshToken: 'xoxe-1-next', expiresAt: T0 + 43_200_000 });
    const error = await refresh('xoxe-1-secret-refresh').then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toBe('Slack refused to refresh the bot token: invalid_refresh_token');
    expect(String(error.stack)).not.toContain('xoxe-1-secret-refresh');
    expect(String(error.stack)).not.toContain('csecret');
    expect(api.isDone()).toBe(true);
  });

  it('redacts every Slack token shape from text', () => {
    expect(redactTokens('a xoxb-1-2-abc b xoxe.xoxb-1-abc c xoxe-1-abc d xoxp-9 e xapp-1')).toBe('a xox…[redacted] b xox…[redacted] c xox…[redacted] d xox…[redacted] e xapp-1');
  });
});
