import { describe, expect, it } from 'vitest';
import { type ClockChange, clockChangeKey, parseClockChangeKey, repeatedExtension } from '../../../src/domain/clock-change.ts';
import { MIN, SEC, T0 } from '../support/builders.ts';

const extended: ClockChange = { kind: 'extended', by: 'U0ALICE', at: T0, phaseIndex: 1, ms: 5 * MIN, endsAt: T0 + 20 * MIN };

describe('a change to the clock as a step key', () => {
  it('reads back as it was written, for every kind', () => {
    const changes: ClockChange[] = [
      extended,
      { kind: 'paused', by: 'W0ENTERPRISE', at: T0 + 1, phaseIndex: 0, ms: 3 * MIN + 12 * SEC, endsAt: 0 },
      { kind: 'resumed', by: 'U0BOB', at: T0 + 2, phaseIndex: 3, ms: 0, endsAt: T0 + 45 * MIN },
    ];
    for (const change of changes) expect(parseClockChangeKey(clockChangeKey(change))).toEqual(change);
    // Two changes differ in their keys whenever they differ at all.
    expect(new Set(changes.map(clockChangeKey)).size).toBe(changes.length);
    expect(clockChangeKey({ ...extended, at: T0 + 1 })).not.toBe(clockChangeKey(extended));
  });

  it('is not read into any other step', () => {
    for (const key of ['root', 'phase:0', 'warning:2', 'nudge:mid:1', 'summary', 'refresh', 'clock:stopped:0:1:2:U1:3', 'clock:paused:0:-1:0:U1:3']) {
      expect(parseClockChangeKey(key)).toBeUndefined();
    }
  });
});

describe('repeatedExtension', () => {
  it('finds the same time added to the same phase within the window, and nothing else', () => {
    expect(repeatedExtension([extended], 1, 5 * MIN, T0 + 14 * SEC, 15 * SEC)).toBe(extended);
    expect(repeatedExtension([extended], 1, 5 * MIN, T0 + 15 * SEC, 15 * SEC)).toBeUndefined();
    expect(repeatedExtension([extended], 1, 10 * MIN, T0 + SEC, 15 * SEC)).toBeUndefined();
    expect(repeatedExtension([extended], 2, 5 * MIN, T0 + SEC, 15 * SEC)).toBeUndefined();
    expect(repeatedExtension([{ ...extended, kind: 'paused' }], 1, 5 * MIN, T0 + SEC, 15 * SEC)).toBeUndefined();
  });
});
