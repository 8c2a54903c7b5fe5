import { describe, expect, it } from 'vitest';
import type { SteerRefusal } from '../../../../src/app/sessions.ts';
import { parseCommand } from '../../../../src/domain/command.ts';
import { DAY } from '../../../../src/domain/duration.ts';
import { DEFAULT_PLAN } from '../../../../src/domain/plan.ts';
import { schedulePhases } from '../../../../src/domain/timeline.ts';
import { escapeMrkdwn, slackDate, slackWhen } from '../../../../src/slack/mrkdwn.ts';
import {
  renderBusy,
  renderHelp,
  renderInvalid,
  renderInvalidFromSlack,
  renderNoSession,
  renderNoteSaved,
  renderPlain,
  renderRefusal,
  renderStarted,
  renderStatus,
  renderSteerRefusal,
} from '../../../../src/slack/views/replies.ts';
import { expectEscaped, expectWithinBlockKitLimits, HOSTILE, mrkdwnTexts, sectionTexts } from '../../support/block-kit.ts';
import { aSession, MIN, SEC, T0 } from '../../support/builders.ts';

function invalidMessage(text: string): string {
  const command = parseCommand(text);
  if (command.kind !== 'invalid') throw new Error(`expected invalid, got ${command.kind}`);
  return command.message;
}

