import { describe, expect, it } from 'vitest';
import { DAY } from '../../../../src/domain/duration.ts';
import type { Member } from '../../../../src/domain/reminders.ts';
import { ACTION_IDS } from '../../../../src/slack/ids.ts';
import { renderPhaseMessage } from '../../../../src/slack/views/phase-message.ts';
import { renderSessionMessage } from '../../../../src/slack/views/session-message.ts';
import { MAX_LISTED, mentionList, renderDigest, renderMembershipReply, renderReminder } from '../../../../src/slack/views/study-group.ts';
import { expectEscaped, expectWithinBlockKitLimits, HOSTILE, mrkdwnTexts } from '../../support/block-kit.ts';
import { aSession, T0 } from '../../support/builders.ts';

const week = aSession({ isAsync: true, plan: [DAY, 2 * DAY, 2 * DAY, DAY], topic: `Chat ${HOSTILE}`, permalink: 'https://sandbox.slack.com/archives/C0001/p1' });
const member = (userId: string, overrides: Partial<Member> = {}): Member => ({ userId, tz: 'UTC', joinedAt: T0, leftAt: null, mutedAt: null, ...overrides });
const ids = (n: number) => Array.from({ length: n }, (_, i) => `U${String(i).padStart(6, '0')}`);
/** Escaped, apart from the channel and people the renderers name themselves. */
const escaped = (text: string, mentions: readonly string[] = [], links: readonly string[] = []) => expectEscaped(text.split('<#C0001>').join(''), mentions, links);
const actionIds = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks).match(/"action_id":"[^"]+"/g) ?? [];

describe('study group views', () => {
  it('the session message lists members and who added to the phase, with Join / Leave and no +5 min; a big group stays within limits', () => {
    const members = [member('UA'), member('UB'), member('UC', { leftAt: T0 + 1 })];
    const message = renderSessionMessage({ session: week, notes: [], participants: [], members, contributors: ['UB', 'UX'] }, T0 + 1000);
    expectWithinBlockKitLimits(message);
    const text = mrkdwnTexts(message.blocks).join('\n');
    expect(text).toContain('*Members (2):* <@UA>, <@UB>');
    expect(text).toContain('1 of 2 contributed to *Requirements &amp; scope*');
    expect(actionIds(message)).toEqual(expect.arrayContaining([`"action_id":"${ACTION_IDS.join}"`, `"action_id":"${ACTION_IDS.leave}"`]));
    expect(actionIds(message)).not.toContain(`"action_id":"${ACTION_IDS.extend}"`);
    for (const t of mrkdwnTexts(message.blocks)) escaped(t, ['UHOST', 'UA', 'UB']);

    const crowd = ids(500).map((id) => member(id));
    const big = renderSessionMessage({ session: week, notes: [], participants: [], members: crowd, contributors: ids(200) }, T0 + 1000);
    expectWithinBlockKitLimits(big);
    expect(mrkdwnTexts(big.blocks).join('\n')).toContain(`and ${500 - MAX_LISTED} more`);
    expect(mrkdwnTexts(big.blocks).join('\n')).toContain('200 of 500 contributed');
  });

  it('a group session (not async) has no members row and keeps +5 min', () => {
    const message = renderSessionMessage({ session: aSession(), notes: [], participants: [] }, T0);
    expect(actionIds(message)).not.toContain(`"action_id":"${ACTION_IDS.join}"`);
    expect(actionIds(message)).toContain(`"action_id":"${ACTION_IDS.extend}"`);
  });

  it('the phase message of an async session gives its deadline in each reader’s time zone and every way to contribute', () => {
    const message = renderPhaseMessage(week, 1, week.phases[1]!.startsAt, week.phases[1]!.startsAt);
    expectWithinBlockKitLimits(message);
    const text = mrkdwnTexts(message.blocks).join('\n');
    const due = Math.floor(week.phases[2]!.startsAt / 1000);
    expect(text).toContain(`*Deadline:* <!date^${due}^{date_short_pretty} at {time}|`);
    expect(text).toContain('(your time)');
    expect(text).toContain('`/mockdesign note &lt;text&gt;`');
    expect(text).toContain('a reply in the thread');
  });

  it('the reminder escapes the topic, links the thread, and offers Add a note and Mute', () => {
    const message = renderReminder(week, 2);
    expectWithinBlockKitLimits(message);
    for (const t of mrkdwnTexts(message.blocks)) escaped(t);
    expect(mrkdwnTexts(message.blocks).join('\n')).toContain('*Phase 3 of 4 · Deep dive* closes <!date^');
    expect(JSON.stringify(message.blocks)).toContain('"url":"https://sandbox.slack.com/archives/C0001/p1"');
    expect(actionIds(message)).toEqual([`"action_id":"${ACTION_IDS.addNote}"`, `"action_id":"${ACTION_IDS.openThread}"`, `"action_id":"${ACTION_IDS.mute}"`]);
  });

  it('the digest names who contributed and who did not, counts the rest of a big group, and says what comes next', () => {
    const message = renderDigest(week, 0, { contributed: ['UA'], missing: ['UB', 'UC'], others: ['UX'] });
    expectWithinBlockKitLimits(message);
    const text = mrkdwnTexts(message.blocks).join('\n');
    expect(text).toContain('*Contributed (1 of 3):* <@UA>');
    expect(text).toContain('*Did not contribute (2):* <@UB>, <@UC>');
    expect(text).toContain('*Also contributed, without joining:* <@UX>');
    expect(text).toContain('Next: *High-level design*, due <!date^');
    for (const t of mrkdwnTexts(message.blocks)) escaped(t, ['UA', 'UB', 'UC', 'UX'], ['https://sandbox.slack.com/archives/C0001/p1']);
    const nobody = renderDigest(week, 3, { contributed: [], missing: [], others: [] });
    expect(mrkdwnTexts(nobody.blocks).join('\n')).toContain('Nobody has joined');
    // The notification too, rather than "0 of 0 members contributed".
    expect(nobody.text).toMatch(/: nobody has joined$/);
    expect(renderDigest(week, 0, { contributed: ['UA'], missing: [], others: [] }).text).toMatch(/: 1 of 1 member contributed$/);
    const big = renderDigest(week, 1, { contributed: ids(400), missing: ids(600), others: ids(300) });
    expectWithinBlockKitLimits(big);
    expect(mrkdwnTexts(big.blocks).join('\n')).toContain(`and ${600 - MAX_LISTED} more`);
  });

  it('replies to Join, Leave and Mute say what happened, escaped', () => {
    const joined = renderMembershipReply(week, { kind: 'joined', tz: 'Asia/Kolkata', now: T0 + 1000 });
    expect(joined.text).toContain('between 09:00 and 20:00 your time (Asia/Kolkata)');
    expect(joined.text).toContain('*Requirements &amp; scope*, closes <!date^');
    expect(renderMembershipReply(week, { kind: 'joined', tz: null, now: T0 }).text).toContain('(UTC: your Slack profile has no time zone');
    for (const kind of ['already_member', 'left', 'not_member', 'muted', 'already_muted', 'not_async'] as const) {
      expectEscaped(renderMembershipReply(week, { kind }).text);
    }
    expect(mentionList([])).toBe('nobody');
  });
});
