/**
 * Use cases on scorecards: submitting (or changing) one's card, and what a person may see of the session's cards.
 * Each runs in one database transaction; the rules themselves are in src/domain/scorecard.ts.
 *
 * Who scores: the host and the named interviewers (cards in the `interviewer` role), the observers (`observer`),
 * and the candidate, whose card is a self-assessment. Anyone else is refused.
 *
 * The panel's reveal waits for a card from every named interviewer, or for the end of the session; the host scores
 * as an interviewer but is not waited for, unless nobody else is named to interview. The candidate's side is
 * stricter: the reveal among the panel happens while the interview may still be under way, so the candidate sees
 * only their own card, and may change it, until the session ends. Their card cannot be influenced by the panel's,
 * which they never saw.
 */
import {
  aggregate,
  canEdit,
  isRevealed,
  scorerRole,
  validateScorecard,
  visibleCards,
  type PanelAggregate,
  type Scorecard,
  type ScorecardErrors,
  type ScorecardInput,
  type ScorerRole,
  type ScoringState,
} from '../domain/scorecard.ts';
import { isPublicNote, type Note } from '../domain/notes.ts';
import { type Access, isOnPanel, panelOf, reaches, type Session } from '../domain/session.ts';
import type { Store } from './ports.ts';

export interface ScorecardDeps {
  readonly store: Store;
}

/** A card as a form sends it; who wrote it, and in which role, is never taken from the form. */
export type ScorecardFormInput = Omit<ScorecardInput, 'scorerId' | 'role'>;

/** Who scores in the `interviewer` role: the host, who runs the interview, and the named interviewers; never the candidate. */
function interviewersOf(session: Pick<Session, 'hostId' | 'interviewers' | 'candidateId'>): string[] {
  return [...new Set([session.hostId, ...session.interviewers])].filter((id) => id !== session.candidateId);
}

/**
 * Whose cards the panel's reveal waits for: the named interviewers, never the candidate. A session with no one
 * named to interview waits for the host's card instead: with nobody to wait for, only the end could reveal the
 * cards, and the panel would never see them side by side while the interview is fresh.
 */
export function revealWaitsFor(session: Pick<Session, 'hostId' | 'interviewers' | 'candidateId'>): string[] {
  const named = [...new Set(session.interviewers)].filter((id) => id !== session.candidateId);
  if (named.length > 0) return named;
  return session.hostId === session.candidateId ? [] : [session.hostId];
}

/** The role someone scores in, or undefined when they may not score at all. */
export function scoringRoleOf(session: Session, userId: string): ScorerRole | undefined {
  if (session.candidateId !== null && userId === session.candidateId) return 'candidate';
  if (!isOnPanel(session, userId)) return undefined;
  return scorerRole(userId, { candidateId: session.candidateId ?? undefined, interviewers: interviewersOf(session) });
}

/**
 * The blind-reveal state as one role sees it. For the panel, the reveal waits for the named interviewers (the host
 * when none is named); for the candidate, only the end of the session reveals anything (and closes their card).
 */
export function scoringStateFor(session: Session, cards: readonly Scorecard[], role: ScorerRole): ScoringState {
  return { interviewers: role === 'candidate' ? [] : revealWaitsFor(session), cards, sessionEnded: session.status === 'ended' };
}

export interface Reveal {
  /** Who to tell, privately: the panel. */
  readonly panel: readonly string[];
  /** The panel's cards added up (the self-assessment is not counted). */
  readonly aggregate: PanelAggregate;
}

export interface SubmitScorecardRequest {
  readonly sessionId: string;
  readonly access: Access;
  readonly userId: string;
  readonly input: ScorecardFormInput;
}

export type SubmitScorecardOutcome =
  | {
      readonly ok: true;
      readonly session: Session;
      readonly card: Scorecard;
      readonly role: ScorerRole;
      /** The scorer had a card already and changed it. */
      readonly edited: boolean;
      /** Set when this very submission completed the panel's reveal; null otherwise. */
      readonly revealed: Reveal | null;
    }
  /** not_allowed: neither on the panel nor the candidate. ended / revealed: cards can no longer change. */
  | { readonly ok: false; readonly reason: 'not_found' | 'not_allowed' | 'ended'; readonly session?: Session }
  /** The panel's cards are revealed; `hadCard`: the scorer's was among them (this was an edit), else it came too late. */
  | { readonly ok: false; readonly reason: 'revealed'; readonly session: Session; readonly hadCard: boolean }
  | { readonly ok: false; readonly reason: 'invalid'; readonly errors: ScorecardErrors; readonly session: Session; readonly role: ScorerRole };

