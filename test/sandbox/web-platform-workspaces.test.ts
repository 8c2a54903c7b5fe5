/** The sandbox's Slack side with two workspaces and a shared channel (`--workspaces`), against a scripted fake app. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACME, GLOBEX, SHARED_CHANNEL, startSandboxStandIn } from '../../sandbox/main.ts';
import { createSignedClient } from '../../sandbox/signed-client.ts';
import type { SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { DEFAULT_MANIFEST } from '../../sandbox/web/manifest.ts';
import { createPlatform } from '../../sandbox/web/platform.ts';
import type { Platform, PlatformChange } from '../../sandbox/web/platform.ts';

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const INSTALL_URL = 'http://127.0.0.1:9/slack/install';

let standIn: SlackStandIn;
let app: Server;
let platform: Platform;
let received: Array<{ kind: 'command' | 'interactive' | 'event'; body: Record<string, unknown> }>;
let changes: PlatformChange[];

/** Acks everything with 200 and an empty body, keeping what it was sent. */
async function startFakeApp(): Promise<string> {
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.headers['content-type'] === 'application/json') received.push({ kind: 'event', body: JSON.parse(raw) as Record<string, unknown> });
      else {
        const form = new URLSearchParams(raw);
        const payload = form.get('payload');
        received.push(payload ? { kind: 'interactive', body: JSON.parse(payload) as Record<string, unknown> } : { kind: 'command', body: Object.fromEntries(form) });
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
}

/** What the app's install does, without the pages: the stand-in issues a token for the workspace. */
function install(teamId: string): string {
  const answer = standIn.install({ teamId, scopes: 'commands,chat:write,chat:write.public' });
  expect(answer.ok).toBe(true);
  return String(answer.access_token);
}

async function postAsBot(token: string, channel: string, text: string): Promise<{ ok: boolean; ts?: string; error?: string }> {
  const res = await fetch(`${standIn.apiUrl}chat.postMessage`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ channel, text }),
  });
  return (await res.json()) as { ok: boolean; ts?: string; error?: string };
}

beforeEach(async () => {
  received = [];
  changes = [];
  standIn = await startSandboxStandIn(true);
  const appUrl = await startFakeApp();
  standIn.eventDelivery = { url: appUrl, signingSecret: SECRET };
  platform = createPlatform({ standIn, client: createSignedClient({ appUrl, signingSecret: SECRET }), ackTimeoutMs: 1000, installUrl: INSTALL_URL });
  platform.events.on('change', (change: PlatformChange) => changes.push(change));
});

afterEach(async () => {
  app.closeAllConnections();
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await standIn.stop();
});

