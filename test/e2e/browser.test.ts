/** The sandbox page in headless Chromium: a person runs a whole mock interview through the UI, as they would in Slack. */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, startSandbox } from '../../sandbox/main.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const NOTE = 'Reads outnumber writes 100:1 <so> cache the redirect lookups & use 301s';
/** Typed in the channel, then saved with the "Save as note" message shortcut: it must come back exactly as typed. */
const SAID = 'Shard by short code & keep hot codes <in memory>';
const SCREENSHOT = resolve(PROJECT_ROOT, 'test-artifacts', 'sandbox.png');

const hasChromium = existsSync(CHROMIUM);
// Locally a missing browser only skips this test; under CI it must run (and fail loudly if Chromium is absent).
const skip = !hasChromium && !process.env.CI;
const title = skip
  ? `runs a session in the browser (skipped: ${CHROMIUM} not found; install it with apt-get install chromium)`
  : 'runs a session in the browser: command, confirm dialog, note modal with inline error, Save as note from a message\u2019s menu, every phase and the summary in the thread';

async function typeInComposer(page: Page, text: string): Promise<void> {
  const composer = page.locator('#composer-input');
  await composer.fill(text);
  await composer.press('Enter');
}

describe('the sandbox page in Chromium', () => {
  it.skipIf(skip)(
    title,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mockdesign-e2e-'));
      const output: string[] = [];
      const sandbox = await startSandbox({ port: 0, databaseUrl: join(dir, 'sandbox.db'), log: (line) => output.push(line) });
      let browser: Browser | undefined;
      const problems: string[] = [];
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
        });
        await page.goto(sandbox.url);

        await page.locator('.live.on').waitFor();
        await page.locator('[data-channel="C0GENERAL"]').click();
        await expect.poll(() => page.locator('#user-select').inputValue()).toBe('U0ALICE');
        // Long enough for the steps below to happen while phase 1 or 2 runs.
        await typeInComposer(page, '/mockdesign start Design a URL shortener --plan 4s/4s/4s/4s');

        // The ack is an ephemeral only alice sees; the root message follows with its buttons.
        await page.locator('.message.ephemeral', { hasText: 'Starting Design a URL shortener' }).getByText('Only visible to you').waitFor();
        const root = page.locator('#message-list .message', { hasText: 'Mock system design: Design a URL shortener' });
        await root.getByRole('button', { name: 'Add note' }).waitFor();
        expect(await root.locator('.mention-self').first().innerText()).toBe('@alice');

        // End session asks first; "Keep going" leaves the session running.
        await root.getByRole('button', { name: 'End session' }).click();
        const confirm = page.getByRole('alertdialog', { name: 'End the session?' });
        await confirm.waitFor();
        await confirm.getByRole('button', { name: 'Keep going' }).click();
        await confirm.waitFor({ state: 'detached' });

        await root.getByRole('button', { name: 'Add note' }).click();
        const modal = page.getByRole('dialog', { name: 'Add a note' });
        await modal.waitFor();
        expect(await modal.locator('select').first().inputValue()).toMatch(/^[0-3]$/);
        await modal.getByRole('button', { name: 'Save' }).click();
        await modal.getByText('Please complete this required field.').waitFor();
        await modal.locator('textarea').fill(NOTE);
        await modal.getByRole('button', { name: 'Save' }).click();
        await modal.waitFor({ state: 'detached' });
        await page.locator('.message.ephemeral', { hasText: 'Note saved under' }).waitFor();

        // "Save as note" from the message's "More actions" menu: the modal opens with the message's text in it.
        await typeInComposer(page, SAID);
        const said = page.locator('#message-list .message', { hasText: SAID });
        await said.hover();
        await said.getByRole('button', { name: 'More actions' }).click();
        const menu = page.getByRole('menu', { name: 'More actions' });
        await menu.getByRole('menuitem', { name: /Save as note/ }).click();
        await menu.waitFor({ state: 'detached' });
        const fromMessage = page.getByRole('dialog', { name: 'Add a note' });
        await fromMessage.waitFor();
        expect(await fromMessage.locator('textarea').inputValue()).toBe(SAID);
        await fromMessage.getByRole('button', { name: 'Save' }).click();
        await fromMessage.waitFor({ state: 'detached' });
        await expect.poll(() => page.locator('.message.ephemeral', { hasText: 'Note saved under' }).count()).toBe(2);

        await root.locator('.replies').click();
        const thread = page.locator('#thread-list');
        await thread.locator('.block-header', { hasText: /^Summary$/ }).waitFor({ timeout: 25_000 });
        const headers = await thread.locator('.block-header').allInnerTexts();
        // The pane opens with the parent message, then the replies.
        expect(headers).toEqual([
          'Mock system design: Design a URL shortener',
          'Phase 1 of 4 · Requirements & scope',
          'Phase 2 of 4 · High-level design',
          'Phase 3 of 4 · Deep dive',
          'Phase 4 of 4 · Wrap-up',
          'Summary',
        ]);
        const summary = thread.locator('.message').filter({ has: page.locator('.block-header', { hasText: /^Summary$/ }) });
        expect(await summary.innerText()).toContain(NOTE);
        expect(await summary.innerText()).toContain(SAID);
        await root.getByRole('button', { name: 'Add note' }).waitFor({ state: 'detached' });

        // Replies in the thread pane have the menu too; Escape closes it without sending anything.
        await summary.hover();
        await summary.getByRole('button', { name: 'More actions' }).click();
        await page.getByRole('menu', { name: 'More actions' }).getByRole('menuitem', { name: /Save as note/ }).waitFor();
        await page.keyboard.press('Escape');
        await page.getByRole('menu').waitFor({ state: 'detached' });
        expect(await page.getByRole('dialog').count()).toBe(0);
        // The screenshot shows the page at rest, not the hover toolbar.
        await page.mouse.move(0, 0);

        mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });
        expect(problems).toEqual([]);
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- last app lines ---\n${output.slice(-15).join('\n')}`, { cause: error });
      } finally {
        await browser?.close();
        await sandbox.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
