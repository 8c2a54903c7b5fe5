/**
 * Async study groups through the real Bolt router, with a fixed clock across days and members in three time
 * zones (the stand-in's alice: London, bob: New York, carol: Kolkata, dave: Los Angeles).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/ids.ts';
import { fixedClock } from '../support/fixed-clock.ts';
import { allText, CHANNEL, createHarness, HOST, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const DAVE = 'U0DAVE';
const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

function sessionId(): string {
  return h.db.prepare('SELECT id FROM sessions ORDER BY created_at DESC LIMIT 1').pluck().get() as string;
}

/** The app's DMs to a person (chat.postMessage to their user id lands in their DM with the app). */
function dms(user: string): { text: string; all: string; ts: string }[] {
  return h.slack.messages(`D${user}`).map((m) => ({ text: m.text, all: allText(m), ts: m.ts }));
}

function lastEphemeral(user: string): string {
  const found = h.slack.ephemerals().filter((e) => e.user === user).at(-1);
  return found ? allText(found) : '';
}

/** A person's reply in the session's thread, as Slack's message event delivers it. */
async function reply(user: string, text: string, opts: { eventId?: string; ts?: string } = {}) {
  const root = h.root();
  if (!root) throw new Error('no session message');
  const ts = opts.ts ?? `${Math.floor(h.clock.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  await h.event({ type: 'message', channel: CHANNEL, channel_type: 'channel', user, text, ts, thread_ts: root.ts }, opts.eventId ? { eventId: opts.eventId } : {});
  return ts;
}

/** Moves the clock to `iso`, ticking every 15 minutes on the way, as the cron would (every second) at coarser grain. */
async function until(iso: string): Promise<void> {
  await h.advance(at(iso) - h.clock.now(), 15 * MIN);
}

describe('async study groups', () => {
  it('runs a week-long session: Join, local-time deadlines, one reminder per phase in each member’s daytime to those who have not contributed, mute, and the host’s digest at each deadline', async () => {
    // Monday 7 January 2030, 09:00 UTC.
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const ack = (await h.command('start Design a chat app <for> everyone --async --plan 1d/2d/2d/1d')) as { text: string };
    expect(ack.text).toContain('Starting');
    const id = sessionId();
    await h.tick();

    // The session message: members and the Join / Leave row; no "+5 min" for phases that last days.
    const root = h.root();
    expect(root).toBeDefined();
    const rootText = allText(root ?? { text: '' });
    expect(rootText).toContain('Members:* nobody yet');
    expect(rootText).toContain('Join');
    expect(rootText).not.toContain('+5 min');
    // The phase message: its deadline in each reader's own time zone, and every way to contribute.
    const phase1 = h.thread().map((m) => allText(m)).find((t) => t.includes('Phase 1 of 4'));
    expect(phase1).toContain(`Deadline:* <!date^${at('2030-01-08T09:00:00Z') / 1000}^{date_short_pretty} at {time}|2030-01-08 09:00 UTC> (your time)`);
    expect(phase1).toContain('a reply in the thread');

    // bob (New York) and carol (Kolkata) join; dave joins and leaves again.
    await h.click(ACTION_IDS.join, id, { user: BOB });
    expect(lastEphemeral(BOB)).toContain('You joined *Design a chat app &lt;for&gt; everyone*');
    expect(lastEphemeral(BOB)).toContain('between 09:00 and 20:00 your time (America/New_York)');
    await h.click(ACTION_IDS.join, id, { user: BOB });
    expect(lastEphemeral(BOB)).toContain('already a member');
    await h.click(ACTION_IDS.join, id, { user: CAROL });
    await h.click(ACTION_IDS.join, id, { user: DAVE });
    await h.click(ACTION_IDS.leave, id, { user: DAVE });
    await h.advance(5_000);
    expect(allText(h.root() ?? { text: '' })).toContain(`Members (2):* <@${BOB}>, <@${CAROL}>`);

    // carol answers in the thread during phase 1: a contribution (Slack delivering the event twice counts once).
    const ts = await reply(CAROL, 'Users: 50M DAU, 1:1 and group chats', { eventId: 'EvCAROL1' });
    await reply(CAROL, 'Users: 50M DAU, 1:1 and group chats', { eventId: 'EvCAROL1b', ts });
    expect(h.db.prepare('SELECT user_id, phase_idx, replies FROM thread_replies').all()).toEqual([{ user_id: CAROL, phase_idx: 0, replies: 1 }]);
    await h.advance(5_000);
    expect(allText(h.root() ?? { text: '' })).toContain('1 of 2 contributed to *Requirements &amp; scope*');

    // Phase 1 ends Tuesday 09:00 UTC; a fifth of it is left at 04:12 UTC, 23:12 in New York: bob hears at 19:45 his time.
    await until('2030-01-08T00:44:00Z');
    expect(dms(BOB)).toEqual([]);
    await until('2030-01-08T01:00:00Z');
    expect(dms(BOB)).toHaveLength(1);
    // The notification text is escaped like every other.
    expect(dms(BOB)[0]?.text).toBe('Requirements &amp; scope of Design a chat app &lt;for&gt; everyone closes soon, and you have not added to it yet');
    const reminder = dms(BOB)[0]?.all ?? '';
    expect(reminder).toContain('*Design a chat app &lt;for&gt; everyone*');
    expect(reminder).toContain('Requirements &amp; scope');
    expect(reminder).toContain(`closes <!date^${at('2030-01-08T09:00:00Z') / 1000}^`);
    expect(reminder).toContain('Mute reminders');
    // Its Add a note opens the note form, from the DM, on the phase it is about.
    await h.click(ACTION_IDS.addNote, `${id}:0`, { user: BOB, channel: `D${BOB}`, messageTs: dms(BOB)[0]?.ts ?? '' });
    const form = h.slack.openViews(BOB).at(-1);
    expect(form?.title).toMatchObject({ text: 'Add a note' });
    // carol contributed, dave left: neither is reminded, and bob only once.
    await until('2030-01-08T08:59:00Z');
    expect(dms(CAROL)).toEqual([]);
    expect(dms(DAVE)).toEqual([]);
    expect(dms(BOB)).toHaveLength(1);

    // The deadline: alice, the host, gets the digest.
    expect(dms(HOST)).toEqual([]);
    await until('2030-01-08T09:15:00Z');
    expect(dms(HOST)).toHaveLength(1);
    const digest = dms(HOST)[0]?.all ?? '';
    expect(digest).toContain('*Requirements &amp; scope* of *Design a chat app &lt;for&gt; everyone* in <#C0GENERAL> has reached its deadline.');
    expect(dms(HOST)[0]?.text).toMatch(/^Deadline reached: Requirements &amp; scope of /);
    expect(digest).toContain(`Contributed (1 of 2):* <@${CAROL}>`);
    expect(digest).toContain(`Did not contribute (1):* <@${BOB}>`);
    expect(digest).toContain('Next: *High-level design*');

    // Phase 2 (Tuesday 09:00 to Thursday 09:00 UTC): bob mutes from his reminder; carol writes nothing this time.
    await h.click(ACTION_IDS.mute, id, { user: BOB, channel: `D${BOB}`, messageTs: dms(BOB)[0]?.ts ?? '' });
    expect(lastEphemeral(BOB)).toContain('No more reminders');
    // A fifth left: Wednesday 23:24 UTC, 04:54 in Kolkata, so carol hears at 19:45 her time, 14:15 UTC.
    await until('2030-01-09T14:14:00Z');
    expect(dms(CAROL)).toEqual([]);
    await until('2030-01-09T14:30:00Z');
    expect(dms(CAROL)).toHaveLength(1);
    expect(dms(CAROL)[0]?.all).toContain('High-level design');
    await until('2030-01-10T09:15:00Z');
    expect(dms(BOB)).toHaveLength(1);
    expect(dms(CAROL)).toHaveLength(1);
    expect(dms(HOST)).toHaveLength(2);
    expect(dms(HOST)[1]?.all).toContain(`Did not contribute (2):* <@${BOB}>, <@${CAROL}>`);
    expect(h.db.prepare('SELECT user_id, phase_idx FROM member_reminders ORDER BY sent_at').all()).toEqual([
      { user_id: BOB, phase_idx: 0 },
      { user_id: CAROL, phase_idx: 1 },
    ]);

    // The rest of the week runs by itself: a digest at each deadline, then the summary in the thread.
    await until('2030-01-13T09:15:00Z');
    expect(dms(HOST)).toHaveLength(4);
    expect(dms(HOST)[3]?.all).toContain('That was the last phase');
    expect(h.db.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(id)).toBe('ended');
    const summary = h.thread().map((m) => allText(m)).find((t) => t.includes('*Topic:*')) ?? '';
    expect(summary).toContain('*Members:* 2 · contributed: Requirements &amp; scope 1 of 2 · High-level design 0 of 2 · Deep dive 0 of 2 · Wrap-up 0 of 2');
  });

  it('pausing holds reminders; after resuming, a reminder whose time passed at night waits for the member’s morning; next sends the digest at once', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design a news feed --async --plan 1d/1d/1d/1d');
    const id = sessionId();
    await h.click(ACTION_IDS.join, id, { user: BOB });
    // Paused at 20:00 UTC on Monday; bob's reminder was due at 00:45 UTC (19:45 in New York).
    await until('2030-01-07T20:00:00Z');
    await h.command('pause');
    await until('2030-01-08T02:00:00Z');
    expect(dms(BOB)).toEqual([]);
    // Resumed after six hours: phase 1 now ends at 15:00 UTC. Its reminder time has passed, and it is 21:00 in
    // New York: bob hears at 09:00 his time, 14:00 UTC, an hour before the new deadline.
    await h.command('resume');
    await until('2030-01-08T13:59:00Z');
    expect(dms(BOB)).toEqual([]);
    await until('2030-01-08T14:15:00Z');
    expect(dms(BOB)).toHaveLength(1);
    expect(dms(BOB)[0]?.all).toContain(`closes <!date^${at('2030-01-08T15:00:00Z') / 1000}^`);
    // The host moves on early: the digest of phase 1 goes now, not at the old deadline.
    await until('2030-01-08T14:30:00Z');
    expect(dms(HOST)).toEqual([]);
    await h.command('next');
    await h.tick();
    expect(dms(HOST)).toHaveLength(1);
    expect(dms(HOST)[0]?.all).toContain(`Did not contribute (1):* <@${BOB}>`);
    // It says the phase was closed early, not that its deadline came.
    expect(dms(HOST)[0]?.all).toContain('*Requirements &amp; scope* of *Design a news feed* in <#C0GENERAL> was closed early, before its deadline.');
    expect(dms(HOST)[0]?.all).not.toContain('reached its deadline');
    expect(dms(HOST)[0]?.text).toMatch(/^Closed early: Requirements &amp; scope of Design a news feed: /);
  });

  it('the summary counts each phase against the members it had then, agreeing with the digests', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design Dropbox --async --plan 2h/2h/2h/2h');
    await h.tick();
    const id = sessionId();
    // Phase 1 (09:00 to 11:00): bob, carol and dave join; bob replies in the thread.
    await h.click(ACTION_IDS.join, id, { user: BOB });
    await h.click(ACTION_IDS.join, id, { user: CAROL });
    await reply(BOB, 'File sync: chunked uploads, a metadata service');
    await h.click(ACTION_IDS.join, id, { user: DAVE });
    await until('2030-01-07T11:15:00Z');
    const digests = () => dms(HOST).filter((m) => m.text.startsWith('Deadline reached'));
    expect(digests()[0]?.all).toContain(`Contributed (1 of 3):* <@${BOB}>`);
    // Phase 2: bob leaves. Phase 3 (13:00 to 15:00): alice joins, and she and carol reply.
    await h.click(ACTION_IDS.leave, id, { user: BOB });
    await until('2030-01-07T13:30:00Z');
    await h.click(ACTION_IDS.join, id, { user: HOST });
    await reply(CAROL, 'Dedup by content hash');
    await reply(HOST, 'Block-level dedup saves more');
    await until('2030-01-07T17:15:00Z');
    expect(h.db.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(id)).toBe('ended');
    expect(digests()[2]?.all).toContain(`Contributed (2 of 3):* <@${CAROL}>, <@${HOST}>`);
    const summary = h.thread().map((m) => allText(m)).find((t) => t.includes('*Topic:*')) ?? '';
    // bob keeps his contribution to phase 1; alice is not counted as missing from the phases before she joined.
    expect(summary).toContain('*Members:* 4 · contributed: Requirements &amp; scope 1 of 3 · High-level design 0 of 3 · Deep dive 2 of 3 · Wrap-up 0 of 3');
  });

  it('joins a public channel it posted to without being a member, so that replies in its thread reach it', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const prep = () => h.slack.workspaceOf('T0SANDBOX').channels.get('C0PREP');
    const joins = () => h.slack.calls.filter((c) => c.method === 'conversations.join');
    // A group session reads no thread: it posts there without joining.
    await h.command('start Design a cache --plan 1m/1m/1m/1m', { channel: 'C0PREP' });
    await h.tick();
    expect(h.root('C0PREP')).toBeDefined();
    expect(joins()).toHaveLength(0);
    await h.command('end', { channel: 'C0PREP' });
    await h.tick();
    await h.command('start Design a key-value store --async --plan 2h/2h/2h/2h', { channel: 'C0PREP' });
    await h.tick();
    expect(joins()).toHaveLength(1);
    expect(prep()?.botIsMember).toBe(true);
  });

  it('a session whose host left the channel still runs, and the host still gets the digest', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design a key-value store --async --plan 2h/2h/2h/2h');
    await h.click(ACTION_IDS.join, sessionId(), { user: CAROL });
    h.slack.workspaceOf('T0SANDBOX').channels.get(CHANNEL)?.members.delete(HOST);
    await until('2030-01-07T17:15:00Z');
    expect(h.thread().filter((m) => allText(m).includes('Phase ')).length).toBeGreaterThanOrEqual(4);
    expect(h.thread().some((m) => allText(m).includes('Summary'))).toBe(true);
    expect(dms(HOST)).toHaveLength(4);
  });

  it('a study group in a workspace that uninstalls the app sends no reminder or digest afterwards', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design a key-value store --async --plan 1d/1d/1d/1d');
    await h.tick();
    await h.click(ACTION_IDS.join, sessionId(), { user: BOB });
    const pending = () => h.db.prepare("SELECT step_key FROM steps WHERE state = 'pending' ORDER BY step_key").pluck().all() as string[];
    expect(pending()).toContain('remind');
    await h.event({ type: 'app_uninstalled' }, { eventId: 'EvUNINSTALL' });
    expect(pending()).toEqual([]);
    await until('2030-01-12T09:00:00Z');
    expect(dms(HOST)).toEqual([]);
    expect(dms(BOB)).toEqual([]);
  });

  it('a digest that may have reached Slack is never sent twice, and the next phase goes out after it', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design a cache --async --plan 2h/2h/2h/2h');
    await until('2030-01-07T10:59:50Z');
    // Slack answers 503 to the digest: it may have gone out. A DM cannot be looked up, so it counts as sent.
    h.slack.fail('chat.postMessage', { status: 503 }, 1);
    await h.advance(MIN, 1000);
    expect(h.db.prepare("SELECT state, attempts FROM steps WHERE step_key = 'digest:0'").get()).toEqual({ state: 'done', attempts: 2 });
    expect(dms(HOST)).toEqual([]);
    expect(h.thread().some((m) => allText(m).includes('Phase 2 of 4'))).toBe(true);
  });

  it('a reminder Slack answers with 429 is sent after Retry-After, not dropped', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design a cache --async --plan 1d/1d/1d/1d');
    const id = h.db.prepare('SELECT id FROM sessions').pluck().get() as string;
    await h.click(ACTION_IDS.join, id, { user: BOB });
    await h.advance(at('2030-01-08T00:30:00Z') - h.clock.now(), 15 * MIN);
    expect(h.slack.messages(`D${BOB}`)).toHaveLength(0);
    // Bob's reminder meets one 429 asking to wait a second.
    h.slack.fail('chat.postMessage', { status: 429, retryAfter: 1 }, 1, (params) => params.channel === BOB);
    await h.advance(8 * 60 * MIN, 5000);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === BOB && !c.ok)).toHaveLength(1);
    expect(h.slack.messages(`D${BOB}`)).toHaveLength(1);
  });

  it('a reminder run the database keeps failing is retried with backoff, then stops, said once', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design a cache --async --plan 1d/1d/1d/1d');
    await h.click(ACTION_IDS.join, sessionId(), { user: BOB });
    // bob's reminder falls at 00:45 UTC (19:45 in New York); the table it is recorded in goes missing before.
    await until('2030-01-08T00:30:00Z');
    h.db.exec('DROP TABLE member_reminders');
    await h.advance(40 * MIN, 5000);
    expect(h.db.prepare("SELECT state, attempts FROM steps WHERE step_key = 'remind'").get()).toEqual({ state: 'failed', attempts: 10 });
    expect(h.logs.filter((l) => l.msg === 'stopped working out reminders after repeated failures')).toHaveLength(1);
    expect(h.logs.filter((l) => l.msg === 'a delivery worker failed')).toEqual([]);
    // The session itself carries on.
    await until('2030-01-08T09:15:00Z');
    expect(h.thread().some((m) => allText(m).includes('Phase 2 of 4'))).toBe(true);
  });

  it('a reply in the thread of a session that is not a study group still counts; Join there says there is nothing to join', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design a rate limiter');
    await h.tick();
    const id = sessionId();
    await reply(BOB, 'Token bucket per API key?');
    expect(h.db.prepare('SELECT user_id FROM thread_replies').pluck().all()).toEqual([BOB]);
    await h.click(ACTION_IDS.join, id, { user: BOB });
    expect(lastEphemeral(BOB)).toContain("isn't a study group");
    expect(h.db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(0);
    // A reply outside any session's thread, and a bot's message, count for nothing.
    await h.event({ type: 'message', channel: CHANNEL, user: BOB, text: 'hello', ts: '1900000000.000001', thread_ts: '1800000000.000001' });
    await h.event({ type: 'message', channel: CHANNEL, bot_id: 'B0OTHER', user: 'U0OTHERBOT', text: 'beep', ts: '1900000000.000002', thread_ts: h.root()?.ts });
    expect(h.db.prepare('SELECT count(*) FROM thread_replies').pluck().get()).toBe(1);
  });

  it('a study group started from a recurring schedule with --async', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('schedule "every mon 10:00" --tz UTC --async');
    const { fireDueSchedules } = await import('../../src/app/schedules.ts');
    h.clock.set(at('2030-01-07T10:00:00Z'));
    expect(await fireDueSchedules({ ...h.md.deps, people: h.md.messenger }, h.clock.now(), () => 0)).toBe(1);
    await h.tick();
    expect(h.db.prepare('SELECT is_async FROM sessions').pluck().get()).toBe(1);
    expect(allText(h.root() ?? { text: '' })).toContain('Join');
  });
});
