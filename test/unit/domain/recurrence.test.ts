import { describe, expect, it } from 'vitest';
import { describeCron, firstClash, isTimeZone, nextOccurrence, parseCron, parseRecurrence, readTimeZone } from '../../../src/domain/recurrence.ts';

const cron = (text: string) => {
  const parsed = parseRecurrence(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('parseRecurrence', () => {
  it.each([
    ['every tue 18:00', '0 18 * * 2'],
    ['every tuesday at 6pm', '0 18 * * 2'],
    ['every mon,thu 12:30', '30 12 * * 1,4'],
    ['every mon and thu 9:05', '5 9 * * 1,4'],
    ['every weekday 9:30', '30 9 * * 1-5'],
    ['every day 07:00', '0 7 * * *'],
    ['weekends 10am', '0 10 * * 0,6'],
    ['0 18 * * tue', '0 18 * * tue'],
    ['*/30 9-17 * * 1-5', '*/30 9-17 * * 1-5'],
  ])('%s → %s', (text, expression) => {
    expect(cron(text).expression).toBe(expression);
  });

  it.each(['every blursday 18:00', 'every tue 25:00', 'every tue 13pm', 'tomorrow', '0 18 * *', '61 * * * *', '0 18 32 * *', '0 18 * * 8'])('refuses %j with a message', (text) => {
    const parsed = parseRecurrence(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(10);
  });

  it('reads 7 as Sunday and ranges with steps', () => {
    const parsed = parseCron('0 8 * * 7');
    expect(parsed.ok && [...parsed.value.dayOfWeek]).toEqual([0]);
    const stepped = parseCron('0 0-12/6 * * *');
    expect(stepped.ok && [...stepped.value.hour]).toEqual([0, 6, 12]);
  });

  it('reads 7 as Sunday at the end of a weekday range and in a list', () => {
    const days = (text: string) => {
      const parsed = parseCron(text);
      return parsed.ok ? [...parsed.value.dayOfWeek].sort() : parsed.error;
    };
    expect(days('0 18 * * 5-7')).toEqual([0, 5, 6]);
    expect(days('0 18 * * 1-7')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(days('0 18 * * 0-7')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(days('0 18 * * 1,7')).toEqual([0, 1]);
    expect(days('0 18 * * 6-7,3')).toEqual([0, 3, 6]);
    // `*` and an open step still run through Saturday only: no day twice, none added.
    expect(days('0 18 * * */2')).toEqual([0, 2, 4, 6]);
    expect(days('0 18 * * 1/2')).toEqual([1, 3, 5]);
    expect(parseRecurrence('0 18 * * 5-8').ok).toBe(false);
  });

  it('says in words what it means', () => {
    expect(describeCron(cron('every tue 18:00'))).toBe('every Tuesday at 18:00');
    expect(describeCron(cron('every weekday 9:30'))).toBe('every weekday at 09:30');
    expect(describeCron(cron('*/30 9-17 * * 1-5'))).toBe('cron `*/30 9-17 * * 1-5`');
  });
});

describe('nextOccurrence', () => {
  it('keeps the wall-clock time across a daylight-saving change', () => {
    const tuesday = cron('every tue 18:00');
    // Berlin: 18:00 CET is 17:00 UTC in March; after the change on 31 March 2030, 18:00 CEST is 16:00 UTC.
    expect(iso(nextOccurrence(tuesday, 'Europe/Berlin', utc('2030-03-20T12:00:00Z')))).toBe('2030-03-26T17:00:00.000Z');
    expect(iso(nextOccurrence(tuesday, 'Europe/Berlin', utc('2030-03-26T17:00:00Z')))).toBe('2030-04-02T16:00:00.000Z');
    // New York changes on 10 March: Tuesday 5 March at 18:00 EST has passed, the next is 18:00 EDT on the 12th.
    expect(iso(nextOccurrence(tuesday, 'America/New_York', utc('2030-03-06T00:00:00Z')))).toBe('2030-03-12T22:00:00.000Z');
  });

  it('skips a time that does not exist on the spring change and runs a repeated one once in the autumn', () => {
    const early = cron('every sun 02:30');
    // 31 March 2030, Berlin: 02:00 → 03:00, so 02:30 does not happen; the next is a week later.
    expect(iso(nextOccurrence(early, 'Europe/Berlin', utc('2030-03-30T12:00:00Z')))).toBe('2030-04-07T00:30:00.000Z');
    // 27 October 2030: 03:00 → 02:00, so 02:30 happens twice (00:30 and 01:30 UTC): it runs at the first only.
    const first = nextOccurrence(early, 'Europe/Berlin', utc('2030-10-26T12:00:00Z'));
    expect(iso(first)).toBe('2030-10-27T00:30:00.000Z');
    const second = nextOccurrence(early, 'Europe/Berlin', first ?? 0);
    expect(iso(second)).toBe('2030-11-03T01:30:00.000Z');
  });

  /** The next `count` occurrences from `from`, each found from the one before, as the schedules are fired. */
  const occurrences = (text: string, tz: string, from: string, count: number): (string | undefined)[] => {
    const found: (string | undefined)[] = [];
    let after = utc(from);
    for (let i = 0; i < count; i++) {
      const next = nextOccurrence(cron(text), tz, after);
      found.push(iso(next));
      if (next === undefined) break;
      after = next;
    }
    return found;
  };

  it('runs a time the autumn change repeats once, at its first occurrence, however far the clocks go back', () => {
    // Antarctica/Troll goes back two hours, 03:00 +02 → 01:00 +00, at 01:00 UTC on 27 October 2030: 01:30 and 02:30
    // both happen twice. Each runs once that day, the first time; the next day they are back at 01:30 and 02:30 UTC.
    expect(occurrences('30 1,2 * * *', 'Antarctica/Troll', '2030-10-26T12:00:00Z', 4)).toEqual([
      '2030-10-26T23:30:00.000Z',
      '2030-10-27T00:30:00.000Z',
      '2030-10-28T01:30:00.000Z',
      '2030-10-28T02:30:00.000Z',
    ]);
    // Australia/Lord_Howe goes back half an hour, 02:00 +11 → 01:30 +10:30, at 15:00 UTC on 6 April 2030.
    expect(occurrences('30,45 1 * * *', 'Australia/Lord_Howe', '2030-04-06T00:00:00Z', 4)).toEqual([
      '2030-04-06T14:30:00.000Z',
      '2030-04-06T14:45:00.000Z',
      '2030-04-07T15:00:00.000Z',
      '2030-04-07T15:15:00.000Z',
    ]);
    // An hour, in London: both times in the repeated hour run once, not only the last one run.
    expect(occurrences('0,30 1 * * *', 'Europe/London', '2030-10-26T12:00:00Z', 4)).toEqual([
      '2030-10-27T00:00:00.000Z',
      '2030-10-27T00:30:00.000Z',
      '2030-10-28T01:00:00.000Z',
      '2030-10-28T01:30:00.000Z',
    ]);
    // Pacific/Chatham goes back an hour at 03:45 +13:45 → 02:45 +12:45, at 14:00 UTC on 6 April 2030.
    expect(occurrences('50 2 * * *', 'Pacific/Chatham', '2030-04-06T00:00:00Z', 2)).toEqual(['2030-04-06T13:05:00.000Z', '2030-04-07T14:05:00.000Z']);
  });

  it('does not run a repeated time at its second occurrence when its first came before the start', () => {
    // Troll, 01:10 +00 on the change day: 01:30 and 02:30 already happened at +02, so the next are the day after's.
    expect(iso(nextOccurrence(cron('30 1,2 * * *'), 'Antarctica/Troll', utc('2030-10-27T01:10:00Z')))).toBe('2030-10-28T01:30:00.000Z');
  });

  it('skips the times the spring change jumps over, however far', () => {
    // Troll jumps two hours, 01:00 +00 → 03:00 +02, at 01:00 UTC on 31 March 2030: neither 01:30 nor 02:30 happens.
    expect(occurrences('30 1,2 * * *', 'Antarctica/Troll', '2030-03-30T12:00:00Z', 2)).toEqual(['2030-03-31T23:30:00.000Z', '2030-04-01T00:30:00.000Z']);
    // Lord Howe jumps half an hour, 02:00 +10:30 → 02:30 +11, at 15:30 UTC on 5 October 2030: 02:00 and 02:15 do
    // not happen that day, 02:30 and 02:45 do.
    expect(occurrences('0,15,30,45 2 * * *', 'Australia/Lord_Howe', '2030-10-05T00:00:00Z', 3)).toEqual([
      '2030-10-05T15:30:00.000Z',
      '2030-10-05T15:45:00.000Z',
      '2030-10-06T15:00:00.000Z',
    ]);
  });

  it('runs a time that exists after clocks that go forward in the middle of an hour', () => {
    // Pacific/Chatham goes forward from 02:45 +12:45 to 03:45 +13:45 at 14:00 UTC on 28 September 2030: 03:50
    // happens that day, 15 minutes past what 03:00 would have been before the change.
    expect(occurrences('50 3 * * *', 'Pacific/Chatham', '2030-09-28T00:00:00Z', 2)).toEqual(['2030-09-28T14:05:00.000Z', '2030-09-29T14:05:00.000Z']);
  });

  it('is strictly after its start, and undefined for a date that never comes within the horizon', () => {
    const daily = cron('every day 09:00');
    expect(iso(nextOccurrence(daily, 'UTC', utc('2030-01-01T09:00:00Z')))).toBe('2030-01-02T09:00:00.000Z');
    const never = parseCron('0 9 30 2 *');
    expect(never.ok && nextOccurrence(never.value, 'UTC', utc('2030-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('handles half-hour zones', () => {
    expect(iso(nextOccurrence(cron('every day 18:00'), 'Asia/Kolkata', utc('2030-01-01T00:00:00Z')))).toBe('2030-01-01T12:30:00.000Z');
  });

  it('knows real time zones only', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('describeCron: several days', () => {
  it('joins the last two days with "and"', () => {
    expect(describeCron(cron('every mon,thu 18:00'))).toBe('every Monday and Thursday at 18:00');
    expect(describeCron(cron('every mon,tue,fri 9:00'))).toBe('every Monday, Tuesday and Friday at 09:00');
  });
});

describe('readTimeZone', () => {
  it('refuses an abbreviation, fixed-offset or unknown, suggesting the zone named after the place', () => {
    for (const [typed, suggested] of [
      ['est', '`America/New_York`'],
      ['EDT', '`America/New_York`'],
      ['MST', '`America/Phoenix` in Arizona'],
      ['hst', '`Pacific/Honolulu`'],
      ['BST', '`Europe/London`'],
    ] as const) {
      const read = readTimeZone(typed);
      expect(read.ok).toBe(false);
      if (!read.ok) {
        expect(read.error).toContain(`\`${typed}\` is an abbreviation`);
        expect(read.error).toContain(suggested);
      }
    }
  });

  it('takes the legacy names that follow daylight saving, and spells every zone as the zone is spelt', () => {
    expect(readTimeZone('EST5EDT')).toEqual({ ok: true, value: 'EST5EDT' });
    expect(readTimeZone('utc')).toEqual({ ok: true, value: 'UTC' });
    expect(readTimeZone('europe/berlin')).toEqual({ ok: true, value: 'Europe/Berlin' });
    expect(readTimeZone('AMERICA/NEW_YORK')).toEqual({ ok: true, value: 'America/New_York' });
    expect(readTimeZone('Asia/Kolkata')).toEqual({ ok: true, value: 'Asia/Kolkata' });
    const unknown = readTimeZone('Mars/Olympus');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error).toContain('not a time zone I know');
  });
});

describe('firstClash', () => {
  const HOUR = 3600_000;
  const at = (text: string, tz: string, lengthMs: number) => ({ cron: cron(text), tz, lengthMs });
  // Monday 7 January 2030, 09:00 UTC.
  const now = utc('2030-01-07T09:00:00Z');

  it('finds an identical schedule, and one whose sessions overlap, when they first meet', () => {
    const other = at('every tue 18:00', 'UTC', HOUR);
    expect(iso(firstClash(at('every tue 18:00', 'UTC', HOUR), [other], now)?.at)).toBe('2030-01-08T18:00:00.000Z');
    // Theirs begins half an hour into the candidate's: that is when the two meet.
    expect(iso(firstClash(at('every tue 17:30', 'UTC', HOUR), [other], now)?.at)).toBe('2030-01-08T18:00:00.000Z');
    expect(iso(firstClash(at('every tue 18:30', 'UTC', HOUR), [other], now)?.at)).toBe('2030-01-08T18:30:00.000Z');
    expect(firstClash(at('every tue 18:00', 'UTC', HOUR), [other], now)?.other).toBe(other);
  });

  it('lets sessions follow each other end to start, and ones on other days', () => {
    const other = at('every tue 18:00', 'UTC', HOUR);
    expect(firstClash(at('every tue 19:00', 'UTC', HOUR), [other], now)).toBeUndefined();
    expect(firstClash(at('every tue 17:00', 'UTC', HOUR), [other], now)).toBeUndefined();
    expect(firstClash(at('every wed 18:00', 'UTC', HOUR), [other], now)).toBeUndefined();
  });

  it('compares instants across zones, and over weeks: a weekly pattern meets a daily one days later', () => {
    // 13:00 in New York is 18:00 in London in January.
    expect(iso(firstClash(at('every day 13:00', 'America/New_York', HOUR), [at('every day 18:00', 'Europe/London', HOUR)], now)?.at)).toBe(
      '2030-01-07T18:00:00.000Z',
    );
    expect(iso(firstClash(at('every sun 9:00', 'UTC', HOUR), [at('every weekend 9:30', 'UTC', HOUR)], now)?.at)).toBe('2030-01-13T09:30:00.000Z');
    // A week-long study group from Saturday meets a weekday session first on Monday, not on its own Saturday.
    expect(iso(firstClash(at('every sat 14:00', 'UTC', 6 * 24 * HOUR), [at('every weekday 14:00', 'UTC', HOUR)], now)?.at)).toBe('2030-01-14T14:00:00.000Z');
  });

  it('leaves out an occurrence of theirs from before it ran: made after it, the schedule never started it', () => {
    // Theirs is at 08:30 every day; made at 08:50 today, its first session is tomorrow's.
    const other = { ...at('every day 8:30', 'UTC', HOUR), runsFrom: utc('2030-01-08T08:30:00Z') };
    expect(iso(firstClash(at('every mon 9:10', 'UTC', HOUR), [other], now)?.at)).toBe('2030-01-14T09:10:00.000Z');
    // Had it run today (its last session at 08:30), today's would still be under way at 09:10.
    expect(iso(firstClash(at('every mon 9:10', 'UTC', HOUR), [{ ...other, runsFrom: utc('2030-01-07T08:30:00Z') }], now)?.at)).toBe('2030-01-07T09:10:00.000Z');
  });

  it('finds a long session, a study group still running from before now, and the earliest clash among several', () => {
    const week = at('every sun 12:00', 'UTC', 5 * 24 * HOUR); // Sunday noon to Friday noon
    expect(iso(firstClash(at('every day 10:00', 'UTC', HOUR), [week], now)?.at)).toBe('2030-01-07T10:00:00.000Z');
    const later = at('every fri 10:00', 'UTC', HOUR);
    const sooner = at('every wed 10:00', 'UTC', HOUR);
    expect(firstClash(at('every weekday 10:00', 'UTC', HOUR), [later, sooner], utc('2030-01-12T00:00:00Z'))?.other).toBe(sooner);
  });
});
