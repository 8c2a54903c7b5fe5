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
const SCREENSHOT = resolve(PROJECT_ROOT, 'test-artifacts', 'sandbox.png');

const hasChromium = existsSync(CHROMIUM);
// Locally a missing browser only skips this test; under CI it must run (and fail loudly if Chromium is absent).
const skip = !hasChromium && !process.env.CI;
const title = skip
  ? `runs a session in the browser (skipped: ${CHROMIUM} not found; install it with apt-get install chromium)`
  : 'runs a session in the browser: command, confirm dialog, note modal with inline error, every phase and the summary in the thread';

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
        await typeInComposer(page, '/mockdesign start Design a URL shortener --plan 3s/3s/3s/3s');

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
        await root.getByRole('button', { name: 'Add note' }).waitFor({ state: 'detached' });

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
