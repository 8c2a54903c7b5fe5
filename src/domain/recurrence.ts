/**
 * Recurring sessions: "every tue 18:00" or a cron expression, in a time zone, and the next time it falls due.
 * Pure: every function takes the instant it starts from. Times are wall-clock times in the schedule's zone, so a
 * daylight-saving change moves the instant, not the hour people meet at; a wall-clock time that does not exist
 * that day (skipped when the clocks go forward) is not run, and one that happens twice (when they go back) runs
 * once, at its first occurrence, whether the clocks move by an hour, two (Antarctica/Troll) or half of one
 * (Australia/Lord_Howe).
 */
import { DAY, MINUTE } from './duration.ts';
import { err, ok, type Result } from './result.ts';
import { clip } from './text.ts';

export interface Cron {
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly dayOfMonth: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  /** 0 = Sunday. */
  readonly dayOfWeek: ReadonlySet<number>;
  /** Standard cron: when both day fields are restricted, either may match. */
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
  /** The five fields as a normalised expression. */
  readonly expression: string;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `openMax`: where `*` and an open `n/step` end, when `max` itself is only an alias (weekday 7 is Sunday). */
function parseField(text: string, min: number, max: number, names?: readonly string[], nameBase = 0, openMax = max): Set<number> | undefined {
  const values = new Set<number>();
  const value = (raw: string): number | undefined => {
    const lower = raw.toLowerCase();
    const named = names?.findIndex((n) => lower === n || lower.startsWith(n)) ?? -1;
    if (names && named >= 0 && /^[a-z]+$/.test(lower)) return named + nameBase;
    if (!/^\d{1,2}$/.test(raw)) return undefined;
    return Number(raw);
  };
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || (stepText !== undefined && !/^\d{1,2}$/.test(stepText))) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*') {
      from = min;
      to = openMax;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : openMax;
    }
    if (from === undefined || to === undefined || from < min || to > max || from > to) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values.size > 0 ? values : undefined;
}

/** A standard five-field cron expression (minute hour day-of-month month day-of-week), names allowed. */
export function parseCron(text: string): Result<Cron> {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) return err(`\`${clip(text)}\` is not a cron expression: it needs five fields, minute hour day month weekday, e.g. \`0 18 * * tue\`.`);
  const [m = '', h = '', dom = '', mon = '', dow = ''] = fields;
  const minute = parseField(m, 0, 59);
  const hour = parseField(h, 0, 23);
  const dayOfMonth = parseField(dom, 1, 31);
  const month = parseField(mon, 1, 12, MONTH_NAMES, 1);
  // 7 is Sunday too, as in most crons, also at the end of a range (`5-7`): read as 0-7, then 7 becomes 0.
  const dayOfWeekRaw = parseField(dow, 0, 7, DAY_NAMES, 0, 6);
  if (!minute || !hour || !dayOfMonth || !month || !dayOfWeekRaw) {
    return err(`\`${clip(text)}\` is not a cron expression I can read: minute 0-59, hour 0-23, day 1-31, month 1-12 or jan-dec, weekday 0-7 (0 and 7 are Sunday) or sun-sat.`);
  }
  return ok({
    minute,
    hour,
    dayOfMonth,
    month,
    dayOfWeek: new Set([...dayOfWeekRaw].map((d) => d % 7)),
    domRestricted: dom !== '*',
    dowRestricted: dow !== '*',
    expression: fields.join(' '),
  });
}

const WEEKDAY_WORDS: Record<string, string> = {
  day: '*',
  days: '*',
  weekday: '1-5',
  weekdays: '1-5',
  weekend: '0,6',
  weekends: '0,6',
};

/**
 * "every tue 18:00", "every tuesday at 6pm", "every mon,thu 12:30", "every weekday 9:00", "every day 18:00",
 * or a cron expression: the cron it stands for, or an error that says what is accepted.
 */
