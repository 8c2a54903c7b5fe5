/**
 * Use cases on sessions: start, next, end, pause, resume, notes. Each runs in one database transaction and
 * takes `now`; posting is left to the dispatcher, which the caller wakes afterwards.
 */
import { type ClockChange, clockChangeKey, parseClockChangeKey, repeatedExtension } from '../domain/clock-change.ts';
import type { NoteKind, NoteVisibility } from '../domain/notes.ts';
import { PHASE_COUNT } from '../domain/phases.ts';
import type { Plan } from '../domain/plan.ts';
import type { Level } from '../domain/levels.ts';
import { type Access, canSteer, isLiveInterview, isOnPanel, reaches, type Session, type Workspace } from '../domain/session.ts';
import { advance, currentPhaseIndex, nextClockTick, pauseLimit, phaseEnd, planSteps, resume, schedulePhases, STEP_KINDS } from '../domain/timeline.ts';
import { type Repositories, type Store, UnreadableSessionError } from './ports.ts';

export interface SessionDeps {
  readonly store: Store;
  readonly newId: () => string;
}

/** A root refresh waits this long so that a burst of changes (notes, clicks) makes one `chat.update`. */
export const REFRESH_DELAY_MS = 2000;
/** A `next` within this long after the session last moved on (by a `next`, or a phase beginning on time), typed or clicked, is taken as the same request. */
export const REPEAT_WINDOW_MS = 15_000;
/**
 * The same time added to the same phase within this long of another extension is taken as the same request: long
 * enough for a double click, two people clicking at once or a command sent twice, shorter than it takes to decide
 * on more time and ask for it again.
 */
export const EXTEND_REPEAT_WINDOW_MS = 5_000;

export interface StartInput extends Workspace {
  readonly channelId: string;
  readonly hostId: string;
  readonly topic: string;
  readonly plan: Plan;
  readonly interviewers: readonly string[];
  readonly candidateId?: string | null | undefined;
  readonly observers?: readonly string[] | undefined;
  readonly level?: Level | null | undefined;
  readonly promptId?: string | null | undefined;
  /** A study group's session over days: members join, are reminded, and the host gets a digest at each deadline. */
  readonly isAsync?: boolean | undefined;
  /** A live interview's scorecard kept to its candidate and panel (ignored without a candidate). */
  readonly privateScores?: boolean | undefined;
}

export type StartOutcome = { kind: 'started'; session: Session } | { kind: 'busy'; existing: Session };

export function startSession(deps: SessionDeps, input: StartInput, now: number): Promise<StartOutcome> {
  return deps.store.transaction(async (tx) => {
    // No read first: the insert itself finds a live session in the channel (its unique index), and only then is
    // that session read.
    const phases = schedulePhases(input.plan, now);
    const id = deps.newId();
    const created = await tx.sessions.create({
      ...input,
      id,
      createdAt: now,
      phases,
      interviewers: input.interviewers.filter((u) => u !== input.hostId),
      candidateId: input.candidateId ?? null,
      observers: (input.observers ?? []).filter((u) => u !== input.hostId),
      level: input.level ?? null,
      promptId: input.promptId ?? null,
      isAsync: input.isAsync ?? false,
      // Kept between a candidate and the panel: without a candidate there is nobody to keep them for.
      privateScores: (input.privateScores ?? false) && Boolean(input.candidateId),
      // A live interview (a candidate or a level named) nudges its interviewers privately; an async session
      // tells its host at each deadline who contributed.
      steps: planSteps(phases, now, { nudges: isLiveInterview(input), digests: input.isAsync ?? false }),
    });
    if (!created) {
      const existing = await tx.sessions.findLive(input, input.channelId);
      if (!existing) throw new Error('a new session was refused, and the channel has no live session');
      return { kind: 'busy', existing };
    }
    // The session message's clock: redrawn as the minutes left change, each redraw planning the next.
    const tick = nextClockTick(created, now);
    if (tick !== undefined) await tx.steps.upsert(id, 'refresh', 'refresh', tick);
    return { kind: 'started', session: created };
  });
}

