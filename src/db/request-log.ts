/**
 * Remembers requests already handled so that Slack's retries and double clicks have no second effect. A key
 * counts as handled only once its handler succeeded: a retry of a request whose handling crashed is handled.
 */
import type { RequestLog } from '../app/ports.ts';
import { MINUTE } from '../domain/duration.ts';
import type { SqlExecutor } from './sql.ts';

/** A handler still 'working' after this long died with its process: the request may be handled again. */
export const WORKING_EXPIRES_MS = MINUTE;

export function createRequestLog(db: SqlExecutor): RequestLog {
  return {
    async begin(key, at) {
      const row = await db.get(
        `INSERT INTO processed_requests (request_key, seen_at, state) VALUES ($1, $2, 'working')
         ON CONFLICT (request_key) DO UPDATE SET seen_at = excluded.seen_at
          WHERE processed_requests.state = 'working' AND processed_requests.seen_at < $3
         RETURNING request_key`,
        [key, at, at - WORKING_EXPIRES_MS],
      );
      return row !== undefined;
    },
    async finish(key, at) {
      await db.run("UPDATE processed_requests SET state = 'done', seen_at = $2 WHERE request_key = $1", [key, at]);
    },
    async abandon(key) {
      await db.run("DELETE FROM processed_requests WHERE request_key = $1 AND state = 'working'", [key]);
    },
    prune(olderThan) {
      return db.run('DELETE FROM processed_requests WHERE seen_at < $1', [olderThan]);
    },
  };
}
