/** What a person may do with something another person made, from their Slack accounts (users.info, scope users:read). */
import type { webApi } from '@slack/bolt';

interface Standing {
  readonly admin: boolean;
  readonly deactivated: boolean;
}

async function standing(client: webApi.WebClient, userId: string): Promise<Standing | undefined> {
  try {
    const { user } = await client.users.info({ user: userId });
    if (!user) return undefined;
    return { admin: Boolean(user.is_admin || user.is_owner || user.is_primary_owner), deactivated: Boolean(user.deleted) };
  } catch {
    return undefined;
  }
}

/**
 * Whether `userId` may act for `ownerId` on what the owner made (remove their schedule): a workspace admin or owner
 * may, and so may anyone once the owner's account is deactivated, since nobody else could. When Slack does not
 * answer, the answer is no: refusing is the safe side, and the person can ask again.
 */
export async function mayActFor(client: webApi.WebClient, userId: string, ownerId: string): Promise<boolean> {
  const [who, owner] = await Promise.all([standing(client, userId), standing(client, ownerId)]);
  return Boolean(who?.admin || owner?.deactivated);
}
