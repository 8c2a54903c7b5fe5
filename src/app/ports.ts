/** What the use cases need from the outside world, as interfaces: Slack, the log, and the storage. */
import type { AuthoredNote, ChannelHistoryEntry, ScoredSession } from '../domain/history.ts';
import type { Level } from '../domain/levels.ts';
import type { Note } from '../domain/notes.ts';
import type { Contribution, Member } from '../domain/reminders.ts';
import type { Scorecard } from '../domain/scorecard.ts';
import type { Session, Workspace } from '../domain/session.ts';
import type { PhaseSlot, PlannedStep, StepKind } from '../domain/timeline.ts';

export type { StepKind } from '../domain/timeline.ts';
/**
 * queued: waiting for the session's earlier steps; pending: its turn, due at `runAt`; held: its turn, but the
 * session is paused; sending: claimed by an instance; then done, failed or cancelled.
 */
export type StepState = 'queued' | 'pending' | 'held' | 'sending' | 'done' | 'failed' | 'cancelled';

/** One row of the durable schedule: something to post (or do) for a session at a time. */
export interface Step {
  readonly id: number;
  readonly sessionId: string;
  readonly key: string;
  readonly kind: StepKind;
  readonly phaseIndex: number | null;
  /** Posting order within the session; negative for steps outside the order (root refresh, pause limit). */
  readonly seq: number;
  readonly dueAt: number;
  readonly runAt: number;
  readonly state: StepState;
  /** Failed attempts that count towards giving up (a 429 does not). */
  readonly attempts: number;
  readonly owner: string | null;
  readonly leaseUntil: number | null;
  /** When the latest post of this step began; a post in doubt is looked for only once it has settled. */
  readonly sentAt: number | null;
  readonly postedTs: string | null;
  /** Parts of a multi-message step already posted. */
  readonly progress: number;
  /** An earlier attempt may have posted without being recorded: look before posting again. */
  readonly uncertain: boolean;
  readonly lastError: string | null;
  /**
   * Who a step sent person by person goes to, one part each in this order (a nudge: the panel), fixed as its first
   * post began; null before, and for every other step. Parts are counted, not named: a retry after a change of
   * panel sends the rest to the people this names.
   */
  readonly audience: readonly string[] | null;
}

/** Who holds a claimed step, and for how long it is theirs without news. */
export interface Lease {
  readonly owner: string;
  readonly leaseMs: number;
  /**
   * Tags the steps a claiming call takes (unique per owner): should the call fail without an answer, the owner
   * can hand those steps back (releaseLostClaims), never having seen them.
   */
  readonly claimId?: number;
}

export interface NewSession extends Workspace {
  readonly id: string;
  readonly channelId: string;
  readonly hostId: string;
  readonly topic: string;
  readonly createdAt: number;
  readonly phases: readonly PhaseSlot[];
  readonly interviewers: readonly string[];
  readonly candidateId: string | null;
  readonly observers: readonly string[];
  readonly level: Level | null;
  readonly promptId: string | null;
  readonly isAsync: boolean;
  readonly privateScores: boolean;
  readonly steps: readonly PlannedStep[];
}

export interface NewNote extends Omit<Note, 'id'> {
  readonly dedupeKey: string | null;
}

/** A stored session this version cannot read: a value it does not know (written by a newer version, or by hand), or a damaged row. */
export interface UnreadableSession {
  readonly id: string;
  /** The table and column, and the value found there. */
  readonly reason: string;
  /** Where it runs and who hosts it, when those columns read. */
  readonly address?: SessionAddress;
}

/** Where a session runs and who hosts it: enough to tell the host something, even of a session that cannot be read whole. */
export type SessionAddress = Pick<Session, 'id' | 'teamId' | 'enterpriseId' | 'channelId' | 'hostId' | 'topic'>;

/**
 * A session row the repository had to return cannot be read by this version (see `UnreadableSession`). Nothing is
 * wrong with the request or the database: the row is as a newer version (or a hand) wrote it, and asking again
 * changes nothing until a version that reads it takes over, or the session is ended.
 */
