import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../../src/domain/duration.ts';
import { buildDigest, isDaytime, type Member, membersContributed, nextReminderAt, planReminders, reminderTime, wasMemberDuring, zoneOf } from '../../../src/domain/reminders.ts';
import { schedulePhases } from '../../../src/domain/timeline.ts';

const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

/** A two-day phase: Monday 09:00 UTC to Wednesday 09:00 UTC (6 and 8 January 2030, winter time in Europe). */
const START = utc(2030, 1, 7, 9);
const END = utc(2030, 1, 9, 9);
/** 20% of 48 h left: Tuesday 23:24 UTC. */
const IDEAL = END - 0.2 * 48 * HOUR;

describe('reminderTime: a fifth of the phase left, in the member’s daytime', () => {
  it('keeps the ideal time when it is daytime for the member', () => {
    // 18:24 in New York.
    expect(reminderTime(START, END, 'America/New_York')).toBe(IDEAL);
  });

  it('moves a night-time reminder earlier, to the last quarter hour before 20:00 on the member’s clock', () => {
    // 00:24 in Berlin (UTC+1): 19:45 the evening before, 18:45 UTC.
    expect(reminderTime(START, END, 'Europe/Berlin')).toBe(utc(2030, 1, 8, 18, 45));
    // 04:54 in Kolkata (UTC+5:30): 19:45 the evening before, 14:15 UTC.
    expect(reminderTime(START, END, 'Asia/Kolkata')).toBe(utc(2030, 1, 8, 14, 15));
    // 23:24 in UTC itself.
    expect(reminderTime(START, END, 'UTC')).toBe(utc(2030, 1, 8, 19, 45));
  });

  it('goes later, to the first morning slot, only when the phase has no daytime before the ideal time', () => {
    // 02:00 to 10:00 in London: the ideal 08:24 is night, and so is everything before it in the phase.
    const start = utc(2030, 1, 8, 2);
    const end = utc(2030, 1, 8, 10);
    expect(reminderTime(start, end, 'Europe/London')).toBe(utc(2030, 1, 8, 9));
  });

  it('gives none when the phase has no daytime at all before its deadline', () => {
    expect(reminderTime(utc(2030, 1, 8, 21), utc(2030, 1, 9, 5), 'UTC')).toBeUndefined();
    expect(reminderTime(END, END, 'UTC')).toBeUndefined();
  });

  it('reads the member’s clock across the spring daylight-saving change (Berlin, 31 March 2030)', () => {
    // Saturday 06:00 UTC to Monday 06:00 UTC; the ideal time is Sunday 20:24 UTC, 22:24 in Berlin's summer time.
    const start = utc(2030, 3, 30, 6);
    const end = utc(2030, 4, 1, 6);
    // 19:45 summer time (UTC+2) is 17:45 UTC; with the winter offset it would wrongly be 18:45 UTC.
    expect(reminderTime(start, end, 'Europe/Berlin')).toBe(utc(2030, 3, 31, 17, 45));
  });

  it('and across the autumn change (New York, 3 November 2030)', () => {
    // Ideal Sunday 3 November 02:00 UTC: 21:00 on Saturday in New York, still summer time (UTC-4).
    const start = utc(2030, 11, 1, 2);
    const end = start + 60 * HOUR;
    expect(reminderTime(start, end, 'America/New_York')).toBe(utc(2030, 11, 2, 23, 45));
    // A day later the ideal time falls after the change (UTC-5): 19:45 local is 00:45 UTC.
    const later = start + 24 * HOUR;
    expect(reminderTime(later, later + 60 * HOUR, 'America/New_York')).toBe(utc(2030, 11, 4, 0, 45));
  });
});

describe('nextReminderAt', () => {
  it('is the planned time while it is ahead', () => {
    expect(nextReminderAt(START, END, 'America/New_York', START)).toBe(IDEAL);
  });

  it('is now when the planned time has passed (the app was down) and it is daytime for the member', () => {
    const now = utc(2030, 1, 8, 23, 50); // 18:50 in New York
    expect(nextReminderAt(START, END, 'America/New_York', now)).toBe(now);
  });

  it('waits for the member’s morning when the planned time passed during their night, and gives up at the deadline', () => {
    const now = utc(2030, 1, 8, 23, 50); // 00:50 in Berlin
    expect(nextReminderAt(START, END, 'Europe/Berlin', now)).toBe(utc(2030, 1, 9, 8)); // 09:00 in Berlin, before the 09:00 UTC deadline
    // 08:50 in Tokyo: ten minutes to its morning.
    expect(nextReminderAt(START, END, 'Asia/Tokyo', now)).toBe(utc(2030, 1, 9, 0));
  });

  it('is undefined once the deadline has passed', () => {
    expect(nextReminderAt(START, END, 'UTC', END)).toBeUndefined();
  });
});

