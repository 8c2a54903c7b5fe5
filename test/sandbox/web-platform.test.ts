/** The sandbox's Slack-side behaviour against a scripted fake app: payload shapes, acks, failures, shortcuts, modals, and the manifest. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callStandIn } from '../support/stand-in-api.ts';
import { PROJECT_ROOT } from '../../sandbox/main.ts';
import { createSignedClient, slackSignature } from '../../sandbox/signed-client.ts';
import { createSlackStandIn } from '../../sandbox/stand-in/server.ts';
import type { SlackStandIn, StoredView } from '../../sandbox/stand-in/server.ts';
import { DEFAULT_MANIFEST, manifestSettings, parseYamlSubset, readManifest } from '../../sandbox/web/manifest.ts';
import { createPlatform, encodeComposerText } from '../../sandbox/web/platform.ts';
import type { Platform, PlatformChange } from '../../sandbox/web/platform.ts';
import { ACTION_IDS, CALLBACK_IDS } from '../../src/slack/ids.ts';

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

interface Received {
  kind: 'command' | 'interactive' | 'event';
  body: Record<string, unknown>;
  signatureOk: boolean;
}

/** Answers each request with whatever the current test scripted: status, body and an optional delay. */
type Answer = { status?: number; body?: unknown; delayMs?: number };

let standIn: SlackStandIn;
let app: Server;
let appUrl: string;
let platform: Platform;
let received: Received[];
let answer: (r: Received) => Answer;

async function startFakeApp(): Promise<string> {
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const ts = Number(req.headers['x-slack-request-timestamp']);
      const signatureOk = req.headers['x-slack-signature'] === slackSignature(SECRET, ts, raw);
      let r: Received;
      if (req.headers['content-type'] === 'application/json') r = { kind: 'event', body: JSON.parse(raw) as Record<string, unknown>, signatureOk };
      else {
        const form = new URLSearchParams(raw);
        const payload = form.get('payload');
        r = payload
          ? { kind: 'interactive', body: JSON.parse(payload) as Record<string, unknown>, signatureOk }
          : { kind: 'command', body: Object.fromEntries(form), signatureOk };
      }
      received.push(r);
      const a = answer(r);
      setTimeout(() => {
        if (res.destroyed) return;
        const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
        res.writeHead(a.status ?? 200, { 'Content-Type': typeof a.body === 'object' ? 'application/json' : 'text/plain' });
        res.end(text);
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
}

/** A Web API call as the app makes it, with the bot token; the answer must be ok. */
const callApi = (method: string, args: Record<string, unknown>) => callStandIn(standIn, method, args);

async function openModal(user: string, view: Record<string, unknown>): Promise<StoredView> {
  const res = await fetch(`${standIn.apiUrl}views.open`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${standIn.botToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ trigger_id: standIn.issueTriggerId(user), view }),
  });
  const json = (await res.json()) as { ok: boolean; view: StoredView };
  expect(json.ok).toBe(true);
  return json.view;
}

const NOTE_VIEW = {
  type: 'modal',
  callback_id: 'note',
  private_metadata: '{"s":"x"}',
  title: { type: 'plain_text', text: 'Add a note' },
  submit: { type: 'plain_text', text: 'Save' },
  notify_on_close: true,
  blocks: [
    { type: 'context', elements: [{ type: 'plain_text', text: 'topic' }] },
    {
      type: 'input', block_id: 'kind_block', label: { type: 'plain_text', text: 'Kind' },
      element: {
        type: 'static_select', action_id: 'kind',
        options: [{ text: { type: 'plain_text', text: 'API' }, value: 'api' }, { text: { type: 'plain_text', text: 'Question' }, value: 'question' }],
        initial_option: { text: { type: 'plain_text', text: 'API' }, value: 'api' },
      },
    },
    { type: 'input', block_id: 'text_block', label: { type: 'plain_text', text: 'Note' }, element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: 10 } },
    { type: 'input', block_id: 'extra_block', optional: true, label: { type: 'plain_text', text: 'Extra' }, element: { type: 'plain_text_input', action_id: 'extra' } },
  ],
};

beforeEach(async () => {
  received = [];
  answer = () => ({});
  standIn = createSlackStandIn();
  await standIn.start();
  appUrl = await startFakeApp();
  platform = createPlatform({ standIn, client: createSignedClient({ appUrl, signingSecret: SECRET }), ackTimeoutMs: 300 });
});

afterEach(async () => {
  app.closeAllConnections();
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await standIn.stop();
});

