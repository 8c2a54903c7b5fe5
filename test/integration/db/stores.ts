/** The two stores the repository contract runs against, and the session it starts from. */
import { afterEach, beforeEach } from 'vitest';
import type { NewSchedule, NewSession, Store } from '../../../src/app/ports.ts';
import type { SqlDatabase } from '../../../src/db/sql.ts';
import { createSqliteDatabase } from '../../../src/db/sqlite-database.ts';
import { createStore } from '../../../src/db/store.ts';
import { DEFAULT_PLAN } from '../../../src/domain/plan.ts';
import { planSteps, schedulePhases } from '../../../src/domain/timeline.ts';
import { type FixedClock, fixedClock } from '../../support/fixed-clock.ts';
import { PG_SKIP_REASON, PG_TESTS_RUN, warnPgSkipped, withPgSchema } from '../../support/pg.ts';
import { openTestDb } from '../../support/test-db.ts';

export const T0 = Date.parse('2030-01-07T09:00:00Z');
export const SEC = 1000;
export const MIN = 60 * SEC;
export const WS = { teamId: 'T1', enterpriseId: '' };

export interface StoreHarness {
  readonly clock: FixedClock;
  /** On the fixed clock. */
  readonly store: Store;
  /** The database under the store, for raw reads and for a second store on another clock. */
  readonly sql: SqlDatabase;
  close(): Promise<void>;
}

export interface StoreFactory {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<StoreHarness>;
}

export const STORES: readonly StoreFactory[] = [
  {
    name: 'sqlite',
    async open() {
      const clock = fixedClock(T0);
      const sql = createSqliteDatabase(openTestDb());
      return { clock, sql, store: createStore(sql, clock.now), close: () => sql.close() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const clock = fixedClock(T0);
      const pg = await withPgSchema({ poolSize: 4 });
      return { clock, sql: pg.db, store: createStore(pg.db, clock.now), close: pg.drop };
    },
  },
];

/** A fresh store for each test of the enclosing describe; PostgreSQL's tests are skipped (with a note) without a server. */
export function useStore(factory: StoreFactory): () => StoreHarness {
  let harness: StoreHarness | undefined;
  if (factory.name === 'postgres') warnPgSkipped();
  beforeEach(async (ctx) => {
    if (factory.name === 'postgres' && !PG_TESTS_RUN) ctx.skip(PG_SKIP_REASON);
    harness = await factory.open();
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  return () => {
    if (!harness) throw new Error('no store: used outside a test');
    return harness;
  };
}

/** A session on the default 5/20/15/5 plan: root, phase and time-check steps, then the summary (seq 0…9). */
export function newSession(overrides: Partial<NewSession> = {}): NewSession {
  const createdAt = overrides.createdAt ?? T0;
  const phases = overrides.phases ?? schedulePhases(DEFAULT_PLAN, createdAt);
  return {
    id: 's1',
    ...WS,
    channelId: 'C1',
    hostId: 'U1',
    topic: 'Design a URL shortener',
    createdAt,
    phases,
    candidateId: null,
    observers: [],
    level: null,
    promptId: null,
    isAsync: false,
    privateScores: false,
    interviewers: ['U2'],
    steps: planSteps(phases, createdAt),
    ...overrides,
  };
}

/** A weekly schedule (Tuesdays 18:00 in Berlin) of channel C1, on the default plan, a study group's. */
export function newSchedule(overrides: Partial<NewSchedule> = {}): NewSchedule {
  return {
    id: 'sch1',
    ...WS,
    channelId: 'C1',
    createdBy: 'U1',
    expression: '0 18 * * 2',
    tz: 'Europe/Berlin',
    plan: [5 * MIN, 20 * MIN, 15 * MIN, 5 * MIN],
    isAsync: true,
    nextAt: T0 + MIN,
    createdAt: T0,
    ...overrides,
  };
}

/** Creates sessions in one transaction; every create must succeed. */
export async function seed(store: Store, ...sessions: NewSession[]): Promise<void> {
  await store.transaction(async (tx) => {
    for (const s of sessions) if (!(await tx.sessions.create(s))) throw new Error(`session ${s.id} not created`);
  });
}
