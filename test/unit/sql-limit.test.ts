/**
 * No statement binds a plain parameter as its LIMIT: SQLite would prepare it again on every run (see limitParam
 * in src/db/sql.ts). A check over the repositories' SQL, so a new query cannot bring the cost back unnoticed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DB_DIR = fileURLToPath(new URL('../../src/db', import.meta.url));

describe('LIMIT parameters', () => {
  it('are written through limitParam, never as a plain $n', () => {
    const offenders = readdirSync(DB_DIR)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        readFileSync(join(DB_DIR, f), 'utf8')
          .split('\n')
          .map((line, i) => ({ at: `${f}:${i + 1}`, line }))
          .filter(({ line }) => /\bLIMIT\s+\$\d/i.test(line)),
      )
      .map(({ at }) => at);
    expect(offenders).toEqual([]);
  });
});
