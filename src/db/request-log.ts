/** Remembers requests already handled so that Slack's retries and double clicks have no second effect. */
import type { Db } from './open-database.ts';

export type RequestLog = ReturnType<typeof createRequestLog>;

export function createRequestLog(db: Db) {
  const insert = db.prepare('INSERT OR IGNORE INTO processed_requests (request_key, seen_at) VALUES (?, ?)');
  const prune = db.prepare('DELETE FROM processed_requests WHERE seen_at < ?');
  return {
    /** True the first time a key is seen, false ever after (until pruned). */
    firstTime(key: string, at: number): boolean {
      return insert.run(key, at).changes === 1;
    },
    /** Slack stops retrying after about 5 minutes; a day of memory is plenty. */
    prune(olderThan: number): number {
      return prune.run(olderThan).changes;
    },
  };
}
