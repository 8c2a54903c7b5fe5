/**
 * What people can do in a channel whose live session this version cannot read (a value a newer version wrote
 * during a rolling upgrade): through the real Bolt router, on SQLite and PostgreSQL with the real migrations, Slack
 * played by the stand-in over HTTP, on a fixed clock. Every request is told the truth, and `end` frees the channel.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenCipher, parseTokenKey } from '../../src/security/token-cipher.ts';
import { createInstallationStore, type MockdesignInstallationStore } from '../../src/slack/installation-store.ts';
import { ACTION_IDS, CALLBACK_IDS } from '../../src/slack/ids.ts';
import { SOMETHING_WENT_WRONG } from '../../src/slack/register-listeners.ts';
import { renderStartModal } from '../../src/slack/views/start-modal.ts';
import { CHANNEL, createHarness, GUEST, type Harness, HOST, TEAM } from '../support/harness.ts';
import { MIN, newSession, SEC, seed, STORES, useStore, type StoreHarness } from './db/stores.ts';

const INTERVIEWER = 'U0CAROL';
/** What every request but `end` is answered with, in the channel whose live session cannot be read. */
const CANNOT_READ = expect.stringMatching(/^⚠️ This channel's session cannot be read by this version of mockdesign: a newer version may have saved it during an upgrade\. .*`\/mockdesign end` ends it now/);

/** Only a newer schema (or a hand edit) lets such a value in: the CHECK constraints are lifted here to stand in for one. */
async function writeUnknown({ sql }: StoreHarness, sessionId: string, column: 'status' | 'level', value: string): Promise<void> {
  if (sql.dialect === 'postgres') await sql.run('ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_status_check, DROP CONSTRAINT IF EXISTS sessions_level_check');
  else await sql.run('PRAGMA ignore_check_constraints = 1');
  await sql.run(`UPDATE sessions SET ${column} = $1 WHERE id = $2`, [value, sessionId]);
}

describe.each(STORES)('$name store: requests in a channel whose live session cannot be read', (factory) => {
  const s = useStore(factory);
  let h: Harness;

  beforeEach(async () => {
    h = await createHarness({ store: s().store, clock: s().clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const row = async (id: string) => (await s().sql.get('SELECT status, level, end_reason, ended_at FROM sessions WHERE id = $1', [id])) ?? {};
  const steps = async (id: string) => s().sql.all('SELECT step_key, state, last_error FROM steps WHERE session_id = $1 ORDER BY step_key', [id]);
  const count = async (table: string) => Number((await s().sql.get(`SELECT count(*) AS n FROM ${table}`))?.n);
  /** Every message the bot posted for a session, in the channel, its thread and DMs alike. */
  const postedFor = (id: string) => h.slack.allMessages().filter((m) => m.metadata?.event_payload.session_id === id);
  const lines = (level: string) => h.logs.filter((l) => l.level === level);

  /** What the session message's **Next phase** button carries. */
  const nextButtonOf = (root: { blocks?: unknown[] } | undefined) => {
    const actions = (root?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { action_id: string; value: string }[] } | undefined;
    return actions?.elements.find((e) => e.action_id === ACTION_IDS.nextPhase)?.value ?? '';
  };

  /** A session started as the host would, its first posts out, then its row made unreadable. */
  async function unreadableSession(column: 'status' | 'level', value: string): Promise<string> {
    await h.command(`start Design a URL shortener --interviewer <@${INTERVIEWER}>`);
    const started = await s().sql.get("SELECT id FROM sessions WHERE status <> 'ended'");
    const id = String(started?.id);
    expect(postedFor(id)).toHaveLength(2);
    await writeUnknown(s(), id, column, value);
    return id;
  }

  it('answers commands, a click, the shortcut and the start form privately with what is true, writes nothing, and warns once each', async () => {
    const id = await unreadableSession('status', 'archived');
    const before = { steps: await steps(id), notes: await count('notes'), sessions: await count('sessions'), messages: h.slack.allMessages().length };

    const commands = ['status', 'note cache the hot keys', 'notes', 'next', 'pause', 'extend 10m', 'host <@U0BOB>', 'history', 'export', 'start Design Twitter'];
    for (const text of commands) expect(await h.command(text), text).toEqual({ response_type: 'ephemeral', text: CANNOT_READ });

    await h.click(ACTION_IDS.nextPhase, nextButtonOf(h.root()));
    expect(await h.shortcut('cache the hot keys')).toEqual({ acked: true });
    expect(h.slack.ephemerals().map((e) => [e.source, e.user, e.text])).toEqual([
      ['response_url', HOST, CANNOT_READ],
      ['response_url', HOST, CANNOT_READ],
    ]);

    // The form stays open with what was typed, and says why under its first field: sent again, it could only meet
    // the same session.
    const form = await h.submitView(
      { id: 'V0START', callback_id: CALLBACK_IDS.startModal, private_metadata: renderStartModal({ channelId: CHANNEL }).private_metadata ?? '' },
      {
        start_topic: { start_topic: { type: 'plain_text_input', value: 'Design Twitter' } },
        start_plan: { start_plan: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'standard' }, value: 'standard' } } },
      },
    );
    expect(form).toEqual({
      response_action: 'errors',
      errors: { start_topic: "This channel's session cannot be read by this version of mockdesign (a newer version may have saved it), so this cannot be sent. /mockdesign end ends it." },
    });

    // Nothing was written, posted or planned.
    expect({ steps: await steps(id), notes: await count('notes'), sessions: await count('sessions'), messages: h.slack.allMessages().length }).toEqual(before);
    expect(await row(id)).toMatchObject({ status: 'archived' });
    // One warning per request, with the session and why; nothing at error, and none of the words people sent.
    const warned = lines('warn');
    expect(warned).toHaveLength(commands.length + 3);
    for (const line of warned) {
      expect(line).toMatchObject({ msg: 'a request reached a session that cannot be read', team: TEAM, channel: CHANNEL, session: id, reason: 'sessions.status: unexpected "archived"' });
    }
    expect(warned.map((l) => l.payload)).toEqual([...commands.map(() => 'slash_command'), 'block_actions', 'message_action', 'view_submission']);
    expect(lines('error')).toEqual([]);
    expect(JSON.stringify(h.logs)).not.toMatch(/hot keys|Twitter/);
    expect(JSON.stringify([h.slack.ephemerals(), form])).not.toContain(SOMETHING_WENT_WRONG);
  });

  it.each([
    { column: 'status', value: 'archived', ender: HOST },
    { column: 'level', value: 'principal', ender: INTERVIEWER },
  ] as const)("is ended by `end` (an unknown $column, ended by a steerer), frees the channel, and none of its posts go out after", async ({ column, value, ender }) => {
    const id = await unreadableSession(column, value);
    const postedBefore = postedFor(id).length;
    const nextButton = nextButtonOf(h.root());

    // The rule any session has: only its host and its interviewers end it.
    expect(await h.command('end', { user: GUEST })).toMatchObject({ text: expect.stringContaining(`Only the host (<@${HOST}>) and the interviewers can end this channel's session`) });
    expect(await row(id)).toMatchObject({ [column]: value, end_reason: null });

    s().clock.advance(MIN);
    const ended = (await h.command('end', { user: ender })) as { response_type: string; text: string };
    expect(ended).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^🏁 Ended this channel's session, which this version of mockdesign could not read\./) });
    // As the dispatcher ends one it gives up on: ended for that reason, every post of it that had not gone cancelled.
    expect(await row(id)).toMatchObject({ status: 'ended', end_reason: 'session_unreadable' });
    expect(Number((await row(id)).ended_at)).toBe(s().clock.now());
    const left = (await steps(id)).filter((st) => st.state !== 'done');
    expect(left.length).toBeGreaterThan(0);
    expect(left).toEqual(left.map((st) => ({ ...st, state: 'cancelled', last_error: 'session_unreadable' })));
    expect(lines('warn')).toEqual([
      expect.objectContaining({ msg: 'ended a session that cannot be read', team: TEAM, channel: CHANNEL, session: id, reason: `sessions.${column}: unexpected "${value}"` }),
    ]);
    // Its message: redrawn as ended, without its buttons, once the row reads again (its status was what did not);
    // left as it was while it still does not read, rather than retried for hours.
    const actionsOf = (root: { blocks?: unknown[] } | undefined) => (root?.blocks ?? []).filter((b) => (b as { type: string }).type === 'actions');
    if (column === 'status') {
      expect(JSON.stringify(h.root()?.blocks)).toContain('without a summary');
      expect(actionsOf(h.root())).toEqual([]);
    } else {
      expect(actionsOf(h.root())).not.toEqual([]);
      expect(JSON.stringify(h.root()?.blocks)).not.toContain('Ended');
    }

    // A click on its message now meets an ended session: one that reads again (its status was what did not read),
    // or one that still does not, which nobody need act on.
    await h.click(ACTION_IDS.nextPhase, nextButton);
    expect(h.slack.ephemerals().map((e) => e.text)).toEqual([
      column === 'status'
        ? 'This session has already ended, without a summary.'
        : expect.stringMatching(/^⚠️ That session cannot be read by this version of mockdesign: .* It has ended, so there is nothing to do about it here/),
    ]);

    // The channel is free: a new session starts, and the commands are about it.
    expect(await h.command('start Design Twitter')).toMatchObject({ text: expect.stringContaining('Starting *Design Twitter*') });
    expect(await h.command('status')).toMatchObject({ text: expect.stringContaining('*Design Twitter*') });
    const next = await s().sql.get("SELECT id FROM sessions WHERE status <> 'ended'");
    expect(next?.id).not.toBe(id);

    // Past the old session's whole plan: the new one posts its phases and summary, the old one nothing more, and its
    // host hears nothing of it (the dispatcher never had it to give up on).
    await h.advance(50 * MIN, 15 * SEC);
    expect(postedFor(String(next?.id)).length).toBeGreaterThan(8);
    expect(postedFor(id)).toHaveLength(postedBefore);
    expect(h.slack.messages(`D${HOST}`).map((m) => m.text).join('\n')).not.toContain('URL shortener');
    expect(lines('error')).toEqual([]);
  });

  it('is ended by anyone in the channel when its host does not read either', async (ctx) => {
    // Only PostgreSQL's schema can be made to hold such a row: a STRICT SQLite table keeps its NOT NULL.
    if (s().sql.dialect !== 'postgres') return ctx.skip();
    const id = await unreadableSession('status', 'archived');
    await s().sql.run('ALTER TABLE sessions ALTER COLUMN host_id DROP NOT NULL');
    await s().sql.run('UPDATE sessions SET host_id = NULL WHERE id = $1', [id]);
    expect(await h.command('status', { user: GUEST })).toEqual({ response_type: 'ephemeral', text: CANNOT_READ });
    expect(await h.command('end', { user: GUEST })).toMatchObject({ text: expect.stringMatching(/^🏁 Ended this channel's session/) });
    expect(await row(id)).toMatchObject({ status: 'ended', end_reason: 'session_unreadable' });
    expect(await h.command('start Design Twitter', { user: GUEST })).toMatchObject({ text: expect.stringContaining('Starting *Design Twitter*') });
  });

  it("is left out of its host's App Home and of the bot's invitation to its channel, which go on for the rest", async () => {
    const id = await unreadableSession('status', 'archived');
    // The host's other session, in another channel, reads.
    await seed(s().store, newSession({ id: 'readable', teamId: TEAM, channelId: 'C0OTHER', hostId: HOST, topic: 'Design a chat app', createdAt: s().clock.now(), steps: [] }));
    await h.event({ type: 'app_home_opened', user: HOST, channel: `D${HOST}`, tab: 'home', event_ts: '1.1' });
    const home = JSON.stringify(h.slack.homeView(HOST) ?? null);
    expect(home).toContain('Design a chat app');
    expect(home).not.toContain(`<#${CHANNEL}>`);
    // The bot invited to the channel again: nothing of the unreadable session moves, and nothing fails.
    const before = await steps(id);
    await h.event({ type: 'member_joined_channel', user: 'U0BOT', channel: CHANNEL, channel_type: 'C', event_ts: '1.2' });
    expect(await steps(id)).toEqual(before);
    expect(lines('error')).toEqual([]);
    expect(lines('warn')).toEqual([]);
  });

  it('reaches a person of another organisation in its shared channel whose workspace has not installed the app', async () => {
    // Installed through OAuth in this workspace only; the channel is shared with an organisation that has not.
    let installations: MockdesignInstallationStore | undefined;
    const connect = await createHarness({
      store: s().store,
      clock: s().clock,
      standIn: { workspaces: [{ teamId: 'T0OTHER' }] },
      auth: (_slack, store) => {
        installations = createInstallationStore(store, createTokenCipher(parseTokenKey(randomBytes(32).toString('base64'))), s().clock.now);
        return { kind: 'oauth', installations, clientId: '1.2', clientSecret: 'secret', stateSecret: 'state-secret', publicUrl: undefined };
      },
    });
    try {
      await installations?.storeInstallation({
        team: { id: TEAM, name: 'Sandbox' },
        enterprise: undefined,
        user: { token: undefined, scopes: undefined, id: HOST },
        bot: { token: connect.slack.botToken, scopes: ['commands', 'chat:write'], id: 'B0BOT', userId: 'U0BOT' },
        appId: 'A0SANDBOX',
        tokenType: 'bot',
        isEnterpriseInstall: false,
        authVersion: 'v2',
      });
      connect.slack.shareChannel(CHANNEL, 'T0OTHER');
      await seed(s().store, newSession({ id: 'ours', teamId: TEAM, channelId: CHANNEL, hostId: HOST, createdAt: s().clock.now(), steps: [] }));
      await writeUnknown(s(), 'ours', 'status', 'archived');
      // Its request is authorised through the installation that owns the session, and told what is true.
      expect(await connect.command('status', { team: 'T0OTHER', user: 'U0OTHERDAN' })).toEqual({ response_type: 'ephemeral', text: CANNOT_READ });
      expect(connect.logs.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await connect.close();
    }
  });

  it("leaves another workspace's session in a channel of the same id to it, read or not", async () => {
    // Channel ids are unique within a workspace only: this one is another workspace's, never shared with this one.
    // Without posts: what the dispatcher makes of it is unreadable-session.test.ts's.
    await seed(s().store, newSession({ id: 'theirs', teamId: 'T0OTHER', channelId: CHANNEL, createdAt: s().clock.now(), steps: [] }));
    await writeUnknown(s(), 'theirs', 'status', 'archived');
    expect(await h.command('status')).toMatchObject({ text: expect.stringContaining('No session is running in this channel') });
    expect(await h.command('end')).toMatchObject({ text: expect.stringContaining('No session is running in this channel') });
    expect(await row('theirs')).toMatchObject({ status: 'archived', end_reason: null });
    expect(await h.command('start Design Twitter')).toMatchObject({ text: expect.stringContaining('Starting *Design Twitter*') });
    expect(await h.command('status')).toMatchObject({ text: expect.stringContaining('*Design Twitter*') });
    expect(lines('warn')).toEqual([]);
    expect(lines('error')).toEqual([]);
  });
});