describe('slash commands', () => {
  it('sends a signed, Slack-shaped command with a live trigger_id and response_url', async () => {
    await platform.runCommand('U0ALICE', 'C0GENERAL', '/mockdesign start Design <x> & y --interviewer @bob');
    const [r] = received;
    expect(r?.signatureOk).toBe(true);
    expect(r?.body).toMatchObject({
      command: '/mockdesign', text: 'start Design &lt;x&gt; &amp; y --interviewer <@U0BOB|bob>', user_id: 'U0ALICE', user_name: 'alice',
      channel_id: 'C0GENERAL', channel_name: 'general', team_id: 'T0SANDBOX', team_domain: 'sandbox', api_app_id: 'A0SANDBOX',
    });
    expect(standIn.workspace.checkTrigger(String(r?.body.trigger_id))).toEqual({ userId: 'U0ALICE' });
    const hook = await fetch(String(r?.body.response_url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"later"}' });
    expect(hook.status).toBe(200);
    expect(standIn.ephemerals().at(-1)).toMatchObject({ user: 'U0ALICE', channel: 'C0GENERAL', text: 'later' });
  });

  it('turns an in_channel ack into the command line plus the bot reply, and a plain-text ack into an ephemeral', async () => {
    answer = () => ({ body: { response_type: 'in_channel', text: 'for everyone' } });
    await platform.runCommand('U0BOB', 'C0GENERAL', '/mockdesign status');
    expect(standIn.messages('C0GENERAL').map((m) => [m.user, m.text])).toEqual([['U0BOB', '/mockdesign status'], ['U0BOT', 'for everyone']]);
    answer = () => ({ body: 'just text' });
    await platform.runCommand('U0BOB', 'C0GENERAL', '/mockdesign status');
    expect(standIn.ephemerals().at(-1)).toMatchObject({ user: 'U0BOB', text: 'just text', source: 'response_url' });
  });

  it('reports a slow or failing app the way Slack does, from Slackbot', async () => {
    answer = () => ({ delayMs: 1000 });
    expect(await platform.runCommand('U0ALICE', 'C0GENERAL', '/mockdesign status')).toEqual({ ok: false, error: 'operation_timeout' });
    answer = () => ({ status: 500, body: 'boom' });
    expect(await platform.runCommand('U0ALICE', 'C0GENERAL', '/mockdesign status')).toEqual({ ok: false, error: 'http_service_error', status: 500 });
    const notices = platform.stateFor({ user: 'U0ALICE', channel: 'C0GENERAL' }).channel?.ephemerals.map((e) => [e.from, e.text]);
    expect(notices).toEqual([
      ['slackbot', '/mockdesign failed with the error "operation_timeout"'],
      ['slackbot', '/mockdesign failed with the error "http_service_error"'],
    ]);
  });

  it('handles Slack\u2019s built-in /invite: adds the bot or a person to the channel, with a join message', async () => {
    expect(standIn.workspace.channels.get('G0PRIVATE')?.botIsMember).toBe(false);
    expect(await platform.runCommand('U0ALICE', 'G0PRIVATE', '/invite @mockdesign @carol')).toEqual({ ok: true });
    expect(standIn.workspace.channels.get('G0PRIVATE')?.botIsMember).toBe(true);
    expect(standIn.workspace.channels.get('G0PRIVATE')?.members.has('U0CAROL')).toBe(true);
    expect(standIn.messages('G0PRIVATE').map((m) => [m.subtype, m.text])).toEqual([
      ['channel_join', '<@U0BOT> has joined the channel'],
      ['channel_join', '<@U0CAROL> has joined the channel'],
    ]);
    await platform.runCommand('U0ALICE', 'G0PRIVATE', '/invite @carol');
    expect(platform.stateFor({ user: 'U0ALICE', channel: 'G0PRIVATE' }).channel?.ephemerals.at(-1)?.text).toBe('<@U0CAROL> is already in this channel.');
    expect(received).toEqual([]);
  });

  it('refuses channels the typer is not in', async () => {
    await expect(platform.runCommand('U0CAROL', 'G0PRIVATE', '/mockdesign help')).rejects.toMatchObject({ status: 403 });
    expect(received).toEqual([]);
  });
});

describe('buttons', () => {
  it('sends block_actions with the fields Slack sends, taken from the stored message', async () => {
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: 'hi' }, accessory: { type: 'button', action_id: 'acc', text: { type: 'plain_text', text: 'Acc' } } },
      { type: 'actions', block_id: 'controls', elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' }, value: 'v1', style: 'primary' }] },
    ];
    const root = standIn.workspace.addMessage({ channel: 'C0GENERAL', ts: standIn.workspace.nextTs(), user: 'U0BOT', bot_id: 'B0BOT', text: 'root', blocks });
    const reply = standIn.workspace.addMessage({ channel: 'C0GENERAL', ts: standIn.workspace.nextTs(), user: 'U0BOT', text: 'r', blocks, thread_ts: root.ts });

    expect(await platform.clickButton({ user: 'U0BOB', channel: 'C0GENERAL', messageTs: root.ts, blockIndex: 1, elementIndex: 0 })).toEqual({ ok: true, status: 200 });
    const payload = received[0]?.body ?? {};
    expect(Object.keys(payload).sort()).toEqual(
      ['actions', 'api_app_id', 'channel', 'container', 'enterprise', 'is_enterprise_install', 'message', 'response_url', 'state', 'team', 'token', 'trigger_id', 'type', 'user'].sort(),
    );
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB', username: 'bob', name: 'bob', team_id: 'T0SANDBOX' },
      api_app_id: 'A0SANDBOX',
      container: { type: 'message', message_ts: root.ts, channel_id: 'C0GENERAL', is_ephemeral: false },
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: 'C0GENERAL', name: 'general' },
      message: { type: 'message', ts: root.ts, text: 'root', blocks, reply_count: 1 },
      state: { values: {} },
      actions: [{ action_id: 'go', block_id: 'controls', type: 'button', value: 'v1', style: 'primary', text: { type: 'plain_text', text: 'Go' } }],
    });
    expect((payload.actions as Array<{ action_ts: string }>)[0]?.action_ts).toMatch(/^\d{10}\.\d{6}$/);

    await platform.clickButton({ user: 'U0BOB', channel: 'C0GENERAL', messageTs: reply.ts, blockIndex: 0, elementIndex: -1 });
    expect(received[1]?.body).toMatchObject({
      container: { thread_ts: root.ts, message_ts: reply.ts },
      actions: [{ action_id: 'acc', type: 'button' }],
    });
    // Slack makes up a block_id for blocks without one; it must be stable so the app can rely on it.
    const blockId = (received[1]?.body.actions as Array<{ block_id: string }>)[0]?.block_id;
    await platform.clickButton({ user: 'U0BOB', channel: 'C0GENERAL', messageTs: reply.ts, blockIndex: 0, elementIndex: -1 });
    expect((received[2]?.body.actions as Array<{ block_id: string }>)[0]?.block_id).toBe(blockId);
  });

  it('says when the app did not answer, and refuses buttons that are not there', async () => {
    const m = standIn.workspace.addMessage({
      channel: 'C0GENERAL', ts: standIn.workspace.nextTs(), user: 'U0BOT', text: 'x',
      blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' } }] }],
    });
    answer = () => ({ status: 404 });
    expect(await platform.clickButton({ user: 'U0ALICE', channel: 'C0GENERAL', messageTs: m.ts, blockIndex: 0, elementIndex: 0 })).toEqual({
      ok: false, error: 'http_client_error', status: 404,
    });
    await expect(platform.clickButton({ user: 'U0ALICE', channel: 'C0GENERAL', messageTs: m.ts, blockIndex: 0, elementIndex: 3 })).rejects.toMatchObject({ status: 404 });
  });
});