export class UnreadableSessionError extends Error {
  override readonly name = 'UnreadableSessionError';
  readonly sessionId: string;
  /** The table and column, and the value found there. */
  readonly reason: string;
  /** Its workspace and channel, when those columns read (they place it, whatever else its row holds). */
  readonly place: SessionPlace | undefined;
  /** Whether its stored status is other than 'ended': what the database itself counts as a channel's live session. */
  readonly live: boolean;
  constructor(session: UnreadableSession, place: SessionPlace | undefined, live: boolean) {
    super(`session ${session.id} cannot be read: ${session.reason}`);
    this.sessionId = session.id;
    this.reason = session.reason;
    this.place = place;
    this.live = live;
  }
}

/** Where a session runs: its workspace and channel. */
export type SessionPlace = Pick<Session, 'teamId' | 'enterpriseId' | 'channelId'>;

/** Who may steer a session, as `canSteer` asks, read from its host column and its people alone. */
export interface Steerers {
  /** Null when the host column does not read. */
  readonly hostId: string | null;
  readonly interviewers: readonly string[];
}

/**
 * Sessions, their phases, people, notes and notices. A session row a method must return that this version cannot
 * read throws `UnreadableSessionError`, unless the method collects such rows (`findMany`, `liveByChannel`).
 */
