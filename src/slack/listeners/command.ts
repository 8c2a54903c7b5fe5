/** `/mockdesign`: every answer is given in the ack (ephemeral), within Slack's 3 seconds; posting follows. */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { UnreadableSessionError } from '../../app/ports.ts';
import { addNote, endSession, endUnreadableSession, extendPhase, handOver, nextPhase, pauseSession, resumeSession, startSession, type SteerOutcome } from '../../app/sessions.ts';
import { MAX_TOPIC_LENGTH, parseCommand } from '../../domain/command.ts';
import { DEFAULT_KIND_BY_PHASE, isPublicNote } from '../../domain/notes.ts';
import { findPrompt, pickRandomPrompt } from '../../domain/prompts.ts';
import { currentPhaseIndex } from '../../domain/timeline.ts';
import { answerPrivately, throughResponseUrl } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { decodeEntities, phaseName, plainFromSlack } from '../mrkdwn.ts';
import type { SlackMessage } from '../views/message.ts';
import {
  appAsPerson,
  renderBusy,
  renderHandOverRefusal,
  renderHelp,
  renderInvalid,
  renderNoSession,
  renderNoteSaved,
  renderClockChanged,
  renderHandedOver,
  renderPlain,
  renderRefusal,
  renderStarted,
  renderStatus,
  renderSteerRefusal,
  renderUnreadableEnd,
  renderInvalidFromSlack,
  type SteerCommand,
} from '../views/replies.ts';
import { readCommand } from '../payloads.ts';
import { renderChannelHistory } from '../views/history.ts';
import { renderMyNotes } from '../views/my-notes.ts';
import { openStartForm } from './start-form.ts';
import { exportCommand } from '../export.ts';
import { createSchedule, removeSchedule } from '../../app/schedules.ts';
import { ASYNC_DEFAULT_PLAN } from '../../domain/command.ts';
import { DEFAULT_PLAN } from '../../domain/plan.ts';
import { isTimeZone } from '../../domain/recurrence.ts';
import { HOST_AS_CANDIDATE, isLiveInterview, isOnPanel } from '../../domain/session.ts';
import { isBlank } from '../../domain/text.ts';
import { renderCannotCheckSchedule, renderNotYourSchedule, renderRemovedByOther, renderScheduleClash, renderScheduled, renderSchedules, renderUnscheduled } from '../views/schedules.ts';
import { mayActFor, userTimeZone } from '../users.ts';
import { slackErrorCode } from '../web-api.ts';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

function ephemeral(message: SlackMessage) {
  return { response_type: 'ephemeral' as const, text: message.text, blocks: message.blocks };
}

