/** Edit and Delete on the list of one's own notes (`/mockdesign notes`). */
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { deleteNote } from '../../app/sessions.ts';
import { isLiveInterview, isOnPanel } from '../../domain/session.ts';
import { answerPrivately, throughResponseUrl } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { openForm } from '../open-form.ts';
import { readButton } from '../payloads.ts';
import { decodeNoteButtonValue, renderMyNotes } from '../views/my-notes.ts';
import { renderEditNoteModal } from '../views/note-modal.ts';
import { renderNoteRefusal } from '../views/replies.ts';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs;

export function makeNoteEditAction(deps: ListenerDeps, which: 'edit' | 'delete') {
  return async (args: Args): Promise<void> => {
    await args.ack();
    const input = readButton(args.body);
    const target = decodeNoteButtonValue(input?.value);
    if (!input || !target) {
      deps.logger.warn('ignored a malformed note button payload');
      return;
    }
    const context = { session: target.sessionId, channel: input.channelId };
    // Refusals come under the list the person clicked in; the list itself is replaced only when a note left it.
    const tell = answerPrivately(deps.logger, context, throughResponseUrl(args.respond, false));
    const access = await deps.sessions.accessTo(target.sessionId, { ...input.workspace, channelId: input.channelId });
    if (which === 'delete') {
      const outcome = await deleteNote(deps, { ...target, access, userId: input.userId }, deps.clock());
      if (!outcome.ok) return tell({ text: renderNoteRefusal(outcome.reason) });
      void deps.dispatcher.wake();
      // The list the person clicked in is redrawn without the note.
      const mine = (await deps.store.sessions.notes(target.sessionId)).filter((n) => n.authorId === input.userId);
      const redraw = answerPrivately(deps.logger, context, throughResponseUrl(args.respond, true));
      return redraw(renderMyNotes(outcome.session, mine, '🗑️ Note deleted.'));
    }
    const session = await deps.store.sessions.find(target.sessionId);
    const note = session ? await deps.store.sessions.note(target.sessionId, target.noteId) : undefined;
    if (!session || !note || session.status === 'ended' || note.authorId !== input.userId) {
      return tell({ text: renderNoteRefusal(!session || !note ? 'not_found' : session.status === 'ended' ? 'ended' : 'not_author') });
    }
    // views.open must follow the ack at once: the trigger_id dies 3 seconds after the click.
    const panel = isLiveInterview(session) && isOnPanel(session, input.userId);
    await openForm(args.client, deps.logger, {
      triggerId: input.triggerId,
      view: renderEditNoteModal(session, note, panel),
      name: 'the note form',
      context: { session: session.id },
      failed: { text: 'The note form did not open. Click *Edit* again.' },
      answer: tell,
    });
  };
}
