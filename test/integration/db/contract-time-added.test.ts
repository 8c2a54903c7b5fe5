/**
 * The time added to a phase, against SQLite and PostgreSQL alike: an extension lengthens the phase (the schedule runs
 * on it) and is kept apart (the summary sets the plan beside it). A database from before it was kept apart migrates
 * with that split marked unknown, never as "nothing added".
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/app/ports.ts';
import { listMigrations, migrate } from '../../../src/db/migrate.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import { migratePostgres } from '../../../src/db/postgres-database.ts';
import type { SqlDatabase } from '../../../src/db/sql.ts';
import { createSqliteDatabase } from '../../../src/db/sqlite-database.ts';
import { createStore } from '../../../src/db/store.ts';
import { buildSummary } from '../../../src/domain/summary.ts';
import { fixedClock } from '../../support/fixed-clock.ts';
import { PG_MIGRATIONS_DIR, PG_SKIP_REASON, PG_TESTS_RUN, withPgSchema } from '../../support/pg.ts';
import { MIGRATIONS_DIR } from '../../support/test-db.ts';
import { MIN, newSession, STORES, T0, useStore } from './stores.ts';

/** The migration that keeps the time added apart. */
const TIME_ADDED = 15;

describe.each(STORES)('$name store: time added to a phase', (factory) => {
  const h = useStore(factory);

  it('starts every phase at none added, and adds each extension to both the length and the time added', async () => {
    const { store } = h();
    const created = await store.transaction((tx) => tx.sessions.create(newSession()));
    expect(created?.phases.map((p) => p.addedMs)).toEqual([0, 0, 0, 0]);
    expect((await store.sessions.find('s1'))?.phases.map((p) => p.addedMs)).toEqual([0, 0, 0, 0]);

    await store.transaction((tx) => tx.sessions.extendPhase('s1', 0, 30_000, T0 + MIN));
    await store.transaction((tx) => tx.sessions.extendPhase('s1', 0, 5 * MIN, T0 + 2 * MIN));
    const s = await store.sessions.find('s1');
    expect(s?.phases.map((p) => [p.plannedMs, p.addedMs, p.startsAt - T0])).toEqual([
      [10.5 * MIN, 5.5 * MIN, 0],
      [20 * MIN, 0, 10.5 * MIN],
      [15 * MIN, 0, 30.5 * MIN],
      [5 * MIN, 0, 45.5 * MIN],
    ]);
    expect(s?.endsAt).toBe(T0 + 50.5 * MIN);
  });
});

/** A database at the schema before TIME_ADDED, then brought up to date, for each store. */
interface Upgrade {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<{ old: (sql: string, params: (string | number)[]) => Promise<void>; upgrade(): Promise<Store>; close(): Promise<void> }>;
}

function olderMigrations(dir: string): string {
  const older = mkdtempSync(join(tmpdir(), 'mockdesign-older-'));
  for (const { file } of listMigrations(dir).filter((m) => m.version < TIME_ADDED)) copyFileSync(join(dir, file), join(older, file));
  return older;
}

const UPGRADES: readonly Upgrade[] = [
  {
    name: 'sqlite',
    async open() {
      const older = olderMigrations(MIGRATIONS_DIR);
      const raw = openDatabase(':memory:');
      migrate(raw, older);
      let db: SqlDatabase | undefined;
      return {
        old: async (sql, params) => {
          raw.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
        },
        upgrade: async () => {
          migrate(raw, MIGRATIONS_DIR);
          db = createSqliteDatabase(raw);
          return createStore(db, fixedClock(T0).now);
        },
        close: async () => {
          rmSync(older, { recursive: true, force: true });
          if (db) await db.close();
          else raw.close();
        },
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      const older = olderMigrations(PG_MIGRATIONS_DIR);
      const schema = await withPgSchema({ migrate: false });
      await migratePostgres(schema.db, older);
      return {
        old: async (sql, params) => {
          await schema.db.run(sql, params);
        },
        upgrade: async () => {
          await migratePostgres(schema.db, PG_MIGRATIONS_DIR);
          return createStore(schema.db, fixedClock(T0).now);
        },
        close: async () => {
          rmSync(older, { recursive: true, force: true });
          await schema.drop();
        },
      };
    },
  },
];

describe.each(UPGRADES)('$name store: a phase extended before the time added was kept apart', (upgrade) => {
  let opened: Awaited<ReturnType<Upgrade['open']>> | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it('keeps its whole length, with the time added not known, and an extension after the upgrade does not make it known', async (ctx) => {
    if (upgrade.name === 'postgres' && !PG_TESTS_RUN) ctx.skip(PG_SKIP_REASON);
    opened = await upgrade.open();
    // A 1m/1m/1m/1m session whose first phase was extended by 6 min: planned_ms was all that was kept.
    await opened.old(
      `INSERT INTO sessions (id, team_id, enterprise_id, channel_id, host_id, topic, status, created_at, ends_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      ['old', 'T1', '', 'C1', 'U1', 'Design a key-value store', 'running', T0, T0 + 10 * MIN, T0 + MIN],
    );
    for (const [idx, planned, starts] of [[0, 7, 0], [1, 1, 7], [2, 1, 8], [3, 1, 9]] as const) {
      await opened.old('INSERT INTO session_phases (session_id, idx, planned_ms, starts_at) VALUES ($1, $2, $3, $4)', ['old', idx, planned * MIN, T0 + starts * MIN]);
    }
    const store = await opened.upgrade();

    const s = await store.sessions.find('old');
    expect(s?.phases.map((p) => [p.plannedMs, p.addedMs])).toEqual([[7 * MIN, null], [MIN, null], [MIN, null], [MIN, null]]);
    await store.transaction((tx) => tx.sessions.extendPhase('old', 0, MIN, T0 + 2 * MIN));
    const after = await store.sessions.find('old');
    expect(after?.phases.map((p) => [p.plannedMs, p.addedMs])).toEqual([[8 * MIN, null], [MIN, null], [MIN, null], [MIN, null]]);
    // The phases still run on their whole length.
    expect(after?.phases.map((p) => (p.startsAt - T0) / MIN)).toEqual([0, 8, 9, 10]);

    // So its summary does not call 8 min the plan, nor claim nothing was added.
    const summary = buildSummary({
      topic: 'Design a key-value store', hostId: 'U1', interviewers: [], participants: [], notes: [],
      phases: after?.phases ?? [], startedAt: T0, endedAt: T0 + 11 * MIN, endReason: null,
    });
    expect(summary.phases[0]).toMatchObject({ plannedMs: 8 * MIN, addedMs: null });
    expect([summary.totalPlannedMs, summary.totalAddedMs]).toEqual([11 * MIN, null]);

    // A session started after the upgrade keeps the split.
    const fresh = await store.transaction((tx) => tx.sessions.create(newSession({ id: 'new', channelId: 'C2' })));
    expect(fresh?.phases.map((p) => p.addedMs)).toEqual([0, 0, 0, 0]);
    expect((await store.sessions.find('new'))?.phases.map((p) => p.addedMs)).toEqual([0, 0, 0, 0]);
  });
});
