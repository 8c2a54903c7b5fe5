/**
 * Installed in many workspaces, across time and across processes: real app processes in OAuth mode against the
 * Slack stand-in.
 * - Token rotation wired end to end: Slack hands out tokens that expire shortly after the app's refresh window
 *   opens, so the app must refresh one mid-session, store the new one sealed, and post with it from then on.
 * - Two instances on one PostgreSQL database: one finishes (through the state and its cookie) an install the other
 *   started, and the other then serves that workspace with the installed token, as behind a load balancer.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackStandIn, type RecordedCall, type SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { createTokenCipher, parseTokenKey } from '../../src/security/token-cipher.ts';
import { type AppProcess, freePort, killAllApps, randomSigningSecret, startApp } from '../support/app-process.ts';
import { openInstallPage } from '../support/install-page.ts';
import { until } from '../support/until.ts';
import { describePg, withPgDatabase } from '../support/pg.ts';

const CLIENT_ID = '4444444444.5555555555';
const TEAM = 'T0ACME';
const HOST = 'U0ACMEANN';
const CHANNEL = 'C0ACMEGENERAL';
/** How long before expiry the app refreshes a bot token (README, "Token rotation": two hours). */
const REFRESH_BEFORE_S = 2 * 3600;

afterEach(async () => {
  // Whatever a test started, it ends, passed or failed.
  await killAllApps();
});

function secrets() {
  return { clientSecret: randomBytes(16).toString('hex'), tokenKey: randomBytes(32).toString('base64'), stateSecret: randomBytes(16).toString('hex') };
}

function newStandIn(): SlackStandIn {
  const slack = createSlackStandIn();
  slack.addWorkspace({
    teamId: TEAM,
    teamName: 'Acme',
    installed: false,
    users: [{ id: HOST, name: 'ann' }],
    channels: [{ id: CHANNEL, name: 'general', members: [HOST], botIsMember: true }],
  });
  return slack;
}

/** The person clicks Allow: the URL Slack sends the browser back to, with a one-time code and the state. */
function allow(slack: SlackStandIn, authorize: URL, teamId: string): URL {
  return new URL(
    slack.authorize({
      clientId: authorize.searchParams.get('client_id') ?? '',
      scopes: authorize.searchParams.get('scope') ?? '',
      state: authorize.searchParams.get('state') ?? '',
      redirectUri: authorize.searchParams.get('redirect_uri') ?? '',
      teamId,
    }),
  );
}

function start(app: AppProcess, text: string) {
  return app.client.slashCommand({ command: '/mockdesign', text, user_id: HOST, channel_id: CHANNEL, team_id: TEAM });
}

const ephemeralText = (response: { json: unknown }) => String((response.json as { text?: string } | undefined)?.text ?? '');

/** The session's messages in the channel (new ones and edits), as Slack received them. */
const channelPosts = (calls: readonly RecordedCall[]) =>
  calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.params.channel === CHANNEL);

interface TokenColumns {
  bot_token: string;
  bot_refresh_token: string | null;
  bot_token_expires_at: number | null;
}

