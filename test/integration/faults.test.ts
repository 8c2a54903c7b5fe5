/**
 * The delivery engine under faults: each case here once stormed, doubled, dropped or lost a post. Real Bolt
 * router, real SQLite with the real migrations, Slack played by the stand-in, a clock the test moves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, SETTLE_MS } from '../../src/app/dispatcher.ts';
import { REPEAT_WINDOW_MS } from '../../src/app/sessions.ts';
import { fixedClock } from '../support/fixed-clock.ts';
import { allText, CHANNEL, createHarness, GUEST, type Harness, HOST, TEAM } from '../support/harness.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const PRIVATE = 'G0PRIVATE';
let h: Harness;
afterEach(async () => {
  await h.close();
});

type Ack = { text: string };
const steps = () =>
  h.db.prepare('SELECT step_key, state, attempts, last_error FROM steps WHERE seq >= 0 ORDER BY session_id, seq').all() as {
    step_key: string;
    state: string;
    attempts: number;
    last_error: string | null;
  }[];
const sessionRow = () => h.db.prepare('SELECT status, end_reason, pause_reason FROM sessions ORDER BY created_at DESC').get() as { status: string; end_reason: string | null; pause_reason: string | null };
const calls = (method: string) => h.slack.calls.filter((c) => c.method === method);
const dmsToHost = () => h.slack.messages(`D${HOST}`);
const invite = async (channel: string) => {
  h.slack.workspace.channels.get(channel)!.botIsMember = true;
  await h.event({ type: 'member_joined_channel', user: 'U0BOT', channel, channel_type: 'G', event_ts: '1.1' });
};

describe('a private channel the bot is not in', () => {
  it('backs off after `end` instead of storming, tells the host once, and posts once after the invitation', async () => {
    h = await createHarness();
    await h.command('start Storm check --plan 1m/1m/1m/1m', { channel: PRIVATE });
    expect(sessionRow()).toMatchObject({ status: 'paused', pause_reason: 'not_in_channel' });
    await h.command('end', { channel: PRIVATE });
    expect(sessionRow().status).toBe('ended');

    await h.advance(100 * SEC, SEC);
    // Backoff 1, 2, 4, 8, 16, 32 s: a handful of tries in 100 s, not tens of thousands.
    expect(calls('chat.postMessage').filter((c) => c.params.channel === PRIVATE).length).toBeLessThanOrEqual(8);
    expect(calls('conversations.join').length).toBeLessThanOrEqual(8);
    expect(dmsToHost()).toHaveLength(1);
    expect(dmsToHost()[0]?.text).toContain('/invite @mockdesign');

    await invite(PRIVATE);
    const root = h.root(PRIVATE);
    expect(root).toBeDefined();
    expect(h.thread(PRIVATE).map((m) => m.text.slice(0, 7))).toEqual(['Summary']);
    await h.advance(10 * MIN, MIN);
    expect(h.slack.messages(PRIVATE).filter((m) => !m.thread_ts || m.thread_ts === m.ts)).toHaveLength(1);
    expect(dmsToHost()).toHaveLength(1);
  });

  it('a running session waits while the bot is out and carries on by itself once invited', async () => {
    h = await createHarness();
    await h.command('start Waits --plan 5m/5m/5m/5m', { channel: PRIVATE });
    expect(sessionRow().status).toBe('paused');
    // Nothing but the root (retried with backoff) is due while it waits: the rest are queued behind it.
    expect(steps().filter((s) => s.state === 'pending').map((s) => s.step_key)).toEqual(['root']);
    expect(steps().find((s) => s.step_key === 'phase:0')?.state).toBe('queued');
    await h.advance(3 * MIN, 30 * SEC);
    await invite(PRIVATE);
    expect(sessionRow()).toMatchObject({ status: 'running', pause_reason: null });
    expect(allText(h.thread(PRIVATE)[0] ?? {})).toContain('Phase 1 of 4');
    // The schedule moved by the time it waited: phase 1 still gets its full five minutes.
    await h.advance(4 * MIN, MIN);
    expect(h.thread(PRIVATE).map((m) => m.text)).toEqual([expect.stringContaining('Phase 1 of 4'), expect.stringMatching(/left in|Time is up for/)]);
    expect(dmsToHost()).toHaveLength(1);
  });

  it('an invitation that arrives while a refused post is still being handled lets that post go at once, not after its backoff', async () => {
    h = await createHarness();
    await h.command('start Crossing --plan 5m/5m/5m/5m', { channel: PRIVATE });
    expect(sessionRow()).toMatchObject({ status: 'paused', pause_reason: 'not_in_channel' });
    await h.advance(30 * SEC, 30 * SEC);
    const refusedBefore = calls('chat.postMessage').filter((c) => !c.ok).length;
    // The next try is refused; while the app still asks Slack to join (slowed down here), the bot is invited.
    h.slack.fail('conversations.join', { delayMs: 1000 });
    let invited: Promise<void> | undefined;
    const onCall = (call: { method: string; ok: boolean }) => {
      if (call.method === 'chat.postMessage' && !call.ok) invited ??= invite(PRIVATE);
    };
    h.slack.events.on('call', onCall);
    h.clock.set(h.clock.now() + 2 * MIN);
    await h.tick();
    h.slack.events.off('call', onCall);
    await invited;
    expect(calls('chat.postMessage').filter((c) => !c.ok).length).toBe(refusedBefore + 1);
    // Without moving the clock: the root is posted and the session runs again.
    await h.tick();
    expect(h.root(PRIVATE)).toBeDefined();
    expect(sessionRow()).toMatchObject({ status: 'running', pause_reason: null });
    expect(allText(h.thread(PRIVATE)[0] ?? {})).toContain('Phase 1 of 4');
  });

  it('a summary whose channel the bot was removed from backs off, is reported once, and goes out after an invitation', async () => {
    h = await createHarness({ standIn: { channels: [{ id: PRIVATE, name: 'private-prep', members: [HOST, GUEST], botIsMember: true, isPrivate: true }] } });
    await h.command('start Removed --plan 1m/1m/1m/1m', { channel: PRIVATE });
    // Removed after the last phase's time check (12 s before the end): only the summary is left to post.
    await h.advance(3 * MIN + 50 * SEC, 10 * SEC);
    h.slack.workspace.channels.get(PRIVATE)!.botIsMember = false;
    await h.advance(5 * MIN, SEC);
    expect(sessionRow().status).toBe('ended');
    expect(steps().find((s) => s.step_key === 'summary')).toMatchObject({ state: 'pending', last_error: 'not_in_channel' });
    expect(calls('chat.postMessage').filter((c) => c.params.channel === PRIVATE && !c.ok).length).toBeLessThanOrEqual(12);
    expect(dmsToHost()).toHaveLength(1);
    await invite(PRIVATE);
    expect(h.thread(PRIVATE).filter((m) => m.text.startsWith('Summary'))).toHaveLength(1);
  });

  it('gives up after its attempts, ends the session and tells the host once what was lost', async () => {
    h = await createHarness();
    await h.command('start Never invited --plan 1m/1m/1m/1m', { channel: PRIVATE });
    await h.advance(6 * 60 * MIN, 5 * MIN);
    // It ended itself after its pause limit (an hour) and went on trying the session message for hours.
    expect(sessionRow()).toMatchObject({ status: 'ended', end_reason: 'paused_too_long' });
    expect(steps().find((s) => s.step_key === 'root')).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS });
    expect(dmsToHost().map((m) => m.text)).toEqual([expect.stringContaining('/invite'), expect.stringContaining('gave up posting the session message')]);
    const before = h.slack.calls.length;
    await h.advance(60 * MIN, 5 * MIN);
    expect(h.slack.calls.length).toBe(before);
  });

  it('a channel that lets the bot join but still refuses its posts is tried again with backoff, not in a loop', async () => {
    h = await createHarness();
    const refused = () => calls('chat.postMessage').filter((c) => c.params.channel === CHANNEL);
    h.slack.fail('chat.postMessage', { error: 'not_in_channel' }, 10_000, (params) => params.channel === CHANNEL);
    await h.command('start Refused after joining --plan 5m/5m/5m/5m');
    // At one instant: refused, joined, refused once more; then it waits.
    expect(refused()).toHaveLength(2);
    expect(calls('conversations.join')).toHaveLength(1);
    await h.advance(100 * SEC, SEC);
    // Backoff 1, 2, 4, 8, 16, 32 s, each wait ending in a join and two tries.
    expect(refused().length).toBeLessThanOrEqual(16);
    expect(calls('conversations.join').length).toBeLessThanOrEqual(8);
    expect(steps().find((s) => s.step_key === 'root')?.attempts).toBeGreaterThan(1);
    expect(dmsToHost()).toHaveLength(1);
  });
});

describe('posts in doubt', () => {
  /** Claims a due step as an instance that then dies mid-post: the message reached Slack, the row says `sending`. */
  async function dieAfterPosting(): Promise<number> {
    const dead = { owner: 'dead-instance', leaseMs: 30 * SEC };
    const [step] = await h.store.steps.claimDue(dead, 1);
    if (!step) throw new Error('nothing due');
    await h.store.steps.beginPost(step, dead);
    const session = await h.store.sessions.find(step.sessionId);
    if (!session) throw new Error('no session');
    await h.md.messenger.post({ session, notes: [], participants: [] }, step, 0, h.clock.now());
    return step.id;
  }

  it('finds a post in doubt even when the app clock runs minutes ahead of Slack', async () => {
    const clock = fixedClock();
    h = await createHarness({ clock, standIn: { now: () => clock.now() - 10 * MIN } });
    h.slack.fail('chat.postMessage', { error: 'internal_error' }, 1);
    await h.command('start Skewed');
    // The root post failed before reaching Slack; now an instance posts it and dies before recording it.
    h.clock.advance(SETTLE_MS);
    const stepId = await dieAfterPosting();
    h.clock.advance(30 * SEC);
    await h.tick();
    expect(await h.store.steps.find(stepId)).toMatchObject({ key: 'root', state: 'done' });
    expect(h.slack.messages(CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(calls('conversations.history').at(-1)?.params.oldest).toBe(String(Math.floor((await h.store.sessions.find((await h.store.steps.find(stepId))!.sessionId))!.createdAt / 1000) - 3600));
  });

  it('does not adopt a message of an earlier session that carries the same step and part', async () => {
    h = await createHarness();
    await h.command('start First --plan 1m/1m/1m/1m');
    await h.advance(5 * MIN, 30 * SEC);
    expect(h.thread().at(-1)?.text).toContain('Summary');
    // The second session's root post fails in a way that leaves it in doubt; nothing reached Slack.
    h.slack.fail('chat.postMessage', { status: 503 }, 1);
    await h.command('start Second --plan 1m/1m/1m/1m');
    await h.advance(SETTLE_MS + SEC, SEC);
    const roots = h.slack.messages(CHANNEL).filter((m) => !m.thread_ts && m.metadata?.event_type === 'mockdesign_step');
    expect(roots.map((m) => allText(m)).filter((t) => t.includes('Second'))).toHaveLength(1);
    expect(roots).toHaveLength(2);
  });

  it('takes over the step of an instance that died mid-post only after its lease, and looks before posting', async () => {
    h = await createHarness();
    await h.command('start Takeover');
    h.clock.advance(4 * MIN);
    const stepId = await dieAfterPosting();
    await h.tick();
    expect((await h.store.steps.find(stepId))?.state).toBe('sending');
    h.clock.advance(30 * SEC);
    await h.tick();
    expect(await h.store.steps.find(stepId)).toMatchObject({ state: 'done', uncertain: false });
    expect(h.thread().filter((m) => /left in|Time is up for/.test(m.text))).toHaveLength(1);
  });
});

