/**
 * A study group in the sandbox page, on the real clock: two people join an async session, one replies in its thread
 * (counted as their contribution), the other gets one reminder DM in their own daytime before the first deadline,
 * and the host gets the digest at that deadline naming both.
 */
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../sandbox/main.ts';
import { CHROMIUM, expectColourEmoji, saveScreenshot, skipBrowser as skip, typeInComposer, viewAs, withSandboxInBrowser } from '../support/browser-page.ts';

const TOPIC = 'Design a chat app';
const REPLY = 'Fan-out on write for small groups, on read for big channels';
const REMINDER_SCREENSHOT = resolve(PROJECT_ROOT, 'test-artifacts', 'sandbox-study-group-reminder.png');
/** The sandbox's people who may join (alice hosts), in the order they are considered. */
const MEMBERS = ['U0BOB', 'U0CAROL', 'U0DAVE'];
/**
 * Zones for the one case where none of bob, carol and dave is in their daytime (about 02:00–03:30 UTC in summer):
 * the quiet member is given one of these, where it is daytime then, in the stand-in before anyone joins. Spread
 * round the world, less than 10 hours apart, so one of them is always between 09:00 and 18:59.
 */
const DAYTIME_ZONES = ['Asia/Tokyo', 'Asia/Dubai', 'Europe/Berlin', 'America/Sao_Paulo', 'America/Chicago', 'Pacific/Honolulu'];

const title = skip
  ? `runs a study group in the browser (skipped: ${CHROMIUM} not found; install it with apt-get install chromium)`
  : 'runs a study group in the browser: two members Join, a thread reply counts as a contribution, the quiet member gets one reminder DM in their daytime, the host a digest at the deadline';

/** The hour (0–23) on a clock in `tz` at an instant. */
function localHour(at: number, tz: string): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', hour: 'numeric' }).format(new Date(at))) % 24;
}

/** Daytime with room to spare: the app reminds from 09:00 until 20:00, and the reminder comes within the minute. */
function isDaytime(at: number, tz: string): boolean {
  const hour = localHour(at, tz);
  return hour >= 9 && hour <= 18;
}

/**
 * Who stays quiet (must be in daytime now, so their reminder is due within the first minute) and who writes
 * (preferably in daytime too, so that getting no reminder means something), from the people's time zones now.
 */
function pickPeople(now: number, tzOf: (id: string) => string): { quiet: string; writer: string; movedTo?: string } {
  const inDaytime = MEMBERS.filter((id) => isDaytime(now, tzOf(id)));
  const quiet = inDaytime[0];
  if (quiet !== undefined) {
    const writer = inDaytime[1] ?? MEMBERS.find((id) => id !== quiet) ?? 'U0BOB';
    return { quiet, writer };
  }
  // Nobody is: carol stays quiet in a zone where it is daytime (alice, in London, is at night then as well).
  const movedTo = DAYTIME_ZONES.find((tz) => isDaytime(now, tz)) ?? 'Asia/Tokyo';
  return { quiet: 'U0CAROL', writer: 'U0BOB', movedTo };
}

/**
 * The one unread message in the viewer's DM with the app, read as a person does: the app's badge shows 1 (within
 * `timeout`: the app sends it on its own clock), a click on the app opens its Messages tab, and the message with
 * `hasText` is there. The reminder and the digest arrive this way.
 */
async function openAppMessage(page: Page, hasText: string, timeout: number): Promise<{ message: Locator; text: string }> {
  const app = page.locator('[data-app]');
  await app.locator('.unread-badge', { hasText: /^1$/ }).waitFor({ timeout });
  // A click on the app with unread messages opens its Messages tab, where they are.
  await app.click();
  await page.locator('#tabs .tab.active', { hasText: 'Messages' }).waitFor();
  const message = page.locator('#message-list .message', { hasText });
  await message.waitFor();
  return { message, text: await message.innerText() };
}

