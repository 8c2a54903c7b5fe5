/**
 * Events: App Home; the bot being invited to a channel (posts that waited for it go through); and workspace
 * lifecycle (when Slack takes our access away, live sessions end instead of retrying forever).
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { botJoinedChannel, endWorkspace } from '../../app/sessions.ts';
import { TREND_SESSIONS } from '../../domain/history.ts';
import type { ListenerDeps } from '../deps.ts';
import { readEvent } from '../payloads.ts';
import { HOME_LIMITS, renderHome } from '../views/home.ts';

type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs;

/**
 * The app was uninstalled, or its bot token revoked: that installation's tokens are deleted (installed in many
 * workspaces), its live sessions end at once, without further posts, and its recurring sessions are removed.
 * Other workspaces are untouched. People's own tokens being revoked changes nothing for us: we post only as the bot.
 */
export function makeAccessRevokedListener(deps: ListenerDeps, reason: 'app_uninstalled' | 'tokens_revoked') {
  return async ({ body }: Args): Promise<void> => {
    const input = readEvent(body);
    if (!input) {
      deps.logger.warn('ignored a malformed event', { reason });
      return;
    }
    if (reason === 'tokens_revoked' && !input.botTokenRevoked) {
      deps.logger.info('people revoked their own tokens; the bot is unaffected', { team: input.workspace.teamId });
      return;
    }
    const { teamId, enterpriseId } = input.workspace;
    const now = deps.clock();
    let teams = [teamId];
    if (input.orgWide && enterpriseId) {
      // An org-wide install served every workspace of the organisation that has no install of its own.
      const served: string[] = [];
      const known = new Set([...(await deps.store.sessions.teamsWithLiveSessions(enterpriseId)), ...(await deps.store.schedules.teamsWithSchedules(enterpriseId))]);
      for (const team of known) {
        if (!(await deps.store.installations.findByKey(`T:${team}`))) served.push(team);
      }
      teams = served;
    }
    if (deps.installations) {
      await deps.installations.deleteInstallation({ teamId, enterpriseId: enterpriseId || undefined, isEnterpriseInstall: input.orgWide });
    }
    let ended = 0;
    let schedules = 0;
    for (const team of teams) {
      const outcome = await endWorkspace(deps, { teamId: team, enterpriseId }, now, reason);
      ended += outcome.sessions.length;
      schedules += outcome.schedules;
    }
    deps.logger.warn('access revoked; live sessions ended', { team: teamId, enterprise: enterpriseId, org_wide: input.orgWide, reason, sessions: ended, schedules });
  };
}

/** `member_joined_channel` for the bot itself: someone ran `/invite`. Anything that waited for that goes now. */
export function makeMemberJoinedListener(deps: ListenerDeps) {
  return async ({ body, context }: Args): Promise<void> => {
    const input = readEvent(body);
    // The bot user of the installation the event came through (one per workspace when installed in many).
    if (!input?.channelId || !context.botUserId || input.userId !== context.botUserId) return;
    const { steps, resumed } = await botJoinedChannel(deps, input.workspace, input.channelId, deps.clock());
    if (steps === 0 && resumed === 0) return;
    deps.logger.info('invited to a channel; posting what waited for it', { team: input.workspace.teamId, channel: input.channelId, steps, sessions_resumed: resumed });
    void deps.dispatcher.wake();
  };
}

/** After a 429 for a workspace's App Home is said as a warning, those that follow within this time go to debug. */
export const HOME_RATE_LIMIT_QUIET_MS = 60_000;

/**
 * App Home: re-rendered each time the person opens the Home tab (Slack sends the event for the Messages tab too),
 * from their own workspace's sessions: live and ended ones, their notes, and their scores as a candidate.
 */
export function makeAppHomeListener(deps: ListenerDeps) {
  /** Per workspace: until when a further 429 on views.publish is not worth another warning. */
  const quietUntil = new Map<string, number>();
  return async ({ body, client }: Args): Promise<void> => {
    const input = readEvent(body);
    if (!input?.userId || input.tab !== 'home') return;
    const { workspace, userId } = input;
    const sessions = deps.store.sessions;
    // Asked for together: PostgreSQL answers them side by side.
    const [live, upcoming, upcomingByChannel, recent, notes, scored] = await Promise.all([
      // One more than is shown, to say there are more.
      sessions.liveForUser(workspace, userId, HOME_LIMITS.live + 1),
      deps.store.schedules.createdBy(workspace, userId, HOME_LIMITS.upcoming),
      deps.store.schedules.countsByChannel(workspace, userId),
      sessions.endedForUser(workspace, userId, HOME_LIMITS.recent),
      sessions.notesByAuthor(workspace, userId, HOME_LIMITS.notes),
      sessions.scoredAsCandidate(workspace, userId, TREND_SESSIONS),
    ]);
    const view = renderHome(userId, { live, upcoming, upcomingByChannel, recent, notes, scored }, deps.clock());
    try {
      await client.views.publish({ user_id: userId, view });
    } catch (error) {
      // Not retried: opening Home again publishes again. Said here, once, with whom it was for; thrown, it would be
      // logged as a failed listener, an error with a stack and without the person, at every 429.
      const fields = { team: workspace.teamId, user: userId, reason: error instanceof Error ? error.message : String(error) };
      if ((error as { code?: unknown }).code === 'slack_webapi_rate_limited_error') {
        const now = deps.clock();
        if ((quietUntil.get(workspace.teamId) ?? 0) > now) {
          deps.logger.debug('could not publish App Home: rate limited by Slack again', fields);
          return;
        }
        for (const [team, until] of quietUntil) if (until <= now) quietUntil.delete(team);
        quietUntil.set(workspace.teamId, now + HOME_RATE_LIMIT_QUIET_MS);
      }
      deps.logger.warn('could not publish App Home', fields);
    }
  };
}
