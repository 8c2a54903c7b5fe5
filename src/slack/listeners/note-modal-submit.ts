/** The note modal's submission: inline errors keep the modal (and the user's text) open; a valid note is stored once. */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { addNote, editNote } from '../../app/sessions.ts';
import { answerPrivately, ephemeralTo } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { BLOCK_IDS } from '../ids.ts';
import { readViewSubmission } from '../payloads.ts';
import { decodeNoteModalMetadata, parseNoteForm } from '../views/note-modal.ts';
import { renderMyNotes } from '../views/my-notes.ts';
import { renderNoteRefusal, renderNoteSaved } from '../views/replies.ts';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs;

export function makeNoteModalSubmit(deps: ListenerDeps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const problem = (text: string) => ack({ response_action: 'errors', errors: { [BLOCK_IDS.noteText]: text } });
    const input = readViewSubmission(body);
    if (!input) {
      deps.logger.warn('ignored a malformed view submission');
      return problem('Slack sent this form in a way I could not read. Copy your note and try again.');
    }
    const form = parseNoteForm(input.values);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const meta = decodeNoteModalMetadata(input.privateMetadata);
    if (!meta) return problem('This form is out of date. Copy your note, close the form and open it again.');
    const access = await deps.sessions.accessTo(meta.s, { ...input.workspace, channelId: meta.c || undefined });
    const tell = answerPrivately(deps.logger, { session: meta.s, channel: meta.c }, ephemeralTo(client, { channelId: meta.c, userId: input.userId }));
    if (meta.n !== undefined) {
      // Editing one of the person's notes.
      const edited = await editNote(
        deps,
        { sessionId: meta.s, noteId: meta.n, access, userId: input.userId, change: { phaseIndex: form.phaseIndex, kind: form.kind, text: form.text, visibility: form.visibility } },
        deps.clock(),
      );
      if (!edited.ok) return problem(`${renderNoteRefusal(edited.reason)} Copy your text before closing.`);
      await ack();
      void deps.dispatcher.wake();
      // The list the Edit came from cannot be redrawn from a form: the notes as they now are come after it instead.
      const mine = (await deps.store.sessions.notes(meta.s)).filter((n) => n.authorId === input.userId);
      return tell(renderMyNotes(edited.session, mine, '✏️ Note updated.'));
    }
    const outcome = await addNote(
      deps,
      {
        ...access,
        sessionId: meta.s,
        authorId: input.userId,
        phaseIndex: form.phaseIndex,
        kind: form.kind,
        text: form.text,
        visibility: form.visibility,
        // One modal is one note: a second delivery of the same submission stores nothing.
        dedupeKey: `view:${input.viewId}`,
      },
      deps.clock(),
    );
    if (!outcome.ok) {
      return problem(
        outcome.reason === 'ended'
          ? 'This session has ended, so the note was not saved. Copy it before closing.'
          : outcome.reason === 'not_panel'
            ? 'Only the host, the interviewers and the observers can keep a note for the interviewers only. Choose Everyone, or ask the host to add you.'
            : 'This session no longer exists, so the note was not saved.',
      );
    }
    await ack();
    if (!outcome.stored) return;
    void deps.dispatcher.wake();
    deps.logger.info('note added', { team: outcome.session.teamId, channel: outcome.session.channelId, session: outcome.session.id });
    await tell(renderNoteSaved(outcome.phaseIndex, form.visibility));
  };
}