export interface SessionRepository {
  /**
   * Creates the session with its whole schedule and returns it as `find` would read it; undefined if the channel
   * already has a live one. Call inside a transaction.
   */
  create(s: NewSession): Promise<Session | undefined>;
  find(id: string): Promise<Session | undefined>;
  /**
   * Several sessions at once, in no particular order; ids not found are left out. A session whose row (or a row of
   * its phases or people) cannot be read is named in `unreadable`, and the others are read all the same.
   */
  findMany(ids: readonly string[]): Promise<{ readonly sessions: Session[]; readonly unreadable: UnreadableSession[] }>;
  /** Reads the session and keeps other writers of it waiting until the transaction ends (PostgreSQL row lock). */
  findForUpdate(id: string): Promise<Session | undefined>;
  /**
   * Who may steer a session, read from its host column and its people, never the rest of its row: it answers for a
   * session that cannot be read (to end it). Keeps other writers of it waiting as `findForUpdate` does; undefined
   * when there is no such session.
   */
  steerersForUpdate(id: string): Promise<Steerers | undefined>;
  /** The live (running or paused) session of a channel, scoped to its workspace. */
  findLive(workspace: Workspace, channelId: string): Promise<Session | undefined>;
  /**
   * Live sessions in a channel id, of any workspace (a channel shared between organisations has one id on every
   * side), oldest first; with `first`, that workspace's own session (there is at most one) before the others.
   * With `unreadable`, a session whose row cannot be read goes there (as the error it would throw) and is left out;
   * without it, such a row throws.
   */
  liveByChannel(channelId: string, limit?: number, first?: Workspace, unreadable?: UnreadableSessionError[]): Promise<Session[]>;
  /** Live sessions a person hosts, interviews in or took part in, newest first (for the Home tab). */
  liveForUser(workspace: Workspace, userId: string, limit?: number): Promise<Session[]>;
  /** Live sessions of a channel in any state that the bot could not post to (for when it is invited). */
  liveInChannel(workspace: Workspace, channelId: string): Promise<Session[]>;
  participants(sessionId: string): Promise<string[]>;
  /** Remembers that someone took part (clicked, wrote a note); the first role recorded wins. */
  addParticipant(sessionId: string, userId: string, at: number): Promise<void>;
  notes(sessionId: string): Promise<Note[]>;
  /** One live (not deleted) note of a session. */
  note(sessionId: string, noteId: number): Promise<Note | undefined>;
  /** Changes a note, its author's only; false when it is not theirs or gone. */
  updateNote(sessionId: string, noteId: number, authorId: string, change: Pick<Note, 'phaseIndex' | 'kind' | 'text' | 'visibility'>, at: number): Promise<boolean>;
  /** Deletes a note (kept as deleted, out of every view), its author's only; false when it is not theirs or gone. */
  deleteNote(sessionId: string, noteId: number, authorId: string, at: number): Promise<boolean>;
  noteCount(sessionId: string): Promise<number>;
  /** Stores a note; false when the same submission was stored before. */
  addNote(note: NewNote): Promise<boolean>;
  /** Records the session message's ts, and its permalink when one is known by then (a null leaves it as it is). */
  setRoot(sessionId: string, rootTs: string, at: number, permalink?: string | null): Promise<void>;
  setPermalink(sessionId: string, permalink: string): Promise<void>;
  /** Moves every phase after `afterIndex` that starts at or after `from` by `shift`, and the session's end with them. */
  shiftPhases(sessionId: string, afterIndex: number, from: number, shift: number, at: number): Promise<void>;
  /** Remembers when `next` last moved the session on. */
  markMoved(sessionId: string, at: number): Promise<void>;
  /** Adds time to one phase: it ends later and every later phase (and the session's end) moves with it. */
  extendPhase(sessionId: string, index: number, ms: number, at: number): Promise<void>;
  /** Counts time the session spent paused in one phase (for the summary). */
  addPausedTime(sessionId: string, index: number, ms: number): Promise<void>;
  /** A new host; the former one stays on as an interviewer. */
  setHost(sessionId: string, hostId: string, formerHostId: string, at: number): Promise<void>;
  /** Prompt bank ids used by sessions in a channel, oldest first (`start --random` avoids them). */
  promptsUsedIn(workspace: Workspace, channelId: string): Promise<string[]>;
  /** The channel's most recent session in one workspace, live or ended (`/mockdesign export` with no session named). */
  latestInChannel(workspace: Workspace, channelId: string): Promise<Session | undefined>;
  /** The session whose session message is `rootTs` in the channel, of any workspace (`export` given a link to it). */
  findByRoot(channelId: string, rootTs: string): Promise<Session | undefined>;
  /** Marks the session ended; false if it already was. */
  end(sessionId: string, at: number, reason: string | null): Promise<boolean>;
  pause(sessionId: string, at: number, reason: string | null): Promise<boolean>;
  resume(sessionId: string, at: number): Promise<boolean>;
  /** Ends every live session of a workspace (the app was uninstalled or its tokens revoked); returns their ids. */
  endAllForWorkspace(workspace: Workspace, at: number, reason: string): Promise<string[]>;
  /** Teams of an organisation that have live sessions (an org-wide uninstall ends theirs). */
  teamsWithLiveSessions(enterpriseId: string): Promise<string[]>;
  /** Records that the host was told `kind` about this session; false if they already were (tell once). */
  firstNotice(sessionId: string, kind: string, at: number): Promise<boolean>;
  /**
   * A channel's recent sessions in one workspace, live and ended, newest first, each with its public notes counted
   * per phase and the people who wrote them (for `/mockdesign history`).
   */
  channelHistory(workspace: Workspace, channelId: string, limit?: number): Promise<ChannelHistoryEntry[]>;
  /** Ended sessions a person took part in (any role, or wrote a note), newest first (for the Home tab). */
  endedForUser(workspace: Workspace, userId: string, limit?: number): Promise<Session[]>;
  /** A person's own notes (deleted ones left out), newest first, with the session each belongs to. */
  notesByAuthor(workspace: Workspace, userId: string, limit?: number): Promise<AuthoredNote[]>;
  /**
   * Ended interviews where the person was the candidate and the panel scored, newest first, each with the panel's
   * cards and the person's own self-assessment (never anyone else's), reduced to their scores.
   */
  scoredAsCandidate(workspace: Workspace, userId: string, limit?: number): Promise<ScoredSession[]>;
}

