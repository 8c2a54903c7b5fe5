/**
 * Opening a form (a modal) from a click, a command or a shortcut. Slack accepts the person's trigger for 3 seconds
 * only, so the form opens right after the ack. When Slack refuses it (expired_trigger_id after a late click), fails
 * or does not answer, the failure is logged once and the person is told once, privately, that the form did not open.
 */
import type { AllMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { LogFields, Logger } from '../app/ports.ts';
import { type Answer, type PrivateReply, reasonOf } from './answer-privately.ts';

export interface FormToOpen {
  /** The trigger of the payload just acked. */
  readonly triggerId: string;
  readonly view: ModalView;
  /** How the logs name the form: 'the note form', 'the scorecard'. */
  readonly name: string;
  /** What the log lines carry besides the reason: the session or the channel, never a token or a response URL. */
  readonly context: LogFields;
  /** What the person reads when the form did not open: what to do instead. */
  readonly failed: PrivateReply;
  /** The listener's private way of answering this person (an ephemeral, the response URL), which logs its own failure. */
  readonly answer: Answer;
}

/** Opens the form; never throws, since the person's action was acked and the reply is the only thing left to do. */
export async function openForm(client: AllMiddlewareArgs['client'], logger: Logger, form: FormToOpen): Promise<void> {
  try {
    await client.views.open({ trigger_id: form.triggerId, view: form.view });
    return;
  } catch (error) {
    logger.warn(`could not open ${form.name}`, { ...form.context, reason: reasonOf(error) });
  }
  await form.answer(form.failed);
}
