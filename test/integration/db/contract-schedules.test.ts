/** The schedule repository's contract, run against SQLite and PostgreSQL alike, through the Store only. */
import { afterEach, describe, expect, it } from 'vitest';
import { fireDueSchedules } from '../../../src/app/schedules.ts';
import type { Store } from '../../../src/app/ports.ts';
import { createStore } from '../../../src/db/store.ts';
import { createLogger } from '../../../src/logger.ts';
import { createSlackMessenger } from '../../../src/slack/messenger.ts';
import { createSlackApi, type SlackApi } from '../../../src/slack/web-api.ts';
import { type CountingSlack, startCountingSlack } from '../../support/counting-slack.ts';
import { fixedClock } from '../../support/fixed-clock.ts';
import { describePg, type PgSchema, withPgSchema } from '../../support/pg.ts';
import { MIN, newSchedule as schedule, STORES, T0, useStore } from './stores.ts';

const WEEK = 7 * 24 * 60 * MIN;


describe.each(STORES)('$name store: schedules', (factory) => {
  const h = useStore(factory);

  it('stores a schedule and reads it back, by id and for its channel and workspace only', async () => {
    const { store } = h();
    await store.schedules.create(schedule());
    await store.schedules.create(schedule({ id: 'sch2', teamId: 'T2' }));
    expect(await store.schedules.find('sch1')).toEqual({ ...schedule(), lastAt: null, lastLocal: null });
    expect((await store.schedules.inChannel({ teamId: 'T1', enterpriseId: '' }, 'C1')).map((s) => s.id)).toEqual(['sch1']);
  });

  it("lists a person's schedules in their workspace, soonest first, without removed ones", async () => {
    const { store } = h();
    await store.schedules.create(schedule({ id: 'late', nextAt: T0 + 2 * WEEK }));
    await store.schedules.create(schedule({ id: 'soon', channelId: 'C2', nextAt: T0 + WEEK }));
    await store.schedules.create(schedule({ id: 'gone', nextAt: T0 + MIN }));
    await store.schedules.create(schedule({ id: 'theirs', createdBy: 'U2' }));
    await store.schedules.create(schedule({ id: 'elsewhere', teamId: 'T2' }));
    expect(await store.schedules.remove('gone', T0)).toBe(true);
    expect((await store.schedules.createdBy({ teamId: 'T1', enterpriseId: '' }, 'U1')).map((s) => s.id)).toEqual(['soon', 'late']);
    expect((await store.schedules.createdBy({ teamId: 'T1', enterpriseId: '' }, 'U1', 1)).map((s) => s.id)).toEqual(['soon']);
  });

  it('creates schedules up to a limit per channel, however many transactions ask at once', async () => {
    const { store } = h();
    await store.schedules.create(schedule({ id: 'old', channelId: 'C9' }));
    await store.schedules.create(schedule({ id: 'gone' }));
    expect(await store.schedules.remove('gone', T0)).toBe(true);
    // Twelve people at once in C1, where the limit is five: each transaction counts, then inserts.
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.transaction((tx) => tx.schedules.createWithin(schedule({ id: `new${i}` }), 5))),
    );
    expect(created.filter(Boolean)).toHaveLength(5);
    expect(await store.schedules.inChannel({ teamId: 'T1', enterpriseId: '' }, 'C1')).toHaveLength(5);
    // Another channel, or the same channel in another workspace, counts its own.
    expect(await store.transaction((tx) => tx.schedules.createWithin(schedule({ id: 'other', teamId: 'T2' }), 1))).toBe(true);
    expect(await store.transaction((tx) => tx.schedules.createWithin(schedule({ id: 'nine', channelId: 'C9' }), 1))).toBe(false);
    expect(await store.transaction((tx) => tx.schedules.createWithin(schedule({ id: 'nine', channelId: 'C9' }), 2))).toBe(true);
  });

  it('hands each occurrence to one caller: the compare-and-set on next_at', async () => {
    const { store } = h();
    await store.schedules.create(schedule());
    expect((await store.schedules.due(T0, 10)).map((s) => s.id)).toEqual([]);
    expect((await store.schedules.due(T0 + MIN, 10)).map((s) => s.id)).toEqual(['sch1']);
    const results = await Promise.all([
      store.schedules.advance('sch1', T0 + MIN, T0 + WEEK, T0 + MIN, '2030-1-1 18:0'),
      store.schedules.advance('sch1', T0 + MIN, T0 + WEEK, T0 + MIN, '2030-1-1 18:0'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.schedules.find('sch1')).toMatchObject({ nextAt: T0 + WEEK, lastAt: T0 + MIN, lastLocal: '2030-1-1 18:0' });
    expect(await store.schedules.nextDue()).toBe(T0 + WEEK);
  });

  it('retires a schedule with no next occurrence, and removes one once', async () => {
    const { store } = h();
    await store.schedules.create(schedule());
    await store.schedules.create(schedule({ id: 'sch2' }));
    expect(await store.schedules.advance('sch1', T0 + MIN, null, T0 + MIN, 'x')).toBe(true);
    expect(await store.schedules.find('sch1')).toBeUndefined();
    expect(await store.schedules.remove('sch2', T0)).toBe(true);
    expect(await store.schedules.remove('sch2', T0)).toBe(false);
    expect(await store.schedules.due(T0 + WEEK, 10)).toEqual([]);
    expect(await store.schedules.nextDue()).toBeUndefined();
  });

  it("removes a person's schedules in one channel of their workspace, and says which", async () => {
    const { store } = h();
    await store.schedules.create(schedule({ id: 'mine2', createdAt: T0 + MIN }));
    await store.schedules.create(schedule({ id: 'mine1' }));
    await store.schedules.create(schedule({ id: 'theirs', createdBy: 'U2' }));
    await store.schedules.create(schedule({ id: 'other-channel', channelId: 'C2' }));
    await store.schedules.create(schedule({ id: 'other-team', teamId: 'T2' }));
    await store.schedules.create(schedule({ id: 'removed' }));
    await store.schedules.remove('removed', T0);
    expect(await store.schedules.removeInChannel({ teamId: 'T1', enterpriseId: '' }, 'C1', 'U1', T0 + MIN)).toEqual(['mine1', 'mine2']);
    expect(await store.schedules.removeInChannel({ teamId: 'T1', enterpriseId: '' }, 'C1', 'U1', T0 + MIN)).toEqual([]);
    const left = await Promise.all(['mine1', 'mine2', 'theirs', 'other-channel', 'other-team'].map((id) => store.schedules.find(id)));
    expect(left.map((s) => s?.id)).toEqual([undefined, undefined, 'theirs', 'other-channel', 'other-team']);
  });

  it("removes a workspace's schedules, and names an organisation's teams that have any", async () => {
    const { store } = h();
    await store.schedules.create(schedule({ id: 'a1', teamId: 'TA', enterpriseId: 'E1' }));
    await store.schedules.create(schedule({ id: 'a2', teamId: 'TA', enterpriseId: 'E1', channelId: 'C2' }));
    await store.schedules.create(schedule({ id: 'b1', teamId: 'TB', enterpriseId: 'E1' }));
    await store.schedules.create(schedule({ id: 'c1', teamId: 'TC', enterpriseId: 'E2' }));
    await store.schedules.create(schedule({ id: 'gone', teamId: 'TD', enterpriseId: 'E1' }));
    await store.schedules.remove('gone', T0);
    expect(await store.schedules.teamsWithSchedules('E1')).toEqual(['TA', 'TB']);
    expect(await store.schedules.removeInWorkspace({ teamId: 'TA', enterpriseId: 'E1' }, T0)).toBe(2);
    expect(await store.schedules.removeInWorkspace({ teamId: 'TA', enterpriseId: 'E1' }, T0)).toBe(0);
    expect(await store.schedules.teamsWithSchedules('E1')).toEqual(['TB']);
    expect((await store.schedules.due(T0 + WEEK, 10)).map((s) => s.id).sort()).toEqual(['b1', 'c1']);
  });
});

