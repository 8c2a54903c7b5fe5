/**
 * The start form: `/mockdesign start` alone opens it; its submission starts the session like the typed
 * command would. Mistakes are inline errors on their fields, and nothing is started until the form is right.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { startSession } from '../../app/sessions.ts';
import { findPrompt, pickRandomPrompt } from '../../domain/prompts.ts';
import { clip } from '../../domain/text.ts';
import { answerPrivately, ephemeralTo, throughResponseUrl } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { openForm } from '../open-form.ts';
import { readViewSubmission } from '../payloads.ts';
import { renderStarted } from '../views/replies.ts';
import { decodeStartModalMetadata, parseStartForm, RANDOM_PROMPT, renderStartModal, START_FIELDS } from '../views/start-modal.ts';

/** Opens the form; the command's trigger dies 3 seconds after the command, so this follows the ack at once. */
export async function openStartForm(args: AllMiddlewareArgs & SlackCommandMiddlewareArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await openForm(args.client, deps.logger, {
    triggerId: args.command.trigger_id,
    view: renderStartModal({ channelId: args.command.channel_id }),
    name: 'the start form',
    context: { channel: args.command.channel_id },
    failed: { text: 'The start form did not open. Type `/mockdesign start <topic>` instead, or try again.' },
    answer: answerPrivately(deps.logger, { channel: args.command.channel_id }, throughResponseUrl(args.respond)),
  });
}

export function makeStartFormSubmit(deps: ListenerDeps) {
  return async ({ ack, body, client, context }: AllMiddlewareArgs & SlackViewMiddlewareArgs): Promise<void> => {
    const input = readViewSubmission(body);
    const meta = input ? decodeStartModalMetadata(input.privateMetadata) : undefined;
    if (!input || !meta) {
      deps.logger.warn('ignored a malformed start form submission');
      await ack({ response_action: 'errors', errors: { [START_FIELDS.topic]: 'This form is out of date. Close it and type `/mockdesign start` again.' } });
      return;
    }
    // The people pickers list the app's own user too; it is nobody to interview or to nudge.
    const form = parseStartForm(input.values, { hostId: input.userId, appUserId: context.botUserId });
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const now = deps.clock();
    const access = { ...input.workspace, channelId: meta.channelId };
    const existing = await deps.sessions.liveHere(access);
    if (existing) {
      await ack({ response_action: 'errors', errors: { [START_FIELDS.topic]: `A session is already running in this channel (${clip(existing.topic, 80)}). End it first.` } });
      return;
    }
    const { value } = form;
    const prompt =
      value.prompt === RANDOM_PROMPT
        ? pickRandomPrompt(await deps.store.sessions.promptsUsedIn(input.workspace, meta.channelId), deps.random ?? Math.random)
        : value.prompt
          ? findPrompt(value.prompt)
          : findPrompt(value.topic);
    const topic = value.topic || prompt?.title || '';
    const outcome = await startSession(
      deps,
      {
        ...input.workspace,
        channelId: meta.channelId,
        hostId: input.userId,
        topic,
        plan: value.plan,
        interviewers: value.interviewers,
        candidateId: value.candidate ?? null,
        observers: value.observers,
        level: value.level ?? null,
        promptId: prompt?.id ?? null,
        isAsync: value.isAsync,
        privateScores: value.privateScores,
      },
      now,
    );
    if (outcome.kind === 'busy') {
      await ack({ response_action: 'errors', errors: { [START_FIELDS.topic]: 'Someone started a session in this channel a moment ago. End it first.' } });
      return;
    }
    await ack();
    deps.logger.info('session started (form)', { team: input.workspace.teamId, channel: meta.channelId, session: outcome.session.id });
    void deps.dispatcher.wake();
    const tell = answerPrivately(deps.logger, { session: outcome.session.id, channel: meta.channelId }, ephemeralTo(client, { channelId: meta.channelId, userId: input.userId }));
    await tell(renderStarted(outcome.session));
  };
}