describe('message shortcuts', () => {
  it('sends message_action with exactly the fields Slack sends, a live trigger_id and a response_url', async () => {
    const m = standIn.postAsUser('U0CAROL', 'C0GENERAL', 'Shard by key &amp; cache &lt;hot&gt; keys');
    expect(await platform.useMessageShortcut({ user: 'U0BOB', channel: 'C0GENERAL', messageTs: m.ts, callbackId: 'mockdesign_save_as_note' })).toEqual({
      ok: true, status: 200,
    });
    const [r] = received;
    expect(r?.kind).toBe('interactive');
    expect(r?.signatureOk).toBe(true);
    const payload = r?.body ?? {};
    expect(Object.keys(payload).sort()).toEqual(
      ['action_ts', 'callback_id', 'channel', 'message', 'message_ts', 'response_url', 'team', 'token', 'trigger_id', 'type', 'user'].sort(),
    );
    expect(payload).toMatchObject({
      type: 'message_action',
      token: 'deprecated-verification-token',
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      user: { id: 'U0BOB', name: 'bob' },
      channel: { id: 'C0GENERAL', name: 'general' },
      callback_id: 'mockdesign_save_as_note',
      message_ts: m.ts,
    });
    expect(payload.user).toEqual({ id: 'U0BOB', name: 'bob' });
    // The message is sent as stored, entities and all: decoding it is the app's job.
    expect(payload.message).toEqual({ type: 'message', user: 'U0CAROL', text: 'Shard by key &amp; cache &lt;hot&gt; keys', ts: m.ts, team: 'T0SANDBOX' });
    expect(payload.action_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(standIn.workspace.checkTrigger(String(payload.trigger_id))).toEqual({ userId: 'U0BOB' });

    // The trigger opens a modal on the stack of the person who used the shortcut, as a button's does.
    const view = await fetch(`${standIn.apiUrl}views.open`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${standIn.botToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ trigger_id: payload.trigger_id, view: NOTE_VIEW }),
    }).then((res) => res.json() as Promise<{ ok: boolean; view: StoredView }>);
    expect(view.ok).toBe(true);
    expect(platform.stateFor({ user: 'U0BOB' }).modals.map((v) => v.id)).toEqual([view.view.id]);
    expect(platform.stateFor({ user: 'U0CAROL' }).modals).toEqual([]);

    // The response_url answers the person in the channel; it is not tied to the message, which is not the app's.
    const hook = await fetch(String(payload.response_url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"noted","replace_original":true}' });
    expect(hook.status).toBe(200);
    expect(standIn.ephemerals().at(-1)).toMatchObject({ user: 'U0BOB', channel: 'C0GENERAL', text: 'noted' });
    expect(standIn.workspace.findMessage('C0GENERAL', m.ts)?.text).toBe('Shard by key &amp; cache &lt;hot&gt; keys');
  });

  it('works on a thread reply: the message carries its thread, and the response_url answers in the thread', async () => {
    const root = standIn.postAsUser('U0ALICE', 'C0GENERAL', 'root');
    const reply = standIn.postAsUser('U0BOB', 'C0GENERAL', 'a reply', { threadTs: root.ts });
    await platform.useMessageShortcut({ user: 'U0ALICE', channel: 'C0GENERAL', messageTs: reply.ts, callbackId: 'mockdesign_save_as_note' });
    const payload = received[0]?.body ?? {};
    expect(payload).toMatchObject({ message_ts: reply.ts, message: { ts: reply.ts, text: 'a reply', user: 'U0BOB', thread_ts: root.ts, parent_user_id: 'U0ALICE' } });
    await fetch(String(payload.response_url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"in the thread"}' });
    expect(standIn.ephemerals().at(-1)).toMatchObject({ user: 'U0ALICE', text: 'in the thread', thread_ts: root.ts });
  });

  it('reports a slow or failing app, and sends nothing for shortcuts the manifest does not declare', async () => {
    const m = standIn.postAsUser('U0ALICE', 'C0GENERAL', 'hello');
    const ref = { user: 'U0ALICE', channel: 'C0GENERAL', messageTs: m.ts, callbackId: 'mockdesign_save_as_note' };
    answer = () => ({ delayMs: 1000 });
    expect(await platform.useMessageShortcut(ref)).toEqual({ ok: false, error: 'operation_timeout' });
    answer = () => ({ status: 500 });
    expect(await platform.useMessageShortcut(ref)).toEqual({ ok: false, error: 'http_service_error', status: 500 });
    // Unlike a failed slash command, a failed shortcut leaves no Slackbot message behind.
    expect(platform.stateFor({ user: 'U0ALICE', channel: 'C0GENERAL' }).channel?.ephemerals).toEqual([]);
    received = [];

    await expect(platform.useMessageShortcut({ ...ref, callbackId: 'something_else' })).rejects.toMatchObject({ status: 404 });
    await expect(platform.useMessageShortcut({ ...ref, messageTs: '1.000000' })).rejects.toMatchObject({ status: 404 });
    await expect(platform.useMessageShortcut({ ...ref, user: 'U0CAROL', channel: 'G0PRIVATE' })).rejects.toMatchObject({ status: 403 });
    const none = createPlatform({
      standIn, client: createSignedClient({ appUrl: 'http://127.0.0.1:9/unused', signingSecret: SECRET }), manifest: { ...DEFAULT_MANIFEST, messageShortcuts: [] },
    });
    await expect(none.useMessageShortcut(ref)).rejects.toMatchObject({ status: 404 });
    expect(none.workspaceInfo().messageShortcuts).toEqual([]);
    expect(received).toEqual([]);
  });
});

describe('modals', () => {
  it('checks required inputs and max_length itself, as Slack\u2019s client does, before sending anything', async () => {
    const view = await openModal('U0ALICE', NOTE_VIEW);
    expect(await platform.submitView('U0ALICE', view.id, {})).toEqual({ outcome: 'errors', source: 'slack', errors: { text_block: 'Please complete this required field.' } });
    expect(await platform.submitView('U0ALICE', view.id, { text_block: { text: 'x'.repeat(11) } })).toEqual({
      outcome: 'errors', source: 'slack', errors: { text_block: 'Must be 10 characters or fewer.' },
    });
    expect(received).toEqual([]);
    // The modal stays open, and the view is unchanged: the page keeps what was typed for it to be shortened.
    expect(standIn.openViews('U0ALICE').map((v) => v.id)).toEqual([view.id]);
  });

  it('refuses text over max_length or under min_length under that input, whatever input it is, and sends nothing', async () => {
    const view = await openModal('U0ALICE', {
      type: 'modal', callback_id: 'start', title: { type: 'plain_text', text: 'Start' }, submit: { type: 'plain_text', text: 'Start' },
      blocks: [
        { type: 'input', block_id: 'note', label: { type: 'plain_text', text: 'Note' }, element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: 3000 } },
        { type: 'input', block_id: 'topic', label: { type: 'plain_text', text: 'Topic' }, element: { type: 'plain_text_input', action_id: 'topic', min_length: 3, max_length: 200 } },
        { type: 'input', block_id: 'plan', optional: true, label: { type: 'plain_text', text: 'Plan' }, element: { type: 'plain_text_input', action_id: 'plan', max_length: 60 } },
      ],
    });
    const pasted = 'x'.repeat(3001);
    expect(await platform.submitView('U0ALICE', view.id, { note: { text: pasted }, topic: { topic: 'ab' }, plan: { plan: '5/'.repeat(31) } })).toEqual({
      outcome: 'errors', source: 'slack',
      errors: { note: 'Must be 3000 characters or fewer.', topic: 'Must be at least 3 characters.', plan: 'Must be 60 characters or fewer.' },
    });
    // Exactly at the limits is fine; an optional input left empty is not measured.
    expect(await platform.submitView('U0ALICE', view.id, { note: { text: 'x'.repeat(3000) }, topic: { topic: 'abc' } })).toEqual({ outcome: 'closed' });
    expect(received).toHaveLength(1);
    expect((received[0]?.body as { view: { state: unknown } }).view.state).toEqual({
      values: {
        note: { text: { type: 'plain_text_input', value: 'x'.repeat(3000) } },
        topic: { topic: { type: 'plain_text_input', value: 'abc' } },
        plan: { plan: { type: 'plain_text_input', value: null } },
      },
    });
  });

  it('sends view_submission with typed state, and closes the modal on an empty ack', async () => {
    const view = await openModal('U0ALICE', NOTE_VIEW);
    expect(await platform.submitView('U0ALICE', view.id, { text_block: { text: 'note' }, kind_block: { kind: 'question' } })).toEqual({ outcome: 'closed' });
    expect(received[0]?.body).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0ALICE', username: 'alice' },
      team: { id: 'T0SANDBOX' },
      view: {
        id: view.id, hash: view.hash, callback_id: 'note', private_metadata: '{"s":"x"}',
        state: {
          values: {
            kind_block: { kind: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Question' }, value: 'question' } } },
            text_block: { text: { type: 'plain_text_input', value: 'note' } },
            extra_block: { extra: { type: 'plain_text_input', value: null } },
          },
        },
      },
    });
    expect(standIn.openViews('U0ALICE')).toEqual([]);
  });

  it('keeps the modal open with the app\u2019s inline errors, and refuses errors for blocks that are not inputs', async () => {
    const view = await openModal('U0ALICE', NOTE_VIEW);
    answer = () => ({ body: { response_action: 'errors', errors: { text_block: 'Too vague' } } });
    expect(await platform.submitView('U0ALICE', view.id, { text_block: { text: 'hmm' } })).toEqual({ outcome: 'errors', source: 'app', errors: { text_block: 'Too vague' } });
    answer = () => ({ body: { response_action: 'errors', errors: { nowhere: 'x' } } });
    expect(await platform.submitView('U0ALICE', view.id, { text_block: { text: 'hmm' } })).toMatchObject({ outcome: 'failed', message: expect.stringContaining('nowhere') });
    answer = () => ({ delayMs: 1000 });
    expect(await platform.submitView('U0ALICE', view.id, { text_block: { text: 'hmm' } })).toEqual({ outcome: 'failed', message: 'We had some trouble connecting. Try again?' });
    expect(standIn.openViews('U0ALICE').map((v) => v.id)).toEqual([view.id]);
  });

  it('sends view_closed when the view asks for it', async () => {
    const view = await openModal('U0BOB', NOTE_VIEW);
    await platform.closeView('U0BOB', view.id);
    expect(standIn.openViews('U0BOB')).toEqual([]);
    expect(received[0]?.body).toMatchObject({ type: 'view_closed', is_cleared: true, view: { id: view.id }, user: { id: 'U0BOB' } });
  });
});

