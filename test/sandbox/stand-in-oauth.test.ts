/**
 * The stand-in's workspaces, OAuth v2 and installation lifecycle, over real HTTP: the authorize page, oauth.v2.access
 * (codes, client authentication, token rotation), tokens scoped to their workspace, Enterprise org-wide installs,
 * shared channels, and the app_uninstalled / tokens_revoked envelopes delivered signed to an app's Request URL.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstallProvider } from '@slack/oauth';
import type { Installation, InstallationQuery } from '@slack/oauth';
import { LogLevel, WebClient } from '@slack/web-api';
import type { Logger } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { slackSignature } from '../../sandbox/signed-client.ts';
import { createSlackStandIn, OAuthError } from '../../sandbox/stand-in/server.ts';
import type { SlackStandIn } from '../../sandbox/stand-in/server.ts';

const CLIENT_ID = '4242424242.1313131313';
const CLIENT_SECRET = 'not-so-secret-0123456789abcdef';
const REDIRECT = 'http://127.0.0.1:9/slack/oauth_redirect';
const SCOPES = ['commands', 'chat:write', 'chat:write.public', 'channels:read', 'channels:history', 'users:read'];
const MIN = 60_000;

const quiet: Logger = {
  debug: () => {}, info: () => {}, warn: () => {}, error: () => {},
  setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {},
};

let clock = 1_700_000_000_000;
let slack: SlackStandIn;

function client(token?: string): WebClient {
  return new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
}

/** The Slack error code a refused call carries. */
async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return (err as { data?: { error?: string } }).data?.error ?? String(err);
  }
  throw new Error('expected the call to be refused');
}

/** oauth.v2.access over plain HTTP (form body), the way an app without an SDK calls it. */
async function access(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${slack.apiUrl}oauth.v2.access`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const codeOf = (redirectUrl: string) => new URL(redirectUrl).searchParams.get('code') ?? '';

/** Installs through the authorize step and oauth.v2.access with the client's credentials as parameters. */
async function installWorkspace(teamId: string, extra: { userScopes?: string[] } = {}): Promise<Record<string, unknown>> {
  const code = codeOf(slack.authorize({ clientId: CLIENT_ID, teamId, scopes: SCOPES, state: 's', redirectUri: REDIRECT, ...extra }));
  return access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT });
}

beforeEach(async () => {
  clock = 1_700_000_000_000;
  slack = createSlackStandIn({
    now: () => clock,
    oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: ['http://127.0.0.1:9/slack/oauth_redirect'] },
    workspaces: [
      { teamId: 'T0ACME', teamName: 'Acme', users: [{ id: 'U0ANN', name: 'ann' }, { id: 'U0ARI', name: 'ari' }], installed: false },
      { teamId: 'T0BETA', teamName: 'Beta', users: [{ id: 'U0BEN', name: 'ben' }], installed: false },
    ],
  });
  await slack.start();
});

afterEach(async () => {
  await slack.stop();
});

describe('the authorize page', () => {
  it('asks for the workspace and scopes, and Allow redirects to redirect_uri with a one-time code and the state', async () => {
    const state = 'st<ate>"&\'';
    const query = new URLSearchParams({ client_id: CLIENT_ID, scope: SCOPES.join(','), redirect_uri: REDIRECT, state, team: 'T0ACME' });
    const page = await fetch(`${slack.authorizeUrl}?${query.toString()}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('the Acme workspace');
    expect(html).toContain('<code>chat:write.public</code>');
    expect(html).not.toContain(state);
    const allow = /href="([^"]*\/allow\?[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    expect(allow).toBeDefined();

    const redirect = await fetch(new URL(allow ?? '', slack.url), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('code')).toMatch(/^\d{10}\.\d{13}\.[0-9a-f]{64}$/);
    // The page's Allow link is good once.
    expect((await fetch(new URL(allow ?? '', slack.url), { redirect: 'manual' })).status).toBe(400);

    const answer = await access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: location.searchParams.get('code') ?? '', redirect_uri: REDIRECT });
    expect(answer).toMatchObject({ ok: true, team: { id: 'T0ACME', name: 'Acme' }, authed_user: { id: 'U0ANN' } });
  });

  it('offers every workspace (and an org-wide install) when no team is named; Cancel redirects with access_denied', async () => {
    slack.addWorkspace({ teamId: 'T0GRID1', teamName: 'Grid One', enterpriseId: 'E0GRID', enterpriseName: 'Grid Org' });
    const query = new URLSearchParams({ client_id: CLIENT_ID, scope: 'commands', redirect_uri: REDIRECT, state: 'abc' });
    const html = await (await fetch(`${slack.authorizeUrl}?${query.toString()}`)).text();
    for (const label of ['the Sandbox workspace', 'the Acme workspace', 'the Beta workspace', 'the Grid One workspace', 'the Grid Org organization']) {
      expect(html).toContain(label);
    }
    const cancel = /href="([^"]*\/deny\?[^"]*)"/.exec(html)?.[1] ?? '';
    const res = await fetch(new URL(cancel, slack.url), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'access_denied', state: 'abc' });
  });

  it('shows an error page, and redirects nowhere, for an unknown client, no scopes, or a redirect_uri the app does not have', async () => {
    const ask = (q: Record<string, string>) => fetch(`${slack.authorizeUrl}?${new URLSearchParams(q).toString()}`, { redirect: 'manual' });
    const unknown = await ask({ client_id: '1.2', scope: 'commands', redirect_uri: REDIRECT });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('invalid_client_id');
    expect(await (await ask({ client_id: CLIENT_ID, redirect_uri: REDIRECT })).text()).toContain('invalid_scope');
    const elsewhere = await ask({ client_id: CLIENT_ID, scope: 'commands', redirect_uri: 'https://evil.example/<script>' });
    expect(elsewhere.status).toBe(400);
    const text = await elsewhere.text();
    expect(text).toContain('bad_redirect_uri');
    expect(text).not.toContain('<script>');
    expect(() => slack.authorize({ clientId: CLIENT_ID, teamId: 'T0ACME', scopes: SCOPES, redirectUri: 'http://127.0.0.1:9/other' })).toThrow(OAuthError);
    // Below a configured URL is fine, as in Slack.
    expect(slack.authorize({ clientId: CLIENT_ID, teamId: 'T0ACME', scopes: SCOPES, redirectUri: `${REDIRECT}/done` })).toContain('code=');
  });
});

