import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Installation } from '@slack/bolt';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import {
  authorizeUrlFor,
  BOT_SCOPES,
  createStateStore,
  installRoutes,
  InvalidStateError,
  REDIRECT_PATH,
  renderFailedPage,
  renderInstalledPage,
  renderInstallPage,
  STATE_TTL_MS,
} from '../../../src/slack/oauth.ts';
import { PROJECT_ROOT } from '../../support/app-process.ts';
import { fixedClock } from '../../support/fixed-clock.ts';
import { openInstallPage } from '../../support/install-page.ts';

function manifest(): string {
  return readFileSync(join(PROJECT_ROOT, 'manifest.yml'), 'utf8');
}

describe('the install flow’s pieces', () => {
  it('asks for exactly the bot scopes manifest.yml declares', () => {
    const bot = /scopes:\n\s+bot:\n((?:\s+(?:#.*|- .+)\n)+)/.exec(manifest())?.[1] ?? '';
    const declared = [...bot.matchAll(/- (\S+)/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(3);
    expect([...BOT_SCOPES].sort()).toEqual([...declared].sort());
  });

  it('declares the OAuth redirect path the app serves', () => {
    expect(manifest()).toMatch(new RegExp(`redirect_urls:\\n\\s+- https://[^\\s]+${REDIRECT_PATH}\\n`));
  });

  it('finds Slack’s authorize page beside the Web API it is pointed at', () => {
    expect(authorizeUrlFor('https://slack.com/api/')).toBe('https://slack.com/oauth/v2/authorize');
    expect(authorizeUrlFor('https://slack-gov.com/api/')).toBe('https://slack-gov.com/oauth/v2/authorize');
    expect(authorizeUrlFor('http://127.0.0.1:4567/api/')).toBe('http://127.0.0.1:4567/oauth/v2/authorize');
  });

  describe('state', () => {
    const options = { scopes: ['commands'], redirectUri: 'https://x.example/slack/oauth_redirect' };

    it('round-trips the install options, made and checked by two instances sharing the secret', async () => {
      const clock = fixedClock();
      const state = await createStateStore('s'.repeat(32), clock.now).generateStateParam(options, new Date());
      expect(await createStateStore('s'.repeat(32), clock.now).verifyStateParam(new Date(), state)).toEqual(options);
    });

    it('refuses a state made with another secret, a tampered one, and garbage', async () => {
      const clock = fixedClock();
      const mine = createStateStore('a'.repeat(32), clock.now);
      const theirs = await createStateStore('b'.repeat(32), clock.now).generateStateParam(options, new Date());
      await expect(mine.verifyStateParam(new Date(), theirs)).rejects.toBeInstanceOf(InvalidStateError);
      const good = await mine.generateStateParam(options, new Date());
      const [payload, mac] = good.split('.');
      const forged = `${Buffer.from(JSON.stringify({ at: clock.now(), installOptions: { scopes: ['admin'] } })).toString('base64url')}.${mac}`;
      await expect(mine.verifyStateParam(new Date(), forged)).rejects.toBeInstanceOf(InvalidStateError);
      await expect(mine.verifyStateParam(new Date(), `${payload}`)).rejects.toBeInstanceOf(InvalidStateError);
      await expect(mine.verifyStateParam(new Date(), 'not-a-state')).rejects.toBeInstanceOf(InvalidStateError);
    });

    it('expires after ten minutes by our clock', async () => {
      const clock = fixedClock();
      const store = createStateStore('s'.repeat(32), clock.now);
      const state = await store.generateStateParam(options, new Date());
      clock.advance(STATE_TTL_MS);
      await expect(store.verifyStateParam(new Date(), state)).resolves.toEqual(options);
      clock.advance(1);
      await expect(store.verifyStateParam(new Date(), state)).rejects.toThrow(/expired/);
    });
  });

  describe('pages', () => {
    it('links the Add to Slack button to the authorize URL, escaped', () => {
      const html = renderInstallPage('https://slack.com/oauth/v2/authorize?scope=a,b&state=x"y<z');
      expect(html).toContain('href="https://slack.com/oauth/v2/authorize?scope=a,b&amp;state=x&quot;y&lt;z"');
    });

    it('names the workspace installed into and links into Slack, with every name escaped', () => {
      const installation = {
        team: { id: 'T123', name: '<script>alert(1)</script> & co' },
        enterprise: undefined,
        isEnterpriseInstall: false,
        appId: 'A9',
        user: { id: 'U1', token: undefined, scopes: undefined },
      } as unknown as Installation;
      const html = renderInstalledPage(installation);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
      expect(html).not.toContain('<script>');
      expect(html).toContain('slack://app?team=T123&amp;id=A9');
      expect(html).toContain('https://app.slack.com/client/T123');
    });

    it('says what went wrong, with a status that fits, and never installs on a bad state', () => {
      expect(renderFailedPage('slack_oauth_invalid_state')).toMatchObject({ status: 400 });
      expect(renderFailedPage('slack_oauth_invalid_state').html).toMatch(/expired or was not started here/);
      expect(renderFailedPage('slack_oauth_missing_state').status).toBe(400);
      expect(renderFailedPage('slack_oauth_user_cancelled').html).toMatch(/Install cancelled/);
      const unknown = renderFailedPage('slack_webapi_platform_error <b>');
      expect(unknown.status).toBe(502);
      expect(unknown.html).toContain('slack_webapi_platform_error &lt;b&gt;');
    });
  });

  describe('the routes, logging at debug level', () => {
    const CLIENT_SECRET = 'c0ffee-client-secret-4f1e2d';
    const STATE_SECRET = 'state-secret-of-thirty-two-chars';
    const CODE = '4724469134.4644010092847.232b4e6d82c333b';
    const BOT_TOKEN = 'xoxe.xoxb-1-MS0yLTQ3MjQ0Njkx-botpart';
    const REFRESH_TOKEN = 'xoxe-1-My0xLTQ3MjQ0NjkxMzQ-refreshpart';
    let server: Server | undefined;
    afterEach(async () => {
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
      server = undefined;
    });

    /** The two routes on a loopback server, logging every line at debug; Slack's Web API is nock's. */
    async function serve(lines: string[]): Promise<string> {
      const routes = installRoutes({
        clientId: '4444444444.5555555555',
        clientSecret: CLIENT_SECRET,
        stateSecret: STATE_SECRET,
        installationStore: { storeInstallation: async () => undefined, fetchInstallation: async () => Promise.reject(new Error('none')) },
        slackApiUrl: 'https://slack.test/api/',
        publicUrl: 'http://127.0.0.1',
        clock: Date.now,
        logger: createLogger('debug', (line) => lines.push(line)),
      });
      server = createServer((req, res) => void routes.find((r) => req.url?.startsWith(r.path))?.handler(req, res));
      await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    async function finish(appUrl: string): Promise<number> {
      const { cookie, authorize } = await openInstallPage(appUrl);
      const state = encodeURIComponent(authorize.searchParams.get('state') ?? '');
      const res = await fetch(`${appUrl}${REDIRECT_PATH}?code=${CODE}&state=${state}`, { headers: { cookie } });
      await res.text();
      return res.status;
    }

    const secrets = [CLIENT_SECRET, STATE_SECRET, CODE, 'botpart', 'refreshpart'];

    it('writes neither the client secret nor the code when Slack refuses the exchange, and keeps the request’s other lines', async () => {
      const lines: string[] = [];
      const appUrl = await serve(lines);
      nock('https://slack.test').post('/api/oauth.v2.access').reply(200, { ok: false, error: 'invalid_code' });
      expect(await finish(appUrl)).toBe(502);
      for (const secret of secrets) expect(lines.filter((l) => l.includes(secret)), secret).toEqual([]);
      const debug = lines.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'debug');
      expect(debug.map((l) => l.msg)).toEqual(expect.arrayContaining(["apiCall('oauth.v2.access') start", 'http request url: https://slack.test/api/oauth.v2.access']));
      expect(lines.join('\n')).toContain('invalid_code');
    });

    it('writes no secret, code or token when an install with token rotation succeeds', async () => {
      const lines: string[] = [];
      const appUrl = await serve(lines);
      nock('https://slack.test')
        .post('/api/oauth.v2.access')
        .reply(200, {
          ok: true,
          app_id: 'A1',
          access_token: BOT_TOKEN,
          refresh_token: REFRESH_TOKEN,
          expires_in: 43200,
          token_type: 'bot',
          scope: BOT_SCOPES.join(','),
          bot_user_id: 'U0BOT',
          team: { id: 'T1', name: 'Acme' },
          enterprise: null,
          is_enterprise_install: false,
          authed_user: { id: 'U1' },
        })
        .post('/api/auth.test')
        .reply(200, { ok: true, team_id: 'T1', user_id: 'U0BOT', bot_id: 'B1' });
      expect(await finish(appUrl)).toBe(200);
      expect(lines.some((l) => l.includes('"msg":"installed"'))).toBe(true);
      for (const secret of secrets) expect(lines.filter((l) => l.includes(secret)), secret).toEqual([]);
    });
  });
});
