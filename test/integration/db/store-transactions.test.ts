/**
 * A transaction's repositories are built once per executor: SQLite hands every transaction the same executor, so
 * a post's completion must not build the seven repositories again each time. Reusing them must not carry anything
 * from one transaction into the next: a rolled-back transaction leaves nothing, a committed one stands.
 */
import { describe, expect, it } from 'vitest';
import type { Repositories } from '../../../src/app/ports.ts';
import { createSqliteDatabase } from '../../../src/db/sqlite-database.ts';
import { createStore } from '../../../src/db/store.ts';
import { fixedClock } from '../../support/fixed-clock.ts';
import { openTestDb } from '../../support/test-db.ts';
import { T0 } from './stores.ts';

describe('store transactions on SQLite', () => {
  it('hand every transaction the same repositories, and each still commits or rolls back on its own', async () => {
    const store = createStore(createSqliteDatabase(openTestDb()), fixedClock(T0).now);
    const seen: Repositories[] = [];
    await store.transaction(async (tx) => {
      seen.push(tx);
      expect(await tx.requests.begin('Ev-kept', T0)).toBe(true);
    });
    await expect(
      store.transaction(async (tx) => {
        seen.push(tx);
        expect(await tx.requests.begin('Ev-undone', T0)).toBe(true);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // Two at once run as one group, each under a savepoint: the same repositories again.
    await Promise.all([store.transaction(async (tx) => void seen.push(tx)), store.transaction(async (tx) => void seen.push(tx))]);
    expect(seen).toHaveLength(4);
    for (const tx of seen) expect(tx).toBe(seen[0]);
    // A key already begun is not new; the one whose transaction rolled back is.
    expect(await store.requests.begin('Ev-kept', T0)).toBe(false);
    expect(await store.requests.begin('Ev-undone', T0)).toBe(true);
    await store.close();
  });
});