export function parseRecurrence(text: string): Result<Cron> {
  const trimmed = text.trim();
  const words = /^(?:every\s+)?([a-z,\s]+?)\s+(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(trimmed);
  if (words) {
    const [, dayText = '', hourText = '', minuteText = '00', meridiem] = words;
    const dayKey = dayText.trim().toLowerCase().replace(/\s*,\s*/g, ',').replace(/\s+and\s+/g, ',');
    let dow = WEEKDAY_WORDS[dayKey];
    if (dow === undefined) {
      const days = dayKey.split(/[,\s]+/).map((d) => DAY_NAMES.findIndex((n) => d.startsWith(n) && d.length >= 3));
      if (days.length === 0 || days.some((d) => d < 0)) {
        return err(`I can't read the days in \`${clip(text)}\`: use names like \`tue\` or \`mon,thu\`, \`weekday\` or \`day\`.`);
      }
      dow = [...new Set(days)].join(',');
    }
    let hour = Number(hourText);
    const minute = Number(minuteText);
    if (meridiem) {
      if (hour < 1 || hour > 12) return err(`\`${clip(text)}\`: ${hourText} is not an hour on a 12-hour clock.`);
      hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
    }
    if (hour > 23 || minute > 59) return err(`\`${clip(text)}\`: ${hourText}:${minuteText} is not a time of day.`);
    return parseCron(`${minute} ${hour} * * ${dow}`);
  }
  if (/^[\d*/,\-a-z\s]+$/i.test(trimmed) && trimmed.split(/\s+/).length === 5) return parseCron(trimmed);
  return err(`I can't read \`${clip(text)}\` as a schedule. Try \`every tue 18:00\`, \`every weekday 9:30\` or a cron expression such as \`0 18 * * 2\`.`);
}

/** Whether the zone is one the runtime knows (IANA names such as Europe/Berlin). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Zone abbreviations people type for a region, and the zone to suggest instead (as shown). An abbreviation either
 * names a fixed offset that ignores daylight saving (EST is UTC-5 all year, so a meeting "at 18:00 EST" moves to
 * 19:00 in a New York summer), or is not a zone at all (EDT), or is one the runtime reads as another place (BST is
 * Bangladesh). EST5EDT and the like do follow daylight saving, and are taken.
 */
const ZONE_ABBREVIATIONS: Record<string, string> = {
  EST: '`America/New_York`',
  EDT: '`America/New_York`',
  ET: '`America/New_York`',
  CST: '`America/Chicago`',
  CDT: '`America/Chicago`',
  CT: '`America/Chicago`',
  MST: '`America/Denver` (`America/Phoenix` in Arizona)',
  MDT: '`America/Denver`',
  MT: '`America/Denver`',
  PST: '`America/Los_Angeles`',
  PDT: '`America/Los_Angeles`',
  PT: '`America/Los_Angeles`',
  AKST: '`America/Anchorage`',
  AKDT: '`America/Anchorage`',
  HST: '`Pacific/Honolulu`',
  BST: '`Europe/London`',
  IST: '`Asia/Kolkata` (`Europe/Dublin` in Ireland)',
  WET: '`Europe/Lisbon`',
  WEST: '`Europe/Lisbon`',
  CET: '`Europe/Berlin`',
  CEST: '`Europe/Berlin`',
  MET: '`Europe/Berlin`',
  EET: '`Europe/Athens`',
  EEST: '`Europe/Athens`',
  MSK: '`Europe/Moscow`',
  JST: '`Asia/Tokyo`',
  KST: '`Asia/Seoul`',
  SGT: '`Asia/Singapore`',
  AEST: '`Australia/Sydney`',
  AEDT: '`Australia/Sydney`',
  ACST: '`Australia/Adelaide`',
  AWST: '`Australia/Perth`',
  NZST: '`Pacific/Auckland`',
  NZDT: '`Pacific/Auckland`',
};

let knownZones: ReadonlyMap<string, string> | undefined;

/** The runtime's zone names by their lower case, as the runtime spells them. */
function zoneSpellings(): ReadonlyMap<string, string> {
  knownZones ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((z) => [z.toLowerCase(), z]));
  return knownZones;
}

/**
 * A zone as typed (`--tz`) or read from a Slack profile, checked: its usual spelling (`utc` is `UTC`,
 * `europe/berlin` is `Europe/Berlin`), or why it cannot be used, with the zone to use instead. An abbreviation is
 * refused even where the runtime knows it (see ZONE_ABBREVIATIONS): a schedule keeps its hour across daylight
 * saving only in a zone named after a place.
 */
export function readTimeZone(tz: string): Result<string> {
  const instead = ZONE_ABBREVIATIONS[tz.toUpperCase()];
  if (instead !== undefined) {
    return err(`\`${clip(tz, 40)}\` is an abbreviation, which can miss daylight saving time or mean another place: use the zone's name, such as ${instead}, and sessions keep their hour all year.`);
  }
  if (!isTimeZone(tz)) return err(`\`${clip(tz, 40)}\` is not a time zone I know: use a name such as \`Europe/Berlin\` or \`America/New_York\`.`);
  const known = zoneSpellings().get(tz.toLowerCase());
  if (known !== undefined) return ok(known);
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  if (resolved.toLowerCase() === tz.toLowerCase()) return ok(resolved);
  // Another name of a zone (Asia/Kolkata, US/Eastern, EST5EDT): kept as written when written with capitals, else
  // the runtime's name for the same zone, whose spelling it knows.
  return ok(/[A-Z]/.test(tz) ? tz : resolved);
}

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(at: number, tz: string): LocalTime {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(at))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: DAY_NAMES.indexOf((parts.weekday ?? '').toLowerCase().slice(0, 3)),
  };
}

