/** Durations as people type them ("90s", "5", "1.5h", "2d") and as we show them back. */
import { err, ok, type Result } from './result.ts';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const UNIT_MS = { s: SECOND, m: MINUTE, h: HOUR, d: DAY } as const;
const DURATION = /^(\d{1,6}(?:\.\d{1,3})?)([smhd]?)$/i;

/** A bare number is minutes. Returns an error message naming the bad text. */
export function parseDuration(text: string): Result<number> {
  const match = DURATION.exec(text.trim());
  if (!match) return err(`\`${text}\` is not a duration`);
  const amount = Number(match[1]);
  const unit = (match[2] || 'm').toLowerCase() as keyof typeof UNIT_MS;
  const ms = Math.round(amount * UNIT_MS[unit]);
  if (ms <= 0) return err(`\`${text}\` is not longer than zero`);
  return ok(ms);
}

/** "1 d 4 h", "20 min", "45 s": at most two units, largest first, for people rather than machines. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / SECOND));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds) parts.push(`${seconds} s`);
  if (parts.length === 0) return '0 s';
  return parts.slice(0, 2).join(' ');
}

/** Plan notation for one phase: the shortest exact form ("5m", "90s", "2d"). */
export function formatPlanDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / SECOND)}s`;
}