describe('planReminders', () => {
  const member = (userId: string, tz: string | null, overrides: Partial<Member> = {}): Member => ({ userId, tz, joinedAt: START, leftAt: null, mutedAt: null, ...overrides });
  const members = [
    member('UNY', 'America/New_York'),
    member('UBER', 'Europe/Berlin'),
    member('UDONE', 'America/New_York'),
    member('UMUTED', 'America/New_York', { mutedAt: START + HOUR }),
    member('ULEFT', 'America/New_York', { leftAt: START + HOUR }),
    member('ULATE', 'America/New_York', { joinedAt: IDEAL + MINUTE }),
    member('UTOLD', 'America/New_York'),
    member('UNOZONE', null),
  ];
  const contributed = new Set(['UDONE']);
  const reminded = new Set(['UTOLD']);

  it('names only members who have not contributed, were not reminded, did not mute or leave, and joined in time', () => {
    const beforeAny = planReminders({ start: START, end: END }, members, contributed, reminded, START);
    expect(beforeAny.due).toEqual([]);
    // Berlin's (and UTC's, for a member without a zone) evening comes first.
    expect(beforeAny.nextAt).toBe(utc(2030, 1, 8, 18, 45));
    const evening = planReminders({ start: START, end: END }, members, contributed, reminded, utc(2030, 1, 8, 18, 45));
    expect(evening).toEqual({ due: ['UBER'], nextAt: utc(2030, 1, 8, 19, 45) });
    const late = planReminders({ start: START, end: END }, members, contributed, new Set([...reminded, 'UBER', 'UNOZONE']), IDEAL);
    expect(late).toEqual({ due: ['UNY'], nextAt: undefined });
  });
});

describe('buildDigest', () => {
  it('splits active members into contributed and not, and names contributors who never joined', () => {
    const m = (userId: string, leftAt: number | null = null): Member => ({ userId, tz: 'UTC', joinedAt: 0, leftAt, mutedAt: null });
    expect(buildDigest([m('UA'), m('UB'), m('UC', 5)], ['UX', 'UB', 'UC'])).toEqual({ contributed: ['UB'], missing: ['UA'], others: ['UX', 'UC'] });
  });
});

describe('membersContributed: the summary’s record of a study group', () => {
  // Four 2-hour phases from 09:00: 09–11, 11–13, 13–15, 15–17.
  const phases = schedulePhases([2 * HOUR, 2 * HOUR, 2 * HOUR, 2 * HOUR], utc(2030, 1, 7, 9));
  const endsAt = utc(2030, 1, 7, 17);
  const m = (userId: string, joinedAt: number, leftAt: number | null = null): Member => ({ userId, tz: 'UTC', joinedAt, leftAt, mutedAt: null });

  it('counts, per phase, the people who were members during it, so who left later keeps what they added', () => {
    const members = [
      m('UBOB', utc(2030, 1, 7, 9), utc(2030, 1, 7, 11, 30)), // left during phase 2
      m('UCAROL', utc(2030, 1, 7, 9)),
      m('UDAVE', utc(2030, 1, 7, 9, 5)),
      m('UALICE', utc(2030, 1, 7, 13, 30)), // joined during phase 3
    ];
    const contributions = [
      { phaseIndex: 0, userId: 'UBOB' },
      { phaseIndex: 2, userId: 'UCAROL' },
      { phaseIndex: 2, userId: 'UALICE' },
      // Someone who never joined is no member: the digest names them apart.
      { phaseIndex: 0, userId: 'UERIN' },
    ];
    expect(membersContributed(members, contributions, phases, endsAt)).toEqual({ members: 4, perPhase: [1, 0, 2, 0], membersPerPhase: [3, 3, 3, 3] });
  });

  it('leaves out a membership that lasted no time, and someone who joined only after a phase ended', () => {
    const members = [m('UDAVE', utc(2030, 1, 7, 9), utc(2030, 1, 7, 9)), m('UALICE', utc(2030, 1, 7, 11))];
    expect(membersContributed(members, [{ phaseIndex: 0, userId: 'UALICE' }], phases, endsAt)).toEqual({ members: 1, perPhase: [0, 0, 0, 0], membersPerPhase: [0, 1, 1, 1] });
    expect(membersContributed([], [], phases, endsAt)).toEqual({ members: 0, perPhase: [0, 0, 0, 0], membersPerPhase: [0, 0, 0, 0] });
  });

  it('reads a phase as running from its start until the next one starts', () => {
    const window = { start: utc(2030, 1, 7, 11), end: utc(2030, 1, 7, 13) };
    expect(wasMemberDuring(m('U1', utc(2030, 1, 7, 12, 59)), window)).toBe(true);
    expect(wasMemberDuring(m('U1', utc(2030, 1, 7, 13)), window)).toBe(false);
    expect(wasMemberDuring(m('U1', utc(2030, 1, 7, 9), utc(2030, 1, 7, 11)), window)).toBe(false);
    expect(wasMemberDuring(m('U1', utc(2030, 1, 7, 9), utc(2030, 1, 7, 11, 1)), window)).toBe(true);
  });
});

describe('zones', () => {
  it('falls back to UTC for a missing or unknown zone, and reads daytime on the member’s clock', () => {
    expect(zoneOf(null)).toBe('UTC');
    expect(zoneOf('Mars/Olympus_Mons')).toBe('UTC');
    expect(zoneOf('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(isDaytime(utc(2030, 1, 8, 3, 30), 'Asia/Kolkata')).toBe(true); // 09:00
    expect(isDaytime(utc(2030, 1, 8, 3, 29), 'Asia/Kolkata')).toBe(false); // 08:59
    expect(isDaytime(utc(2030, 1, 8, 14, 29), 'Asia/Kolkata')).toBe(true); // 19:59
    expect(isDaytime(utc(2030, 1, 8, 14, 30), 'Asia/Kolkata')).toBe(false); // 20:00
  });
});
