import { describe, expect, it } from 'vitest';
import { type AuthoredNote, type ChannelHistoryEntry, NO_ACTIVITY, type ScoredSession } from '../../../../src/domain/history.ts';
import { RUBRIC } from '../../../../src/domain/scorecard.ts';
import type { Session } from '../../../../src/domain/session.ts';
import { LIMITS } from '../../../../src/slack/limits.ts';
import { activityLines, renderChannelHistory, safeLink } from '../../../../src/slack/views/history.ts';
import { HOME_LIMITS, renderHome } from '../../../../src/slack/views/home.ts';
import { renderHelp } from '../../../../src/slack/views/replies.ts';
import { checkMessageBlocks, checkView } from '../../../../sandbox/stand-in/block-kit-limits.ts';
import { expectEscaped, expectWithinBlockKitLimits, HOSTILE, mrkdwnTexts } from '../../support/block-kit.ts';
import { aNote, aSession, DY, HR, MIN, T0 } from '../../support/builders.ts';

const LINK = 'https://acme.slack.com/archives/C0001/p1893488400000100';

function entry(session: Partial<Session> = {}, activity: ChannelHistoryEntry['activity'] = NO_ACTIVITY): ChannelHistoryEntry {
  return { session: aSession(session), activity };
}

describe('renderChannelHistory', () => {
  it('shows each session with its linked topic, time, state, host and the notes of each phase', () => {
    const ended = entry(
      { id: 's1', status: 'ended', endedAt: T0 + 45 * MIN, permalink: LINK },
      { notes: 3, replies: 0, contributors: 2, phases: [{ phaseIndex: 0, notes: 2, replies: 0, contributors: 2 }, { phaseIndex: 3, notes: 1, replies: 0, contributors: 1 }] },
    );
    const live = entry({ id: 's2', createdAt: T0 + DY, topic: 'Design a cache' });
    const message = renderChannelHistory([live, ended], T0 + DY + 10 * MIN);
    expectWithinBlockKitLimits(message);
    const [title, first, second, note] = mrkdwnTexts(message.blocks);
    expect(title).toContain('*Recent sessions in this channel*');
    expect(first).toContain('*Design a cache* · <!date^');
    expect(first).toContain('▶️ live, phase 2 of 4 · host <@UHOST>');
    expect(first).toContain('No notes.');
    expect(second).toContain(`*<${LINK}|Design a URL shortener>*`);
    expect(second).toContain('🏁 ended, after 45 min');
    expect(second).toContain('📝 3 notes by 2 people');
    expect(second).toContain('Requirements &amp; scope: 2 notes by 2 people · High-level design: – · Deep dive: – · Wrap-up: 1 note by 1 person');
    expect(note).toContain('interviewers only are not counted');
    expect(message.text).toBe('Recent sessions in this channel: 2 shown');
  });

  it('escapes a hostile topic and links only to a permalink that is a plain URL', () => {
    const message = renderChannelHistory(
      [entry({ topic: HOSTILE, permalink: 'https://x|<!channel>' }), entry({ topic: HOSTILE, status: 'paused', pausedAt: T0 + MIN })],
      T0 + 2 * MIN,
    );
    for (const text of mrkdwnTexts(message.blocks)) expectEscaped(text, ['UHOST']);
    expect(mrkdwnTexts(message.blocks).join('\n')).toContain('⏸️ paused');
    expect(safeLink(LINK)).toBe(LINK);
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink(null)).toBeNull();
  });

  it('leaves out what does not fit in one message, saying how many, and never exceeds the limits', () => {
    const long = '<&>'.repeat(70).slice(0, 200);
    const activity = { notes: 4000, replies: 0, contributors: 999, phases: [0, 1, 2, 3].map((i) => ({ phaseIndex: i, notes: 1000, replies: 0, contributors: 999 })) };
    const entries = Array.from({ length: 60 }, (_, i) => entry({ id: `s${i}`, topic: `${long}${i}`, permalink: `${LINK}${'0'.repeat(400)}${i}` }, activity));
    const message = renderChannelHistory(entries, T0);
    expectWithinBlockKitLimits(message);
    expect(checkMessageBlocks(message.blocks)).toBeUndefined();
    const shown = message.blocks.filter((b) => JSON.stringify(b).includes('📝')).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(60);
    expect(mrkdwnTexts(message.blocks).at(-1)).toBe(`${60 - shown} older sessions not shown: too long for one message.`);
  });

  it('is in the help', () => {
    expect(mrkdwnTexts(renderHelp().blocks).join('\n')).toContain('`/mockdesign history` lists this channel\'s recent sessions');
  });

  it('says when the channel has had no session', () => {
    const message = renderChannelHistory([], T0);
    expectWithinBlockKitLimits(message);
    expect(message.text).toContain('No sessions in this channel yet');
  });
});

function note(i: number, overrides: Partial<AuthoredNote['note']> = {}): AuthoredNote {
  return { note: aNote({ id: i, authorId: 'UHOST', ...overrides }), topic: 'Design a URL shortener', channelId: 'C0001', permalink: LINK };
}

