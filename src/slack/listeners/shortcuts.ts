/** "Save as note": a message shortcut that turns a message of the discussion into a note, through the note modal. */
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { currentPhaseIndex } from '../../domain/timeline.ts';
import type { ListenerDeps } from '../deps.ts';
import { decodeEntities, slackToPlain } from '../mrkdwn.ts';
import { renderNoteModal } from '../views/note-modal.ts';
import { renderNoSession } from '../views/replies.ts';
import { workspaceOf } from './workspace.ts';

type Args = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>;

export function makeSaveAsNoteShortcut(deps: ListenerDeps) {
  return async ({ ack, shortcut, client }: Args): Promise<void> => {
    await ack();
    const session = deps.sessions.findLive(workspaceOf(shortcut), shortcut.channel.id);
    if (!session) {
      const reply = renderNoSession();
      await client.chat.postEphemeral({ channel: shortcut.channel.id, user: shortcut.user.id, text: reply.text, blocks: reply.blocks });
      return;
    }
    // The person reviews (and may edit) the text before it is saved: the modal is the same as Add note.
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: renderNoteModal({
        sessionId: session.id,
        channelId: session.channelId,
        topic: session.topic,
        phaseIndex: currentPhaseIndex(session.phases, session.pausedAt ?? deps.clock()),
        initialText: slackToPlain(decodeEntities(shortcut.message.text ?? '')).trim(),
      }),
    });
  };
}