export function submitScorecard(deps: ScorecardDeps, request: SubmitScorecardRequest, now: number): Promise<SubmitScorecardOutcome> {
  return deps.store.transaction(async (tx): Promise<SubmitScorecardOutcome> => {
    // Locked for the transaction: two last cards submitted at once reveal the panel's cards once.
    const session = await tx.sessions.findForUpdate(request.sessionId);
    if (!session || !reaches(session, request.access)) return { ok: false, reason: 'not_found' };
    const role = scoringRoleOf(session, request.userId);
    if (!role) return { ok: false, reason: 'not_allowed', session };
    const cards = await tx.scorecards.forSession(session.id);
    if (!canEdit(request.userId, scoringStateFor(session, cards, role))) {
      if (session.status === 'ended') return { ok: false, reason: 'ended', session };
      return { ok: false, reason: 'revealed', session, hadCard: cards.some((c) => c.scorerId === request.userId) };
    }
    const previous = cards.find((c) => c.scorerId === request.userId);
    // A self-assessment has scores and the candidate's own words; red flags and a recommendation are the panel's call.
    const input: ScorecardInput = {
      ...request.input,
      ...(role === 'candidate' ? { redFlags: undefined, recommendation: undefined } : {}),
      scorerId: request.userId,
      role,
    };
    const checked = validateScorecard(input, now, previous);
    if (!checked.ok) return { ok: false, reason: 'invalid', errors: checked.error, session, role };
    const card = checked.value;
    await tx.scorecards.save(session.id, card);
    const after = [...cards.filter((c) => c.scorerId !== card.scorerId), card];
    const revealedNow = !isRevealed(scoringStateFor(session, cards, 'interviewer')) && isRevealed(scoringStateFor(session, after, 'interviewer'));
    return {
      ok: true,
      session,
      card,
      role,
      edited: previous !== undefined,
      revealed: revealedNow ? { panel: panelOf(session), aggregate: aggregate(after) } : null,
    };
  });
}

export interface ScorecardViewRequest {
  readonly sessionId: string;
  readonly access: Access;
  readonly viewerId: string;
}

export type ScorecardViewOutcome =
  | {
      readonly ok: true;
      readonly session: Session;
      readonly role: ScorerRole;
      /** Revealed for this viewer: the panel once every interviewer scored or the session ended; the candidate at the end. */
      readonly revealed: boolean;
      /** The viewer may still submit or change their card. */
      readonly canEdit: boolean;
      /** The viewer's own card, if they submitted one. */
      readonly own: Scorecard | undefined;
      /** Every card the viewer may see: only their own until the reveal, then all of them. */
      readonly cards: readonly Scorecard[];
      /** The panel's cards added up, once revealed for this viewer; null before. */
      readonly aggregate: PanelAggregate | null;
      /** The notes kept for the interviewers, as evidence to score from: the panel's only, never the candidate's. */
      readonly privateNotes: readonly Note[];
    }
  | { readonly ok: false; readonly reason: 'not_found' | 'not_allowed'; readonly session?: Session };

/** What one person may see of a session's scorecards, and whether they may still change their own. */
export function scorecardView(deps: ScorecardDeps, request: ScorecardViewRequest): Promise<ScorecardViewOutcome> {
  return deps.store.transaction(async (tx): Promise<ScorecardViewOutcome> => {
    const session = await tx.sessions.find(request.sessionId);
    if (!session || !reaches(session, request.access)) return { ok: false, reason: 'not_found' };
    const role = scoringRoleOf(session, request.viewerId);
    if (!role) return { ok: false, reason: 'not_allowed', session };
    const all = await tx.scorecards.forSession(session.id);
    const state = scoringStateFor(session, all, role);
    const revealed = isRevealed(state);
    const privateNotes = role === 'candidate' ? [] : (await tx.sessions.notes(session.id)).filter((n) => !isPublicNote(n));
    return {
      ok: true,
      session,
      role,
      revealed,
      canEdit: canEdit(request.viewerId, state),
      own: all.find((c) => c.scorerId === request.viewerId),
      cards: visibleCards(request.viewerId, state),
      aggregate: revealed ? aggregate(all) : null,
      privateNotes,
    };
  });
}
