/** "Save as note": a message shortcut that turns a message of the discussion into a note, through the note modal. */
import type { AllMiddlewareArgs, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { answerPrivately, throughResponseUrl } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { plainFromSlack } from '../mrkdwn.ts';
import { openForm } from '../open-form.ts';
import { readMessageShortcut } from '../payloads.ts';
import { isLiveInterview, isOnPanel } from '../../domain/session.ts';
import { renderNoteModalFor } from '../views/note-modal.ts';
import { renderNoSession } from '../views/replies.ts';

type Args = AllMiddlewareArgs & SlackShortcutMiddlewareArgs;

export function makeSaveAsNoteShortcut(deps: ListenerDeps) {
  return async ({ ack, body, client, respond }: Args): Promise<void> => {
    await ack();
    const input = readMessageShortcut(body);
    if (!input) {
      deps.logger.warn('ignored a malformed message shortcut payload');
      return;
    }
    const session = await deps.sessions.liveHere({ ...input.workspace, channelId: input.channelId });
    // Through the shortcut's response_url: it reaches the person even where the bot is not a member, in the thread
    // the message was in.
    const answer = answerPrivately(deps.logger, { session: session?.id, channel: input.channelId }, throughResponseUrl(respond));
    if (!session) return answer(renderNoSession());
    // The person reviews (and may edit) the text before it is saved: the modal is the same as Add note.
    await openForm(client, deps.logger, {
      triggerId: input.triggerId,
      view: renderNoteModalFor(session, deps.clock(), plainFromSlack(input.messageText).trim(), isLiveInterview(session) && isOnPanel(session, input.userId)),
      name: 'the note form',
      context: { session: session.id },
      failed: { text: 'The note form did not open. Use *Save as note* on the message again.' },
      answer,
    });
  };
}
