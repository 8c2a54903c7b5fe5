/**
 * Thousands of random and hostile inputs through the real router: nothing crashes, nothing user-typed
 * reaches Slack unescaped, and nothing is stored from a rejected input.
 */
import fc from 'fast-check';
import { parseCommand } from '../../src/domain/command.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_NOTE_LENGTH } from '../../src/domain/command.ts';
import { isNoteKind } from '../../src/domain/notes.ts';
import { isBlank } from '../../src/domain/text.ts';
import { ACTION_IDS } from '../../src/slack/ids.ts';
import { allText, createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const HOSTILE = [
  '<!channel>', '<!here>', '<!everyone>', '<@U0BOB>', '<@U0BOB|bob>', '<#C0PREP|prep>', '<https://evil.example|click>',
  '<!subteam^S123>', '<!date^1^{time}|x>', '&lt;!channel&gt;', '&amp;', '&', '<', '>', '*', '_', '`', '```', '\n', '--plan',
  '--plan=1/2/3/4', '--interviewer', '<@W123>', '0', '-1', '999999d', '5x', '1.5h', '📝', '\u0000', '\u202e', ' ', 'start', 'note',
];
const word = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }), fc.constantFrom('start', 'status', 'next', 'end', 'note', 'pause', 'resume', 'help'));
const commandText = fc.array(word, { maxLength: 12 }).map((w) => w.join(' '));

/** Every `<…>` in what we send must be one of ours: a user mention by id, a channel by id, a date, or our own links. */
function unexpectedControls(text: string): string[] {
  const allowed = [/^<@[UW][A-Z0-9]+>$/, /^<#[CGD][A-Z0-9]+>$/, /^<!date\^\d+\^[^|<>]+\|[^<>]+>$/, /^<http:\/\/127\.0\.0\.1:\d+\/archives\/[^|<>\s]+\|[^<>]*>$/];
  return (text.match(/<[^>]*>?/g) ?? []).filter((m) => !allowed.some((re) => re.test(m)));
}

/** The text Slack parses as mrkdwn: the fallback text and every mrkdwn text object (plain_text is shown literally). */
function mrkdwnText(message: { text?: string; blocks?: unknown[] }): string {
  const texts: string[] = [message.text ?? ''];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') texts.push(o.text);
      else if (o.type !== 'plain_text') Object.values(o).forEach(walk);
    }
  };
  walk(message.blocks ?? []);
  return texts.join('\n');
}

const counts = () => h.db.prepare('SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM notes) AS notes').get() as { sessions: number; notes: number };

it('survives thousands of hostile command texts without leaking control sequences', async () => {
  await fc.assert(
    fc.asyncProperty(commandText, fc.constantFrom('U0ALICE', 'U0BOB'), async (text, user) => {
      const before = counts();
      const ack = (await h.command(text, { user })) as { text: string; blocks: unknown[] } | undefined;
      // `start` alone opens the start form (an empty ack), or says at once that a session runs; nothing is stored.
      if (parseCommand(text).kind === 'start_form') {
        if (ack !== undefined) expect(allText(ack)).toContain('A session is already running');
        expect(counts()).toEqual(before);
        return;
      }
      if (!ack) return expect.unreachable('no answer to the command');
      expect(unexpectedControls(mrkdwnText(ack))).toEqual([]);
      const after = counts();
      const refused = /⚠️|How to use|No session is running|already running|Only the host|already ended|not paused|is paused/.test(allText(ack));
      if (refused) expect(after).toEqual(before);
    }),
    { numRuns: 1500, seed: 20261128 },
  );
  const posted = h.slack.calls.filter((c) => ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method));
  expect(posted.length).toBeGreaterThan(10);
  for (const call of posted) expect({ method: call.method, leaks: unexpectedControls(mrkdwnText(call.params as { text?: string; blocks?: unknown[] })) }).toEqual({ method: call.method, leaks: [] });
  for (const call of h.slack.calls) expect(call.error).not.toBe('invalid_blocks');
}, 120_000);

