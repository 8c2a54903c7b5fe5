/**
 * Use cases of async study groups: joining and leaving a session, muting its reminders, and counting a reply in
 * its thread as a contribution. Each runs in one transaction and takes `now`.
 */
import { currentPhaseIndex } from '../domain/timeline.ts';
import { type Access, reaches, type Session } from '../domain/session.ts';
import { REFRESH_DELAY_MS, replanReminders, type SessionDeps } from './sessions.ts';

export type MembershipRefusal = 'not_found' | 'ended' | 'not_async';
export type MembershipOutcome = { ok: true; changed: boolean; session: Session } | { ok: false; reason: MembershipRefusal; session?: Session };

/** Joins an async session: the member is reminded in each phase they have not contributed to, in their daytime. */
export function joinSession(
  deps: SessionDeps,
  input: { sessionId: string; access: Access; userId: string; tz: string | null },
  now: number,
): Promise<MembershipOutcome> {
  return deps.store.transaction(async (tx) => {
    const session = await tx.sessions.find(input.sessionId);
    if (!session || !reaches(session, input.access)) return { ok: false, reason: 'not_found' };
    if (session.status === 'ended') return { ok: false, reason: 'ended', session };
    if (!session.isAsync) return { ok: false, reason: 'not_async', session };
    const changed = await tx.members.join(session.id, input.userId, input.tz, now);
    if (changed) {
      // The Home tab lists the sessions a person takes part in.
      await tx.sessions.addParticipant(session.id, input.userId, now);
      await tx.steps.upsert(session.id, 'refresh', 'refresh', now + REFRESH_DELAY_MS);
      await replanReminders(tx, session, now);
    }
    return { ok: true, changed, session };
  });
}

/** Leaves an async session: no more reminders; what they contributed stays. */
export function leaveSession(deps: SessionDeps, input: { sessionId: string; access: Access; userId: string }, now: number): Promise<MembershipOutcome> {
  return deps.store.transaction(async (tx) => {
    const session = await tx.sessions.find(input.sessionId);
    if (!session || !reaches(session, input.access)) return { ok: false, reason: 'not_found' };
    if (session.status === 'ended') return { ok: false, reason: 'ended', session };
    const changed = await tx.members.leave(session.id, input.userId, now);
    if (changed) await tx.steps.upsert(session.id, 'refresh', 'refresh', now + REFRESH_DELAY_MS);
    return { ok: true, changed, session };
  });
}

/** No more reminders for this session (the member stays a member, and the host's digest still names them). */
export function muteReminders(deps: SessionDeps, input: { sessionId: string; access: Access; userId: string }, now: number): Promise<MembershipOutcome> {
  return deps.store.transaction(async (tx) => {
    const session = await tx.sessions.find(input.sessionId);
    if (!session || !reaches(session, input.access)) return { ok: false, reason: 'not_found' };
    const changed = await tx.members.mute(session.id, input.userId, now);
    return { ok: true, changed, session };
  });
}

export interface ThreadReply {
  readonly access: Access & { readonly channelId: string };
  readonly threadTs: string;
  readonly ts: string;
  readonly userId: string;
}

/**
 * A reply in a session's thread counts as a contribution to the phase under way (the phase it was paused in, when
 * paused). Returns the session when the reply was counted; undefined for a thread that is no session's, a session
 * that has ended, or a reply counted before.
 */
export function recordThreadReply(deps: SessionDeps, reply: ThreadReply, now: number): Promise<Session | undefined> {
  return deps.store.transaction(async (tx) => {
    const session = await tx.sessions.findByRoot(reply.access.channelId, reply.threadTs);
    if (!session || !reaches(session, reply.access) || session.status === 'ended') return undefined;
    const at = session.status === 'paused' && session.pausedAt !== null ? session.pausedAt : now;
    const counted = await tx.members.recordReply(session.id, reply.userId, currentPhaseIndex(session.phases, at), reply.ts, now);
    if (!counted) return undefined;
    await tx.sessions.addParticipant(session.id, reply.userId, now);
    // An async session's message shows who contributed to the phase under way.
    if (session.isAsync) await tx.steps.upsert(session.id, 'refresh', 'refresh', now + REFRESH_DELAY_MS);
    return session;
  });
}
