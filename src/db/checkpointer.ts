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
  /** WAL frames past which the thread asks for writes to be held while it copies the rest; 0: never. */
  readonly restartFrames: number;
}

/** The main connection's writes, which the thread may ask to hold while it empties the WAL. */
export interface WriteGate {
  /** Resolves once no write is running and none will start until the returned function is called. */
  holdWrites(): Promise<() => void>;
}

/** Each run copies about a second of writes; idle, it finds nothing to copy. How the WAL stays bounded: RESTART_FRAMES. */
export const CHECKPOINT_EVERY_MS = 1_000;
/**
 * 4,096 pages of 4 KiB: 16 MiB. Under writes that never pause (sessions starting one after another, a burst of
 * posts), the WAL grew by hundreds of megabytes a minute; with this it starts over at about this size plus what
 * one interval writes. The hold lasts one checkpoint of what was written since the last run, a few milliseconds.
 */
export const RESTART_FRAMES = 4_096;
/** A hold never lasts longer than this, whatever the thread does. */
const HOLD_CAP_MS = 1_000;
/** SQLite's own default, restored when the thread fails. */
const AUTO_CHECKPOINT_PAGES = 1_000;
/** A thread that does not stop when asked is ended. */
const STOP_TIMEOUT_MS = 5_000;

export interface Checkpointer {
  /** Stops the thread; after the main connection has closed, its own close is the last and removes the WAL. */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** How often the thread runs (CHECKPOINT_EVERY_MS). */
  readonly everyMs?: number;
  /** The writes to hold while the WAL is emptied; without one the WAL starts over only when writes pause. */
  readonly gate?: WriteGate;
  /** WAL frames past which a hold is asked for (RESTART_FRAMES). */
  readonly restartFrames?: number;
}

export function startCheckpointer(db: Db, path: string, logger: Logger, options: CheckpointerOptions = {}): Checkpointer {
  const { everyMs = CHECKPOINT_EVERY_MS, gate, restartFrames = RESTART_FRAMES } = options;
  db.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  let failed = false;
  const worker = new Worker(workerSource(import.meta.url, 'checkpointer-worker'), {
    eval: true,
    workerData: { path, everyMs, restartFrames: gate ? restartFrames : 0 } satisfies CheckpointerSettings,
  });
  // A timer on the thread must not keep the process alive; close() is how it ends.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  // At most one hold at a time; whatever ends it (the thread's answer, the cap, the thread's end) ends it once.
  let endHold: (() => void) | undefined;
  let capWarned = false;
  const hold = async () => {
    if (!gate || endHold) return;
    const release = await gate.holdWrites();
    if (stopping || failed) return release();
    const cap = setTimeout(() => {
      if (!capWarned) logger.warn('the checkpoint thread took over a second to empty the WAL; writes went on without waiting for it', { cap_ms: HOLD_CAP_MS });
      capWarned = true;
      endHold?.();
    }, HOLD_CAP_MS);
    endHold = () => {
      endHold = undefined;
      clearTimeout(cap);
      release();
    };
    worker.postMessage('held');
  };
  worker.on('message', (message: unknown) => {
    if (message === 'hold') void hold();
    else if (message === 'copied') endHold?.();
  });

  const fallBack = (reason: string) => {
    endHold?.();
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
      endHold?.();
      if (failed) return exited;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