export interface StepRepository {
  /**
   * Claims due steps for `lease.owner`: pending ones whose time has come, and `sending` ones whose lease ran
   * out (their owner died; they come back marked uncertain). Only the earliest unfinished ordered step of a
   * session is claimable, so a session's posts go out in order whichever instance posts them.
   */
  claimDue(lease: Lease, limit: number, options?: { orphans?: boolean }): Promise<Step[]>;
  /** The session's next step if it is due: a worker keeps going through a session's backlog in order. */
  claimNextOfSession(sessionId: string, lease: Lease): Promise<Step | undefined>;
  /**
   * A post of this step begins now: renews the lease and remembers when, for the settle wait. False if no longer ours.
   * `audience`: who its parts go to, recorded unless one already is (see Step.audience).
   */
  beginPost(step: Step, lease: Lease, audience?: readonly string[]): Promise<boolean>;
  recordProgress(step: Step, owner: string, done: number, ts: string | null): Promise<boolean>;
  /**
   * Done. `ts`: the first message, if not recorded yet; `parts`: how many parts went out, when the last one was
   * not recorded on its own (the completion carries it).
   */
  complete(step: Step, owner: string, ts: string | null, parts?: number): Promise<boolean>;
  /**
   * Completes the step as `complete` does and moves the session's next step up, taking it at once for
   * `lease.owner` when it is due: the worker that posted a step goes on with the next. False if the step was not
   * ours; else the next step when it was taken. Call inside a transaction.
   */
  completeAndTakeNext(step: Step, lease: Lease, ts: string | null, parts?: number): Promise<Step | undefined | false>;
  /**
   * Back to pending, to run again after `delayMs`, and not before `settleMs` after its latest post began when
   * that post may still land at Slack. `countAttempt: false` for waits that are not failures (429s). False if
   * the step is no longer ours.
   */
  retry(step: Step, owner: string, retry: { delayMs: number; settleMs?: number; error: string; uncertain: boolean; countAttempt: boolean }): Promise<boolean>;
  fail(step: Step, owner: string, error: string): Promise<boolean>;
  /**
   * Back to pending, due at once, with the claim's attempt given back: the steps `owner` took in claims that
   * failed without an answer (the change may have been made, and its answer lost). Their posts never began: a
   * step keeps `uncertain` only if it had it before (taken over from a dead owner). Returns how many.
   */
  releaseLostClaims(owner: string, claimIds: readonly number[], error: string): Promise<number>;
  /**
   * Steps of these kinds not yet done will never run: those waiting, and those being posted (their owner finds them
   * gone before its next part, as `cancel` with `inFlight` does for one step).
   */
  cancelPending(sessionId: string, kinds: readonly StepKind[], reason: string): Promise<void>;
  /**
   * The step will never run. With `inFlight`, also when it is being posted: its owner finds it gone before its next
   * part (beginPost, recordProgress and complete answer false), so the parts not yet sent never go.
   */
  cancel(sessionId: string, key: string, reason: string, options?: { inFlight?: boolean }): Promise<void>;
  /** Moves pending steps planned at or after `from` by `shift`; none is made due before `floor`. */
  shiftPending(sessionId: string, from: number, shift: number, floor: number): Promise<void>;
  /** The summary falls due now (and is released if the session was paused). */
  summaryNow(sessionId: string, at: number): Promise<void>;
  /** A paused session's pending steps wait, costing the tick nothing. */
  hold(sessionId: string): Promise<void>;
  release(sessionId: string): Promise<void>;
  /** Plans (or re-plans) an unordered step such as a root refresh; one already pending keeps the earlier of the two times. */
  upsert(sessionId: string, key: string, kind: StepKind, dueAt: number): Promise<void>;
  /**
   * The bot was invited to the session's channel: steps waiting because it was not in the channel are tried again
   * now. Returns how many. The invitation is also recorded for a post refused while it arrived (`takeInvitation`).
   */
  retryNotInChannel(sessionId: string, at: number): Promise<number>;
  /**
   * True, once, when the bot was invited to the step's channel after its latest attempt began: that attempt's
   * not_in_channel is older than the invitation, which found nothing waiting to wake, so the post goes again now.
   */
  takeInvitation(step: Step): Promise<boolean>;
  /** After a restart on one machine nothing of ours is in flight: leases of posts in doubt end once they settle. */
  settleOrphans(settleMs: number): Promise<number>;
  /** When the next pending step falls due after `after`, if any: the dispatcher sleeps until then. */
  nextRunAt(after: number): Promise<number | undefined>;
  /** How many pending steps fall due after `after` and by `until`, counting at most `limit`: the size of a wave to come. */
  countDue(after: number, until: number, limit: number): Promise<number>;
  ofSession(sessionId: string): Promise<Step[]>;
  find(id: number): Promise<Step | undefined>;
}

