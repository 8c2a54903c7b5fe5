/**
 * A session whose stored row cannot be read (a value this version does not know, written by a newer version or
 * by hand) among sessions whose posts fall due with it: on SQLite and PostgreSQL, with the real dispatcher and
 * messenger, Slack played by the stand-in over HTTP, on a fixed clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, MAX_BACKOFF_MS } from '../../src/app/dispatcher.ts';
import { endUnreadableSession } from '../../src/app/sessions.ts';
import type { SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { type DispatcherRig, type LogLine, startDispatcherRig } from '../support/dispatcher-rig.ts';
import { MIN, newSession, SEC, seed, STORES, T0, useStore, type StoreHarness } from './db/stores.ts';

const HOST = 'U0ALICE';
const CHANNELS = ['C1', 'C2', 'C3'];

/** Only a newer schema (or a hand edit) lets such a status in: the CHECK constraint is lifted here to stand in for one. */
async function writeUnknownStatus({ sql }: StoreHarness, sessionId: string, status: string): Promise<void> {
  if (sql.dialect === 'postgres') await sql.run('ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_status_check');
  else await sql.run('PRAGMA ignore_check_constraints = 1');
  await sql.run('UPDATE sessions SET status = $1 WHERE id = $2', [status, sessionId]);
}

describe.each(STORES)('$name store: a session whose row cannot be read', (factory) => {
  const h = useStore(factory);
  let rig: DispatcherRig;
  let slack: SlackStandIn;
  let lines: LogLine[];

  beforeEach(async () => {
    const { store, clock } = h();
    rig = await startDispatcherRig({ store, now: clock.now, channels: CHANNELS, members: [HOST] });
    ({ slack, lines } = rig);
  });

  afterEach(async () => {
    await rig.close();
  });

  const tick = () => rig.tick();
  /** Moves the clock a second at a time, ticking as the heartbeat would. */
  const advance = async (ms: number) => {
    const { clock } = h();
    const end = clock.now() + ms;
    while (clock.now() < end) {
      clock.advance(SEC);
      await tick();
    }
  };
  const rootOf = async (sessionId: string) => (await h().store.steps.ofSession(sessionId)).find((s) => s.key === 'root');
  /** What the bot posted in a channel, its threads included. */
  const posted = (channel: string) => slack.allMessages().filter((m) => m.channel === channel).map((m) => m.text);
  const aboutS2 = (level: LogLine['level']) => lines.filter((l) => l.level === level && l.fields.session === 's2');
  const dmsToHost = () => slack.messages(`D${HOST}`).map((m) => m.text);

  it('does not hold back the posts claimed with it: they go at once, and it waits with backoff, logged once', async () => {
    const { store } = h();
    await seed(store, ...CHANNELS.map((channelId, i) => newSession({ id: `s${i + 1}`, channelId, hostId: HOST })));
    await writeUnknownStatus(h(), 's2', 'archived');

    // One claim takes the three roots; the two sessions that read go out in the same tick.
    await tick();
    expect(await rootOf('s1')).toMatchObject({ state: 'done' });
    expect(await rootOf('s3')).toMatchObject({ state: 'done' });
    expect(posted('C1')).toHaveLength(2);
    expect(posted('C3')).toHaveLength(2);
    // The broken one is not left claimed until its lease runs out: it waits its backoff, with the reason.
    expect(await rootOf('s2')).toMatchObject({ state: 'pending', owner: null, attempts: 1, runAt: T0 + SEC, lastError: expect.stringContaining('sessions.status') });
    expect(posted('C2')).toEqual([]);

    // Ten minutes on: the healthy sessions keep their schedule; the broken one was tried a handful of times, not
    // at every tick, and said once.
    await advance(10 * MIN);
    expect(posted('C1').length).toBeGreaterThan(2);
    expect(posted('C3')).toEqual(posted('C1'));
    const s2 = await rootOf('s2');
    expect(s2?.attempts).toBeGreaterThan(2);
    expect(s2?.attempts).toBeLessThan(12);
    expect(aboutS2('error')).toEqual([{ level: 'error', msg: expect.any(String), fields: expect.objectContaining({ session: 's2', reason: expect.stringContaining('sessions.status') }) }]);
    expect(aboutS2('warn')).toEqual([]);
    expect(lines.filter((l) => l.level === 'error' && l.fields.session !== 's2')).toEqual([]);
    expect(posted('C2')).toEqual([]);
  });

  it('carries on at its next attempt once the row reads again (repaired, or read by a newer version), and says so', async () => {
    const { store, sql } = h();
    await seed(store, newSession({ id: 's2', channelId: 'C2', hostId: HOST }));
    await writeUnknownStatus(h(), 's2', 'archived');
    await tick();
    expect(await rootOf('s2')).toMatchObject({ state: 'pending', runAt: T0 + SEC });
    await sql.run("UPDATE sessions SET status = 'running' WHERE id = 's2'");
    await advance(SEC);
    expect(await rootOf('s2')).toMatchObject({ state: 'done' });
    expect(posted('C2')).toHaveLength(2);
    expect(aboutS2('info').map((l) => l.msg)).toContain('a session that could not be read reads again');
  });

  it('gives up after the attempts of a failed post: the session is ended, its other steps cancelled, the host told once, and nothing spins', async () => {
    const { store, clock } = h();
    await seed(store, newSession({ id: 's2', channelId: 'C2', hostId: HOST }));
    await writeUnknownStatus(h(), 's2', 'archived');
    // Each wait is at most the backoff's cap: a tick at every cap claims it once more, until it is given up on.
    for (let i = 0; i < 2 * MAX_ATTEMPTS && (await rootOf('s2'))?.state !== 'failed'; i++) {
      await tick();
      // Nothing to tell the host while a newer version, or a repair, may still take the session up.
      if ((await rootOf('s2'))?.state !== 'failed') expect(dmsToHost()).toEqual([]);
      clock.advance(MAX_BACKOFF_MS);
    }
    expect(await rootOf('s2')).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS, lastError: 'session_unreadable' });
    const rest = (await store.steps.ofSession('s2')).filter((s) => s.key !== 'root');
    expect(rest.map((s) => s.state)).toEqual(rest.map(() => 'cancelled'));
    // Ending it wrote over the status nobody could read; a row bad elsewhere would stay unreadable, and ended.
    expect(await store.sessions.find('s2')).toMatchObject({ status: 'ended', endReason: 'session_unreadable' });
    clock.advance(MAX_BACKOFF_MS);
    expect(await tick()).toBe(0);
    expect(aboutS2('error').map((l) => l.msg)).toEqual([
      'cannot read a session; its posts wait and are tried again with backoff',
      'gave up on a session that cannot be read; it is ended and its remaining posts cancelled',
    ]);
    expect(posted('C2')).toEqual([]);
    // Where it ran and who hosts it still read: the host hears of it once.
    expect(dmsToHost()).toEqual([expect.stringMatching(/^Your mock interview \*Design a URL shortener\* in <#C2> stopped: I could not read what I had stored about it/)]);
  });

  it('the host who ends it while the dispatcher gives up on it is not told it stopped, and nothing is logged as given up', async () => {
    const { store, clock } = h();
    await seed(store, newSession({ id: 's2', channelId: 'C2', hostId: HOST }));
    await writeUnknownStatus(h(), 's2', 'archived');
    for (let i = 0; i < MAX_ATTEMPTS - 1; i++) {
      await tick();
      clock.advance(MAX_BACKOFF_MS);
    }
    expect(await rootOf('s2')).toMatchObject({ state: 'pending', attempts: MAX_ATTEMPTS - 1 });
    // The last attempt is claimed; before the dispatcher gives up, the host types `/mockdesign end`.
    let ended: unknown;
    rig.afterNextRead(async () => {
      ended = await endUnreadableSession({ store, newId: () => 'unused' }, 's2', HOST, clock.now());
    });
    await tick();
    expect(ended).toEqual({ ok: true });
    expect(await rootOf('s2')).toMatchObject({ state: 'cancelled' });
    expect(await store.sessions.find('s2')).toMatchObject({ status: 'ended', endReason: 'session_unreadable' });
    expect(dmsToHost()).toEqual([]);
    expect(aboutS2('error').map((l) => l.msg)).toEqual(['cannot read a session; its posts wait and are tried again with backoff']);
    clock.advance(MAX_BACKOFF_MS);
    expect(await tick()).toBe(0);
  });
});
