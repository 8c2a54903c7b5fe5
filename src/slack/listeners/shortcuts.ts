/** "Save as note": a message shortcut that turns a message of the discussion into a note, through the note modal. */
import type { AllMiddlewareArgs, SlackShortcutMiddlewareArgs, webApi } from '@slack/bolt';
import { answerPrivately, throughResponseUrl } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { type MentionNames, plainFromSlack, unnamedMentions } from '../mrkdwn.ts';
import { openForm } from '../open-form.ts';
import { readMessageShortcut } from '../payloads.ts';
import { isLiveInterview, isOnPanel } from '../../domain/session.ts';
import { renderNoteModalFor } from '../views/note-modal.ts';
import { renderNoSession } from '../views/replies.ts';
import { answeredWithin, NAME_LOOKUPS_AT_ONCE, userNames } from '../users.ts';

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
    const names = await mentionNames(client, input.messageText);
    // The person reviews (and may edit) the text before it is saved: the modal is the same as Add note.
    await openForm(client, deps.logger, {
      triggerId: input.triggerId,
      view: renderNoteModalFor(session, deps.clock(), plainFromSlack(input.messageText, names).trim(), isLiveInterview(session) && isOnPanel(session, input.userId)),
      name: 'the note form',
      context: { session: session.id },
      failed: { text: 'The note form did not open. Use *Save as note* on the message again.' },
      answer,
    });
  };
}

/**
 * A message's text names people and channels by id only (`<@U0BOB>`): the note would read "@U0BOB". Their names are
 * looked up first, a few at most and all at once, so the form still opens before its trigger expires (3 seconds);
 * anyone not named in time, or past those few, keeps their id.
 */
async function mentionNames(client: webApi.WebClient, text: string): Promise<MentionNames> {
  const { users, channels } = unnamedMentions(text);
  const [userMap, channelMap] = await Promise.all([
    userNames(client, users.slice(0, NAME_LOOKUPS_AT_ONCE)),
    channelNames(client, channels.slice(0, NAME_LOOKUPS_AT_ONCE)),
  ]);
  return { users: userMap, channels: channelMap };
}

/** Channels' names (conversations.info); one Slack will not show the app (private, elsewhere) is left out. */
async function channelNames(client: webApi.WebClient, ids: readonly string[]): Promise<Map<string, string>> {
  const found = await Promise.all(ids.map((id) => answeredWithin(client.conversations.info({ channel: id }).then((r) => r.channel?.name))));
  return new Map(ids.flatMap((id, i) => (found[i] ? [[id, found[i]] as const] : [])));
}
