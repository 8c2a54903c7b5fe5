/** `/mockdesign`: every answer is given in the ack (ephemeral), within Slack's 3 seconds; posting follows. */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { addNote, endSession, nextPhase, pauseSession, resumeSession, startSession, type SteerOutcome } from '../../app/sessions.ts';
import { MAX_TOPIC_LENGTH, parseCommand } from '../../domain/command.ts';
import { DEFAULT_KIND_BY_PHASE } from '../../domain/notes.ts';
import { currentPhaseIndex } from '../../domain/timeline.ts';
import type { ListenerDeps } from '../deps.ts';
import { decodeEntities, phaseName, plainFromSlack } from '../mrkdwn.ts';
import type { SlackMessage } from '../views/message.ts';
import {
  renderBusy,
  renderHelp,
  renderInvalid,
  renderNoSession,
  renderNoteSaved,
  renderPlain,
  renderRefusal,
  renderStarted,
  renderStatus,
} from '../views/replies.ts';
import { readCommand } from '../payloads.ts';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

function ephemeral(message: SlackMessage) {
  return { response_type: 'ephemeral' as const, text: message.text, blocks: message.blocks };
}

export function makeCommandListener(deps: ListenerDeps) {
  return async ({ command, ack, respond }: Args): Promise<void> => {
    const now = deps.clock();
    const reply = (message: SlackMessage) => ack(ephemeral(message));
    const input = readCommand(command);
    if (!input) {
      deps.logger.warn('ignored a malformed slash command payload');
      return reply(renderPlain('Slack sent this command in a form I could not read. Please try again.'));
    }
    const { userId: user, channelId } = input;
    // The asking workspace and channel: in a channel shared between organisations, both sides reach its one session.
    const workspace = { ...input.workspace, channelId };
    // Parsed as Slack sent it (mentions as <@U…> refs, typed brackets as entities); free text is made plain after.
    const parsed = parseCommand(input.text);

    switch (parsed.kind) {
      case 'help':
        return reply(renderHelp(parsed.unknown === undefined ? undefined : decodeEntities(parsed.unknown)));
      case 'invalid':
        return reply(renderInvalid(decodeEntities(parsed.message)));
      case 'start': {
        const topic = plainFromSlack(parsed.topic).trim();
        if (topic === '' || topic.length > MAX_TOPIC_LENGTH) {
          return reply(renderInvalid(`Give the session a topic of at most ${MAX_TOPIC_LENGTH} characters.`));
        }
        // Ack first: one read decides the answer, and the session is written after Slack has it.
        const existing = await deps.sessions.liveHere(workspace);
        if (existing) return reply(renderBusy(existing));
        await reply(renderStarted({ topic, createdAt: now, endsAt: now + parsed.plan.reduce((sum, ms) => sum + ms, 0) }));
        const later = (message: SlackMessage) => respond(ephemeral(message)).catch((error: unknown) => deps.logger.warn('could not answer through the response URL', { channel: channelId, reason: String(error) }));
        let outcome: Awaited<ReturnType<typeof startSession>>;
        try {
          outcome = await startSession(
            deps,
            { ...input.workspace, channelId, hostId: user, topic, plan: parsed.plan, interviewers: parsed.interviewers },
            now,
          );
        } catch (error) {
          await later(renderPlain('Something went wrong and the session was not started. Please try again in a moment.'));
          throw error;
        }
        // Someone else started one in this channel between the read and the write.
        if (outcome.kind === 'busy') return void (await later(renderBusy(outcome.existing)));
        deps.logger.info('session started', { team: workspace.teamId, channel: channelId, session: outcome.session.id });
        void deps.dispatcher.tick();
        return;
      }
    }

    const session = await deps.sessions.liveHere(workspace);
    if (!session) return reply(renderNoSession());

    switch (parsed.kind) {
      case 'status':
        return reply(renderStatus(session, await deps.store.sessions.noteCount(session.id), now));
      case 'note': {
        const phaseIndex = currentPhaseIndex(session.phases, session.pausedAt ?? now);
        const outcome = await addNote(
          deps,
          {
            ...workspace,
            sessionId: session.id,
            authorId: user,
            phaseIndex,
            kind: DEFAULT_KIND_BY_PHASE[phaseIndex] ?? 'requirement',
            text: plainFromSlack(parsed.text),
            dedupeKey: input.triggerId ? `command:${input.triggerId}` : null,
          },
          now,
        );
        if (!outcome.ok) return reply(renderRefusal(outcome.reason === 'ended' ? 'ended' : 'not_found'));
        return reply(renderNoteSaved(outcome.phaseIndex));
      }
      case 'next':
        return steer(await nextPhase(deps, session.id, workspace, user, now, 'typed'), (s) => {
          const i = s.status === 'ended' ? null : currentPhaseIndex(s.phases, now);
          return i === null ? 'That was the last phase: the summary is on its way.' : `⏭️ On to phase ${i + 1}, *${phaseName(i)}*.`;
        });
      case 'end':
        return steer(await endSession(deps, session.id, workspace, user, now), () => '🏁 Session ended. The summary is on its way to the thread.');
      case 'pause':
        return steer(await pauseSession(deps, session.id, workspace, user, now), () => '⏸️ Paused. `/mockdesign resume` starts the clock again.');
      case 'resume':
        return steer(await resumeSession(deps, session.id, workspace, user, now), () => '▶️ Resumed: the schedule moved by the time you were paused.');
    }

    async function steer(outcome: SteerOutcome, success: (s: NonNullable<SteerOutcome['session']>) => string) {
      if (!outcome.ok) return reply(renderRefusal(outcome.reason, outcome.session));
      await reply(renderPlain(success(outcome.session)));
      deps.logger.info(`session ${parsed.kind}`, { team: workspace.teamId, channel: channelId, session: outcome.session.id });
      void deps.dispatcher.tick();
    }
  };
}

