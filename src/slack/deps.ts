/** What the Slack listeners are given by the composition root. */
import type { Dispatcher } from '../app/dispatcher.ts';
import type { Logger } from '../app/ports.ts';
import type { SessionDeps } from '../app/sessions.ts';

export interface ListenerDeps extends SessionDeps {
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly clock: () => number;
  /** The bot's own user id: `member_joined_channel` for it means someone invited the bot. */
  readonly botUserId: string;
}
