/** The session message's buttons and the note modal, through the real Bolt router. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXTEND_REPEAT_WINDOW_MS, REPEAT_WINDOW_MS } from '../../src/app/sessions.ts';
import { currentPhaseIndex } from '../../src/domain/timeline.ts';
import { ACTION_IDS, BLOCK_IDS } from '../../src/slack/ids.ts';
import { allText, CHANNEL, createHarness, GUEST, type Harness, HOST, TEAM } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  await h.command('start Design a URL shortener');
});
afterEach(async () => {
  await h.close();
});

const live = () => h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL);
const notes = () => h.db.prepare('SELECT phase_idx, kind, author_id, body FROM notes ORDER BY id').all();
/** The value the root message's buttons carry right now. */
function buttonValue(): string {
  const actions = (h.root()?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] };
  return actions.elements[0]?.value ?? '';
}

/** The guest was told once, privately, that the note form did not open, and no note was saved. */
function expectToldOnceTheFormDidNotOpen(): void {
  const told = h.slack.ephemerals().filter((e) => e.user === GUEST);
  expect(told).toHaveLength(1);
  expect(told[0]?.text).toContain('did not open');
  expect(notes()).toEqual([]);
}

async function openNoteModal(user = GUEST) {
  await h.click(ACTION_IDS.addNote, buttonValue(), { user });
  const view = h.slack.openViews(user).at(-1);
  if (!view) throw new Error('no modal opened');
  return view;
}

describe('Add note', () => {
  it('opens the modal at once, defaulting to the current phase', async () => {
    await h.advance(6 * 60_000, 60_000); // into phase 2
    const view = await openNoteModal();
    expect(h.slack.calls.find((c) => c.method === 'views.open')?.ok).toBe(true);
    expect(view.callback_id).toBe('mockdesign_note_modal');
    const blocks = view.blocks as { block_id?: string; element?: { initial_option?: { value: string } } }[];
    expect(blocks.find((b) => b.block_id === BLOCK_IDS.notePhase)?.element?.initial_option?.value).toBe('1');
    expect(blocks.find((b) => b.block_id === BLOCK_IDS.noteKind)?.element?.initial_option?.value).toBe('component');
  });

  it('refuses empty text inline and stores nothing', async () => {
    const view = await openNoteModal();
    // Zero-width spaces and direction marks alone show nothing either.
    for (const text of [null, '', '   \n  ', '\u200b\u2060', ' \u200e\ufeff ']) {
      const ack = await h.submitNote(view, { text, phase: '0' });
      expect(ack).toEqual({ response_action: 'errors', errors: { [BLOCK_IDS.noteText]: expect.stringContaining('cannot be empty') } });
    }
    expect(notes()).toEqual([]);
  });

  it('stores a note with its session, phase, kind, author and time, once even if submitted twice', async () => {
    const view = await openNoteModal();
    const fields = { text: '  Use a base62 id  ', phase: '1', kind: 'data_model' };
    expect(await h.submitNote(view, fields, { user: GUEST })).toBeUndefined();
    await h.submitNote(view, fields, { user: GUEST });
    expect(notes()).toEqual([{ phase_idx: 1, kind: 'data_model', author_id: GUEST, body: 'Use a base62 id' }]);
    const row = h.db.prepare('SELECT session_id, created_at FROM notes').get() as { session_id: string; created_at: number };
    expect(row).toEqual({ session_id: (await live())?.id, created_at: h.clock.now() });
    const confirmations = h.slack.ephemerals().filter((e) => e.user === GUEST && e.text.includes('Note saved'));
    expect(confirmations).toHaveLength(1);
  });

  it('keeps the modal open with a clear error when the session ended meanwhile', async () => {
    const view = await openNoteModal();
    await h.command('end');
    const ack = await h.submitNote(view, { text: 'too late', phase: '0' });
    expect(ack).toEqual({ response_action: 'errors', errors: { [BLOCK_IDS.noteText]: expect.stringContaining('has ended') } });
    expect(notes()).toEqual([]);
  });

  it('does not open a modal for a session of another workspace', async () => {
    await h.click(ACTION_IDS.addNote, buttonValue(), { user: GUEST, team: 'T0OTHER' });
    expect(h.slack.calls.some((c) => c.method === 'views.open')).toBe(false);
    expect(h.slack.ephemerals().at(-1)?.text).toContain('no longer exists');
  });

  it('tells the person once when Slack does not open the form (the click came too late)', async () => {
    h.slack.fail('views.open', { error: 'expired_trigger_id' });
    await h.click(ACTION_IDS.addNote, buttonValue(), { user: GUEST });
    expectToldOnceTheFormDidNotOpen();
  });

  it('logs it once, with the session and channel, when the refusal does not arrive', async () => {
    h.slack.fail('chat.postEphemeral', { error: 'channel_not_found' });
    await h.click(ACTION_IDS.addNote, buttonValue(), { user: GUEST, team: 'T0OTHER' });
    const warned = h.logs.filter((l) => l.level === 'warn').map((l) => [l.msg, l.session === undefined, l.channel, l.reason]);
    expect(warned).toEqual([['could not answer privately', false, CHANNEL, expect.stringContaining('channel_not_found')]]);
  });

  it('refuses a submission that claims a session of another workspace', async () => {
    const view = await openNoteModal();
    const ack = await h.submitNote(view, { text: 'sneaky', phase: '0' }, { team: 'T0OTHER' });
    expect(ack).toMatchObject({ response_action: 'errors' });
    expect(notes()).toEqual([]);
  });
});