/**
 * Why a request to steer changed nothing. `stale`: the session has already moved on from the phase the request was
 * meant for. `repeat`: the same extension was just made (its `change` says which). `not_invited`: the session waits
 * for the app to be invited to its channel, which no command can do for it (`paused` is a pause a person made).
 */
export type SteerRefusal = 'not_found' | 'not_allowed' | 'ended' | 'paused' | 'not_paused' | 'stale' | 'repeat' | 'not_invited';
/** `change`: what an extend, pause or resume did to the clock (and what is said of it in the thread). */
export type SteerOutcome = { ok: true; session: Session; change?: ClockChange } | { ok: false; reason: SteerRefusal; session?: Session; change?: ClockChange };

/** The phase a request was made for: a button carries the phase it was drawn for; a typed command carries nothing. */
export type MadeFor = { from: number } | 'typed';

async function loadForSteering(tx: Repositories, sessionId: string, workspace: Access, userId: string): Promise<SteerOutcome> {
  // Locked for the transaction: two instances steering the same session take turns.
  const session = await tx.sessions.findForUpdate(sessionId);
  // A session of another workspace is treated exactly like one that does not exist.
  if (!session || !reaches(session, workspace)) return { ok: false, reason: 'not_found' };
  if (session.status === 'ended') return { ok: false, reason: 'ended', session };
  if (!canSteer(session, userId)) return { ok: false, reason: 'not_allowed', session };
  return { ok: true, session };
}

/**
 * The clock of a session held because the app is not in its channel stops for nobody's command but an invitation:
 * `next`, `extend`, `pause` and `resume` are refused as `not_invited`. Whoever asks may just have invited the app,
 * so what waited for that is tried again now (the listener wakes the dispatcher); the session then carries on by
 * itself, as it does when Slack tells us of the invitation. `end` is not refused: ending is what a host may want.
 */
async function refuseWhileUninvited(tx: Repositories, session: Session, now: number): Promise<SteerOutcome | undefined> {
  if (session.status !== 'paused' || session.pauseReason !== 'not_in_channel') return undefined;
  await tx.steps.retryNotInChannel(session.id, now);
  return { ok: false, reason: 'not_invited', session };
}

/**
 * Ends the current phase now and starts the next; on the last phase it ends the session. One that comes within
 * `REPEAT_WINDOW_MS` of the last move is taken as a repeat of it, typed or clicked: the session message is redrawn
 * with the new phase within a second of a move, so a second click (a double click, two people a second apart)
 * carries the new phase too. A button drawn for a phase that has ended since (`expected.from`) changes nothing either.
 */
