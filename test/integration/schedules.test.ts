/** Recurring sessions through the real Bolt router, with a fixed clock across days and a daylight-saving change. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHeartbeat } from '../../src/app/heartbeat.ts';
import { fireDueSchedules, MAX_SCHEDULES_PER_CHANNEL } from '../../src/app/schedules.ts';
import type { SlackMessage } from '../../src/slack/views/message.ts';
import { fixedClock } from '../support/fixed-clock.ts';
import { allText, CHANNEL, createHarness, GUEST, type Harness, HOST, TEAM } from '../support/harness.ts';
import { until } from '../support/until.ts';
import { expectWithinBlockKitLimits, mrkdwnTexts } from '../unit/support/block-kit.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

type Ack = { text: string; blocks?: unknown[] };
const HOUR = 3600_000;

async function fire(): Promise<number> {
  const started = await fireDueSchedules({ ...h.md.deps, people: h.md.messenger }, h.clock.now(), () => 0);
  await h.tick();
  return started;
}

/** Every `<` and `>` in the message belongs to a whole Slack token: a date, a mention or a channel. */
function expectWholeTokens(message: SlackMessage): void {
  for (const text of mrkdwnTexts(message.blocks)) {
    const rest = text.replace(/<!date\^\d+\^[^|<>]+\|[^<>]+>|<@[UW][A-Z0-9]+>|<#C[A-Z0-9]+>/g, '');
    expect(rest).not.toMatch(/[<>]/);
  }
}

/** The ten zones with the longest names the runtime accepts (a backward-compatible alias among them). */
const LONG_ZONES = [
  'America/Argentina/ComodRivadavia',
  'America/Argentina/Rio_Gallegos',
  'America/North_Dakota/New_Salem',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/San_Juan',
  'America/Argentina/San_Luis',
  'America/Argentina/La_Rioja',
  'America/Kentucky/Monticello',
  'America/North_Dakota/Beulah',
];

function roots(): string[] {
  return h.slack.messages(CHANNEL).filter((m) => !m.thread_ts && m.metadata?.event_type === 'mockdesign_step').map((m) => allText(m));
}

describe('a schedule whose channel cannot take its sessions', () => {
  const DAY = 24 * HOUR;
  const stoppedDms = () => h.slack.messages(`D${HOST}`).filter((m) => /stopped|gave up/.test(m.text));

  it.each(['is_archived', 'channel_not_found'])('%s: is removed at the first failed occurrence, its creator told once', async (error) => {
    h = await createHarness({ clock: fixedClock('2030-01-07T08:00:00Z') });
    const ack = (await h.command('schedule "every day 9:00" --tz UTC --plan 10m/20m/20m/10m')) as Ack;
    const id = /Its id is `([^`]+)`/.exec(ack.text)?.[1] ?? '';
    h.slack.fail('chat.postMessage', { error }, 10_000, (params) => params.channel === CHANNEL);
    for (let day = 0; day < 3; day++) {
      h.clock.set(Date.parse('2030-01-07T09:00:00Z') + day * DAY);
      await fire();
      await h.advance(5 * 60_000, 60_000);
    }
    // One session tried and ended; no further one, and one message to its creator, which says the schedule went.
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    const dms = stoppedDms();
    expect(dms).toHaveLength(1);
    expect(dms[0]?.text).toContain(`\`${id}\``);
    expect(dms[0]?.text).toContain('removed');
    expect(allText((await h.command('schedules')) as Ack)).toContain('no recurring sessions');
  });

  it('a private channel that never lets the bot in: removed when the first occurrence gives up, its creator told then', async () => {
    const PRIVATE = 'G0PRIVATE'; // the stand-in's private channel, without the bot
    h = await createHarness({ clock: fixedClock('2030-01-07T08:00:00Z') });
    const ack = (await h.command('schedule "every day 9:00" --tz UTC --plan 10m/20m/20m/10m', { channel: PRIVATE })) as Ack;
    const id = /Its id is `([^`]+)`/.exec(ack.text)?.[1] ?? '';
    for (let day = 0; day < 3; day++) {
      h.clock.set(Date.parse('2030-01-07T09:00:00Z') + day * DAY);
      await fire();
      // Long enough for every try of the first post, whose waits grow to five minutes.
      await h.advance(6 * HOUR, 5 * 60_000);
    }
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    const dms = h.slack.messages(`D${HOST}`);
    expect(dms.filter((m) => m.text.includes('/invite @mockdesign'))).toHaveLength(1);
    const gaveUp = dms.filter((m) => m.text.includes('gave up'));
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]?.text).toContain(`\`${id}\``);
    expect(h.db.prepare('SELECT count(*) FROM schedules WHERE deleted_at IS NULL').pluck().get()).toBe(0);
  });

  it('removes only its host’s schedules there: another creator’s is removed at its own occurrence, and they are told', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T08:00:00Z') });
    await h.command('schedule "every day 9:00" --tz UTC --plan 10m/20m/20m/10m');
    await h.command('schedule "every day 12:00" --tz UTC --plan 10m/20m/20m/10m', { user: GUEST });
    h.slack.fail('chat.postMessage', { error: 'is_archived' }, 10_000, (params) => params.channel === CHANNEL);
    for (const at of ['2030-01-07T09:00:00Z', '2030-01-07T12:00:00Z', '2030-01-08T09:00:00Z', '2030-01-08T12:00:00Z']) {
      h.clock.set(Date.parse(at));
      await fire();
      await h.advance(5 * 60_000, 60_000);
    }
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(2);
    expect(stoppedDms()).toHaveLength(1);
    expect(h.slack.messages(`D${GUEST}`).filter((m) => /stopped/.test(m.text))).toHaveLength(1);
    expect(h.db.prepare('SELECT count(*) FROM schedules WHERE deleted_at IS NULL').pluck().get()).toBe(0);
  });
});

