/**
 * The sandbox page in headless Chromium, for the browser tests in test/e2e: the sandbox (stand-in and app child
 * process) started and stopped around a test, the browser launched on it, and the few things every such test does
 * to the page (type in the composer, view as someone else, save a screenshot, check the emoji are in colour).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { startSandbox } from '../../sandbox/main.ts';
import type { Sandbox } from '../../sandbox/main.ts';

/** Debian's Chromium (apt-get install chromium): playwright-core brings no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';
/** Headless, and nothing of its own on the network: the page talks to the sandbox on loopback only. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Every page, and so every screenshot, is this size. */
export const VIEWPORT = { width: 1440, height: 900 };

/** Locally a missing browser only skips the browser tests; under CI they must run (and fail loudly if Chromium is absent). */
export const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;

export interface SandboxInBrowser {
  readonly sandbox: Sandbox;
  /** Every line the sandbox and the app wrote: the last of them are added to a failure, and tests may add their own. */
  readonly output: string[];
  /**
   * Launches Chromium (closed when the test ends) and opens the sandbox page, live, in VIEWPORT; `problems` collects
   * its page and console errors, which a test expects to be none.
   */
  openPage(): Promise<{ page: Page; problems: string[] }>;
}

/**
 * Runs `test` against a fresh sandbox, so that every browser test starts, diagnoses and cleans up the same way: on a
 * failure the error carries the app's last lines (what the page cannot show), and whatever happens the browser,
 * the sandbox and its temporary folder go.
 * `tmpDirPrefix`: the app's SQLite file in a new temporary folder of that name; without it the sandbox's default
 * (`:memory:` with `workspaces`).
 */
export async function withSandboxInBrowser(
  options: { tmpDirPrefix?: string; workspaces?: true },
  test: (run: SandboxInBrowser) => Promise<void>,
): Promise<void> {
  const dir = options.tmpDirPrefix === undefined ? undefined : mkdtempSync(join(tmpdir(), options.tmpDirPrefix));
  const output: string[] = [];
  const sandbox = await startSandbox({
    port: 0,
    ...(options.workspaces ? { workspaces: true } : {}),
    ...(dir === undefined ? {} : { databaseUrl: join(dir, 'sandbox.db') }),
    log: (line) => output.push(line),
  });
  let browser: Browser | undefined;
  const openPage = async (): Promise<{ page: Page; problems: string[] }> => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage({ viewport: VIEWPORT });
    const problems = watchProblems(page);
    await page.goto(sandbox.url);
    await page.locator('.live.on').waitFor();
    return { page, problems };
  };
  try {
    await test({ sandbox, output, openPage });
  } catch (error) {
    throw withLastAppLines(error, output);
  } finally {
    await browser?.close();
    await sandbox.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** A failure with the app's last 15 lines under it: a step that times out in the page often has its cause there. */
function withLastAppLines(error: unknown, output: readonly string[]): Error {
  return new Error(`${error instanceof Error ? error.message : String(error)}\n--- last app lines ---\n${output.slice(-15).join('\n')}`, { cause: error });
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

/** Types in the channel's composer and sends with Enter, as a person does (a message, or a slash command). */
export async function typeInComposer(page: Page, text: string): Promise<void> {
  const composer = page.locator('#composer-input');
  await composer.fill(text);
  await composer.press('Enter');
}

/**
 * "Viewing as" another person, waiting until the page shows their own view: any modal of the previous person is
 * gone, and an open thread stays open when they can see its channel (drawn for them) or closes when they cannot.
 * Callers assert which of the two they expect.
 */
export async function viewAs(page: Page, userId: string): Promise<void> {
  await page.locator('#user-select').selectOption(userId);
  await expect.poll(() => page.locator('#user-select').inputValue()).toBe(userId);
  // The sidebar is drawn for the new person only after their workspace loads: until then it shows the last one's channels.
  await page.locator(`#sidebar[data-viewer="${userId}"]`).waitFor({ state: 'attached' });
  await page.locator('#modal-root').waitFor({ state: 'hidden' });
  if (await page.locator('#thread-pane').isVisible()) await page.locator(`#thread-list[data-key^="${userId}:"]`).waitFor({ state: 'attached' });
}

/**
 * Starts recording whether `text` is ever on the page while `userId` is the one viewing, checked after every change
 * to the page (before the browser can paint it); `seenWhileViewing` reads the record. Catches what would only flash.
 */
export async function watchForTextWhileViewing(page: Page, userId: string, text: string): Promise<void> {
  // Run in the page (this file is compiled without the DOM's types, hence the source text).
  await page.evaluate(`(() => {
    window.__seenWhileViewing = false;
    const check = () => {
      if (document.getElementById('user-select').value === ${JSON.stringify(userId)} && document.body.innerText.includes(${JSON.stringify(text)})) {
        window.__seenWhileViewing = true;
      }
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
}

export async function seenWhileViewing(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('window.__seenWhileViewing === true');
}

/**
 * A screenshot of the page at rest into `path` (under test-artifacts, kept for people to look at): the pointer moved
 * out of the way first, so no hover toolbar shows, and the PNG checked to be the whole viewport.
 */
export async function saveScreenshot(page: Page, path: string): Promise<void> {
  await page.mouse.move(0, 0);
  mkdirSync(resolve(path, '..'), { recursive: true });
  await page.screenshot({ path });
  expectScreenshot(path);
}

/** A PNG of the whole viewport was written: its signature and, from the IHDR chunk, its size. */
function expectScreenshot(path: string): void {
  const png = readFileSync(path);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([VIEWPORT.width, VIEWPORT.height]);
}

/**
 * The app's messages carry emoji, and the screenshots must show them in colour, not as empty boxes: fails when the
 * page's own font stack draws `emoji` with no strongly coloured pixels (the machine has no colour emoji font).
 */
export async function expectColourEmoji(page: Page, emoji: string): Promise<void> {
  expect(await colourEmojiPixels(page, emoji), 'emoji are drawn in colour (Debian: apt-get install fonts-noto-color-emoji)').toBeGreaterThan(50);
}

/** How many strongly coloured pixels the page's own font stack draws for `emoji`. */
async function colourEmojiPixels(page: Page, emoji: string): Promise<number> {
  // Run in the page (this file is compiled without the DOM's types, hence the source text).
  return page.evaluate<number>(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 40;
    canvas.height = 40;
    const ctx = canvas.getContext('2d');
    ctx.font = '28px ' + getComputedStyle(document.body).fontFamily;
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#000';
    ctx.fillText(${JSON.stringify(emoji)}, 2, 2);
    const data = ctx.getImageData(0, 0, 40, 40).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i], g = data[i + 1], b = data[i + 2];
      if (data[i + 3] > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    return coloured;
  })()`);
}
