/** What the Slack listeners are given by the composition root. */
import type { Dispatcher } from '../app/dispatcher.ts';
import type { Logger } from '../app/ports.ts';
import type { SessionDeps } from '../app/sessions.ts';
import type { MockdesignInstallationStore } from './installation-store.ts';
import type { SessionFinder } from './session-finder.ts';

export interface ListenerDeps extends SessionDeps {
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly clock: () => number;
  /** The live session a channel runs, including one another workspace runs in a channel shared with it. */
  readonly sessions: SessionFinder;
  /** Installed in many workspaces (OAuth): uninstalls delete the workspace's tokens here. */
  readonly installations?: MockdesignInstallationStore | undefined;
  /** Randomness for `start --random` (tests pass a fixed one). */
  readonly random?: (() => number) | undefined;
  /** Where a workspace without an installation can install the app (OAuth with PUBLIC_URL). */
  readonly installUrl?: string | undefined;
}
