/** What is said when the clock changes (in the thread, and to whoever changed it), a hand-over, and a session waiting for an invitation. */
import { describe, expect, it } from 'vitest';
import type { Step } from '../../../../src/app/ports.ts';
import { type ClockChange, clockChangeKey } from '../../../../src/domain/clock-change.ts';
import { renderHostNotice, renderStep } from '../../../../src/slack/messenger.ts';
import { renderClockChangeLine } from '../../../../src/slack/views/clock-change.ts';
import { renderClockChanged, renderHandedOver, renderHandOverRefusal, renderRefusal, renderStatus, renderSteerRefusal } from '../../../../src/slack/views/replies.ts';
import { expectEscaped, expectWithinBlockKitLimits, HOSTILE } from '../../support/block-kit.ts';
import { aSession, MIN, SEC, T0 } from '../../support/builders.ts';

const at = (ms: number) => `<!date^${Math.floor(ms / 1000)}^{time}|`;
const changes: ClockChange[] = [
  { kind: 'extended', by: 'U0ALICE', at: T0, phaseIndex: 0, ms: 5 * MIN, endsAt: T0 + 10 * MIN },
  { kind: 'paused', by: 'U0ALICE', at: T0, phaseIndex: 0, ms: 3 * MIN + 12 * SEC, endsAt: 0 },
  { kind: 'resumed', by: 'U0BOB', at: T0, phaseIndex: 1, ms: 4 * MIN, endsAt: T0 + 29 * MIN },
];

describe('the line said in the thread', () => {
  it('names who changed the clock, the phase and its new end', () => {
    const [extended, paused, resumed] = changes.map((c) => renderClockChangeLine(aSession(), c, T0).text);
    expect(extended).toBe(`⏱️ <@U0ALICE> added 5 min: *Requirements &amp; scope* now ends at ${at(T0 + 10 * MIN)}09:10 UTC>, and the phases after it start later.`);
    expect(paused).toContain('⏸️ Paused by <@U0ALICE>, with 3 min 12 s left in *Requirements &amp; scope*');
    expect(resumed).toBe(`▶️ Resumed by <@U0BOB>: the schedule moved by 4 min, and *High-level design* now ends at ${at(T0 + 29 * MIN)}09:29 UTC>.`);
    for (const change of changes) expectWithinBlockKitLimits(renderClockChangeLine(aSession(), change, T0));
  });

  it('says when it is posted late, as the time checks do', () => {
    const [extended] = changes;
    if (!extended) throw new Error('no change');
    expect(JSON.stringify(renderClockChangeLine(aSession(), extended, T0 + 10 * MIN).blocks)).toContain('Posted 10 min late: the app was offline');
    expect(JSON.stringify(renderClockChangeLine(aSession(), extended, T0 + 30 * SEC).blocks)).not.toContain('Posted');
  });
});

describe('the answers to whoever steers', () => {
  it('confirm what the change did', () => {
    const [extended, paused, resumed] = changes.map((c) => renderClockChanged(c, T0).text);
    expect(extended).toContain(`*Requirements &amp; scope* has 5 min more: it now ends at ${at(T0 + 10 * MIN)}`);
    expect(paused).toContain('Paused, with 3 min 12 s left in *Requirements &amp; scope*');
    expect(resumed).toContain('Resumed: the schedule moved by 4 min');
  });

  it('call a repeated extension a repeat, saying who made the first and when the phase ends now', () => {
    const session = aSession();
    const [first] = changes;
    if (!first) throw new Error('no change');
    const mine = renderSteerRefusal({ ok: false, reason: 'repeat', session, change: first }, 'U0ALICE', T0).text;
    expect(mine).toContain('You added 5 min to *Requirements &amp; scope* a moment ago');
    expect(mine).toContain(at(T0 + 5 * MIN));
    expect(renderSteerRefusal({ ok: false, reason: 'repeat', session, change: first }, 'U0BOB', T0).text).toContain('<@U0ALICE> added 5 min');
    // Any other refusal is the usual one.
    expect(renderSteerRefusal({ ok: false, reason: 'stale', session }, 'U0ALICE', T0)).toEqual(renderRefusal('stale', session));
  });

  it('the host naming themselves is told they host it already', () => {
    expect(renderHandOverRefusal('same', aSession()).text).toBe("You're the host already.");
  });
});

describe('a session waiting for the app to be invited', () => {
  const waiting = aSession({ status: 'paused', pausedAt: T0 + 5, pauseReason: 'not_in_channel' });

  it('says what it waits for and how to invite the app, not how to resume', () => {
    const status = renderStatus(waiting, 0, T0 + 9 * MIN);
    const text = JSON.stringify(status.blocks);
    expect(status.text).toContain('is waiting for mockdesign to be invited to this channel');
    expect(status.text).toContain('phase 1 of 4, *Requirements &amp; scope*, with 5 min left');
    expect(text).toContain('`/invite @mockdesign`');
    expect(text).not.toContain('resume');
    const refused = renderRefusal('not_invited', waiting);
    expect(refused.text).toContain('`/invite @mockdesign`');
    expect(refused.text).toContain('its clock stopped');
    expect(refused.text).not.toContain('`/mockdesign resume`');
    // A session a person paused is resumed as ever.
    expect(renderRefusal('paused', aSession({ status: 'paused', pausedAt: T0 })).text).toContain('`/mockdesign resume`');
  });
});

describe('the message to a new host', () => {
  it('names who handed it over, the session and the channel, escaped, and what they can do', () => {
    const permalink = 'https://acme.slack.com/archives/C0001/p1893488400000100';
    for (const session of [aSession({ topic: HOSTILE }), aSession({ topic: HOSTILE, permalink, isAsync: true })]) {
      const told = renderHandedOver(session, 'U0ALICE');
      expectWithinBlockKitLimits(told);
      for (const text of [told.text, ...JSON.stringify(told.blocks).match(/"text":"([^"]*)"/g) ?? []]) {
        expectEscaped(text.replaceAll('<#C0001>', ''), ['U0ALICE'], [permalink]);
      }
      expect(JSON.stringify(told.blocks)).toContain('/mockdesign next');
    }
    expect(JSON.stringify(renderHandedOver(aSession({ isAsync: true }), 'U0ALICE').blocks)).toContain('digest at each deadline');
  });
});

describe('the step that says a change', () => {
  const [extended] = changes;
  if (!extended) throw new Error('no change');
  const step: Step = {
    id: 9, sessionId: 'sess_123-abc', key: clockChangeKey(extended), kind: 'warning', phaseIndex: null, seq: -1, dueAt: T0, runAt: T0, state: 'sending',
    attempts: 0, owner: 'me', leaseUntil: null, sentAt: null, postedTs: null, progress: 0, uncertain: false, lastError: null, audience: null,
  };

  it('posts the line in the thread, or nothing while there is no thread yet', () => {
    expect(renderStep({ session: aSession(), notes: [], participants: [] }, step, T0)).toEqual([renderClockChangeLine(aSession(), extended, T0)]);
    expect(renderStep({ session: aSession({ rootTs: null }), notes: [], participants: [] }, step, T0)).toEqual([]);
  });

  it('is named in words when it is lost', () => {
    expect(renderHostNotice(aSession(), { kind: 'lost', step: step.key, reason: 'invalid_blocks' })).toContain('a line in the thread saying a change to the schedule');
  });
});
