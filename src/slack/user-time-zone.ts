/** A person's time zone from their Slack profile. */
import type { webApi } from '@slack/bolt';

/** users.info's `tz` (scope users:read): an IANA name such as Europe/Berlin; undefined when Slack will not say. */
export async function userTimeZone(client: webApi.WebClient, userId: string): Promise<string | undefined> {
  try {
    const info = (await client.users.info({ user: userId })) as { user?: { tz?: string } };
    return info.user?.tz || undefined;
  } catch {
    return undefined;
  }
}
