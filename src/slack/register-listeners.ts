/** The one place that wires listeners to Bolt's router. */
import type { AllMiddlewareArgs, AnyMiddlewareArgs, App, SlackActionMiddlewareArgs, SlackEventMiddlewareArgs, SlackShortcutMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { UnreadableSessionError } from '../app/ports.ts';
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
import { describePayload } from './payloads.ts';
import { renderNotInstalled, renderUnreadableSession, unreadableSessionFieldError } from './views/replies.ts';

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
  const command = makeCommandListener(deps);
  const actions = new Map<string, Listener<ActionArgs>>([
    [ACTION_IDS.addNote, makeAddNoteAction(deps)],
    [ACTION_IDS.nextPhase, makeSteerAction(deps, 'next')],
    [ACTION_IDS.endSession, makeSteerAction(deps, 'end')],
    [ACTION_IDS.pause, makeSteerAction(deps, 'pause')],
    [ACTION_IDS.resume, makeSteerAction(deps, 'resume')],
    [ACTION_IDS.extend, makeSteerAction(deps, 'extend')],
    [ACTION_IDS.editNote, makeNoteEditAction(deps, 'edit')],
    [ACTION_IDS.deleteNote, makeNoteEditAction(deps, 'delete')],
    [ACTION_IDS.score, makeScoreAction(deps)],
    [ACTION_IDS.join, makeMembershipAction(deps, 'join')],
    [ACTION_IDS.leave, makeMembershipAction(deps, 'leave')],
    [ACTION_IDS.mute, makeMembershipAction(deps, 'mute')],
    [ACTION_IDS.openThread, makeLinkAction()],
  ]);
  const views = new Map<string, Listener<ViewArgs>>([
    [CALLBACK_IDS.noteModal, makeNoteModalSubmit(deps)],
    [CALLBACK_IDS.scorecardModal, makeScorecardSubmit(deps)],
    [CALLBACK_IDS.startModal, makeStartFormSubmit(deps)],
  ]);
  const shortcuts = new Map<string, Listener<ShortcutArgs>>([[CALLBACK_IDS.saveAsNote, makeSaveAsNoteShortcut(deps)]]);
  const events = new Map<string, Listener<EventArgs>>([
    ['app_home_opened', makeAppHomeListener(deps)],
    ['member_joined_channel', makeMemberJoinedListener(deps)],
    ['app_uninstalled', makeAccessRevokedListener(deps, 'app_uninstalled')],
    ['tokens_revoked', makeAccessRevokedListener(deps, 'tokens_revoked')],
    ['message', makeThreadReplyListener(deps)],
  ]);
  // The router, last of the global middleware. Bolt runs every registered listener's middleware for every request
  // (its type check and its matcher, each called with a fresh copy of the request's arguments), and five listeners,
  // one per kind, cost 40–70 µs of the main thread a request, about a seventh of what answering `help` costs.
  // Here the request's kind and id are read once and the one listener for them is called; a request none of them
  // takes goes on down Bolt's chain unhandled, as it would with no listener matching.
  app.use(async (args) => {
    const work = route(args);
    if (!work) return args.next();
    // A listener that fails before answering (the database did not answer its first read, say) would leave the
    // person with Slack's own "failed with the error operation_timeout". It is answered here instead, once,
    // and the error goes on to the error handler, which logs it.
    const acking = args as { ack?: (response?: unknown) => Promise<void> };
    const ack = acking.ack;
    let acked = false;
    if (ack) {
      acking.ack = (response) => {
        acked = true;
        return ack(response);
      };
    }
    try {
      await work;
    } catch (error) {
      // A session this version cannot read (a newer one saved it, mid-upgrade) is no failure of ours to retry: the
      // person is told what is true and what they can do, and it is logged once, as a warning with the session and
      // why, not as a failed listener. An event has nobody to tell, and goes on as any failure does.
      if (error instanceof UnreadableSessionError && !('event' in args)) {
        deps.logger.warn('a request reached a session that cannot be read', {
          ...describePayload(args.body),
          ...(error.place ? { team: error.place.teamId, channel: error.place.channelId } : {}),
          session: error.sessionId,
          reason: error.reason,
        });
        await answerUnreadable(args, ack, acked, error.live).catch(() => undefined);
        return;
      }
      await answerFailure(args, ack, acked).catch(() => undefined);
      throw error;
    }
  });

  /** The listener's work for a request one of them takes; undefined for any other. */
  function route(args: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> | undefined {
    if ('command' in args) return args.command.command === COMMAND ? command(args) : undefined;
    if ('action' in args) return actions.get((args.action as { action_id?: string }).action_id ?? '')?.(args);
    // Submissions only: a modal closed with Cancel is not ours to answer.
    if ('view' in args) return args.body.type === 'view_submission' ? views.get(args.view.callback_id)?.(args) : undefined;
    if ('shortcut' in args) return args.shortcut.type === 'message_action' ? shortcuts.get(args.shortcut.callback_id)?.(args) : undefined;
    if ('event' in args) return events.get(args.event.type)?.(args);
    return undefined;
  }
}

type Listener<A> = (args: A) => Promise<void>;
type ActionArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs;
type ViewArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs;
type EventArgs = AllMiddlewareArgs & SlackEventMiddlewareArgs;
type ShortcutArgs = AllMiddlewareArgs & SlackShortcutMiddlewareArgs;

/** What the person reads when their command, click or shortcut failed where nothing else told them. */
export const SOMETHING_WENT_WRONG = 'Something went wrong on our side. Please try again in a moment.';

/**
 * Tells the person whose request failed unexpectedly (the failures a listener expects, it answers itself). A
 * command that was not yet answered gets the reply in its ack; one that was has had its say. A click or a shortcut
 * is acked at once, before the work, so it is acked now if it was not, and the person is told through its
 * response URL. A form is left as it is: unanswered, Slack keeps it open with what was typed and says it could not
 * be sent, where an ack would close it and lose the typing.
 */
async function answerFailure(
  args: AnyMiddlewareArgs & AllMiddlewareArgs,
  ack: ((response?: unknown) => Promise<void>) | undefined,
  acked: boolean,
  text = SOMETHING_WENT_WRONG,
): Promise<void> {
  if ('command' in args) {
    if (ack && !acked) await ack({ response_type: 'ephemeral', text });
    return;
  }
  if (!('action' in args) && !('shortcut' in args)) return;
  if (ack && !acked) await ack();
  const respond = (args as { respond?: (message: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown> }).respond;
  await respond?.({ response_type: 'ephemeral', replace_original: false, text });
}

/**
 * Tells the person whose request reached a session that cannot be read, as `answerFailure` does, except that a form
 * not yet answered is answered too (Slack's own "could not be sent" would invite sending it again, which can only
 * meet the same session): why, under its first field, the form left open with what was typed, so that nothing
 * written in it is lost. (Every form that reaches a session has a field; one without would be left as answerFailure
 * leaves it.)
 */
async function answerUnreadable(args: AnyMiddlewareArgs & AllMiddlewareArgs, ack: ((response?: unknown) => Promise<void>) | undefined, acked: boolean, live: boolean): Promise<void> {
  if ('view' in args) {
    if (!ack || acked) return;
    const field = firstField(args.body.view);
    if (field) await ack({ response_action: 'errors', errors: { [field]: unreadableSessionFieldError(live) } });
    return;
  }
  await answerFailure(args, ack, acked, renderUnreadableSession(live).text);
}

/** The block id of a submitted form's first input: its state lists the inputs by block id, in the form's order. */
function firstField(view: unknown): string | undefined {
  const values = (view as { state?: { values?: unknown } } | undefined)?.state?.values;
  return values && typeof values === 'object' ? Object.keys(values)[0] : undefined;
}
