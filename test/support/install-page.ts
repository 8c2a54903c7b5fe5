/** The app's install page as a browser sees it, for tests of the OAuth flow against real app processes. */
import { expect } from 'vitest';

/** What a browser does on the install page: keep the state cookie and follow Add to Slack to Slack's authorize page. */
export async function openInstallPage(appUrl: string): Promise<{ cookie: string; authorize: URL; html: string }> {
  const res = await fetch(`${appUrl}/slack/install`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  expect(cookie).toMatch(/^slack-app-oauth-state=.+/);
  const href = /id="add-to-slack" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  if (!href) throw new Error('no Add to Slack link');
  return { cookie, authorize: new URL(href), html };
}