describe('errors Slack may answer', () => {
  it('retries an error it does not know, with backoff, instead of dropping the post', async () => {
    h = await createHarness();
    await h.command('start Unknown error');
    h.slack.fail('chat.postMessage', { error: 'brand_new_error' }, 3);
    await h.advance(4 * MIN, MIN);
    expect(steps().find((s) => s.step_key === 'warning:0')).toMatchObject({ state: 'pending', last_error: 'brand_new_error' });
    await h.advance(MIN, SEC);
    expect(h.thread().filter((m) => /left in|Time is up for/.test(m.text))).toHaveLength(1);
    expect(dmsToHost()).toHaveLength(0);
  });

  it('a post given up on is reported to the host once, with what was lost', async () => {
    h = await createHarness();
    await h.command('start Given up --plan 5m/5m/5m/5m');
    h.slack.fail('chat.postMessage', { error: 'brand_new_error' }, MAX_ATTEMPTS);
    await h.advance(6 * 60 * MIN, 5 * MIN);
    expect(steps().find((s) => s.step_key === 'warning:0')).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS });
    expect(dmsToHost().map((m) => m.text)).toEqual([expect.stringContaining('gave up posting the time check of phase 1')]);
    // The session went on without it.
    expect(h.thread().at(-1)?.text).toContain('Summary');
  });

  it('a report to the host whose DM fails is sent again later, and once', async () => {
    h = await createHarness();
    await h.command('start Report --plan 5m/5m/5m/5m');
    // The time check of phase 1 is refused for good; the DM telling the host meets a 503, then a 500.
    h.slack.fail('chat.postMessage', { error: 'invalid_blocks' }, 1, (params) => params.channel === CHANNEL);
    h.slack.fail('chat.postMessage', { status: 503 }, 2, (params) => params.channel === HOST);
    await h.advance(30 * MIN, 30 * SEC);
    expect(steps().find((s) => s.step_key === 'warning:0')).toMatchObject({ state: 'failed' });
    expect(dmsToHost().map((m) => m.text)).toEqual([expect.stringContaining('gave up posting the time check of phase 1')]);
    expect(calls('chat.postMessage').filter((c) => c.params.channel === HOST)).toHaveLength(3);
  });

  it('429s do not use up attempts: a long rate-limited stretch and then one 5xx still delivers', async () => {
    h = await createHarness();
    await h.command('start Rate limited');
    h.slack.fail('chat.postMessage', { status: 429, retryAfter: 1 }, MAX_ATTEMPTS + 20);
    await h.advance(4 * MIN, SEC);
    expect(steps().find((s) => s.step_key === 'warning:0')).toMatchObject({ state: 'pending', attempts: 0, last_error: 'ratelimited' });
    // Dozens of 429s for the one post, said once.
    expect(h.logs.filter((l) => l.msg === 'rate limited by Slack; retrying later' && l.level === 'warn')).toHaveLength(1);
    await h.advance(2 * MIN, SEC);
    h.slack.fail('chat.postMessage', { status: 503 }, 1);
    await h.advance(SETTLE_MS + 2 * SEC, SEC);
    expect(h.thread().filter((m) => /left in|Time is up for/.test(m.text))).toHaveLength(1);
  });
});