export function makeCommandListener(deps: ListenerDeps) {
  return async (args: Args): Promise<void> => {
    const { command, ack, respond } = args;
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
    // Parsed as Slack sent it (mentions as <@U…> refs, typed brackets as entities); free text is made plain after,
    // and its limits are measured on the plain text, as the person typed it.
    const parsed = parseCommand(input.text, (text) => plainFromSlack(text).length);

    switch (parsed.kind) {
      case 'help':
        return reply(renderHelp(parsed.unknown === undefined ? undefined : decodeEntities(parsed.unknown), parsed.suggestion));
      case 'schedule': {
        // The zone: the one given, else the one in the person's Slack profile, else UTC. A profile's zone this
        // runtime does not know (newer than its time-zone data) counts as unread: the person did not type it, so
        // refusing the schedule over it would leave them nothing to fix but to guess at `--tz`.
        const slackTz = parsed.tz ? undefined : await userTimeZone(args.client, user);
        const profileTz = slackTz !== undefined && isTimeZone(slackTz) ? slackTz : undefined;
        if (slackTz !== undefined && profileTz === undefined) deps.logger.info('a Slack profile names a time zone this runtime does not know; the schedule uses UTC', { team: input.workspace.teamId, user, tz: slackTz });
        const outcome = await createSchedule(
          deps,
          {
            ...input.workspace,
            channelId,
            userId: user,
            recurrence: decodeEntities(parsed.recurrence),
            tz: parsed.tz ?? profileTz ?? 'UTC',
            plan: parsed.plan ?? (parsed.isAsync ? ASYNC_DEFAULT_PLAN : DEFAULT_PLAN),
            isAsync: parsed.isAsync,
          },
          now,
        );
        if (!outcome.ok) return reply('clash' in outcome ? renderScheduleClash(outcome.clash, outcome.at) : renderInvalid(decodeEntities(outcome.error)));
        deps.logger.info('schedule created', { team: input.workspace.teamId, channel: channelId, schedule: outcome.schedule.id });
        return reply(renderScheduled(outcome.schedule, parsed.tz ? 'given' : profileTz ? 'profile' : 'utc_fallback'));
      }
      case 'schedules':
        return reply(renderSchedules(await deps.store.schedules.inChannel(input.workspace, channelId)));
      case 'unschedule': {
        // Someone else's schedule: a workspace admin may remove it, and anyone once its creator's account is gone.
        const outcome = await removeSchedule(deps, { ...input.workspace, channelId, userId: user, id: parsed.id }, now, (s) => mayActFor(args.client, user, s.createdBy));
        if (!outcome.ok) {
          return reply(
            outcome.reason === 'not_found'
              ? renderPlain('This channel has no schedule with that id: `/mockdesign schedules` lists them.')
              : outcome.reason === 'not_creator'
                ? renderNotYourSchedule(outcome.schedule)
                : renderCannotCheckSchedule(outcome.schedule),
          );
        }
        deps.logger.info('schedule removed', { team: input.workspace.teamId, channel: channelId, schedule: outcome.schedule.id, by_creator: outcome.byCreator });
        await reply(renderUnscheduled(outcome.schedule));
        if (!outcome.byCreator) {
          // Their schedule went without their doing: they hear it from us once. A deactivated account cannot be
          // written to, which is no failure worth more than a line.
          const told = renderRemovedByOther(outcome.schedule, user);
          await args.client.chat.postMessage({ channel: outcome.schedule.createdBy, text: told.text, blocks: told.blocks }).catch((error: unknown) => {
            deps.logger.info('could not tell a schedule\'s creator it was removed', { team: input.workspace.teamId, schedule: outcome.schedule.id, reason: slackErrorCode(error) ?? String(error) });
          });
        }
        return;
      }
      case 'invalid':
        // Quoted words as the person saw them: a user group or channel Slack encoded (<!subteam^S1|@eng>) reads @eng;
        // a person the refusal names is a mention.
        return reply(renderInvalidFromSlack(parsed.message));
      case 'start_form': {
        // Said before the form is filled in, not after: one read, well within the 3 seconds the trigger lives.
        const existing = await deps.sessions.liveHere(workspace);
        if (existing) return reply(renderBusy(existing, user));
        return openStartForm(args, deps);
      }
      case 'export':
        return exportCommand(args, deps, { workspace: input.workspace, channelId, userId: user }, parsed.ref);
      case 'history':
        // This workspace's sessions of the channel, live or ended: no live session needed.
        return reply(renderChannelHistory(await deps.store.sessions.channelHistory(input.workspace, channelId), now));
      case 'start': {
        if (parsed.candidate === user) return reply(renderInvalid(HOST_AS_CANDIDATE));
        const app = args.context.botUserId;
        const appAs = app === undefined ? undefined : parsed.candidate === app ? 'candidate' : parsed.interviewers.includes(app) ? 'interviewer' : parsed.observers.includes(app) ? 'observer' : undefined;
        if (appAs) return reply(renderInvalid(appAsPerson(appAs)));
        // Ack first: one read decides the answer, and the session is written after Slack has it.
        const existing = await deps.sessions.liveHere(workspace);
        if (existing) return reply(renderBusy(existing, user));
        // A prompt from the bank: picked at random among those this channel has not had yet, or named by its title.
        const prompt = parsed.random
          ? pickRandomPrompt(await deps.store.sessions.promptsUsedIn(input.workspace, channelId), deps.random ?? Math.random)
          : findPrompt(plainFromSlack(parsed.topic).trim());
        // The host's own words stay the topic; a prompt only lends its title when it was picked at random.
        const topic = parsed.random && prompt ? prompt.title : plainFromSlack(parsed.topic).trim();
        if (isBlank(topic) || topic.length > MAX_TOPIC_LENGTH) {
          return reply(renderInvalid(`Give the session a topic of at most ${MAX_TOPIC_LENGTH} characters.`));
        }
        await reply(renderStarted({ topic, createdAt: now, endsAt: now + parsed.plan.reduce((sum, ms) => sum + ms, 0) }));
        const later = answerPrivately(deps.logger, { channel: channelId }, throughResponseUrl(respond));
        let outcome: Awaited<ReturnType<typeof startSession>>;
        try {
          outcome = await startSession(
            deps,
            {
              ...input.workspace,
              channelId,
              hostId: user,
              topic,
              plan: parsed.plan,
              interviewers: parsed.interviewers,
              candidateId: parsed.candidate ?? null,
              observers: parsed.observers,
              level: parsed.level ?? null,
              promptId: prompt?.id ?? null,
              isAsync: parsed.isAsync,
              privateScores: parsed.privateScores,
            },
            now,
          );
        } catch (error) {
          await later(renderPlain('Something went wrong and the session was not started. Please try again in a moment.'));
          throw error;
        }
        // Someone else started one in this channel between the read and the write.
        if (outcome.kind === 'busy') return void (await later(renderBusy(outcome.existing, user)));
        deps.logger.info('session started', { team: workspace.teamId, channel: channelId, session: outcome.session.id });
        void deps.dispatcher.wake();
        return;
      }
    }

    // `end` also takes a session this version cannot read: ending it is the one thing anyone can do with it. Every
    // other command is answered about it where the error lands (register-listeners.ts).
    const session = parsed.kind === 'end' ? await deps.sessions.liveOrUnreadableHere(workspace) : await deps.sessions.liveHere(workspace);
    if (!session) return reply(renderNoSession());
    if (session instanceof UnreadableSessionError) {
      const outcome = await endUnreadableSession(deps, session.sessionId, user, now);
      await reply(renderUnreadableEnd(outcome));
      if (outcome.ok) {
        deps.logger.warn('ended a session that cannot be read', { team: workspace.teamId, channel: channelId, session: session.sessionId, reason: session.reason });
        void deps.dispatcher.wake();
      }
      return;
    }

    switch (parsed.kind) {
      case 'status': {
        // The panel also hears of the notes kept for them, which the public count leaves out; the candidate never.
        const panel = isLiveInterview(session) && isOnPanel(session, user);
        const kept = panel ? (await deps.store.sessions.notes(session.id)).filter((n) => !isPublicNote(n)).length : 0;
        return reply(renderStatus(session, await deps.store.sessions.noteCount(session.id), now, user, kept));
      }
      case 'notes':
        return reply(renderMyNotes(session, (await deps.store.sessions.notes(session.id)).filter((n) => n.authorId === user)));
      case 'note': {
        const phaseIndex = currentPhaseIndex(session.phases, session.pausedAt ?? now);
        const outcome = await addNote(
          deps,
          {
            ...workspace,
            sessionId: session.id,
            authorId: user,
            phaseIndex,
            kind: parsed.noteKind ?? DEFAULT_KIND_BY_PHASE[phaseIndex] ?? 'requirement',
            text: plainFromSlack(parsed.text),
            dedupeKey: input.triggerId ? `command:${input.triggerId}` : null,
          },
          now,
        );
        if (!outcome.ok) return reply(renderRefusal(outcome.reason === 'ended' ? 'ended' : 'not_found'));
        return reply(renderNoteSaved(outcome.phaseIndex));
      }
      case 'next':
        return steer('next', await nextPhase(deps, session.id, workspace, user, now, 'typed'), ({ session: s }) => {
          const i = s.status === 'ended' ? null : currentPhaseIndex(s.phases, now);
          return renderPlain(i === null ? 'That was the last phase: the summary is on its way.' : `⏭️ On to phase ${i + 1}, *${phaseName(i)}*.`);
        });
      case 'end':
        return steer('end', await endSession(deps, session.id, workspace, user, now), () => renderPlain('🏁 Session ended. The summary is on its way to the thread.'));
      case 'pause':
        return steer('pause', await pauseSession(deps, session.id, workspace, user, now), clockChanged);
      case 'resume':
        return steer('resume', await resumeSession(deps, session.id, workspace, user, now), clockChanged);
      case 'extend':
        return steer('extend', await extendPhase(deps, session.id, workspace, user, parsed.ms, now), clockChanged);
      case 'host': {
        if (parsed.userId === args.context.botUserId) return reply(renderPlain(appAsPerson('host')));
        const outcome = await handOver(deps, session.id, workspace, user, parsed.userId, now);
        if (!outcome.ok) return reply(renderHandOverRefusal(outcome.reason, outcome.session));
        await reply(renderPlain(`🤝 <@${parsed.userId}> is the host now; you stay on as an interviewer.`));
        deps.logger.info('session host changed', { team: workspace.teamId, channel: channelId, session: outcome.session.id });
        void deps.dispatcher.wake();
        // The new host hears it from us once, by direct message: they may not be in the channel, or not looking at it.
        const told = renderHandedOver(outcome.session, user);
        await args.client.chat.postMessage({ channel: parsed.userId, text: told.text, blocks: told.blocks }).catch((error: unknown) => {
          deps.logger.info('could not tell the new host they host the session', { team: workspace.teamId, session: outcome.session.id, reason: slackErrorCode(error) ?? String(error) });
        });
        return;
      }
    }

    /** The answer to an extend, pause or resume: what it did to the clock. */
    function clockChanged(outcome: Extract<SteerOutcome, { ok: true }>): SlackMessage {
      return outcome.change ? renderClockChanged(outcome.change, now) : renderPlain('Done.');
    }

    async function steer(command: SteerCommand, outcome: SteerOutcome, success: (outcome: Extract<SteerOutcome, { ok: true }>) => SlackMessage) {
      if (!outcome.ok) {
        await reply(renderSteerRefusal(outcome, user, now, command));
        // Asked to steer a session waiting for an invitation: what waited is being tried again, in case it was given.
        if (outcome.reason === 'not_invited') void deps.dispatcher.wake();
        return;
      }
      await reply(success(outcome));
      deps.logger.info(`session ${parsed.kind}`, { team: workspace.teamId, channel: channelId, session: outcome.session.id });
      void deps.dispatcher.wake();
    }
  };
}