describe('two workspaces', () => {
  it('starts with Acme and Globex, neither with the app installed, and nothing sent anywhere', () => {
    const list = platform.workspaces();
    expect(list.mode).toBe('workspaces');
    expect(list.installUrl).toBe(INSTALL_URL);
    expect(list.workspaces.map((w) => [w.team.id, w.team.name, w.installed, w.installation])).toEqual([
      [ACME.teamId, 'Acme', false, null],
      [GLOBEX.teamId, 'Globex', false, null],
    ]);
    expect(list.workspaces[1]?.people.map((u) => [u.id, u.teamId])).toEqual(GLOBEX.users.map((u) => [u.id, GLOBEX.teamId]));
    expect(standIn.sentEvents).toEqual([]);
  });

  it('shows each workspace its own people and channels, the shared channel on both sides, and the other side\u2019s people in it', () => {
    const acme = platform.workspaceInfo(ACME.teamId);
    const globex = platform.workspaceInfo(GLOBEX.teamId);
    expect(globex).toMatchObject({ team: { id: GLOBEX.teamId, name: 'Globex', domain: 'globex' }, installed: false, bot: { userId: GLOBEX.botUserId } });
    expect(acme.channels.map((c) => c.id)).toEqual(ACME.channels.map((c) => c.id));
    expect(globex.channels.map((c) => c.id)).toEqual([...GLOBEX.channels.map((c) => c.id), SHARED_CHANNEL.id]);
    expect(acme.channels.find((c) => c.id === SHARED_CHANNEL.id)).toMatchObject({ teamId: ACME.teamId, sharedWith: [GLOBEX.teamId], botIsMember: true });
    expect(globex.channels.find((c) => c.id === SHARED_CHANNEL.id)).toMatchObject({ teamId: ACME.teamId, sharedWith: [ACME.teamId], botIsMember: true });
    // alice (Acme) is in the shared channel, so Globex people see her, marked as Acme's; carol (Acme only) is not.
    expect(globex.users.find((u) => u.id === 'U0ALICE')).toMatchObject({ name: 'alice', teamId: ACME.teamId, isBot: false });
    expect(globex.users.find((u) => u.id === ACME.botUserId)).toMatchObject({ isBot: true, teamId: ACME.teamId });
    expect(globex.users.some((u) => u.id === 'U0CAROL')).toBe(false);
    expect(() => platform.workspaceInfo('T0NOWHERE')).toThrow(/unknown workspace/);
  });

  it('sends a command as the typer\u2019s own workspace, installed or not, and resolves @names across the shared channel', async () => {
    await platform.runCommand('U0ERIN', GLOBEX.channels[0]?.id ?? '', '/mockdesign status');
    expect(received.at(-1)?.body).toMatchObject({
      command: '/mockdesign', user_id: 'U0ERIN', user_name: 'erin', team_id: GLOBEX.teamId, team_domain: 'globex', channel_id: 'C0GLOBEXGENERAL',
    });
    await platform.runCommand('U0ERIN', SHARED_CHANNEL.id, '/mockdesign start Design a chat app --interviewer @alice');
    expect(received.at(-1)?.body).toMatchObject({ team_id: GLOBEX.teamId, channel_id: SHARED_CHANNEL.id, text: 'start Design a chat app --interviewer <@U0ALICE|alice>' });
    await expect(platform.runCommand('U0ERIN', 'C0ACMEGENERAL', '/mockdesign status')).rejects.toMatchObject({ status: 404 });
  });

  it('sends app_home_opened and the bot\u2019s member_joined_channel only to a workspace with the app installed', async () => {
    expect(await platform.openAppHome('U0ERIN', 'home')).toEqual({ ok: true, sent: false, channel: 'DU0ERIN' });
    expect(await platform.runCommand('U0ERIN', 'C0GLOBEXDESIGN', '/invite @mockdesign')).toEqual({ ok: true });
    expect(received).toEqual([]);
    install(GLOBEX.teamId);
    expect(await platform.openAppHome('U0FRANK', 'home')).toEqual({ ok: true, sent: true, channel: 'DU0FRANK' });
    expect(received.at(-1)?.body).toMatchObject({
      team_id: GLOBEX.teamId, event: { type: 'app_home_opened', user: 'U0FRANK' },
      authorizations: [{ team_id: GLOBEX.teamId, user_id: GLOBEX.botUserId, is_bot: true }],
    });
  });

  it('sends a person\u2019s message once, through an installation whose bot is in the channel: the poster\u2019s side first', async () => {
    const seen: Array<Record<string, unknown>> = [];
    standIn.eventDelivery = async (envelope) => void seen.push(envelope);
    const listening = createPlatform({
      standIn, client: createSignedClient({ appUrl: 'http://127.0.0.1:9/slack/events', signingSecret: SECRET }), installUrl: INSTALL_URL,
      manifest: { ...DEFAULT_MANIFEST, botEvents: ['message.channels', 'message.groups'] },
    });
    const messages = () => seen.filter((e) => (e.event as { type: string }).type === 'message');
    listening.postMessage('U0FRANK', SHARED_CHANNEL.id, 'nobody has the app');
    expect(messages()).toEqual([]);

    // Only Acme has the app: frank's message in Acme's shared channel reaches it through Acme's installation.
    install(ACME.teamId);
    const first = listening.postMessage('U0FRANK', SHARED_CHANNEL.id, 'heard through Acme');
    expect(messages().map((e) => [e.team_id, e.is_ext_shared_channel, (e.authorizations as Array<{ user_id: string }>)[0]?.user_id])).toEqual([
      [ACME.teamId, true, ACME.botUserId],
    ]);
    expect(messages()[0]?.event).toEqual({
      type: 'message', channel: SHARED_CHANNEL.id, user: 'U0FRANK', text: 'heard through Acme', ts: first.ts, event_ts: first.ts, channel_type: 'channel',
      team: GLOBEX.teamId, user_team: GLOBEX.teamId, source_team: GLOBEX.teamId,
    });

    // Both have it: once, through frank's own workspace; alice's (Acme) through Acme's.
    install(GLOBEX.teamId);
    listening.postMessage('U0FRANK', SHARED_CHANNEL.id, 'heard through Globex');
    listening.postMessage('U0ALICE', SHARED_CHANNEL.id, 'heard through Acme again');
    expect(messages().slice(1).map((e) => [e.team_id, (e.event as { text: string }).text])).toEqual([
      [GLOBEX.teamId, 'heard through Globex'],
      [ACME.teamId, 'heard through Acme again'],
    ]);
    // Globex's #system-design, which its bot is not in: nothing.
    listening.postMessage('U0FRANK', 'C0GLOBEXDESIGN', 'not for the bot');
    expect(messages()).toHaveLength(3);
  });

  it('says which installation posted each of the app\u2019s messages, from the token that made the call', async () => {
    const acmeToken = install(ACME.teamId);
    const globexToken = install(GLOBEX.teamId);
    const fromAcme = await postAsBot(acmeToken, SHARED_CHANNEL.id, 'from Acme');
    const fromGlobex = await postAsBot(globexToken, SHARED_CHANNEL.id, 'from Globex');
    expect([fromAcme.ok, fromGlobex.ok]).toEqual([true, true]);
    const person = platform.postMessage('U0FRANK', SHARED_CHANNEL.id, 'from frank');
    const acmeInst = standIn.installation(ACME.teamId);
    const globexInst = standIn.installation(GLOBEX.teamId);
    const seen = platform.stateFor({ user: 'U0ERIN', channel: SHARED_CHANNEL.id }).channel?.messages ?? [];
    expect(seen.map((m) => [m.text, m.user_team, (m.postedBy as { installationId?: string } | undefined)?.installationId])).toEqual([
      ['from Acme', ACME.teamId, acmeInst?.id],
      ['from Globex', GLOBEX.teamId, globexInst?.id],
      ['from frank', GLOBEX.teamId, undefined],
    ]);
    expect(seen[0]?.postedBy).toEqual({
      teamId: ACME.teamId, teamName: 'Acme', installationId: acmeInst?.id, tokenId: standIn.tokenInfo(acmeToken)?.id, botUserId: ACME.botUserId, isEnterpriseInstall: false,
    });
    expect(person.ts).toBe(seen[2]?.ts);
    const list = platform.workspaces();
    expect(list.workspaces.map((w) => w.installation?.tokenId)).toEqual([standIn.tokenInfo(acmeToken)?.id, standIn.tokenInfo(globexToken)?.id]);
    expect(list.workspaces.map((w) => w.installation?.calls)).toEqual([1, 1]);
  });

  it('uninstalls a workspace like its admin would: tokens revoked, tokens_revoked and app_uninstalled sent, the page told', async () => {
    const token = install(GLOBEX.teamId);
    changes.length = 0;
    const outcome = await platform.uninstall(GLOBEX.teamId);
    expect(outcome).toEqual({
      ok: true,
      events: [
        { type: 'tokens_revoked', delivered: true, status: 200 },
        { type: 'app_uninstalled', delivered: true, status: 200 },
      ],
    });
    expect(received.map((r) => [r.body.team_id, (r.body.event as { type: string }).type])).toEqual([
      [GLOBEX.teamId, 'tokens_revoked'],
      [GLOBEX.teamId, 'app_uninstalled'],
    ]);
    expect(standIn.tokenInfo(token)?.revokedAt).not.toBeNull();
    expect(platform.workspaces().workspaces.map((w) => w.installed)).toEqual([false, false]);
    expect(changes.filter((c) => c.kind === 'workspaces').length).toBeGreaterThan(0);
    await expect(platform.uninstall(GLOBEX.teamId)).rejects.toMatchObject({ status: 409 });
  });

  it('tells the page when an install is exchanged for tokens', async () => {
    changes.length = 0;
    const location = new URL(standIn.authorize({ teamId: ACME.teamId, scopes: 'commands', redirectUri: 'http://127.0.0.1:9/slack/oauth_redirect' }));
    const res = await fetch(`${standIn.apiUrl}oauth.v2.access`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: standIn.oauthApp.clientId, client_secret: standIn.oauthApp.clientSecret, code: location.searchParams.get('code') ?? '',
        redirect_uri: 'http://127.0.0.1:9/slack/oauth_redirect',
      }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    expect(changes).toContainEqual({ kind: 'workspaces' });
  });
});

describe('one workspace', () => {
  it('refuses to uninstall: the app could not be installed again without OAuth', async () => {
    const single = await startSandboxStandIn(false);
    try {
      const p = createPlatform({ standIn: single, client: createSignedClient({ appUrl: 'http://127.0.0.1:9/slack/events', signingSecret: SECRET }) });
      expect(p.workspaces()).toMatchObject({ mode: 'single', installUrl: null, workspaces: [{ team: { id: 'T0SANDBOX', name: 'Sandbox' }, installed: true }] });
      await expect(p.uninstall('T0SANDBOX')).rejects.toMatchObject({ status: 409 });
      expect(single.installation('T0SANDBOX')).toBeDefined();
    } finally {
      await single.stop();
    }
  });
});
