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

/** Names for the bare mentions of a message (`<@U1>`, `<#C1>`): Slack sends those without a label. */
export interface MentionNames {
  readonly users?: ReadonlyMap<string, string>;
  readonly channels?: ReadonlyMap<string, string>;
}

const SLACK_MARKUP = /<([@#!][^<>\s|]*(?:\|[^<>]*)?|[a-z][a-z0-9+.-]*:[^<>\s|]+(?:\|[^<>]*)?)>/gi;

/**
 * Turns Slack's markup in user text into plain words: `<@U1|ana>` → `@ana`, `<#C1|general>` → `#general`,
 * `<!channel>` → `@channel`, `<https://x|label>` → `label (https://x)`. A mention without a label takes its name
 * from `names` when given, else shows its id. The result is escaped when shown, so nothing in it can ping or link.
 */
export function slackToPlain(text: string, names: MentionNames = {}): string {
  // Only Slack's own markup is rewritten; other angle brackets ("p99 < 10 ms for > 1M users") are kept as typed.
  return text.replace(SLACK_MARKUP, (_whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) return `@${label || names.users?.get(target.slice(1)) || target.slice(1)}`;
    if (target.startsWith('#')) return `#${label || names.channels?.get(target.slice(1)) || target.slice(1)}`;
    if (target.startsWith('!')) {
      const name = target.slice(1).split('^')[0] ?? '';
      return label ?? `@${name}`;
    }
    return label && label !== target ? `${label} (${target})` : target;
  });
}

/** The people and channels a message mentions without naming them (`<@U1>`, `<#C1|>`), each once, in order. */
export function unnamedMentions(text: string): { users: string[]; channels: string[] } {
  const users = new Set<string>();
  const channels = new Set<string>();
  for (const [, inner = ''] of text.matchAll(SLACK_MARKUP)) {
    const [target = '', label] = inner.split('|', 2);
    if (label) continue;
    if (/^@[UW][A-Z0-9]+$/.test(target)) users.add(target.slice(1));
    else if (/^#[CG][A-Z0-9]+$/.test(target)) channels.add(target.slice(1));
  }
  return { users: [...users], channels: [...channels] };
}

/**
 * What a person typed, from Slack's formatted text: markup first (`<@U1|ana>` → `@ana`), then the entities
 * (`&lt;` → `<`), so that brackets they typed are never mistaken for markup.
 */
export function plainFromSlack(text: string, names: MentionNames = {}): string {
  return decodeEntities(slackToPlain(text, names));
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

/**
 * Within an hour of now (either way), a time of day alone cannot be mistaken for another day's, and keeps a
 * live interview's lines short. Anything further off carries the day: Slack shows it in the reader's own zone as
 * "Today", "Tomorrow" or "Dec 8", where a bare "01:30" read at 19:30 looks like a time already past. The token's
 * fallback (notifications, clients that cannot render it) then carries the date too.
 */
export const BARE_TIME_WITHIN_MS = 3600 * 1000;

/** A time of day for moments within the hour, the day and time for anything further. */
export function slackWhen(epochMs: number, now: number): string {
  return Math.abs(epochMs - now) > BARE_TIME_WITHIN_MS ? slackDate(epochMs, '{date_short_pretty} {time}') : slackDate(epochMs);
}

/**
 * Slack's mrkdwn has no escape for its emphasis marks (`*`, `_`, `~`, `` ` ``): only `&`, `<` and `>` can be
 * escaped. Text holding any of them, wrapped in `*…*`, would close the bold early and show stray marks, so
 * such text is shown as it was typed, without the bold; anything else is bold.
 */
const EMPHASIS_MARK = /[*_~`]/;

/** User text (a topic), escaped, in bold when the bold cannot break on it. */
export function strong(text: string): string {
  const safe = escapeMrkdwn(text);
  return EMPHASIS_MARK.test(text) ? safe : `*${safe}*`;
}

/** A link with user text as its label (`url` must be safe for `<url|…>`), in bold as `strong` decides. */
export function strongLink(url: string, label: string): string {
  const link = `<${url}|${escapeMrkdwn(label)}>`;
  return EMPHASIS_MARK.test(label) ? link : `*${link}*`;
}

/** A session's topic as `strong` shows it, linked to its session message once that has a permalink. */
export function strongTopic(session: { readonly topic: string; readonly permalink: string | null }): string {
  return session.permalink ? strongLink(session.permalink, session.topic) : strong(session.topic);
}

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}
