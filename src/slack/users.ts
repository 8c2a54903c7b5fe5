/** What the app reads of people's Slack accounts: users.info (scope users:read), never for long. */
import type { webApi } from '@slack/bolt';

/**
 * How long a lookup may take before it counts as unanswered. Some are made before a slash command is acked, and
 * Slack gives the ack 3 seconds: a slow users.info must not cost the person their command (the client's own
 * timeout is far longer, for posts).
 */
export const LOOKUP_TIMEOUT_MS = 1_500;

type SlackUser = NonNullable<webApi.UsersInfoResponse['user']>;

/** What `answer` resolves to, or undefined if it fails or takes longer than `ms`. */
export async function answeredWithin<T>(answer: Promise<T>, ms: number = LOOKUP_TIMEOUT_MS): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([answer.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The account, or undefined when Slack does not answer in time or refuses. */
function lookUp(client: webApi.WebClient, userId: string): Promise<SlackUser | undefined> {
  return answeredWithin(client.users.info({ user: userId }).then((result) => result.user));
}

/** The person's time zone from their profile: an IANA name such as Europe/Berlin; undefined when Slack will not say. */
export async function userTimeZone(client: webApi.WebClient, userId: string): Promise<string | undefined> {
  return (await lookUp(client, userId))?.tz || undefined;
}

/**
 * Whether `userId` may act for `ownerId` on what the owner made (remove their schedule): a workspace admin or owner
 * may, and so may anyone once the owner's account is deactivated, since nobody else could. Undefined when Slack's
 * silence leaves it open (the caller refuses, and says to ask again rather than that the person may not).
 */
export async function mayActFor(client: webApi.WebClient, userId: string, ownerId: string): Promise<boolean | undefined> {
  const [who, owner] = await Promise.all([lookUp(client, userId), lookUp(client, ownerId)]);
  if (who?.is_admin || who?.is_owner || who?.is_primary_owner || owner?.deleted) return true;
  return who && owner ? false : undefined;
}

/** Name lookups a caller runs at once, so a large group's export does not flood users.info. */
export const NAME_LOOKUPS_AT_ONCE = 8;

/** What a person is called in Slack: their display name, else their full name, else their username. */
export function nameOf(user: SlackUser): string | undefined {
  const name = user.profile?.display_name?.trim() || user.profile?.real_name?.trim() || user.real_name?.trim() || user.name?.trim();
  return name || undefined;
}

/**
 * People's names by user id, for text read outside Slack (where `<@U…>` does not turn into a name). Anyone Slack
 * does not answer for in time, or will not name, is left out: the caller falls back to their id.
 */
export async function userNames(client: webApi.WebClient, userIds: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const queue = [...new Set(userIds)];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const user = await lookUp(client, id);
      const name = user ? nameOf(user) : undefined;
      if (name) names.set(id, name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(NAME_LOOKUPS_AT_ONCE, queue.length) }, worker));
  return names;
}