export interface RequestLog {
  /** True when the request is new (or an earlier handling of it died): handle it, then `finish` or `abandon`. */
  begin(key: string, at: number): Promise<boolean>;
  finish(key: string, at: number): Promise<void>;
  /** The handler failed: forget the key, so Slack's retry is handled. */
  abandon(key: string): Promise<void>;
  /** Slack stops retrying after about 5 minutes; a day of memory is plenty. */
  prune(olderThan: number): Promise<number>;
}

/**
 * One installation of the app as stored: 'T:<team_id>' for a workspace install, 'E:<enterprise_id>' for an
 * org-wide one. Every token and the installation JSON are sealed by the caller: the repository never sees a
 * plaintext token.
 */
export interface InstallationRecord {
  readonly installKey: string;
  /** '' when the workspace belongs to no enterprise. */
  readonly enterpriseId: string;
  /** '' for an org-wide install. */
  readonly teamId: string;
  readonly isEnterpriseInstall: boolean;
  readonly appId: string | null;
  readonly botId: string | null;
  readonly botUserId: string | null;
  /** Comma-separated. */
  readonly botScopes: string | null;
  /** Sealed. */
  readonly botToken: string;
  /** Sealed; set when token rotation is on. */
  readonly botRefreshToken: string | null;
  /** Epoch ms; null when the token does not expire. */
  readonly botTokenExpiresAt: number | null;
  /** Sealed JSON of the rest of the installation (user token included). */
  readonly installation: string;
  readonly installerUserId: string | null;
  readonly installedAt: number;
  readonly updatedAt: number;
}

export interface StoredInstallation extends InstallationRecord {
  /**
   * Who holds the refresh lock, and until when (epoch ms); null when nobody does. refreshUntil without an owner
   * is a back-off after failed refreshes: nobody refreshes before that time.
   */
  readonly refreshOwner: string | null;
  readonly refreshUntil: number | null;
  /** Refreshes that failed in a row (0 after a success or a re-install), and the kind of the last failure. */
  readonly refreshFailures: number;
  readonly refreshError: string | null;
}

/** A bot token after rotation, sealed. */
export interface RotatedTokens {
  readonly botToken: string;
  readonly botRefreshToken: string | null;
  readonly botTokenExpiresAt: number | null;
}

/** The workspace (team) or the whole enterprise whose data a purge removes. */
export type WorkspaceTarget = { readonly teamId: string } | { readonly enterpriseId: string };

/** Rows a purge removes (or would remove), by table. */
export interface PurgeCounts {
  readonly sessions: number;
  readonly phases: number;
  readonly people: number;
  readonly notes: number;
  readonly scorecards: number;
  readonly steps: number;
  readonly notices: number;
  /** Members of async sessions, their thread replies, and the reminders they were sent. */
  readonly members: number;
  readonly replies: number;
  readonly reminders: number;
  /** Recurring sessions' schedules. */
  readonly schedules: number;
  readonly installations: number;
}

export interface InstallationRepository {
  /** Stores an install; a re-install replaces the row (its tokens) and cancels any refresh in flight. */
  save(record: InstallationRecord): Promise<void>;
  findByKey(installKey: string): Promise<StoredInstallation | undefined>;
  /** The team's own install, else the org-wide install of its enterprise. */
  findForTeam(workspace: { readonly enterpriseId: string; readonly teamId: string }): Promise<StoredInstallation | undefined>;
  /** Replaces only the sealed installation JSON (a user's token was revoked); the bot's tokens stay. */
  updateInstallation(installKey: string, installation: string, at: number): Promise<boolean>;
  delete(installKey: string): Promise<boolean>;
  /** app_uninstalled / tokens_revoked: deletes the org-wide install when `isEnterpriseInstall`, else the team's own. */
  deleteTeam(workspace: { readonly enterpriseId: string; readonly teamId: string; readonly isEnterpriseInstall: boolean }): Promise<number>;
  /** Takes the refresh lock for `leaseMs` when nobody holds it or its holder's time ran out (the store's clock). */
  tryLockRefresh(installKey: string, owner: string, leaseMs: number): Promise<boolean>;
  unlockRefresh(installKey: string, owner: string): Promise<void>;
  /**
   * After a failed refresh: lets go of the lock and keeps everyone from refreshing for `retryInMs` (the store's
   * clock), recording the failures in a row and the kind of the last. False (nothing written) unless `owner` holds the lock.
   */
  backOffRefresh(installKey: string, owner: string, failure: { readonly failures: number; readonly error: string }, retryInMs: number): Promise<boolean>;
  /** Stores rotated tokens and clears the failure count; false (nothing written) unless `owner` still holds the refresh lock. */
  replaceTokens(installKey: string, owner: string, tokens: RotatedTokens, at: number): Promise<boolean>;
  /** What `purgeWorkspace` would delete. */
  workspaceCounts(target: WorkspaceTarget): Promise<PurgeCounts>;
  /** Deletes the workspace's sessions with everything hanging off them, and its installations. Call inside a transaction. */
  purgeWorkspace(target: WorkspaceTarget): Promise<PurgeCounts>;
}

