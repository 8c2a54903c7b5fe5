/** App Home's "Coming up": a person's recurring sessions, through the real Bolt router and the stand-in's views.publish. */
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/slack/limits.ts';
import { HOME_LIMITS } from '../../src/slack/views/home.ts';
import { checkView } from '../../sandbox/stand-in/block-kit-limits.ts';
import { fixedClock } from '../support/fixed-clock.ts';
import { allText, CHANNEL, createHarness, GUEST, type Harness, HOST } from '../support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

type Ack = { text: string };

async function openHome(user: string): Promise<string> {
  await h.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: String(h.clock.now() / 1000) });
  const view = h.slack.homeView(user);
  expect(checkView(view, 'home')).toBeUndefined();
  expect((view?.blocks as unknown[]).length).toBeLessThanOrEqual(LIMITS.modalBlocks);
  return allText(view ?? {});
}

async function schedule(text: string, channel: string): Promise<string> {
  const ack = (await h.command(`schedule ${text} --tz UTC`, { channel })) as Ack;
  const id = /Its id is `([^`]+)`/.exec(ack.text)?.[1];
  if (!id) throw new Error(ack.text);
  return id;
}

describe('App Home: Coming up', () => {
  it('shows the soonest schedules with their ids, and says how many more there are and where they are listed', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T06:00:00Z') });
    const general: string[] = [];
    for (let hour = 8; hour < 14; hour++) general.push(await schedule(`"every day ${hour}:00"`, CHANNEL));
    const prep = [await schedule('"every day 7:00"', 'C0PREP'), await schedule('"every day 20:00"', 'C0PREP'), await schedule('"every day 21:00"', 'C0LATE')];
    // Someone else's is not theirs to see.
    await h.command('schedule "every day 22:00" --tz UTC', { user: GUEST });

    const home = await openHome(HOST);
    // The five soonest: 07:00 in #prep, then 08:00 to 11:00 here, each with its id.
    const shown = [prep[0], ...general.slice(0, 4)];
    expect(shown).toHaveLength(HOME_LIMITS.upcoming);
    for (const id of shown) expect(home).toContain(`🔁 \`${id}\` every day at`);
    for (const id of [...general.slice(4), prep[1], prep[2]]) expect(home).not.toContain(`\`${id}\``);
    expect(home).not.toContain('22:00');
    expect(home).toContain(`…and 4 more: \`/mockdesign schedules\` in <#C0PREP>, <#${CHANNEL}> or <#C0LATE> lists them.`);
    expect(home).toContain('Remove one with `/mockdesign unschedule &lt;id&gt;` in its channel.');
  });

  it('says no more when every schedule is shown', async () => {
    h = await createHarness({ clock: fixedClock('2030-01-07T06:00:00Z') });
    const id = await schedule('"every tue 18:00"', CHANNEL);
    const home = await openHome(HOST);
    expect(home).toContain(`🔁 \`${id}\` every Tuesday at 18:00 (UTC) in <#${CHANNEL}>`);
    expect(home).not.toContain('more:');
    expect(home).toContain('Remove one with `/mockdesign unschedule &lt;id&gt;` in its channel.');
  });
});
