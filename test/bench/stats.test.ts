/** The benchmark's statistics: the range it gives a slash-command ratio (bench/stats.ts). */
import { describe, expect, it } from 'vitest';
import { p99RatioRange, percentile } from '../../bench/stats.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** `rounds` rounds of `size` latencies from a generator: a fast body and, now and then, a slow request. */
function rounds(count: number, size: number, random: () => number, scale = 1): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: size }, () => scale * (random() < 0.02 ? 4 + 4 * random() : 0.5 + random())));
}

describe('the range of a p99 ratio', () => {
  it('holds 1 for two targets drawn alike, and lies wholly above 1.2 for an app twice as slow', () => {
    const random = seededRandom(7);
    const bare = rounds(10, 100, random);
    const alike = p99RatioRange(rounds(10, 100, random), bare);
    expect(alike.low).toBeLessThan(1);
    expect(alike.high).toBeGreaterThan(1);
    const slower = p99RatioRange(rounds(10, 100, random, 2), bare);
    expect(slower.low).toBeGreaterThan(1.2);
    expect(slower.low).toBeLessThanOrEqual(slower.high);
  });

  it('gives the same range for the same run, and none without rounds', () => {
    const random = seededRandom(3);
    const app = rounds(10, 100, random);
    const bare = rounds(10, 100, random);
    expect(p99RatioRange(app, bare)).toEqual(p99RatioRange(app, bare));
    expect(p99RatioRange([], bare)).toEqual({ low: Number.NaN, high: Number.NaN });
  });

  it('draws whole rounds: a p99 set by one round alone can vanish from a draw', () => {
    // Every request of round 0 is slow and none of the others: a draw without round 0 has a fast p99.
    const app = [Array.from({ length: 100 }, () => 10), ...Array.from({ length: 9 }, () => Array.from({ length: 100 }, () => 1))];
    const bare = Array.from({ length: 10 }, () => Array.from({ length: 100 }, () => 1));
    expect(percentile(app.flat().sort((a, b) => a - b), 0.99)).toBe(10);
    const range = p99RatioRange(app, bare);
    expect(range.low).toBe(1);
    expect(range.high).toBe(10);
  });
});
