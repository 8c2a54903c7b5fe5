/** Durations as people type them ("90s", "5", "1.5h", "2d", "5 min") and as we show them back. */
import { err, ok, type Result } from './result.ts';
import { clip } from './text.ts';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const UNIT_MS = { s: SECOND, m: MINUTE, h: HOUR, d: DAY } as const;
// Up to 9 digits: any length a 30-day plan can hold, in any unit; up to 3 decimals ("1.5h", "0.25m"). The unit may
// be written out and follow a space ("5 min", "2 hours"): the +5 min button says it that way, and people type what
// they read. "ms" stays refused: it reads as milliseconds, which no duration here can be.
const DURATION = /^(\d{1,9}(?:\.\d{1,3})?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)?$/i;

/** The text has the shape of one duration ("5", "30s", "5 min"), whatever its length; parseDuration says if it is one. */
export function looksLikeDuration(text: string): boolean {
  return DURATION.test(text.trim());
}

/** The text is a duration of zero ("0", "0m", "0.0 s"): refused everywhere, but worth its own advice. */
export function isZeroDuration(text: string): boolean {
  const match = DURATION.exec(text.trim());
  return match !== null && Number(match[1]) === 0;
}

/**
 * A bare number is minutes; a unit may be written out ("10 mins", "1 hour"). Durations are whole seconds: Slack
 * shows times to the second at best, and a part of a second would be shown rounded, so that totals no longer add up.
 * Returns an error message naming the bad text.
 */
export function parseDuration(text: string): Result<number> {
  const match = DURATION.exec(text.trim());
  const ms = match ? amountMs(match[1] ?? '', match[2]) : compoundMs(text.trim());
  if (ms === undefined) return err(`\`${clip(text)}\` is not a duration: use a number with s, m, h or d`);
  if (ms <= 0) return err(`\`${clip(text)}\` is not longer than zero`);
  if (ms < SECOND) return err(`\`${clip(text)}\` is shorter than a second`);
  if (ms % SECOND !== 0) return err(`\`${clip(text)}\` is not a whole number of seconds`);
  return ok(ms);
}

/** A written-out unit is known by its first letter: s(econds), m(inutes), h(ours), d(ays); none is minutes. */
function amountMs(amount: string, unit: string | undefined): number {
  return Math.round(Number(amount) * UNIT_MS[(unit || 'm').charAt(0).toLowerCase() as keyof typeof UNIT_MS]);
}

/** One amount with its unit, at the start of what is left of a compound duration. */
const COMPOUND_PART = /^(\d{1,9}(?:\.\d{1,3})?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)(?![a-z])\s*/i;

/**
 * A duration of several parts, each with its unit ("1h30m", "1 h 30 min", "2 days 4 hours"), as the +5 min button's
 * people write an hour and a half: their sum. Undefined unless the whole text is such parts, two or more.
 */
function compoundMs(text: string): number | undefined {
  let rest = text;
  let total = 0;
  let parts = 0;
  for (let match = COMPOUND_PART.exec(rest); match; match = COMPOUND_PART.exec(rest)) {
    total += amountMs(match[1] ?? '', match[2]);
    rest = rest.slice(match[0].length);
    parts++;
  }
  return rest === '' && parts >= 2 ? total : undefined;
}

/**
 * "1 day 4 h 31 min 45 s", "20 min", "45 s": every unit that is not zero, largest first, to the nearest second.
 * Nothing is dropped: a plan's total must add up to its phases.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / SECOND));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  // "d" reads as a letter in running text ("6 d in all"): days are written out.
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds) parts.push(`${seconds} s`);
  if (parts.length === 0) return '0 s';
  return parts.join(' ');
}

/**
 * Time left, as a time check says it: under a minute in words ("20 seconds", "1 second"; never "0", which is
 * "time is up"), from a minute on as formatDuration does ("4 min", "1 h 30 min 10 s").
 */
export function formatTimeLeft(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / SECOND));
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  return formatDuration(seconds * SECOND);
}

/** Plan notation for one phase: the largest unit that is exact ("5m", "90s", "2d", "1.5s"); parseDuration reads it back. */
export function formatPlanDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
    ['s', SECOND],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${(ms / SECOND).toFixed(3).replace(/0+$/, '')}s`;
}
