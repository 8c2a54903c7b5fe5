/** The "Save as note" message shortcut against the real app, through the sandbox page's JSON API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/main.ts';
import { renderBlocks, toText } from '../../sandbox/web/render.js';
import { headerOf, type SandboxApi, startSandboxApi, type View } from '../support/sandbox-api.ts';


const SAVE_AS_NOTE = 'mockdesign_save_as_note';
/** Typed on the page: the composer stores `&`, `<`, `>` as entities, and the note must get them back as typed. */
const SAID = 'Shard rooms by id & keep <hot> rooms on their own nodes';
const REPLIED = 'Fan out on write for rooms under 1k members';

let api: SandboxApi;
let sandbox: Sandbox;
const get = <T>(path: string) => api.get<T>(path);
const post = <T>(path: string, body: unknown) => api.post<T>(path, body);
const state = (user: string, channel: string, thread?: string) => api.state(user, channel, thread);
const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number) => api.waitFor(what, probe, timeoutMs);
const seen = (m: { text: string; blocks?: unknown[] }) => api.seen(m);


/** What the note input of the modal shows before anyone types. */
function prefilled(view: View): string | undefined {
  const input = view.blocks.find((b) => b.block_id === 'note_text_block') as { element?: { initial_value?: string } } | undefined;
  return input?.element?.initial_value;
}

/** `/mockdesign status`, as the note count the person sees in its answer. */
async function noteCount(user: string): Promise<string> {
  await post('/api/command', { user, channel: 'C0GENERAL', text: '/mockdesign status' });
  const answer = (await state(user, 'C0GENERAL')).channel?.ephemerals.at(-1);
  return /(\d+) notes? so far/.exec(seen(answer ?? { text: '' }))?.[1] ?? `no count in ${JSON.stringify(answer)}`;
}

beforeAll(async () => {
  api = await startSandboxApi('mockdesign-shortcut-');
  sandbox = api.sandbox;
}, 30_000);

afterAll(async () => {
  await api?.stop();
}, 30_000);

describe('the Save as note message shortcut', () => {
  it('is offered as the manifest declares it, and nothing else is', async () => {
    const ws = await get<{ messageShortcuts: unknown[] }>('/api/workspace');
    expect(ws.messageShortcuts).toEqual([
      { name: 'Save as note', callbackId: SAVE_AS_NOTE, description: 'Save this message as a note in the channel\'s mock interview' },
    ]);
    const { ts } = await post<{ ts: string }>('/api/message', { user: 'U0DAVE', channel: 'C0GENERAL', text: 'hello' });
    const res = await fetch(`${sandbox.url}/api/shortcut`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: 'U0DAVE', channel: 'C0GENERAL', messageTs: ts, callbackId: 'mockdesign_other' }),
    });
    expect(res.status).toBe(404);
  });

  it('tells only the person who used it that no session is running, and opens nothing', async () => {
    const { ts } = await post<{ ts: string }>('/api/message', { user: 'U0DAVE', channel: 'C0GENERAL', text: 'worth a note?' });
    expect(await post('/api/shortcut', { user: 'U0DAVE', channel: 'C0GENERAL', messageTs: ts, callbackId: SAVE_AS_NOTE })).toEqual({ ok: true, status: 200 });
    const notice = await waitFor('the "No session" ephemeral', async () =>
      (await state('U0DAVE', 'C0GENERAL')).channel?.ephemerals.find((e) => seen(e).includes('No session is running in this channel')),
    );
    expect(notice.from).toBe('app');
    expect(seen(notice)).toContain('Start one with /mockdesign start <topic>');
    expect((await state('U0DAVE', 'C0GENERAL')).modals).toEqual([]);
    expect((await state('U0ALICE', 'C0GENERAL')).channel?.ephemerals.some((e) => seen(e).includes('No session'))).toBe(false);
  });

  it(
    'during a session: opens the note modal with the message text, and saves it, from a message and from a thread reply',
    async () => {
      await post('/api/command', { user: 'U0ALICE', channel: 'C0GENERAL', text: '/mockdesign start Design a chat app --plan 1m/1m/1m/1m' });
      const root = await waitFor('the root message', async () =>
        (await state('U0ALICE', 'C0GENERAL')).channel?.messages.find((m) => headerOf(m) === 'Mock system design: Design a chat app'),
      );
      await waitFor('phase 1 in the thread', async () => ((await state('U0ALICE', 'C0GENERAL', root.ts)).thread?.replies.length ? true : undefined));
      expect(await noteCount('U0ALICE')).toBe('0');

      // Bob says something worth keeping, and saves it from the message's "More actions".
      const { ts } = await post<{ ts: string }>('/api/message', { user: 'U0BOB', channel: 'C0GENERAL', text: SAID });
      expect(await post('/api/shortcut', { user: 'U0BOB', channel: 'C0GENERAL', messageTs: ts, callbackId: SAVE_AS_NOTE })).toEqual({ ok: true, status: 200 });
      const modal = await waitFor('the note modal', async () => (await state('U0BOB', 'C0GENERAL')).modals.at(-1));
      expect(modal.callback_id).toBe('mockdesign_note_modal');
      expect(prefilled(modal)).toBe(SAID);
      expect(toText(renderBlocks(modal.blocks))).toContain('Design a chat app');
      expect((await state('U0ALICE', 'C0GENERAL')).modals).toEqual([]);

      // Saving without touching the form sends the prefilled text, as Slack does for an untouched input.
      expect(await post('/api/view/submit', { user: 'U0BOB', viewId: modal.id, values: {} })).toEqual({ outcome: 'closed' });
      await waitFor('the "Note saved" ephemeral for bob', async () =>
        (await state('U0BOB', 'C0GENERAL')).channel?.ephemerals.find((e) => seen(e).includes('Note saved')),
      );
      expect(await noteCount('U0ALICE')).toBe('1');

      // A reply in the session's thread works the same way; carol edits the text before saving.
      const { ts: replyTs } = await post<{ ts: string }>('/api/message', { user: 'U0CAROL', channel: 'C0GENERAL', text: REPLIED, threadTs: root.ts });
      expect(await post('/api/shortcut', { user: 'U0CAROL', channel: 'C0GENERAL', messageTs: replyTs, callbackId: SAVE_AS_NOTE })).toMatchObject({ ok: true });
      const fromReply = await waitFor('the note modal for carol', async () => (await state('U0CAROL', 'C0GENERAL')).modals.at(-1));
      expect(prefilled(fromReply)).toBe(REPLIED);
      const edited = `${REPLIED}, fan out on read above`;
      expect(
        await post('/api/view/submit', { user: 'U0CAROL', viewId: fromReply.id, values: { note_text_block: { note_text: edited }, note_kind_block: { note_kind: 'question' } } }),
      ).toEqual({ outcome: 'closed' });
      await waitFor('the "Note saved" ephemeral for carol', async () =>
        (await state('U0CAROL', 'C0GENERAL')).channel?.ephemerals.find((e) => seen(e).includes('Note saved')),
      );
      expect(await noteCount('U0ALICE')).toBe('2');

      await post('/api/command', { user: 'U0ALICE', channel: 'C0GENERAL', text: '/mockdesign end' });
      const summary = await waitFor('the summary', async () =>
        (await state('U0ALICE', 'C0GENERAL', root.ts)).thread?.replies.find((m) => headerOf(m) === 'Summary'),
      );
      expect(seen(summary)).toContain(`@bob · `);
      expect(seen(summary)).toContain(SAID);
      expect(seen(summary)).toContain(`@carol · Question · ${edited}`);
    },
    30_000,
  );
});
