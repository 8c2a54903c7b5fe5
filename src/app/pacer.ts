/**
 * Paces posts per channel: Slack allows about one message a second in a channel, with short bursts, and
 * answers more with 429s. Each channel has a small bucket of slots (BURST) that refills at one per interval: a
 * session's root message and first phase, due together, both go at once, while a long burst is smoothed to
 * the steady rate instead of being refused. Times are the process's monotonic clock: pacing is about real
 * elapsed time, never the app's (possibly fixed) clock.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Pacer {
  /** Resolves when the channel may take another post, and books that slot. */
  wait(channel: string): Promise<void>;
  /** How long until the channel may take another post, booking nothing. */
  delay(channel: string): number;
  /** Slack said 429 for this channel: nothing goes there for `ms`. */
  block(channel: string, ms: number): void;
}

/** Posts a channel may take at once before the steady rate applies. */
export const BURST = 3;
/** Forgetting channels idle for this long keeps the map small with thousands of sessions. */
const FORGET_AFTER_MS = 60_000;

export interface PacerTime {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<unknown>;
}

const realTime: PacerTime = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

export function createPacer(intervalMs: number, time: PacerTime = realTime): Pacer {
  const monotonic = time.now;
  // The time at which the channel's bucket is full again: a slot is free when fewer than BURST intervals remain.
  const fullAt = new Map<string, number>();
  let lastSweep = monotonic();

  function sweep(now: number): void {
    if (now - lastSweep < FORGET_AFTER_MS) return;
    lastSweep = now;
    for (const [channel, at] of fullAt) if (at < now - FORGET_AFTER_MS) fullAt.delete(channel);
  }

  /** The slot a post takes is free once the bucket holds at most BURST - 1 booked intervals. */
  function slotAt(now: number, full: number): number {
    return Math.max(now, full - (BURST - 1) * intervalMs);
  }

  return {
    async wait(channel) {
      if (intervalMs <= 0 && !fullAt.has(channel)) return;
      const now = monotonic();
      sweep(now);
      const full = Math.max(now, fullAt.get(channel) ?? now);
      const at = slotAt(now, full);
      fullAt.set(channel, full + intervalMs);
      if (at > now) await time.sleep(at - now);
    },
    delay(channel) {
      const booked = fullAt.get(channel);
      if (booked === undefined) return 0;
      const now = monotonic();
      return slotAt(now, Math.max(now, booked)) - now;
    },
    block(channel, ms) {
      // Nothing for `ms`, and then the steady rate: the bucket starts empty.
      const until = monotonic() + ms + (BURST - 1) * intervalMs;
      if ((fullAt.get(channel) ?? 0) < until) fullAt.set(channel, until);
    },
  };
}
