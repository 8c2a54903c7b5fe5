/**
 * Installed in many workspaces, end to end: the real app process in OAuth mode, the install pages over HTTP with
 * their state cookie, the code exchanged against the stand-in's oauth.v2.access, sessions posted with each
 * workspace's own token, an uninstall that ends one workspace's sessions and not another's, an org-wide install,
 * and a channel shared between two organisations.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { BOT_SCOPES, createStateStore, STATE_TTL_MS } from '../../src/slack/oauth.ts';
import { type AppProcess, freePort, randomSigningSecret, startApp } from '../support/app-process.ts';
import { openInstallPage } from '../support/install-page.ts';
import { until } from '../support/until.ts';

const CLIENT_ID = '4444444444.5555555555';
const CLIENT_SECRET = randomBytes(16).toString('hex');
const TOKEN_KEY = randomBytes(32).toString('base64');
const STATE_SECRET = randomBytes(16).toString('hex');

let slack: SlackStandIn;
let app: AppProcess;

/** Installs the app in a workspace (or an organisation) through the pages; returns the page the person lands on. */
async function install(target: { teamId?: string; enterpriseId?: string; enterpriseInstall?: boolean }): Promise<{ status: number; html: string }> {
  const { cookie, authorize } = await openInstallPage(app.url);
  const back = slack.authorize({
    clientId: authorize.searchParams.get('client_id') ?? '',
    scopes: authorize.searchParams.get('scope') ?? '',
    state: authorize.searchParams.get('state') ?? '',
    redirectUri: authorize.searchParams.get('redirect_uri') ?? '',
    ...target,
  });
  const res = await fetch(back, { headers: { cookie } });
  return { status: res.status, html: await res.text() };
}

function command(team: string, user: string, channel: string, text: string, enterprise?: string) {
  return app.client.slashCommand({
    command: '/mockdesign',
    text,
    user_id: user,
    channel_id: channel,
    team_id: team,
    ...(enterprise ? { enterprise_id: enterprise } : {}),
  });
}

function ephemeralText(response: { json: unknown }): string {
  return String((response.json as { text?: string } | undefined)?.text ?? '');
}

function rows<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(app.dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The team each chat.postMessage into a channel was made as, according to the token Slack saw. */
function postersIn(channel: string): string[] {
  return slack.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === channel && c.ok).map((c) => String(c.auth?.teamId));
}

