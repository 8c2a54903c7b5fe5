/** The scorecard repository's contract, run against SQLite and PostgreSQL alike, through the Store only. */
import { describe, expect, it } from 'vitest';
import type { Scorecard } from '../../../src/domain/scorecard.ts';
import { MIN, newSession, seed, STORES, T0, useStore } from './stores.ts';

function card(overrides: Partial<Scorecard> = {}): Scorecard {
  return {
    scorerId: 'U2',
    role: 'interviewer',
    scores: { requirements: { score: 3, evidence: 'Asked about reads vs writes' }, estimation: { score: 2 } },
    redFlags: ['no_numbers'],
    recommendation: 'almost',
    strengths: 'Clear API',
    improvements: 'Put numbers on it',
    submittedAt: T0 + MIN,
    updatedAt: T0 + MIN,
    ...overrides,
  };
}

describe.each(STORES)('$name store: scorecards', (factory) => {
  const h = useStore(factory);

  it('saves a card and reads it back exactly, by scorer and for the session', async () => {
    const { store } = h();
    await seed(store, newSession());
    const saved = card();
    await store.scorecards.save('s1', saved);
    expect(await store.scorecards.find('s1', 'U2')).toEqual(saved);
    expect(await store.scorecards.forSession('s1')).toEqual([saved]);
    expect(await store.scorecards.find('s1', 'U9')).toBeUndefined();
    expect(await store.scorecards.find('nope', 'U2')).toBeUndefined();
    expect(await store.scorecards.forSession('nope')).toEqual([]);
  });

  it('keeps a card without a recommendation, evidence or text as it was', async () => {
    const { store } = h();
    await seed(store, newSession());
    const bare: Scorecard = { scorerId: 'U3', role: 'candidate', scores: { communication: { score: 4 } }, redFlags: [], strengths: '', improvements: '', submittedAt: T0, updatedAt: T0 };
    await store.scorecards.save('s1', bare);
    const back = await store.scorecards.find('s1', 'U3');
    expect(back).toEqual(bare);
    expect(back && 'recommendation' in back).toBe(false);
    expect(back && 'evidence' in (back.scores.communication ?? {})).toBe(false);
  });

  it('replaces a scorer\'s card on a second save, keeping the first submission time', async () => {
    const { store } = h();
    await seed(store, newSession());
    await store.scorecards.save('s1', card());
    const edited = card({ scores: { deep_dive: { score: 4 } }, redFlags: [], recommendation: 'ready', strengths: 'Great trade-offs', submittedAt: T0 + 5 * MIN, updatedAt: T0 + 5 * MIN });
    await store.scorecards.save('s1', edited);
    const cards = await store.scorecards.forSession('s1');
    expect(cards).toHaveLength(1);
    expect(cards[0]).toEqual({ ...edited, submittedAt: T0 + MIN, updatedAt: T0 + 5 * MIN });
  });

  it('lists a session\'s cards by first submission, then scorer, and only that session\'s', async () => {
    const { store } = h();
    await seed(store, newSession(), newSession({ id: 's2', channelId: 'C2' }));
    await store.scorecards.save('s1', card({ scorerId: 'U5', submittedAt: T0 + 3 * MIN, updatedAt: T0 + 3 * MIN }));
    await store.scorecards.save('s1', card({ scorerId: 'U4', role: 'observer', submittedAt: T0 + 2 * MIN, updatedAt: T0 + 2 * MIN }));
    await store.scorecards.save('s1', card({ scorerId: 'U3', role: 'candidate', redFlags: [], recommendation: undefined, submittedAt: T0 + 3 * MIN, updatedAt: T0 + 3 * MIN }));
    await store.scorecards.save('s2', card({ scorerId: 'U9' }));
    // A later edit of the first card does not move it.
    await store.scorecards.save('s1', card({ scorerId: 'U4', role: 'observer', strengths: 'edited', submittedAt: T0 + 9 * MIN, updatedAt: T0 + 9 * MIN }));
    expect((await store.scorecards.forSession('s1')).map((c) => [c.scorerId, c.role, c.submittedAt - T0])).toEqual([
      ['U4', 'observer', 2 * MIN],
      ['U3', 'candidate', 3 * MIN],
      ['U5', 'interviewer', 3 * MIN],
    ]);
    expect((await store.scorecards.forSession('s2')).map((c) => c.scorerId)).toEqual(['U9']);
  });

  it('stores what people typed as they typed it: quotes, markup, emoji and newlines', async () => {
    const { store } = h();
    await seed(store, newSession());
    const typed = `It's "fine" <!channel> & <@U1> \\ 😀\nsecond line`;
    const saved = card({ scores: { high_level: { score: 1, evidence: typed } }, strengths: typed, improvements: typed });
    await store.scorecards.save('s1', saved);
    expect(await store.scorecards.find('s1', 'U2')).toEqual(saved);
  });

  it('saves inside a transaction, and nothing when it rolls back', async () => {
    const { store } = h();
    await seed(store, newSession());
    await expect(
      store.transaction(async (tx) => {
        await tx.scorecards.save('s1', card());
        expect(await tx.scorecards.find('s1', 'U2')).toBeDefined();
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await store.scorecards.forSession('s1')).toEqual([]);
    await store.transaction((tx) => tx.scorecards.save('s1', card()));
    expect(await store.scorecards.forSession('s1')).toHaveLength(1);
  });

  it('refuses a card for a session that does not exist', async () => {
    const { store } = h();
    await expect(store.scorecards.save('nope', card())).rejects.toThrow();
  });

  it('goes with its session when the session is deleted, and with a purge of its workspace', async () => {
    const { store, sql } = h();
    await seed(store, newSession(), newSession({ id: 's2', teamId: 'T2' }));
    await store.scorecards.save('s1', card());
    await store.scorecards.save('s2', card());
    expect(await store.installations.workspaceCounts({ teamId: 'T1' })).toMatchObject({ sessions: 1, scorecards: 1 });
    expect(await store.transaction((tx) => tx.installations.purgeWorkspace({ teamId: 'T1' }))).toMatchObject({ sessions: 1, scorecards: 1 });
    expect(await store.scorecards.forSession('s1')).toEqual([]);
    expect(await store.scorecards.forSession('s2')).toHaveLength(1);
    // ON DELETE CASCADE: deleting the session row alone takes its cards too.
    await sql.run("DELETE FROM sessions WHERE id = 's2'");
    expect(Number((await sql.get('SELECT count(*) AS n FROM scorecards'))?.n)).toBe(0);
  });
});
