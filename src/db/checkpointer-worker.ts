/**
 * The checkpoint thread (see checkpointer.ts): its own connection to the database file, copying what the WAL
 * holds back into the file every so often. A failure ends the thread; the main thread then checkpoints itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointerSettings } from './checkpointer.ts';

const port = parentPort;
if (!port) throw new Error('checkpointer-worker.ts runs as a worker thread only');
const { path, everyMs } = workerData as CheckpointerSettings;
// The file exists (the main thread opened and migrated it); never create one elsewhere.
const db = new Database(path, { fileMustExist: true, timeout: 0 });
// Checkpoints sync the WAL before copying and the file after, as the main connection's would.
db.pragma('synchronous = NORMAL');

// PASSIVE waits for no one: frames a reader still needs stay in the WAL until a later run, and a run that finds
// another checkpoint under way says so in its result (busy) rather than failing.
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), everyMs);
port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  // When the main connection has closed first, this one is the last: closing it checkpoints and removes the WAL.
  db.close();
  port.close();
});
