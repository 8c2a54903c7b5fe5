/**
 * Events: App Home; the bot being invited to a channel (posts that waited for it go through); and workspace
 * lifecycle (when Slack takes our access away, live sessions end instead of retrying forever).
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { botJoinedChannel, endWorkspace } from '../../app/sessions.ts';
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
    const ended = await endWorkspace(deps, input.workspace, deps.clock(), reason);
    deps.logger.warn('access revoked; live sessions ended', { team: input.workspace.teamId, reason, sessions: ended.length });
  };
}

/** `member_joined_channel` for the bot itself: someone ran `/invite`. Anything that waited for that goes now. */
export function makeMemberJoinedListener(deps: ListenerDeps) {
  return async ({ body }: Args): Promise<void> => {
    const input = readEvent(body);
    if (!input?.channelId || input.userId !== deps.botUserId) return;
    const woken = await botJoinedChannel(deps, input.workspace, input.channelId, deps.clock());
    if (woken === 0) return;
    deps.logger.info('invited to a channel; posting what waited for it', { team: input.workspace.teamId, channel: input.channelId, steps: woken });
    void deps.dispatcher.tick();
  };
}

/** App Home: re-rendered each time the person opens the Home tab (Slack sends the event for the Messages tab too). */
export function makeAppHomeListener(deps: ListenerDeps) {
  return async ({ body, client }: Args): Promise<void> => {
    const input = readEvent(body);
    if (!input?.userId || input.tab !== 'home') return;
    const sessions = await deps.store.sessions.liveForUser(input.workspace, input.userId);
    await client.views.publish({ user_id: input.userId, view: renderHome(input.userId, sessions, deps.clock()) });
  };
}