describe('Next phase and End session buttons', () => {
  it('lets the host move on, and a double click moves on only once', async () => {
    const value = buttonValue();
    await h.click(ACTION_IDS.nextPhase, value);
    await h.click(ACTION_IDS.nextPhase, value);
    const phases = h.thread().map((m) => m.text).filter((t) => t.startsWith('Phase'));
    expect(phases).toEqual([expect.stringContaining('Phase 1 of 4'), expect.stringContaining('Phase 2 of 4')]);
    expect(h.slack.ephemerals().at(-1)?.text).toContain('already moved on');
    // Once the new phase has run for the repeat window, a click on the redrawn message moves on again.
    await h.advance(REPEAT_WINDOW_MS, 5_000);
    await h.click(ACTION_IDS.nextPhase, buttonValue());
    expect(h.thread().at(-1)?.text).toContain('Phase 3 of 4');
  });

  it('takes a second click a moment after a move for the same request, though it carries the redrawn phase', async () => {
    await h.click(ACTION_IDS.nextPhase, buttonValue());
    // The message was redrawn at once: a click a second and a half later carries phase 2, as a Slack client's would.
    expect(buttonValue()).toMatch(/:1$/);
    await h.advance(1_500, 500);
    await h.click(ACTION_IDS.nextPhase, buttonValue());
    expect(h.thread().map((m) => m.text).filter((t) => t.startsWith('Phase'))).toHaveLength(2);
    expect(h.slack.ephemerals().at(-1)?.text).toBe('The session has already moved on to the next phase.');
    expect(currentPhaseIndex((await live())?.phases ?? [], h.clock.now())).toBe(1);
    // So does a typed next, and a click after a typed next: one window, whatever carried the move.
    await h.advance(REPEAT_WINDOW_MS, 5_000);
    await h.command('next');
    await h.click(ACTION_IDS.nextPhase, buttonValue());
    expect(currentPhaseIndex((await live())?.phases ?? [], h.clock.now())).toBe(2);
    expect(h.slack.ephemerals().at(-1)?.text).toContain('already moved on');
  });

  it('tells someone who is not host or interviewer why nothing happened', async () => {
    await h.click(ACTION_IDS.nextPhase, buttonValue(), { user: GUEST });
    await h.click(ACTION_IDS.endSession, buttonValue(), { user: GUEST });
    expect(h.thread()).toHaveLength(1);
    expect((await live())?.status).toBe('running');
    const told = h.slack.ephemerals().filter((e) => e.user === GUEST);
    expect(told).toHaveLength(2);
    expect(told[0]?.text).toContain('Only the host and the interviewers');
  });

  it('ends the session once even when End is clicked twice', async () => {
    const value = buttonValue();
    await h.click(ACTION_IDS.endSession, value);
    await h.click(ACTION_IDS.endSession, value);
    const summaries = h.thread().filter((m) => m.text.startsWith('Summary'));
    expect(summaries).toHaveLength(1);
    expect(h.slack.ephemerals().at(-1)?.text).toContain('already ended');
  });
});

