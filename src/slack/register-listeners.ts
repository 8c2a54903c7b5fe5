/** The one place that wires listeners to Bolt's router. */
import type { App } from '@slack/bolt';
import type { ListenerDeps } from './deps.ts';
import { ACTION_IDS, CALLBACK_IDS, COMMAND } from './ids.ts';
import { makeAddNoteAction, makeSteerAction } from './listeners/actions.ts';
import { makeCommandListener } from './listeners/command.ts';
import { makeAccessRevokedListener, makeAppHomeListener, makeMemberJoinedListener } from './listeners/events.ts';
import { makeNoteModalSubmit } from './listeners/note-modal-submit.ts';
import { makeSaveAsNoteShortcut } from './listeners/shortcuts.ts';

export function registerListeners(app: App, deps: ListenerDeps): void {
  // Slack re-delivers an event it thinks we missed; the event id tells a retry from a new event. The id counts
  // as handled only once its listener succeeded, so a retry after a crash or a failure is handled again.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId !== 'string') return next();
    const key = `event:${eventId}`;
    if (!(await deps.store.requests.begin(key, deps.clock()))) return;
    try {
      await next();
    } catch (error) {
      await deps.store.requests.abandon(key).catch(() => undefined);
      throw error;
    }
    await deps.store.requests.finish(key, deps.clock());
  });
  app.command(COMMAND, makeCommandListener(deps));
  app.action(ACTION_IDS.addNote, makeAddNoteAction(deps));
  app.action(ACTION_IDS.nextPhase, makeSteerAction(deps, 'next'));
  app.action(ACTION_IDS.endSession, makeSteerAction(deps, 'end'));
  app.view(CALLBACK_IDS.noteModal, makeNoteModalSubmit(deps));
  app.shortcut({ callback_id: CALLBACK_IDS.saveAsNote, type: 'message_action' }, makeSaveAsNoteShortcut(deps));
  app.event('app_home_opened', makeAppHomeListener(deps));
  app.event('member_joined_channel', makeMemberJoinedListener(deps));
  app.event('app_uninstalled', makeAccessRevokedListener(deps, 'app_uninstalled'));
  app.event('tokens_revoked', makeAccessRevokedListener(deps, 'tokens_revoked'));
}