describe('oauth.v2.access', () => {
  it("answers in Slack's shape, with a bot token that acts in its own workspace only", async () => {
    const answer = await installWorkspace('T0ACME', { userScopes: ['search:read'] });
    expect(Object.keys(answer).sort()).toEqual(
      ['access_token', 'app_id', 'authed_user', 'bot_user_id', 'enterprise', 'is_enterprise_install', 'ok', 'scope', 'team', 'token_type'],
    );
    expect(answer).toMatchObject({
      ok: true, token_type: 'bot', scope: SCOPES.join(','), bot_user_id: 'U0ACMEBOT', app_id: 'A0SANDBOX',
      team: { id: 'T0ACME', name: 'Acme' }, enterprise: null, is_enterprise_install: false,
      authed_user: { id: 'U0ANN', scope: 'search:read', token_type: 'user' },
    });
    expect(answer.access_token).toMatch(/^xoxb-\d+-\d+-[A-Za-z0-9]{24}$/);
    expect((answer.authed_user as { access_token: string }).access_token).toMatch(/^xoxp-/);

    const acme = client(String(answer.access_token));
    expect(await acme.auth.test()).toMatchObject({
      ok: true, team: 'Acme', team_id: 'T0ACME', user_id: 'U0ACMEBOT', bot_id: 'B0ACMEBOT', is_enterprise_install: false, url: `${slack.url}/t/acme/`,
    });
    expect((await acme.chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'hello Acme' })).ok).toBe(true);
    expect(slack.messages('C0ACMEGENERAL')[0]).toMatchObject({ user: 'U0ACMEBOT', bot_id: 'B0ACMEBOT', text: 'hello Acme' });
    // Another workspace's channel does not exist for this token.
    expect(await errorOf(acme.chat.postMessage({ channel: 'C0GENERAL', text: 'x' }))).toBe('channel_not_found');
    // The user token identifies the installer; the stand-in acts only as bots.
    const user = client((answer.authed_user as { access_token: string }).access_token);
    expect(await user.auth.test()).toMatchObject({ ok: true, team_id: 'T0ACME', user_id: 'U0ANN' });
    expect(await errorOf(user.chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'x' }))).toBe('not_allowed_token_type');
  });

  it('holds a token to the scopes it was installed with', async () => {
    const narrow = slack.install({ clientId: CLIENT_ID, teamId: 'T0ACME', scopes: ['commands'] });
    expect(await errorOf(client(String(narrow.access_token)).chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'x' }))).toBe('missing_scope');
    const refused = slack.callsWith(String(narrow.access_token)).at(-1);
    expect(refused).toMatchObject({ ok: false, error: 'missing_scope' });
    const noPublic = client(String(slack.install({ clientId: CLIENT_ID, teamId: 'T0ACME', scopes: ['chat:write'] }).access_token));
    slack.workspaceOf('T0ACME').channels.get('C0ACMEGENERAL')!.botIsMember = false;
    // Without chat:write.public a public channel the bot is not in refuses its posts, as Slack does.
    expect(await errorOf(noPublic.chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'x' }))).toBe('not_in_channel');
    expect(await errorOf(noPublic.conversations.join({ channel: 'C0ACMEGENERAL' }))).toBe('missing_scope');
    const answer = await fetch(`${slack.apiUrl}users.info?user=U0ANN`, { headers: { Authorization: `Bearer ${slack.botTokenFor('T0ACME')}` } });
    expect(await answer.json()).toEqual({ ok: false, error: 'missing_scope', needed: 'users:read', provided: 'chat:write' });
  });

  it('accepts the client credentials as HTTP Basic auth', async () => {
    const code = codeOf(slack.authorize({ clientId: CLIENT_ID, teamId: 'T0BETA', scopes: SCOPES, redirectUri: REDIRECT }));
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    expect(await access({ code, redirect_uri: REDIRECT }, { Authorization: basic })).toMatchObject({ ok: true, team: { id: 'T0BETA' } });
    const forged = `Basic ${Buffer.from(`${CLIENT_ID}:guess`).toString('base64')}`;
    const again = codeOf(slack.authorize({ clientId: CLIENT_ID, teamId: 'T0BETA', scopes: SCOPES, redirectUri: REDIRECT }));
    expect(await access({ code: again, redirect_uri: REDIRECT }, { Authorization: forged })).toEqual({ ok: false, error: 'bad_client_secret' });
  });

  it('refuses a forged secret, an unknown client, a reused or expired code, another redirect_uri and an unknown grant type', async () => {
    const fresh = () => codeOf(slack.authorize({ clientId: CLIENT_ID, teamId: 'T0ACME', scopes: SCOPES, redirectUri: REDIRECT }));
    const good = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT };

    const code = fresh();
    expect(await access({ ...good, client_secret: 'forged', code })).toEqual({ ok: false, error: 'bad_client_secret' });
    expect(await access({ ...good, client_id: '1111.2222', code })).toEqual({ ok: false, error: 'invalid_client_id' });
    expect(await access({ ...good, redirect_uri: `${REDIRECT}/elsewhere`, code })).toEqual({ ok: false, error: 'bad_redirect_uri' });
    expect(await access({ ...good, grant_type: 'password', code })).toEqual({ ok: false, error: 'invalid_grant_type' });
    // Refusals before the exchange leave the code usable; once exchanged it is gone.
    expect((await access({ ...good, code })).ok).toBe(true);
    expect(await access({ ...good, code })).toEqual({ ok: false, error: 'invalid_code' });
    expect(await access({ ...good, code: 'not-a-code' })).toEqual({ ok: false, error: 'invalid_code' });

    const late = fresh();
    clock += 10 * MIN + 1;
    expect(await access({ ...good, code: late })).toEqual({ ok: false, error: 'invalid_code' });

    // The WebClient's own call (form parameters) gets the same answers.
    expect(await errorOf(client().oauth.v2.access({ client_id: CLIENT_ID, client_secret: 'forged', code: fresh(), redirect_uri: REDIRECT }))).toBe('bad_client_secret');
    // Secrets and codes are never recorded.
    const recorded = JSON.stringify(slack.calls);
    expect(recorded).not.toContain(CLIENT_SECRET);
    expect(recorded).not.toContain(code);
    expect(slack.calls.filter((c) => c.method === 'oauth.v2.access').every((c) => c.params.client_secret === '[redacted]')).toBe(true);
  });

  it('issues a new bot token per install and revokes the previous one of that workspace', async () => {
    const first = String((await installWorkspace('T0ACME')).access_token);
    const second = String((await installWorkspace('T0ACME')).access_token);
    expect(second).not.toBe(first);
    expect(await errorOf(client(first).auth.test())).toBe('token_revoked');
    expect((await client(second).auth.test()).team_id).toBe('T0ACME');
    expect(slack.botTokenFor('T0ACME')).toBe(second);
    expect(slack.tokenInfo(first)).toMatchObject({ teamId: 'T0ACME', revokedBecause: 'reinstalled' });
    expect(await errorOf(client('xoxb-never-issued').auth.test())).toBe('invalid_auth');
  });
});

