/** A session as the core sees it, and the rules about who may steer it. */
import type { Level } from './levels.ts';
import type { PhaseSlot } from './timeline.ts';

export type SessionStatus = 'running' | 'paused' | 'ended';

export interface Workspace {
  readonly teamId: string;
  /** '' outside Enterprise Grid. */
  readonly enterpriseId: string;
}

/** A phase of a session as stored: its slot in the timeline, and how much of its length was added while it ran. */
export interface SessionPhase extends PhaseSlot {
  /**
   * Of `plannedMs`, the time the host added (extend, +N, the +5 min button); 0 or absent when none was. Null when not
   * known: the phase was stored before the time added was kept apart, and may have been extended.
   */
  readonly addedMs?: number | null;
}

export interface Session extends Workspace {
  readonly id: string;
  readonly channelId: string;
  readonly hostId: string;
  readonly topic: string;
  readonly status: SessionStatus;
  readonly createdAt: number;
  readonly endsAt: number;
  readonly endedAt: number | null;
  readonly endReason: string | null;
  readonly pausedAt: number | null;
  /** Why it is paused: null when a person paused it; 'not_in_channel' when the bot could not post. */
  readonly pauseReason: string | null;
  /** When `next` last moved the session on (a second `next` typed a moment later is the same request). */
  readonly movedAt: number | null;
  readonly rootTs: string | null;
  readonly permalink: string | null;
  readonly phases: readonly SessionPhase[];
  readonly interviewers: readonly string[];
  /** The person being interviewed: never shown nudges, private notes or unrevealed scores. */
  readonly candidateId: string | null;
  /** Watch and score, but do not steer. */
  readonly observers: readonly string[];
  readonly level: Level | null;
  /** The prompt bank entry the topic came from (src/domain/prompts.ts), if any. */
  readonly promptId: string | null;
  /** A study group's session over days: members join, are reminded, and the host gets a digest at each deadline. */
  readonly isAsync: boolean;
  /**
   * A live interview whose scorecard stays with its candidate and panel: each gets it privately at the end, and what
   * the channel reads (the summary, an export) says only that it was shared that way.
   */
  readonly privateScores: boolean;
}

/**
 * A live interview (a candidate or a level named) rather than a group's session: it has a panel with nudges and
 * notes of its own, a scorecard, and a live clock on its session message.
 */
export function isLiveInterview(session: { readonly candidateId?: string | null; readonly level?: string | null }): boolean {
  return Boolean(session.candidateId || session.level);
}

/**
 * The panel: the host, the interviewers and the observers, never the candidate. They write and receive the notes
 * kept for the interviewers only, and score; the nudges go to the host and the interviewers alone.
 */
export function isOnPanel(session: Session, userId: string): boolean {
  return userId !== session.candidateId && (session.hostId === userId || session.interviewers.includes(userId) || session.observers.includes(userId));
}

/** The panel's members, each once, in the order they are named: host, interviewers, observers. */
export function panelOf(session: Session): string[] {
  return [...new Set([session.hostId, ...session.interviewers, ...session.observers])].filter((id) => isOnPanel(session, id));
}

/** Only the host and named interviewers advance, pause, end or change a session; anyone may add notes. */
/** Why whoever starts a session cannot be its candidate (the host is on the panel's side). Plain text. */
export const HOST_AS_CANDIDATE =
  "You host this session, so you can't also be its candidate: the host sees the interviewers' side, their nudges and private notes. Name someone else as the candidate, or let an interviewer start it.";

/**
 * How a session ends with its summary posted in its thread: at the end of its plan (no reason), by its host, or by
 * itself after a long pause. Any other end (its channel gone or archived, the app's access taken away, a row this
 * version could not read) posts none.
 */
const ENDS_WITH_SUMMARY: ReadonlySet<string | null> = new Set([null, 'ended_by_host', 'paused_too_long']);

export function endedWithSummary(session: Pick<Session, 'status' | 'endReason'>): boolean {
  return session.status === 'ended' && ENDS_WITH_SUMMARY.has(session.endReason);
}

export function canSteer(session: Pick<Session, 'hostId' | 'interviewers'>, userId: string): boolean {
  return session.hostId === userId || session.interviewers.includes(userId);
}

export function sameWorkspace(session: Workspace, workspace: Workspace): boolean {
  return session.teamId === workspace.teamId && session.enterpriseId === workspace.enterpriseId;
}

/** Where a request comes from: its workspace and, when it has one, the channel it was made in. */
export interface Access extends Workspace {
  readonly channelId?: string | undefined;
}

/**
 * A session is reachable from its own workspace, and from its channel: a channel shared between organisations
 * (Slack Connect) or between workspaces of one organisation has one session, which people of every side see and,
 * when named, steer. From anywhere else a session is treated as if it did not exist.
 */
export function reaches(session: Session, from: Access): boolean {
  return sameWorkspace(session, from) || (from.channelId !== undefined && from.channelId === session.channelId);
}