describe('renderHelp', () => {
  it('mentions every command with /mockdesign', () => {
    const help = renderHelp();
    expectWithinBlockKitLimits(help);
    const text = mrkdwnTexts(help.blocks).join('\n');
    for (const verb of ['start', 'status', 'note', 'next', 'pause', 'resume', 'end']) expect(text).toContain(`\`/mockdesign ${verb}`);
    expect(text).toContain('--plan 10/25/20/5');
    expect(text).toContain('Design Dropbox --async');
    expect(text).toContain('--interviewer');
    expect(help.text).toBe('How to use /mockdesign');
  });

  it('gives examples that really parse', () => {
    const text = sectionTexts(renderHelp().blocks).join('\n');
    const examples = [...text.matchAll(/`\/mockdesign (start [^`]*?)`/g)].map((m) => m[1] ?? '').filter((e) => !e.includes('&lt;'));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples.filter((e) => !e.includes('@alex'))) expect(parseCommand(example).kind).toBe('start');
    // `start` alone is the form, not a session without a topic.
    expect(text).toContain('`/mockdesign start` alone opens a form');
    expect(parseCommand('start').kind).toBe('start_form');
  });

  it('lists the phases with their default lengths, escaped', () => {
    const context = mrkdwnTexts(renderHelp().blocks[1]).join('');
    expect(context).toContain('Requirements &amp; scope (5 min) → High-level design (20 min) → Deep dive (15 min) → Wrap-up (5 min)');
  });

  it('names an unknown word, escaped', () => {
    const help = renderHelp('<!channel>&');
    expect(sectionTexts(help.blocks)[0]).toMatch(/^I don't know `&lt;!channel&gt;&amp;`\. Here is what I can do:/);
    for (const text of mrkdwnTexts(help.blocks)) expectEscaped(text);
    expect(sectionTexts(renderHelp().blocks)[0]).toMatch(/^\*mockdesign\* runs a mock system-design interview/);
  });

  it('answers an unknown verb from parseCommand safely', () => {
    const command = parseCommand(`${HOSTILE} start`);
    expect(command.kind).toBe('help');
    const help = renderHelp(command.kind === 'help' ? command.unknown : undefined);
    for (const text of mrkdwnTexts(help.blocks)) expectEscaped(text);
  });
});

describe('renderInvalid', () => {
  it('shows the message with a pointer to help', () => {
    const message = renderInvalid('A note needs some text.');
    expectWithinBlockKitLimits(message);
    expect(message.text).toBe('A note needs some text.');
    expect(sectionTexts(message.blocks)).toEqual(['⚠️ A note needs some text.']);
    expect(mrkdwnTexts(message.blocks[1])).toEqual(['`/mockdesign help` shows every command with examples.']);
  });

  // parseCommand's messages quote what the user typed (bad plan parts, unknown options, bad interviewer
  // values): `start X --plan <!channel>/1/1/1` must not ping, `start X --<https://evil|click>` must not link.
  it('escapes what the user typed when it shows an invalid command', () => {
    for (const typed of ['start X --plan <!channel>/1/1/1', 'start X --<https://evil.example|click>', 'start X --interviewer=<!here>', 'start X --plan a&b/1/1/1']) {
      const message = renderInvalid(invalidMessage(typed));
      expectEscaped(message.text);
      for (const text of mrkdwnTexts(message.blocks)) expectEscaped(text);
    }
  });

  // A huge bad plan (`start X --plan ${'a'.repeat(5000)}/1/1/1`) is quoted briefly, so the reply stays
  // within the limits and still shows the "Try `--plan 5/20/15/5`" example.
  it('keeps a long invalid-plan reply within limits and still shows the example', () => {
    const message = renderInvalid(invalidMessage(`start X --plan ${'a'.repeat(5000)}/1/1/1`));
    expectWithinBlockKitLimits(message);
    expect(sectionTexts(message.blocks)[0]).toContain('`--plan 5/20/15/5`');
  });
});

describe('renderInvalidFromSlack', () => {
  it('names the person a refusal is about with a mention', () => {
    const message = renderInvalidFromSlack(invalidMessage('start Design Z --candidate <@U0BOB|bob> --observer <@U0CAROL|carol> --interviewer <@U0CAROL|carol>'));
    expectWithinBlockKitLimits(message);
    expect(sectionTexts(message.blocks)).toEqual(['⚠️ <@U0CAROL> is named both interviewer and observer: pick one.']);
  });

  // Only a user mention Slack resolved stays one; anything else is plain and escaped, as renderInvalid has it.
  it('makes everything else plain and escaped, a mention quoted in a code span too', () => {
    const message = renderInvalidFromSlack('`<@U0BOB|bob>x` and <!subteam^S1|@eng> or <!channel> &lt;@U0EVE&gt; &amp; <https://evil.example|click> <@U0CAROL|carol>');
    expect(sectionTexts(message.blocks)).toEqual(['⚠️ `@bobx` and @eng or @channel &lt;@U0EVE&gt; &amp; click (https://evil.example) <@U0CAROL>']);
    for (const typed of ['start X --plan <!channel>/1/1/1', 'start X --<https://evil.example|click>', 'start X --interviewer=<!here>', 'start X --plan a&amp;b/1/1/1', `${HOSTILE} --plan x`]) {
      const refused = renderInvalidFromSlack(invalidMessage(`start ${typed}`));
      expectEscaped(refused.text);
      for (const text of mrkdwnTexts(refused.blocks)) expectEscaped(text);
    }
  });
});

describe('renderSteerRefusal for a paused session', () => {
  const session = aSession({ status: 'paused', pausedAt: T0 + MIN });
  const paused = { ok: false as const, reason: 'paused' as const, session };

  // The same refusal from the session meant something else to each: say what happened to what was asked.
  it('says no time was added to an extension, and that a pause is one already', () => {
    expect(renderSteerRefusal(paused, 'U0ALICE', T0, 'extend').text).toBe(
      'The session is paused, so no time was added: `/mockdesign resume` starts the clock again, then extend.',
    );
    expect(renderSteerRefusal(paused, 'U0ALICE', T0, 'pause').text).toBe('The session is already paused. `/mockdesign resume` starts the clock again.');
    expect(renderSteerRefusal(paused, 'U0ALICE', T0, 'next').text).toContain('so it stays in this phase');
    for (const command of ['extend', 'pause', 'next'] as const) expectWithinBlockKitLimits(renderSteerRefusal(paused, 'U0ALICE', T0, command));
    // Other refusals are unchanged by what was asked.
    expect(renderSteerRefusal({ ok: false, reason: 'not_paused', session }, 'U0ALICE', T0, 'resume')).toEqual(renderRefusal('not_paused', session));
  });
});

describe('renderHelp for a near miss', () => {
  it('asks whether the person meant the closest command, escaped, instead of the whole help', () => {
    const help = renderHelp('shedule<b>', 'schedule');
    expectWithinBlockKitLimits(help);
    expect(help.text).toBe("I don't know `shedule&lt;b&gt;`. Did you mean `/mockdesign schedule`?");
    expect(mrkdwnTexts(help.blocks).join('\n')).toContain('`/mockdesign help` shows every command');
    expect(renderHelp('dance').text).toBe('How to use /mockdesign');
  });
});

describe('renderStatus', () => {
  it('shows the phase under way, the time left and the plan', () => {
    const session = aSession({ topic: 'Design a URL shortener', hostId: 'UHOST' });
    const now = T0 + 12 * MIN + 30 * SEC;
    const status = renderStatus(session, 3, now);
    expectWithinBlockKitLimits(status);
    expect(status.text).toBe(
      `▶️ *Design a URL shortener*: phase 2 of 4, *High-level design*, 12 min 30 s left (until ${slackDate(T0 + 25 * MIN)}). 3 notes so far.`,
    );
    expect(sectionTexts(status.blocks)).toEqual([status.text]);
    expect(mrkdwnTexts(status.blocks[1])).toEqual([`Plan 5m/20m/15m/5m · host <@UHOST> · ends ${slackDate(T0 + 45 * MIN)}`]);
  });

  it('counts one note in the singular and escapes the first phase name', () => {
    const status = renderStatus(aSession(), 1, T0 + MIN);
    expect(status.text).toContain('phase 1 of 4, *Requirements &amp; scope*, 4 min left');
    expect(status.text).toContain('1 note so far.');
  });

  it('shows a paused session with the time that was left when it was paused', () => {
    const session = aSession({ status: 'paused', pausedAt: T0 + 30 * MIN });
    const status = renderStatus(session, 0, T0 + 3 * 60 * MIN);
    expect(status.text).toBe('⏸️ *Design a URL shortener* is paused in phase 3 of 4, *Deep dive*, with 10 min left. 0 notes so far.');
    expect(mrkdwnTexts(status.blocks[1])).toEqual(['`/mockdesign resume` starts the clock again.']);
  });

  it('tells someone who cannot steer who can resume a paused session, not the command they would be refused', () => {
    const session = aSession({ status: 'paused', pausedAt: T0 + 30 * MIN, hostId: 'UHOST', interviewers: ['UINT'], candidateId: 'UCAND' });
    for (const viewer of ['UHOST', 'UINT']) expect(mrkdwnTexts(renderStatus(session, 0, T0 + 31 * MIN, viewer).blocks[1])).toEqual(['`/mockdesign resume` starts the clock again.']);
    for (const viewer of ['UCAND', 'UOTHER']) {
      expect(mrkdwnTexts(renderStatus(session, 0, T0 + 31 * MIN, viewer).blocks[1])).toEqual(['The host, <@UHOST>, or an interviewer (<@UINT>) can start the clock again.']);
    }
    // With no interviewer named, only the host can.
    const alone = aSession({ status: 'paused', pausedAt: T0 + 30 * MIN, hostId: 'UHOST', candidateId: 'UCAND' });
    expect(mrkdwnTexts(renderStatus(alone, 0, T0 + 31 * MIN, 'UCAND').blocks[1])).toEqual(['The host, <@UHOST>, can start the clock again.']);
  });

  it('shows the plan as planned, with the time added beside it, as the summary does', () => {
    const phases = schedulePhases(DEFAULT_PLAN, T0).map((p) => (p.index === 0 ? { ...p, plannedMs: p.plannedMs + 5 * MIN, addedMs: 5 * MIN } : { ...p, addedMs: 0 }));
    const status = renderStatus(aSession({ phases, hostId: 'UHOST' }), 0, T0 + MIN);
    expect(mrkdwnTexts(status.blocks[1])[0]).toMatch(/^Plan 5m\/20m\/15m\/5m \(\+5 min added\) · host <@UHOST>/);
  });

  it('shows dates for a study group and the plan in days', () => {
    const session = aSession({ plan: [DAY, 3 * DAY, 2 * DAY, DAY] });
    const now = T0 + 2 * DAY;
    const status = renderStatus(session, 0, now);
    expect(status.text).toContain(`2 days left (until ${slackWhen(T0 + 4 * DAY, now)})`);
    expect(mrkdwnTexts(status.blocks[1])[0]).toContain('Plan 1d/3d/2d/1d');
  });

  it('escapes a hostile topic and host id', () => {
    for (const session of [aSession({ topic: HOSTILE, hostId: '<!channel>' }), aSession({ topic: HOSTILE, status: 'paused', pausedAt: T0 })]) {
      const status = renderStatus(session, 2, T0 + MIN);
      expectEscaped(status.text);
      for (const text of mrkdwnTexts(status.blocks)) expectEscaped(text);
      expect(status.text).toContain(`*${escapeMrkdwn(HOSTILE)}*`);
    }
  });
});

describe('renderBusy', () => {
  it('links the running session when there is a permalink', () => {
    const permalink = 'https://acme.slack.com/archives/C0001/p1893488400000100';
    const busy = renderBusy(aSession({ topic: 'Design X & Y', permalink, hostId: 'UHOST' }));
    expectWithinBlockKitLimits(busy);
    expect(busy.text).toBe(
      `A session is already running in this channel: *<${permalink}|Design X &amp; Y>*, hosted by <@UHOST>. End it with \`/mockdesign end\` before starting another, or start yours in another channel.`,
    );
    expect(sectionTexts(busy.blocks)).toEqual([busy.text]);
  });

  it('tells someone who cannot end the session whom to ask, rather than to end it', () => {
    const busy = renderBusy(aSession({ topic: 'Design X', permalink: null, hostId: 'UHOST', interviewers: ['UINT'] }), 'UGUEST');
    expect(busy.text).toBe('A session is already running in this channel: *Design X*, hosted by <@UHOST>. Ask its host to end it, or start yours in another channel.');
    expect(renderBusy(aSession({ hostId: 'UHOST', interviewers: ['UINT'] }), 'UINT').text).toContain('End it with `/mockdesign end`');
  });

  it('names the session in bold when there is no permalink', () => {
    const busy = renderBusy(aSession({ topic: 'Design X', permalink: null }));
    expect(busy.text).toContain('running in this channel: *Design X*, hosted by <@UHOST>.');
    expect(busy.text).not.toContain('<http');
  });

  it('escapes a hostile topic, also inside the link', () => {
    const permalink = 'https://acme.slack.com/archives/C0001/p1';
    for (const session of [aSession({ topic: HOSTILE, permalink }), aSession({ topic: HOSTILE })]) {
      const busy = renderBusy(session);
      expectEscaped(busy.text, ['UHOST'], [permalink]);
      expect(busy.text).toContain(escapeMrkdwn(HOSTILE));
    }
  });
});

describe('the other replies', () => {
  it('explains every refusal, naming the host when steering is not allowed', () => {
    const reasons: SteerRefusal[] = ['not_found', 'not_allowed', 'ended', 'paused', 'not_paused', 'stale'];
    const texts = reasons.map((r) => renderRefusal(r).text);
    expect(new Set(texts).size).toBe(reasons.length);
    for (const reason of reasons) expectWithinBlockKitLimits(renderRefusal(reason));
    expect(renderRefusal('not_allowed', aSession({ hostId: 'UHOST' })).text).toBe(
      'Only the host and the interviewers can steer this session. You can still add notes. (Host: <@UHOST>.)',
    );
    expect(renderRefusal('ended', aSession()).text).not.toContain('Host');
    expect(renderRefusal('paused').text).toContain('/mockdesign resume');
  });

  it('confirms a saved note under its escaped phase name', () => {
    expect(renderNoteSaved(0).text).toBe('📝 Note saved under *Requirements &amp; scope*. It will be in the summary.');
    expect(renderNoteSaved(3).text).toContain('*Wrap-up*');
  });

  it('confirms a start with the escaped topic and the total length', () => {
    const started = renderStarted(aSession({ topic: HOSTILE }));
    expect(started.text).toBe(`Starting *${escapeMrkdwn(HOSTILE)}*: 4 phases, 45 min in all. The plan is going up in this channel now.`);
    expectEscaped(started.text);
    expect(renderStarted(aSession({ plan: [DAY, 3 * DAY, 2 * DAY, DAY] })).text).toContain('7 days in all');
  });

  it('says how to start when there is no session, without raw angle brackets', () => {
    const none = renderNoSession();
    expectWithinBlockKitLimits(none);
    expect(none.text).toBe('No session is running in this channel. Start one with `/mockdesign start &lt;topic&gt;`.');
    expectEscaped(none.text);
  });

  it('wraps plain text in one section', () => {
    expect(renderPlain('⏭️ On to phase 2.')).toEqual({ text: '⏭️ On to phase 2.', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '⏭️ On to phase 2.' } }] });
  });

  it('gives every reply a non-empty fallback text within limits', () => {
    const session = aSession();
    const all = [
      renderHelp(),
      renderHelp('x'),
      renderInvalid('bad'),
      renderStatus(session, 0, T0),
      renderBusy(session),
      renderNoSession(),
      renderNoteSaved(1),
      renderStarted(session),
      renderPlain('ok'),
      ...(['not_found', 'not_allowed', 'ended', 'paused', 'not_paused', 'stale'] as const).map((r) => renderRefusal(r, session)),
    ];
    for (const reply of all) expectWithinBlockKitLimits(reply);
  });
});
