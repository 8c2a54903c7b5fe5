/**
 * History: what a channel's recent sessions received in each phase, a person's own notes across sessions, and a
 * candidate's rubric scores over their scored interviews, as a small text chart. Plain data, no I/O; our strings
 * carry no markup and whatever people typed is escaped where it is shown.
 */
import type { Note } from './notes.ts';
import { median, RUBRIC, type DimensionKey, type Score, type ScorerRole } from './scorecard.ts';
import type { Session } from './session.ts';

/** What one phase received: public notes, replies in the session's thread, and how many people gave either. */
export interface PhaseActivity {
  readonly phaseIndex: number;
  readonly notes: number;
  readonly replies: number;
  readonly contributors: number;
}

/**
 * What a session received, counting only what everyone may see (notes for the interviewers only and deleted
 * notes are left out). `phases` lists only phases that have notes or replies, by phase.
 */
export interface SessionActivity {
  readonly notes: number;
  readonly replies: number;
  /** Distinct people over the whole session (one person writing in two phases counts once). */
  readonly contributors: number;
  readonly phases: readonly PhaseActivity[];
}

export const NO_ACTIVITY: SessionActivity = { notes: 0, replies: 0, contributors: 0, phases: [] };

/** One session of a channel's history, with its contributions. */
export interface ChannelHistoryEntry {
  readonly session: Session;
  readonly activity: SessionActivity;
}

/** A note the person wrote, with the session it belongs to. */
export interface AuthoredNote {
  readonly note: Note;
  readonly topic: string;
  readonly channelId: string;
  readonly permalink: string | null;
}

/** A scorecard reduced to what a chart needs: who scored, as what, and the scores (no evidence, no text). */
export interface ScoredCard {
  readonly scorerId: string;
  readonly role: ScorerRole;
  readonly scores: Readonly<Partial<Record<DimensionKey, Score>>>;
}

/** An ended interview of the person as candidate, with the cards they may see: the panel's and their own. */
export interface ScoredSession {
  readonly sessionId: string;
  readonly topic: string;
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly cards: readonly ScoredCard[];
}

/** How many sessions a score chart shows at most. */
export const TREND_SESSIONS = 5;

export interface TrendPoint {
  /** The panel's median on the dimension in that session; null when nobody on the panel scored it. */
  readonly median: number | null;
  /** The candidate's own score, when they assessed themselves on it. */
  readonly self: Score | null;
}

export interface DimensionTrend {
  readonly dimension: DimensionKey;
  readonly name: string;
  /** One point per session of the trend, oldest first. */
  readonly points: readonly TrendPoint[];
}

export interface ScoreTrend {
  /** Oldest first. */
  readonly sessions: readonly { readonly sessionId: string; readonly topic: string; readonly at: number }[];
  /** Dimensions the panel scored in at least one of the sessions, in the rubric's order. */
  readonly dimensions: readonly DimensionTrend[];
}

const panelOf = (s: ScoredSession) => s.cards.filter((c) => c.role !== 'candidate');

/**
 * A candidate's scores over their last `max` interviews that the panel scored, oldest to newest: per rubric
 * dimension the panel's median, with the candidate's own score beside it. Only cards of ended sessions should be
 * passed (the panel's cards are revealed to the candidate when the session ends); another person's
 * self-assessment is never used. Null when there is nothing to chart.
 */
export function scoreTrend(sessions: readonly ScoredSession[], candidateId: string, max: number = TREND_SESSIONS): ScoreTrend | null {
  const scored = sessions
    .filter((s) => panelOf(s).some((c) => Object.keys(c.scores).length > 0))
    .sort((a, b) => a.createdAt - b.createdAt || a.sessionId.localeCompare(b.sessionId))
    .slice(-Math.max(1, max));
  if (scored.length === 0) return null;
  const dimensions = RUBRIC.map((d): DimensionTrend => ({
    dimension: d.key,
    name: d.name,
    points: scored.map((s) => {
      const values = panelOf(s).flatMap((c) => c.scores[d.key] ?? []);
      const self = s.cards.find((c) => c.role === 'candidate' && c.scorerId === candidateId)?.scores[d.key] ?? null;
      return { median: median(values), self };
    }),
  })).filter((d) => d.points.some((p) => p.median !== null));
  return { sessions: scored.map((s) => ({ sessionId: s.sessionId, topic: s.topic, at: s.endedAt ?? s.createdAt })), dimensions };
}

/** A four-step bar for a score from 1 to 4: `▰▰▰▱` for 3; a half rounds up (2.5 draws three). Empty for null. */
export function scoreBar(value: number | null, steps = 4): string {
  const filled = value === null ? 0 : Math.min(steps, Math.max(0, Math.round(value)));
  return '▰'.repeat(filled) + '▱'.repeat(steps - filled);
}

/** A score with one decimal, as the chart shows it: `3.0`, `2.5`. */
export function formatScoreValue(value: number): string {
  return value.toFixed(1);
}

export type SessionRole = 'host' | 'interviewer' | 'candidate' | 'observer' | 'participant';

/** What someone was in a session; anyone not named (they clicked or wrote a note) took part. */
export function roleIn(session: Pick<Session, 'hostId' | 'interviewers' | 'candidateId' | 'observers'>, userId: string): SessionRole {
  if (session.hostId === userId) return 'host';
  if (session.candidateId === userId) return 'candidate';
  if (session.interviewers.includes(userId)) return 'interviewer';
  if (session.observers.includes(userId)) return 'observer';
  return 'participant';
}

/** Builds a session's activity from per-phase counts and its distinct authors. */
export function activityOf(phases: readonly PhaseActivity[], contributors: number): SessionActivity {
  const sorted = [...phases].filter((p) => p.notes > 0 || p.replies > 0).sort((a, b) => a.phaseIndex - b.phaseIndex);
  return { notes: sorted.reduce((sum, p) => sum + p.notes, 0), replies: sorted.reduce((sum, p) => sum + p.replies, 0), contributors, phases: sorted };
}
