/** The session message's buttons: Add note opens the modal; Next phase and End session steer the session. */
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { endSession, extendPhase, nextPhase, pauseSession, resumeSession } from '../../app/sessions.ts';
import { isLiveInterview, isOnPanel, reaches } from '../../domain/session.ts';
import { type Answer, answerPrivately, ephemeralTo } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { openForm } from '../open-form.ts';
import { type ButtonInput, readButton } from '../payloads.ts';
import { renderNoteModalFor } from '../views/note-modal.ts';
import { renderClockChanged, renderPlain, renderRefusal, renderSteerRefusal } from '../views/replies.ts';
import { decodeButtonValue } from '../views/session-message.ts';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs;

/** Tells only the clicker, in the channel of the click; a failure to do so is logged, never thrown (the click itself was handled). */
function answerClicker({ client }: Args, input: ButtonInput, deps: ListenerDeps, sessionId: string | undefined): Answer {
  return answerPrivately(deps.logger, { session: sessionId, channel: input.channelId }, ephemeralTo(client, input));
}

/** Acks, then reads the payload; a malformed one is logged and dropped. */
async function accept(args: Args, deps: ListenerDeps): Promise<ButtonInput | undefined> {
  await args.ack();
  const input = readButton(args.body);
  if (!input) deps.logger.warn('ignored a malformed button payload');
  return input;
}

export function makeAddNoteAction(deps: ListenerDeps) {
  return async (args: Args): Promise<void> => {
    const input = await accept(args, deps);
    if (!input) return;
    const target = decodeButtonValue(input.value);
    const tell = answerClicker(args, input, deps, target?.sessionId);
    const session = target ? await deps.store.sessions.find(target.sessionId) : undefined;
    if (!session || !reaches(session, await deps.sessions.accessTo(session.id, { ...input.workspace, channelId: input.channelId }))) {
      return tell(renderRefusal('not_found'));
    }
    if (session.status === 'ended') return tell(renderRefusal('ended'));
    // views.open must follow the ack at once: the trigger_id dies 3 seconds after the click.
    const panel = isLiveInterview(session) && isOnPanel(session, input.userId);
    await openForm(args.client, deps.logger, {
      triggerId: input.triggerId,
      view: renderNoteModalFor(session, deps.clock(), undefined, panel),
      name: 'the note form',
      context: { session: session.id },
      failed: renderPlain('The note form did not open. Click *Add note* again.'),
      answer: tell,
    });
  };
}

/** Buttons add this much to the phase under way. */
export const EXTEND_BUTTON_MS = 5 * 60_000;

export function makeSteerAction(deps: ListenerDeps, which: 'next' | 'end' | 'pause' | 'resume' | 'extend') {
  return async (args: Args): Promise<void> => {
    const input = await accept(args, deps);
    if (!input) return;
    const target = decodeButtonValue(input.value);
    const tell = answerClicker(args, input, deps, target?.sessionId);
    if (!target) return tell(renderRefusal('not_found'));
    const now = deps.clock();
    const access = await deps.sessions.accessTo(target.sessionId, { ...input.workspace, channelId: input.channelId });
    const expected = target.phaseIndex === undefined ? 'typed' : { from: target.phaseIndex };
    const outcome = await (() => {
      switch (which) {
        case 'next':
          return nextPhase(deps, target.sessionId, access, input.userId, now, expected);
        case 'end':
          return endSession(deps, target.sessionId, access, input.userId, now);
        case 'pause':
          return pauseSession(deps, target.sessionId, access, input.userId, now);
        case 'resume':
          return resumeSession(deps, target.sessionId, access, input.userId, now);
        case 'extend':
          return extendPhase(deps, target.sessionId, access, input.userId, EXTEND_BUTTON_MS, now, expected);
      }
    })();
    if (!outcome.ok) {
      // Asked to steer a session waiting for an invitation: what waited is being tried again, in case it was given.
      if (outcome.reason === 'not_invited') void deps.dispatcher.wake();
      return tell(renderSteerRefusal(outcome, input.userId, now, which));
    }
    deps.logger.info(`session ${which} (button)`, { team: input.workspace.teamId, channel: outcome.session.channelId, session: outcome.session.id });
    void deps.dispatcher.wake();
    // The other buttons show what they did on the message itself; the time added, and the new end, are said here.
    if (which === 'extend' && outcome.change) await tell(renderClockChanged(outcome.change, now));
  };
}