describe('App Home that Slack does not take', () => {
  const open = () => h.event({ type: 'app_home_opened', user: HOST, channel: 'D0HOME', tab: 'home', event_ts: '1.1' });
  const said = () => h.logs.filter((l) => l.level !== 'debug');

  it('a 5xx is said once, as a warning naming the workspace and the person, without a token or a stack', async () => {
    h = await createHarness();
    h.slack.fail('views.publish', { status: 503 }, 1);
    await open();
    expect(h.slack.homeView(HOST)).toBeUndefined();
    expect(said()).toEqual([expect.objectContaining({ level: 'warn', msg: 'could not publish App Home', team: TEAM, user: HOST, reason: expect.stringContaining('503') })]);
    expect(said()[0]).not.toHaveProperty('stack');
    expect(JSON.stringify(h.logs)).not.toContain(h.slack.botToken);
    // Opening Home again publishes again.
    await open();
    expect(h.slack.homeView(HOST)).toBeDefined();
  });

  it('429s: the first is a warning; those that follow within a minute are not said above debug level', async () => {
    h = await createHarness();
    h.slack.fail('views.publish', { status: 429, retryAfter: 3 }, 4);
    for (let i = 0; i < 3; i++) {
      await open();
      h.clock.advance(5 * SEC);
    }
    expect(calls('views.publish')).toHaveLength(3);
    expect(said().map((l) => [l.level, l.msg, l.team, l.user])).toEqual([['warn', 'could not publish App Home', TEAM, HOST]]);
    expect(said()[0]?.reason).toMatch(/rate-limit/);
    expect(said()[0]).not.toHaveProperty('stack');
    h.clock.advance(MIN);
    await open();
    expect(said().map((l) => l.level)).toEqual(['warn', 'warn']);
  });
});