describe('a schedule of a workspace that uninstalls the app', () => {
  const live = () => h.db.prepare('SELECT team_id FROM schedules WHERE deleted_at IS NULL ORDER BY team_id').pluck().all();

  it('is removed with it and starts nothing more; other workspaces’ schedules carry on', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T08:00:00Z') });
    await h.command('schedule "every day 9:00" --tz UTC');
    await h.command('schedule "every day 9:00" --tz UTC', { team: 'T0OTHER' });
    await h.event({ type: 'app_uninstalled' }, { eventId: 'EvUNINSTALL' });
    expect(live()).toEqual(['T0OTHER']);
    h.clock.set(Date.parse('2030-01-07T09:00:00Z'));
    expect(await fire()).toBe(1);
    expect(h.db.prepare('SELECT team_id FROM sessions').pluck().all()).toEqual(['T0OTHER']);
    expect(h.logs.find((l) => l.msg === 'access revoked; live sessions ended')).toMatchObject({ schedules: 1 });
  });

  it('an org-wide uninstall removes the schedules of every workspace it served, even those with no live session', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T08:00:00Z') });
    await h.command('schedule "every day 9:00" --tz UTC', { team: 'T0ORGA', enterprise: 'E0ORG' });
    await h.command('schedule "every day 9:00" --tz UTC', { team: 'T0ORGB', enterprise: 'E0ORG' });
    await h.command('schedule "every day 9:00" --tz UTC');
    await h.receiver.send({
      token: 'verification',
      team_id: 'T0ORGA',
      enterprise_id: 'E0ORG',
      api_app_id: 'A0SANDBOX',
      authorizations: [{ enterprise_id: 'E0ORG', team_id: null, is_enterprise_install: true }],
      event: { type: 'app_uninstalled' },
      type: 'event_callback',
      event_id: 'EvORG',
      event_time: Math.floor(h.clock.now() / 1000),
    });
    expect(live()).toEqual([TEAM]);
  });
});

/**
 * A schedule row as a newer version, or a hand edit, may leave it: in another channel of the workspace, due at
 * 08:59 UTC (before the one the test makes through the command, so first in every batch), with `tz` and `plan`
 * written as given.
 */
function writeDueSchedule(id: string, row: { tz: string; plan: string }): void {
  h.db
    .prepare(
      `INSERT INTO schedules (id, team_id, enterprise_id, channel_id, created_by, expression, tz, plan, is_async, next_at, created_at)
       VALUES (?, ?, '', 'C0OTHER', ?, '0 9 * * *', ?, ?, 0, ?, ?)`,
    )
    .run(id, TEAM, HOST, row.tz, row.plan, Date.parse('2030-01-07T08:59:00Z'), Date.parse('2030-01-07T08:00:00Z'));
}

describe('a schedule that cannot be worked out', () => {
  it('a zone this server does not know (written by a newer version, or by hand) is removed and logged once, and holds no other schedule back', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T08:00:00Z') });
    await h.command('schedule "every day 9:00" --tz UTC');
    // Due first, so every batch of due schedules starts with it.
    writeDueSchedule('badzone1', { tz: 'Mars/Olympus', plan: '600000,1200000,1200000,600000' });
    h.clock.set(Date.parse('2030-01-07T09:00:00Z'));
    expect(await fire()).toBe(1);
    expect(h.db.prepare('SELECT channel_id FROM sessions').pluck().all()).toEqual([CHANNEL]);
    for (let i = 0; i < 5; i++) await fire();
    const errors = h.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ schedule: 'badzone1', tz: 'Mars/Olympus', channel: 'C0OTHER' });
    expect(h.db.prepare("SELECT deleted_at IS NOT NULL FROM schedules WHERE id = 'badzone1'").pluck().get()).toBe(1);
  });

  it('one whose session cannot be written is logged once with what it was, and the others due with it still start', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T08:00:00Z') });
    await h.command('schedule "every day 9:00" --tz UTC');
    writeDueSchedule('badplan1', { tz: 'UTC', plan: 'not a plan' });
    h.clock.set(Date.parse('2030-01-07T09:00:00Z'));
    expect(await fire()).toBe(1);
    for (let i = 0; i < 5; i++) await fire();
    const errors = h.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: 'could not start a scheduled session', schedule: 'badplan1', channel: 'C0OTHER' });
  });
});