describe('several workspaces', () => {
  it('acts in the workspace of the token and records which token made each call', async () => {
    const acme = String((await installWorkspace('T0ACME')).access_token);
    const beta = String((await installWorkspace('T0BETA')).access_token);
    const sandbox = slack.botToken;
    expect((await client(acme).chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'Session in Acme' })).ok).toBe(true);
    expect((await client(beta).chat.postMessage({ channel: 'C0BETAGENERAL', text: 'Session in Beta' })).ok).toBe(true);
    expect((await client(sandbox).chat.postMessage({ channel: 'C0GENERAL', text: 'Session in Sandbox' })).ok).toBe(true);
    expect(await errorOf(client(beta).chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'wrong door' }))).toBe('channel_not_found');
    expect(await errorOf(client(beta).users.info({ user: 'U0ANN' }))).toBe('user_not_found');

    const posts = (token: string) => slack.callsWith(token).filter((c) => c.method === 'chat.postMessage' && c.ok).map((c) => c.params.text);
    expect(posts(acme)).toEqual(['Session in Acme']);
    expect(posts(beta)).toEqual(['Session in Beta']);
    expect(posts(sandbox)).toEqual(['Session in Sandbox']);
    const post = slack.calls.find((c) => c.params.text === 'Session in Beta');
    expect(post?.auth).toEqual({
      tokenId: slack.tokenInfo(beta)?.id, tokenKind: 'bot', installationId: slack.installation('T0BETA')?.id, teamId: 'T0BETA',
      enterpriseId: null, isEnterpriseInstall: false, userId: 'U0BETABOT',
    });
    expect(JSON.stringify(slack.calls)).not.toContain(beta);
    expect(slack.messages('C0BETAGENERAL').map((m) => m.user)).toEqual(['U0BETABOT']);
  });

  it('keeps ids apart: a second workspace cannot reuse a user or channel id', () => {
    expect(() => slack.addWorkspace({ teamId: 'T0GAMMA', users: [{ id: 'U0ALICE', name: 'alice' }] })).toThrow(/U0ALICE/);
    expect(() => slack.addWorkspace({ teamId: 'T0GAMMA', channels: [{ id: 'C0GENERAL', name: 'general', members: [] }] })).toThrow(/C0GENERAL/);
    expect(() => slack.addWorkspace({ teamId: 'T0ACME' })).toThrow(/already exists/);
  });
});