const text = (t: string) => ({ type: 'plain_text', text: t });
const opt = (t: string, value: string, description?: string) => ({ text: text(t), value, ...(description ? { description: text(description) } : {}) });
const VISIBILITY = [opt('Everyone', 'everyone'), opt('Interviewers only', 'interviewers', 'never the candidate')];
const FLAGS = [opt('No numbers', 'no_numbers'), opt('Defensive', 'defensive'), opt('Single option only', 'single_option')];

/** A form with every selection element the app uses, each required unless said otherwise. */
const PICKERS_VIEW = {
  type: 'modal',
  callback_id: 'pickers',
  title: text('Pickers'),
  submit: text('Save'),
  blocks: [
    { type: 'input', block_id: 'vis', label: text('Visible to'), element: { type: 'radio_buttons', action_id: 'vis', options: VISIBILITY } },
    { type: 'input', block_id: 'flags', label: text('Red flags'), element: { type: 'checkboxes', action_id: 'flags', options: FLAGS } },
    { type: 'input', block_id: 'cand', label: text('Candidate'), element: { type: 'users_select', action_id: 'cand' } },
    { type: 'input', block_id: 'panel', label: text('Interviewers'), element: { type: 'multi_users_select', action_id: 'panel', max_selected_items: 2 } },
    { type: 'input', block_id: 'obs', optional: true, label: text('Observers'), element: { type: 'multi_users_select', action_id: 'obs' } },
  ],
};