/** Scorecards of a live interview: one per scorer and session, the candidate's being their self-assessment. */
export interface ScorecardRepository {
  /** Stores a card, replacing the scorer's earlier one; the first submission time is kept. */
  save(sessionId: string, card: Scorecard): Promise<void>;
  /** Every card of the session, by first submission (then scorer id). */
  forSession(sessionId: string): Promise<Scorecard[]>;
  find(sessionId: string, scorerId: string): Promise<Scorecard | undefined>;
}

/** Members of an async session, and what counts as their contributions beside notes: replies in its thread. */
export interface MemberRepository {
  /** Joins (or joins again after leaving; a mute stays); false when already a member. `tz`: their Slack time zone. */
  join(sessionId: string, userId: string, tz: string | null, at: number): Promise<boolean>;
  /** False when not a member. */
  leave(sessionId: string, userId: string, at: number): Promise<boolean>;
  /** No more reminders for this session; false when not a member or already muted. */
  mute(sessionId: string, userId: string, at: number): Promise<boolean>;
  /** Everyone who ever joined, left ones included, in the order they joined. */
  list(sessionId: string): Promise<Member[]>;
  /** Counts a reply in the thread (`ts`: the message's, so a second delivery counts nothing); false when it was counted. */
  recordReply(sessionId: string, userId: string, phaseIndex: number, ts: string, at: number): Promise<boolean>;
  /** Who contributed to a phase (a note not deleted, or a thread reply), in the order they first did. */
  contributors(sessionId: string, phaseIndex: number): Promise<string[]>;
  /** Who contributed to which phase, over the whole session (for its summary). */
  contributions(sessionId: string): Promise<Contribution[]>;
  /** Who was reminded in a phase. */
  reminded(sessionId: string, phaseIndex: number): Promise<string[]>;
  /** Records a reminder before it is sent (at most once per phase and person); false when one was recorded already. */
  markReminded(sessionId: string, userId: string, phaseIndex: number, at: number): Promise<boolean>;
  /** Takes back a reminder recorded at `at` that Slack did not take (rate limited): the next run sends it. */
  unmarkReminded(sessionId: string, userId: string, phaseIndex: number, at: number): Promise<void>;
}

export interface Repositories {
  readonly sessions: SessionRepository;
  readonly steps: StepRepository;
  readonly requests: RequestLog;
  readonly installations: InstallationRepository;
  readonly scorecards: ScorecardRepository;
  readonly schedules: ScheduleRepository;
  readonly members: MemberRepository;
}

/** A recurring session: at each occurrence of `expression` (wall-clock time in `tz`) a session starts in its channel. */
export interface Schedule extends Workspace {
  readonly id: string;
  readonly channelId: string;
  readonly createdBy: string;
  /** Five-field cron, as normalised by src/domain/recurrence.ts. */
  readonly expression: string;
  readonly tz: string;
  readonly plan: readonly number[];
  readonly isAsync: boolean;
  readonly nextAt: number;
  readonly lastAt: number | null;
  /** The local wall-clock minute it last ran at (an hour repeated in autumn runs once). */
  readonly lastLocal: string | null;
  readonly createdAt: number;
}