describe('requests Slack sends twice', () => {
  it('an event whose handler failed is handled again when Slack retries it; a handled one is not', async () => {
    h = await createHarness();
    // App Home reads the person's recurring sessions: with their table gone for a moment, the handler fails.
    h.db.exec('ALTER TABLE schedules RENAME TO schedules_away');
    const open = { type: 'app_home_opened', user: HOST, channel: 'D0HOME', tab: 'home', event_ts: '1.1' };
    await h.event(open, { eventId: 'EvRetry' });
    expect(h.slack.homeView(HOST)).toBeUndefined();
    expect(h.logs.filter((l) => l.msg === 'listener failed')).toHaveLength(1);
    h.db.exec('ALTER TABLE schedules_away RENAME TO schedules');
    await h.event(open, { eventId: 'EvRetry' });
    expect(h.slack.homeView(HOST)).toBeDefined();
    const published = calls('views.publish').length;
    await h.event(open, { eventId: 'EvRetry' });
    expect(calls('views.publish').length).toBe(published);
  });

  it('`next` typed twice moves on once; typed again later it moves on again', async () => {
    h = await createHarness();
    await h.command('start Twice');
    await h.advance(MIN, MIN);
    expect(((await h.command('next')) as Ack).text).toContain('On to phase 2');
    h.clock.advance(2 * SEC);
    expect(((await h.command('next', { user: HOST })) as Ack).text).toContain('already moved on');
    expect(h.thread().filter((m) => m.text.startsWith('Phase'))).toHaveLength(2);
    h.clock.advance(REPEAT_WINDOW_MS);
    expect(((await h.command('next')) as Ack).text).toContain('On to phase 3');
  });
});

