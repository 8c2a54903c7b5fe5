/**
 * `npm run sandbox -- --workspaces` through the page's JSON API, against the real app installing through OAuth: the
 * install pages over plain HTTP (the browser's part is in test/e2e), a session per workspace posted with that
 * workspace's own installation, Slack Connect, and an uninstall that ends one workspace's session only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, GLOBEX, SHARED_CHANNEL, startSandbox } from '../../sandbox/main.ts';
import type { Sandbox } from '../../sandbox/main.ts';
import type { PostedBy, WorkspacesInfo } from '../../sandbox/web/platform.ts';
import { renderMessageContent, toText } from '../../sandbox/web/render.js';

interface Message {
  ts: string;
  user: string;
  text: string;
  team?: string;
  user_team?: string;
  blocks?: Array<Record<string, unknown>>;
  postedBy?: PostedBy;
}
interface Ephemeral {
  ts: string;
  text: string;
  blocks?: unknown[];
  from: 'app' | 'slackbot';
}
interface State {
  channel: { messages: Message[]; ephemerals: Ephemeral[] } | null;
  thread: { parent: Message; replies: Message[] } | null;
}

const ACME_GENERAL = 'C0ACMEGENERAL';
const GLOBEX_GENERAL = 'C0GLOBEXGENERAL';

let sandbox: Sandbox;
const output: string[] = [];

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${sandbox.url}${path}`);
  expect(res.status, `GET ${path}`).toBe(200);
  return (await res.json()) as T;
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T;
  expect(res.status, `POST ${path}: ${JSON.stringify(json)}`).toBe(200);
  return json;
}

const state = (user: string, channel: string, thread?: string) => get<State>(`/api/state?${new URLSearchParams({ user, channel, ...(thread ? { thread } : {}) })}`);
const workspaces = () => get<WorkspacesInfo>('/api/workspaces');
const command = (user: string, channel: string, text: string) => post<{ ok: boolean }>('/api/command', { user, channel, text });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output.slice(-15).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function seen(m: { text: string; blocks?: unknown[] }): string {
  return toText(renderMessageContent(m, { users: new Map(), channels: new Map(), viewer: { id: 'U0ALICE', tz: 'Europe/London' } }));
}

function headerOf(m: Message): string {
  const header = m.blocks?.find((b) => b.type === 'header') as { text?: { text?: string } } | undefined;
  return header?.text?.text ?? '';
}

const decodeHtml = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/**
 * What a browser does on the install pages: the app's Add to Slack page (it sets the state cookie), Slack's authorize
 * page (the stand-in), Allow for one workspace, and back to the app's redirect URL with the cookie. Returns the page
 * the app ends on.
 */
async function installThroughPages(teamName: string): Promise<{ status: number; html: string }> {
  const page = await fetch(sandbox.installUrl ?? '', { redirect: 'manual' });
  expect(page.status).toBe(200);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  expect(cookie).not.toBe('');
  const addToSlack = /id="add-to-slack" href="([^"]+)"/.exec(await page.text())?.[1];
  expect(addToSlack, 'the Add to Slack link').toBeDefined();
  const authorizeUrl = new URL(decodeHtml(addToSlack ?? ''));
  expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(sandbox.standIn.authorizeUrl);
  const authorize = await (await fetch(authorizeUrl)).text();
  const allow = new RegExp(`the ${teamName} workspace\\.</p><a class="allow" href="([^"]+)"`).exec(authorize)?.[1];
  expect(allow, `Allow for ${teamName}`).toBeDefined();
  const allowed = await fetch(new URL(decodeHtml(allow ?? ''), sandbox.standIn.url), { redirect: 'manual' });
  expect(allowed.status).toBe(302);
  const back = new URL(allowed.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe(sandbox.installUrl?.replace('/slack/install', '/slack/oauth_redirect'));
  const done = await fetch(back, { headers: { cookie }, redirect: 'manual' });
  return { status: done.status, html: await done.text() };
}

async function rootMessage(user: string, channel: string, topic: string): Promise<Message> {
  return waitFor(`the root message of ${topic}`, async () =>
    (await state(user, channel)).channel?.messages.find((m) => headerOf(m) === `Mock system design: ${topic}`),
  );
}

