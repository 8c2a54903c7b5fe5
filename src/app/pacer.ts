/**
 * Paces posts per channel: Slack allows about one message a second in a channel and answers bursts with 429s.
 * A burst (several steps of one session falling due together, a long summary) is smoothed here instead. Times
 * are the process's monotonic clock: pacing is about real elapsed time, never the app's (possibly fixed) clock.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Pacer {
  /** Resolves when the channel may take another post, and books that slot. */
  wait(channel: string): Promise<void>;
  /** Slack said 429 for this channel: nothing goes there for `ms`. */
  block(channel: string, ms: number): void;
}

/** Forgetting channels idle for this long keeps the map small with thousands of sessions. */
const FORGET_AFTER_MS = 60_000;

export function createPacer(intervalMs: number, monotonic: () => number = () => performance.now()): Pacer {
  const nextSlot = new Map<string, number>();
  let lastSweep = monotonic();

  function sweep(now: number): void {
    if (now - lastSweep < FORGET_AFTER_MS) return;
    lastSweep = now;
    for (const [channel, at] of nextSlot) if (at < now - FORGET_AFTER_MS) nextSlot.delete(channel);
  }

  return {
    async wait(channel) {
      if (intervalMs <= 0 && !nextSlot.has(channel)) return;
      const now = monotonic();
      sweep(now);
      const slot = Math.max(now, nextSlot.get(channel) ?? now);
      nextSlot.set(channel, slot + intervalMs);
      if (slot > now) await sleep(slot - now);
    },
    block(channel, ms) {
      const until = monotonic() + ms;
      if ((nextSlot.get(channel) ?? 0) < until) nextSlot.set(channel, until);
    },
  };
}
