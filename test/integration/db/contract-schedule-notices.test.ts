/** The schedule repository's skip notice and per-channel counts, against SQLite and PostgreSQL alike. */
import { describe, expect, it } from 'vitest';
import { MIN, newSchedule as schedule, STORES, T0, useStore, WS } from './stores.ts';


describe.each(STORES)('$name store: schedule notices and counts', (factory) => {
  const h = useStore(factory);

  it('hands the notice of a skipped occurrence out once per schedule, to one of several callers', async () => {
    const { store } = h();
    await store.schedules.create(schedule());
    await store.schedules.create(schedule({ id: 'sch2' }));
    const claims = await Promise.all([1, 2, 3].map(() => store.schedules.firstSkipNotice('sch1', T0)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.schedules.firstSkipNotice('sch1', T0 + MIN)).toBe(false);
    expect(await store.schedules.firstSkipNotice('sch2', T0 + MIN)).toBe(true);
  });

  it("counts a person's schedules per channel of their workspace, soonest channel first, without removed ones", async () => {
    const { store } = h();
    await store.schedules.create(schedule({ id: 'a', channelId: 'C2', nextAt: T0 + 5 * MIN }));
    await store.schedules.create(schedule({ id: 'b', channelId: 'C1', nextAt: T0 + 9 * MIN }));
    await store.schedules.create(schedule({ id: 'c', channelId: 'C2', nextAt: T0 + 7 * MIN }));
    await store.schedules.create(schedule({ id: 'd', channelId: 'C3', nextAt: T0 + MIN }));
    await store.schedules.create(schedule({ id: 'theirs', createdBy: 'U2' }));
    await store.schedules.create(schedule({ id: 'elsewhere', teamId: 'T2' }));
    expect(await store.schedules.remove('d', T0)).toBe(true);
    expect(await store.schedules.countsByChannel(WS, 'U1')).toEqual([
      { channelId: 'C2', count: 2 },
      { channelId: 'C1', count: 1 },
    ]);
    expect(await store.schedules.countsByChannel(WS, 'U9')).toEqual([]);
  });
});