describe('/mockdesign schedule', () => {
  it('starts a session with the next prompt at each occurrence, in the zone given, across a daylight-saving change', async () => {
    // Monday 25 March 2030, 12:00 UTC; Berlin changes to summer time on Sunday 31 March.
    h = await createHarness({ clock: fixedClock('2030-03-25T12:00:00Z') });
    const ack = (await h.command('schedule "every tue 18:00" --tz Europe/Berlin --plan 10m/20m/20m/10m')) as Ack;
    expect(ack.text).toContain('every Tuesday at 18:00 (Europe/Berlin)');
    const id = /Its id is `([^`]+)`/.exec(ack.text)?.[1] ?? '';
    expect(id).not.toBe('');
    // 18:00 CET on Tuesday 26 March is 17:00 UTC.
    expect(h.db.prepare('SELECT next_at FROM schedules').pluck().get()).toBe(Date.parse('2030-03-26T17:00:00Z'));

    h.clock.set(Date.parse('2030-03-26T16:59:00Z'));
    expect(await fire()).toBe(0);
    h.clock.set(Date.parse('2030-03-26T17:00:05Z'));
    expect(await fire()).toBe(1);
    expect(await fire()).toBe(0); // the same occurrence never starts twice
    expect(roots()).toHaveLength(1);
    await h.advance(HOUR, 5 * 60_000); // it runs its hour and ends

    // A week later the wall-clock time is the same, the instant an hour earlier: 16:00 UTC.
    expect(h.db.prepare('SELECT next_at FROM schedules').pluck().get()).toBe(Date.parse('2030-04-02T16:00:00Z'));
    h.clock.set(Date.parse('2030-04-02T16:00:00Z'));
    expect(await fire()).toBe(1);
    const topics = h.db.prepare('SELECT topic, prompt_id FROM sessions ORDER BY created_at').all() as { topic: string; prompt_id: string }[];
    expect(topics).toHaveLength(2);
    expect(topics[0]?.prompt_id).not.toBe(topics[1]?.prompt_id);
  });

  it('starts a time the clocks repeat once, where they go back two hours', async () => {
    // Antarctica/Troll goes from 03:00 +02 back to 01:00 +00 at 01:00 UTC on Sunday 27 October 2030: 01:30 and 02:30
    // happen at 23:30 and 00:30 UTC, then again at 01:30 and 02:30 UTC.
    h = await createHarness({ clock: fixedClock('2030-10-26T12:00:00Z') });
    const ack = (await h.command('schedule "30 1,2 * * *" --tz Antarctica/Troll --plan 10m/20m/20m/5m')) as Ack;
    expect(ack.text).toContain('Scheduled');
    const nextAt = () => h.db.prepare('SELECT next_at FROM schedules').pluck().get();
    for (const at of ['2030-10-26T23:30:00Z', '2030-10-27T00:30:00Z']) {
      expect(nextAt()).toBe(Date.parse(at));
      h.clock.set(Date.parse(at));
      expect(await fire()).toBe(1);
      await h.advance(HOUR - 60_000, 5 * 60_000); // it runs its hour and ends
    }
    // The second 01:30 and 02:30 start nothing: the next is 01:30 on Monday, the offset +00 now.
    expect(nextAt()).toBe(Date.parse('2030-10-28T01:30:00Z'));
    for (const at of ['2030-10-27T01:30:00Z', '2030-10-27T02:30:00Z']) {
      h.clock.set(Date.parse(at));
      expect(await fire()).toBe(0);
    }
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(2);
  });

  it('lists the channel’s schedules, lets only their creator remove one, and a removed one starts nothing', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const ack = (await h.command('schedule every weekday 9:30 --tz UTC')) as Ack;
    const id = /Its id is `([^`]+)`/.exec(ack.text)?.[1] ?? '';
    const list = (await h.command('schedules')) as Ack;
    expect(allText(list)).toContain(`\`${id}\` every weekday at 09:30 (UTC)`);
    expect(((await h.command(`unschedule ${id}`, { user: GUEST })) as Ack).text).toContain('Only the person who made');
    // Typed by hand, an id often loses its case: the channel's one schedule that matches regardless of case is taken.
    const swapped = id.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
    expect(swapped).not.toBe(id);
    expect(((await h.command(`unschedule ${swapped}`)) as Ack).text).toContain('starts no more sessions');
    h.clock.set(Date.parse('2030-01-07T09:30:00Z'));
    expect(await fire()).toBe(0);
    expect(allText((await h.command('schedules')) as Ack)).toContain('no recurring sessions');
  });

  it('lets a workspace admin remove anyone\'s schedule, telling its creator privately once', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const id = /Its id is `([^`]+)`/.exec(((await h.command('schedule every weekday 9:30 --tz UTC')) as Ack).text)?.[1] ?? '';
    const refused = (await h.command(`unschedule ${id}`, { user: GUEST })) as Ack;
    expect(refused.text).toBe(`Only the person who made \`${id}\` (<@${HOST}>) or a workspace admin can remove it. Once its creator's account is deactivated, anyone in the channel can.`);
    h.slack.workspace.users.get(GUEST)!.isAdmin = true;
    expect(((await h.command(`unschedule ${id}`, { user: GUEST })) as Ack).text).toContain('starts no more sessions');
    const told = h.slack.messages(`D${HOST}`).filter((m) => m.text.includes('removed your recurring session'));
    expect(told.map((m) => m.text)).toEqual([`<@${GUEST}> removed your recurring session \`${id}\` in <#${CHANNEL}>, every weekday at 09:30 (UTC): it starts no more sessions. Sessions already running carry on.`]);
    // Gone: a second removal finds nothing, and tells nobody again.
    expect(((await h.command(`unschedule ${id}`, { user: GUEST })) as Ack).text).toContain('no schedule with that id');
    expect(h.slack.messages(`D${HOST}`).filter((m) => m.text.includes('removed your recurring session'))).toHaveLength(1);
    h.clock.set(Date.parse('2030-01-07T09:30:00Z'));
    expect(await fire()).toBe(0);
  });

  it('lets anyone remove a schedule whose creator\'s account is deactivated, and nobody while Slack cannot say', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const id = /Its id is `([^`]+)`/.exec(((await h.command('schedule every weekday 9:30 --tz UTC')) as Ack).text)?.[1] ?? '';
    h.slack.workspace.users.get(HOST)!.deleted = true;
    // users.info failing leaves it open: refused, saying to try again (not that they may not), and the schedule stays.
    h.slack.fail('users.info', { error: 'internal_error' }, 2);
    expect(((await h.command(`unschedule ${id}`, { user: GUEST })) as Ack).text).toBe(
      `\`${id}\` was made by <@${HOST}>, and Slack did not say in time whether you can remove it (a workspace admin can, and anyone once its creator's account is deactivated). Nothing was changed: try again in a moment.`,
    );
    expect(h.db.prepare('SELECT count(*) FROM schedules WHERE deleted_at IS NULL').pluck().get()).toBe(1);
    expect(((await h.command(`unschedule ${id}`, { user: GUEST })) as Ack).text).toContain('starts no more sessions');
    expect(h.db.prepare('SELECT count(*) FROM schedules WHERE deleted_at IS NULL').pluck().get()).toBe(0);
  });

  it('removes a schedule whose creator\'s account is deactivated at its next occurrence, starting nothing and telling the channel once', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const id = /Its id is `([^`]+)`/.exec(((await h.command('schedule every weekday 9:30 --tz UTC')) as Ack).text)?.[1] ?? '';
    const ownId = /Its id is `([^`]+)`/.exec(((await h.command('schedule every weekday 11:30 --tz UTC', { user: GUEST })) as Ack).text)?.[1] ?? '';
    h.slack.workspace.users.get(HOST)!.deleted = true;
    const told = () => h.slack.messages(CHANNEL).filter((m) => m.text.includes('deactivated'));
    h.clock.set(Date.parse('2030-01-07T09:30:00Z'));
    expect(await fire()).toBe(0);
    expect(h.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    expect(told().map((m) => m.text)).toEqual([
      `🔁 The recurring session \`${id}\`, every weekday at 09:30 (UTC), starts no more sessions: <@${HOST}>, who set it up, has a deactivated Slack account, so it was removed rather than start a session with nobody to host it. Anyone here can set up a new one with \`/mockdesign schedule\` (\`/mockdesign help\` shows how).`,
    ]);
    // Gone for good: the next day starts nothing and says nothing more; another person's schedule carries on.
    expect(allText((await h.command('schedules')) as Ack)).not.toContain(id);
    h.clock.set(Date.parse('2030-01-08T09:30:00Z'));
    expect(await fire()).toBe(0);
    expect(told()).toHaveLength(1);
    h.clock.set(Date.parse('2030-01-08T11:30:00Z'));
    expect(await fire()).toBe(1);
    expect(allText((await h.command('schedules')) as Ack)).toContain(ownId);
  });

  it('starts the session as always when Slack does not say whether the creator\'s account is deactivated', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('schedule every weekday 9:30 --tz UTC');
    h.slack.workspace.users.get(HOST)!.deleted = true;
    h.slack.fail('users.info', { error: 'internal_error' }, 1);
    h.clock.set(Date.parse('2030-01-07T09:30:00Z'));
    expect(await fire()).toBe(1);
    expect(h.db.prepare('SELECT host_id FROM sessions').pluck().all()).toEqual([HOST]);
    expect(h.slack.messages(CHANNEL).filter((m) => m.text.includes('deactivated'))).toEqual([]);
  });

  it('survives a restart: the schedule is in the database and an occurrence missed while down is skipped, not started late', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('schedule "0 10 * * *" --tz UTC');
    // The app was down from 09:00 to 13:00: the 10:00 session is not started three hours late.
    h.clock.set(Date.parse('2030-01-07T13:00:00Z'));
    expect(await fire()).toBe(0);
    expect(h.logs.some((l) => l.msg === 'skipped a scheduled session that fell due while the app was down')).toBe(true);
    expect(h.db.prepare('SELECT next_at FROM schedules').pluck().get()).toBe(Date.parse('2030-01-08T10:00:00Z'));
  });

  it('lists a full channel of schedules with the longest expressions and zone names whole, within Block Kit limits', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    // Every hour (an hour apart, the closest allowed), every day of the month, month and weekday spelt out; five
    // minutes apart, with sessions of four, so that none runs at the same time as another.
    const hours = Array.from({ length: 24 }, (_, i) => i).join(',');
    const days = Array.from({ length: 31 }, (_, i) => i + 1).join(',');
    const months = 'january,february,march,april,may,june,july,august,september,october,november,december';
    const weekdays = 'sunday,monday,tuesday,wednesday,thursday,friday,saturday';
    const ids: string[] = [];
    for (let i = 0; i < MAX_SCHEDULES_PER_CHANNEL; i++) {
      const ack = (await h.command(`schedule "${10 + 5 * i} ${hours} ${days} ${months} ${weekdays}" --tz ${LONG_ZONES[i]} --plan 1m/1m/1m/1m --async`)) as Ack;
      ids.push(/Its id is `([^`]+)`/.exec(ack.text)?.[1] ?? ack.text);
    }
    const list = (await h.command('schedules')) as SlackMessage;
    expectWithinBlockKitLimits(list);
    expectWholeTokens(list);
    const text = allText(list);
    for (const [i, id] of ids.entries()) {
      expect(text).toContain(`\`${id}\` cron \`${10 + 5 * i} ${hours} ${days} ${months} ${weekdays}\` (${LONG_ZONES[i]})`);
    }
    expect(text.match(/<!date\^/g)).toHaveLength(MAX_SCHEDULES_PER_CHANNEL);
  });

  it('refuses a schedule past the channel\'s limit, also when several people ask at once', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    for (let i = 0; i < MAX_SCHEDULES_PER_CHANNEL - 2; i++) await h.command(`schedule "0 ${i} * * *" --tz UTC`);
    const acks = (await Promise.all(
      [GUEST, HOST, GUEST, HOST].map((user, i) => h.command(`schedule "0 ${12 + i} * * *" --tz UTC`, { user })),
    )) as Ack[];
    expect(acks.filter((a) => a.text.includes('Scheduled'))).toHaveLength(2);
    const refused = acks.filter((a) => !a.text.includes('Scheduled'));
    expect(refused.map((a) => a.text)).toEqual([0, 1].map(() => `A channel can have at most ${MAX_SCHEDULES_PER_CHANNEL} schedules; remove one with \`/mockdesign unschedule &lt;id&gt;\`.`));
    expect(h.db.prepare('SELECT count(*) FROM schedules WHERE deleted_at IS NULL').pluck().get()).toBe(MAX_SCHEDULES_PER_CHANNEL);
  });

  it('shows an expression too long for a message shortened, never cutting the time or mention after it', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    // The parser takes repeated values: an expression can be longer than a whole section. At this length a cut at
    // 3,000 characters falls inside the date that follows it, in the reply and in the list.
    const expression = `0 9 ${Array.from({ length: 1400 }, () => '1').join(',')} * *`;
    const ack = (await h.command(`schedule "${expression}" --tz ${LONG_ZONES[0]}`)) as SlackMessage;
    expect(ack.text).toContain('Scheduled');
    expectWithinBlockKitLimits(ack);
    expectWholeTokens(ack);
    expect(mrkdwnTexts(ack.blocks).join('\n')).toMatch(/The first is <!date\^\d+\^[^|]+\|[^>]+>/);
    const list = (await h.command('schedules')) as SlackMessage;
    expectWithinBlockKitLimits(list);
    expectWholeTokens(list);
    expect(mrkdwnTexts(list.blocks).join('\n')).toMatch(/by <@U0ALICE>; next <!date\^\d+\^[^|]+\|[^>]+>/);
    // One hour typed many times over is one hour, in words.
    const repeated = (await h.command(`schedule "0 ${Array.from({ length: 1500 }, () => '9').join(',')} * * *" --tz UTC`)) as SlackMessage;
    expectWithinBlockKitLimits(repeated);
    expect(repeated.text).toContain('Scheduled every day at 09:00 (UTC)');
  });

  it('refuses what cannot work, saying why', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    expect(((await h.command('schedule "every blursday 18:00"')) as Ack).text).toContain("can't read the days");
    expect(((await h.command('schedule "every tue 18:00" --tz Mars/Olympus')) as Ack).text).toContain('not a time zone');
    expect(((await h.command('schedule "*/10 * * * *"')) as Ack).text).toContain('at least an hour');
    expect(((await h.command('schedule "every day 9:00" --plan 1d/1d/1d/1d')) as Ack).text).toContain('still be running');
    expect(h.db.prepare('SELECT count(*) FROM schedules').pluck().get()).toBe(0);
  });

  it('checks the spacing over a whole week of occurrences, not only the next two', async () => {
    // Monday 7 January 2030, 09:10 UTC: the next two occurrences are 09:30 today and 09:00 next Monday, a week
    // apart, but each Monday has two, 30 minutes apart.
    h = await createHarness({ clock: fixedClock('2030-01-07T09:10:00Z') });
    expect(((await h.command('schedule "0,30 9 * * 1" --tz UTC')) as Ack).text).toContain('at least an hour');
    // At 10:00 the next two are Tuesday 09:00 and Monday 14th 09:00, six days apart; Monday to Tuesday is one day,
    // less than a plan of two.
    h.clock.set(Date.parse('2030-01-07T10:00:00Z'));
    expect(((await h.command('schedule "every mon,tue 9:00" --tz UTC --async --plan 12h/12h/12h/12h')) as Ack).text).toContain('still be running');
    expect(h.db.prepare('SELECT count(*) FROM schedules').pluck().get()).toBe(0);
    // Spaced widely enough all week round, it is taken.
    expect(((await h.command('schedule "every mon,wed 9:00" --tz UTC --async --plan 12h/12h/12h/12h')) as Ack).text).toContain('Scheduled');
  });

  it('uses the creator’s Slack time zone when none is given', async () => {
    // The stand-in's default people have zones: U0BOB is in America/New_York.
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const ack = (await h.command('schedule "every wed 18:00"', { user: GUEST })) as Ack;
    expect(ack.text).toContain('(America/New_York)');
    expect(h.db.prepare('SELECT next_at FROM schedules').pluck().get()).toBe(Date.parse('2030-01-09T23:00:00Z'));
    expect(allText(ack)).toContain('The time zone is the one in your Slack profile');
  });

  it('uses UTC, and says so, when the zone in the creator’s Slack profile is one this server does not know', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    // A zone newer than this runtime's time-zone data: Slack has it, the server cannot work out its times.
    const alice = h.slack.workspace.users.get(HOST);
    if (!alice) throw new Error('the stand-in has no U0ALICE');
    alice.tz = 'America/Newly_Created';
    const ack = (await h.command('schedule "every tue 18:00"')) as Ack;
    expect(ack.text).toContain('every Tuesday at 18:00 (UTC)');
    expect(allText(ack)).toContain('so this schedule uses UTC');
    expect(h.db.prepare('SELECT tz FROM schedules').pluck().all()).toEqual(['UTC']);
  });

  it('says so when the creator’s Slack time zone could not be read and UTC is used instead', async () => {
    // Slack does not know this person: users.info fails, and the schedule falls back to UTC.
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const ack = (await h.command('schedule "every tue 18:00"', { user: 'U0NOBODY' })) as Ack;
    expect(ack.text).toContain('every Tuesday at 18:00 (UTC)');
    const text = allText(ack);
    expect(text).not.toContain('The time zone is the one in your Slack profile');
    expect(text).toContain('The time zone in your Slack profile could not be read, so this schedule uses UTC.');
    expect(text).toContain('`--tz`, e.g. `--tz Europe/Berlin`');
  });

  it('does not wait past the ack\'s time for a slow Slack: the zone then counts as unread, and a removal is refused', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    // users.info answers after a minute: waiting for it, the test would time out (and Slack would fail the command).
    h.slack.fail('users.info', { delayMs: 60_000 }, 3);
    const ack = (await h.command('schedule "every tue 18:00"')) as Ack;
    const id = /Its id is `([^`]+)`/.exec(ack.text)?.[1] ?? '';
    expect(allText(ack)).toContain('The time zone in your Slack profile could not be read, so this schedule uses UTC.');
    expect(((await h.command(`unschedule ${id}`, { user: GUEST })) as Ack).text).toContain('Slack did not say in time whether you can remove it');
    expect(h.db.prepare('SELECT count(*) FROM schedules WHERE deleted_at IS NULL').pluck().get()).toBe(1);
  });
});

describe('the tick', () => {
  const PREP = 'C0PREP';
  const stepState = (channel: string, key: string) =>
    h.db.prepare('SELECT st.state FROM steps st JOIN sessions s ON s.id = st.session_id WHERE s.channel_id = ? AND st.step_key = ?').pluck().get(channel, key);
  const heartbeatOf = (harness: Harness) =>
    createHeartbeat({
      dispatcher: harness.md.dispatcher,
      fireSchedules: (now) => fireDueSchedules({ ...harness.md.deps, people: harness.md.messenger }, now, () => 0),
      pruneRequests: (before) => harness.store.requests.prune(before),
      logger: harness.md.deps.logger,
      clock: harness.clock.now,
    });

  it('claims the posts due without waiting for Slack to say whether a schedule\'s creator is still there, and claims the session it starts once started', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('schedule every weekday 9:30 --tz UTC', { channel: PREP });
    // A live session elsewhere whose second phase falls due at the same minute as the schedule.
    h.clock.set(Date.parse('2030-01-07T09:25:00Z'));
    await h.command('start Design a URL shortener');
    await h.tick();
    expect(stepState(CHANNEL, 'phase:1')).not.toBe('done');
    const heartbeat = heartbeatOf(h);
    h.clock.set(Date.parse('2030-01-07T09:30:00Z'));
    // Slack is slow to say who created the schedule: the session waits for its answer, up to the lookup's limit.
    h.slack.fail('users.info', { delayMs: 60_000 }, 1);
    await heartbeat.beat();
    // The tick is over and the phase went out, while the scheduled session is still waiting for Slack.
    await h.md.dispatcher.drain();
    expect(stepState(CHANNEL, 'phase:1')).toBe('done');
    expect(h.db.prepare('SELECT count(*) FROM sessions WHERE channel_id = ?').pluck().get(PREP)).toBe(0);
    await heartbeat.settled();
    expect(h.db.prepare('SELECT host_id FROM sessions WHERE channel_id = ?').pluck().all(PREP)).toEqual([HOST]);
    // Its first post is claimed as soon as it is written, not at the next tick.
    await until('the scheduled session\'s root post', () => stepState(PREP, 'root') === 'done');
  });

  it('says once a minute, not every second, that recurring sessions cannot be started, and posts go on meanwhile', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    await h.command('start Design a URL shortener --plan 30s/30s/30s/30s');
    await h.tick();
    // A fault no retry mends (the table gone from under the app), as opposed to a database that does not answer.
    h.db.exec('DROP TABLE schedules');
    const heartbeat = heartbeatOf(h);
    const errors = () => h.logs.filter((l) => l.msg === 'could not start scheduled sessions');
    for (let second = 0; second < 90; second++) {
      await heartbeat.beat();
      await heartbeat.settled();
      h.clock.advance(1000);
    }
    await h.md.dispatcher.drain();
    expect(errors().map((l) => [l.level, l.error_code])).toEqual([
      ['error', 'SQLITE_ERROR'],
      ['error', 'SQLITE_ERROR'],
    ]);
    // Three of the session's phases fell due within those 90 seconds, and went out.
    expect(stepState(CHANNEL, 'phase:2')).toBe('done');
  });
});

describe('schedules whose sessions would run at the same time in one channel', () => {
  it('refuses one that would run with another schedule’s sessions, naming it, and stores nothing', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const first = /Its id is `([^`]+)`/.exec(((await h.command('schedule "every day 19:34" --tz UTC --plan 1m/1m/1m/1m')) as Ack).text)?.[1] ?? '';
    const count = () => h.db.prepare('SELECT count(*) FROM schedules WHERE deleted_at IS NULL').pluck().get();
    // The very same schedule, by someone else.
    const same = (await h.command('schedule "every day 19:34" --tz UTC --plan 1m/1m/1m/1m', { user: GUEST })) as SlackMessage;
    expect(same.text).toContain(`at the same time as those of <@${HOST}>'s \`${first}\`, every day at 19:34 (UTC): the two would first meet `);
    expect(mrkdwnTexts(same.blocks).join('\n')).toContain(`first meet <!date^${Date.parse('2030-01-07T19:34:00Z') / 1000}^`);
    expectWithinBlockKitLimits(same);
    expectWholeTokens(same);
    // A weekly one in another zone whose hour covers 19:34 UTC: 14:00 in New York is 19:00 UTC in January.
    const overlapping = (await h.command('schedule "every tue 14:00" --tz America/New_York --plan 10m/20m/20m/10m')) as Ack;
    expect(overlapping.text).toContain(`\`${first}\``);
    expect(count()).toBe(1);
    // Right after it ends, or elsewhere, is fine.
    expect(((await h.command('schedule "every day 19:38" --tz UTC --plan 1m/1m/1m/1m')) as Ack).text).toContain('Scheduled');
    expect(((await h.command('schedule "every day 19:34" --tz UTC --plan 1m/1m/1m/1m', { channel: 'C0OTHER' })) as Ack).text).toContain('Scheduled');
    expect(count()).toBe(3);
  });

  it('names the day the two would really first meet: not an occurrence from before the other was made', async () => {
    // Monday 23:34 UTC: a schedule for 23:15 every Monday is made after tonight's, so its first session is next week.
    h = await createHarness({ clock: fixedClock('2030-01-07T23:34:00Z') });
    const first = /Its id is `([^`]+)`/.exec(((await h.command('schedule "every tue 00:15" --tz Europe/Berlin')) as Ack).text)?.[1] ?? '';
    const refused = (await h.command('schedule "every mon 23:37" --tz UTC', { user: GUEST })) as SlackMessage;
    expect(refused.text).toContain(`\`${first}\``);
    // Tonight's 23:37 would meet nothing; next Monday's meets the session begun at 23:15.
    expect(mrkdwnTexts(refused.blocks).join('\n')).toContain(`first meet <!date^${Date.parse('2030-01-14T23:37:00Z') / 1000}^`);
  });

  it('takes one of two clashing schedules asked for at the same moment', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const acks = (await Promise.all([HOST, GUEST].map((user) => h.command('schedule "every wed 18:00" --tz UTC', { user })))) as Ack[];
    expect(acks.filter((a) => a.text.includes('Scheduled'))).toHaveLength(1);
    expect(acks.filter((a) => a.text.includes('at the same time as those of'))).toHaveLength(1);
    expect(h.db.prepare('SELECT count(*) FROM schedules').pluck().get()).toBe(1);
  });

  it('tells the creator once, not at every occurrence, when a session is skipped because the channel is busy', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T08:00:00Z') });
    const id = /Its id is `([^`]+)`/.exec(((await h.command('schedule "every day 9:00" --tz UTC --plan 10m/20m/20m/10m')) as Ack).text)?.[1] ?? '';
    const skipped = () => h.slack.messages(`D${HOST}`).filter((m) => m.text.includes('did not start'));
    for (let day = 0; day < 3; day++) {
      // Someone started a session by hand, with a plan long enough to still run at 09:00.
      h.clock.set(Date.parse('2030-01-07T08:30:00Z') + day * 24 * HOUR);
      await h.command('start Design a <chat> & app --plan 20m/20m/20m/20m', { user: GUEST });
      h.clock.set(Date.parse('2030-01-07T09:00:00Z') + day * 24 * HOUR);
      expect(await fire()).toBe(0);
      await h.command('end', { user: GUEST });
      await h.tick();
    }
    const told = skipped();
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain(`Your recurring session \`${id}\`, every day at 09:00 (UTC), did not start in <#${CHANNEL}>`);
    expect(told[0]?.text).toContain('*Design a &lt;chat&gt; &amp; app* was still running there');
    expect(allText(told[0] ?? {})).toContain(`\`/mockdesign unschedule ${id}\``);
    // The schedule carries on: a free channel starts its session.
    h.clock.set(Date.parse('2030-01-10T09:00:00Z'));
    expect(await fire()).toBe(1);
  });
});

describe('/mockdesign schedule: zones and words', () => {
  it('refuses a zone abbreviation, suggesting the zone to use, and writes zones as they are spelt', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T09:00:00Z') });
    const est = (await h.command('schedule "every tue 18:00" --tz est')) as Ack;
    expect(est.text).toContain('`est` is an abbreviation');
    expect(est.text).toContain('`America/New_York`');
    expect(h.db.prepare('SELECT count(*) FROM schedules').pluck().get()).toBe(0);
    const berlin = (await h.command('schedule "every mon,thu 18:00" --tz europe/berlin')) as Ack;
    expect(berlin.text).toContain('Scheduled every Monday and Thursday at 18:00 (Europe/Berlin)');
    expect(h.db.prepare('SELECT tz FROM schedules').pluck().all()).toEqual(['Europe/Berlin']);
  });
});
