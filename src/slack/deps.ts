/** What the Slack listeners are given by the composition root. */
import type { Dispatcher } from '../app/dispatcher.ts';
import type { Logger } from '../app/ports.ts';
import type { SessionDeps } from '../app/sessions.ts';
import type { RequestLog } from '../db/request-log.ts';

export interface ListenerDeps extends SessionDeps {
  readonly dispatcher: Dispatcher;
  readonly requests: RequestLog;
  readonly logger: Logger;
  readonly clock: () => number;
}