function fullyScored(id: string, at: number): ScoredSession {
  const scores = Object.fromEntries(RUBRIC.map((d, i) => [d.key, ((i % 4) + 1) as 1 | 2 | 3 | 4]));
  return {
    sessionId: id,
    topic: HOSTILE,
    createdAt: at,
    endedAt: at + HR,
    cards: [
      { scorerId: 'U2', role: 'interviewer', scores },
      { scorerId: 'U3', role: 'observer', scores },
      { scorerId: 'UME', role: 'candidate', scores },
    ],
  };
}

describe('renderHome', () => {
  it('keeps the live sessions and the method, and says what is empty', () => {
    const view = renderHome('UHOST', { live: [aSession()] }, T0 + MIN);
    expect(checkView(view, 'home')).toBeUndefined();
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain('*Your live sessions*');
    expect(text).toContain('*Design a URL shortener* in <#C0001> · you host');
    expect(text).toContain('*Your recent sessions*');
    expect(text).toContain('None yet. Sessions you host');
    expect(text).toContain('*Your notes*');
    expect(text).not.toContain('Your scores over time');
    expect(text).toContain('*The method*');
  });

  it('lists the person\'s notes with kind and phase, cut short and escaped, marking those for the interviewers only', () => {
    const view = renderHome(
      'UHOST',
      {
        live: [],
        notes: [note(1, { text: `${HOSTILE}\n${'x'.repeat(500)}`, kind: 'trade_off', phaseIndex: 2 }), note(2, { visibility: 'interviewers', kind: 'feedback', phaseIndex: 3 })],
      },
      T0,
    );
    const texts = mrkdwnTexts(view.blocks);
    for (const text of texts) expectEscaped(text, [], [LINK]);
    const all = texts.join('\n');
    expect(all).toContain(`• *Trade-off* · Deep dive · *<${LINK}|Design a URL shortener>*`);
    expect(all).toContain('&lt;!channel&gt; ping');
    expect(all).not.toContain('x'.repeat(HOME_LIMITS.noteChars));
    expect(all).toContain(`• *Feedback* · Wrap-up · *<${LINK}|Design a URL shortener>* 🔒`);
    expect(all).toContain('🔒 for the interviewers only');
  });

  it('charts the candidate\'s scores, and stays under 100 blocks with every list full', () => {
    const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
    const view = renderHome(
      'UME',
      {
        live: many(HOME_LIMITS.live + 5, (i) => aSession({ id: `l${i}`, topic: HOSTILE, permalink: LINK, candidateId: 'UME' })),
        recent: many(30, (i) => aSession({ id: `r${i}`, topic: HOSTILE, status: 'ended', endedAt: T0 + HR, observers: ['UME'] })),
        notes: many(30, (i) => note(i, { text: 'y'.repeat(3000) })),
        scored: many(12, (i) => fullyScored(`x${i}`, T0 + i * DY)),
      },
      T0 + MIN,
    );
    expect(checkView(view, 'home')).toBeUndefined();
    // Every list full comes to about half of Slack's 100.
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.modalBlocks / 2 + 10);
    const texts = mrkdwnTexts(view.blocks);
    // The channel references are ours; everything else that people typed is escaped.
    for (const text of texts) expectEscaped(text.replaceAll('<#C0001>', ''), [], [LINK]);
    const all = texts.join('\n');
    expect(all).toContain('you are the candidate');
    expect(all).toContain('you observe');
    expect(all).toContain('More live sessions are not shown here');
    expect(all).toContain('*Your scores over time*');
    // Five sessions at most, oldest first, each dimension in the rubric's order.
    expect(all).toContain('*Requirements and scope*\n▰▱▱▱ 1.0 (you 1)  →  ▰▱▱▱ 1.0 (you 1)  →  ▰▱▱▱ 1.0 (you 1)  →  ▰▱▱▱ 1.0 (you 1)  →  ▰▱▱▱ 1.0 (you 1)');
    expect(all).toContain('*Time management*\n▰▰▰▰ 4.0 (you 4)');
    expect(all).toContain('1. ');
    expect(all).toContain('5. ');
    expect(all).not.toContain('6. ');
    expect(mrkdwnTexts(view.blocks.slice(-6)).join('\n')).toContain('*The method*');
  });
});

describe('activityLines', () => {
  it('counts replies in the thread beside notes, and names them only when there are some', () => {
    expect(
      activityLines({
        notes: 2,
        replies: 3,
        contributors: 3,
        phases: [
          { phaseIndex: 0, notes: 2, replies: 1, contributors: 2 },
          { phaseIndex: 1, notes: 0, replies: 2, contributors: 1 },
        ],
      }),
    ).toEqual(['📝 2 notes, 3 replies by 3 people', 'Requirements &amp; scope: 2 notes, 1 reply by 2 people · High-level design: 2 replies by 1 person · Deep dive: – · Wrap-up: –']);
    expect(activityLines({ notes: 0, replies: 1, contributors: 1, phases: [{ phaseIndex: 3, notes: 0, replies: 1, contributors: 1 }] })[0]).toBe('📝 1 reply by 1 person');
    expect(activityLines(NO_ACTIVITY)).toEqual(['No notes.']);
  });
});
