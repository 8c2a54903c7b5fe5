import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SECOND } from '../../../src/domain/duration.ts';
import { DEFAULT_PLAN, formatPlan, MAX_PLAN_MS, parsePlan, PLAN_EXAMPLE } from '../../../src/domain/plan.ts';

function planError(text: string): string {
  const parsed = parsePlan(text);
  if (parsed.ok) throw new Error(`expected ${text} to be refused, got ${JSON.stringify(parsed.value)}`);
  return parsed.error;
}

describe('parsePlan', () => {
  it('has a default of 5/20/15/5 minutes', () => {
    expect(DEFAULT_PLAN).toEqual([5 * MINUTE, 20 * MINUTE, 15 * MINUTE, 5 * MINUTE]);
    expect(parsePlan('5/20/15/5')).toEqual({ ok: true, value: DEFAULT_PLAN });
  });

  it('reads a study-group plan in days', () => {
    expect(parsePlan('1d/3d/2d/1d')).toEqual({ ok: true, value: [DAY, 3 * DAY, 2 * DAY, DAY] });
  });

  it('mixes units per phase', () => {
    expect(parsePlan('90s/1.5h/15m/2')).toEqual({ ok: true, value: [90 * SECOND, 90 * MINUTE, 15 * MINUTE, 2 * MINUTE] });
  });

  it.each([
    ['5/20/15', 3],
    ['5/20/15/5/5', 5],
    ['45', 1],
    ['', 1],
    ['5//20/15/5', 5],
  ])('refuses %j for its number of phases (%d)', (text, count) => {
    const message = planError(text);
    expect(message).toContain('A plan has 4 phases');
    expect(message).toContain(`\`${text}\` has ${count}.`);
  });

  // "has 1" would not say what to change: the durations are there, only the separator is not.
  it('says to separate the phases with / when they were separated by spaces or commas', () => {
    const advice = (example: string) => `Separate the 4 phases with \`/\`, e.g. \`--plan ${example}\`.`;
    expect(planError('30s 30s 30s')).toBe(advice('30s/30s/30s/30s'));
    expect(planError('30s 30s 30s 30s')).toBe(advice('30s/30s/30s/30s'));
    expect(planError('5 20 15 5')).toBe(advice('5m/20m/15m/5m'));
    expect(planError('5, 20, 15, 5')).toBe(advice('5m/20m/15m/5m'));
    expect(planError('5m,20m,15m,5m')).toBe(advice('5m/20m/15m/5m'));
    expect(planError('5 min 20 min 15 min 5 min')).toBe(advice('5m/20m/15m/5m'));
    expect(planError('5/20 15/5')).toBe(advice('5m/20m/15m/5m'));
    expect(planError('1m 2m 3m 4m 5m')).toBe(advice('1m/2m/3m/4m'));
    // Their durations would still be no plan (too long, zero): a working one is given instead.
    expect(planError('10d 10d 10d 10d')).toBe(advice('5/20/15/5'));
    expect(planError('0 0 0 0')).toBe(advice('5/20/15/5'));
    // A genuinely wrong count, or words that are not durations, keep the count.
    expect(planError('1m/1m/1m')).toContain('A plan has 4 phases separated by `/`; `1m/1m/1m` has 3.');
    expect(planError('5 min')).toContain('`5 min` has 1.');
    expect(planError('five minutes each')).toContain('has 1.');
  });

  it('takes a unit written out in each phase', () => {
    expect(parsePlan('5 min/20 mins/1 hour/90 seconds')).toEqual({ ok: true, value: [5 * MINUTE, 20 * MINUTE, HOUR, 90 * SECOND] });
    expect(parsePlan('1 day/3 days/2d/1 DAY')).toEqual({ ok: true, value: [DAY, 3 * DAY, 2 * DAY, DAY] });
  });

  it('refuses a unit it does not know, naming the bad part', () => {
    expect(planError('5x/20/15/5')).toContain('`5x` is not a duration');
    expect(planError('5/abc/15/5')).toContain('`abc` is not a duration');
  });

  it('refuses text that is not a plan at all', () => {
    expect(planError('5x/abc')).toContain('A plan has 4 phases');
  });

  // "Use a number with s, m, h or d" would not help: `0m` is one.
  it('refuses a zero-length phase without advice that does not apply', () => {
    expect(planError('5/0/15/5')).toBe(`\`0\` is not longer than zero. Try ${PLAN_EXAMPLE}.`);
    expect(planError('0m/1m/1m/1m')).toBe(`\`0m\` is not longer than zero. Try ${PLAN_EXAMPLE}.`);
  });

  it('refuses a unit it does not know with advice on writing one', () => {
    expect(planError('5x/20/15/5')).toBe(`\`5x\` is not a duration: use a number with s, m, h or d. Try ${PLAN_EXAMPLE}.`);
  });

  // An empty part would be quoted as an empty code span, which Slack shows as two stray backticks.
  it('names the phase that is empty', () => {
    expect(planError('1m//1m/1m')).toBe(`Phase 2 of the plan is empty: give it a length. Try ${PLAN_EXAMPLE}.`);
    expect(planError(' /1m/1m/1m')).toContain('Phase 1 of the plan is empty');
    expect(planError('1m/1m/1m/')).toContain('Phase 4 of the plan is empty');
  });

  it('refuses a phase shorter than a second: it would be over before its message could be posted', () => {
    expect(planError('0.001s/0.001s/0.001s/0.001s')).toContain('`0.001s` is shorter than a second');
    expect(planError('5/20/0.5s/5')).toContain('`0.5s`');
    expect(parsePlan('1s/1s/1s/1s')).toEqual({ ok: true, value: [SECOND, SECOND, SECOND, SECOND] });
  });

  // 1.5 s would be shown as "2 s", and the plan's total as 5 s instead of 4.5 s.
  it('refuses a part of a second', () => {
    expect(planError('1.5s/1s/1s/1s')).toBe(`\`1.5s\` is not a whole number of seconds. Try ${PLAN_EXAMPLE}.`);
    expect(parsePlan('1.5m/1s/1s/1s')).toEqual({ ok: true, value: [90 * SECOND, SECOND, SECOND, SECOND] });
  });

  it('refuses a negative phase as not a duration', () => {
    expect(planError('-5/20/15/5')).toContain('`-5` is not a duration');
  });

  it('accepts exactly 30 days in all and refuses anything longer', () => {
    expect(parsePlan('27d/1d/1d/1d')).toEqual({ ok: true, value: [27 * DAY, DAY, DAY, DAY] });
    expect(parsePlan('7.5d/7.5d/7.5d/7.5d')).toEqual({ ok: true, value: [7.5 * DAY, 7.5 * DAY, 7.5 * DAY, 7.5 * DAY] });
    expect(parsePlan('720h/1s/1s/1s').ok).toBe(false);
    expect(planError('27d/1d/1d/1.01d')).toContain('at most 30 days in all');
    expect(planError('10d/10d/10d/1m')).toContain('`10d/10d/10d/1m` is longer');
  });

  it('puts a correct, working example in every error message', () => {
    const bad = ['5/20/15', '5x/20/15/5', '5/abc/15/5', '5x/abc', '5/0/15/5', '-5/20/15/5', '10d/10d/10d/1d', '', '////', '1s/1s/0.1s/1s', '1m//1m/1m', '1.5s/1s/1s/1s'];
    for (const text of bad) {
      const message = planError(text);
      expect(message).toContain('`--plan 5/20/15/5`');
      expect(message).toContain(PLAN_EXAMPLE);
    }
    // the examples the messages give are themselves valid plans
    for (const example of PLAN_EXAMPLE.matchAll(/`--plan ([^`]+)`/g)) {
      expect(parsePlan(example[1] ?? '').ok).toBe(true);
    }
  });

  it('always returns four positive durations totalling at most 30 days, or an error with a working example', () => {
    const part = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.tuple(fc.integer({ min: -5, max: 999_999 }), fc.constantFrom('', 's', 'm', 'h', 'd', 'x', ' min', ' hours', ' s')).map(([n, u]) => `${n}${u}`),
      // Phases separated by spaces or commas instead of `/`.
      fc.array(fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.constantFrom('', 's', 'm', 'h', 'd', ' min')), { minLength: 2, maxLength: 5 }).map((ds) => ds.map(([n, u]) => `${n}${u}`).join(' ')),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const parsed = parsePlan(parts.join('/'));
        if (parsed.ok) {
          expect(parsed.value).toHaveLength(4);
          for (const ms of parsed.value) expect(ms).toBeGreaterThanOrEqual(SECOND);
          expect(parsed.value.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_PLAN_MS);
        } else {
          const examples = [...parsed.error.matchAll(/`--plan ([^`]+)`/g)].map((m) => m[1] ?? '');
          expect(examples.length).toBeGreaterThan(0);
          for (const example of examples) expect(parsePlan(example).ok).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatPlan', () => {
  it('writes a plan back in the notation it was typed in', () => {
    expect(formatPlan(DEFAULT_PLAN)).toBe('5m/20m/15m/5m');
    expect(formatPlan([DAY, 3 * DAY, 2 * DAY, DAY])).toBe('1d/3d/2d/1d');
    expect(formatPlan([90 * SECOND, 2 * HOUR, 90 * MINUTE, 36 * HOUR])).toBe('90s/2h/90m/36h');
  });

  it('round-trips through parsePlan for whole-minute plans', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 4, maxLength: 4 }), (mins) => {
        const plan = mins.map((m) => m * MINUTE);
        expect(parsePlan(formatPlan(plan))).toEqual({ ok: true, value: plan });
      }),
    );
  });
});
