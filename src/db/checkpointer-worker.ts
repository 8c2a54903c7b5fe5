/**
 * The checkpoint thread (see checkpointer.ts): its own connection to the database file, copying what the WAL
 * holds back into the file every so often. A failure ends the thread; the main thread then checkpoints itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointerSettings } from './checkpointer.ts';

const port = parentPort;
if (!port) throw new Error('checkpointer-worker.ts runs as a worker thread only');
const { path, everyMs, restartFrames } = workerData as CheckpointerSettings;
// The file exists (the main thread opened and migrated it); never create one elsewhere.
const db = new Database(path, { fileMustExist: true, timeout: 0 });
// Checkpoints sync the WAL before copying and the file after, as the main connection's would.
db.pragma('synchronous = NORMAL');

// PASSIVE waits for no one: frames a reader still needs stay in the WAL until a later run, and a run that finds
// another checkpoint under way says so in its result (busy) rather than failing.
type Outcome = { busy: number; log: number; checkpointed: number };
const checkpoint = () => (db.pragma('wal_checkpoint(PASSIVE)') as Outcome[])[0] as Outcome;

// The WAL starts over from its beginning only when a write begins with every frame already copied. While writes
// keep coming, some always land during a run, so the WAL would grow for as long as they do. Past `restartFrames`,
// this thread asks the main thread to hold its writes, copies what is left, and lets them go: the next write then
// starts the WAL over. A hold that could not copy everything (another connection still reads old frames) is not
// asked for again at once: the runs to skip double, up to MAX_SKIPPED_RUNS.
const MAX_SKIPPED_RUNS = 64;
let holding = false;
let skip = 0;
let backoff = 1;
const timer = setInterval(() => {
  if (holding) return;
  const { log } = checkpoint();
  if (restartFrames <= 0 || log < restartFrames) return;
  if (skip > 0) {
    skip--;
    return;
  }
  holding = true;
  port.postMessage('hold');
}, everyMs);

port.on('message', (message: unknown) => {
  if (message === 'held') {
    // The main thread writes nothing until it hears back.
    let outcome: Outcome | undefined;
    try {
      outcome = checkpoint();
    } finally {
      holding = false;
      port.postMessage('copied');
    }
    if (outcome.checkpointed >= outcome.log) backoff = 1;
    else {
      skip = backoff;
      backoff = Math.min(backoff * 2, MAX_SKIPPED_RUNS);
    }
    return;
  }
  if (message !== 'stop') return;
  clearInterval(timer);
  // When the main connection has closed first, this one is the last: closing it checkpoints and removes the WAL.
  db.close();
  port.close();
});
