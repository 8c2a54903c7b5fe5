/** The session message's buttons: Add note opens the modal; Next phase and End session steer the session. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { endSession, nextPhase } from '../../app/sessions.ts';
import { sameWorkspace } from '../../domain/session.ts';
import { currentPhaseIndex } from '../../domain/timeline.ts';
import type { ListenerDeps } from '../deps.ts';
import type { SlackMessage } from '../views/message.ts';
import { renderNoteModal } from '../views/note-modal.ts';
import { renderRefusal } from '../views/replies.ts';
import { decodeButtonValue } from '../views/session-message.ts';
import { workspaceOf } from './workspace.ts';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

/** Tells only the clicker; a failure to do so is logged, never thrown (the click itself was handled). */
async function tellClicker({ client, body }: Args, deps: ListenerDeps, message: SlackMessage): Promise<void> {
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel) return;
  try {
    await client.chat.postEphemeral({ channel, user: body.user.id, text: message.text, blocks: message.blocks });
  } catch (error) {
    deps.logger.warn('could not send an ephemeral reply', { channel, reason: error instanceof Error ? error.message : String(error) });
  }
}

export function makeAddNoteAction(deps: ListenerDeps) {
  return async (args: Args): Promise<void> => {
    const { ack, body, action, client } = args;
    await ack();
    const target = decodeButtonValue(action.value);
    const session = target ? deps.sessions.find(target.sessionId) : undefined;
    if (!session || !sameWorkspace(session, workspaceOf(body))) return tellClicker(args, deps, renderRefusal('not_found'));
    if (session.status === 'ended') return tellClicker(args, deps, renderRefusal('ended'));
    const now = deps.clock();
    // views.open must follow the ack at once: the trigger_id dies 3 seconds after the click.
    await client.views.open({
      trigger_id: body.trigger_id,
      view: renderNoteModal({
        sessionId: session.id,
        channelId: session.channelId,
        topic: session.topic,
        phaseIndex: currentPhaseIndex(session.phases, session.pausedAt ?? now),
      }),
    });
  };
}

export function makeSteerAction(deps: ListenerDeps, which: 'next' | 'end') {
  return async (args: Args): Promise<void> => {
    const { ack, body, action } = args;
    await ack();
    const target = decodeButtonValue(action.value);
    if (!target) return tellClicker(args, deps, renderRefusal('not_found'));
    const now = deps.clock();
    const workspace = workspaceOf(body);
    const outcome =
      which === 'next'
        ? nextPhase(deps, target.sessionId, workspace, body.user.id, now, target.phaseIndex)
        : endSession(deps, target.sessionId, workspace, body.user.id, now);
    if (!outcome.ok) return tellClicker(args, deps, renderRefusal(outcome.reason, outcome.session));
    deps.logger.info(`session ${which} (button)`, { team: workspace.teamId, channel: outcome.session.channelId, session: outcome.session.id });
    deps.dispatcher.tick(now);
  };
}