describe('selection elements in modals', () => {
  it('sends view_submission state exactly as Slack shapes it for radio buttons, checkboxes and user pickers', async () => {
    const view = await openModal('U0ALICE', PICKERS_VIEW);
    const fields = { vis: { vis: 'interviewers' }, flags: { flags: ['defensive', 'no_numbers'] }, cand: { cand: 'U0CAROL' }, panel: { panel: ['U0BOB', 'U0DAVE'] } };
    expect(await platform.submitView('U0ALICE', view.id, fields)).toEqual({ outcome: 'closed' });
    expect((received[0]?.body as { view: { state: unknown } }).view.state).toEqual({
      values: {
        vis: { vis: { type: 'radio_buttons', selected_option: { text: text('Interviewers only'), value: 'interviewers', description: text('never the candidate') } } },
        flags: { flags: { type: 'checkboxes', selected_options: [{ text: text('Defensive'), value: 'defensive' }, { text: text('No numbers'), value: 'no_numbers' }] } },
        cand: { cand: { type: 'users_select', selected_user: 'U0CAROL' } },
        panel: { panel: { type: 'multi_users_select', selected_users: ['U0BOB', 'U0DAVE'] } },
        // Left empty: an optional multi-select sends an empty list, never a missing key.
        obs: { obs: { type: 'multi_users_select', selected_users: [] } },
      },
    });
  });

  it('refuses required selections left empty and more people than max_selected_items, under the input, sending nothing', async () => {
    const view = await openModal('U0ALICE', PICKERS_VIEW);
    expect(await platform.submitView('U0ALICE', view.id, { flags: { flags: [] }, cand: { cand: null }, panel: { panel: ['U0BOB', 'U0CAROL', 'U0DAVE'] } })).toEqual({
      outcome: 'errors', source: 'slack',
      errors: { vis: 'Please complete this required field.', flags: 'Please complete this required field.', cand: 'Please complete this required field.', panel: 'Select no more than 2.' },
    });
    expect(received).toEqual([]);
    // Ids of nobody the workspace knows are not picked (Slack's pickers list only real people), nor twice the same one.
    expect(await platform.submitView('U0ALICE', view.id, { vis: { vis: 'nope' }, flags: { flags: ['no_numbers'] }, cand: { cand: 'U0NOBODY' }, panel: { panel: ['U0BOB', 'U0BOB'] } })).toEqual({
      outcome: 'errors', source: 'slack', errors: { vis: 'Please complete this required field.', cand: 'Please complete this required field.' },
    });
    // A list where one value belongs (or the reverse) is a broken page, not a person's mistake.
    await expect(platform.submitView('U0ALICE', view.id, { vis: { vis: ['everyone'] } })).rejects.toMatchObject({ status: 400 });
    await expect(platform.submitView('U0ALICE', view.id, { flags: { flags: 'no_numbers' } })).rejects.toMatchObject({ status: 400 });
    expect(received).toEqual([]);
  });

  it('honours initial_option(s) and initial_user(s) for what the page does not send', async () => {
    const view = await openModal('U0BOB', {
      ...PICKERS_VIEW,
      blocks: [
        { ...PICKERS_VIEW.blocks[0], element: { ...PICKERS_VIEW.blocks[0]?.element, initial_option: VISIBILITY[0] } },
        { ...PICKERS_VIEW.blocks[1], element: { ...PICKERS_VIEW.blocks[1]?.element, initial_options: [FLAGS[2]] } },
        { ...PICKERS_VIEW.blocks[2], element: { ...PICKERS_VIEW.blocks[2]?.element, initial_user: 'U0CAROL' } },
        { ...PICKERS_VIEW.blocks[3], element: { ...PICKERS_VIEW.blocks[3]?.element, initial_users: ['U0ALICE'] } },
      ],
    });
    expect(await platform.submitView('U0BOB', view.id, {})).toEqual({ outcome: 'closed' });
    expect((received[0]?.body as { view: { state: unknown } }).view.state).toEqual({
      values: {
        vis: { vis: { type: 'radio_buttons', selected_option: { text: text('Everyone'), value: 'everyone' } } },
        flags: { flags: { type: 'checkboxes', selected_options: [{ text: text('Single option only'), value: 'single_option' }] } },
        cand: { cand: { type: 'users_select', selected_user: 'U0CAROL' } },
        panel: { panel: { type: 'multi_users_select', selected_users: ['U0ALICE'] } },
      },
    });
  });

  it('gives the page every block and element an id, and sends the state of elements outside input blocks too', async () => {
    const view = await openModal('U0ALICE', {
      type: 'modal', title: text('Mixed'), submit: text('Save'),
      blocks: [
        { type: 'section', text: text('Level'), accessory: { type: 'static_select', options: [opt('Mid', 'mid'), opt('Senior', 'senior')], initial_option: opt('Mid', 'mid') } },
        { type: 'input', label: text('Note'), element: { type: 'plain_text_input' } },
      ],
    });
    const [shown] = platform.stateFor({ user: 'U0ALICE' }).modals;
    const blocks = (shown?.blocks ?? []) as Array<{ block_id: string; accessory?: { action_id: string }; element?: { action_id: string } }>;
    expect(blocks.every((b) => typeof b.block_id === 'string' && b.block_id !== '')).toBe(true);
    const [section, input] = blocks;
    expect(section?.accessory?.action_id).toMatch(/./);
    // The ids are stable: the page sends them back and the platform finds the same elements.
    expect(platform.stateFor({ user: 'U0ALICE' }).modals[0]?.blocks).toEqual(shown?.blocks);
    const fields = { [input?.block_id ?? '']: { [input?.element?.action_id ?? '']: 'cache it' }, [section?.block_id ?? '']: { [section?.accessory?.action_id ?? '']: 'senior' } };
    expect(await platform.submitView('U0ALICE', view.id, fields)).toEqual({ outcome: 'closed' });
    const sent = received[0]?.body as { view: { blocks: unknown[]; state: { values: Record<string, Record<string, unknown>> } } };
    expect(sent.view.state.values).toEqual({
      [section?.block_id ?? '']: { [section?.accessory?.action_id ?? '']: { type: 'static_select', selected_option: { text: text('Senior'), value: 'senior' } } },
      [input?.block_id ?? '']: { [input?.element?.action_id ?? '']: { type: 'plain_text_input', value: 'cache it' } },
    });
    expect(sent.view.blocks).toEqual(shown?.blocks);
  });

  it('sends block_actions for a radio button changed in a modal\u2019s actions block, with the whole view\u2019s state', async () => {
    const view = await openModal('U0ALICE', {
      type: 'modal', title: text('Live'), submit: text('Save'),
      blocks: [
        { type: 'actions', block_id: 'choose', elements: [{ type: 'radio_buttons', action_id: 'vis', options: VISIBILITY, initial_option: VISIBILITY[0] }] },
        { type: 'input', block_id: 'who', label: text('Who'), element: { type: 'users_select', action_id: 'who' } },
      ],
    });
    expect(await platform.clickButton({ user: 'U0ALICE', viewId: view.id, blockIndex: 0, elementIndex: 0, value: 'interviewers', values: { who: { who: 'U0BOB' } } })).toEqual({
      ok: true, status: 200,
    });
    const payload = received[0]?.body as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'block_actions', container: { type: 'view', view_id: view.id } });
    expect(payload.actions).toEqual([
      {
        type: 'radio_buttons', action_id: 'vis', block_id: 'choose', selected_option: { text: text('Interviewers only'), value: 'interviewers', description: text('never the candidate') },
        initial_option: VISIBILITY[0], action_ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
      },
    ]);
    expect((payload.view as { state: unknown }).state).toEqual({
      values: {
        choose: { vis: { type: 'radio_buttons', selected_option: { text: text('Interviewers only'), value: 'interviewers', description: text('never the candidate') } } },
        who: { who: { type: 'users_select', selected_user: 'U0BOB' } },
      },
    });
    await expect(platform.clickButton({ user: 'U0ALICE', viewId: view.id, blockIndex: 0, elementIndex: 0 })).rejects.toMatchObject({ status: 400 });
  });
});