describe('token rotation', () => {
  it('refreshes a bot token that is due during a session, stores the new one sealed, and posts with it from then on', async () => {
    const { clientSecret, tokenKey, stateSecret } = secrets();
    // The stand-in's tokens live a few seconds longer than the app's refresh window, so each is due soon after
    // it is issued: the first one while the session's first phase runs.
    const marginS = 8;
    const slack = newStandIn();
    await slack.start();
    try {
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      slack.oauthApp = {
        ...slack.oauthApp,
        clientId: CLIENT_ID,
        clientSecret,
        redirectUris: [`${publicUrl}/slack/oauth_redirect`],
        tokenRotation: true,
        tokenTtlSeconds: REFRESH_BEFORE_S + marginS,
      };
      const signingSecret = randomSigningSecret();
      const app = await startApp({
        port,
        signingSecret,
        slackApiUrl: slack.apiUrl,
        env: { SLACK_CLIENT_ID: CLIENT_ID, SLACK_CLIENT_SECRET: clientSecret, SLACK_STATE_SECRET: stateSecret, SLACK_TOKEN_KEY: tokenKey, PUBLIC_URL: publicUrl },
        readyTimeoutMs: 60_000,
      });
      slack.eventDelivery = { url: app.eventsUrl, signingSecret };
      const stored = (): TokenColumns | undefined => {
        const db = new Database(app.dbPath, { readonly: true, fileMustExist: true });
        try {
          return db.prepare('SELECT bot_token, bot_refresh_token, bot_token_expires_at FROM installations WHERE install_key = ?').get(`T:${TEAM}`) as TokenColumns | undefined;
        } finally {
          db.close();
        }
      };
      // A sealed value opens only for the row and column it was written for.
      const cipher = createTokenCipher(parseTokenKey(tokenKey));
      const openBotToken = (row: TokenColumns) => cipher.open(row.bot_token, `T:${TEAM}/bot_token`);

      const { cookie, authorize } = await openInstallPage(app.url);
      const landed = await fetch(allow(slack, authorize, TEAM), { headers: { cookie } });
      expect(landed.status).toBe(200);
      const first = slack.botTokenFor(TEAM) ?? '';
      expect(first).toMatch(/^xoxe\.xoxb-/);
      const firstId = slack.tokenInfo(first)?.id;
      const installed = stored();
      if (!installed) throw new Error('the installation was not stored');
      expect(installed.bot_refresh_token).not.toBeNull();
      expect(openBotToken(installed)).toBe(first);

      expect(ephemeralText(await start(app, 'start Design a paste bin --plan 15s/1h/1h/1h'))).toMatch(/Starting/);
      const isRefresh = (c: RecordedCall) => c.method === 'oauth.v2.access' && c.params.grant_type === 'refresh_token';
      // Phase 2 falls due after the first token's refresh window opened.
      await until('phase 2 in the thread', () => slack.allMessages().some((m) => m.channel === CHANNEL && m.thread_ts && m.text.includes('Phase 2 of 4')), 60_000);
      const refreshAt = slack.calls.findIndex(isRefresh);
      expect(refreshAt).toBeGreaterThanOrEqual(0);
      expect(slack.calls.filter(isRefresh).every((c) => c.ok)).toBe(true);

      // The database holds the token Slack handed out last, sealed, with its later expiry; the first is gone from it.
      const rotated = await until('the newest token to be the one stored', () => {
        const row = stored();
        return row && openBotToken(row) === slack.botTokenFor(TEAM) && row;
      });
      expect(rotated.bot_token).not.toBe(installed.bot_token);
      expect(openBotToken(rotated)).not.toBe(first);
      expect(rotated.bot_refresh_token).not.toBe(installed.bot_refresh_token);
      expect(rotated.bot_token_expires_at ?? 0).toBeGreaterThan(installed.bot_token_expires_at ?? 0);

      // Every message before the first refresh went out with the installed token, every one after with a newer one.
      const before = channelPosts(slack.calls.slice(0, refreshAt));
      const after = channelPosts(slack.calls.slice(refreshAt + 1));
      expect(before.every((c) => c.ok && c.auth?.tokenId === firstId)).toBe(true);
      expect(after.length).toBeGreaterThan(0);
      expect(after.map((c) => [c.ok, c.auth?.teamId, c.auth?.tokenId === firstId])).toEqual(after.map(() => [true, TEAM, false]));
      const phase2 = after.find((c) => c.method === 'chat.postMessage' && String(c.params.text ?? '').includes('Phase 2 of 4'));
      expect(phase2?.auth?.tokenId).toBeDefined();
      expect(phase2?.auth?.tokenId).not.toBe(firstId);

      await until('the refresh in the log', () => app.logs().some((l) => l.msg === 'bot token refreshed' && l.install_key === `T:${TEAM}`));
      const output = [...app.stdout, ...app.stderr].join('\n');
      expect(output).not.toContain(first);
      expect(output).not.toContain(openBotToken(rotated));
      expect(await app.stop()).toBe(0);
    } finally {
      await killAllApps();
      await slack.stop();
    }
  }, 120_000);
});