describe('+5 min button', () => {
  const phase2Start = async () => (await live())?.phases[1]?.startsAt ?? 0;

  it('adds five minutes once for a double click, and tells the clicker what was added and the new end', async () => {
    const start = h.clock.now();
    await h.click(ACTION_IDS.extend, buttonValue());
    await h.advance(1_000, 1_000);
    await h.click(ACTION_IDS.extend, buttonValue());
    expect(await phase2Start()).toBe(start + 10 * 60_000);
    const told = h.slack.ephemerals().filter((e) => e.user === HOST).map((e) => e.text);
    const newEnd = `<!date^${Math.floor((start + 10 * 60_000) / 1000)}^{time}`;
    expect(told).toEqual([
      expect.stringContaining(`*Requirements &amp; scope* has 5 min more: it now ends at ${newEnd}`),
      expect.stringContaining('You added 5 min to *Requirements &amp; scope* a moment ago, so this was taken as the same request'),
    ]);
    expect(h.thread().filter((m) => m.text.includes('added 5 min'))).toHaveLength(1);
    // A click after the repeat window is a deliberate one: five more minutes.
    await h.advance(EXTEND_REPEAT_WINDOW_MS, 1_000);
    await h.click(ACTION_IDS.extend, buttonValue());
    expect(await phase2Start()).toBe(start + 15 * 60_000);
  });

  it('adds nothing when clicked on a message drawn for a phase that has ended since', async () => {
    const drawn = buttonValue();
    await h.advance(5 * 60_000, 60_000);
    const before = (await live())?.endsAt;
    await h.click(ACTION_IDS.extend, drawn);
    expect((await live())?.endsAt).toBe(before);
    expect(h.slack.ephemerals().at(-1)?.text).toContain('already moved on');
    // The redrawn message's button gives the phase under way its five minutes.
    await h.click(ACTION_IDS.extend, buttonValue());
    expect((await live())?.endsAt).toBe((before ?? 0) + 5 * 60_000);
  });
});

describe('Events', () => {
  it('ends live sessions when the app is uninstalled, once even when Slack retries the event', async () => {
    await h.event({ type: 'app_uninstalled' }, { eventId: 'Ev1' });
    await h.event({ type: 'app_uninstalled' }, { eventId: 'Ev1' });
    const row = h.db.prepare('SELECT status, end_reason FROM sessions').get();
    expect(row).toEqual({ status: 'ended', end_reason: 'app_uninstalled' });
    const warnings = h.logs.filter((l) => l.msg === 'access revoked; live sessions ended');
    expect(warnings).toHaveLength(1);
    await h.advance(60 * 60_000, 5 * 60_000);
    expect(h.thread()).toHaveLength(1); // nothing more is posted
  });

  it('ends the sessions of the workspace that revoked its bot token, and leaves other workspaces alone', async () => {
    await h.command('start Elsewhere', { team: 'T0OTHER' });
    const other = () => h.db.prepare("SELECT status, end_reason FROM sessions WHERE team_id = 'T0OTHER'").get();
    expect(other()).toEqual({ status: 'running', end_reason: null });
    await h.event({ type: 'tokens_revoked', tokens: { bot: ['B0'] } }, { team: 'T0OTHER' });
    expect(other()).toEqual({ status: 'ended', end_reason: 'tokens_revoked' });
    expect((await live())?.status).toBe('running');
    // Both sessions post into the same channel id (one per workspace): tell their threads apart by root.
    const { root_ts: otherRoot } = h.db.prepare("SELECT root_ts FROM sessions WHERE team_id = 'T0OTHER'").get() as { root_ts: string };
    const otherThread = () => h.slack.messages(CHANNEL, { threadTs: otherRoot }).length;
    const frozen = otherThread();
    await h.advance(10 * 60_000, 60_000);
    expect(h.thread().length).toBeGreaterThan(1); // the untouched workspace's session carries on posting
    expect(otherThread()).toBe(frozen); // the revoked one posts nothing more, not even a summary
  });

  it('ignores people revoking their own tokens: the bot is unaffected', async () => {
    await h.event({ type: 'tokens_revoked', tokens: { oauth: ['U0ALICE'], bot: [] } });
    expect((await live())?.status).toBe('running');
  });
});

it('shows the host in the root message and keeps it current at each transition', async () => {
  await h.advance(5 * 60_000, 60_000);
  const root = allText(h.root() ?? {});
  expect(root).toContain(`<@${HOST}>`);
  expect(root).toMatch(/✅ 1\. \*Requirements &amp; scope\*/);
  expect(root).toMatch(/▶️ 2\. \*High-level design\*/);
});

