/**
 * The App Home tab: the person's live sessions, their recent (ended) sessions and notes, their rubric scores over
 * the interviews where they were the candidate (a small text chart), and how the interview method works.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.ts';
import { type AuthoredNote, formatScoreValue, roleIn, type ScoredSession, scoreBar, scoreTrend, type SessionRole, type TrendPoint } from '../../domain/history.ts';
import { isPublicNote, noteKindLabel } from '../../domain/notes.ts';
import { PHASE_COUNT, PHASES } from '../../domain/phases.ts';
import { SCORE_LABELS } from '../../domain/scorecard.ts';
import type { Session } from '../../domain/session.ts';
import { clip } from '../../domain/text.ts';
import { currentPhaseIndex, phaseEnd } from '../../domain/timeline.ts';
import { LIMITS } from '../limits.ts';
import { escapeMrkdwn, phaseName, slackDate, slackWhen } from '../mrkdwn.ts';
import type { Schedule } from '../../app/ports.ts';
import { topicTitle } from './history.ts';
import { upcomingLine } from './schedules.ts';
import { context, header, section } from './message.ts';
import { packLines } from './split.ts';

/** What the Home tab shows of a person, as the listener reads it. */
export interface HomeData {
  /** Live sessions they are part of, newest first. One more than `HOME_LIMITS.live` says there are more. */
  readonly live: readonly Session[];
  /** Recurring sessions they made, soonest first (the first `HOME_LIMITS.upcoming` are shown). */
  readonly upcoming?: readonly Schedule[];
  /** How many recurring sessions they made in each channel, to say how many more there are and where. */
  readonly upcomingByChannel?: readonly { readonly channelId: string; readonly count: number }[];
  /** Ended sessions they took part in, newest first. */
  readonly recent?: readonly Session[];
  /** Their own notes, newest first. */
  readonly notes?: readonly AuthoredNote[];
  /** Ended interviews where they were the candidate, with the cards they may see. */
  readonly scored?: readonly ScoredSession[];
}

/** How many of each the Home tab shows: with the method, the page stays well under 100 blocks. */
export const HOME_LIMITS = { live: 10, upcoming: 5, recent: 8, notes: 10, noteChars: 140 } as const;

const ROLE_LABELS: Record<SessionRole, string> = {
  host: 'you host',
  interviewer: 'you interview',
  candidate: 'you are the candidate',
  observer: 'you observe',
  participant: 'you took part',
};

function liveBlocks(userId: string, sessions: readonly Session[], now: number): KnownBlock[] {
  const blocks: KnownBlock[] = [section('*Your live sessions*')];
  if (sessions.length === 0) blocks.push(context('None right now. Start one in a channel with `/mockdesign start &lt;topic&gt;`.'));
  for (const s of sessions.slice(0, HOME_LIMITS.live)) {
    let state: string;
    if (s.status === 'paused') state = '⏸️ paused';
    else {
      const i = currentPhaseIndex(s.phases, now);
      state = `phase ${i + 1} of ${PHASE_COUNT}, *${phaseName(i)}*, until ${slackWhen(phaseEnd(s.phases, i, s.endsAt), now)}`;
    }
    blocks.push(section(`${topicTitle(s)} in <#${s.channelId}> · ${ROLE_LABELS[roleIn(s, userId)]}\n${state}`));
  }
  if (sessions.length > HOME_LIMITS.live) blocks.push(context('More live sessions are not shown here: `/mockdesign history` in a channel lists its own.'));
  return blocks;
}

/** Channels named where more recurring sessions are not shown; past these, how many others. */
const MORE_CHANNELS_NAMED = 5;

/**
 * The recurring sessions the person made, soonest first: shown only when there are some. Past the first few, how
 * many more there are and in which channels `/mockdesign schedules` lists them; ids, so any can be removed.
 */
function upcomingBlocks(schedules: readonly Schedule[], byChannel: HomeData['upcomingByChannel'] = []): KnownBlock[] {
  if (schedules.length === 0) return [];
  const shown = schedules.slice(0, HOME_LIMITS.upcoming);
  const hidden = byChannel
    .map(({ channelId, count }) => ({ channelId, count: count - shown.filter((s) => s.channelId === channelId).length }))
    .filter((c) => c.count > 0);
  // Without counts per channel, the schedules read past the limit still say that there are more, and where.
  if (byChannel.length === 0) {
    for (const s of schedules.slice(HOME_LIMITS.upcoming)) {
      const entry = hidden.find((c) => c.channelId === s.channelId);
      if (entry) entry.count += 1;
      else hidden.push({ channelId: s.channelId, count: 1 });
    }
  }
  const remove = 'Remove one with `/mockdesign unschedule &lt;id&gt;` in its channel.';
  const more = hidden.reduce((n, c) => n + c.count, 0);
  let note = remove;
  if (more > 0) {
    const named = hidden.slice(0, MORE_CHANNELS_NAMED).map((c) => `<#${c.channelId}>`);
    const others = hidden.length - named.length;
    const where = others > 0 ? `${named.join(', ')} and ${others} other channel${others === 1 ? '' : 's'}` : listOr(named);
    note = `…and ${more} more: \`/mockdesign schedules\` in ${where} lists ${more === 1 ? 'it' : 'them'}. ${remove}`;
  }
  return [section('*Coming up*'), ...shown.map((s) => section(upcomingLine(s))), context(note)];
}

