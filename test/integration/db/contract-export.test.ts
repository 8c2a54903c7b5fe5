/** The two reads `/mockdesign export` adds to the session repository, on SQLite and PostgreSQL alike. */
import { describe, expect, it } from 'vitest';
import { MIN, newSession, seed, STORES, T0, useStore, WS } from './stores.ts';

describe.each(STORES)('$name store: sessions to export', (factory) => {
  const h = useStore(factory);

  it("finds a channel's most recent session of one workspace, live or ended", async () => {
    const { store } = h();
    expect(await store.sessions.latestInChannel(WS, 'C1')).toBeUndefined();
    await seed(store, newSession({ id: 'old' }));
    await store.sessions.end('old', T0 + MIN, 'ended_by_host');
    await seed(
      store,
      newSession({ id: 'new', createdAt: T0 + 2 * MIN }),
      newSession({ id: 'other-team', teamId: 'T2', createdAt: T0 + 3 * MIN }),
      newSession({ id: 'other-channel', channelId: 'C2', createdAt: T0 + 4 * MIN }),
    );
    expect((await store.sessions.latestInChannel(WS, 'C1'))?.id).toBe('new');
    await store.sessions.end('new', T0 + 5 * MIN, null);
    // Ended, it is still the latest.
    expect(await store.sessions.latestInChannel(WS, 'C1')).toMatchObject({ id: 'new', status: 'ended' });
    expect((await store.sessions.latestInChannel({ teamId: 'T2', enterpriseId: '' }, 'C1'))?.id).toBe('other-team');
    expect(await store.sessions.latestInChannel({ teamId: 'T1', enterpriseId: 'E1' }, 'C1')).toBeUndefined();
  });

  it('finds a session by its session message', async () => {
    const { store } = h();
    await seed(store, newSession({ id: 'a' }), newSession({ id: 'b', channelId: 'C2' }));
    await store.sessions.setRoot('a', '1893488400.000100', T0);
    await store.sessions.setRoot('b', '1893488400.000200', T0);
    expect(await store.sessions.findByRoot('C1', '1893488400.000100')).toMatchObject({ id: 'a', channelId: 'C1', rootTs: '1893488400.000100', phases: expect.any(Array) });
    expect(await store.sessions.findByRoot('C1', '1893488400.000200')).toBeUndefined();
    expect(await store.sessions.findByRoot('C2', '1893488400.000200')).toMatchObject({ id: 'b' });
    expect(await store.sessions.findByRoot('C1', 'nope')).toBeUndefined();
  });
});