const replies = async (user: string, channel: string, root: Message) => (await state(user, channel, root.ts)).thread?.replies ?? [];

beforeAll(async () => {
  // The database is the mode's default, `:memory:`.
  sandbox = await startSandbox({ port: 0, workspaces: true, log: (line) => output.push(line) });
}, 30_000);

afterAll(async () => {
  await sandbox?.stop();
}, 30_000);

describe('the sandbox with two workspaces', () => {
  it('starts the app in OAuth mode, with Acme and Globex waiting for Add to Slack and uninstall events going to the app', async () => {
    expect(sandbox.mode).toBe('workspaces');
    expect(sandbox.installUrl).toBe(sandbox.appUrl.replace('/slack/events', '/slack/install'));
    expect(output.some((line) => line.startsWith('[app]') && line.includes('"msg":"installing in many workspaces"'))).toBe(true);
    expect(sandbox.standIn.eventDelivery).toEqual({ url: sandbox.appUrl, signingSecret: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(sandbox.standIn.oauthApp.redirectUris).toEqual([sandbox.installUrl?.replace('/slack/install', '/slack/oauth_redirect')]);
    const list = await workspaces();
    expect(list).toMatchObject({ mode: 'workspaces', installUrl: sandbox.installUrl });
    expect(list.workspaces.map((w) => [w.team.name, w.installed])).toEqual([['Acme', false], ['Globex', false]]);
    const globex = await get<{ channels: Array<{ id: string; sharedWith: string[] }> }>(`/api/workspace?team=${GLOBEX.teamId}`);
    expect(globex.channels.find((c) => c.id === SHARED_CHANNEL.id)?.sharedWith).toEqual([ACME.teamId]);
  });

  it('answers a command from a workspace without the app with its install link, shown only to the typer', async () => {
    expect(await command('U0ERIN', GLOBEX_GENERAL, '/mockdesign start Design a chat app')).toMatchObject({ ok: true });
    const erin = await state('U0ERIN', GLOBEX_GENERAL);
    const answer = erin.channel?.ephemerals.at(-1);
    expect(answer?.from).toBe('app');
    expect(answer?.text).toContain(`<${sandbox.installUrl}|Add mockdesign to Slack>`);
    expect(seen(answer ?? { text: '' })).toContain("mockdesign isn't installed in this workspace");
    expect(erin.channel?.messages).toEqual([]);
    expect((await state('U0FRANK', GLOBEX_GENERAL)).channel?.ephemerals).toEqual([]);
  });

  it('refuses an install link opened in another browser (no state cookie), and installs nothing', async () => {
    const page = await fetch(sandbox.installUrl ?? '');
    const href = decodeHtml(/id="add-to-slack" href="([^"]+)"/.exec(await page.text())?.[1] ?? '');
    const authorize = await (await fetch(href)).text();
    const allow = /the Acme workspace\.<\/p><a class="allow" href="([^"]+)"/.exec(authorize)?.[1] ?? '';
    const allowed = await fetch(new URL(decodeHtml(allow), sandbox.standIn.url), { redirect: 'manual' });
    const done = await fetch(allowed.headers.get('location') ?? '');
    expect(done.status).toBe(400);
    expect(await done.text()).toContain('This install link has expired or was not started here');
    expect((await workspaces()).workspaces.map((w) => w.installed)).toEqual([false, false]);
  });

  it('ends a cancelled install on the app\u2019s "Install cancelled" page, with nothing installed', async () => {
    const page = await fetch(sandbox.installUrl ?? '');
    const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const href = decodeHtml(/id="add-to-slack" href="([^"]+)"/.exec(await page.text())?.[1] ?? '');
    const cancel = /<a class="cancel" href="([^"]+)"/.exec(await (await fetch(href)).text())?.[1] ?? '';
    const cancelled = await fetch(new URL(decodeHtml(cancel), sandbox.standIn.url), { redirect: 'manual' });
    expect(new URL(cancelled.headers.get('location') ?? '').searchParams.get('error')).toBe('access_denied');
    const done = await fetch(cancelled.headers.get('location') ?? '', { headers: { cookie } });
    expect(await done.text()).toContain('Install cancelled');
    expect((await workspaces()).workspaces.map((w) => w.installed)).toEqual([false, false]);
  });

  let acmeInstallation = '';
  let globexInstallation = '';
  let acmeRoot: Message;
  let globexRoot: Message;

  it('installs Acme through the app\u2019s pages and Slack\u2019s authorize page, then runs a session posted with Acme\u2019s installation', async () => {
    const done = await installThroughPages('Acme');
    expect(done.status).toBe(200);
    expect(done.html).toContain('mockdesign is installed in Acme');
    const list = await workspaces();
    expect(list.workspaces.map((w) => w.installed)).toEqual([true, false]);
    acmeInstallation = list.workspaces[0]?.installation?.id ?? '';
    expect(list.workspaces[0]?.installation).toMatchObject({ id: expect.stringMatching(/^inst-/), botUserId: ACME.botUserId, tokenId: expect.stringMatching(/^tok-/) });

    // Long enough to still be running when Globex is uninstalled below.
    expect(await command('U0ALICE', ACME_GENERAL, '/mockdesign start Design a URL shortener --plan 6s/6s/6s/6s')).toMatchObject({ ok: true });
    acmeRoot = await rootMessage('U0ALICE', ACME_GENERAL, 'Design a URL shortener');
    expect(acmeRoot.postedBy).toMatchObject({ teamId: ACME.teamId, teamName: 'Acme', installationId: acmeInstallation, botUserId: ACME.botUserId });
  });

  it('installs Globex the same way; each workspace\u2019s posts are made with its own installation\u2019s token', async () => {
    expect((await installThroughPages('Globex')).html).toContain('mockdesign is installed in Globex');
    const list = await workspaces();
    expect(list.workspaces.map((w) => w.installed)).toEqual([true, true]);
    globexInstallation = list.workspaces[1]?.installation?.id ?? '';
    expect(globexInstallation).not.toBe(acmeInstallation);

    expect(await command('U0ERIN', GLOBEX_GENERAL, '/mockdesign start Design a chat app --plan 6s/6s/6s/6s')).toMatchObject({ ok: true });
    globexRoot = await rootMessage('U0ERIN', GLOBEX_GENERAL, 'Design a chat app');
    expect(globexRoot.postedBy).toMatchObject({ teamId: GLOBEX.teamId, teamName: 'Globex', installationId: globexInstallation, botUserId: GLOBEX.botUserId });
    await waitFor('phase 1 in Globex', async () => ((await replies('U0ERIN', GLOBEX_GENERAL, globexRoot)).length > 0 ? true : undefined));

    // The stand-in's record of every post: which installation's token made it, and where it acted.
    const { standIn } = sandbox;
    const posts = standIn.calls.filter((c) => c.method === 'chat.postMessage' && c.ok);
    const inAcme = posts.filter((c) => c.params.channel === ACME_GENERAL);
    const inGlobex = posts.filter((c) => c.params.channel === GLOBEX_GENERAL);
    expect(inAcme.length).toBeGreaterThanOrEqual(2);
    expect(inGlobex.length).toBeGreaterThanOrEqual(2);
    for (const c of inAcme) expect(c.auth).toMatchObject({ installationId: acmeInstallation, teamId: ACME.teamId, userId: ACME.botUserId, tokenKind: 'bot' });
    for (const c of inGlobex) expect(c.auth).toMatchObject({ installationId: globexInstallation, teamId: GLOBEX.teamId, userId: GLOBEX.botUserId, tokenKind: 'bot' });
    const acmeToken = standIn.botTokenFor(ACME.teamId) ?? '';
    expect(standIn.callsWith(acmeToken).every((c) => c.auth?.teamId === ACME.teamId)).toBe(true);
    expect(standIn.callsWith(acmeToken).some((c) => c.params.channel === GLOBEX_GENERAL)).toBe(false);
  });

  it('uninstalling Globex ends its session at once; Acme\u2019s carries on to its summary', async () => {
    const uninstalledAt = Date.now();
    const outcome = await post<{ ok: boolean; events: Array<{ type: string; delivered: boolean; status?: number }> }>('/api/uninstall', { team: GLOBEX.teamId });
    expect(outcome).toEqual({
      ok: true,
      events: [
        { type: 'tokens_revoked', delivered: true, status: 200 },
        { type: 'app_uninstalled', delivered: true, status: 200 },
      ],
    });
    await waitFor('the app ending Globex\u2019s session', async () =>
      output.some((line) => line.includes('"msg":"access revoked; live sessions ended"') && line.includes(`"team":"${GLOBEX.teamId}"`) && line.includes('"sessions":1'))
        ? true
        : undefined,
    );
    expect((await workspaces()).workspaces.map((w) => w.installed)).toEqual([true, false]);
    const frozen = (await replies('U0ERIN', GLOBEX_GENERAL, globexRoot)).length;

    const acmeThread = await waitFor(
      'Acme\u2019s summary',
      async () => {
        const thread = await replies('U0ALICE', ACME_GENERAL, acmeRoot);
        return thread.some((m) => headerOf(m) === 'Summary') ? thread : undefined;
      },
      30_000,
    );
    expect(acmeThread.map(headerOf).filter(Boolean)).toEqual([
      'Phase 1 of 4 · Requirements & scope', 'Phase 2 of 4 · High-level design', 'Phase 3 of 4 · Deep dive', 'Phase 4 of 4 · Wrap-up', 'Summary',
    ]);
    const globexThread = await replies('U0ERIN', GLOBEX_GENERAL, globexRoot);
    expect(globexThread.length).toBe(frozen);
    expect(globexThread.some((m) => headerOf(m) === 'Summary')).toBe(false);
    // Acme's installation kept posting after the uninstall.
    const after = sandbox.standIn.calls.filter((c) => c.at > uninstalledAt && c.method === 'chat.postMessage' && c.ok);
    expect(after.filter((c) => c.auth?.installationId === acmeInstallation).length).toBeGreaterThan(0);

    // Without an installation, Globex gets the install link again; installed anew, no session is running there.
    await command('U0FRANK', GLOBEX_GENERAL, '/mockdesign status');
    expect((await state('U0FRANK', GLOBEX_GENERAL)).channel?.ephemerals.at(-1)?.text).toContain('/slack/install|Add mockdesign to Slack>');
    expect((await installThroughPages('Globex')).html).toContain('mockdesign is installed in Globex');
    await command('U0FRANK', GLOBEX_GENERAL, '/mockdesign status');
    expect(seen((await state('U0FRANK', GLOBEX_GENERAL)).channel?.ephemerals.at(-1) ?? { text: '' })).toContain('No session is running in this channel.');
  }, 45_000);

  it('runs one session in the channel Acme shares with Globex: Acme\u2019s installation posts, Globex people see it and take part', async () => {
    expect(await command('U0ALICE', SHARED_CHANNEL.id, '/mockdesign start Design a news feed --plan 1m/1m/1m/1m')).toMatchObject({ ok: true });
    const root = await rootMessage('U0ERIN', SHARED_CHANNEL.id, 'Design a news feed');
    expect(root).toMatchObject({ user: ACME.botUserId, user_team: ACME.teamId, postedBy: { teamName: 'Acme', installationId: acmeInstallation } });
    await command('U0ERIN', SHARED_CHANNEL.id, '/mockdesign status');
    const status = await waitFor('erin\u2019s status', async () => (await state('U0ERIN', SHARED_CHANNEL.id)).channel?.ephemerals.at(-1));
    expect(seen(status)).toContain('Design a news feed');
    await command('U0ALICE', SHARED_CHANNEL.id, '/mockdesign end');
    await waitFor('the summary in the shared channel', async () =>
      (await replies('U0ERIN', SHARED_CHANNEL.id, root)).some((m) => headerOf(m) === 'Summary') ? true : undefined,
    );
  });

  it('refuses to uninstall a workspace the app is not installed in', async () => {
    await post('/api/uninstall', { team: GLOBEX.teamId });
    const res = await fetch(`${sandbox.url}/api/uninstall`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ team: GLOBEX.teamId }) });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ ok: false, error: 'the app is not installed in Globex' });
  });
});
