/** The per-channel pacer on a clock the test moves: a burst goes at once, then one post per interval. */
import { describe, expect, it } from 'vitest';
import { BURST, createPacer } from '../../src/app/pacer.ts';

/** A clock the test moves, whose sleeps are recorded and move it. */
function testTime() {
  const slept: number[] = [];
  const time = {
    at: 0,
    now: () => time.at,
    sleep: async (ms: number) => {
      slept.push(ms);
    },
  };
  return { time, slept };
}

describe('createPacer', () => {
  it('lets a burst through at once, then spaces posts one interval apart', async () => {
    const { time, slept } = testTime();
    const pacer = createPacer(1000, time);
    for (let i = 0; i < BURST + 3; i++) await pacer.wait('C1');
    // Three at once, then the fourth waits one interval, the fifth two, the sixth three.
    expect(slept).toEqual([1000, 2000, 3000]);
  });

  it('refills one slot per interval while the channel is quiet', async () => {
    const { time, slept } = testTime();
    const pacer = createPacer(1000, time);
    for (let i = 0; i < BURST; i++) await pacer.wait('C1');
    time.at = 1000;
    await pacer.wait('C1');
    time.at = 5000;
    for (let i = 0; i < BURST; i++) await pacer.wait('C1');
    expect(slept).toEqual([]);
  });

  it('keeps channels apart, and after a 429 holds the channel for Retry-After, then the steady rate', async () => {
    const { time, slept } = testTime();
    const pacer = createPacer(1000, time);
    pacer.block('C1', 30_000);
    await pacer.wait('C2');
    expect(slept).toEqual([]);
    await pacer.wait('C1');
    await pacer.wait('C1');
    expect(slept).toEqual([30_000, 31_000]);
  });

  it('never waits with no interval, unless Slack said 429', async () => {
    const { time, slept } = testTime();
    const pacer = createPacer(0, time);
    for (let i = 0; i < 10; i++) await pacer.wait('C1');
    expect(slept).toEqual([]);
    pacer.block('C1', 7000);
    await pacer.wait('C1');
    expect(slept).toEqual([7000]);
  });

  it('says how long a channel would make a post wait, without booking a slot', async () => {
    const { time, slept } = testTime();
    const pacer = createPacer(1000, time);
    expect(pacer.delay('C1')).toBe(0);
    for (let i = 0; i < BURST; i++) await pacer.wait('C1');
    expect(pacer.delay('C1')).toBe(1000);
    // Asking books nothing: the next post still waits one interval, not two.
    expect(pacer.delay('C1')).toBe(1000);
    time.at = 400;
    expect(pacer.delay('C1')).toBe(600);
    await pacer.wait('C1');
    expect(slept).toEqual([600]);
    expect(pacer.delay('C2')).toBe(0);
    pacer.block('C2', 5000);
    expect(pacer.delay('C2')).toBe(5000);
  });
});