describePg('postgres: a schedule with several instances', () => {
  let schema: PgSchema | undefined;
  let slack: CountingSlack | undefined;
  let api: SlackApi | undefined;
  afterEach(async () => {
    await schema?.drop();
    schema = undefined;
    api?.close();
    api = undefined;
    await slack?.close();
    slack = undefined;
  });

  it('two instances firing at the same moment start one session per occurrence, and the next occurrence once too', async () => {
    schema = await withPgSchema();
    const clock = fixedClock(T0 + MIN);
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(String((JSON.parse(line) as { msg: string }).msg)));
    let ids = 0;
    // A Slack that knows nobody: the creator's account counts as not known to be deactivated, as when Slack is silent.
    slack = await startCountingSlack();
    api = createSlackApi({ baseUrl: slack.url, timeoutMs: 5000 });
    const people = createSlackMessenger(api, { credentials: async () => ({ token: 'xoxb-t' }) });
    const deps = (store: Store) => ({ store, logger, newId: () => `sess${++ids}`, people });
    const one = createStore(schema.db, clock.now);
    const two = createStore(await schema.open(), clock.now);
    // Every day at 09:01 UTC, an async study group.
    await one.schedules.create(schedule({ expression: '1 9 * * *', tz: 'UTC', nextAt: T0 + MIN }));
    const fire = () => Promise.all([fireDueSchedules(deps(one), clock.now(), () => 0), fireDueSchedules(deps(two), clock.now(), () => 0)]);
    expect((await fire()).sort()).toEqual([0, 1]);
    expect(await fire()).toEqual([0, 0]);
    // The session ended; a day later the next occurrence falls due, and again only one instance starts it.
    await one.transaction(async (tx) => {
      const live = await tx.sessions.findLive({ teamId: 'T1', enterpriseId: '' }, 'C1');
      if (live) await tx.sessions.end(live.id, clock.now(), 'ended_by_host');
    });
    clock.set(T0 + MIN + 24 * 60 * MIN);
    expect((await fire()).sort()).toEqual([0, 1]);
    const sessions = await schema.db.all('SELECT is_async FROM sessions ORDER BY created_at');
    expect(sessions).toEqual([{ is_async: 1 }, { is_async: 1 }]);
    // Each occurrence was handed to one instance: the other never even tried to start it (no busy channel met).
    expect(lines.filter((m) => m === 'scheduled session started')).toHaveLength(2);
    expect(lines.filter((m) => m.includes('did not start'))).toEqual([]);
  });
});