describe('token rotation', () => {
  beforeEach(() => {
    slack.oauthApp = { ...slack.oauthApp, tokenRotation: true, tokenTtlSeconds: 600 };
  });

  it('hands out expiring tokens and single-use refresh tokens; the token in hand lives until it expires, at most two at a time', async () => {
    const installed = await installWorkspace('T0ACME');
    expect(installed).toMatchObject({ ok: true, expires_in: 600, token_type: 'bot' });
    expect(installed.access_token).toMatch(/^xoxe\.xoxb-1-/);
    expect(installed.refresh_token).toMatch(/^xoxe-1-/);
    const t1 = String(installed.access_token);
    const r1 = String(installed.refresh_token);

    clock += 5 * MIN;
    const refreshed = await client().oauth.v2.access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: r1 });
    expect(refreshed).toMatchObject({
      ok: true, token_type: 'bot', expires_in: 600, bot_user_id: 'U0ACMEBOT', app_id: 'A0SANDBOX', team: { id: 'T0ACME', name: 'Acme' },
      enterprise: null, is_enterprise_install: false, scope: SCOPES.join(','),
    });
    const t2 = String(refreshed.access_token);
    const r2 = String(refreshed.refresh_token);
    expect(t2).not.toBe(t1);
    // The previous token keeps working after a refresh, until its own expiry.
    expect((await client(t1).auth.test()).ok).toBe(true);
    expect((await client(t2).chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'rotated' })).ok).toBe(true);
    // A refresh token is good once.
    const reuse = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: r1 };
    expect(await access(reuse)).toEqual({ ok: false, error: 'invalid_refresh_token' });
    expect(await access({ ...reuse, refresh_token: 'xoxe-1-made-up' })).toEqual({ ok: false, error: 'invalid_refresh_token' });
    expect(await access({ ...reuse, client_secret: 'forged', refresh_token: r2 })).toEqual({ ok: false, error: 'bad_client_secret' });

    // A third live token ends the oldest (Slack's two-active-tokens limit).
    clock += 3 * MIN;
    const third = await access({ ...reuse, refresh_token: r2 });
    expect(third.ok).toBe(true);
    expect(await errorOf(client(t1).auth.test())).toBe('token_revoked');
    expect((await client(t2).auth.test()).ok).toBe(true);

    // Past expires_in, a token is refused as expired: t2 (issued at 5 min) is, the third (at 8 min) is not yet.
    clock += 8 * MIN;
    expect(await errorOf(client(t2).auth.test())).toBe('token_expired');
    expect((await client(String(third.access_token)).auth.test()).ok).toBe(true);
    expect(slack.botTokenFor('T0ACME')).toBe(third.access_token);
  });

  it('lets a used refresh token through again within a configured grace period', async () => {
    slack.oauthApp = { ...slack.oauthApp, refreshTokenGraceSeconds: 30 };
    const r1 = String((await installWorkspace('T0ACME')).refresh_token);
    const body = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: r1 };
    expect((await access(body)).ok).toBe(true);
    clock += 10_000;
    expect((await access(body)).ok).toBe(true);
    clock += 30_000;
    expect(await access(body)).toEqual({ ok: false, error: 'invalid_refresh_token' });
  });

  it('oauth.v2.exchange trades a long-lived token once; the first refresh ends it', async () => {
    const longLived = slack.botToken;
    const exchange = (token: string, secret = CLIENT_SECRET) => fetch(`${slack.apiUrl}oauth.v2.exchange`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: secret, token }).toString(),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(await exchange(longLived, 'forged')).toEqual({ ok: false, error: 'bad_client_secret' });
    const traded = await exchange(longLived);
    expect(traded).toMatchObject({ ok: true, token_type: 'bot', expires_in: 600, bot_user_id: 'U0BOT', team: { id: 'T0SANDBOX' } });
    expect(await exchange(longLived)).toEqual({ ok: false, error: 'token_already_exchanged' });
    expect((await client(longLived).auth.test()).ok).toBe(true);
    await access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: String(traded.refresh_token) });
    expect(await errorOf(client(longLived).auth.test())).toBe('token_revoked');
  });
});