describe('paused sessions', () => {
  it('hold their steps (the tick never sees them) and end themselves with a summary after their limit', async () => {
    h = await createHarness();
    await h.command('start Forgotten --plan 5m/20m/15m/5m');
    await h.advance(MIN, MIN);
    await h.command('pause');
    expect(steps().filter((s) => s.state === 'pending')).toEqual([]);
    const claimedWhilePaused = await h.md.dispatcher.tick();
    expect(claimedWhilePaused).toBe(0);
    await h.advance(59 * MIN, 5 * MIN);
    expect(sessionRow().status).toBe('paused');
    await h.advance(2 * MIN, MIN);
    expect(sessionRow()).toMatchObject({ status: 'ended', end_reason: 'paused_too_long' });
    expect(h.thread().at(-1)?.text).toContain('Summary');
    expect(allText(h.thread().at(-1) ?? {})).toContain('after a long pause');
  });
});

describe('the session message stays true', () => {
  it('shows a burst of notes within seconds, with one update', async () => {
    h = await createHarness();
    await h.command('start Counting');
    const updates = () => calls('chat.update').length;
    const before = updates();
    for (let i = 0; i < 5; i++) await h.command(`note idea ${i}`, { user: GUEST });
    await h.advance(3 * SEC, SEC);
    expect(updates()).toBe(before + 1);
    expect(allText(h.root() ?? {})).toMatch(/5 notes/);
  });
});

describe('a database that stops answering', () => {
  it('is logged when it starts failing and then once a minute, not at every tick', async () => {
    h = await createHarness();
    await h.command('start Doomed database');
    h.db.close();
    for (let i = 0; i < 90; i++) {
      h.clock.advance(SEC);
      await h.tick();
    }
    const errors = h.logs.filter((l) => l.msg === 'could not claim due posts');
    expect(errors).toHaveLength(2);
    expect(errors.map((l) => l.failing_ms)).toEqual([0, 60 * SEC]);
  });
});

describe('two starts racing in one channel', () => {
  it('start one session; the other person is told, through the command or right after it', async () => {
    h = await createHarness();
    const acks = (await Promise.all([h.command('start First racer'), h.command('start Second racer', { user: GUEST })])) as Ack[];
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    const told = [...acks.map((a) => a.text), ...h.slack.ephemerals().filter((e) => e.source === 'response_url').map((e) => e.text)];
    expect(told.filter((t) => t.includes('already'))).toHaveLength(1);
    expect(h.slack.messages(CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
  });
});
