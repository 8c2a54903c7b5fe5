/**
 * The Score button and the scorecard form's submission. The button opens the form (the person's own card, to fill
 * in or change) until the cards are revealed to them, and the revealed cards read-only afterwards; anyone who is
 * neither on the panel nor the candidate is told so. A submission that completes the reveal tells the panel
 * privately, never the candidate.
 */
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { scorecardView, submitScorecard, type Reveal, type SubmitScorecardOutcome } from '../../app/scorecards.ts';
import type { Session } from '../../domain/session.ts';
import { isBlank } from '../../domain/text.ts';
import { answerPrivately, ephemeralTo, type PrivateReply, reasonOf } from '../answer-privately.ts';
import type { ListenerDeps } from '../deps.ts';
import { openForm } from '../open-form.ts';
import { readButton, readViewSubmission } from '../payloads.ts';
import { renderPlain, renderRefusal } from '../views/replies.ts';
import { type Revealer, renderNotAScorer, renderRevealNotice, renderScorecardSaved } from '../views/scorecard-messages.ts';
import { decodeScorecardModalMetadata, errorsByBlock, FIRST_SCORE_BLOCK, parseScorecardForm, renderScorecardModal, renderScorecardsView } from '../views/scorecard-modal.ts';
import { decodeButtonValue } from '../views/session-message.ts';
import { slackErrorCode } from '../web-api.ts';

type Client = AllMiddlewareArgs['client'];

/** Slack refuses an ephemeral to someone who is not in the channel, or in a channel we cannot reach: a direct message goes instead. */
const DM_INSTEAD = new Set(['user_not_in_channel', 'channel_not_found', 'not_in_channel']);

/** Privately, to one person: an ephemeral in the session's channel, or a direct message when they are not a member. */
async function sendPrivately(client: Client, session: Session, userId: string, { text, blocks }: PrivateReply): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel: session.channelId, user: userId, text, blocks });
    return;
  } catch (error) {
    if (!DM_INSTEAD.has(slackErrorCode(error) ?? '')) throw error;
  }
  await client.chat.postMessage({ channel: userId, text, blocks, unfurl_links: false, unfurl_media: false });
}

/** The cards are revealed: each member of the panel is told, with what the cards add up to. */
async function announceReveal(client: Client, deps: ListenerDeps, session: Session, reveal: Reveal): Promise<void> {
  const notice = renderRevealNotice({ sessionId: session.id, topic: session.topic, aggregate: reveal.aggregate, privateScores: session.privateScores, revealer: session.interviewers.length > 0 ? 'interviewers' : 'host' });
  // The candidate is never on the panel; checked again here because this message holds every score.
  for (const userId of reveal.panel.filter((id) => id !== session.candidateId)) {
    try {
      await sendPrivately(client, session, userId, notice);
    } catch (error) {
      deps.logger.warn('could not tell a panel member privately', { session: session.id, channel: session.channelId, reason: reasonOf(error) });
    }
  }
  deps.logger.info('scorecards revealed', { team: session.teamId, channel: session.channelId, session: session.id, panel: reveal.panel.length });
}

export function makeScoreAction(deps: ListenerDeps) {
  return async (args: AllMiddlewareArgs & SlackActionMiddlewareArgs): Promise<void> => {
    await args.ack();
    const input = readButton(args.body);
    if (!input) {
      deps.logger.warn('ignored a malformed button payload');
      return;
    }
    const target = decodeButtonValue(input.value);
    const tell = answerPrivately(deps.logger, { session: target?.sessionId, channel: input.channelId }, ephemeralTo(args.client, input));
    if (!target) return tell(renderRefusal('not_found'));
    const access = await deps.sessions.accessTo(target.sessionId, { ...input.workspace, channelId: input.channelId });
    const view = await scorecardView(deps, { sessionId: target.sessionId, access, viewerId: input.userId });
    if (!view.ok) return tell(view.reason === 'not_allowed' && view.session ? renderNotAScorer(view.session.hostId) : renderRefusal('not_found'));
    const { session } = view;
    const modal = view.canEdit
      ? renderScorecardModal({ sessionId: session.id, channelId: session.channelId, topic: session.topic, role: view.role, card: view.own, privateNotes: view.privateNotes, privateScores: session.privateScores, revealer: revealerFor(session, input.userId) })
      : view.aggregate
        ? renderScorecardsView({
            topic: session.topic,
            sessionEnded: session.status === 'ended',
            candidateId: session.candidateId,
            cards: view.cards,
            aggregate: view.aggregate,
            privateNotes: view.privateNotes,
            privateScores: session.privateScores,
            revealer: revealerFor(session, input.userId),
          })
        : undefined;
    if (!modal) return tell(renderRefusal('ended'));
    // The trigger dies 3 seconds after the click: the form opens right after the ack and two small reads.
    await openForm(args.client, deps.logger, {
      triggerId: input.triggerId,
      view: modal,
      name: 'the scorecard',
      context: { session: session.id },
      failed: renderPlain('The scorecard did not open. Click *Score* again.'),
      answer: tell,
    });
  };
}

