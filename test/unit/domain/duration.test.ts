import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, formatDuration, formatPlanDuration, formatTimeLeft, HOUR, MINUTE, parseDuration, SECOND } from '../../../src/domain/duration.ts';

function value(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(`expected ${text} to parse, got: ${parsed.error}`);
  return parsed.value;
}

function error(text: string): string {
  const parsed = parseDuration(text);
  if (parsed.ok) throw new Error(`expected ${text} to be refused, got ${parsed.value}`);
  return parsed.error;
}

describe('parseDuration', () => {
  it.each([
    ['90s', 90 * SECOND],
    ['5m', 5 * MINUTE],
    ['2h', 2 * HOUR],
    ['3d', 3 * DAY],
    ['1.5h', 90 * MINUTE],
    ['0.5m', 30 * SECOND],
    ['2.25d', 54 * HOUR],
    ['5', 5 * MINUTE],
    ['20', 20 * MINUTE],
    ['1.5', 90 * SECOND],
    ['0.01h', 36 * SECOND],
    ['1.000s', SECOND],
  ])('reads %s as %d ms', (text, ms) => {
    expect(value(text)).toBe(ms);
  });

  // An hour and a half, as people write it: parts with their units, summed.
  it.each([
    ['1h30m', 90 * MINUTE],
    ['1h 30m', 90 * MINUTE],
    ['1 h 30 min', 90 * MINUTE],
    ['2 days 4 hours', 2 * DAY + 4 * HOUR],
    ['1m30s', 90 * SECOND],
    ['1H30M', 90 * MINUTE],
  ])('reads the compound %j as %d ms', (text, ms) => {
    expect(value(text)).toBe(ms);
  });

  it.each(['1h30', '1h 30', 'h30m', '1h30x', '1h.5m', '1h30m0.5s'])('refuses %j, which is not parts with units throughout', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });

  it('accepts upper-case units and surrounding spaces', () => {
    expect(value('2H')).toBe(2 * HOUR);
    expect(value('15M')).toBe(15 * MINUTE);
    expect(value('  7d ')).toBe(7 * DAY);
  });

  // The +5 min button says "5 min", and people type what they read: a written-out unit, after a space or not.
  it.each([
    ['5 min', 5 * MINUTE],
    ['5min', 5 * MINUTE],
    ['10 mins', 10 * MINUTE],
    ['2 minutes', 2 * MINUTE],
    ['1 minute', MINUTE],
    ['5 m', 5 * MINUTE],
    ['1 hour', HOUR],
    ['2 hours', 2 * HOUR],
    ['1 hr', HOUR],
    ['3 hrs', 3 * HOUR],
    ['1 h', HOUR],
    ['1 day', DAY],
    ['2 days', 2 * DAY],
    ['90 seconds', 90 * SECOND],
    ['1 second', SECOND],
    ['30 secs', 30 * SECOND],
    ['30 sec', 30 * SECOND],
    ['1.5 hours', 90 * MINUTE],
    ['5 MIN', 5 * MINUTE],
    ['2 Hours', 2 * HOUR],
    ['  1   day ', DAY],
  ])('reads the written-out %j as %d ms', (text, ms) => {
    expect(value(text)).toBe(ms);
  });

  it('refuses a written-out duration as it refuses a short one: zero, or a part of a second', () => {
    expect(error('0 min')).toBe('`0 min` is not longer than zero');
    expect(error('1.5 seconds')).toBe('`1.5 seconds` is not a whole number of seconds');
    expect(error('0.5 sec')).toBe('`0.5 sec` is shorter than a second');
  });

  // A part of a second would be shown rounded ("1.5s" as "2 s"), and a plan's total would not add up.
  it('refuses a part of a second, saying so', () => {
    expect(error('1.5s')).toBe('`1.5s` is not a whole number of seconds');
    expect(error('0.001d')).toBe('`0.001d` is not a whole number of seconds');
    expect(error('0.5s')).toBe('`0.5s` is shorter than a second');
    expect(error('0.001m')).toBe('`0.001m` is shorter than a second');
  });

  it('refuses zero with a message naming the text', () => {
    for (const zero of ['0', '0m', '0.0s', '0.000d']) {
      expect(error(zero)).toBe(`\`${zero}\` is not longer than zero`);
    }
  });

  it('refuses a negative duration as "not a duration"', () => {
    expect(error('-5')).toBe('`-5` is not a duration: use a number with s, m, h or d');
    expect(error('-5m')).toBe('`-5m` is not a duration: use a number with s, m, h or d');
  });

  it.each(['', '   ', 'abc', '5x', 'm', 'min', '5mm', '1e3', '1.', '.5', '1.2345h', '1,5h', '1234567890', '5ms', '5 ms', '5 mi', '5 minutess', '5 min please', 'five minutes', '5 5', 'Infinity', 'NaN'])(
    'refuses %j with a message that quotes it',
    (text) => {
      expect(error(text)).toBe(`\`${text}\` is not a duration: use a number with s, m, h or d`);
    },
  );

  it('never throws, and accepts only positive whole seconds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const parsed = parseDuration(text);
        if (parsed.ok) {
          expect(Number.isInteger(parsed.value / SECOND)).toBe(true);
          expect(parsed.value).toBeGreaterThan(0);
        } else {
          expect(parsed.error).toContain(`\`${text}\``);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatTimeLeft', () => {
  it.each([
    [1, '1 second'],
    [499, '1 second'],
    [SECOND, '1 second'],
    [1500, '2 seconds'],
    [3 * SECOND, '3 seconds'],
    [20 * SECOND, '20 seconds'],
    [59 * SECOND, '59 seconds'],
    [59_500, '1 min'],
    [MINUTE, '1 min'],
    [MINUTE + 12 * SECOND, '1 min 12 s'],
    [4 * MINUTE, '4 min'],
    [14 * HOUR, '14 h'],
  ])('says %d ms left as %j', (ms, text) => {
    expect(formatTimeLeft(ms)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [-5 * MINUTE, '0 s'],
    [400, '0 s'],
    [500, '1 s'],
    [45 * SECOND, '45 s'],
    [59_500, '1 min'],
    [90 * SECOND, '1 min 30 s'],
    [20 * MINUTE, '20 min'],
    [90 * MINUTE, '1 h 30 min'],
    [HOUR + 30 * MINUTE + 15 * SECOND, '1 h 30 min 15 s'],
    [DAY, '1 day'],
    [DAY + 4 * HOUR + 30 * MINUTE, '1 day 4 h 30 min'],
    // the plan 1d/3h/90m/45s: nothing of it is dropped
    [DAY + 3 * HOUR + 90 * MINUTE + 45 * SECOND, '1 day 4 h 30 min 45 s'],
    [7 * DAY, '7 days'],
    [30 * DAY, '30 days'],
    [2 * HOUR + 5 * SECOND, '2 h 5 s'],
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('shows every unit that is not zero, the largest first, adding up to the duration to the nearest second', () => {
    const order = ['d', 'h', 'min', 's'];
    const size: Record<string, number> = { d: DAY, h: HOUR, min: MINUTE, s: SECOND };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 * DAY }), (ms) => {
        const parts = formatDuration(ms).split(' ');
        expect(parts.length % 2).toBe(0);
        // Days are written out ("1 day", "3 days"); the other units are abbreviated.
        const units = parts.filter((_, i) => i % 2 === 1).map((u) => (u === 'day' || u === 'days' ? 'd' : u));
        const sum = units.reduce((total, unit, i) => total + Number(parts[2 * i]) * (size[unit] ?? NaN), 0);
        expect(sum).toBe(Math.round(ms / SECOND) * SECOND);
        const indexes = units.map((u) => order.indexOf(u));
        expect(indexes.every((i) => i >= 0)).toBe(true);
        expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
        // the first unit shown is the largest non-zero one
        const total = Math.round(ms / SECOND);
        const largest = total >= 86400 ? 'd' : total >= 3600 ? 'h' : total >= 60 ? 'min' : 's';
        expect(units[0]).toBe(largest);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatPlanDuration', () => {
  it.each([
    [5 * MINUTE, '5m'],
    [20 * MINUTE, '20m'],
    [90 * SECOND, '90s'],
    [90 * MINUTE, '90m'],
    [2 * HOUR, '2h'],
    [36 * HOUR, '36h'],
    [2 * DAY, '2d'],
    [30 * SECOND, '30s'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatPlanDuration(ms)).toBe(text);
  });

  it('gives back the same duration when parsed again, for whole seconds up to 999,999 s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), (seconds) => {
        const ms = seconds * SECOND;
        expect(value(formatPlanDuration(ms))).toBe(ms);
      }),
      { numRuns: 1000 },
    );
  });

  // Plans stored before parts of a second were refused keep their length when written back, never "0s" or "2s".
  it('writes a length that is not whole seconds exactly', () => {
    expect(formatPlanDuration(1500)).toBe('1.5s');
    expect(formatPlanDuration(1)).toBe('0.001s');
  });

  // A valid plan part of 12 d 3 s (parseDuration('17280.05m')) is written "1036803s": 7 digits must parse back.
  it('writes long durations that are not whole minutes in a form parseDuration accepts', () => {
    const ms = value('17280.05m');
    expect(ms).toBe(12 * DAY + 3 * SECOND);
    expect(parseDuration(formatPlanDuration(ms))).toEqual({ ok: true, value: ms });
  });
});
