/**
 * Which live session a request from a channel is about. The asking workspace's own session first; else, for a
 * channel shared with another organisation (Slack Connect) or with another workspace of the same organisation,
 * the session another workspace runs there: one session per channel, whoever started it.
 *
 * Channel ids are unique within a workspace, not across Slack, so a session of another workspace is only taken
 * once Slack confirms, with that session's own token, that its channel is shared. That answer is cached for a
 * while; a channel that cannot be checked counts as not shared, so nothing is ever shown across workspaces by
 * mistake.
 */
import { type SessionPlace, type Store, UnreadableSessionError } from '../app/ports.ts';
import { type Access, sameWorkspace, type Session } from '../domain/session.ts';

/** Whether a session's channel is shared with other workspaces, asked with that session's own token. */
export type SharedCheck = (session: SessionPlace) => Promise<boolean>;

export interface SessionFinder {
  /**
   * The live session the request's channel runs, visible from the request's workspace; undefined when none. Throws
   * `UnreadableSessionError` when that session's row cannot be read by this version.
   */
  liveHere(from: Access & { readonly channelId: string }): Promise<Session | undefined>;
  /**
   * The same, with a session that cannot be read returned (as the error that says why) rather than thrown: `end`
   * ends it. One whose workspace does not read is nobody's here, as a channel that cannot be checked counts as not
   * shared.
   */
  liveOrUnreadableHere(from: Access & { readonly channelId: string }): Promise<Session | UnreadableSessionError | undefined>;
  /**
   * What a request about one session (a button, a form) may claim: its workspace, plus its channel when that is
   * the session's channel and, for another workspace's session, Slack confirms the channel is shared. The use
   * cases then let the session be reached through that channel.
   */
  accessTo(sessionId: string, from: Access & { readonly channelId: string | undefined }): Promise<Access>;
}

const SHARED_TTL_MS = 10 * 60_000;
const SHARED_CACHE_MAX = 5_000;

/** Remembers Slack's answer to "is this channel shared?" per workspace and channel, for a while and within a bound. */
export function cachedSharedCheck(check: SharedCheck, clock: () => number): SharedCheck {
  const cache = new Map<string, { shared: boolean; until: number }>();
  return async (session) => {
    const key = `${session.enterpriseId}/${session.teamId}/${session.channelId}`;
    const hit = cache.get(key);
    if (hit && hit.until > clock()) return hit.shared;
    const shared = await check(session).catch(() => false);
    if (cache.size >= SHARED_CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, { shared, until: clock() + SHARED_TTL_MS });
    return shared;
  };
}

export function createSessionFinder(store: Store, isShared: SharedCheck): SessionFinder {
  async function liveOrUnreadableHere(from: Access & { readonly channelId: string }): Promise<Session | UnreadableSessionError | undefined> {
    // The asking workspace's own session comes first, in the same read. A row that cannot be read is set aside
    // rather than thrown, so that another workspace's, in a channel of the same id, stays theirs.
    const unreadable: UnreadableSessionError[] = [];
    const sessions = await store.sessions.liveByChannel(from.channelId, 5, from, unreadable);
    // There is at most one live session per channel and workspace: read or not, the asking workspace's is the one.
    const own = unreadable.find((u) => u.place && sameWorkspace(u.place, from));
    if (own) return own;
    for (const session of sessions) {
      if (sameWorkspace(session, from) || (await isShared(session))) return session;
    }
    for (const u of unreadable) if (u.place && (await isShared(u.place))) return u;
    return undefined;
  }

  return {
    liveOrUnreadableHere,

    async liveHere(from) {
      const found = await liveOrUnreadableHere(from);
      if (found instanceof UnreadableSessionError) throw found;
      return found;
    },

    async accessTo(sessionId, from) {
      const workspace = { teamId: from.teamId, enterpriseId: from.enterpriseId };
      if (!from.channelId) return workspace;
      const session = await store.sessions.find(sessionId);
      if (!session || session.channelId !== from.channelId) return workspace;
      if (sameWorkspace(session, from) || (await isShared(session))) return { ...workspace, channelId: from.channelId };
      return workspace;
    },
  };
}