beforeAll(async () => {
  slack = createSlackStandIn();
  await slack.start();
  slack.addWorkspace({
    teamId: 'T0ACME',
    teamName: 'Acme',
    installed: false,
    users: [{ id: 'U0ACMEANN', name: 'ann' }],
    channels: [
      { id: 'C0ACMEGENERAL', name: 'general', members: ['U0ACMEANN'], botIsMember: true },
      { id: 'G0ACMEPREP', name: 'interview-prep', isPrivate: true, members: ['U0ACMEANN'], botIsMember: false },
    ],
  });
  slack.addWorkspace({ teamId: 'T0GLOBEX', teamName: 'Globex', installed: false, users: [{ id: 'U0GLOBEXBEA', name: 'bea' }] });
  slack.addWorkspace({ teamId: 'T0INITECH', teamName: 'Initech', installed: false, users: [{ id: 'U0INITCAL', name: 'cal' }] });
  slack.addEnterprise({ id: 'E0ORG', name: 'Umbrella' });
  slack.addWorkspace({ teamId: 'T0ORGA', teamName: 'Umbrella East', enterpriseId: 'E0ORG', installed: false, users: [{ id: 'W0DEE', name: 'dee' }] });
  slack.addWorkspace({ teamId: 'T0ORGB', teamName: 'Umbrella West', enterpriseId: 'E0ORG', installed: false, users: [{ id: 'W0EVE', name: 'eve' }] });

  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  slack.oauthApp = { ...slack.oauthApp, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${publicUrl}/slack/oauth_redirect`] };
  const signingSecret = randomSigningSecret();
  app = await startApp({
    port,
    signingSecret,
    slackApiUrl: slack.apiUrl,
    logLevel: 'debug',
    env: {
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      SLACK_TOKEN_KEY: TOKEN_KEY,
      PUBLIC_URL: publicUrl,
    },
  });
  slack.eventDelivery = { url: app.eventsUrl, signingSecret };
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await slack?.stop();
});

describe('installing from the Add to Slack page', () => {
  it('asks Slack for the manifest’s scopes with a signed state and the redirect URL', async () => {
    const { authorize, html } = await openInstallPage(app.url);
    expect(html).toContain('Add mockdesign to Slack');
    expect(authorize.origin + authorize.pathname).toBe(slack.authorizeUrl);
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('scope')?.split(',')).toEqual(expect.arrayContaining(['commands', 'chat:write', 'channels:history']));
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.url}/slack/oauth_redirect`);
    expect(authorize.searchParams.get('state')).toMatch(/\./);
  });

  it('refuses a state this browser did not start, and a forged one, storing nothing', async () => {
    const logsBefore = app.logs().length;
    const { authorize } = await openInstallPage(app.url);
    const state = authorize.searchParams.get('state') ?? '';
    const code = new URL(
      slack.authorize({ clientId: CLIENT_ID, teamId: 'T0ACME', scopes: 'commands,chat:write', state, redirectUri: `${app.url}/slack/oauth_redirect` }),
    ).searchParams.get('code');
    // Another browser: the state is genuine but no cookie of this install goes with it.
    const elsewhere = await fetch(`${app.url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('expired or was not started here');
    // Forged: cookie and query agree, but the app never signed it.
    const forged = 'eyJhdCI6MX0.forged-signature';
    const faked = await fetch(`${app.url}/slack/oauth_redirect?code=${code}&state=${forged}`, { headers: { cookie: `slack-app-oauth-state=${forged}` } });
    expect(faked.status).toBe(400);
    expect(rows('SELECT install_key FROM installations')).toEqual([]);
    // Each refusal is logged once. Lines can follow their answer, so the test waits for both: the next test counts
    // its own from where this one's end.
    const refused = await until('both refusals in the log', () => {
      const lines = app.logs().slice(logsBefore).filter((l) => l.msg === 'install refused');
      return lines.length >= 2 && lines;
    });
    expect(refused).toEqual([expect.objectContaining({ level: 'info' }), expect.objectContaining({ level: 'info' })]);
  });

  it('refuses a genuine state older than ten minutes, in the browser that started it, before any code exchange', async () => {
    // Signed with the app's own secret, and the same in the cookie and the query: only its age is wrong.
    const startedAt = Date.now() - STATE_TTL_MS - 60_000;
    const redirectUri = `${app.url}/slack/oauth_redirect`;
    const stale = await createStateStore(STATE_SECRET, () => startedAt).generateStateParam({ scopes: [...BOT_SCOPES], redirectUri }, new Date(startedAt));
    const code = new URL(slack.authorize({ clientId: CLIENT_ID, teamId: 'T0ACME', scopes: BOT_SCOPES.join(','), state: stale, redirectUri })).searchParams.get('code');
    const exchangesBefore = slack.calls.filter((c) => c.method === 'oauth.v2.access').length;
    const [logsBefore, stderrBefore] = [app.logs().length, app.stderr.length];
    const res = await fetch(`${redirectUri}?code=${code}&state=${encodeURIComponent(stale)}`, { headers: { cookie: `slack-app-oauth-state=${stale}` } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('expired or was not started here');
    expect(slack.calls.filter((c) => c.method === 'oauth.v2.access')).toHaveLength(exchangesBefore);
    expect(rows('SELECT install_key FROM installations')).toEqual([]);
    // A person's stale link is one structured line at info, not an error with a stack trace on the console.
    const logged = await until('the refusal in the log', () => {
      const lines = app.logs().slice(logsBefore);
      return lines.some((l) => l.msg === 'install refused') && lines;
    });
    expect(logged.filter((l) => l.msg === 'install refused')).toEqual([expect.objectContaining({ level: 'info', reason: 'slack_oauth_invalid_state' })]);
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
    expect(app.stderr.slice(stderrBefore)).toEqual([]);
  });

  it('installs a workspace: the page names it, and its token is stored sealed', async () => {
    const landed = await install({ teamId: 'T0ACME' });
    expect(landed.status).toBe(200);
    expect(landed.html).toContain('mockdesign is installed in Acme');
    expect(landed.html).toContain('slack://app?team=T0ACME');
    const [row] = rows<{ install_key: string; bot_token: string; installation: string }>('SELECT install_key, bot_token, installation FROM installations');
    expect(row?.install_key).toBe('T:T0ACME');
    const token = slack.botTokenFor('T0ACME') ?? '';
    expect(token).toMatch(/^xoxb-/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect([...app.stdout, ...app.stderr].join('\n')).not.toContain(token);
  });

  it('answers a command from a workspace without an installation with the install link', async () => {
    const response = await command('T0GLOBEX', 'U0GLOBEXBEA', 'C0GLOBEXGENERAL', 'start Not installed yet');
    expect(response.status).toBe(200);
    expect(ephemeralText(response)).toContain("isn't installed in this workspace");
    expect(ephemeralText(response)).toContain(`${app.url}/slack/install`);
    expect(rows("SELECT id FROM sessions WHERE team_id = 'T0GLOBEX'")).toEqual([]);
  });
});

describe('two workspaces', () => {
  it('posts each session with its own workspace’s token, and an uninstall ends only that workspace’s session', async () => {
    expect((await install({ teamId: 'T0GLOBEX' })).status).toBe(200);
    expect(ephemeralText(await command('T0ACME', 'U0ACMEANN', 'C0ACMEGENERAL', 'start Design a paste bin --plan 4s/4s/4s/4s'))).toMatch(/Starting/);
    expect(ephemeralText(await command('T0GLOBEX', 'U0GLOBEXBEA', 'C0GLOBEXGENERAL', 'start Design a chat app --plan 1h/1h/1h/1h'))).toMatch(/Starting/);

    await until('both roots and first phases', () => postersIn('C0ACMEGENERAL').length >= 2 && postersIn('C0GLOBEXGENERAL').length >= 2);
    expect(new Set(postersIn('C0ACMEGENERAL'))).toEqual(new Set(['T0ACME']));
    expect(new Set(postersIn('C0GLOBEXGENERAL'))).toEqual(new Set(['T0GLOBEX']));
    const globexToken = slack.botTokenFor('T0GLOBEX') ?? '';
    expect(slack.callsWith(globexToken).every((c) => c.params.channel !== 'C0ACMEGENERAL')).toBe(true);

    // App Home: published with Globex's own token, and showing Globex's session only.
    await slack.sendEvent('T0GLOBEX', { type: 'app_home_opened', user: 'U0GLOBEXBEA', channel: 'D0GLOBEXBEA', tab: 'home', event_ts: '1.1' });
    const home = JSON.stringify(await until('Bea’s App Home', () => slack.homeView('U0GLOBEXBEA')));
    expect(home).toContain('Design a chat app');
    expect(home).not.toContain('Design a paste bin');
    expect(slack.calls.filter((c) => c.method === 'views.publish').map((c) => [c.auth?.teamId, c.ok])).toEqual([['T0GLOBEX', true]]);

    const before = postersIn('C0GLOBEXGENERAL').length;
    await slack.uninstall('T0GLOBEX');
    await until('the Globex session to end', () => rows<{ status: string }>("SELECT status FROM sessions WHERE team_id = 'T0GLOBEX'")[0]?.status === 'ended');
    expect(rows("SELECT install_key FROM installations WHERE install_key = 'T:T0GLOBEX'")).toEqual([]);
    // Acme's session runs to its summary; Globex's posts nothing more.
    await until(
      'the Acme summary',
      () => slack.allMessages().some((m) => m.channel === 'C0ACMEGENERAL' && m.text.startsWith('Summary')),
      60_000,
    );
    expect(postersIn('C0GLOBEXGENERAL')).toHaveLength(before);
    expect(rows<{ status: string }>("SELECT status FROM sessions WHERE team_id = 'T0ACME'")[0]?.status).toBe('ended');
    expect(rows<{ end_reason: string | null }>("SELECT end_reason FROM sessions WHERE team_id = 'T0GLOBEX'")[0]?.end_reason).toBe('tokens_revoked');
  }, 120_000);
});

describe('Enterprise Grid', () => {
  it('an org-wide install serves every workspace of the organisation with one token; uninstalling it ends them all', async () => {
    const landed = await install({ enterpriseId: 'E0ORG', enterpriseInstall: true });
    expect(landed.status).toBe(200);
    expect(landed.html).toContain('installed in Umbrella');
    expect(rows<{ install_key: string }>("SELECT install_key FROM installations WHERE install_key LIKE 'E:%'")).toEqual([{ install_key: 'E:E0ORG' }]);
    expect(ephemeralText(await command('T0ORGA', 'W0DEE', 'C0ORGAGENERAL', 'start Design a key-value store --plan 1h/1h/1h/1h', 'E0ORG'))).toMatch(/Starting/);
    expect(ephemeralText(await command('T0ORGB', 'W0EVE', 'C0ORGBGENERAL', 'start Design a rate limiter --plan 1h/1h/1h/1h', 'E0ORG'))).toMatch(/Starting/);
    await until('the root and first phase in both workspaces', () => postersIn('C0ORGAGENERAL').length >= 2 && postersIn('C0ORGBGENERAL').length >= 2);
    const orgToken = slack.botTokenFor('E0ORG') ?? '';
    for (const channel of ['C0ORGAGENERAL', 'C0ORGBGENERAL']) {
      expect(slack.callsWith(orgToken).some((c) => c.method === 'chat.postMessage' && c.params.channel === channel && c.ok)).toBe(true);
    }

    // Slack names the organisation, not a workspace, when it is uninstalled: both workspaces' sessions end.
    await slack.uninstall('E0ORG');
    const orgSessions = () => rows<{ team_id: string; status: string; end_reason: string | null }>("SELECT team_id, status, end_reason FROM sessions WHERE enterprise_id = 'E0ORG' ORDER BY team_id");
    await until('both organisation sessions to end', () => orgSessions().every((r) => r.status === 'ended'));
    expect(orgSessions()).toEqual([
      { team_id: 'T0ORGA', status: 'ended', end_reason: 'tokens_revoked' },
      { team_id: 'T0ORGB', status: 'ended', end_reason: 'tokens_revoked' },
    ]);
    expect(rows("SELECT install_key FROM installations WHERE install_key = 'E:E0ORG'")).toEqual([]);
    // Acme's own install (Globex's went above) is not the organisation's to take.
    expect(rows<{ install_key: string }>('SELECT install_key FROM installations ORDER BY install_key').map((r) => r.install_key)).toEqual(['T:T0ACME']);
  }, 60_000);
});

describe('Slack Connect', () => {
  it('a channel shared between two organisations has one session, which both sides see and a named interviewer steers', async () => {
    expect((await install({ teamId: 'T0INITECH' })).status).toBe(200);
    slack.shareChannel('C0ACMEGENERAL', 'T0INITECH', { members: ['U0INITCAL'] });
    const started = await command('T0ACME', 'U0ACMEANN', 'C0ACMEGENERAL', 'start Design a news feed --plan 1h/1h/1h/1h --interviewer <@U0INITCAL|cal>');
    expect(ephemeralText(started)).toMatch(/Starting/);
    await until('the shared session’s root', () => rows<{ root_ts: string | null }>("SELECT root_ts FROM sessions WHERE status <> 'ended' AND channel_id = 'C0ACMEGENERAL'")[0]?.root_ts);

    // From the other organisation: the same session in status, no second one on start, and the interviewer moves it on.
    expect(ephemeralText(await command('T0INITECH', 'U0INITCAL', 'C0ACMEGENERAL', 'status'))).toContain('Design a news feed');
    expect(ephemeralText(await command('T0INITECH', 'U0INITCAL', 'C0ACMEGENERAL', 'start Another one'))).not.toMatch(/Starting/);
    expect(ephemeralText(await command('T0INITECH', 'U0INITCAL', 'C0ACMEGENERAL', 'next'))).toMatch(/On to phase 2/);
    expect(rows("SELECT id FROM sessions WHERE status <> 'ended' AND channel_id = 'C0ACMEGENERAL'")).toHaveLength(1);
    // Posts into the shared channel are still made by the installation that owns the session.
    await until('the phase 2 post', () => postersIn('C0ACMEGENERAL').length >= 1 && slack.allMessages().some((m) => m.channel === 'C0ACMEGENERAL' && /High-level design/.test(m.text) && m.thread_ts));
    expect(postersIn('C0ACMEGENERAL').every((team) => team === 'T0ACME')).toBe(true);
  }, 60_000);
});

describe('a private channel', () => {
  it('posts what waited once the workspace’s own bot is invited: member_joined_channel names that installation’s bot user', async () => {
    // Acme is installed by the first test; run on its own (-t), this test installs it itself.
    if (!slack.installation('T0ACME')) expect((await install({ teamId: 'T0ACME' })).status).toBe(200);
    await command('T0ACME', 'U0ACMEANN', 'G0ACMEPREP', 'start Design a cache --plan 1h/1h/1h/1h');
    const session = () => rows<{ status: string; pause_reason: string | null }>("SELECT status, pause_reason FROM sessions WHERE channel_id = 'G0ACMEPREP'")[0];
    await until('the session to wait for an invitation', () => session()?.pause_reason === 'not_in_channel');
    const refused = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === 'G0ACMEPREP' && !c.ok).length;
    // Invited just after a refused try, so the next try by backoff is seconds away: what posts now is the event's doing.
    await until('a few refused tries', () => refused() >= 3);
    const tries = refused();
    await until('another refused try', () => refused() > tries);
    const botUserId = slack.installation('T0ACME')?.botUserId ?? '';
    expect(botUserId).toMatch(/^U/);
    slack.addToChannel('G0ACMEPREP', botUserId);
    await slack.sendEvent('T0ACME', { type: 'member_joined_channel', user: botUserId, channel: 'G0ACMEPREP', channel_type: 'G', team: 'T0ACME', event_ts: '2.2' });
    await until('the log of the invitation', () => app.logs().some((l) => l.msg === 'invited to a channel; posting what waited for it' && l.channel === 'G0ACMEPREP'));
    await until('the root in the private channel', () => postersIn('G0ACMEPREP').length >= 1);
    expect(new Set(postersIn('G0ACMEPREP'))).toEqual(new Set(['T0ACME']));
    expect(session()).toMatchObject({ status: 'running', pause_reason: null });
  }, 60_000);
});