export type NewSchedule = Omit<Schedule, 'lastAt' | 'lastLocal'>;

export interface ScheduleRepository {
  create(schedule: NewSchedule): Promise<void>;
  /**
   * Creates the schedule unless its channel already has `limit` of them; false when it has. Call inside a
   * transaction: two creations in one channel then take turns (PostgreSQL: a lock on the channel for the
   * transaction), so the limit holds however many people schedule at once.
   */
  createWithin(schedule: NewSchedule, limit: number): Promise<boolean>;
  inChannel(workspace: Workspace, channelId: string): Promise<Schedule[]>;
  /** The schedules a person made in their workspace, soonest first (the Home tab's "Coming up"). */
  createdBy(workspace: Workspace, userId: string, limit?: number): Promise<Schedule[]>;
  find(id: string): Promise<Schedule | undefined>;
  /** False when it was already gone. */
  remove(id: string, at: number): Promise<boolean>;
  /** Removes every schedule of a workspace (the app was uninstalled there); returns how many. */
  removeInWorkspace(workspace: Workspace, at: number): Promise<number>;
  /** Teams of an organisation that have schedules (an org-wide uninstall removes theirs). */
  teamsWithSchedules(enterpriseId: string): Promise<string[]>;
  /** Removes the schedules a person made in a channel of their workspace; returns their ids, oldest first. */
  removeInChannel(workspace: Workspace, channelId: string, createdBy: string, at: number): Promise<string[]>;
  /** Schedules whose next occurrence is due, earliest first. */
  due(now: number, limit: number): Promise<Schedule[]>;
  /**
   * Moves a schedule past the occurrence at `expectedNextAt` (to `nextAt`, or retires it when null). Exactly one
   * caller gets true for an occurrence, whatever the number of instances: it starts the session.
   */
  advance(id: string, expectedNextAt: number, nextAt: number | null, firedAt: number, firedLocal: string): Promise<boolean>;
  /** The earliest next occurrence of any schedule. */
  nextDue(): Promise<number | undefined>;
  /** Records that the creator was told an occurrence was skipped (its channel busy); false if they already were (tell once). */
  firstSkipNotice(id: string, at: number): Promise<boolean>;
  /** How many schedules a person made in each channel of their workspace (the Home tab says where the rest are). */
  countsByChannel(workspace: Workspace, userId: string): Promise<{ channelId: string; count: number }[]>;
}

/**
 * The database did not answer: it could not be reached, or the connection broke under a statement (a server
 * restart, a network cut). Unlike a statement the database refused, it says nothing about the data, and the same
 * work can succeed once the database answers again; a write sent just before may or may not have been applied.
 * `code` is the driver's or the server's (ECONNREFUSED, 57P01…), for the log.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The storage port: repositories, and a transaction over them. SQLite and PostgreSQL both implement it. */
export interface Store extends Repositories {
  readonly kind: 'sqlite' | 'postgres';
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Everything needed to render a session's messages, loaded once per post. */
export interface SessionSnapshot {
  readonly session: Session;
  readonly notes: readonly Note[];
  readonly participants: readonly string[];
  /** The session's scorecards (the self-assessment among them); absent where they were not loaded. */
  readonly scorecards?: readonly Scorecard[];
  /** An async session's members, left ones included; absent where they were not loaded. */
  readonly members?: readonly Member[];
  /** Who contributed to the phase the step is about (the phase under way for the session message). */
  readonly contributors?: readonly string[];
  /** Who contributed to which phase (an async session's summary). */
  readonly contributions?: readonly Contribution[];
}

export type DeliveryErrorKind =
  /** Slack said 429: wait `retryAfterMs`, nothing was posted. */
  | 'rate_limited'
  /** 5xx, timeout, network, or an error we do not know: try again later with backoff; `maybeDelivered` when the post may have happened. */
  | 'transient'
  /** The bot is not in the (private) channel. */
  | 'not_in_channel'
  /** The channel is gone or archived: nothing more can be posted there. */
  | 'channel_gone'
  /** The token no longer works (revoked, uninstalled, deactivated): nothing can be posted anywhere. */
  | 'auth_revoked'
  /** Slack refused the message itself (bad blocks, too long): retrying the same message will not help. */
  | 'rejected'
  /**
   * One person cannot be written to privately: not reachable in the channel, and Slack refuses a direct message to
   * them (`userId`). Only their part of the step is lost; the rest of it still goes, and the session carries on.
   */
  | 'unreachable';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly kind: DeliveryErrorKind;
  readonly code: string;
  readonly options: { retryAfterMs?: number; maybeDelivered?: boolean; userId?: string };
  constructor(kind: DeliveryErrorKind, code: string, options: { retryAfterMs?: number; maybeDelivered?: boolean; userId?: string } = {}) {
    super(`${kind}: ${code}`);
    this.kind = kind;
    this.code = code;
    this.options = options;
  }
}