export function nextPhase(
  deps: SessionDeps,
  sessionId: string,
  workspace: Access,
  userId: string,
  now: number,
  expected: MadeFor,
): Promise<SteerOutcome> {
  return deps.store.transaction(async (tx) => {
    const loaded = await loadForSteering(tx, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    const session = loaded.session;
    const uninvited = await refuseWhileUninvited(tx, session, now);
    if (uninvited) return uninvited;
    if (session.status === 'paused') return { ok: false, reason: 'paused', session };
    const step = advance(session.phases, now);
    // A phase that began on time a moment ago (not the first, which began with the session) is a move too: a `next`
    // typed as the phase before ran out was meant for that one, and must not skip the phase just begun.
    const began = step.from > 0 ? session.phases[step.from]?.startsAt : undefined;
    const justMoved = (session.movedAt !== null && now - session.movedAt < REPEAT_WINDOW_MS) || (began !== undefined && now - began < REPEAT_WINDOW_MS);
    if (justMoved || (expected !== 'typed' && expected.from !== step.from)) return { ok: false, reason: 'stale', session };
    await tx.sessions.addParticipant(sessionId, userId, now);
    if (step.to === null) return finish(tx, session, now, 'ended_by_host');
    await tx.steps.cancel(sessionId, `warning:${step.from}`, 'phase ended early');
    // Even while it is being sent, person by person: the rest of the panel would get it during the next phase.
    await tx.steps.cancel(sessionId, `nudge:mid:${step.from}`, 'phase ended early', { inFlight: true });
    await tx.sessions.shiftPhases(sessionId, step.from, step.boundary, step.shiftMs, now);
    await tx.steps.shiftPending(sessionId, step.boundary, step.shiftMs, now);
    await tx.sessions.markMoved(sessionId, now);
    await replanReminders(tx, session, now);
    return { ok: true, session: await mustFind(tx, sessionId) };
  });
}

export function endSession(deps: SessionDeps, sessionId: string, workspace: Access, userId: string, now: number): Promise<SteerOutcome> {
  return deps.store.transaction(async (tx) => {
    const loaded = await loadForSteering(tx, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    await tx.sessions.addParticipant(sessionId, userId, now);
    return finish(tx, loaded.session, now, 'ended_by_host');
  });
}

/**
 * Why a session that cannot be read was ended and its remaining posts cancelled, by `end` or by the dispatcher
 * giving up on it; also the start of the last error of a step that waits for such a session.
 */
export const UNREADABLE_SESSION = 'session_unreadable';

export type EndUnreadableOutcome = { ok: true } | { ok: false; reason: 'not_allowed'; hostId: string } | { ok: false; reason: 'ended' };

/**
 * `/mockdesign end` on a live session this version cannot read (the finder found it in the asker's channel, as
 * seen from their workspace): it is ended now as the dispatcher ends it when it gives up on one, its posts all
 * cancelled, with no summary (nothing of it can be rendered), and the channel is free for a new session. Who may
 * end it is who may end any session, its host and its interviewers, when its host reads; when that does not read
 * either, anyone in the channel may, since nobody could be told from it and the channel would stay blocked.
 */
export function endUnreadableSession(deps: SessionDeps, sessionId: string, userId: string, now: number): Promise<EndUnreadableOutcome> {
  return deps.store.transaction(async (tx) => {
    const steerers = await tx.sessions.steerersForUpdate(sessionId);
    if (!steerers) return { ok: false, reason: 'ended' };
    const { hostId, interviewers } = steerers;
    if (hostId !== null && !canSteer({ hostId, interviewers }, userId)) return { ok: false, reason: 'not_allowed', hostId };
    // Ended meanwhile (the dispatcher gave up on it, or someone else ended it): nothing more to do.
    if (!(await tx.sessions.end(sessionId, now, UNREADABLE_SESSION))) return { ok: false, reason: 'ended' };
    await tx.steps.cancelPending(sessionId, STEP_KINDS, UNREADABLE_SESSION);
    // Ended, the row may read again (when its status was what did not): its message is then redrawn as ended, and
    // its buttons go. One that still does not read is left as it is, rather than retried for hours.
    if (await readsAgain(tx, sessionId)) await tx.steps.upsert(sessionId, 'refresh', 'refresh', now);
    return { ok: true };
  });
}

async function readsAgain(tx: Repositories, sessionId: string): Promise<boolean> {
  try {
    return (await tx.sessions.find(sessionId)) !== undefined;
  } catch (error) {
    if (error instanceof UnreadableSessionError) return false;
    throw error;
  }
}

/**
 * Ends a session: no more phases or time checks; the summary goes now, even if the session was paused. A pause
 * under way counts as paused time of the phase it interrupted, as a resume would have counted it: the summary,
 * the session message and the export then say how much of the phase was paused, not that it all was worked.
 */
export async function finish(tx: Repositories, session: Session, now: number, reason: string): Promise<SteerOutcome> {
  const { pausedAt } = session;
  if (session.status === 'paused' && pausedAt !== null && pausedAt < now) {
    await tx.sessions.addPausedTime(session.id, currentPhaseIndex(session.phases, pausedAt), now - pausedAt);
  }
  await tx.sessions.end(session.id, now, reason);
  await tx.steps.cancelPending(session.id, ['phase', 'warning', 'nudge', 'digest', 'remind', 'expire'], 'session ended');
  await tx.steps.summaryNow(session.id, now);
  await tx.steps.upsert(session.id, 'refresh', 'refresh', now);
  return { ok: true, session: await mustFind(tx, session.id) };
}

/**
 * Pauses a running session: its pending posts are held (costing the tick nothing) and a limit is set after
 * which it ends itself with its summary. `reason` is null when a person paused it.
 */
export async function holdSession(tx: Repositories, session: Session, now: number, reason: string | null): Promise<boolean> {
  if (!(await tx.sessions.pause(session.id, now, reason))) return false;
  await tx.steps.hold(session.id);
  await tx.steps.upsert(session.id, 'expire', 'expire', now + pauseLimit(session.phases));
  await tx.steps.upsert(session.id, 'refresh', 'refresh', now);
  return true;
}

/**
 * Resumes a paused session: everything still ahead of the pause moves by the paused span, and so does what fell due
 * before it but was never posted. A session held because the app could not post (not in the channel) waited from
 * the first post it could not make: the phase whose message that was, the first one too, begins once it is posted,
 * with all its time and no word of lateness. (A post that was late already, the app being offline, stays as late.)
 */
export async function releaseSession(tx: Repositories, session: Session, now: number): Promise<boolean> {
  const pausedAt = session.pausedAt;
  if (session.status !== 'paused' || pausedAt === null) return false;
  const moved = resume(session.phases, pausedAt, now);
  const from = Math.min(pausedAt + 1, await earliestUnposted(tx, session.id));
  // The wait counts as paused time of the phase under way from then on; one before the first phase is no one's.
  const first = session.phases[0];
  if (first && first.startsAt < from) await tx.sessions.addPausedTime(session.id, currentPhaseIndex(session.phases, from - 1), moved.shiftMs);
  await tx.steps.release(session.id);
  await tx.sessions.shiftPhases(session.id, -1, from, moved.shiftMs, now);
  await tx.steps.shiftPending(session.id, from, moved.shiftMs, now);
  await tx.steps.cancel(session.id, 'expire', 'resumed');
  await tx.sessions.resume(session.id, now);
  await tx.steps.upsert(session.id, 'refresh', 'refresh', now);
  await replanReminders(tx, session, now);
  return true;
}

/** When the earliest of a session's posts in order that has not gone out yet was due (Infinity: none is left). */
async function earliestUnposted(tx: Repositories, sessionId: string): Promise<number> {
  let earliest = Number.POSITIVE_INFINITY;
  for (const step of await tx.steps.ofSession(sessionId)) {
    if (step.seq > 0 && (step.state === 'queued' || step.state === 'pending' || step.state === 'held')) earliest = Math.min(earliest, step.dueAt);
  }
  return earliest;
}

/**
 * An async session's reminders are worked out again now: the phases moved (next, extend, resume) or the members
 * changed. The `remind` step plans its own next run from the session as it then is.
 */
export async function replanReminders(tx: Repositories, session: Session, now: number): Promise<void> {
  if (session.isAsync) await tx.steps.upsert(session.id, 'remind', 'remind', now);
}

export function pauseSession(deps: SessionDeps, sessionId: string, workspace: Access, userId: string, now: number): Promise<SteerOutcome> {
  return deps.store.transaction(async (tx) => {
    const loaded = await loadForSteering(tx, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    const uninvited = await refuseWhileUninvited(tx, loaded.session, now);
    if (uninvited) return uninvited;
    if (!(await holdSession(tx, loaded.session, now, null))) return { ok: false, reason: 'paused', session: loaded.session };
    const paused = await mustFind(tx, sessionId);
    const index = currentPhaseIndex(paused.phases, now);
    const left = Math.max(0, phaseEnd(paused.phases, index, paused.endsAt) - now);
    return { ok: true, session: paused, change: await say(tx, sessionId, { kind: 'paused', by: userId, at: now, phaseIndex: index, ms: left, endsAt: 0 }) };
  });
}

/** Resumes a session a person paused (one waiting for an invitation is refused: see `refuseWhileUninvited`). */
export function resumeSession(deps: SessionDeps, sessionId: string, workspace: Access, userId: string, now: number): Promise<SteerOutcome> {
  return deps.store.transaction(async (tx) => {
    const loaded = await loadForSteering(tx, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    const session = loaded.session;
    const uninvited = await refuseWhileUninvited(tx, session, now);
    if (uninvited) return uninvited;
    if (!(await releaseSession(tx, session, now))) return { ok: false, reason: 'not_paused', session };
    // Whoever resumes may just have invited the bot: a post that was waiting for that goes now.
    await tx.steps.retryNotInChannel(sessionId, now);
    const resumed = await mustFind(tx, sessionId);
    const index = currentPhaseIndex(resumed.phases, now);
    const shift = Math.max(0, now - (session.pausedAt ?? now));
    const change = await say(tx, sessionId, { kind: 'resumed', by: userId, at: now, phaseIndex: index, ms: shift, endsAt: phaseEnd(resumed.phases, index, resumed.endsAt) });
    return { ok: true, session: resumed, change };
  });
}

/**
 * Gives the phase under way more time (`extend 10m`, the **+5 min** button): it ends later, and everything after
 * it (later phases, their time checks, the summary) moves by the same amount. The same time added to the same phase
 * within `EXTEND_REPEAT_WINDOW_MS` of another such extension is taken as a repeat of it (a double click, two people
 * clicking, `+1` typed twice together); a button drawn for a phase that has ended since adds nothing.
 */
export function extendPhase(
  deps: SessionDeps,
  sessionId: string,
  workspace: Access,
  userId: string,
  ms: number,
  now: number,
  expected: MadeFor = 'typed',
): Promise<SteerOutcome> {
  return deps.store.transaction(async (tx) => {
    const loaded = await loadForSteering(tx, sessionId, workspace, userId);
    if (!loaded.ok) return loaded;
    const session = loaded.session;
    const uninvited = await refuseWhileUninvited(tx, session, now);
    if (uninvited) return uninvited;
    if (session.status === 'paused') return { ok: false, reason: 'paused', session };
    const index = currentPhaseIndex(session.phases, now);
    if (expected !== 'typed' && expected.from !== index) return { ok: false, reason: 'stale', session };
    const earlier = repeatedExtension(await changesSaid(tx, sessionId), index, ms, now, EXTEND_REPEAT_WINDOW_MS);
    if (earlier) return { ok: false, reason: 'repeat', session, change: earlier };
    await tx.sessions.addParticipant(sessionId, userId, now);
    await tx.sessions.extendPhase(sessionId, index, ms, now);
    await tx.steps.shiftPending(sessionId, now, ms, now);
    await tx.steps.upsert(sessionId, 'refresh', 'refresh', now);
    await replanReminders(tx, session, now);
    const extended = await mustFind(tx, sessionId);
    const change = await say(tx, sessionId, { kind: 'extended', by: userId, at: now, phaseIndex: index, ms, endsAt: phaseEnd(extended.phases, index, extended.endsAt) });
    return { ok: true, session: extended, change };
  });
}

/**
 * Plans the line that says a change to the clock in the session's thread: a step of the kind that posts the thread's
 * time checks, keyed by the change, outside the session's order, so it goes out while the session is paused, paced
 * and retried like every post (a session whose message is not out yet has no thread: its message shows the change).
 */
async function say(tx: Repositories, sessionId: string, change: ClockChange): Promise<ClockChange> {
  await tx.steps.upsert(sessionId, clockChangeKey(change), 'warning', change.at);
  return change;
}

/** The changes to the clock said (or to be said) in a session's thread. */
async function changesSaid(tx: Repositories, sessionId: string): Promise<ClockChange[]> {
  const changes: ClockChange[] = [];
  for (const step of await tx.steps.ofSession(sessionId)) {
    const change = parseClockChangeKey(step.key);
    if (change) changes.push(change);
  }
  return changes;
}

export type HandOverRefusal = SteerRefusal | 'not_host' | 'candidate' | 'same';

/** The host hands the session to someone else; the former host stays on as an interviewer. */
export function handOver(
  deps: SessionDeps,
  sessionId: string,
  workspace: Access,
  userId: string,
  newHostId: string,
  now: number,
): Promise<{ ok: true; session: Session } | { ok: false; reason: HandOverRefusal; session?: Session }> {
  return deps.store.transaction(async (tx) => {
    const loaded = await loadForSteering(tx, sessionId, workspace, userId);
    // Only the host hands over: anyone else, interviewer or not, is told that, not who may steer.
    if (!loaded.ok) return loaded.reason === 'not_allowed' ? { ok: false, reason: 'not_host', session: loaded.session } : loaded;
    const session = loaded.session;
    if (session.hostId !== userId) return { ok: false, reason: 'not_host', session };
    if (newHostId === session.hostId) return { ok: false, reason: 'same', session };
    if (newHostId === session.candidateId) return { ok: false, reason: 'candidate', session };
    await tx.sessions.setHost(sessionId, newHostId, userId, now);
    await tx.steps.upsert(sessionId, 'refresh', 'refresh', now);
    return { ok: true, session: await mustFind(tx, sessionId) };
  });
}

export interface NoteInput extends Access {
  readonly sessionId: string;
  readonly authorId: string;
  /** Defaults to the phase under way. */
  readonly phaseIndex?: number | undefined;
  readonly kind: NoteKind;
  readonly text: string;
  /** Identifies the submission, so a second delivery of it stores nothing. */
  readonly dedupeKey: string | null;
  /** 'interviewers': kept out of the thread and the public summary; only the panel may write one. */
  readonly visibility?: NoteVisibility | undefined;
}

export type NoteOutcome =
  | { ok: true; stored: boolean; session: Session; phaseIndex: number }
  | { ok: false; reason: 'not_found' | 'ended' | 'bad_phase' | 'not_panel' };

export function addNote(deps: SessionDeps, input: NoteInput, now: number): Promise<NoteOutcome> {
  return deps.store.transaction(async (tx) => {
    const session = await tx.sessions.find(input.sessionId);
    if (!session || !reaches(session, input)) return { ok: false, reason: 'not_found' };
    if (session.status === 'ended') return { ok: false, reason: 'ended' };
    const phaseIndex = input.phaseIndex ?? currentPhaseIndex(session.phases, now);
    if (!Number.isInteger(phaseIndex) || phaseIndex < 0 || phaseIndex >= PHASE_COUNT) return { ok: false, reason: 'bad_phase' };
    const visibility = input.visibility ?? 'everyone';
    if (visibility === 'interviewers' && !isOnPanel(session, input.authorId)) return { ok: false, reason: 'not_panel' };
    const stored = await tx.sessions.addNote({
      visibility,
      sessionId: session.id,
      phaseIndex,
      kind: input.kind,
      authorId: input.authorId,
      text: input.text,
      createdAt: now,
      dedupeKey: input.dedupeKey,
    });
    // The session message shows the notes count: refresh it soon, once for a burst of notes.
    if (stored && visibility === 'everyone') await tx.steps.upsert(session.id, 'refresh', 'refresh', now + REFRESH_DELAY_MS);
    return { ok: true, stored, session, phaseIndex };
  });
}

export type NoteChange = { readonly phaseIndex: number; readonly kind: NoteKind; readonly text: string; readonly visibility: NoteVisibility };
export type NoteEditOutcome = { ok: true; session: Session } | { ok: false; reason: 'not_found' | 'ended' | 'not_author' | 'not_panel' };

/** A note's author changes it, until the session's summary. */
export function editNote(
  deps: SessionDeps,
  input: { sessionId: string; noteId: number; access: Access; userId: string; change: NoteChange },
  now: number,
): Promise<NoteEditOutcome> {
  return deps.store.transaction(async (tx) => {
    const checked = await checkAuthor(tx, input);
    if (!checked.ok) return checked;
    if (input.change.visibility === 'interviewers' && !isOnPanel(checked.session, input.userId)) return { ok: false, reason: 'not_panel' };
    if (!(await tx.sessions.updateNote(input.sessionId, input.noteId, input.userId, input.change, now))) return { ok: false, reason: 'not_author' };
    await tx.steps.upsert(input.sessionId, 'refresh', 'refresh', now + REFRESH_DELAY_MS);
    return checked;
  });
}

/** A note's author deletes it, until the session's summary: it is left out of everything from then on. */
export function deleteNote(deps: SessionDeps, input: { sessionId: string; noteId: number; access: Access; userId: string }, now: number): Promise<NoteEditOutcome> {
  return deps.store.transaction(async (tx) => {
    const checked = await checkAuthor(tx, input);
    if (!checked.ok) return checked;
    if (!(await tx.sessions.deleteNote(input.sessionId, input.noteId, input.userId, now))) return { ok: false, reason: 'not_author' };
    await tx.steps.upsert(input.sessionId, 'refresh', 'refresh', now + REFRESH_DELAY_MS);
    return checked;
  });
}

async function checkAuthor(tx: Repositories, input: { sessionId: string; noteId: number; access: Access; userId: string }): Promise<NoteEditOutcome> {
  const session = await tx.sessions.find(input.sessionId);
  if (!session || !reaches(session, input.access)) return { ok: false, reason: 'not_found' };
  // Once the summary is out, what it says stays true.
  if (session.status === 'ended') return { ok: false, reason: 'ended' };
  const note = await tx.sessions.note(input.sessionId, input.noteId);
  if (!note) return { ok: false, reason: 'not_found' };
  if (note.authorId !== input.userId) return { ok: false, reason: 'not_author' };
  return { ok: true, session };
}

/**
 * The bot was invited to a channel: posts that waited for it go now, and sessions it paused carry on. Returns how
 * many steps were woken and how many sessions resumed (whose held steps are now due).
 */
export function botJoinedChannel(deps: SessionDeps, workspace: Workspace, channelId: string, now: number): Promise<{ steps: number; resumed: number }> {
  return deps.store.transaction(async (tx) => {
    let steps = 0;
    let resumed = 0;
    for (const session of await tx.sessions.liveInChannel(workspace, channelId)) {
      if (session.status === 'paused' && session.pauseReason === 'not_in_channel' && (await releaseSession(tx, session, now))) resumed += 1;
      // A post refused while this arrives is not pending yet: it takes the recorded invitation and goes again.
      steps += await tx.steps.retryNotInChannel(session.id, now);
    }
    return { steps, resumed };
  });
}

/**
 * Slack took our access to a workspace away: its live sessions end at once, and nothing more is posted for them;
 * its recurring sessions are removed, or each occurrence would start a session that cannot post. Returns the
 * sessions ended and how many schedules were removed.
 */
export function endWorkspace(deps: SessionDeps, workspace: Workspace, now: number, reason: string): Promise<{ sessions: string[]; schedules: number }> {
  return deps.store.transaction(async (tx) => {
    const ids = await tx.sessions.endAllForWorkspace(workspace, now, reason);
    // Every kind: a study group's digest and reminders would otherwise be tried without a token, and fail.
    for (const id of ids) await tx.steps.cancelPending(id, STEP_KINDS, reason);
    return { sessions: ids, schedules: await tx.schedules.removeInWorkspace(workspace, now) };
  });
}

async function mustFind(tx: Repositories, id: string): Promise<Session> {
  const session = await tx.sessions.find(id);
  if (!session) throw new Error(`session ${id} vanished`);
  return session;
}