/** An app's Request URL that records what arrives and checks Slack's signature. */
async function requestUrl(secret: string): Promise<{ url: string; received: Array<{ body: Record<string, unknown>; verified: boolean }>; close(): Promise<void> }> {
  const received: Array<{ body: Record<string, unknown>; verified: boolean }> = [];
  const verify = (headers: IncomingHttpHeaders, raw: string) => {
    const ts = Number(headers['x-slack-request-timestamp']);
    return Math.abs(Date.now() / 1000 - ts) < 300 && headers['x-slack-signature'] === slackSignature(secret, ts, raw);
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8'); });
    req.on('end', () => {
      received.push({ body: JSON.parse(raw) as Record<string, unknown>, verified: verify(req.headers, raw) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('uninstall and revoked tokens', () => {
  it('revokes the workspace tokens and delivers tokens_revoked and app_uninstalled, signed, to the Request URL', async () => {
    const app = await requestUrl('app-signing-secret');
    try {
      slack.eventDelivery = { url: app.url, signingSecret: 'app-signing-secret' };
      const acme = String((await installWorkspace('T0ACME', { userScopes: ['search:read'] })).access_token);
      const beta = String((await installWorkspace('T0BETA')).access_token);

      const deliveries = await slack.uninstall('T0ACME');
      expect(deliveries.map((d) => [d.delivered, d.status])).toEqual([[true, 200], [true, 200]]);
      expect(app.received.every((r) => r.verified)).toBe(true);
      const [revoked, uninstalled] = app.received.map((r) => r.body);
      const authorizations = [{ enterprise_id: null, team_id: 'T0ACME', user_id: 'U0ACMEBOT', is_bot: true, is_enterprise_install: false }];
      expect(revoked).toMatchObject({
        type: 'event_callback', team_id: 'T0ACME', api_app_id: 'A0SANDBOX', is_ext_shared_channel: false, authorizations,
        event: { type: 'tokens_revoked', tokens: { oauth: ['U0ANN'], bot: ['U0ACMEBOT'] } }, event_time: Math.floor(clock / 1000),
      });
      expect(uninstalled).toMatchObject({ type: 'event_callback', team_id: 'T0ACME', authorizations, event: { type: 'app_uninstalled' } });
      expect(revoked?.event_id).toMatch(/^Ev[0-9A-F]{12}$/);
      expect(revoked?.event_id).not.toBe(uninstalled?.event_id);
      expect(revoked).not.toHaveProperty('enterprise_id');

      expect(await errorOf(client(acme).chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'x' }))).toBe('token_revoked');
      expect(slack.callsWith(acme).at(-1)).toMatchObject({ ok: false, error: 'token_revoked', auth: { teamId: 'T0ACME' } });
      expect((await client(beta).chat.postMessage({ channel: 'C0BETAGENERAL', text: 'still here' })).ok).toBe(true);
      expect(slack.installation('T0ACME')).toBeUndefined();
      await expect(slack.uninstall('T0ACME')).rejects.toThrow(/not installed/);
      // Installing again works and issues a fresh token.
      const again = String((await installWorkspace('T0ACME')).access_token);
      expect((await client(again).auth.test()).ok).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('revokeTokens sends tokens_revoked for the bot and leaves the app installed; refresh tokens die with it', async () => {
    slack.oauthApp = { ...slack.oauthApp, tokenRotation: true };
    const seen: Array<Record<string, unknown>> = [];
    slack.eventDelivery = async (envelope) => {
      seen.push(envelope);
      return 'ok';
    };
    const installed = await installWorkspace('T0BETA');
    const [delivery] = await slack.revokeTokens('T0BETA');
    expect(delivery).toMatchObject({ delivered: true, ack: 'ok' });
    expect(seen[0]).toMatchObject({ team_id: 'T0BETA', event: { type: 'tokens_revoked', tokens: { bot: ['U0BETABOT'] } } });
    expect(await errorOf(client(String(installed.access_token)).auth.test())).toBe('token_revoked');
    expect(await access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: String(installed.refresh_token) }))
      .toEqual({ ok: false, error: 'invalid_refresh_token' });
    expect(slack.installation('T0BETA')).toBeDefined();
    expect(await slack.revokeTokens('T0BETA')).toEqual([]);
  });

  it('delivers over Socket Mode when asked to, and records envelopes when no delivery is configured', async () => {
    await installWorkspace('T0ACME');
    const [undelivered] = await slack.uninstall('T0ACME', { tokensRevoked: false });
    expect(undelivered).toMatchObject({ delivered: false, error: 'no_event_delivery_configured', envelope: { event: { type: 'app_uninstalled' } } });

    await installWorkspace('T0ACME');
    const opened = (await client().apiCall('apps.connections.open', { token: slack.appToken })) as unknown as { url: string };
    const socket = new WebSocket(opened.url);
    const envelopes: Array<Record<string, unknown>> = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (typeof message.envelope_id !== 'string') return;
      envelopes.push(message);
      socket.send(JSON.stringify({ envelope_id: message.envelope_id }));
    });
    try {
      await slack.socketMode.waitForConnection(1, 5000);
      slack.eventDelivery = { socketMode: true };
      const deliveries = await slack.uninstall('T0ACME', { appUninstalledFirst: true });
      expect(deliveries.every((d) => d.delivered)).toBe(true);
      expect(envelopes.map((e) => [e.type, (e.payload as { event: { type: string } }).event.type])).toEqual([
        ['events_api', 'app_uninstalled'], ['events_api', 'tokens_revoked'],
      ]);
      expect(slack.sentEvents).toHaveLength(3);
    } finally {
      socket.terminate();
    }
  });
});

describe('Enterprise Grid', () => {
  beforeEach(() => {
    slack.addEnterprise({ id: 'E0ORG', name: 'Org Inc', domain: 'org-inc' });
    slack.addWorkspace({ teamId: 'T0EAST', teamName: 'East', enterpriseId: 'E0ORG', users: [{ id: 'W0EVE', name: 'eve' }], installed: false });
    slack.addWorkspace({ teamId: 'T0WEST', teamName: 'West', enterpriseId: 'E0ORG', users: [{ id: 'W0WES', name: 'wes' }], installed: false });
  });

  it('an org-wide install gives one token that acts in every workspace of its organization', async () => {
    const code = codeOf(slack.authorize({ clientId: CLIENT_ID, enterpriseInstall: true, enterpriseId: 'E0ORG', scopes: SCOPES, redirectUri: REDIRECT }));
    const answer = await access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT });
    expect(answer).toMatchObject({
      ok: true, token_type: 'bot', bot_user_id: 'W0ORGBOT', team: null, enterprise: { id: 'E0ORG', name: 'Org Inc' }, is_enterprise_install: true,
      authed_user: { id: 'W0EVE' },
    });
    const org = client(String(answer.access_token));
    // auth.test of an org-wide token answers for the organization: team_id is the enterprise id.
    expect(await org.auth.test()).toMatchObject({
      ok: true, team_id: 'E0ORG', team: 'Org Inc', enterprise_id: 'E0ORG', is_enterprise_install: true, user_id: 'W0ORGBOT',
      bot_id: 'B0ORGORGBOT', url: `${slack.url}/e/org-inc/`,
    });
    expect((await org.chat.postMessage({ channel: 'C0EASTGENERAL', text: 'east' })).ok).toBe(true);
    expect((await org.chat.postMessage({ channel: 'C0WESTGENERAL', text: 'west' })).ok).toBe(true);
    expect(await errorOf(org.chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'outside' }))).toBe('channel_not_found');
    expect((await org.users.info({ user: 'W0WES' })).user).toMatchObject({ id: 'W0WES', team_id: 'T0WEST' });
    expect(await errorOf(org.apiCall('users.info', { user: 'W0WES', team_id: 'T0NOPE' }))).toBe('team_not_found');

    const acted = slack.callsWith(String(answer.access_token)).filter((c) => c.method === 'chat.postMessage' && c.ok).map((c) => c.auth?.teamId);
    expect(acted).toEqual(['T0EAST', 'T0WEST']);
    expect(slack.messages('C0WESTGENERAL')[0]).toMatchObject({ user: 'W0ORGBOT', bot_id: 'B0ORGORGBOT' });
    expect(slack.botTokenFor('T0EAST')).toBe(answer.access_token);
    expect(slack.botTokenFor('E0ORG')).toBe(answer.access_token);
    expect(slack.installation('T0WEST')?.isEnterpriseInstall).toBe(true);

    // With the organization installed, a workspace of it cannot install on its own.
    const single = codeOf(slack.authorize({ clientId: CLIENT_ID, teamId: 'T0EAST', scopes: SCOPES, redirectUri: REDIRECT }));
    expect(await access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: single, redirect_uri: REDIRECT }))
      .toEqual({ ok: false, error: 'cannot_install_an_org_installed_app' });
  });

  it('uninstalling the organization sends its events with the enterprise as team and no workspace in authorizations', async () => {
    const seen: Array<Record<string, unknown>> = [];
    slack.eventDelivery = async (envelope) => void seen.push(envelope);
    const answer = slack.install({ clientId: CLIENT_ID, enterpriseInstall: true, teamId: 'T0WEST', scopes: SCOPES, redirectUri: REDIRECT });
    await slack.uninstall('E0ORG');
    const authorizations = [{ enterprise_id: 'E0ORG', team_id: null, user_id: 'W0ORGBOT', is_bot: true, is_enterprise_install: true }];
    expect(seen.map((e) => (e.event as { type: string }).type)).toEqual(['tokens_revoked', 'app_uninstalled']);
    for (const envelope of seen) expect(envelope).toMatchObject({ team_id: 'E0ORG', enterprise_id: 'E0ORG', context_enterprise_id: 'E0ORG', authorizations });
    expect(await errorOf(client(String(answer.access_token)).chat.postMessage({ channel: 'C0EASTGENERAL', text: 'x' }))).toBe('token_revoked');
  });

  it('events in a workspace reached through an org-wide install carry is_enterprise_install in authorizations', async () => {
    slack.install({ clientId: CLIENT_ID, enterpriseInstall: true, enterpriseId: 'E0ORG', scopes: SCOPES, redirectUri: REDIRECT });
    slack.eventDelivery = async () => undefined;
    const delivery = await slack.sendEvent('T0EAST', { type: 'app_home_opened', user: 'W0EVE', tab: 'home' });
    expect(delivery.envelope).toMatchObject({
      team_id: 'T0EAST', enterprise_id: 'E0ORG', context_team_id: 'T0EAST',
      authorizations: [{ enterprise_id: 'E0ORG', team_id: 'T0EAST', user_id: 'W0ORGBOT', is_bot: true, is_enterprise_install: true }],
    });
  });
});