describePg('two instances on one PostgreSQL database', () => {
  it('one finishes an install the other started, and the other then posts for that workspace with its token', async () => {
    const { clientSecret, tokenKey, stateSecret } = secrets();
    // Both sit behind one address (a load balancer); the test plays it, sending each request to the instance it picks.
    const publicUrl = 'https://mockdesign.test';
    const database = await withPgDatabase();
    const slack = newStandIn();
    await slack.start();
    const db = new pg.Client({ connectionString: database.url });
    try {
      slack.oauthApp = { ...slack.oauthApp, clientId: CLIENT_ID, clientSecret, redirectUris: [`${publicUrl}/slack/oauth_redirect`] };
      const signingSecret = randomSigningSecret();
      const env = { DATABASE_URL: database.url, SLACK_CLIENT_ID: CLIENT_ID, SLACK_CLIENT_SECRET: clientSecret, SLACK_STATE_SECRET: stateSecret, SLACK_TOKEN_KEY: tokenKey, PUBLIC_URL: publicUrl };
      // One after the other: the first applies the migrations, the second finds nothing to do.
      const a = await startApp({ signingSecret, slackApiUrl: slack.apiUrl, env, readyTimeoutMs: 60_000 });
      const b = await startApp({ signingSecret, slackApiUrl: slack.apiUrl, env, readyTimeoutMs: 60_000 });

      // Before the install, A answers the workspace with the install link (and must not remember that answer).
      expect(ephemeralText(await start(a, 'start Too early'))).toContain("isn't installed in this workspace");

      const { cookie, authorize } = await openInstallPage(a.url);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${publicUrl}/slack/oauth_redirect`);
      const back = allow(slack, authorize, TEAM);
      const landed = await fetch(`${b.url}${back.pathname}${back.search}`, { headers: { cookie } });
      expect(landed.status).toBe(200);
      expect(await landed.text()).toContain('mockdesign is installed in Acme');
      // A log line is written at the end of the turn that logged it, so it may follow the answer.
      await until('B logs the install', () => b.logs().some((l) => l.msg === 'installed' && l.team === TEAM));
      expect(a.logs().some((l) => l.msg === 'installed')).toBe(false);
      await db.connect();
      const { rows } = await db.query<{ install_key: string; bot_token: string }>('SELECT install_key, bot_token FROM installations');
      expect(rows.map((r) => r.install_key)).toEqual([`T:${TEAM}`]);
      const token = slack.botTokenFor(TEAM) ?? '';
      expect(token).toMatch(/^xoxb-/);
      expect(rows[0]?.bot_token).not.toContain(token);

      expect(ephemeralText(await start(a, 'start Design a paste bin --plan 1h/1h/1h/1h'))).toMatch(/Starting/);
      const root = await until('the session message', () =>
        slack.calls.find((c) => c.method === 'chat.postMessage' && c.params.channel === CHANNEL && !c.params.thread_ts && c.ok),
      );
      expect(root.auth?.tokenId).toBe(slack.tokenInfo(token)?.id);
      expect(root.auth?.teamId).toBe(TEAM);
      const { rows: sessions } = await db.query<{ team_id: string }>('SELECT team_id FROM sessions');
      expect(sessions).toHaveLength(1);
      expect(sessions[0]?.team_id).toBe(TEAM);
      expect(await a.stop()).toBe(0);
      expect(await b.stop()).toBe(0);
    } finally {
      await db.end().catch(() => undefined);
      await killAllApps();
      await slack.stop();
      await database.drop();
    }
  }, 120_000);
});
