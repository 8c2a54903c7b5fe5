/**
 * Async study groups: Join and Leave on the session message, Mute reminders in a reminder, and replies in a
 * session's thread counted as contributions (message events).
 */
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { joinSession, leaveSession, muteReminders, recordThreadReply } from '../../app/study-groups.ts';
import { answerPrivately, ephemeralTo } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { readButton, readThreadReply } from '../payloads.ts';
import { userTimeZone } from '../users.ts';
import { renderRefusal } from '../views/replies.ts';
import { renderMembershipReply } from '../views/study-group.ts';

type ActionArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs;
type EventArgs = AllMiddlewareArgs & SlackEventMiddlewareArgs;

export function makeMembershipAction(deps: ListenerDeps, which: 'join' | 'leave' | 'mute') {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const input = readButton(args.body);
    if (!input?.value) {
      deps.logger.warn('ignored a malformed button payload', { action: which });
      return;
    }
    const sessionId = input.value;
    const tell = answerPrivately(deps.logger, { session: sessionId, channel: input.channelId }, ephemeralTo(args.client, input));
    const access = await deps.sessions.accessTo(sessionId, { ...input.workspace, channelId: input.channelId });
    const now = deps.clock();
    // Only a join needs the person's time zone: their reminders fall in their daytime.
    const tz = which === 'join' ? ((await userTimeZone(args.client, input.userId)) ?? null) : null;
    const target = { sessionId, access, userId: input.userId };
    const outcome = await (which === 'join' ? joinSession(deps, { ...target, tz }, now) : which === 'leave' ? leaveSession(deps, target, now) : muteReminders(deps, target, now));
    if (!outcome.ok) {
      if (outcome.reason === 'not_async' && outcome.session) return tell(renderMembershipReply(outcome.session, { kind: 'not_async' }));
      return tell(renderRefusal(outcome.reason === 'ended' ? 'ended' : 'not_found'));
    }
    const { session, changed } = outcome;
    deps.logger.info(`study group ${which}`, { team: input.workspace.teamId, session: session.id, changed });
    if (changed && which !== 'mute') void deps.dispatcher.wake();
    switch (which) {
      case 'join':
        return tell(renderMembershipReply(session, changed ? { kind: 'joined', tz, now } : { kind: 'already_member' }));
      case 'leave':
        return tell(renderMembershipReply(session, { kind: changed ? 'left' : 'not_member' }));
      case 'mute':
        return tell(renderMembershipReply(session, { kind: changed ? 'muted' : 'already_muted' }));
    }
  };
}

/** A link button: Slack opens the link and still sends us the click, which needs only an ack. */
export function makeLinkAction() {
  return async ({ ack }: ActionArgs): Promise<void> => {
    await ack();
  };
}

/**
 * A message in a channel the bot is in: a person's reply in a session's thread counts as their contribution to
 * the phase under way. Everything else (most of a busy channel's traffic) is dropped without touching the
 * database beyond one indexed lookup for thread replies.
 */
export function makeThreadReplyListener(deps: ListenerDeps) {
  return async ({ body }: EventArgs): Promise<void> => {
    const reply = readThreadReply(body);
    if (!reply) return;
    const session = await recordThreadReply(deps, { access: { ...reply.workspace, channelId: reply.channelId }, threadTs: reply.threadTs, ts: reply.ts, userId: reply.userId }, deps.clock());
    if (session) deps.logger.debug('a thread reply counted as a contribution', { session: session.id, channel: reply.channelId });
  };
}
