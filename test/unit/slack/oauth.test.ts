import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Installation } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  authorizeUrlFor,
  BOT_SCOPES,
  createStateStore,
  InvalidStateError,
  REDIRECT_PATH,
  renderFailedPage,
  renderInstalledPage,
  renderInstallPage,
  STATE_TTL_MS,
} from '../../../src/slack/oauth.ts';
import { PROJECT_ROOT } from '../../support/app-process.ts';
import { fixedClock } from '../../support/fixed-clock.ts';

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
});