/** The wall-clock minute an instant falls on in a zone: two instants with the same key are the same local time. */
export function localKey(at: number, tz: string): string {
  const t = localTime(at, tz);
  return `${t.year}-${t.month}-${t.day} ${t.hour}:${t.minute}`;
}

/** How far the zone's wall clock is ahead of UTC at `at` (a whole minute), given the wall-clock time there. */
function offsetAt(at: number, local: LocalTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute) - at;
}

/**
 * Looked back this far for the offset before the clocks last went back: no zone changes its clocks twice within
 * a day, nor goes back by more than one.
 */
const LOOK_BACK_MS = DAY;

/**
 * Whether the wall-clock minute at `at` (whose wall-clock time is `local`) already happened earlier, because the
 * clocks went back over it, by however much: an hour in most zones, two in Antarctica/Troll, half in Lord Howe.
 * The offset a day before is the one the clocks went back from; the same wall-clock time under it was that much
 * earlier, and is a real earlier instant only if that instant does have that offset.
 */
function repeatsEarlierTime(at: number, local: LocalTime, tz: string): boolean {
  const offset = offsetAt(at, local);
  const before = at - LOOK_BACK_MS;
  const offsetBefore = offsetAt(before, localTime(before, tz));
  const back = offsetBefore - offset;
  if (back <= 0) return false;
  const earlier = at - back;
  return offsetAt(earlier, localTime(earlier, tz)) === offsetBefore;
}

/**
 * The first minute after `from` (whose offset is `offset`), up to `to` (whose offset differs), with the new offset:
 * the instant the clocks change, found by halving. A zone changes its clocks at most once within an hour.
 */
function clockChange(from: number, offset: number, to: number, tz: string): number {
  let same = from;
  let changed = to;
  while (changed - same > MINUTE) {
    const middle = same + Math.floor((changed - same) / 2 / MINUTE) * MINUTE;
    if (offsetAt(middle, localTime(middle, tz)) === offset) same = middle;
    else changed = middle;
  }
  return changed;
}

function dayMatches(cron: Cron, t: LocalTime): boolean {
  const dom = cron.dayOfMonth.has(t.day);
  const dow = cron.dayOfWeek.has(t.weekday);
  if (cron.domRestricted && cron.dowRestricted) return dom || dow;
  return dom && dow;
}

/** Looked ahead at most this far: an expression that never falls due within it is refused. */
export const HORIZON_MS = 400 * DAY;

/**
 * The first instant strictly after `after` whose wall-clock time in `tz` matches and happens there for the first
 * time: a time the clocks go back over runs at its first occurrence only, however far they go back, even when that
 * was before `after` (so the one just run is not run again). Undefined when nothing matches within a little over a
 * year.
 */
export function nextOccurrence(cron: Cron, tz: string, after: number): number | undefined {
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  let local = localTime(t, tz);
  const limit = after + HORIZON_MS;
  while (t < limit) {
    // Wrong day or hour: on to the next local hour, or to a change of the clocks before it. The clocks of
    // Pacific/Chatham go forward at 02:45, to 03:45: stepping an hour from 02:00 would land at 04:00 and pass over
    // 03:45-03:59, which do happen.
    if (!cron.month.has(local.month) || !dayMatches(cron, local) || !cron.hour.has(local.hour)) {
      // Straight to the next local midnight (a wrong day) or the next hour the cron names, when the clocks do not
      // change on the way (no zone changes them twice within a day); else an hour at a time, as below.
      const wrongDay = !cron.month.has(local.month) || !dayMatches(cron, local);
      const hours = (wrongDay ? 24 : nextHourIn(cron, local.hour)) - local.hour;
      if (hours > 1) {
        const ahead = t + (hours * 60 - local.minute) * MINUTE;
        const aheadLocal = localTime(ahead, tz);
        if (offsetAt(ahead, aheadLocal) === offsetAt(t, local)) {
          t = ahead;
          local = aheadLocal;
          continue;
        }
      }
      const from = t;
      const offset = offsetAt(t, local);
      t += (60 - local.minute) * MINUTE;
      local = localTime(t, tz);
      if (t - from > MINUTE && offsetAt(t, local) !== offset) {
        t = clockChange(from, offset, t, tz);
        local = localTime(t, tz);
      }
      continue;
    }
    if (cron.minute.has(local.minute) && !repeatsEarlierTime(t, local, tz)) return t;
    // On to the next minute the cron names in this hour (or the hour's end) in one step, unless the clocks change
    // on the way: then minute by minute, as the wall-clock minutes in between are not the instants in between.
    const step = nextMinuteIn(cron, local.minute) - local.minute;
    const ahead = t + step * MINUTE;
    const aheadLocal = localTime(ahead, tz);
    if (step > 1 && offsetAt(ahead, aheadLocal) !== offsetAt(t, local)) {
      t += MINUTE;
      local = localTime(t, tz);
    } else {
      t = ahead;
      local = aheadLocal;
    }
  }
  return undefined;
}

