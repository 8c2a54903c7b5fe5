/** What the app reads of the PostgreSQL server's own settings at start-up. */
import pg from 'pg';
import { expect, it } from 'vitest';
import { autovacuumIsOff } from '../../../src/db/postgres-database.ts';
import { describePg, TEST_DATABASE_URL, withPgSchema } from '../../support/pg.ts';

describePg('the server settings the app checks', () => {
  it("reads whether autovacuum is off as the server has it, through the app's own pool", async () => {
    const schema = await withPgSchema({ migrate: false });
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const shown = (await client.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum;
      expect(['on', 'off']).toContain(shown);
      expect(await autovacuumIsOff(schema.db)).toBe(shown === 'off');
    } finally {
      await client.end();
      await schema.drop();
    }
  });
});
