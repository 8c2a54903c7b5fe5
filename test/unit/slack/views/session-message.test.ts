import type { ActionsBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../../../src/domain/duration.ts';
import { ACTION_IDS, BLOCK_IDS } from '../../../../src/slack/ids.ts';
import { escapeMrkdwn, slackDate, slackWhen } from '../../../../src/slack/mrkdwn.ts';
import { decodeButtonValue, encodeButtonValue, renderSessionMessage } from '../../../../src/slack/views/session-message.ts';
import { expectEscaped, expectWithinBlockKitLimits, HOSTILE, mrkdwnTexts, sectionTexts } from '../../support/block-kit.ts';
import { aNote, aSession, aSnapshot, MIN, T0 } from '../../support/builders.ts';

function controlsOf(blocks: readonly { type: string }[]): ActionsBlock | undefined {
  return blocks.find((b): b is ActionsBlock => b.type === 'actions');
}

const phaseLines = (blocks: Parameters<typeof sectionTexts>[0]) => (sectionTexts(blocks)[1] ?? '').split('\n');

describe('renderSessionMessage', () => {
  it('shows topic, host, the plan with start times, where the session is and its buttons', () => {
    const session = aSession({ topic: 'Design a URL shortener', hostId: 'UHOST' });
    const now = T0 + 12 * MIN;
    const message = renderSessionMessage(aSnapshot(session, [aNote(), aNote(), aNote()]), now);
    expectWithinBlockKitLimits(message);
    expect(message.text).toBe('Mock system design interview: Design a URL shortener');
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Mock system design: Design a URL shortener', emoji: true } });
    expect(sectionTexts(message.blocks)[0]).toBe('Host <@UHOST>');
    expect(phaseLines(message.blocks)).toEqual([
      `✅ 1. *Requirements &amp; scope* · 5 min · starts ${slackDate(T0)}`,
      `▶️ 2. *High-level design* · 20 min · starts ${slackDate(T0 + 5 * MIN)}`,
      `◻️ 3. *Deep dive* · 15 min · starts ${slackDate(T0 + 25 * MIN)}`,
      `◻️ 4. *Wrap-up* · 5 min · starts ${slackDate(T0 + 40 * MIN)}`,
    ]);
    const context = mrkdwnTexts(message.blocks[3]);
    expect(context).toEqual([
      `Now: *High-level design* · until ${slackDate(T0 + 25 * MIN)} · ends ${slackDate(T0 + 45 * MIN)}`,
      '3 notes',
      'Phases and checklists go in the thread 🧵',
    ]);
  });

  it('shows a live interview’s clock (progress bar and minutes left), and no countdown for a group session, whose message is not redrawn as time passes', () => {
    const now = T0 + 12 * MIN;
    const stateLine = (session: ReturnType<typeof aSession>) => mrkdwnTexts(renderSessionMessage(aSnapshot(session), now).blocks[3])[0];
    const until = ` · until ${slackDate(T0 + 25 * MIN)} · ends ${slackDate(T0 + 45 * MIN)}`;
    expect(stateLine(aSession({ candidateId: 'UCAND' }))).toBe(`Now: *High-level design* ▰▰▰▰▱▱▱▱▱▱ 13 min left${until}`);
    expect(stateLine(aSession({ level: 'staff' }))).toBe(`Now: *High-level design* ▰▰▰▰▱▱▱▱▱▱ 13 min left${until}`);
    expect(stateLine(aSession({ interviewers: ['UINT1'] }))).toBe(`Now: *High-level design*${until}`);
  });

  it('shows a phase extended and then cut short by its plan and the time added, not as if it all was planned', () => {
    const base = aSession();
    // Phase 1 planned 5 min, 5 more added; the session ended 2 min into it.
    const phases = base.phases.map((p) => (p.index === 0 ? { ...p, plannedMs: 10 * MIN, addedMs: 5 * MIN } : { ...p, startsAt: p.startsAt + 5 * MIN, addedMs: 0 }));
    const ended = aSession({ phases, status: 'ended', endedAt: T0 + 2 * MIN, endReason: 'ended_by_host' });
    expect(phaseLines(renderSessionMessage(aSnapshot(ended), T0 + 3 * MIN).blocks)[0]).toMatch(/^✅ 1\. \*Requirements &amp; scope\* · 5 min \(\+5 min\) · starts /);
  });

  it('carries the session and the current phase in every button', () => {
    const session = aSession({ id: 'abc_DEF-123' });
    const controls = controlsOf(renderSessionMessage(aSnapshot(session), T0 + 30 * MIN).blocks);
    expect(controls?.block_id).toBe(BLOCK_IDS.controls);
    const buttons = controls?.elements ?? [];
    expect(buttons.map((b) => (b.type === 'button' ? [b.action_id, b.text.text, b.value] : []))).toEqual([
      [ACTION_IDS.addNote, 'Add note', 'abc_DEF-123:2'],
      [ACTION_IDS.pause, 'Pause', 'abc_DEF-123:2'],
      [ACTION_IDS.nextPhase, 'Next phase', 'abc_DEF-123:2'],
      [ACTION_IDS.extend, '+5 min', 'abc_DEF-123:2'],
      [ACTION_IDS.endSession, 'End session', 'abc_DEF-123:2'],
    ]);
    // Paused, Resume takes Pause's place: a click meant for one, landing on the redrawn row, meets the other.
    const paused = controlsOf(renderSessionMessage(aSnapshot(aSession({ id: 'abc_DEF-123', status: 'paused', pausedAt: T0 + 30 * MIN })), T0 + 31 * MIN).blocks);
    expect(paused?.elements.map((b) => (b.type === 'button' ? b.action_id : ''))).toEqual([ACTION_IDS.addNote, ACTION_IDS.resume, ACTION_IDS.endSession]);
    const end = buttons[4];
    expect(end?.type === 'button' && end.confirm?.confirm?.text).toBe('End it');
  });

  it('adds a Score row for a live interview (a candidate or a level), and none for a group session', () => {
    const rows = (blocks: readonly { type: string }[]) => blocks.filter((b): b is ActionsBlock => b.type === 'actions');
    for (const session of [aSession({ id: 'live1', candidateId: 'UCAND' }), aSession({ id: 'live1', level: 'senior' }), aSession({ id: 'live1', candidateId: 'UCAND', status: 'paused', pausedAt: T0 + MIN })]) {
      const message = renderSessionMessage(aSnapshot(session), T0 + 2 * MIN);
      expectWithinBlockKitLimits(message);
      const [controls, scoring] = rows(message.blocks);
      expect(controls?.block_id).toBe(BLOCK_IDS.controls);
      expect(controls?.elements.length).toBeLessThanOrEqual(5);
      expect(scoring?.block_id).toBe(BLOCK_IDS.scoring);
      expect(scoring?.elements.map((b) => (b.type === 'button' ? [b.action_id, b.text.text, b.value] : []))).toEqual([[ACTION_IDS.score, 'Score', 'live1']]);
    }
    expect(rows(renderSessionMessage(aSnapshot(aSession()), T0).blocks).map((r) => r.block_id)).toEqual([BLOCK_IDS.controls]);
    const ended = aSession({ candidateId: 'UCAND', status: 'ended', endedAt: T0 + MIN, endReason: 'ended_by_host' });
    expect(rows(renderSessionMessage(aSnapshot(ended), T0 + 2 * MIN).blocks)).toEqual([]);
  });

  it('names one interviewer or several', () => {
    const one = renderSessionMessage(aSnapshot(aSession({ interviewers: ['UINT1'] }), [aNote()]), T0);
    expect(sectionTexts(one.blocks)[0]).toBe('Host <@UHOST> · Interviewer <@UINT1>');
    expect(mrkdwnTexts(one.blocks[3])[1]).toBe('1 note');
    const two = renderSessionMessage(aSnapshot(aSession({ interviewers: ['UINT1', 'UINT2'] })), T0);
    expect(sectionTexts(two.blocks)[0]).toBe('Host <@UHOST> · Interviewers <@UINT1>, <@UINT2>');
    expect(mrkdwnTexts(two.blocks[3])[1]).toBe('0 notes');
  });

  it('repeats the topic in full, escaped, only when the header had to cut it', () => {
    const long = `${'Design a very large & busy system '.repeat(5)}end`;
    const message = renderSessionMessage(aSnapshot(aSession({ topic: long })), T0);
    expect(sectionTexts(message.blocks)[0]).toBe(`*${escapeMrkdwn(long)}*\nHost <@UHOST>`);
  });

  it('shows a paused session where it was paused, whatever the time now', () => {
    const session = aSession({ status: 'paused', pausedAt: T0 + 6 * MIN });
    const message = renderSessionMessage(aSnapshot(session), T0 + 50 * MIN);
    expect(phaseLines(message.blocks).map((l) => l.split(' ')[0])).toEqual(['✅', '⏸️', '◻️', '◻️']);
    expect(mrkdwnTexts(message.blocks[3])[0]).toBe('⏸️ Paused · `/mockdesign resume` carries on where you stopped; the later phases move with the pause');
    expect(controlsOf(message.blocks)?.elements[0]).toMatchObject({ value: `${session.id}:1` });
  });

  // Their start times move by however long the pause lasts: any time shown would be wrong.
  it('leaves out the start times of the phases still ahead while paused', () => {
    const session = aSession({ status: 'paused', pausedAt: T0 + 6 * MIN });
    const message = renderSessionMessage(aSnapshot(session), T0 + 7 * MIN);
    expect(phaseLines(message.blocks)).toEqual([
      `✅ 1. *Requirements &amp; scope* · 5 min · starts ${slackDate(T0)}`,
      `⏸️ 2. *High-level design* · 20 min · starts ${slackDate(T0 + 5 * MIN)}`,
      '◻️ 3. *Deep dive* · 15 min',
      '◻️ 4. *Wrap-up* · 5 min',
    ]);
  });

  it('says how long a phase was paused, so that the next start time adds up', () => {
    // Paused 30 s in phase 2: the later phases start 30 s later than planned.
    const planned = aSession().phases;
    const phases = planned.map((p) => (p.index === 1 ? { ...p, pausedMs: 30_000 } : p.index > 1 ? { ...p, startsAt: p.startsAt + 30_000 } : p));
    const message = renderSessionMessage(aSnapshot(aSession({ phases, endsAt: T0 + 45 * MIN + 30_000 })), T0 + 12 * MIN);
    expect(phaseLines(message.blocks)[1]).toBe(`▶️ 2. *High-level design* · 20 min · starts ${slackDate(T0 + 5 * MIN)} · paused 30 s`);
    expect(phaseLines(message.blocks)[2]).toBe(`◻️ 3. *Deep dive* · 15 min · starts ${slackDate(T0 + 25 * MIN + 30_000)}`);
  });

  it('gives the end of the last phase once: it is the end of the session', () => {
    const message = renderSessionMessage(aSnapshot(aSession()), T0 + 42 * MIN);
    expect(mrkdwnTexts(message.blocks[3])[0]).toBe(`Now: *Wrap-up* · ends ${slackDate(T0 + 45 * MIN)}`);
  });

  it('gives the day of times more than an hour away (a phase tomorrow), and keeps the bold topic from breaking', () => {
    const evening = Date.UTC(2030, 0, 1, 19, 30);
    const session = aSession({ createdAt: evening, plan: [6 * 60 * MIN, 6 * 60 * MIN, 6 * 60 * MIN, 5 * 60 * MIN] });
    const message = renderSessionMessage(aSnapshot(session), evening);
    expect(phaseLines(message.blocks)[1]).toBe(`◻️ 2. *High-level design* · 6 h · starts <!date^${(evening + 6 * 60 * MIN) / 1000}^{date_short_pretty} {time}|2030-01-02 01:30 UTC>`);
    expect(mrkdwnTexts(message.blocks[3])[0]).toContain(`until <!date^${(evening + 6 * 60 * MIN) / 1000}^{date_short_pretty} {time}|2030-01-02 01:30 UTC>`);
    const long = `Design *Twitter* with _feeds_ ${'x'.repeat(120)}`;
    expect(sectionTexts(renderSessionMessage(aSnapshot(aSession({ topic: long })), T0).blocks)[0]).toBe(`${escapeMrkdwn(long)}\nHost <@UHOST>`);
  });

  it('keeps the buttons of a paused session on the phase it was paused in', () => {
    const session = aSession({ status: 'paused', pausedAt: T0 + 6 * MIN });
    const message = renderSessionMessage(aSnapshot(session), T0 + 50 * MIN);
    expect(controlsOf(message.blocks)?.elements[0]).toMatchObject({ value: `${session.id}:1` });
  });

  it('shows an ended session without buttons, with phases never reached marked so', () => {
    const session = aSession({ status: 'ended', endedAt: T0 + 25 * MIN, endReason: 'ended_by_host' });
    const message = renderSessionMessage(aSnapshot(session), T0 + 26 * MIN);
    expectWithinBlockKitLimits(message);
    expect(controlsOf(message.blocks)).toBeUndefined();
    expect(phaseLines(message.blocks)).toEqual([
      `✅ 1. *Requirements &amp; scope* · 5 min · starts ${slackDate(T0)}`,
      `✅ 2. *High-level design* · 20 min · starts ${slackDate(T0 + 5 * MIN)}`,
      '⏭️ 3. *Deep dive* · 15 min · not reached',
      '⏭️ 4. *Wrap-up* · 5 min · not reached',
    ]);
    // The ended message stays in the channel: its end is said with its day.
    expect(mrkdwnTexts(message.blocks[3])[0]).toBe(`Ended ${slackDate(T0 + 25 * MIN, '{date_short_pretty} {time}')} · the summary is in the thread`);
  });

  it.each([
    ['at the end of its plan', null, true],
    ['after a long pause', 'paused_too_long', true],
    ['as its channel was archived', 'is_archived', false],
    ['as the app was removed', 'app_uninstalled', false],
    ['as its row could not be read', 'session_unreadable', false],
  ])('says whether the summary is in the thread of a session ended %s', (_, endReason, summary) => {
    const session = aSession({ status: 'ended', endedAt: T0 + 25 * MIN, endReason });
    const message = renderSessionMessage(aSnapshot(session), T0 + 26 * MIN);
    expect(mrkdwnTexts(message.blocks[3])[0]).toBe(`Ended ${slackDate(T0 + 25 * MIN, '{date_short_pretty} {time}')} · ${summary ? 'the summary is in the thread' : 'without a summary'}`);
  });

  it('shows dates for a study group that runs over days', () => {
    const session = aSession({ plan: [DAY, 3 * DAY, 2 * DAY, DAY] });
    const lines = phaseLines(renderSessionMessage(aSnapshot(session), T0).blocks);
    expect(lines[1]).toBe(`◻️ 2. *High-level design* · 3 days · starts ${slackWhen(T0 + DAY, T0)}`);
    expect(lines[1]).toContain('{date_short_pretty}');
  });

  it('escapes a hostile topic in every mrkdwn text and the fallback, and keeps the header within limits', () => {
    const topic = `${HOSTILE} ${'&'.repeat(200 - HOSTILE.length - 1)}`;
    for (const session of [aSession({ topic }), aSession({ topic, status: 'ended', endedAt: T0 + MIN }), aSession({ topic, status: 'paused', pausedAt: T0 + MIN })]) {
      const message = renderSessionMessage(aSnapshot(session), T0 + 2 * MIN);
      expectWithinBlockKitLimits(message);
      expectEscaped(message.text);
      for (const text of mrkdwnTexts(message.blocks)) expectEscaped(text, ['UHOST']);
      expect(sectionTexts(message.blocks)[0]).toContain(`*${escapeMrkdwn(topic)}*`);
      expect(message.text).toBe(`Mock system design interview: ${escapeMrkdwn(topic)}`);
    }
  });

  it('escapes an interviewer id that is not a user id', () => {
    const message = renderSessionMessage(aSnapshot(aSession({ interviewers: ['<!channel>'] })), T0);
    expect(sectionTexts(message.blocks)[0]).toContain('Interviewer &lt;!channel&gt;');
  });
});

describe('encodeButtonValue / decodeButtonValue', () => {
  it('round-trips a session id and a phase', () => {
    expect(encodeButtonValue('abc_DEF-123', 2)).toBe('abc_DEF-123:2');
    expect(decodeButtonValue('abc_DEF-123:2')).toEqual({ sessionId: 'abc_DEF-123', phaseIndex: 2 });
  });

  it('reads a value without a phase', () => {
    const decoded = decodeButtonValue('abc');
    expect(decoded).toEqual({ sessionId: 'abc' });
    expect(decoded && 'phaseIndex' in decoded).toBe(false);
  });

  it.each([undefined, '', ':1', 'abc:', 'abc:x', 'abc:12', 'abc:-1', 'a b', 'a:1:2', 'x'.repeat(65), 'abc/def', 'é'])('refuses %j', (value) => {
    expect(decodeButtonValue(value)).toBeUndefined();
  });

  it('round-trips every id the app makes (base64url, up to 64) and every phase', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.integer({ min: 0, max: 3 }), (id, phase) => {
        expect(decodeButtonValue(encodeButtonValue(id, phase))).toEqual({ sessionId: id, phaseIndex: phase });
      }),
    );
  });
});