describe('shared channels', () => {
  it('a Slack Connect channel is seen from both workspaces, both bots post in it, and people keep their own team', async () => {
    const acme = client(String((await installWorkspace('T0ACME')).access_token));
    const beta = client(String((await installWorkspace('T0BETA')).access_token));
    slack.shareChannel('C0ACMEGENERAL', 'T0BETA', { members: ['U0BEN', 'U0BETABOT'] });

    for (const [who, team] of [[acme, 'T0ACME'], [beta, 'T0BETA']] as const) {
      const info = await who.conversations.info({ channel: 'C0ACMEGENERAL' });
      expect(info.channel).toMatchObject({
        id: 'C0ACMEGENERAL', is_shared: true, is_ext_shared: true, is_org_shared: false, context_team_id: team,
        conversation_host_id: 'T0ACME', shared_team_ids: ['T0ACME', 'T0BETA'], is_member: true,
      });
    }
    expect((await acme.chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'from Acme' })).ok).toBe(true);
    const fromBeta = await beta.chat.postMessage({ channel: 'C0ACMEGENERAL', text: 'from Beta' });
    expect(fromBeta.message).toMatchObject({ user: 'U0BETABOT', team: 'T0BETA', user_team: 'T0BETA', source_team: 'T0BETA' });
    slack.postAsUser('U0BEN', 'C0ACMEGENERAL', 'hi from ben');
    const history = await acme.conversations.history({ channel: 'C0ACMEGENERAL' });
    expect(history.messages?.map((m) => [m.text, m.user, m.team])).toEqual([
      ['hi from ben', 'U0BEN', 'T0BETA'], ['from Beta', 'U0BETABOT', 'T0BETA'], ['from Acme', 'U0ACMEBOT', 'T0ACME'],
    ]);
    // One bot cannot edit the other's message.
    expect(await errorOf(acme.chat.update({ channel: 'C0ACMEGENERAL', ts: fromBeta.ts ?? '', text: 'mine now' }))).toBe('cant_update_message');
    expect((await acme.users.info({ user: 'U0BEN' })).user).toMatchObject({ id: 'U0BEN', team_id: 'T0BETA' });
    expect((await acme.chat.postEphemeral({ channel: 'C0ACMEGENERAL', user: 'U0BEN', text: 'psst' })).ok).toBe(true);
    // Beta's other channels stay invisible to Acme.
    expect(await errorOf(acme.conversations.info({ channel: 'C0BETAGENERAL' }))).toBe('channel_not_found');

    slack.eventDelivery = async () => undefined;
    const joined = await slack.sendEvent('T0BETA', { type: 'member_joined_channel', user: 'U0BETABOT', channel: 'C0ACMEGENERAL', channel_type: 'C' });
    expect(joined.envelope).toMatchObject({ team_id: 'T0BETA', is_ext_shared_channel: true });
  });

  it('a channel shared within one organization is org-shared, not Slack Connect', async () => {
    slack.addWorkspace({ teamId: 'T0NORTH', enterpriseId: 'E0ORG', users: [{ id: 'W0NIA', name: 'nia' }] });
    slack.addWorkspace({ teamId: 'T0SOUTH', enterpriseId: 'E0ORG', users: [{ id: 'W0SAL', name: 'sal' }] });
    slack.shareChannel('C0NORTHGENERAL', 'T0SOUTH');
    const south = client(slack.botTokenFor('T0SOUTH') ?? '');
    slack.addToChannel('C0NORTHGENERAL', 'U0SOUTHBOT');
    const info = await south.conversations.info({ channel: 'C0NORTHGENERAL' });
    expect(info.channel).toMatchObject({ is_shared: true, is_ext_shared: false, is_org_shared: true, is_member: true });
  });
});

