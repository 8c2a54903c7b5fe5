/**
 * WAL checkpoints on a thread of their own. SQLite copies the write-ahead log back into the database file
 * (a checkpoint) inside whichever commit pushes the log past 1,000 pages: that commit then writes megabytes and
 * waits for two fsyncs, 5–9 ms on a cloud disk, on the thread that also answers Slack. Timed inside the app
 * over the slash-command benchmark, 41 commits took over 1 ms, most of them 5–9 ms; with this, 14. The main
 * connection never checkpoints; a second connection on a worker thread does, every `everyMs`, without blocking
 * the writer (PASSIVE). If that thread fails, the main connection goes back to checkpointing itself, said once.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../app/ports.ts';
import { workerSource } from '../worker-source.ts';
import type { Db } from './open-database.ts';

export interface CheckpointerSettings {
  readonly path: string;
  readonly everyMs: number;
}

/** Often enough that the WAL stays a few megabytes under a burst of writes; idle, a run finds nothing to copy. */
export const CHECKPOINT_EVERY_MS = 1_000;
/** SQLite's own default, restored when the thread fails. */
const AUTO_CHECKPOINT_PAGES = 1_000;
/** A thread that does not stop when asked is ended. */
const STOP_TIMEOUT_MS = 5_000;

export interface Checkpointer {
  /** Stops the thread; after the main connection has closed, its own close is the last and removes the WAL. */
  close(): Promise<void>;
}

export function startCheckpointer(db: Db, path: string, logger: Logger, everyMs = CHECKPOINT_EVERY_MS): Checkpointer {
  db.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  let failed = false;
  const worker = new Worker(workerSource(import.meta.url, 'checkpointer-worker'), {
    eval: true,
    workerData: { path, everyMs } satisfies CheckpointerSettings,
  });
  // A timer on the thread must not keep the process alive; close() is how it ends.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = (reason: string) => {
    if (stopping || failed) return;
    failed = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    logger.error('the checkpoint thread stopped; the main thread checkpoints the database from now on', { reason });
  };
  worker.on('error', (error) => fallBack(error.message));
  worker.on('exit', (code) => fallBack(`exit code ${code}`));
  return {
    async close() {
      if (stopping) return exited;
      stopping = true;
      if (failed) return exited;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
