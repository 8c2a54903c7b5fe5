/** Study groups' members, thread replies and reminders: the repository's contract on SQLite and PostgreSQL alike. */
import { describe, expect, it } from 'vitest';
import { MIN, newSession, seed, STORES, T0, useStore } from './stores.ts';

describe.each(STORES)('$name store: members', (factory) => {
  const h = useStore(factory);

  it('joins, leaves, joins again (a mute stays) and lists everyone in the order they joined', async () => {
    const { store } = h();
    await seed(store, newSession({ isAsync: true }));
    expect(await store.members.join('s1', 'UB', 'America/New_York', T0 + MIN)).toBe(true);
    expect(await store.members.join('s1', 'UA', null, T0 + 2 * MIN)).toBe(true);
    expect(await store.members.join('s1', 'UB', 'Europe/Berlin', T0 + 3 * MIN)).toBe(false);
    expect(await store.members.mute('s1', 'UB', T0 + 4 * MIN)).toBe(true);
    expect(await store.members.mute('s1', 'UB', T0 + 5 * MIN)).toBe(false);
    expect(await store.members.mute('s1', 'UZ', T0 + 5 * MIN)).toBe(false);
    expect(await store.members.leave('s1', 'UB', T0 + 6 * MIN)).toBe(true);
    expect(await store.members.leave('s1', 'UB', T0 + 7 * MIN)).toBe(false);
    expect(await store.members.list('s1')).toEqual([
      { userId: 'UB', tz: 'America/New_York', joinedAt: T0 + MIN, leftAt: T0 + 6 * MIN, mutedAt: T0 + 4 * MIN },
      { userId: 'UA', tz: null, joinedAt: T0 + 2 * MIN, leftAt: null, mutedAt: null },
    ]);
    // Back again: from now, in the zone Slack gives now; still muted.
    expect(await store.members.join('s1', 'UB', 'Europe/Berlin', T0 + 8 * MIN)).toBe(true);
    expect((await store.members.list('s1')).map((m) => [m.userId, m.tz, m.joinedAt, m.leftAt, m.mutedAt])).toEqual([
      ['UA', null, T0 + 2 * MIN, null, null],
      ['UB', 'Europe/Berlin', T0 + 8 * MIN, null, T0 + 4 * MIN],
    ]);
  });

  it('counts a thread reply once per message, and names contributors by notes and replies, in the order they first contributed', async () => {
    const { store } = h();
    await seed(store, newSession({ isAsync: true }));
    expect(await store.members.recordReply('s1', 'UR', 0, '1894006800.000200', T0 + 2 * MIN)).toBe(true);
    expect(await store.members.recordReply('s1', 'UR', 0, '1894006800.000200', T0 + 3 * MIN)).toBe(false);
    expect(await store.members.recordReply('s1', 'UR', 0, '1894006800.000100', T0 + 3 * MIN)).toBe(false);
    expect(await store.members.recordReply('s1', 'UR', 0, '1894006900.000100', T0 + 4 * MIN)).toBe(true);
    expect(await store.members.recordReply('s1', 'UR', 1, '1894007000.000100', T0 + 5 * MIN)).toBe(true);
    await store.sessions.addNote({ sessionId: 's1', phaseIndex: 0, kind: 'requirement', authorId: 'UN', text: 'a', createdAt: T0 + MIN, dedupeKey: null });
    await store.sessions.addNote({ sessionId: 's1', phaseIndex: 0, kind: 'requirement', authorId: 'UR', text: 'b', createdAt: T0 + 6 * MIN, dedupeKey: null });
    await store.sessions.addNote({ sessionId: 's1', phaseIndex: 0, kind: 'requirement', authorId: 'UD', text: 'gone', createdAt: T0, dedupeKey: null });
    const deleted = (await store.sessions.notes('s1')).find((n) => n.authorId === 'UD');
    expect(await store.sessions.deleteNote('s1', deleted?.id ?? -1, 'UD', T0 + 7 * MIN)).toBe(true);
    expect(await store.members.contributors('s1', 0)).toEqual(['UN', 'UR']);
    expect(await store.members.contributors('s1', 1)).toEqual(['UR']);
    expect(await store.members.contributors('s1', 2)).toEqual([]);
    expect(await store.members.contributions('s1')).toEqual([
      { phaseIndex: 0, userId: 'UN' },
      { phaseIndex: 0, userId: 'UR' },
      { phaseIndex: 1, userId: 'UR' },
    ]);
  });

  it('records a reminder once per phase and person, whoever asks first', async () => {
    const { store } = h();
    await seed(store, newSession({ isAsync: true }));
    const tries = await Promise.all([1, 2, 3].map(() => store.members.markReminded('s1', 'UB', 0, T0 + MIN)));
    expect(tries.filter(Boolean)).toHaveLength(1);
    expect(await store.members.markReminded('s1', 'UB', 1, T0 + 2 * MIN)).toBe(true);
    expect(await store.members.reminded('s1', 0)).toEqual(['UB']);
    expect(await store.members.reminded('s1', 2)).toEqual([]);
  });

  it('takes back a reminder Slack did not take, and only the record that run made', async () => {
    const { store } = h();
    await seed(store, newSession({ isAsync: true }));
    expect(await store.members.markReminded('s1', 'UB', 0, T0 + MIN)).toBe(true);
    // Another run's record (a different time) is not this one's to take back.
    await store.members.unmarkReminded('s1', 'UB', 0, T0 + 2 * MIN);
    expect(await store.members.reminded('s1', 0)).toEqual(['UB']);
    await store.members.unmarkReminded('s1', 'UB', 0, T0 + MIN);
    expect(await store.members.reminded('s1', 0)).toEqual([]);
    expect(await store.members.markReminded('s1', 'UB', 0, T0 + 3 * MIN)).toBe(true);
  });
});