describe('selection elements in messages', () => {
  it('sends block_actions at once for a select, checkboxes or user picker in a message, with the message\u2019s state', async () => {
    const blocks = [
      { type: 'section', block_id: 'lvl', text: text('Level'), accessory: { type: 'static_select', action_id: 'level', options: [opt('Mid', 'mid'), opt('Senior', 'senior')] } },
      {
        type: 'actions', block_id: 'row',
        elements: [
          { type: 'checkboxes', action_id: 'flags', options: FLAGS },
          { type: 'multi_users_select', action_id: 'panel', initial_users: ['U0BOB'] },
          { type: 'button', action_id: 'go', text: text('Go') },
        ],
      },
    ];
    const m = standIn.workspace.addMessage({ channel: 'C0GENERAL', ts: standIn.workspace.nextTs(), user: 'U0BOT', bot_id: 'B0BOT', text: 'pick', blocks });
    const ref = { user: 'U0CAROL', channel: 'C0GENERAL', messageTs: m.ts };
    await platform.clickButton({ ...ref, blockIndex: 0, elementIndex: -1, value: 'senior' });
    await platform.clickButton({ ...ref, blockIndex: 1, elementIndex: 0, value: ['no_numbers'], state: [{ blockIndex: 0, elementIndex: -1, value: 'senior' }] });
    await platform.clickButton({ ...ref, blockIndex: 1, elementIndex: 2, state: [{ blockIndex: 0, elementIndex: -1, value: 'senior' }, { blockIndex: 1, elementIndex: 0, value: ['no_numbers'] }] });
    const [level, flags, go] = received.map((r) => r.body);
    expect(level).toMatchObject({
      type: 'block_actions', container: { type: 'message', message_ts: m.ts },
      actions: [{ type: 'static_select', action_id: 'level', block_id: 'lvl', selected_option: { text: text('Senior'), value: 'senior' } }],
      state: {
        values: {
          lvl: { level: { type: 'static_select', selected_option: { text: text('Senior'), value: 'senior' } } },
          row: { flags: { type: 'checkboxes', selected_options: [] }, panel: { type: 'multi_users_select', selected_users: ['U0BOB'] } },
        },
      },
    });
    expect(flags).toMatchObject({
      actions: [{ type: 'checkboxes', action_id: 'flags', block_id: 'row', selected_options: [{ text: text('No numbers'), value: 'no_numbers' }] }],
      state: { values: { lvl: { level: { selected_option: { value: 'senior' } } }, row: { flags: { selected_options: [{ value: 'no_numbers' }] } } } },
    });
    // A button click carries the state the person left the message's other elements in.
    expect(go).toMatchObject({
      actions: [{ type: 'button', action_id: 'go' }],
      state: { values: { lvl: { level: { selected_option: { value: 'senior' } } }, row: { flags: { selected_options: [{ value: 'no_numbers' }] }, panel: { selected_users: ['U0BOB'] } } } },
    });
    // A plain_text_input is not interactive outside an input block, and nothing is at a made-up place.
    await expect(platform.clickButton({ ...ref, blockIndex: 1, elementIndex: 5, value: 'x' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('private messages from the app', () => {
  it('shows an ephemeral posted in a thread in that thread, to its recipient only, and never in the channel', async () => {
    const root = standIn.postAsUser('U0ALICE', 'C0GENERAL', 'session root');
    await callApi('chat.postEphemeral', { channel: 'C0GENERAL', user: 'U0BOB', thread_ts: root.ts, text: 'For interviewers: listen for numbers' });
    const bob = platform.stateFor({ user: 'U0BOB', channel: 'C0GENERAL', thread: root.ts });
    expect(bob.thread?.ephemerals).toEqual([expect.objectContaining({ from: 'app', thread_ts: root.ts, text: 'For interviewers: listen for numbers' })]);
    expect(bob.channel?.ephemerals).toEqual([]);
    for (const user of ['U0ALICE', 'U0CAROL']) {
      const other = platform.stateFor({ user, channel: 'C0GENERAL', thread: root.ts });
      expect(other.thread?.ephemerals, user).toEqual([]);
      expect(other.channel?.ephemerals, user).toEqual([]);
    }
  });

  it('shows a DM from the app in the person\u2019s DM with it, and lists the app\u2019s messages there for the unread badge', async () => {
    expect(platform.stateFor({ user: 'U0DAVE' }).appDm).toEqual({ channel: 'DU0DAVE', messages: [] });
    const sent = await callApi('chat.postMessage', { channel: 'U0DAVE', text: 'A nudge for you (not in the channel)' });
    const dave = platform.stateFor({ user: 'U0DAVE', channel: 'DU0DAVE' });
    expect(dave.channel?.info).toMatchObject({ id: 'DU0DAVE', isIm: true, imUser: 'U0DAVE' });
    expect(dave.channel?.messages.map((m) => m.text)).toEqual(['A nudge for you (not in the channel)']);
    expect(dave.appDm).toEqual({ channel: 'DU0DAVE', messages: [sent.ts] });
    // Nobody else sees it, nor has a DM with it.
    await expect(async () => platform.stateFor({ user: 'U0CAROL', channel: 'DU0DAVE' })).rejects.toMatchObject({ status: 403 });
    expect(platform.stateFor({ user: 'U0CAROL' }).appDm.messages).toEqual([]);
  });

  it('shows a DM with buttons in the person\u2019s DM, and sends block_actions for each, a url button\u2019s with its url', async () => {
    const root = await callApi('chat.postMessage', { channel: 'C0GENERAL', text: 'Study group' });
    const permalink = String((await callApi('chat.getPermalink', { channel: 'C0GENERAL', message_ts: root.ts })).permalink);
    const buttons = [
      { type: 'button', action_id: ACTION_IDS.addNote, text: { type: 'plain_text', text: 'Add a note' }, style: 'primary', value: 's1:0' },
      { type: 'button', action_id: ACTION_IDS.openThread, text: { type: 'plain_text', text: 'Open the thread' }, url: permalink },
      { type: 'button', action_id: ACTION_IDS.mute, text: { type: 'plain_text', text: 'Mute reminders' }, value: 's1' },
    ];
    const sent = await callApi('chat.postMessage', {
      channel: 'U0CAROL', text: 'Phase 1 closes soon', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Phase 1 closes soon' } }, { type: 'actions', block_id: 'reminder', elements: buttons }],
    });
    const carol = platform.stateFor({ user: 'U0CAROL', channel: 'DU0CAROL' });
    expect(carol.appDm).toEqual({ channel: 'DU0CAROL', messages: [sent.ts] });
    expect(carol.channel?.messages.map((m) => m.blocks)).toEqual([[expect.anything(), { type: 'actions', block_id: 'reminder', elements: buttons }]]);

    for (const elementIndex of [1, 2]) {
      expect(await platform.clickButton({ user: 'U0CAROL', channel: 'DU0CAROL', messageTs: String(sent.ts), blockIndex: 1, elementIndex })).toEqual({ ok: true, status: 200 });
    }
    const [open, mute] = received.map((r) => r.body);
    expect(open).toMatchObject({
      type: 'block_actions', user: { id: 'U0CAROL' }, channel: { id: 'DU0CAROL', name: 'directmessage' },
      container: { type: 'message', channel_id: 'DU0CAROL', message_ts: sent.ts, is_ephemeral: false },
      message: { ts: sent.ts, text: 'Phase 1 closes soon' },
    });
    // Slack sends a link button's click too, with its url (and no value when it has none).
    expect((open?.actions as unknown[])[0]).toEqual({
      action_id: ACTION_IDS.openThread, block_id: 'reminder', text: { type: 'plain_text', text: 'Open the thread' }, type: 'button', url: permalink,
      action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
    });
    expect((mute?.actions as unknown[])[0]).toMatchObject({ action_id: ACTION_IDS.mute, value: 's1' });
  });
});

describe('message events', () => {
  const LISTENING = { ...DEFAULT_MANIFEST, botEvents: [...DEFAULT_MANIFEST.botEvents, 'message.channels', 'message.groups'] };

  function listening(options: { manifest?: typeof LISTENING; log?: (line: string) => void } = {}): Platform {
    return createPlatform({
      standIn, client: createSignedClient({ appUrl, signingSecret: SECRET }), ackTimeoutMs: 300, manifest: options.manifest ?? LISTENING,
      ...(options.log ? { log: options.log } : {}),
    });
  }

  /** Records every envelope the moment the stand-in sends it (a function delivery is called in the same turn as the post). */
  function recordEvents(): Array<Record<string, unknown>> {
    const seen: Array<Record<string, unknown>> = [];
    standIn.eventDelivery = async (envelope) => void seen.push(envelope);
    return seen;
  }

  const events = () => received.filter((r) => r.kind === 'event');

  it('sends a person\u2019s message and thread reply to the app as message events, signed, in Slack\u2019s envelope', async () => {
    standIn.eventDelivery = { url: appUrl, signingSecret: SECRET };
    const p = listening();
    const root = await callApi('chat.postMessage', { channel: 'C0GENERAL', text: 'Session' });
    const top = p.postMessage('U0ALICE', 'C0GENERAL', 'hello <all>');
    const reply = p.postMessage('U0BOB', 'C0GENERAL', 'my answer, @alice', { threadTs: String(root.ts) });
    await expect.poll(() => events().length).toBe(2);
    expect(events().every((r) => r.signatureOk)).toBe(true);
    const byTs = (ts: string) => events().find((r) => (r.body.event as { ts?: unknown }).ts === ts)?.body;
    expect(byTs(top.ts)?.event).toEqual({
      type: 'message', channel: 'C0GENERAL', user: 'U0ALICE', text: 'hello &lt;all&gt;', ts: top.ts, team: 'T0SANDBOX', event_ts: top.ts, channel_type: 'channel',
    });
    expect(byTs(reply.ts)?.event).toEqual({
      type: 'message', channel: 'C0GENERAL', user: 'U0BOB', text: 'my answer, <@U0ALICE>', ts: reply.ts, team: 'T0SANDBOX', event_ts: reply.ts, channel_type: 'channel',
      thread_ts: root.ts, parent_user_id: 'U0BOT',
    });
    expect(byTs(reply.ts)).toMatchObject({
      type: 'event_callback', team_id: 'T0SANDBOX', context_team_id: 'T0SANDBOX', api_app_id: 'A0SANDBOX', is_ext_shared_channel: false,
      authorizations: [{ team_id: 'T0SANDBOX', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    });
    expect(byTs(top.ts)?.event_id).not.toBe(byTs(reply.ts)?.event_id);
    expect(standIn.sentEvents.map((d) => [(d.envelope.event as { ts: string }).ts, d.delivered, d.status]).sort()).toEqual(
      [[top.ts, true, 200], [reply.ts, true, 200]].sort(),
    );
  });

  it('sends message.groups for a private channel only once the bot is in it, with channel_type group', async () => {
    const seen = recordEvents();
    const p = listening();
    p.postMessage('U0ALICE', 'G0PRIVATE', 'before the bot');
    expect(seen).toEqual([]);
    await p.runCommand('U0ALICE', 'G0PRIVATE', '/invite @mockdesign');
    const after = p.postMessage('U0BOB', 'G0PRIVATE', 'after the bot');
    expect(seen.map((e) => e.event)).toEqual([
      { type: 'message', channel: 'G0PRIVATE', user: 'U0BOB', text: 'after the bot', ts: after.ts, team: 'T0SANDBOX', event_ts: after.ts, channel_type: 'group' },
    ]);
  });

  it('sends none where the bot is not, for what the manifest does not subscribe to, without the app, or from the stand-in\u2019s postAsUser', async () => {
    const seen = recordEvents();
    const p = listening();
    // #interview-prep: a public channel the bot is not in.
    p.postMessage('U0ALICE', 'C0PREP', 'not for the bot');
    // The manifest without message.* events (the default), and one with public channels only.
    listening({ manifest: DEFAULT_MANIFEST }).postMessage('U0ALICE', 'C0GENERAL', 'nobody listens');
    const publicOnly = listening({ manifest: { ...DEFAULT_MANIFEST, botEvents: ['message.channels'] } });
    await p.runCommand('U0ALICE', 'G0PRIVATE', '/invite @mockdesign');
    publicOnly.postMessage('U0ALICE', 'G0PRIVATE', 'private, unsubscribed');
    // Tests writing as a person straight into the stand-in send nothing either.
    standIn.postAsUser('U0ALICE', 'C0GENERAL', 'straight into the stand-in');
    expect(seen).toEqual([]);
    const heard = publicOnly.postMessage('U0ALICE', 'C0GENERAL', 'public, subscribed');
    expect(seen.map((e) => (e.event as { ts: string }).ts)).toEqual([heard.ts]);
    // Uninstalled: Slack sends the workspace nothing.
    await standIn.uninstall('T0SANDBOX');
    const before = seen.length;
    p.postMessage('U0ALICE', 'C0GENERAL', 'after the uninstall');
    expect(seen.slice(before).map((e) => (e.event as { type: string }).type)).toEqual([]);
  });

  it('keeps the post when the app fails the event: logged, and the page told, whatever went wrong', async () => {
    const lines: string[] = [];
    const changes: PlatformChange[] = [];
    const p = listening({ log: (line) => lines.push(line) });
    p.events.on('change', (change: PlatformChange) => changes.push(change));
    const failures = () => changes.filter((c) => c.kind === 'event_failed');
    const root = await callApi('chat.postMessage', { channel: 'C0GENERAL', text: 'Session' });

    standIn.eventDelivery = { url: appUrl, signingSecret: SECRET };
    answer = (r) => (r.kind === 'event' ? { status: 500, body: 'boom' } : {});
    const refused = p.postMessage('U0BOB', 'C0GENERAL', 'answered with a 500', { threadTs: String(root.ts) });
    await expect.poll(() => failures().length).toBe(1);

    standIn.eventDelivery = { url: appUrl, signingSecret: SECRET, timeoutMs: 100 };
    answer = (r) => (r.kind === 'event' ? { delayMs: 1000 } : {});
    const slow = p.postMessage('U0BOB', 'C0GENERAL', 'not answered in time', { threadTs: String(root.ts) });
    await expect.poll(() => failures().length, { timeout: 3000 }).toBe(2);

    standIn.eventDelivery = async () => {
      throw new Error('the app is down');
    };
    const down = p.postMessage('U0BOB', 'C0GENERAL', 'nobody there', { threadTs: String(root.ts) });
    await expect.poll(() => failures().length).toBe(3);

    expect(failures()).toEqual([
      { kind: 'event_failed', team: 'T0SANDBOX', type: 'message', channel: 'C0GENERAL', ts: refused.ts, error: 'http_500' },
      { kind: 'event_failed', team: 'T0SANDBOX', type: 'message', channel: 'C0GENERAL', ts: slow.ts, error: 'timeout' },
      { kind: 'event_failed', team: 'T0SANDBOX', type: 'message', channel: 'C0GENERAL', ts: down.ts, error: 'the app is down' },
    ]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`the message event for ${refused.ts} in C0GENERAL did not reach the app (http_500)`);
    // Every reply is in the thread all the same, and nothing else was shown: a failed event changes no install.
    expect(standIn.messages('C0GENERAL', { threadTs: String(root.ts) }).map((m) => m.text)).toEqual(['answered with a 500', 'not answered in time', 'nobody there']);
    expect(changes.some((c) => c.kind === 'workspaces')).toBe(false);

    // Without an event delivery the stand-in only keeps events: not a failure.
    standIn.eventDelivery = undefined;
    p.postMessage('U0BOB', 'C0GENERAL', 'kept only');
    await expect.poll(() => standIn.sentEvents.length).toBe(4);
    expect(standIn.sentEvents.at(-1)).toMatchObject({ delivered: false, error: 'no_event_delivery_configured' });
    expect(failures()).toHaveLength(3);
  });
});

describe('App Home', () => {
  it('sends app_home_opened in an Events API envelope, with a new event_id each time', async () => {
    await platform.openAppHome('U0CAROL', 'home');
    await platform.openAppHome('U0CAROL', 'messages');
    expect(received.map((r) => r.kind)).toEqual(['event', 'event']);
    expect(received[0]?.body).toMatchObject({
      type: 'event_callback', team_id: 'T0SANDBOX', api_app_id: 'A0SANDBOX',
      event: { type: 'app_home_opened', user: 'U0CAROL', channel: 'DU0CAROL', tab: 'home' },
      authorizations: [{ team_id: 'T0SANDBOX', user_id: 'U0BOT', is_bot: true }],
    });
    expect(received[1]?.body.event).toMatchObject({ tab: 'messages' });
    expect(received[0]?.body.event_id).not.toBe(received[1]?.body.event_id);
  });

  it('sends nothing when the manifest does not subscribe to app_home_opened', async () => {
    const quiet = createPlatform({
      standIn, client: createSignedClient({ appUrl: 'http://127.0.0.1:9/unused', signingSecret: SECRET }), manifest: { ...DEFAULT_MANIFEST, botEvents: [] },
    });
    expect(await quiet.openAppHome('U0CAROL', 'home')).toEqual({ ok: true, sent: false, channel: 'DU0CAROL' });
  });
});

describe('composer text', () => {
  const lookup = {
    userByName: (name: string) => (name === 'bob' ? { id: 'U0BOB', name: 'bob', tz: 'UTC', isBot: false } : undefined),
    channelByName: (name: string) => (name === 'general' ? { id: 'C0GENERAL', name: 'general' } as never : undefined),
  };

  it('escapes entities and encodes mentions, channels, broadcasts and links', () => {
    expect(encodeComposerText('@bob, see #general & <x> @here https://a.b/c.', lookup, 'message')).toBe(
      '<@U0BOB>, see <#C0GENERAL|general> &amp; &lt;x&gt; <!here> <https://a.b/c>.',
    );
    expect(encodeComposerText('--interviewer @bob @nobody a@bob.com', lookup, 'command')).toBe('--interviewer <@U0BOB|bob> @nobody a@bob.com');
    expect(encodeComposerText('@bob & #general', lookup, 'command-unescaped')).toBe('@bob &amp; #general');
  });
});

describe('manifest', () => {
  it('reads commands, events and App Home settings from block-style YAML', () => {
    const yaml = [
      'display_information:',
      '  name: x',
      '  long_description: >-',
      '    folded',
      '    text # not a comment here',
      'features:',
      '  app_home:',
      '    home_tab_enabled: false',
      '    messages_tab_read_only_enabled: true # comment',
      '  slash_commands:',
      '    - command: /Mock',
      '      description: "Runs #things"',
      '      should_escape: false',
      '    - command: /other',
      'settings:',
      '  event_subscriptions:',
      '    bot_events:',
      '    - app_mention',
      '    - tokens_revoked',
    ].join('\n');
    expect(manifestSettings(yaml)).toEqual({
      commands: [
        { command: '/mock', shouldEscape: false, description: 'Runs #things', usageHint: '' },
        { command: '/other', shouldEscape: false, description: '', usageHint: '' },
      ],
      messageShortcuts: [],
      botEvents: ['app_mention', 'tokens_revoked'],
      homeTabEnabled: false,
      messagesTabEnabled: true,
      messagesTabReadOnly: true,
    });
    expect((parseYamlSubset(yaml) as { display_information: { long_description: string } }).display_information.long_description).toBe('folded text');
  });

  it('reads message shortcuts, and leaves out global shortcuts and entries without a callback_id', () => {
    const yaml = [
      'features:',
      '  shortcuts:',
      '    - name: Save as note',
      '      type: message',
      '      callback_id: save_note',
      '      description: "Save this message: #notes"',
      '    - name: Start a mock',
      '      type: global',
      '      callback_id: start_mock',
      '      description: Starts one',
      '    - name: Broken',
      '      type: message',
      '      description: no callback id',
      '    - callback_id: quote',
      '      type: message',
      '      name: Quote it',
    ].join('\n');
    expect(manifestSettings(yaml).messageShortcuts).toEqual([
      { name: 'Save as note', callbackId: 'save_note', description: 'Save this message: #notes' },
      { name: 'Quote it', callbackId: 'quote', description: '' },
    ]);
  });

  it('mirrors the message shortcut manifest.yml declares for the code\u2019s callback_id', () => {
    const settings = readManifest(resolve(PROJECT_ROOT, 'manifest.yml'));
    expect(settings?.messageShortcuts).toEqual([
      { name: 'Save as note', callbackId: CALLBACK_IDS.saveAsNote, description: expect.stringContaining('note') },
    ]);
    // Without a manifest the sandbox offers what the code registers.
    expect(DEFAULT_MANIFEST.messageShortcuts.map((s) => s.callbackId)).toEqual([CALLBACK_IDS.saveAsNote]);
  });
});