describe('a study group in the sandbox page', () => {
  it.skipIf(skip)(
    title,
    async () => {
      await withSandboxInBrowser({ tmpDirPrefix: 'mockdesign-e2e-study-' }, async ({ sandbox, output, openPage }) => {
        const { standIn } = sandbox;
        // Who writes and who stays quiet depends on whose daytime it is now (the app reminds between 09:00 and 20:00).
        const user = (id: string) => {
          const found = standIn.workspace.users.get(id);
          if (!found) throw new Error(`the sandbox has no ${id}`);
          return found;
        };
        const { quiet, writer, movedTo } = pickPeople(Date.now(), (id) => user(id).tz);
        if (movedTo) user(quiet).tz = movedTo;
        const quietName = user(quiet).name;
        const writerName = user(writer).name;
        output.push(`[test] quiet: ${quietName} (${user(quiet).tz}), writer: ${writerName} (${user(writer).tz})`);

        const { page, problems } = await openPage();
        await page.locator('[data-channel="C0GENERAL"]').click();
        await expect.poll(() => page.locator('#user-select').inputValue()).toBe('U0ALICE');

        // The host starts a study group whose phases last a minute each: the first deadline comes within the test.
        await typeInComposer(page, `/mockdesign start ${TOPIC} --async --plan 1m/1m/1m/1m`);
        const root = page.locator('#message-list .message', { hasText: `Mock system design: ${TOPIC}` });
        await root.getByRole('button', { name: 'Join' }).waitFor();
        await root.getByText('Members: nobody yet').waitFor();
        const thread = page.locator('#thread-list');

        // Both members join from the session message; each is told, privately, with their own time zone.
        for (const id of [writer, quiet]) {
          await viewAs(page, id);
          await root.getByRole('button', { name: 'Join' }).click();
          const joined = page.locator('.message.ephemeral', { hasText: `You joined ${TOPIC}` });
          await joined.getByText('Only visible to you').waitFor();
          expect(await joined.innerText()).toContain(`(${user(id).tz})`);
        }
        await root.getByText(`Members (2): @${writerName}, @${quietName}`).waitFor({ timeout: 15_000 });
        await root.getByText('0 of 2 contributed').waitFor();

        // The writer replies in the session's thread, through the thread pane's composer: that counts.
        await viewAs(page, writer);
        await root.locator('.replies').click();
        await thread.locator('.block-header', { hasText: 'Phase 1 of 4' }).waitFor();
        expect(await thread.innerText()).toContain('(your time)');
        const reply = page.locator('#thread-input');
        await reply.fill(REPLY);
        await reply.press('Enter');
        await thread.locator('.message', { hasText: REPLY }).waitFor();
        await root.getByText('1 of 2 contributed').waitFor({ timeout: 15_000 });

        // The quiet member: the reminder arrives when a fifth of the phase is left, in their DM with the app.
        await viewAs(page, quiet);
        const { message: reminder, text: reminderText } = await openAppMessage(page, 'you have not added to it yet', 60_000);
        expect(reminderText).toContain(`${TOPIC} in #general: Phase 1 of 4`);
        expect(reminderText).toContain('between 09:00 and 20:00 your time');
        await reminder.getByRole('button', { name: 'Add a note' }).waitFor();
        // A button with a url: a link, to the session's thread.
        await reminder.getByRole('link', { name: 'Open the thread' }).waitFor();
        await reminder.getByRole('button', { name: 'Mute reminders' }).waitFor();
        await page.locator('[data-app]').locator('.unread-badge').waitFor({ state: 'detached' });
        expect(await page.locator('#message-list .message').count()).toBe(1);
        await saveScreenshot(page, REMINDER_SCREENSHOT);
        // The reminder opens with 👋: the screenshot must show it, not an empty box.
        await expectColourEmoji(page, '\u{1F44B}');

        // The host's digest at the first deadline: who contributed and who did not.
        // (Back in #general first: a DM arriving while its Messages tab is open is seen at once, with no badge.)
        await viewAs(page, 'U0ALICE');
        await page.locator('[data-channel="C0GENERAL"]').click();
        await root.waitFor();
        const { text: digestText } = await openAppMessage(page, 'has reached its deadline', 45_000);
        expect(digestText).toContain(`Requirements & scope of ${TOPIC} in #general has reached its deadline.`);
        expect(digestText).toContain(`Contributed (1 of 2): @${writerName}`);
        expect(digestText).toContain(`Did not contribute (1): @${quietName}`);

        // One reminder for the quiet member, none for the writer in the phase they contributed to.
        const dmOf = (id: string) => standIn.allMessages().filter((m) => m.channel === `D${id}` && JSON.stringify(m.blocks ?? []).includes('Phase 1 of 4'));
        expect(dmOf(quiet).map((m) => m.text)).toEqual([expect.stringContaining('you have not added to it yet')]);
        expect(dmOf(writer)).toEqual([]);
        expect(problems).toEqual([]);
      });
    },
    150_000,
  );
});
