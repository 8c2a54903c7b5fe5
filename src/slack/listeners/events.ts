/** Workspace lifecycle events: when Slack takes our access away, live sessions end instead of retrying forever. */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';
import { renderHome } from '../views/home.ts';
import { workspaceOf } from './workspace.ts';

export function makeAccessRevokedListener(deps: ListenerDeps, reason: 'app_uninstalled' | 'tokens_revoked') {
  return async ({ body }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_uninstalled' | 'tokens_revoked'>): Promise<void> => {
    const workspace = workspaceOf(body);
    const now = deps.clock();
    const ended = deps.transaction(() => {
      const ids = deps.sessions.endAllForWorkspace(workspace, now, reason);
      for (const id of ids) deps.steps.cancelPending(id, ['root', 'phase', 'warning', 'summary'], reason);
      return ids;
    });
    deps.logger.warn('access revoked; live sessions ended', { team: workspace.teamId, reason, sessions: ended.length });
  };
}

/** App Home: re-rendered each time the person opens the Home tab (Slack sends the event for the Messages tab too). */
export function makeAppHomeListener(deps: ListenerDeps) {
  return async ({ event, body, client }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>): Promise<void> => {
    if (event.tab !== 'home') return;
    const sessions = deps.sessions.liveForUser(workspaceOf(body), event.user);
    await client.views.publish({ user_id: event.user, view: renderHome(event.user, sessions, deps.clock()) });
  };
}
