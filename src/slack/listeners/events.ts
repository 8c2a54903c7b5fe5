/** Events: App Home, and workspace lifecycle (when Slack takes our access away, live sessions end instead of retrying forever). */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';
import { readEvent } from '../payloads.ts';
import { renderHome } from '../views/home.ts';

type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs;

export function makeAccessRevokedListener(deps: ListenerDeps, reason: 'app_uninstalled' | 'tokens_revoked') {
  return async ({ body }: Args): Promise<void> => {
    const input = readEvent(body);
    if (!input) {
      deps.logger.warn('ignored a malformed event', { reason });
      return;
    }
    const now = deps.clock();
    const ended = deps.transaction(() => {
      const ids = deps.sessions.endAllForWorkspace(input.workspace, now, reason);
      for (const id of ids) deps.steps.cancelPending(id, ['root', 'phase', 'warning', 'summary'], reason);
      return ids;
    });
    deps.logger.warn('access revoked; live sessions ended', { team: input.workspace.teamId, reason, sessions: ended.length });
  };
}

/** App Home: re-rendered each time the person opens the Home tab (Slack sends the event for the Messages tab too). */
export function makeAppHomeListener(deps: ListenerDeps) {
  return async ({ body, client }: Args): Promise<void> => {
    const input = readEvent(body);
    if (!input?.userId || input.tab !== 'home') return;
    const sessions = deps.sessions.liveForUser(input.workspace, input.userId);
    await client.views.publish({ user_id: input.userId, view: renderHome(input.userId, sessions, deps.clock()) });
  };
}