/** What a private message (ephemeral or DM) records in place of a ts it cannot be found by. */
export const PRIVATE_PART = 'private';

export interface Messenger extends SchedulePeople {
  /** How many messages the step posts (a long summary is split). */
  partsOf(snapshot: SessionSnapshot, step: Step, now: number): number;
  /**
   * Who the step's parts go to when it is sent person by person (a nudge), as of this snapshot; undefined for any
   * other step. The dispatcher records it as the first part goes (Step.audience); from then on the step's own
   * audience decides its parts, whatever the panel has become.
   */
  audienceOf(snapshot: SessionSnapshot, step: Step): readonly string[] | undefined;
  /** Posts one part of a step, tagged so it can be found again; returns the message ts. */
  post(snapshot: SessionSnapshot, step: Step, part: number, now: number): Promise<string>;
  /**
   * Looks in the channel for a part an earlier attempt may have posted; returns its ts if it is there. A private
   * part (a nudge, a digest, a private summary) cannot be looked for: PRIVATE_PART, taken as sent.
   */
  find(snapshot: SessionSnapshot, step: Step, part: number): Promise<string | undefined>;
  /** Re-renders the root message from current state (idempotent). */
  updateRoot(snapshot: SessionSnapshot, now: number): Promise<void>;
  /** A permalink to the session's root message, if Slack gives one. */
  permalink(session: Session, ts: string): Promise<string | undefined>;
  /** That permalink when it can be written without asking Slack (the workspace's URL is known); else undefined. */
  writtenPermalink(session: Session, ts: string): Promise<string | undefined>;
  /** Tries to join the session's channel (public channels only); false when it cannot (private channel, no scope). */
  join(session: Session): Promise<boolean>;
  /** An async session's reminder to a member who has not contributed to the phase yet (a DM). */
  remind(session: Session, userId: string, phaseIndex: number): Promise<void>;
  /** A direct message to the host about a problem they can fix or should know of. */
  tellHost(session: SessionAddress, notice: HostNotice): Promise<void>;
  /** About `posts` posts fall due within moments: get ready to send that many at once (best effort, never fails). */
  prepare(posts: number): void;
}

/** What starting a recurring session asks of Slack. */
export interface SchedulePeople {
  /** Whether the person's Slack account is deactivated; undefined when Slack does not say in time. */
  accountDeactivated(workspace: Workspace, userId: string): Promise<boolean | undefined>;
  /** Says in the schedule's channel that it was removed because its creator's account is deactivated. */
  creatorGone(schedule: Schedule): Promise<void>;
  /** Tells the creator privately that an occurrence was skipped: `running` was under way in the channel. */
  scheduleSkipped(schedule: Schedule, running: Session, nextAt: number | null): Promise<void>;
}

export type HostNotice =
  | { kind: 'not_in_channel' }
  /** `removedSchedules`: the host's recurring sessions in that channel, removed with it (ids). */
  | { kind: 'channel_gone'; code: string; removedSchedules?: readonly string[] }
  /** A post was given up on: `step` is its key ('root', 'phase:1', 'summary', …). */
  | { kind: 'lost'; step: string; reason: string; removedSchedules?: readonly string[] }
  /** The session could never be read, and was ended. */
  | { kind: 'unreadable' }
  /** A member of the panel cannot be written to privately (`code`: Slack's refusal of the direct message). */
  | { kind: 'unreachable'; userId: string; code: string };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields, error?: unknown): void;
}
