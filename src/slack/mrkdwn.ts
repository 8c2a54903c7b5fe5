/** Text that comes from people, made safe for Slack mrkdwn, and times shown in each reader's own zone. */

import { PHASES } from '../domain/phases.ts';

/** A phase's name for mrkdwn (our own names contain `&`, which Slack wants escaped too). */
export function phaseName(index: number): string {
  return escapeMrkdwn(PHASES[index]?.name ?? `Phase ${index + 1}`);
}

/** Escapes the three characters Slack's mrkdwn treats as control: no `<!channel>`, mention or link can be injected. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack sends `&`, `<`, `>` in command text as entities; decode them once on the way in. */
export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Turns Slack's markup in user text into plain words: `<@U1|ana>` → `@ana`, `<#C1|general>` → `#general`,
 * `<!channel>` → `@channel`, `<https://x|label>` → `label (https://x)`. The result is escaped when shown,
 * so nothing in it can ping or link.
 */
export function slackToPlain(text: string): string {
  // Only Slack's own markup is rewritten; other angle brackets ("p99 < 10 ms for > 1M users") are kept as typed.
  return text.replace(/<([@#!][^<>\s|]*(?:\|[^<>]*)?|[a-z][a-z0-9+.-]*:[^<>\s|]+(?:\|[^<>]*)?)>/gi, (_whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) return label ? `@${label}` : target;
    if (target.startsWith('#')) return label ? `#${label}` : target;
    if (target.startsWith('!')) {
      const name = target.slice(1).split('^')[0] ?? '';
      return label ?? `@${name}`;
    }
    return label && label !== target ? `${label} (${target})` : target;
  });
}

/**
 * What a person typed, from Slack's formatted text: markup first (`<@U1|ana>` → `@ana`), then the entities
 * (`&lt;` → `<`), so that brackets they typed are never mistaken for markup.
 */
export function plainFromSlack(text: string): string {
  return decodeEntities(slackToPlain(text));
}

/** Cuts text to `max` characters, marking the cut, without splitting a surrogate pair or a trailing entity. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  return `${cut}…`;
}

/** `<!date^…>`: Slack renders it in the reader's time zone; the fallback is UTC. */
export function slackDate(epochMs: number, format = '{time}'): string {
  const seconds = Math.floor(epochMs / 1000);
  const iso = new Date(seconds * 1000).toISOString();
  const fallback = format.includes('{date') ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : `${iso.slice(11, 16)} UTC`;
  return `<!date^${seconds}^${format}|${fallback}>`;
}

/** A time of day for today, a date and time when the moment is more than 20 hours away. */
export function slackWhen(epochMs: number, now: number): string {
  return Math.abs(epochMs - now) > 20 * 3600 * 1000 ? slackDate(epochMs, '{date_short_pretty} {time}') : slackDate(epochMs);
}

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}
