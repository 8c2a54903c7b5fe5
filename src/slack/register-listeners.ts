/** The one place that wires listeners to Bolt's router. */
import type { App } from '@slack/bolt';
import type { ListenerDeps } from './deps.ts';
import { ACTION_IDS, CALLBACK_IDS, COMMAND } from './ids.ts';
import { makeAddNoteAction, makeSteerAction } from './listeners/actions.ts';
import { makeCommandListener } from './listeners/command.ts';
import { makeAccessRevokedListener, makeAppHomeListener, makeMemberJoinedListener } from './listeners/events.ts';
import { makeNoteModalSubmit } from './listeners/note-modal-submit.ts';
import { makeScoreAction, makeScorecardSubmit } from './listeners/scorecard.ts';
import { makeNoteEditAction } from './listeners/my-notes.ts';
import { makeSaveAsNoteShortcut } from './listeners/shortcuts.ts';
import { makeStartFormSubmit } from './listeners/start-form.ts';
import { makeLinkAction, makeMembershipAction, makeThreadReplyListener } from './listeners/study-group.ts';
import { renderNotInstalled } from './views/replies.ts';

export function registerListeners(app: App, deps: ListenerDeps): void {
  // Slack re-delivers an event it thinks we missed; the event id tells a retry from a new event. The id counts
  // as handled only once its listener succeeded, so a retry after a crash or a failure is handled again.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId !== 'string') return next();
    // Messages are most of the events a busy channel sends: their one use (a thread reply counted once per
    // message ts) is idempotent by itself, so they cost no writes here.
    if ((body as { event?: { type?: unknown } }).event?.type === 'message') return next();
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
  // Installed in many workspaces: a request from one without an installation (uninstalled, or its tokens
  // revoked) reaches no listener; a command gets a short answer saying how to install, the rest only an ack.
  if (deps.installations) {
    app.use(async (args) => {
      if (args.context.botToken) return args.next();
      const body = args.body as { command?: unknown; event?: { type?: unknown } };
      if (body.event?.type === 'app_uninstalled' || body.event?.type === 'tokens_revoked') return args.next();
      const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
      deps.logger.info('a request from a workspace without an installation', { team: args.context.teamId ?? '', enterprise: args.context.enterpriseId ?? '' });
      if (typeof body.command === 'string') {
        const reply = renderNotInstalled(deps.installUrl);
        await ack?.({ response_type: 'ephemeral', text: reply.text, blocks: reply.blocks });
      } else await ack?.();
    });
  }
  app.command(COMMAND, makeCommandListener(deps));
  app.action(ACTION_IDS.addNote, makeAddNoteAction(deps));
  app.action(ACTION_IDS.nextPhase, makeSteerAction(deps, 'next'));
  app.action(ACTION_IDS.endSession, makeSteerAction(deps, 'end'));
  app.action(ACTION_IDS.pause, makeSteerAction(deps, 'pause'));
  app.action(ACTION_IDS.resume, makeSteerAction(deps, 'resume'));
  app.action(ACTION_IDS.extend, makeSteerAction(deps, 'extend'));
  app.action(ACTION_IDS.editNote, makeNoteEditAction(deps, 'edit'));
  app.action(ACTION_IDS.deleteNote, makeNoteEditAction(deps, 'delete'));
  app.action(ACTION_IDS.score, makeScoreAction(deps));
  app.view(CALLBACK_IDS.noteModal, makeNoteModalSubmit(deps));
  app.view(CALLBACK_IDS.scorecardModal, makeScorecardSubmit(deps));
  app.view(CALLBACK_IDS.startModal, makeStartFormSubmit(deps));
  app.shortcut({ callback_id: CALLBACK_IDS.saveAsNote, type: 'message_action' }, makeSaveAsNoteShortcut(deps));
  app.event('app_home_opened', makeAppHomeListener(deps));
  app.event('member_joined_channel', makeMemberJoinedListener(deps));
  app.event('app_uninstalled', makeAccessRevokedListener(deps, 'app_uninstalled'));
  app.event('tokens_revoked', makeAccessRevokedListener(deps, 'tokens_revoked'));
  app.event('message', makeThreadReplyListener(deps));
  app.action(ACTION_IDS.join, makeMembershipAction(deps, 'join'));
  app.action(ACTION_IDS.leave, makeMembershipAction(deps, 'leave'));
  app.action(ACTION_IDS.mute, makeMembershipAction(deps, 'mute'));
  app.action(ACTION_IDS.openThread, makeLinkAction());
}
