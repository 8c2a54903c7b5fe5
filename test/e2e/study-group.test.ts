/**
 * A study group in the sandbox page, on the real clock: two people join an async session, one replies in its thread
 * (counted as their contribution), the other gets one reminder DM in their own daytime before the first deadline,
 * and the host gets the digest at that deadline naming both.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, startSandbox } from '../../sandbox/main.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1440, height: 900 };
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

const hasChromium = existsSync(CHROMIUM);
// Locally a missing browser only skips this test; under CI it must run (and fail loudly if Chromium is absent).
const skip = !hasChromium && !process.env.CI;
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

async function typeInComposer(page: Page, text: string): Promise<void> {
  const composer = page.locator('#composer-input');
  await composer.fill(text);
  await composer.press('Enter');
}

/** Page errors and console errors, which the page must not have. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return problems;
}

/** "Viewing as" another person: the thread pane and any modal of the previous person close. */
async function viewAs(page: Page, userId: string): Promise<void> {
  await page.locator('#user-select').selectOption(userId);
  await expect.poll(() => page.locator('#user-select').inputValue()).toBe(userId);
  // The sidebar is drawn for the new person only after their workspace loads: until then it shows the last one's channels.
  await page.locator(`#sidebar[data-viewer="${userId}"]`).waitFor({ state: 'attached' });
  await page.locator('#thread-pane').waitFor({ state: 'hidden' });
}

/** A PNG of the whole viewport was written: its signature and, from the IHDR chunk, its size. */
function expectScreenshot(path: string): void {
  const png = readFileSync(path);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([VIEWPORT.width, VIEWPORT.height]);
}

/**
 * How many strongly coloured pixels the page's own font stack draws for an emoji: none when the machine has no
 * colour emoji font and the emoji come out as empty boxes, as they would in the screenshot.
 */
async function colourEmojiPixels(page: Page): Promise<number> {
  // Run in the page (this file is compiled without the DOM's types, hence the source text).
  return page.evaluate<number>(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 40;
    canvas.height = 40;
    const ctx = canvas.getContext('2d');
    ctx.font = '28px ' + getComputedStyle(document.body).fontFamily;
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#000';
    ctx.fillText('\\u{1F44B}', 2, 2);
    const data = ctx.getImageData(0, 0, 40, 40).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i], g = data[i + 1], b = data[i + 2];
      if (data[i + 3] > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    return coloured;
  })()`);
}

describe('a study group in the sandbox page', () => {
  it.skipIf(skip)(
    title,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mockdesign-e2e-study-'));
      const output: string[] = [];
      const sandbox = await startSandbox({ port: 0, databaseUrl: join(dir, 'sandbox.db'), log: (line) => output.push(line) });
      const { standIn } = sandbox;
      let browser: Browser | undefined;
      try {
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

        browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
        const page = await browser.newPage({ viewport: VIEWPORT });
        const problems = watchProblems(page);
        await page.goto(sandbox.url);
        await page.locator('.live.on').waitFor();
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
        const app = page.locator('[data-app]');
        await app.locator('.unread-badge', { hasText: /^1$/ }).waitFor({ timeout: 60_000 });
        // A click on the app with unread messages opens its Messages tab, where they are.
        await app.click();
        await page.locator('#tabs .tab.active', { hasText: 'Messages' }).waitFor();
        const reminder = page.locator('#message-list .message', { hasText: 'you have not added to it yet' });
        await reminder.waitFor();
        const reminderText = await reminder.innerText();
        expect(reminderText).toContain(`${TOPIC} in #general: Phase 1 of 4`);
        expect(reminderText).toContain('between 09:00 and 20:00 your time');
        await reminder.getByRole('button', { name: 'Add a note' }).waitFor();
        // A button with a url: a link, to the session's thread.
        await reminder.getByRole('link', { name: 'Open the thread' }).waitFor();
        await reminder.getByRole('button', { name: 'Mute reminders' }).waitFor();
        await app.locator('.unread-badge').waitFor({ state: 'detached' });
        expect(await page.locator('#message-list .message').count()).toBe(1);
        await page.mouse.move(0, 0);
        mkdirSync(resolve(REMINDER_SCREENSHOT, '..'), { recursive: true });
        await page.screenshot({ path: REMINDER_SCREENSHOT });
        expectScreenshot(REMINDER_SCREENSHOT);
        // The reminder opens with 👋: the screenshot must show it, not an empty box.
        expect(await colourEmojiPixels(page), 'emoji are drawn in colour (Debian: apt-get install fonts-noto-color-emoji)').toBeGreaterThan(50);

        // The host's digest at the first deadline: who contributed and who did not.
        // (Back in #general first: a DM arriving while its Messages tab is open is seen at once, with no badge.)
        await viewAs(page, 'U0ALICE');
        await page.locator('[data-channel="C0GENERAL"]').click();
        await root.waitFor();
        await app.locator('.unread-badge', { hasText: /^1$/ }).waitFor({ timeout: 45_000 });
        await app.click();
        await page.locator('#tabs .tab.active', { hasText: 'Messages' }).waitFor();
        const digest = page.locator('#message-list .message', { hasText: 'has reached its deadline' });
        await digest.waitFor();
        const digestText = await digest.innerText();
        expect(digestText).toContain(`Requirements & scope of ${TOPIC} in #general has reached its deadline.`);
        expect(digestText).toContain(`Contributed (1 of 2): @${writerName}`);
        expect(digestText).toContain(`Not yet (1): @${quietName}`);

        // One reminder for the quiet member, none for the writer in the phase they contributed to.
        const dmOf = (id: string) => standIn.allMessages().filter((m) => m.channel === `D${id}` && JSON.stringify(m.blocks ?? []).includes('Phase 1 of 4'));
        expect(dmOf(quiet).map((m) => m.text)).toEqual([expect.stringContaining('you have not added to it yet')]);
        expect(dmOf(writer)).toEqual([]);
        expect(problems).toEqual([]);
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- last app lines ---\n${output.slice(-15).join('\n')}`, { cause: error });
      } finally {
        await browser?.close();
        await sandbox.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    150_000,
  );
});