it('stores a note from the modal only when every field is valid', async () => {
  await h.command('end');
  await h.command('start Fuzzing the modal');
  const root = h.slack.messages('C0GENERAL').filter((m) => !m.thread_ts && m.text.includes('Fuzzing the modal')).at(-1);
  const actions = (root?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] };
  await h.click(ACTION_IDS.addNote, actions.elements[0]?.value ?? '', { messageTs: root?.ts ?? '' });
  const view = h.slack.openViews('U0ALICE').at(-1);
  if (!view) throw new Error('no modal');
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...HOSTILE), fc.string({ minLength: 2990, maxLength: 3010 })), { nil: null }),
      fc.oneof(fc.constantFrom('0', '1', '2', '3'), fc.string({ maxLength: 3 })),
      fc.oneof(fc.constantFrom('requirement', 'api', 'trade_off', 'feedback'), fc.string({ maxLength: 8 })),
      async (text, phase, kind) => {
        const before = counts().notes;
        const ack = (await h.submitNote({ id: `VFUZZ${n++}`, private_metadata: view.private_metadata }, { text, phase, kind })) as
          | { response_action: string; errors: Record<string, string> }
          | undefined;
        const trimmed = (text ?? '').trim();
        // Only invisible characters (a lone direction mark) show nothing: that is no note either.
        const valid = !isBlank(trimmed) && trimmed.length <= MAX_NOTE_LENGTH && /^[0-3]$/.test(phase) && isNoteKind(kind);
        expect(counts().notes).toBe(before + (valid ? 1 : 0));
        expect(ack === undefined).toBe(valid);
      },
    ),
    { numRuns: 400, seed: 7 },
  );
}, 60_000);

it('acks malformed payloads of every kind, stores nothing from them and posts nothing', async () => {
  const before = counts();
  const callsBefore = h.slack.calls.length;
  const junk = fc.oneof(fc.anything(), fc.constantFrom('<!channel>', '', 'u0alice', null, 42, ['U0ALICE'], { id: '<@U1>' }));
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('command', 'block_actions', 'view_submission', 'message_action'),
      fc.constantFrom('team', 'user', 'channel', 'trigger', 'value'),
      junk,
      async (kind, field, value) => {
        const team = field === 'team' ? value : 'T0SANDBOX';
        const user = field === 'user' ? value : 'U0ALICE';
        const channel = field === 'channel' ? value : 'C0GENERAL';
        const trigger = field === 'trigger' ? value : '';
        let body: Record<string, unknown>;
        if (kind === 'command') body = { command: '/mockdesign', text: field === 'value' ? value : 'start Junk', team_id: team, user_id: user, channel_id: channel, trigger_id: trigger };
        else if (kind === 'block_actions') body = { type: 'block_actions', team: { id: team }, user: { id: user }, channel: { id: channel }, trigger_id: trigger, actions: [{ action_id: ACTION_IDS.endSession, value: field === 'value' ? value : '' }] };
        else if (kind === 'view_submission') body = { type: 'view_submission', team: { id: team }, user: { id: user }, view: { id: 'VJUNK', callback_id: 'mockdesign_note_modal', private_metadata: field === 'value' ? value : '', state: field === 'channel' ? value : { values: {} } } };
        else body = { type: 'message_action', callback_id: 'mockdesign_save_as_note', team: { id: team }, user: { id: user }, channel: { id: channel }, trigger_id: trigger, message: { text: field === 'value' ? value : 'x' } };
        const result = await h.receiver.send(body);
        await h.md.dispatcher.drain();
        expect(result.acked).toBe(true);
      },
    ),
    { numRuns: 300, seed: 11 },
  );
  expect(counts()).toEqual(before);
  const posted = h.slack.calls.slice(callsBefore).filter((c) => c.method !== 'chat.postEphemeral');
  expect(posted.map((c) => [c.method, JSON.stringify(c.params).slice(0, 200)])).toEqual([]);
}, 60_000);
