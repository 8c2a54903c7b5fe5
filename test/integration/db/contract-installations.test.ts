/**
 * The installation repository's contract, run against SQLite and PostgreSQL alike: installs by team and by
 * enterprise, re-installs, deletes, the cross-instance refresh lock, and the purge of one workspace's data.
 * The repository stores what it is given: sealing is the Bolt adapter's job, so plain strings stand in here.
 */
import { describe, expect, it } from 'vitest';
import type { InstallationRecord, PurgeCounts, Store } from '../../../src/app/ports.ts';
import { installKeyOf } from '../../../src/db/installation-repository.ts';
import { createStore } from '../../../src/db/store.ts';
import { MIN, newSession, SEC, seed, STORES, T0, useStore } from './stores.ts';

function install(overrides: Partial<InstallationRecord> = {}): InstallationRecord {
  const teamId = overrides.teamId ?? 'T1';
  return {
    installKey: `T:${teamId}`,
    enterpriseId: '',
    teamId,
    isEnterpriseInstall: false,
    appId: 'A1',
    botId: 'B1',
    botUserId: 'UBOT',
    botScopes: 'commands,chat:write',
    botToken: `sealed-bot-${teamId}`,
    botRefreshToken: null,
    botTokenExpiresAt: null,
    installation: `sealed-json-${teamId}`,
    installerUserId: 'U1',
    installedAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const org = (enterpriseId: string, overrides: Partial<InstallationRecord> = {}) =>
  install({ installKey: `E:${enterpriseId}`, enterpriseId, teamId: '', isEnterpriseInstall: true, botToken: `sealed-bot-${enterpriseId}`, ...overrides });

const NONE: PurgeCounts = { sessions: 0, phases: 0, people: 0, notes: 0, scorecards: 0, steps: 0, notices: 0, members: 0, replies: 0, reminders: 0, schedules: 0, installations: 0 };

/** Rows per table for one session id, straight from the database. */
async function rowsOf(h: { sql: { get(sql: string, p?: readonly (string | number | null)[]): Promise<Record<string, unknown> | undefined> } }, sessionId: string) {
  const count = async (table: string, column = 'session_id') => Number((await h.sql.get(`SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`, [sessionId]))?.n);
  return {
    sessions: await count('sessions', 'id'),
    phases: await count('session_phases'),
    people: await count('session_people'),
    notes: await count('notes'),
    scorecards: await count('scorecards'),
    steps: await count('steps'),
    notices: await count('notices'),
    members: await count('members'),
    replies: await count('thread_replies'),
    reminders: await count('member_reminders'),
  };
}

describe('installKeyOf', () => {
  it('keys an org-wide install by enterprise and any other by team', () => {
    expect(installKeyOf({ enterpriseId: 'E1', teamId: 'T1', isEnterpriseInstall: true })).toBe('E:E1');
    expect(installKeyOf({ enterpriseId: 'E1', teamId: 'T1', isEnterpriseInstall: false })).toBe('T:T1');
    expect(installKeyOf({ teamId: 'T1', isEnterpriseInstall: false })).toBe('T:T1');
    expect(() => installKeyOf({ teamId: 'T1', isEnterpriseInstall: true })).toThrow(/enterprise id/);
    expect(() => installKeyOf({ enterpriseId: 'E1', isEnterpriseInstall: false })).toThrow(/team id/);
  });
});

describe.each(STORES)('$name store: installations', (factory) => {
  const h = useStore(factory);

  it('saves an install and finds it by key and by team', async () => {
    const { store } = h();
    const record = install({ botRefreshToken: 'sealed-refresh', botTokenExpiresAt: T0 + 12 * 60 * MIN });
    await store.installations.save(record);
    const found = await store.installations.findByKey('T:T1');
    expect(found).toEqual({ ...record, refreshOwner: null, refreshUntil: null, refreshFailures: 0, refreshError: null });
    expect(await store.installations.findForTeam({ enterpriseId: '', teamId: 'T1' })).toEqual(found);
    expect(await store.installations.findForTeam({ enterpriseId: '', teamId: 'T2' })).toBeUndefined();
    expect(await store.installations.findByKey('T:T2')).toBeUndefined();
  });

  it("falls back to the enterprise's org-wide install for a team with none of its own", async () => {
    const { store } = h();
    await store.installations.save(org('E1'));
    await store.installations.save(install({ teamId: 'T2', enterpriseId: 'E1' }));
    expect((await store.installations.findForTeam({ enterpriseId: 'E1', teamId: 'T9' }))?.installKey).toBe('E:E1');
    // The team's own install wins over the org-wide one.
    expect((await store.installations.findForTeam({ enterpriseId: 'E1', teamId: 'T2' }))?.installKey).toBe('T:T2');
    expect((await store.installations.findForTeam({ enterpriseId: 'E1', teamId: '' }))?.installKey).toBe('E:E1');
    // No enterprise given, or another one: no fallback.
    expect(await store.installations.findForTeam({ enterpriseId: '', teamId: 'T9' })).toBeUndefined();
    expect(await store.installations.findForTeam({ enterpriseId: 'E2', teamId: 'T9' })).toBeUndefined();
    expect(await store.installations.findByKey('E:E1')).toMatchObject({ isEnterpriseInstall: true, enterpriseId: 'E1', teamId: '' });
  });

  it('replaces the tokens on a re-install, and drops a refresh lock in flight', async () => {
    const { store, clock } = h();
    await store.installations.save(install({ botRefreshToken: 'r1', botTokenExpiresAt: T0 + MIN }));
    expect(await store.installations.tryLockRefresh('T:T1', 'A', 30 * SEC)).toBe(true);
    clock.advance(5 * SEC);
    await store.installations.save(install({ botToken: 'bot-2', botRefreshToken: null, installation: 'json-2', installerUserId: 'U7', installedAt: T0 + 5 * SEC, updatedAt: T0 + 5 * SEC }));
    const found = await store.installations.findByKey('T:T1');
    expect(found).toMatchObject({ botToken: 'bot-2', botRefreshToken: null, botTokenExpiresAt: null, installation: 'json-2', installerUserId: 'U7', installedAt: T0 + 5 * SEC, refreshOwner: null, refreshUntil: null });
    // The rotation that was under way for the old tokens cannot store them over the new ones.
    expect(await store.installations.replaceTokens('T:T1', 'A', { botToken: 'stale', botRefreshToken: 'stale', botTokenExpiresAt: 1 }, T0 + 6 * SEC)).toBe(false);
    expect((await store.installations.findByKey('T:T1'))?.botToken).toBe('bot-2');
    expect(Number((await h().sql.get('SELECT count(*) AS n FROM installations'))?.n)).toBe(1);
  });

  it('deletes an install by key, and by workspace on uninstall or revocation', async () => {
    const { store } = h();
    await store.installations.save(install());
    await store.installations.save(install({ teamId: 'T2', enterpriseId: 'E1' }));
    await store.installations.save(org('E1'));
    expect(await store.installations.delete('T:T1')).toBe(true);
    expect(await store.installations.delete('T:T1')).toBe(false);
    expect(await store.installations.findByKey('T:T1')).toBeUndefined();
    // A team of the enterprise uninstalling its own install leaves the org-wide one.
    expect(await store.installations.deleteTeam({ enterpriseId: 'E1', teamId: 'T2', isEnterpriseInstall: false })).toBe(1);
    expect((await store.installations.findForTeam({ enterpriseId: 'E1', teamId: 'T2' }))?.installKey).toBe('E:E1');
    expect(await store.installations.deleteTeam({ enterpriseId: 'E1', teamId: 'T2', isEnterpriseInstall: true })).toBe(1);
    expect(await store.installations.findForTeam({ enterpriseId: 'E1', teamId: 'T2' })).toBeUndefined();
    expect(await store.installations.deleteTeam({ enterpriseId: '', teamId: 'T3', isEnterpriseInstall: false })).toBe(0);
  });

  it('replaces only the installation JSON when asked', async () => {
    const { store } = h();
    await store.installations.save(install());
    expect(await store.installations.updateInstallation('T:T1', 'json-without-user-token', T0 + MIN)).toBe(true);
    expect(await store.installations.findByKey('T:T1')).toMatchObject({ botToken: 'sealed-bot-T1', installation: 'json-without-user-token', updatedAt: T0 + MIN });
    expect(await store.installations.updateInstallation('T:T9', 'x', T0)).toBe(false);
  });

  it('lets one owner at a time hold the refresh lock, until its time runs out', async () => {
    const { store, clock } = h();
    await store.installations.save(install({ botRefreshToken: 'r1', botTokenExpiresAt: T0 + MIN }));
    expect(await store.installations.tryLockRefresh('T:T9', 'A', 30 * SEC)).toBe(false);
    expect(await store.installations.tryLockRefresh('T:T1', 'A', 30 * SEC)).toBe(true);
    expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: 'A', refreshUntil: T0 + 30 * SEC });
    expect(await store.installations.tryLockRefresh('T:T1', 'B', 30 * SEC)).toBe(false);
    // Not even the holder takes it twice: a second refresh in the same instance waits like any other.
    expect(await store.installations.tryLockRefresh('T:T1', 'A', 30 * SEC)).toBe(false);
    clock.advance(29 * SEC);
    expect(await store.installations.tryLockRefresh('T:T1', 'B', 30 * SEC)).toBe(false);
    // A non-owner can neither store tokens nor unlock.
    expect(await store.installations.replaceTokens('T:T1', 'B', { botToken: 'b', botRefreshToken: 'rb', botTokenExpiresAt: T0 + 12 * 60 * MIN }, clock.now())).toBe(false);
    await store.installations.unlockRefresh('T:T1', 'B');
    expect((await store.installations.findByKey('T:T1'))?.refreshOwner).toBe('A');
    // Once its time has run out, another owner takes it over; the first can no longer store what it got.
    clock.advance(1 * SEC);
    expect(await store.installations.tryLockRefresh('T:T1', 'B', 30 * SEC)).toBe(true);
    expect(await store.installations.replaceTokens('T:T1', 'A', { botToken: 'a', botRefreshToken: 'ra', botTokenExpiresAt: 1 }, clock.now())).toBe(false);
    expect(await store.installations.replaceTokens('T:T1', 'B', { botToken: 'b', botRefreshToken: 'rb', botTokenExpiresAt: T0 + 12 * 60 * MIN }, clock.now())).toBe(true);
    expect(await store.installations.findByKey('T:T1')).toMatchObject({
      botToken: 'b',
      botRefreshToken: 'rb',
      botTokenExpiresAt: T0 + 12 * 60 * MIN,
      updatedAt: clock.now(),
      refreshOwner: 'B',
      installation: 'sealed-json-T1',
    });
    await store.installations.unlockRefresh('T:T1', 'B');
    expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: null, refreshUntil: null });
    expect(await store.installations.tryLockRefresh('T:T1', 'A', 30 * SEC)).toBe(true);
  });

  it('a holder whose time ran out may still store its tokens while nobody took the lock over', async () => {
    const { store, clock } = h();
    await store.installations.save(install({ botRefreshToken: 'r1', botTokenExpiresAt: T0 + MIN }));
    expect(await store.installations.tryLockRefresh('T:T1', 'A', 10 * SEC)).toBe(true);
    clock.advance(20 * SEC);
    expect(await store.installations.replaceTokens('T:T1', 'A', { botToken: 'a', botRefreshToken: 'ra', botTokenExpiresAt: T0 + 60 * MIN }, clock.now())).toBe(true);
  });

  it('after a failed refresh the holder lets go and backs off: nobody refreshes sooner; a success or a re-install clears it', async () => {
    const { store, clock } = h();
    await store.installations.save(install({ botRefreshToken: 'r1', botTokenExpiresAt: T0 + MIN }));
    expect(await store.installations.tryLockRefresh('T:T1', 'A', 30 * SEC)).toBe(true);
    // Only the holder records the failure.
    expect(await store.installations.backOffRefresh('T:T1', 'B', { failures: 1, error: 'transient' }, MIN)).toBe(false);
    expect(await store.installations.backOffRefresh('T:T9', 'A', { failures: 1, error: 'transient' }, MIN)).toBe(false);
    clock.advance(5 * SEC);
    expect(await store.installations.backOffRefresh('T:T1', 'A', { failures: 1, error: 'transient' }, MIN)).toBe(true);
    expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: null, refreshUntil: T0 + 5 * SEC + MIN, refreshFailures: 1, refreshError: 'transient' });
    // The back-off outlasts the lock it replaced, and binds the former holder too.
    clock.advance(MIN - 1);
    expect(await store.installations.tryLockRefresh('T:T1', 'A', 30 * SEC)).toBe(false);
    expect(await store.installations.tryLockRefresh('T:T1', 'B', 30 * SEC)).toBe(false);
    clock.advance(1);
    expect(await store.installations.tryLockRefresh('T:T1', 'B', 30 * SEC)).toBe(true);
    // A new attempt keeps the count until it ends; a success clears it.
    expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: 'B', refreshFailures: 1, refreshError: 'transient' });
    expect(await store.installations.replaceTokens('T:T1', 'B', { botToken: 'b', botRefreshToken: 'rb', botTokenExpiresAt: T0 + 12 * 60 * MIN }, clock.now())).toBe(true);
    expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: 'B', refreshFailures: 0, refreshError: null });
    await store.installations.unlockRefresh('T:T1', 'B');
    // A re-install clears a back-off, even a long one.
    expect(await store.installations.tryLockRefresh('T:T1', 'A', 30 * SEC)).toBe(true);
    expect(await store.installations.backOffRefresh('T:T1', 'A', { failures: 3, error: 'invalid_refresh_token' }, 60 * MIN)).toBe(true);
    await store.installations.save(install({ botToken: 'bot-2', botRefreshToken: 'r2', botTokenExpiresAt: T0 + 2 * MIN }));
    expect(await store.installations.findByKey('T:T1')).toMatchObject({ refreshOwner: null, refreshUntil: null, refreshFailures: 0, refreshError: null });
    expect(await store.installations.tryLockRefresh('T:T1', 'B', 30 * SEC)).toBe(true);
  });

  it('grants the lock to exactly one of many instances asking at once', async () => {
    const { store, sql } = h();
    await store.installations.save(install({ botRefreshToken: 'r1', botTokenExpiresAt: T0 + MIN }));
    // Instances on the database's clock, as on PostgreSQL in production; the lease is long enough to outlast the test.
    const instances = Array.from({ length: 8 }, () => createStore(sql, null));
    const won = await Promise.all(instances.map((s, i) => s.installations.tryLockRefresh('T:T1', `I${i}`, 10 * MIN)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = `I${won.indexOf(true)}`;
    expect((await store.installations.findByKey('T:T1'))?.refreshOwner).toBe(holder);
  });

  describe('purge', () => {
    /** Two sessions in T1 (one with a note, a notice and a scorecard), one in T2, one in T3 of enterprise E1, and installs for each. */
    async function world(store: Store) {
      await seed(
        store,
        newSession({ id: 'a', teamId: 'T1', channelId: 'C1' }),
        newSession({ id: 'b', teamId: 'T1', channelId: 'C2' }),
        newSession({ id: 'c', teamId: 'T2', channelId: 'C1' }),
        newSession({ id: 'd', teamId: 'T3', enterpriseId: 'E1', channelId: 'C1' }),
        newSession({ id: 'e', teamId: 'T4', enterpriseId: 'E1', channelId: 'C1' }),
      );
      for (const id of ['a', 'c', 'd']) {
        await store.sessions.addNote({ sessionId: id, phaseIndex: 0, kind: 'requirement', authorId: 'U3', text: `note of ${id}`, createdAt: T0 + MIN, dedupeKey: `n-${id}` });
        await store.sessions.firstNotice(id, 'not_in_channel', T0 + MIN);
        // A study group's member, with a reply in the thread and a reminder.
        await store.members.join(id, 'U4', 'Europe/Berlin', T0 + MIN);
        await store.members.recordReply(id, 'U4', 0, '1700000000.000100', T0 + MIN);
        await store.members.markReminded(id, 'U4', 0, T0 + MIN);
        await store.scorecards.save(id, {
          scorerId: 'U2', role: 'interviewer', scores: { estimation: { score: 3 } }, redFlags: [], strengths: '', improvements: '', submittedAt: T0 + MIN, updatedAt: T0 + MIN,
        });
      }
      await store.installations.save(install({ teamId: 'T1' }));
      await store.installations.save(install({ teamId: 'T2' }));
      await store.installations.save(install({ teamId: 'T3', enterpriseId: 'E1' }));
      await store.installations.save(org('E1'));
      await store.installations.save(org('E2'));
    }

    it("deletes a team's sessions, everything hanging off them and its install, counting them, and nothing else", async () => {
      const { store } = h();
      await world(store);
      const before = { c: await rowsOf(h(), 'c'), d: await rowsOf(h(), 'd') };
      // Default plan: 4 phases, 10 steps, host + 1 interviewer (+ the note's author where there is a note).
      const expected: PurgeCounts = { sessions: 2, phases: 8, people: 5, notes: 1, scorecards: 1, steps: 20, notices: 1, members: 1, replies: 1, reminders: 1, schedules: 0, installations: 1 };
      expect(await store.installations.workspaceCounts({ teamId: 'T1' })).toEqual(expected);
      expect(await store.transaction((tx) => tx.installations.purgeWorkspace({ teamId: 'T1' }))).toEqual(expected);
      for (const id of ['a', 'b']) expect(await rowsOf(h(), id)).toEqual({ sessions: 0, phases: 0, people: 0, notes: 0, scorecards: 0, steps: 0, notices: 0, members: 0, replies: 0, reminders: 0 });
      expect(await store.installations.findByKey('T:T1')).toBeUndefined();
      // Other workspaces are untouched.
      expect(await rowsOf(h(), 'c')).toEqual(before.c);
      expect(await rowsOf(h(), 'd')).toEqual(before.d);
      expect(before.c).toEqual({ sessions: 1, phases: 4, people: 3, notes: 1, scorecards: 1, steps: 10, notices: 1, members: 1, replies: 1, reminders: 1 });
      for (const key of ['T:T2', 'T:T3', 'E:E1', 'E:E2']) expect(await store.installations.findByKey(key), key).toBeDefined();
      expect(await store.installations.workspaceCounts({ teamId: 'T1' })).toEqual(NONE);
      expect(await store.transaction((tx) => tx.installations.purgeWorkspace({ teamId: 'T1' }))).toEqual(NONE);
    });

    it("a team of an enterprise keeps the enterprise's org-wide install; the enterprise's purge takes all of it", async () => {
      const { store } = h();
      await world(store);
      expect(await store.transaction((tx) => tx.installations.purgeWorkspace({ teamId: 'T3' }))).toMatchObject({ sessions: 1, installations: 1 });
      expect(await store.installations.findByKey('E:E1')).toBeDefined();
      expect((await store.installations.findForTeam({ enterpriseId: 'E1', teamId: 'T3' }))?.installKey).toBe('E:E1');
      expect(await store.transaction((tx) => tx.installations.purgeWorkspace({ enterpriseId: 'E1' }))).toEqual({
        ...NONE,
        sessions: 1,
        phases: 4,
        people: 2,
        steps: 10,
        installations: 1,
      });
      expect(await store.sessions.find('e')).toBeUndefined();
      expect(await store.installations.findByKey('E:E1')).toBeUndefined();
      for (const id of ['a', 'b', 'c']) expect(await store.sessions.find(id), id).toBeDefined();
      for (const key of ['T:T1', 'T:T2', 'E:E2']) expect(await store.installations.findByKey(key), key).toBeDefined();
    });

    it('is all or nothing inside a transaction', async () => {
      const { store } = h();
      await world(store);
      await expect(
        store.transaction(async (tx) => {
          await tx.installations.purgeWorkspace({ teamId: 'T1' });
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(await store.sessions.find('a')).toBeDefined();
      expect(await store.installations.findByKey('T:T1')).toBeDefined();
      expect((await rowsOf(h(), 'a')).steps).toBe(10);
    });

    it('refuses an empty id rather than match every workspace', async () => {
      const { store } = h();
      await world(store);
      await expect(store.installations.workspaceCounts({ teamId: '' })).rejects.toThrow(/team id or an enterprise id/);
      await expect(store.transaction((tx) => tx.installations.purgeWorkspace({ enterpriseId: ' ' }))).rejects.toThrow(/team id or an enterprise id/);
      expect(await store.sessions.find('a')).toBeDefined();
    });
  });
});
