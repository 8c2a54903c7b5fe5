/**
 * The heartbeat, on real node-cron and real time: a tick still running when the next one falls due makes that one
 * skip, and says so in the app's structured log, not in node-cron's own console lines.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { startTicker } from '../../src/scheduler/ticker.ts';
import { until } from '../support/until.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

it('skips a tick while the one before is still running, and says so in the app log only', async () => {
  const records: Array<{ level: string; msg: string }> = [];
  const logger = createLogger('debug', (line) => records.push(JSON.parse(line) as { level: string; msg: string }));
  const console_ = [vi.spyOn(console, 'log'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'error'), vi.spyOn(console, 'info'), vi.spyOn(console, 'debug')];
  const stderr = vi.spyOn(process.stderr, 'write');
  let release = () => {};
  const blocked = new Promise<void>((resolve) => (release = resolve));
  let runs = 0;
  const ticker = startTicker(
    '* * * * * *',
    async () => {
      runs += 1;
      await blocked;
    },
    logger,
  );
  stops.push(async () => {
    release();
    await ticker.stop();
  });

  await until('a tick skipped because the one before still runs', () => records.some((r) => /still running/.test(r.msg)), 10_000);
  expect(runs).toBe(1);
  expect(records.filter((r) => /still running/.test(r.msg)).every((r) => r.level === 'debug' && r.msg.startsWith('scheduler: '))).toBe(true);
  for (const spy of console_) expect(spy).not.toHaveBeenCalled();
  expect(stderr.mock.calls.filter(([chunk]) => /NODE-CRON/.test(String(chunk)))).toEqual([]);

  // Once the slow tick is done, the next slot runs again.
  release();
  await until('the next tick to run', () => runs >= 2, 10_000);
});

it('after an hour asleep, runs one catch-up tick, never beside one still running', async () => {
  // Fake time: the wall clock jumps an hour while no timer fires, as across a laptop's suspend.
  vi.useFakeTimers({ now: Date.parse('2030-01-07T09:00:00.500Z') });
  try {
    const logger = createLogger('error', () => undefined);
    let running = 0;
    let most = 0;
    let runs = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const ticker = startTicker(
      '* * * * * *',
      async () => {
        runs += 1;
        running += 1;
        most = Math.max(most, running);
        if (runs === 1) await held;
        running -= 1;
      },
      logger,
    );
    await vi.advanceTimersByTimeAsync(600);
    expect(runs).toBe(1);
    vi.setSystemTime(Date.now() + 3_600_000);
    await vi.advanceTimersByTimeAsync(1000);
    // Nothing beside the tick still under way.
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(Date.now() + 3_600_000);
    await vi.advanceTimersByTimeAsync(1000);
    await ticker.stop();
    // The second hour's missed slots made one catch-up run (and the schedule perhaps one more), not thousands.
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(4);
  } finally {
    vi.useRealTimers();
  }
});
