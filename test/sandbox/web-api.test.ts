/** The sandbox end to end over its JSON API: the real app as a child process, the Slack stand-in, and the web server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/main.ts';
import { renderBlocks, toText } from '../../sandbox/web/render.js';
import { headerOf, type Message, type SandboxApi, startSandboxApi } from '../support/sandbox-api.ts';


const NOTE = 'Cache redirects & keep 301s <fast>';

let api: SandboxApi;
let sandbox: Sandbox;
const get = <T>(path: string) => api.get<T>(path);
const post = <T>(path: string, body: unknown) => api.post<T>(path, body);
const state = (user: string, channel: string, thread?: string) => api.state(user, channel, thread);
const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number) => api.waitFor(what, probe, timeoutMs);
const seen = (m: { text: string; blocks?: unknown[] }) => api.seen(m);


function buttonIndex(m: Message, actionId: string): { blockIndex: number; elementIndex: number } {
  const blockIndex = m.blocks?.findIndex((b) => b.type === 'actions') ?? -1;
  const elements = (m.blocks?.[blockIndex]?.elements ?? []) as Array<{ action_id?: string }>;
  const elementIndex = elements.findIndex((e) => e.action_id === actionId);
  expect(blockIndex, 'actions block').toBeGreaterThanOrEqual(0);
  expect(elementIndex, `button ${actionId}`).toBeGreaterThanOrEqual(0);
  return { blockIndex, elementIndex };
}

beforeAll(async () => {
  api = await startSandboxApi('mockdesign-sandbox-');
  sandbox = api.sandbox;
}, 30_000);

afterAll(async () => {
  await api?.stop();
}, 30_000);

describe('the sandbox web server', () => {
  it('serves the page, its modules and nothing else from disk', async () => {
    const page = await fetch(`${sandbox.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    for (const asset of ['/app.js', '/render.js']) {
      const res = await fetch(`${sandbox.url}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/javascript');
    }
    expect((await fetch(`${sandbox.url}/styles.css`)).headers.get('content-type')).toContain('text/css');
    for (const path of ['/server.ts', '/../package.json', '/%2e%2e/package.json', '/render.d.ts']) {
      expect((await fetch(`${sandbox.url}${path}`)).status, path).toBe(404);
    }
  });

  it('lists the stand-in users and channels, and refuses unknown viewers and channels they are not in', async () => {
    const ws = await get<{ users: Array<{ id: string; tz: string; isBot: boolean }>; channels: Array<{ id: string }>; commands: string[] }>('/api/workspace');
    expect(ws.users.filter((u) => !u.isBot).map((u) => u.id)).toEqual(['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE']);
    expect(ws.users.find((u) => u.id === 'U0CAROL')?.tz).toBe('Asia/Kolkata');
    expect(ws.channels.map((c) => c.id)).toEqual(expect.arrayContaining(['C0GENERAL', 'C0PREP', 'G0PRIVATE']));
    expect((await fetch(`${sandbox.url}/api/state?user=U0NOBODY&channel=C0GENERAL`)).status).toBe(404);
    expect((await fetch(`${sandbox.url}/api/state?user=U0CAROL&channel=G0PRIVATE`)).status).toBe(403);
  });

  it('runs the app with one bot token: one workspace, installed, which the page cannot uninstall', async () => {
    expect(sandbox.mode).toBe('single');
    expect(sandbox.installUrl).toBeUndefined();
    const list = await get<{ mode: string; installUrl: string | null; workspaces: Array<{ team: { id: string }; installed: boolean }> }>('/api/workspaces');
    expect(list).toMatchObject({ mode: 'single', installUrl: null, workspaces: [{ team: { id: 'T0SANDBOX', name: 'Sandbox' }, installed: true }] });
    const res = await fetch(`${sandbox.url}/api/uninstall`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"team":"T0SANDBOX"}' });
    expect(res.status).toBe(409);
    expect(sandbox.standIn.installation('T0SANDBOX')).toBeDefined();
    // Events Slack sends on its own (an uninstall, revoked tokens) reach the app, signed: see the last test.
    expect(sandbox.standIn.eventDelivery).toEqual({ url: sandbox.appUrl, signingSecret: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('streams stand-in changes as Server-Sent Events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${sandbox.url}/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    await post('/api/message', { user: 'U0DAVE', channel: 'C0PREP', text: 'anyone up for a mock?' });
    let received = '';
    const decoder = new TextDecoder();
    while (!received.includes('event: change')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += decoder.decode(chunk.value);
    }
    controller.abort();
    expect(received).toMatch(/event: change\ndata: \{"kind":"message","channel":"C0PREP"/);
  });

  it('stores typed messages the way Slack does: entities escaped, mentions and links turned into references', async () => {
    const { ts } = await post<{ ts: string }>('/api/message', {
      user: 'U0ALICE', channel: 'C0PREP', text: 'ping @bob about #general & <b>caching</b> https://example.com/x',
    });
    const m = (await state('U0ALICE', 'C0PREP')).channel?.messages.find((x) => x.ts === ts);
    expect(m?.text).toBe('ping <@U0BOB> about <#C0GENERAL|general> &amp; &lt;b&gt;caching&lt;/b&gt; <https://example.com/x>');
  });

  it('answers commands it does not know, and commands typed in a thread, with Slackbot notices only the typer sees', async () => {
    expect(await post('/api/command', { user: 'U0BOB', channel: 'C0PREP', text: '/mockdesgin start x' })).toMatchObject({ ok: false, error: 'invalid_command' });
    const bob = await state('U0BOB', 'C0PREP');
    expect(bob.channel?.ephemerals.at(-1)).toMatchObject({ from: 'slackbot', text: expect.stringContaining('`/mockdesgin` is not a valid command') });
    expect((await state('U0DAVE', 'C0PREP')).channel?.ephemerals).toEqual([]);

    const { ts } = await post<{ ts: string }>('/api/message', { user: 'U0BOB', channel: 'C0PREP', text: 'thread for the mock' });
    expect(await post('/api/command', { user: 'U0BOB', channel: 'C0PREP', text: '/mockdesign status', threadTs: ts })).toMatchObject({
      ok: false, error: 'not_supported_in_threads',
    });
    expect((await state('U0BOB', 'C0PREP', ts)).thread?.ephemerals).toEqual([
      expect.objectContaining({ from: 'slackbot', thread_ts: ts, text: '`/mockdesign` is not supported in threads. Sorry!' }),
    ]);
  });

  it('shows the ack of a command as an ephemeral for the typer only', async () => {
    const result = await post<{ ok: boolean; ack: { response_type?: string } }>('/api/command', { user: 'U0CAROL', channel: 'C0PREP', text: '/mockdesign help' });
    expect(result).toMatchObject({ ok: true, ack: { response_type: 'ephemeral' } });
    const carol = await state('U0CAROL', 'C0PREP');
    expect(carol.channel?.ephemerals.at(-1)).toMatchObject({ from: 'app' });
    expect(seen(carol.channel?.ephemerals.at(-1) ?? { text: '' })).toContain('/mockdesign start <topic>');
    expect((await state('U0ALICE', 'C0PREP')).channel?.ephemerals.some((e) => e.from === 'app')).toBe(false);
  });

  it('sends app_home_opened for the Home tab and shows the view the app publishes', async () => {
    expect(await post('/api/home/open', { user: 'U0DAVE', tab: 'home' })).toEqual({ ok: true, sent: true, channel: 'DU0DAVE' });
    // The app publishes after its ack, so the view can arrive a moment later.
    const home = await waitFor('the Home view', async () => (await state('U0DAVE', 'DU0DAVE')).home ?? undefined);
    expect(home).toMatchObject({ type: 'home' });
    expect(toText(renderBlocks(home.blocks, { users: api.users }))).toContain('Your live sessions');
    expect((await state('U0CAROL', 'DU0CAROL')).home).toBeNull();
  });

  it('mirrors the manifest: its commands, and a read-only Messages tab', async () => {
    const ws = await get<{ commands: Array<{ command: string; usageHint: string }>; app: Record<string, boolean> }>('/api/workspace');
    expect(ws.commands).toEqual([expect.objectContaining({ command: '/mockdesign', usageHint: expect.stringContaining('start <topic>') })]);
    expect(ws.app).toEqual({ homeTab: true, messagesTab: true, messagesTabReadOnly: true });
    const res = await fetch(`${sandbox.url}/api/message`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'U0DAVE', channel: 'DU0DAVE', text: 'hi' }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ ok: false, error: 'Sending messages to this app has been turned off.' });
  });

  it('holds a session in a private channel the app is not in, and carries on by itself after /invite', async () => {
    await post('/api/command', { user: 'U0BOB', channel: 'G0PRIVATE', text: '/mockdesign start Design a rate limiter --plan 30s/30s/30s/30s' });
    const dm = await waitFor('the DM to the host', async () => (await state('U0BOB', 'DU0BOB')).channel?.messages.at(-1));
    expect(seen(dm)).toContain('is waiting: I can\'t post in #private-mocks because I\'m not a member');
    // Slack sends the app member_joined_channel for its own join: what waited for it goes out, no resume needed.
    expect(await post('/api/command', { user: 'U0BOB', channel: 'G0PRIVATE', text: '/invite @mockdesign' })).toEqual({ ok: true });
    expect((await get<{ channels: Array<{ id: string; botIsMember: boolean }> }>('/api/workspace')).channels.find((c) => c.id === 'G0PRIVATE')?.botIsMember).toBe(true);
    const root = await waitFor('the root message in the private channel', async () =>
      (await state('U0BOB', 'G0PRIVATE')).channel?.messages.find((m) => headerOf(m) === 'Mock system design: Design a rate limiter'),
    );
    await waitFor('phase 1', async () => ((await state('U0BOB', 'G0PRIVATE', root.ts)).thread?.replies.length ? true : undefined));
    await post('/api/command', { user: 'U0BOB', channel: 'G0PRIVATE', text: '/mockdesign end' });
  });

  it(
    'runs a whole session: root and phases in the thread, the note modal with inline errors, and the summary with the note',
    async () => {
      const started = await post<{ ok: boolean; ack: unknown }>('/api/command', {
        user: 'U0ALICE', channel: 'C0GENERAL', text: '/mockdesign start Design a URL shortener --plan 2s/2s/2s/2s',
      });
      expect(started.ok, JSON.stringify(started)).toBe(true);
      const startedNote = await state('U0ALICE', 'C0GENERAL');
      expect(seen(startedNote.channel?.ephemerals.at(-1) ?? { text: '' })).toContain('Starting Design a URL shortener: 4 phases, 8 s in all.');

      const root = await waitFor('the root message', async () =>
        (await state('U0ALICE', 'C0GENERAL')).channel?.messages.find((m) => headerOf(m) === 'Mock system design: Design a URL shortener'),
      );
      expect(seen(root)).toContain('Host @alice');
      await waitFor('phase 1 in the thread', async () =>
        (await state('U0ALICE', 'C0GENERAL', root.ts)).thread?.replies.find((m) => headerOf(m) === 'Phase 1 of 4 · Requirements & scope'),
      );

      // Add note → the modal opens on the clicker's stack only.
      const addNote = buttonIndex(root, 'mockdesign_add_note');
      expect(await post('/api/action', { user: 'U0ALICE', channel: 'C0GENERAL', messageTs: root.ts, ...addNote })).toMatchObject({ ok: true });
      const modal = await waitFor('the note modal', async () => (await state('U0ALICE', 'C0GENERAL')).modals.at(-1));
      expect(modal.callback_id).toBe('mockdesign_note_modal');
      expect((await state('U0BOB', 'C0GENERAL')).modals).toEqual([]);

      const countVisible = async () => {
        const s = await state('U0ALICE', 'C0GENERAL', root.ts);
        return (s.channel?.messages.length ?? 0) + (s.channel?.ephemerals.length ?? 0) + (s.thread?.ephemerals.length ?? 0);
      };
      const before = await countVisible();

      // Empty: Slack's own client refuses a required input before anything reaches the app.
      const empty = await post('/api/view/submit', { user: 'U0ALICE', viewId: modal.id, values: { note_text_block: { note_text: null } } });
      expect(empty).toEqual({ outcome: 'errors', source: 'slack', errors: { note_text_block: 'Please complete this required field.' } });
      // Blank: reaches the app, which answers with response_action errors.
      const blank = await post('/api/view/submit', { user: 'U0ALICE', viewId: modal.id, values: { note_text_block: { note_text: '   ' } } });
      expect(blank).toEqual({ outcome: 'errors', source: 'app', errors: { note_text_block: 'Write something first: a note cannot be empty.' } });
      expect((await state('U0ALICE', 'C0GENERAL')).modals.map((v) => v.id)).toEqual([modal.id]);
      expect(await countVisible()).toBe(before);

      const saved = await post('/api/view/submit', {
        user: 'U0ALICE', viewId: modal.id, values: { note_text_block: { note_text: NOTE }, note_kind_block: { note_kind: 'trade_off' } },
      });
      expect(saved).toEqual({ outcome: 'closed' });
      expect((await state('U0ALICE', 'C0GENERAL')).modals).toEqual([]);
      const confirmation = await waitFor('the "Note saved" ephemeral', async () =>
        (await state('U0ALICE', 'C0GENERAL')).channel?.ephemerals.find((e) => seen(e).includes('Note saved')),
      );
      expect(confirmation.from).toBe('app');
      expect((await state('U0BOB', 'C0GENERAL')).channel?.ephemerals.some((e) => seen(e).includes('Note saved'))).toBe(false);

      // Someone who is neither host nor interviewer cannot steer; only they hear about it.
      const next = buttonIndex(root, 'mockdesign_next_phase');
      expect(await post('/api/action', { user: 'U0BOB', channel: 'C0GENERAL', messageTs: root.ts, ...next })).toMatchObject({ ok: true });
      await waitFor('the refusal for bob', async () =>
        (await state('U0BOB', 'C0GENERAL')).channel?.ephemerals.find((e) => seen(e).includes('Only the host and the interviewers can steer')),
      );

      const thread = await waitFor(
        'all four phases and the summary',
        async () => {
          const replies = (await state('U0ALICE', 'C0GENERAL', root.ts)).thread?.replies ?? [];
          return replies.some((m) => headerOf(m) === 'Summary') ? replies : undefined;
        },
        15_000,
      );
      expect(thread.map(headerOf).filter(Boolean)).toEqual([
        'Phase 1 of 4 · Requirements & scope',
        'Phase 2 of 4 · High-level design',
        'Phase 3 of 4 · Deep dive',
        'Phase 4 of 4 · Wrap-up',
        'Summary',
      ]);
      const summary = thread.find((m) => headerOf(m) === 'Summary');
      expect(summary && seen(summary)).toContain(`@alice · Trade-off · ${NOTE}`);
      expect(summary?.text).not.toContain('<fast>');

      const ended = await waitFor('the root message without its buttons', async () => {
        const m = (await state('U0ALICE', 'C0GENERAL')).channel?.messages.find((x) => x.ts === root.ts);
        return m && !m.blocks?.some((b) => b.type === 'actions') ? m : undefined;
      });
      expect(seen(ended)).toContain('the summary is in the thread');
    },
    40_000,
  );
});

// Last: this revokes the one bot token the app has.
describe('an uninstall in single-workspace mode', () => {
  it('reaches the app as signed events, and the app ends the workspace\u2019s live session', async () => {
    await post('/api/command', { user: 'U0DAVE', channel: 'C0PREP', text: '/mockdesign start Design a web crawler --plan 1m/1m/1m/1m' });
    const root = await waitFor('the root message', async () =>
      (await state('U0DAVE', 'C0PREP')).channel?.messages.find((m) => headerOf(m) === 'Mock system design: Design a web crawler'),
    );
    // The first phase goes out right after the root message: uninstalling while it is in flight would let that post
    // meet the revoked token and end the session before the events do. Once it is out, nothing is due for a minute.
    await waitFor('the first phase in the thread', async () =>
      ((await state('U0DAVE', 'C0PREP', root.ts)).thread?.replies ?? []).some((m) => headerOf(m) === 'Phase 1 of 4 · Requirements & scope') ? true : undefined,
    );
    const deliveries = await sandbox.standIn.uninstall('T0SANDBOX');
    expect(deliveries.map((d) => [(d.envelope.event as { type: string }).type, d.delivered, d.status])).toEqual([
      ['tokens_revoked', true, 200],
      ['app_uninstalled', true, 200],
    ]);
    await waitFor('the app ending the session', async () =>
      api.output.some((line) => line.includes('"msg":"access revoked; live sessions ended"') && line.includes('"sessions":1')) ? true : undefined,
    );
  });
});