/** The first hour after `hour` the cron names, or 24 when none is left in the day. */
function nextHourIn(cron: Cron, hour: number): number {
  for (let h = hour + 1; h < 24; h++) if (cron.hour.has(h)) return h;
  return 24;
}

/** The first minute after `minute` the cron names, or 60 when none is left in the hour. */
function nextMinuteIn(cron: Cron, minute: number): number {
  for (let m = minute + 1; m < 60; m++) if (cron.minute.has(m)) return m;
  return 60;
}

/**
 * Characters of a cron expression shown in words for it: the longest one without repeats (every field spelt out in
 * full) fits; one padded with repeated values is shortened, so a message quoting it stays within Slack's limits.
 */
export const MAX_SHOWN_EXPRESSION = 300;

/** "every Tuesday at 18:00" style words for what a cron means, for lists; falls back to the expression. */
export function describeCron(cron: Cron): string {
  const [, , dom, mon, dow] = cron.expression.split(' ');
  if (dom !== '*' || mon !== '*' || cron.minute.size !== 1 || cron.hour.size !== 1) return `cron \`${clip(cron.expression, MAX_SHOWN_EXPRESSION)}\``;
  // From the values, not the fields as typed: `9,09` is one hour.
  const time = `${String([...cron.hour][0]).padStart(2, '0')}:${String([...cron.minute][0]).padStart(2, '0')}`;
  if (dow === '*') return `every day at ${time}`;
  const days = [...cron.dayOfWeek].sort();
  if (days.join(',') === '1,2,3,4,5') return `every weekday at ${time}`;
  const names = days.map((d) => ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d] ?? '');
  return `every ${listInWords(names)} at ${time}`;
}

/** "Monday", "Monday and Thursday", "Monday, Tuesday and Friday". */
function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A recurring session for the clash check: when it recurs, in which zone, and how long each session runs. */
export interface Recurring {
  readonly cron: Cron;
  readonly tz: string;
  readonly lengthMs: number;
  /**
   * Its first session that runs or ran: an occurrence before it never started (the schedule was made after it), so
   * it clashes with nothing. Absent: every occurrence counts.
   */
  readonly runsFrom?: number;
}

/**
 * How far ahead two schedules are compared: several weeks, so weekly patterns meet (and two zones' different
 * daylight-saving dates, for a few weeks of the year, often do too). Day-of-month patterns are compared over it as well.
 */
export const CLASH_HORIZON_MS = 6 * 7 * DAY;

/** The occurrences after `after` and before `to`, soonest first. */
function startsBetween(r: Recurring, after: number, to: number): number[] {
  const starts: number[] = [];
  for (let t = nextOccurrence(r.cron, r.tz, after); t !== undefined && t < to; t = nextOccurrence(r.cron, r.tz, t)) starts.push(t);
  return starts;
}

/**
 * The first of `candidate`'s sessions from `now` on, within the horizon, that would run at the same time as a
 * session of one of `others` (touching end to start is not a clash): which other, and when the two would first
 * meet (the later of the two sessions' starts). Undefined when none would. Only one session runs in a channel at a
 * time, so a schedule that clashes would be skipped there.
 */
export function firstClash<T extends Recurring>(candidate: Recurring, others: readonly T[], now: number, horizonMs = CLASH_HORIZON_MS): { other: T; at: number } | undefined {
  const to = now + horizonMs;
  const mine = startsBetween(candidate, now, to);
  let first: { other: T; at: number } | undefined;
  for (const other of others) {
    // One of theirs that started a little before now may still be running, if it ran at all.
    const theirs = startsBetween(other, Math.max(now - other.lengthMs, (other.runsFrom ?? Number.NEGATIVE_INFINITY) - 1), to);
    let j = 0;
    for (const start of mine) {
      // A later start of the candidate's cannot meet anyone sooner than the first meeting found.
      if (first !== undefined && start >= first.at) break;
      // Their sessions that end by this one's start can end no later than the next one's start either.
      while (j < theirs.length && (theirs[j] ?? 0) + other.lengthMs <= start) j++;
      const theirsStart = theirs[j];
      if (theirsStart !== undefined && theirsStart < start + candidate.lengthMs) {
        const meet = Math.max(start, theirsStart);
        if (first === undefined || meet < first.at) first = { other, at: meet };
        break;
      }
    }
  }
  return first;
}
