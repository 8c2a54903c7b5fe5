/**
 * Hands out background results one per turn of the event loop, in the order they came.
 *
 * A committed group of SQLite writes settles up to a few hundred callers at once (see sqlite-database.ts); each goes
 * on as a microtask (completing a post, rendering and sending the next, writing what a command set off), and all of
 * them would run before the event loop reads a socket again. Under a burst that is tens of milliseconds in which a
 * slash command Slack sent waits to be acked. Settled here instead, one caller goes on per turn, and the loop reads
 * its sockets (and acks what came in) between any two: the work is the same, only interleaved.
 */
export interface Turns {
  /** Runs `settle` in a later turn of the event loop, after everything handed over before it. */
  later(settle: () => void): void;
  /** Something handed over has yet to run. */
  readonly busy: boolean;
}

/** `onIdle` is called each time the last of what was handed over has run. */
export function createTurns(onIdle: () => void = () => {}): Turns {
  let queue: Array<() => void> = [];
  let head = 0;
  let scheduled = false;

  function next(): void {
    scheduled = false;
    const settle = queue[head];
    head++;
    if (head < queue.length) {
      scheduled = true;
      setImmediate(next);
    } else {
      queue = [];
      head = 0;
    }
    // An immediate scheduled from inside a check phase runs in the next turn, after the loop has polled its sockets.
    settle?.();
    if (!scheduled) onIdle();
  }

  return {
    later(settle) {
      queue.push(settle);
      if (!scheduled) {
        scheduled = true;
        setImmediate(next);
      }
    },
    get busy() {
      return scheduled;
    },
  };
}
