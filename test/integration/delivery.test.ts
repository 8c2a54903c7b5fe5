/** How posts survive Slack's refusals: rate limits, outages, lost channels, revoked tokens. */
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, SETTLE_MS } from '../../src/app/dispatcher.ts';
import { allText, CHANNEL, createHarness, type Harness, HOST, TEAM } from '../support/harness.ts';

const MIN = 60_000;
let h: Harness;
afterEach(async () => {
  await h.close();
});

const stepRows = () => h.db.prepare('SELECT step_key, state, attempts, last_error, run_at FROM steps ORDER BY seq').all() as {
  step_key: string;
  state: string;
  attempts: number;
  last_error: string | null;
  run_at: number;
}[];
const session = () => h.db.prepare('SELECT status, end_reason FROM sessions').get() as { status: string; end_reason: string | null };

describe('rate limits', () => {
  it('honours Retry-After for one channel without holding up another, and loses nothing', async () => {
    h = await createHarness();
    h.slack.fail('chat.postMessage', { status: 429, retryAfter: 7 }, 1);
    await h.command('start Limited');
    expect(h.root()).toBeUndefined();
    const root = stepRows()[0];
    expect(root).toMatchObject({ step_key: 'root', state: 'pending', last_error: 'ratelimited', run_at: h.clock.now() + 7000 });

    // Another channel is not made to wait.
    await h.command('start Unaffected', { channel: 'C0PREP' });
    expect(h.root('C0PREP')).toBeDefined();

    await h.advance(6000);
    expect(h.root()).toBeUndefined();
    await h.advance(1000);
    expect(h.root()).toBeDefined();
    expect(h.thread().map((m) => m.text)).toEqual([expect.stringContaining('Phase 1 of 4')]);
  });

  it('posts sessions that fall due in the same second concurrently, with a bound, and refills the pool at once', async () => {
    h = await createHarness({
      postConcurrency: 4,
      standIn: {
        channels: Array.from({ length: 12 }, (_, i) => ({ id: `C${i}X`, name: `c${i}`, members: ['U0ALICE'], botIsMember: true })),
      },
    });
    for (let i = 0; i < 12; i++) await h.command(`start Topic ${i} --plan 1m/1m/1m/1m`, { channel: `C${i}X` });
    h.slack.fail('chat.postMessage', { delayMs: 50 }, 100);
    h.clock.advance(MIN);
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, h.md.dispatcher.inFlight);
    }, 5);
    const claimed = await h.md.dispatcher.tick();
    // The pool holds 4 posts at a time; as each finishes the next due one is taken, without waiting for a tick.
    expect(claimed).toBe(4);
    await h.md.dispatcher.drain();
    clearInterval(watch);
    expect(most).toBe(4);
    // Phase 1's time check (12 s before its end) fell due in the same minute: it says time is up, then phase 2.
    for (let i = 0; i < 12; i++) expect(h.thread(`C${i}X`).map((m) => m.text.slice(0, 10))).toEqual(['Phase 1 of', 'Time is up', 'Phase 2 of']);
  });
});

describe('pacing per channel', () => {
  it('a session that fell behind does not hold a worker while its channel is paced: its posts wait in the schedule', async () => {
    h = await createHarness({
      postConcurrency: 1,
      channelIntervalMs: 1000,
      standIn: {
        channels: ['C0BEHIND', 'C0LATE'].map((id) => ({ id, name: id.toLowerCase(), members: [HOST], botIsMember: true })),
      },
    });
    await h.command('start Behind --plan 1m/1m/1m/1m', { channel: 'C0BEHIND' });
    expect(h.thread('C0BEHIND').map((m) => m.text.slice(0, 10))).toEqual(['Phase 1 of']);
    // The app was away for three minutes: six posts of this session are due at once.
    h.clock.advance(3 * MIN);
    await h.command('start On time', { channel: 'C0LATE' });
    await h.md.dispatcher.tick();
    await h.md.dispatcher.drain();
    // The channel's bucket let three through; the fourth would wait a second, so the one worker went on to the
    // other channel's session instead of sleeping.
    expect(h.root('C0LATE')).toBeDefined();
    expect(h.thread('C0LATE').map((m) => m.text.slice(0, 10))).toEqual(['Phase 1 of']);
    expect(h.thread('C0BEHIND').map((m) => m.text.slice(0, 10))).toEqual(['Phase 1 of', 'Time is up', 'Phase 2 of', 'Time is up']);
    const waiting = stepRows().find((r) => r.state === 'pending' && r.step_key === 'phase:2');
    expect(waiting).toMatchObject({ attempts: 0, run_at: h.clock.now() + 1000 });
    // A second later the channel takes one more, and so on: nothing is lost, nothing counted as a failure.
    for (let i = 0; i < 3; i++) await h.advance(1000);
    expect(h.thread('C0BEHIND').map((m) => m.text.slice(0, 10))).toEqual(['Phase 1 of', 'Time is up', 'Phase 2 of', 'Time is up', 'Phase 3 of', 'Time is up', 'Phase 4 of']);
  });
});