/**
 * Why a submission was not stored, as an error on the form (which stays open, with everything typed). `wrote`: the
 * form holds words of the scorer's own, which a note can still keep when the card cannot be added.
 */
function refusalText(outcome: Exclude<SubmitScorecardOutcome, { ok: true }>, wrote: boolean, userId: string): string {
  switch (outcome.reason) {
    case 'not_found':
      return 'This session no longer exists, so the card was not saved.';
    case 'not_allowed':
      return 'Only the panel (host, interviewers, observers) and the candidate can score this session.';
    case 'ended':
      // The candidate's own card is a self-assessment, and the panel's reveal is nothing to them.
      if (outcome.session && outcome.session.candidateId === userId) return 'The session has ended, so your self-assessment can no longer be added or changed.';
      return 'The session has ended and the cards are revealed, so this card can no longer change.';
    case 'revealed':
      if (outcome.hadCard) return 'The cards are revealed to the panel, so this card can no longer change.';
      // Never submitted: "can no longer change" would speak of a card they never had. Only the panel meets this (the
      // candidate's card closes at the end), and the panel may keep a note for the interviewers while the session is on.
      return `The cards were revealed while you were scoring, so your card can no longer be added.${wrote ? ' To keep what you wrote, add it as a note for the interviewers: Add note on the session message.' : ''}`;
    case 'invalid':
      return 'Check the fields marked.';
  }
}

export function makeScorecardSubmit(deps: ListenerDeps) {
  return async ({ ack, body, client }: AllMiddlewareArgs & SlackViewMiddlewareArgs): Promise<void> => {
    const problem = (text: string) => ack({ response_action: 'errors', errors: { [FIRST_SCORE_BLOCK]: text } });
    const input = readViewSubmission(body);
    const meta = input ? decodeScorecardModalMetadata(input.privateMetadata) : undefined;
    if (!input || !meta) {
      deps.logger.warn('ignored a malformed scorecard submission');
      return problem('This form is out of date. Close it and click *Score* again.');
    }
    const access = await deps.sessions.accessTo(meta.s, { ...input.workspace, channelId: meta.c || undefined });
    const form = parseScorecardForm(input.values);
    const outcome = await submitScorecard(deps, { sessionId: meta.s, access, userId: input.userId, input: form }, deps.clock());
    if (!outcome.ok) {
      if (outcome.reason === 'invalid') {
        await ack({ response_action: 'errors', errors: errorsByBlock(outcome.errors, outcome.role) });
        return;
      }
      const wrote = [form.strengths, form.improvements, ...Object.values(form.scores).map((s) => s?.evidence)].some((text) => !isBlank(text ?? ''));
      return problem(refusalText(outcome, wrote, input.userId));
    }
    await ack();
    const { session, card } = outcome;
    deps.logger.info(outcome.edited ? 'scorecard changed' : 'scorecard submitted', { team: session.teamId, channel: session.channelId, session: session.id, role: outcome.role });
    const saved = renderScorecardSaved({ topic: session.topic, card, edited: outcome.edited, revealedNow: outcome.revealed !== null, privateScores: session.privateScores, revealer: revealerFor(session, input.userId) });
    await answerPrivately(deps.logger, { session: session.id, channel: session.channelId }, (reply) => sendPrivately(client, session, input.userId, reply))(saved);
    if (outcome.revealed) await announceReveal(client, deps, session, outcome.revealed);
  };
}

/** Whose card reveals the cards, as said to `userId`: the host's, when no interviewer is named, is theirs to them. */
function revealerFor(session: Session, userId: string): Revealer {
  if (session.interviewers.length > 0) return 'interviewers';
  return session.hostId === userId ? 'you' : 'host';
}