describe('an app using @slack/oauth against the stand-in', () => {
  it('runs "Add to Slack" end to end: install path, authorize page, redirect, oauth.v2.access and auth.test', async () => {
    const stored: Installation[] = [];
    let appUrl = '';
    const installer = new InstallProvider({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      stateSecret: 'state-secret-for-the-test',
      authorizationUrl: new URL('../oauth/v2/authorize', slack.apiUrl).toString(),
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
      logLevel: LogLevel.ERROR,
      directInstall: true,
      installationStore: {
        storeInstallation: async (installation) => void stored.push(installation as Installation),
        fetchInstallation: async (_q: InstallationQuery<boolean>) => { throw new Error('not needed'); },
      },
    });
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/slack/install') void installer.handleInstallPath(req, res, undefined, { scopes: SCOPES, redirectUri: `${appUrl}/slack/oauth_redirect` });
      else if (path === '/slack/oauth_redirect') void installer.handleCallback(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    slack.oauthApp = { ...slack.oauthApp, redirectUris: [`${appUrl}/slack/oauth_redirect`] };
    try {
      const install = await fetch(`${appUrl}/slack/install`, { redirect: 'manual' });
      expect(install.status).toBe(302);
      const cookie = (install.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const authorize = new URL(install.headers.get('location') ?? '');
      expect(`${authorize.origin}${authorize.pathname}`).toBe(slack.authorizeUrl);
      authorize.searchParams.set('team', 'T0BETA');

      const html = await (await fetch(authorize)).text();
      const allow = /href="([^"]*\/allow\?[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
      const back = await fetch(new URL(allow, slack.url), { redirect: 'manual' });
      const callback = await fetch(back.headers.get('location') ?? '', { headers: { cookie }, redirect: 'manual' });
      expect(callback.status).toBe(200);

      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        team: { id: 'T0BETA', name: 'Beta' }, isEnterpriseInstall: false, appId: 'A0SANDBOX', tokenType: 'bot',
        bot: { userId: 'U0BETABOT', id: 'B0BETABOT', scopes: SCOPES },
        user: { id: 'U0BEN' },
      });
      const token = stored[0]?.bot?.token ?? '';
      expect(slack.tokenInfo(token)).toMatchObject({ teamId: 'T0BETA', kind: 'bot' });
      // @slack/oauth checks the new token with auth.test: recorded against it.
      expect(slack.callsWith(token).map((c) => c.method)).toEqual(['auth.test']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
