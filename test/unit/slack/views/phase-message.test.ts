import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../../../src/domain/duration.ts';
import { PHASES } from '../../../../src/domain/phases.ts';
import { slackDate, slackWhen } from '../../../../src/slack/mrkdwn.ts';
import { renderPhaseMessage, renderWarningMessage } from '../../../../src/slack/views/phase-message.ts';
import { expectEscaped, expectWithinBlockKitLimits, mrkdwnTexts, sectionTexts } from '../../support/block-kit.ts';
import { aSession, MIN, SEC, T0 } from '../../support/builders.ts';

const session = aSession();
const startOf = (i: number) => session.phases[i]?.startsAt ?? Number.NaN;

describe('renderPhaseMessage', () => {
  it.each([0, 1, 2, 3])('announces phase %d with its header, length, end, goal and checklist', (i) => {
    const phase = PHASES[i]!;
    const message = renderPhaseMessage(session, i, startOf(i), startOf(i));
    expectWithinBlockKitLimits(message);
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: `Phase ${i + 1} of 4 · ${phase.name}`, emoji: true } });
    const [timing, checklist] = sectionTexts(message.blocks);
    const end = i < 3 ? startOf(i + 1) : T0 + 45 * MIN;
    expect(timing).toBe(`*${[5, 20, 15, 5][i]} min*, until ${slackDate(end)}\n_${phase.goal}_`);
    expect(checklist?.split('\n')).toEqual(phase.checklist.map((item) => `☐ ${item}`));
    expect(mrkdwnTexts(message.blocks[3])).toEqual([`*Outcome:* ${phase.outcome}`]);
    expect(mrkdwnTexts(message.blocks[4])[0]).toContain('/mockdesign note');
    for (const text of mrkdwnTexts(message.blocks)) expectEscaped(text);
  });

  it('escapes the & of the phase name in the fallback text but not in the plain-text header', () => {
    const message = renderPhaseMessage(session, 0, T0, T0);
    expect(message.text).toBe('Phase 1 of 4 · Requirements &amp; scope (5 min)');
    expect(message.blocks[0]?.type === 'header' && message.blocks[0].text.text).toBe('Phase 1 of 4 · Requirements & scope');
  });

  it('says nothing about lateness up to a minute late', () => {
    for (const late of [0, 30_000, MIN]) {
      const message = renderPhaseMessage(session, 1, startOf(1), startOf(1) + late);
      expect(mrkdwnTexts(message.blocks[3])).toEqual([`*Outcome:* ${PHASES[1]?.outcome}`]);
      expect(JSON.stringify(message)).not.toContain('late');
    }
  });

  it('says how late it is when more than a minute late', () => {
    const message = renderPhaseMessage(session, 1, startOf(1), startOf(1) + 3 * MIN);
    expect(mrkdwnTexts(message.blocks[3])).toEqual([
      `*Outcome:* ${PHASES[1]?.outcome}`,
      '⚠️ Posted 3 min late: the app was offline when this phase began.',
    ]);
  });

  it('shows the end as a date for long study-group phases', () => {
    const long = aSession({ plan: [DAY, 3 * DAY, 2 * DAY, DAY] });
    const message = renderPhaseMessage(long, 1, T0 + DAY, T0 + DAY);
    expect(sectionTexts(message.blocks)[0]).toBe(`*3 days*, until ${slackWhen(T0 + 4 * DAY, T0 + DAY)}\n_${PHASES[1]?.goal}_`);
    expect(message.text).toBe('Phase 2 of 4 · High-level design (3 days)');
  });

  it('refuses a phase that does not exist', () => {
    expect(() => renderPhaseMessage(session, 4, T0, T0)).toThrow(RangeError);
  });
});

describe('renderWarningMessage', () => {
  it('says how long is left and what comes next', () => {
    const message = renderWarningMessage(session, 1, T0 + 21 * MIN, T0 + 21 * MIN);
    expectWithinBlockKitLimits(message);
    expect(message.text).toBe('4 min left in High-level design');
    expect(sectionTexts(message.blocks)).toEqual(['⏳ *4 min left* in *High-level design*. Next up: *Deep dive*.']);
  });

  it('escapes phase names and announces the summary after the last phase', () => {
    expect(sectionTexts(renderWarningMessage(session, 0, T0 + 4 * MIN, T0 + 4 * MIN).blocks)).toEqual([
      '⏳ *1 min left* in *Requirements &amp; scope*. Next up: *High-level design*.',
    ]);
    const last = renderWarningMessage(session, 3, T0 + 44 * MIN, T0 + 44 * MIN);
    expect(sectionTexts(last.blocks)).toEqual(['⏳ *1 min left* in *Wrap-up*. Next up: the summary.']);
    expect(renderWarningMessage(session, 0, T0, T0 + 4 * MIN).text).toBe('1 min left in Requirements &amp; scope');
  });

  it('says the seconds left in words for a short phase, and never "0 seconds"', () => {
    const short = aSession({ plan: [30 * SEC, 30 * SEC, 30 * SEC, 30 * SEC] });
    const end = short.phases[1]?.startsAt ?? Number.NaN;
    const message = renderWarningMessage(short, 0, end - 6 * SEC, end - 6 * SEC);
    expect(message.text).toBe('6 seconds left in Requirements &amp; scope');
    expect(sectionTexts(message.blocks)).toEqual(['⏳ *6 seconds left* in *Requirements &amp; scope*. Next up: *High-level design*.']);
    expect(renderWarningMessage(short, 0, end - SEC, end - SEC).text).toBe('1 second left in Requirements &amp; scope');
    expect(renderWarningMessage(short, 0, end - 200, end - 200).text).toBe('1 second left in Requirements &amp; scope');
    expect(renderWarningMessage(short, 0, end - 6 * SEC, end).text).toBe('Time is up for Requirements &amp; scope');
  });

  it('adds a note when more than a minute late, and says time is up rather than counting below zero', () => {
    const late = renderWarningMessage(session, 1, T0 + 21 * MIN, T0 + 24 * MIN);
    expect(sectionTexts(late.blocks)[0]?.split('\n')).toEqual([
      '⏳ *1 min left* in *High-level design*. Next up: *Deep dive*.',
      '_(This reminder is 3 min late: the app was offline.)_',
    ]);
    const over = renderWarningMessage(session, 1, T0 + 21 * MIN, T0 + 2 * HOUR);
    expect(over.text).toBe('Time is up for High-level design');
    expect(sectionTexts(over.blocks)[0]).toMatch(/^⌛ \*Time is up\* for \*High-level design\*\. Next up: \*Deep dive\*\./);
    expect(sectionTexts(renderWarningMessage(session, 1, T0 + 21 * MIN, T0 + 22 * MIN).blocks)[0]).not.toContain('late');
  });
});
