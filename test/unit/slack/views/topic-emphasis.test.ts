/**
 * A topic typed with Slack's emphasis marks (`*`, `_`, `~`, `` ` ``) must not break the bold the app puts around
 * topics: mrkdwn cannot escape those marks, so such a topic is shown as typed, without the bold.
 */
import { describe, expect, it } from 'vitest';
import { NO_ACTIVITY } from '../../../../src/domain/history.ts';
import { aggregate } from '../../../../src/domain/scorecard.ts';
import { escapeMrkdwn } from '../../../../src/slack/mrkdwn.ts';
import { historyEntryText, topicTitle } from '../../../../src/slack/views/history.ts';
import { renderMyNotes } from '../../../../src/slack/views/my-notes.ts';
import { renderPrivateSummary } from '../../../../src/slack/views/nudge-message.ts';
import { renderBusy, renderStarted, renderStatus } from '../../../../src/slack/views/replies.ts';
import { renderRevealNotice, renderScorecardSaved } from '../../../../src/slack/views/scorecard-messages.ts';
import { renderMembershipReply } from '../../../../src/slack/views/study-group.ts';
import { aNote, aSession, MIN, T0 } from '../../support/builders.ts';

const MARKED = 'Design *Twitter* with _feeds_ and `code` ~x~ & <more>';
const SHOWN = escapeMrkdwn(MARKED);
const LINK = 'https://acme.slack.com/archives/C0001/p1893488400000100';

describe('a topic with emphasis marks', () => {
  it('is shown as typed, without a bold around it, when the session starts', () => {
    expect(renderStarted(aSession({ topic: MARKED })).text).toBe(`Starting ${SHOWN}: 4 phases, 45 min in all. The plan is going up in this channel now.`);
  });

  it('is shown as typed in the status, running or paused', () => {
    expect(renderStatus(aSession({ topic: MARKED }), 2, T0 + 10 * MIN).text.startsWith(`▶️ ${SHOWN}: phase 2 of 4`)).toBe(true);
    expect(renderStatus(aSession({ topic: MARKED, status: 'paused', pausedAt: T0 + 10 * MIN }), 2, T0 + 12 * MIN).text.startsWith(`⏸️ ${SHOWN} is paused`)).toBe(true);
  });

  it('is shown as typed when another session is refused, linked or not', () => {
    expect(renderBusy(aSession({ topic: MARKED })).text).toContain(`running in this channel: ${SHOWN}, hosted by`);
    expect(renderBusy(aSession({ topic: MARKED, permalink: LINK })).text).toContain(`running in this channel: <${LINK}|${SHOWN}>, hosted by`);
  });

  it('is shown as typed in the history and on the App Home, linked or not', () => {
    expect(topicTitle(aSession({ topic: MARKED }))).toBe(SHOWN);
    expect(topicTitle(aSession({ topic: MARKED, permalink: LINK }))).toBe(`<${LINK}|${SHOWN}>`);
    expect(historyEntryText({ session: aSession({ topic: MARKED }), activity: NO_ACTIVITY }, T0).startsWith(`${SHOWN} · <!date^`)).toBe(true);
  });

  it('is shown as typed in the messages of notes, scorecards and study groups', () => {
    const session = aSession({ topic: MARKED });
    const texts = [
      renderMyNotes(session, []).blocks.map((b) => JSON.stringify(b)).join(' '),
      JSON.stringify(renderPrivateSummary(session, [aNote({ sessionId: session.id })])[0]?.blocks),
      renderScorecardSaved({ topic: MARKED, card: { scorerId: 'U1', role: 'interviewer', scores: {}, redFlags: [], strengths: '', improvements: '', submittedAt: T0, updatedAt: T0 }, edited: false, revealedNow: false }).text,
      renderMembershipReply(session, { kind: 'left' }).text,
      renderRevealNotice({ topic: MARKED, aggregate: aggregate([]) }).blocks.map((b) => JSON.stringify(b)).join(' '),
    ];
    for (const text of texts) {
      expect(text).toContain(JSON.stringify(SHOWN).slice(1, -1));
      expect(text).not.toContain(`*${JSON.stringify(SHOWN).slice(1, -1)}*`);
    }
  });
});

describe('a topic without emphasis marks', () => {
  it('keeps its bold everywhere', () => {
    const topic = 'Design a <ring> & cache';
    const bold = `*${escapeMrkdwn(topic)}*`;
    expect(renderStarted(aSession({ topic })).text).toContain(`Starting ${bold}:`);
    expect(renderStatus(aSession({ topic }), 0, T0 + MIN).text).toContain(`▶️ ${bold}:`);
    expect(renderBusy(aSession({ topic, permalink: LINK })).text).toContain(`*<${LINK}|${escapeMrkdwn(topic)}>*`);
    expect(topicTitle(aSession({ topic }))).toBe(bold);
  });
});