/** "a", "a or b", "a, b or c". */
function listOr(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function recentBlocks(userId: string, sessions: readonly Session[]): KnownBlock[] {
  const blocks: KnownBlock[] = [section('*Your recent sessions*')];
  if (sessions.length === 0) {
    blocks.push(context('None yet. Sessions you host, are named in or write a note in are listed here once they end.'));
    return blocks;
  }
  for (const s of sessions.slice(0, HOME_LIMITS.recent)) {
    const took = s.endedAt === null ? '' : `, took ${formatDuration(s.endedAt - s.createdAt)}`;
    blocks.push(section(`${topicTitle(s)} in <#${s.channelId}> · ${ROLE_LABELS[roleIn(s, userId)]}\n🏁 ${slackDate(s.createdAt, '{date_short_pretty} {time}')}${took}`));
  }
  return blocks;
}

/** One line per note: its kind and phase, where it was written, and its text cut short, all escaped. */
export function noteLine(entry: AuthoredNote): string {
  const { note } = entry;
  const text = escapeMrkdwn(clip(note.text.replace(/\s+/g, ' ').trim(), HOME_LIMITS.noteChars));
  const lock = isPublicNote(note) ? '' : ' 🔒';
  return `• *${escapeMrkdwn(noteKindLabel(note.kind))}* · ${phaseName(note.phaseIndex)} · ${topicTitle(entry)}${lock}\n      ${text}`;
}

function noteBlocks(notes: readonly AuthoredNote[]): KnownBlock[] {
  const blocks: KnownBlock[] = [section('*Your notes*')];
  if (notes.length === 0) {
    blocks.push(context('None yet. Notes you add in a session (`/mockdesign note …` or *Add note*) are listed here.'));
    return blocks;
  }
  blocks.push(...packLines(notes.slice(0, HOME_LIMITS.notes).map(noteLine)).map((text) => section(text)));
  if (notes.some((n) => !isPublicNote(n.note))) blocks.push(context('🔒 for the interviewers only: kept out of the thread and the public summary.'));
  return blocks;
}

function point(p: TrendPoint): string {
  const value = p.median === null ? `${scoreBar(null)} –` : `${scoreBar(p.median)} ${formatScoreValue(p.median)}`;
  return p.self === null ? value : `${value} (you ${p.self})`;
}

/** Per rubric dimension, the panel's median in each of the last scored interviews, oldest to newest. */
export function scoreBlocks(candidateId: string, scored: readonly ScoredSession[]): KnownBlock[] {
  const trend = scoreTrend(scored, candidateId);
  if (!trend) return [];
  const sessions = trend.sessions.map((s, i) => `${i + 1}. ${escapeMrkdwn(clip(s.topic, 60))} (${slackDate(s.at, '{date_short}')})`).join(' · ');
  const scale = ([1, 2, 3, 4] as const).map((n) => `${n} ${SCORE_LABELS[n]}`).join(', ');
  return [
    section('*Your scores over time*'),
    context(`The panel's median per dimension (${scale}), oldest → newest, with your own score beside it where you gave one: ${sessions}`),
    ...trend.dimensions.map((d) => section(`*${escapeMrkdwn(d.name)}*\n${d.points.map(point).join('  →  ')}`)),
  ];
}

export function renderHome(userId: string, data: HomeData, now: number): HomeView {
  const blocks: KnownBlock[] = [
    header('mockdesign'),
    section(
      'Run a mock system-design interview in any channel: `/mockdesign start Design a URL shortener`. ' +
        'The phases go up in a thread on time, anyone can take notes, and a summary closes the session.',
    ),
    { type: 'divider' },
    ...liveBlocks(userId, data.live, now),
    ...upcomingBlocks(data.upcoming ?? [], data.upcomingByChannel),
    { type: 'divider' },
    ...recentBlocks(userId, data.recent ?? []),
    { type: 'divider' },
    ...noteBlocks(data.notes ?? []),
  ];
  const scores = scoreBlocks(userId, data.scored ?? []);
  if (scores.length > 0) blocks.push({ type: 'divider' }, ...scores);
  const method: KnownBlock[] = [
    { type: 'divider' },
    section('*The method*'),
    ...PHASES.map((p, i) => section(`*${i + 1}. ${phaseName(i)}* (${formatDuration(p.defaultMinutes * 60_000)} by default)\n${escapeMrkdwn(p.goal)}`)),
    context('Change the lengths with `--plan 10/25/20/5`, or spread a session over days for a study group: `--plan 1d/3d/2d/1d`.'),
  ];
  // The limits above keep the page far below 100 blocks; should it ever grow past, the method still closes it.
  return { type: 'home', blocks: [...blocks.slice(0, LIMITS.modalBlocks - method.length), ...method] };
}