describe('App Home', () => {
  it('lists the live sessions a person is part of, in their workspace only', async () => {
    await h.command('start Design <!here> chat', { channel: 'C0PREP', user: GUEST });
    await h.command('start Not mine', { team: 'T0OTHER', user: HOST });
    await h.event({ type: 'app_home_opened', user: HOST, channel: 'D0HOME', tab: 'home', event_ts: '1.1' });
    const home = h.slack.homeView(HOST);
    const text = allText(home ?? {});
    expect(text).toContain('Design a URL shortener');
    expect(text).toContain('you host');
    expect(text).not.toContain('Not mine');
    expect(text).not.toContain('Design @here chat');
    await h.event({ type: 'app_home_opened', user: GUEST, channel: 'D0HOME2', tab: 'home', event_ts: '1.2' });
    const guestHome = allText(h.slack.homeView(GUEST) ?? {});
    expect(guestHome).toContain('Design @here chat');
    expect(guestHome).not.toContain('<!here>');
  });

  it('ignores the Messages tab', async () => {
    await h.event({ type: 'app_home_opened', user: HOST, channel: 'D0HOME', tab: 'messages', event_ts: '1.3' });
    expect(h.slack.calls.some((c) => c.method === 'views.publish')).toBe(false);
  });
});

describe('Save as note (message shortcut)', () => {
  it('opens the note form with the message as plain text, and saves it once submitted', async () => {
    const { acked } = await h.shortcut('Use <@U0CAROL|carol>\'s idea: shard by &lt;user id&gt; &amp; cache hot keys', { user: GUEST });
    expect(acked).toBe(true);
    const view = h.slack.openViews(GUEST).at(-1);
    const input = (view?.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find((b) => b.block_id === BLOCK_IDS.noteText);
    expect(input?.element?.initial_value).toBe("Use @carol's idea: shard by <user id> & cache hot keys");
    await h.submitNote({ id: view?.id ?? '', private_metadata: view?.private_metadata ?? '' }, { text: input?.element?.initial_value ?? '', phase: '0', kind: 'trade_off' }, { user: GUEST });
    expect(notes()).toEqual([{ phase_idx: 0, kind: 'trade_off', author_id: GUEST, body: "Use @carol's idea: shard by <user id> & cache hot keys" }]);
  });

  it('keeps brackets the person typed as they typed them', async () => {
    await h.shortcut('p99 &lt; 10 ms &amp; &lt;!here&gt; x', { user: GUEST });
    const view = h.slack.openViews(GUEST).at(-1);
    const input = (view?.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find((b) => b.block_id === BLOCK_IDS.noteText);
    expect(input?.element?.initial_value).toBe('p99 < 10 ms & <!here> x');
  });

  it('answers through the response URL in a private channel the bot is not in', async () => {
    await h.shortcut('anything', { channel: 'G0PRIVATE', user: GUEST });
    expect(h.slack.calls.some((c) => c.method === 'chat.postEphemeral')).toBe(false);
    expect(h.slack.ephemerals().at(-1)).toMatchObject({ channel: 'G0PRIVATE', user: GUEST, source: 'response_url' });
  });

  it('tells the person once when Slack does not open the form', async () => {
    h.slack.fail('views.open', { error: 'expired_trigger_id' });
    await h.shortcut('Cache the redirect lookups', { user: GUEST });
    expectToldOnceTheFormDidNotOpen();
  });

  it('logs it once when the reply saying the form did not open fails too', async () => {
    h.slack.fail('views.open', { error: 'expired_trigger_id' });
    h.slack.fail('response_url', { status: 503 });
    await h.shortcut('Cache the redirect lookups', { user: GUEST });
    const warned = h.logs.filter((l) => l.level === 'warn').map((l) => [l.msg, l.session === undefined]);
    expect(warned).toEqual([['could not open the note form', false], ['could not answer privately', false]]);
    expect(JSON.stringify(h.logs)).not.toContain('/response/');
  });

  it('says so when no session runs in the channel', async () => {
    await h.shortcut('anything', { channel: 'C0PREP' });
    expect(h.slack.calls.some((c) => c.method === 'views.open')).toBe(false);
    expect(h.slack.ephemerals().at(-1)?.text).toContain('No session is running');
  });

  it('logs one warning, and no failed listener, when saying no session runs does not arrive', async () => {
    h.slack.fail('response_url', { status: 503 });
    await h.shortcut('anything', { channel: 'C0PREP' });
    expect(h.logs.filter((l) => l.level === 'error')).toEqual([]);
    const warned = h.logs.filter((l) => l.level === 'warn').map((l) => [l.msg, l.channel]);
    expect(warned).toEqual([['could not answer privately', 'C0PREP']]);
    expect(JSON.stringify(h.logs)).not.toContain('/response/');
  });
});
