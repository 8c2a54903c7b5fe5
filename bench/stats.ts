/** Percentiles and small formatting helpers for the benchmark report. */
import { seededRandom } from '../test/support/seeded-random.ts';

export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of already sorted values (`q` in 0..1). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

/** Milliseconds as "12 ms" or "3.40 s". */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 9_995) return `${(value / 1000).toFixed(1)} s`;
  if (Math.abs(value) >= 999.5) return `${(value / 1000).toFixed(2)} s`;
  if (Math.abs(value) >= 10) return `${Math.round(value)} ms`;
  return `${value.toFixed(1)} ms`;
}

/** Microseconds from milliseconds, for sub-millisecond timings. */
export function us(valueMs: number): string {
  return Number.isFinite(valueMs) ? `${(valueMs * 1000).toFixed(1)} µs` : 'n/a';
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) && bytes > 0 ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : 'n/a';
}

export const yes = (ok: boolean): string => (ok ? '✅ met' : '❌ missed');

/**
 * How far the ratio of two p99s moves by chance: each target's rounds are drawn again with replacement and the
 * ratio of the new p99s taken, `draws` times; the range holds the middle 95% of those ratios. Rounds are drawn
 * whole (a block bootstrap), not single requests: a slow spell of the machine, or a garbage collection, slows
 * neighbouring requests together, and a round keeps them together. A target missed with the whole range above
 * it is missed beyond what the run can tell from chance.
 */
export function p99RatioRange(
  app: ReadonlyArray<readonly number[]>,
  bare: ReadonlyArray<readonly number[]>,
  draws = 1000,
  random: () => number = seededRandom(1),
): { low: number; high: number } {
  const resampledP99 = (rounds: ReadonlyArray<readonly number[]>): number => {
    const values: number[] = [];
    for (let i = 0; i < rounds.length; i++) values.push(...(rounds[Math.floor(random() * rounds.length)] ?? []));
    return percentile(values.sort((a, b) => a - b), 0.99);
  };
  if (app.length === 0 || bare.length === 0) return { low: Number.NaN, high: Number.NaN };
  const ratios: number[] = [];
  for (let i = 0; i < draws; i++) ratios.push(resampledP99(app) / resampledP99(bare));
  ratios.sort((a, b) => a - b);
  return { low: percentile(ratios, 0.025), high: percentile(ratios, 0.975) };
}