describe('transient failures', () => {
  it('retries a 5xx with capped backoff and looks before posting again', async () => {
    h = await createHarness();
    await h.command('start Flaky');
    h.slack.fail('chat.postMessage', { status: 503 }, 3);
    await h.advance(4 * MIN, MIN); // the time check falls due, and its post fails
    const check = stepRows().find((r) => r.step_key === 'warning:0');
    // The failed post may still land at Slack: the retry waits until it has settled, then looks first.
    expect(check).toMatchObject({ state: 'pending', last_error: 'http_503', run_at: h.clock.now() + SETTLE_MS });
    await h.advance(SETTLE_MS - 1000, 1000);
    expect(stepRows().find((r) => r.step_key === 'warning:0')?.attempts).toBe(1);
    await h.advance(2 * SETTLE_MS + 1000, 1000); // two more failures, then it goes through
    expect(stepRows().find((r) => r.step_key === 'warning:0')).toMatchObject({ state: 'done', attempts: 4 });
    expect(h.thread().filter((m) => /left in|Time is up for/.test(m.text))).toHaveLength(1);
    // A failed attempt may have reached Slack, so the retry read the thread first.
    expect(h.slack.calls.some((c) => c.method === 'conversations.replies')).toBe(true);
    expect(backoffMs(1)).toBe(1000);
    expect(backoffMs(3)).toBe(4000);
    expect(backoffMs(30)).toBe(5 * MIN);
  });
});

describe('permanent failures', () => {
  it.each(['channel_not_found', 'is_archived'])('%s ends the session with a reason, tells the host, and stops retrying', async (error) => {
    h = await createHarness();
    await h.command('start Doomed');
    h.slack.fail('chat.postMessage', { error }, 1);
    await h.advance(4 * MIN, MIN);
    expect(session()).toEqual({ status: 'ended', end_reason: error });
    expect(stepRows().filter((r) => r.state === 'pending')).toEqual([]);
    const dm = h.slack.messages(`D${HOST}`);
    expect(dm.at(-1)?.text).toContain('Doomed');
    const before = h.slack.calls.length;
    await h.advance(60 * MIN, 5 * MIN);
    expect(h.slack.calls.length).toBe(before);
  });

  it('a revoked token ends the session instead of retrying forever', async () => {
    h = await createHarness();
    await h.command('start Revoked');
    h.slack.fail('chat.postMessage', { error: 'token_revoked' }, 1);
    await h.advance(4 * MIN, MIN);
    expect(session()).toEqual({ status: 'ended', end_reason: 'token_revoked' });
    expect(h.logs.filter((l) => l.level === 'error' && String(l.msg).includes('no longer accepts'))).toHaveLength(1);
  });

  it('a message Slack rejects is skipped and logged; the session goes on', async () => {
    h = await createHarness();
    await h.command('start Rejected');
    h.slack.fail('chat.postMessage', { error: 'invalid_blocks' }, 1);
    await h.advance(5 * MIN, MIN);
    expect(stepRows().find((r) => r.step_key === 'warning:0')).toMatchObject({ state: 'failed', last_error: 'invalid_blocks' });
    expect(h.thread().at(-1)?.text).toContain('Phase 2 of 4');
  });
});

describe('not in the channel', () => {
  it('joins a public channel and posts', async () => {
    h = await createHarness({
      standIn: { channels: [{ id: CHANNEL, name: 'general', members: [HOST], botIsMember: false, isPrivate: false }] },
    });
    h.slack.fail('chat.postMessage', { error: 'not_in_channel' }, 1);
    await h.command('start Public');
    await h.tick();
    expect(h.slack.calls.some((c) => c.method === 'conversations.join' && c.ok)).toBe(true);
    expect(h.root()).toBeDefined();
  });

  it('pauses in a private channel, tells the host how to invite the bot, and carries on after resume', async () => {
    h = await createHarness();
    await h.command('start Private', { channel: 'G0PRIVATE' });
    expect(session().status).toBe('paused');
    expect(h.slack.messages(`D${HOST}`).at(-1)?.text).toContain('/invite @mockdesign');
    // Someone invites the bot; the host resumes.
    h.slack.workspace.channels.get('G0PRIVATE')!.botIsMember = true;
    await h.command('resume', { channel: 'G0PRIVATE' });
    expect(h.root('G0PRIVATE')).toBeDefined();
    expect(allText(h.thread('G0PRIVATE')[0] ?? {})).toContain('Phase 1 of 4');
    expect(session().status).toBe('running');
    expect(await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, 'G0PRIVATE')).toBeDefined();
  });
});

describe('the session message', () => {
  it('gets its permalink written from the workspace URL auth.test gave, without a call per session', async () => {
    h = await createHarness({ workspaceUrl: 'https://acme.slack.com/' });
    await h.command('start Linked');
    const root = h.root();
    expect(h.slack.calls.filter((c) => c.method === 'chat.getPermalink')).toHaveLength(0);
    const row = h.db.prepare('SELECT permalink FROM sessions').get() as { permalink: string };
    expect(row.permalink).toBe(`https://acme.slack.com/archives/${CHANNEL}/p${root?.ts.replace('.', '')}`);
  });

  it('asks Slack for the permalink when the workspace URL is not known', async () => {
    h = await createHarness();
    await h.command('start Asked');
    expect(h.slack.calls.filter((c) => c.method === 'chat.getPermalink' && c.ok)).toHaveLength(1);
  });
});
