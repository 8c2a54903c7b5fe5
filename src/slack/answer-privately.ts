/**
 * Answering one person privately: an ephemeral in the channel they acted in, or a post to the payload's response
 * URL (which reaches them even where the bot is not a member). What they are answered about was already handled,
 * so a reply that does not arrive is logged once, as a warning with the session or channel, and never thrown:
 * thrown, it would reach Bolt's error handler as a failed listener, at error level and without either.
 */
import type { AllMiddlewareArgs, RespondFn } from '@slack/bolt';
import type { LogFields, Logger } from '../app/ports.ts';
import type { SlackMessage } from './views/message.ts';

/** What the person reads: a rendered message, or text alone for a one-line reply. */
export type PrivateReply = Pick<SlackMessage, 'text'> & Partial<Pick<SlackMessage, 'blocks'>>;
/** Sends a reply, and throws when it does not arrive. */
export type SendReply = (reply: PrivateReply) => Promise<unknown>;
/** Sends a reply and never throws: its failure is logged. */
export type Answer = (reply: PrivateReply) => Promise<void>;

/**
 * Why a call failed, for a log line. A response URL lets anyone post to the person for half an hour, and fetch puts
 * the URL it could not use in its message, so addresses are cut out.
 */
export const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).replace(/https?:\/\/\S+/g, '[url]');

/** The one way to answer privately; `context` names the session or the channel, never a token or a response URL. */
export function answerPrivately(logger: Logger, context: LogFields, send: SendReply): Answer {
  return async (reply) => {
    try {
      await send(reply);
    } catch (error) {
      logger.warn('could not answer privately', { ...context, reason: reasonOf(error) });
    }
  };
}

/** An ephemeral to the person in a channel; without a channel (a click outside any) there is nowhere to put it. */
export function ephemeralTo(client: AllMiddlewareArgs['client'], to: { readonly channelId: string | undefined; readonly userId: string }): SendReply {
  return async ({ text, blocks }) => {
    if (to.channelId) await client.chat.postEphemeral({ channel: to.channelId, user: to.userId, text, blocks });
  };
}

/** Through the payload's response URL, seen by the person only; `replaceOriginal` when it answers a private message they clicked in. */
export function throughResponseUrl(respond: RespondFn, replaceOriginal?: boolean): SendReply {
  return ({ text, blocks }) => respond({ response_type: 'ephemeral', ...(replaceOriginal === undefined ? {} : { replace_original: replaceOriginal }), text, blocks });
}
