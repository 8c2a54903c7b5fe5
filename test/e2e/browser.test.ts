/**
 * The sandbox page in headless Chromium: a person runs a whole mock interview through the UI, as they would in Slack;
 * and, with two workspaces, installs the app in each through the real OAuth pages, runs a session in each, and
 * uninstalls one.
 */
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACME, GLOBEX, PROJECT_ROOT } from '../../sandbox/main.ts';
import type { Sandbox } from '../../sandbox/main.ts';
import {
  CHROMIUM,
  expectColourEmoji,
  saveScreenshot,
  seenWhileViewing,
  skipBrowser as skip,
  typeInComposer,
  viewAs,
  watchForTextWhileViewing,
  withSandboxInBrowser,
} from '../support/browser-page.ts';

const NOTE = 'Reads outnumber writes 100:1 <so> cache the redirect lookups & use 301s';
/** Typed in the channel, then saved with the "Save as note" message shortcut: it must come back exactly as typed. */
const SAID = 'Shard by short code & keep hot codes <in memory>';
/** Pasted into the note, one character over its max_length: refused whole, never cut to fit nor saved. */
const PASTE = `Pasted too much: ${'a design doc '.repeat(250)}`.slice(0, 3001);
const SCREENSHOT = resolve(PROJECT_ROOT, 'test-artifacts', 'sandbox.png');
const WORKSPACES_SCREENSHOT = resolve(PROJECT_ROOT, 'test-artifacts', 'sandbox-workspaces.png');
const LIVE_FORM_SCREENSHOT = resolve(PROJECT_ROOT, 'test-artifacts', 'sandbox-live-start-form.png');
const LIVE_SCORECARD_SCREENSHOT = resolve(PROJECT_ROOT, 'test-artifacts', 'sandbox-live-scorecard.png');
const LIVE_SCREENSHOT = resolve(PROJECT_ROOT, 'test-artifacts', 'sandbox-live.png');
/** Kept by the interviewer for the interviewers only: never in the thread nor the summary the candidate reads. */
const PRIVATE_NOTE = 'Candidate skipped the estimates & never sized storage <ask again>';

const title = skip
  ? `runs a session in the browser (skipped: ${CHROMIUM} not found; install it with apt-get install chromium)`
  : 'runs a session in the browser: command, confirm dialog, note modal with inline error, Save as note from a message\u2019s menu, every phase and the summary in the thread';

/**
 * Add to Slack as a person does it: the link opens the app's install page in a new tab, its Add to Slack button leads to
 * Slack's authorize page (the stand-in's), Allow for the workspace, and the app's own page says it is installed.
 */
async function installThroughPages(page: Page, sandbox: Sandbox, addToSlack: Locator, teamName: string): Promise<void> {
  const [tab] = await Promise.all([page.context().waitForEvent('page'), addToSlack.click()]);
  await tab.waitForURL(sandbox.installUrl ?? '');
  await tab.getByRole('heading', { name: 'Add mockdesign to Slack' }).waitFor();
  await tab.locator('#add-to-slack').click();
  await tab.waitForURL(`${sandbox.standIn.authorizeUrl}?**`);
  await tab.locator('.choice', { hasText: `the ${teamName} workspace` }).getByRole('link', { name: 'Allow' }).click();
  await tab.getByRole('heading', { name: `mockdesign is installed in ${teamName}` }).waitFor();
  expect(new URL(tab.url()).pathname).toBe('/slack/oauth_redirect');
  await tab.close();
}

describe('the sandbox page in Chromium', () => {
  it.skipIf(skip)(
    title,
    async () => {
      await withSandboxInBrowser({ tmpDirPrefix: 'mockdesign-e2e-' }, async ({ openPage }) => {
        const { page, problems } = await openPage();
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
        // A paste longer than the note's max_length (3000) is taken whole, then refused under the input on Save: it
        // is not cut to fit, it does not reach the app, and it stays in the field to be shortened.
        const note = modal.locator('textarea');
        await note.focus();
        await page.keyboard.insertText(PASTE);
        expect(await note.inputValue()).toBe(PASTE);
        await modal.getByRole('button', { name: 'Save' }).click();
        await modal.getByText('Must be 3000 characters or fewer.').waitFor();
        await expect.poll(() => modal.getByText('Please complete this required field.').count()).toBe(0);
        expect(await note.inputValue()).toBe(PASTE);
        expect(await page.locator('.message.ephemeral', { hasText: 'Note saved under' }).count()).toBe(0);
        await note.fill(NOTE);
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
        expect(await summary.innerText()).not.toContain('Pasted too much');
        await root.getByRole('button', { name: 'Add note' }).waitFor({ state: 'detached' });

        // Replies in the thread pane have the menu too; Escape closes it without sending anything.
        await summary.hover();
        await summary.getByRole('button', { name: 'More actions' }).click();
        await page.getByRole('menu', { name: 'More actions' }).getByRole('menuitem', { name: /Save as note/ }).waitFor();
        await page.keyboard.press('Escape');
        await page.getByRole('menu').waitFor({ state: 'detached' });
        expect(await page.getByRole('dialog').count()).toBe(0);
        // The screenshot shows the page at rest, not the hover toolbar.
        await saveScreenshot(page, SCREENSHOT);
        // The app's messages carry emoji (✅ phases, 📝 notes); the screenshot must show them, not empty boxes.
        await expectColourEmoji(page, '\u{1F4DD}');
        expect(problems).toEqual([]);
      });
    },
    60_000,
  );

  it.skipIf(skip)(
    skip
      ? `runs a live interview in the browser (skipped: ${CHROMIUM} not found)`
      : 'runs a live interview: the start form\u2019s pickers, the private nudge in the thread for the interviewer only, a note for the interviewers via radio buttons, a scorecard with checkboxes and radio buttons, a self-assessment, and the summary without the private note',
    async () => {
      await withSandboxInBrowser({ tmpDirPrefix: 'mockdesign-e2e-live-' }, async ({ sandbox, openPage }) => {
        const { standIn } = sandbox;
        // dave is not in #general: an interviewer outside the channel gets the nudges as DMs from the app.
        standIn.workspace.channels.get('C0GENERAL')?.members.delete('U0DAVE');
        const { page, problems } = await openPage();
        await page.locator('[data-channel="C0GENERAL"]').click();
        await expect.poll(() => page.locator('#user-select').inputValue()).toBe('U0ALICE');

        // The host: `/mockdesign start` alone opens the start form.
        await typeInComposer(page, '/mockdesign start');
        const form = page.getByRole('dialog', { name: 'Start a mock interview' });
        await form.waitFor();
        expect(await form.locator('.unsupported').count()).toBe(0);
        await form.getByText('Each comes with a brief, the scale to assume, and probes for the interviewers.').waitFor();
        // The prompt bank: "any prompt" and 27 prompts in one menu.
        const prompt = form.getByLabel('Or a prompt from the bank');
        expect(await prompt.locator('option').count()).toBe(29);
        await prompt.selectOption({ label: 'URL shortener' });
        // The people pickers list the workspace's people, not the bot.
        const candidate = form.getByRole('combobox', { name: 'Candidate' });
        expect(await candidate.locator('option').allInnerTexts()).toEqual(['Who is interviewed', 'alice', 'bob', 'carol', 'dave']);
        await candidate.selectOption({ label: 'carol' });
        const interviewers = form.locator('[data-element="multi_users_select"][data-block-id="start_interviewers"]');
        const addInterviewer = form.getByRole('combobox', { name: 'Interviewers' });
        for (const name of ['dave', 'carol', 'bob']) {
          await addInterviewer.selectOption({ label: name });
          await interviewers.locator('.chip', { hasText: name }).waitFor();
        }
        // Picked people leave the menu; removing one puts them back.
        expect(await addInterviewer.locator('option').allInnerTexts()).toEqual(['Select people', 'alice']);
        await interviewers.getByRole('button', { name: 'Remove carol' }).click();
        await interviewers.locator('.chip', { hasText: 'carol' }).waitFor({ state: 'detached' });
        expect(await interviewers.locator('.chip-name').allInnerTexts()).toEqual(['dave', 'bob']);
        expect(await addInterviewer.locator('option').allInnerTexts()).toEqual(['Select people', 'alice', 'carol']);
        await form.getByLabel('Level').selectOption({ label: 'Senior' });
        // The plan keeps its initial option, the method's 45 minutes: the session is ended by hand below.
        expect(await form.getByLabel('Plan', { exact: true }).inputValue()).toBe('standard');
        await saveScreenshot(page, LIVE_FORM_SCREENSHOT);
        await form.getByRole('button', { name: 'Start' }).click();
        await form.waitFor({ state: 'detached' });

        const root = page.locator('#message-list .message', { hasText: 'Mock system design: URL shortener' });
        await root.getByRole('button', { name: 'Score' }).waitFor();
        const intro = await root.locator('.block-section').first().innerText();
        expect(intro).toContain('Host @alice');
        expect(intro).toContain('Candidate @carol');
        expect(intro).toContain('Interviewers @dave, @bob');
        expect(intro).toContain('Level: Senior');

        // The interviewer sees the private nudge in the thread, marked as only for them.
        await viewAs(page, 'U0BOB');
        await root.locator('.replies').click();
        const thread = page.locator('#thread-list');
        const nudge = thread.locator('.message.ephemeral', { hasText: 'For interviewers' });
        await nudge.getByText('Only visible to you').waitFor({ timeout: 15_000 });
        expect(await nudge.innerText()).toContain('Requirements & scope');
        // Not in the channel itself.
        expect(await page.locator('#message-list .message.ephemeral', { hasText: 'For interviewers' }).count()).toBe(0);

        // The candidate, with bob's thread open: it stays open, drawn for her, without the nudge, which never shows
        // while she is the one viewing, not even for the moment before her own view arrives.
        await watchForTextWhileViewing(page, 'U0CAROL', 'For interviewers');
        await viewAs(page, 'U0CAROL');
        expect(await page.locator('#thread-pane').isVisible()).toBe(true);
        await thread.locator('.block-header', { hasText: 'Phase 1 of 4' }).waitFor();
        expect(await thread.locator('.message.ephemeral').count()).toBe(0);
        expect(await page.locator('.message', { hasText: 'For interviewers' }).count()).toBe(0);
        expect(await seenWhileViewing(page)).toBe(false);

        // dave, outside the channel, gets it in his DM with the app: the sidebar says so, the Messages tab shows it.
        // He cannot see #general, so the thread open there closes.
        await viewAs(page, 'U0DAVE');
        await page.locator('#thread-pane').waitFor({ state: 'hidden' });
        expect(await page.locator('[data-channel="C0GENERAL"]').count()).toBe(0);
        const app = page.locator('[data-app]');
        await app.locator('.unread-badge', { hasText: /^1$/ }).waitFor({ timeout: 15_000 });
        await app.click();
        await page.getByRole('tab', { name: 'Messages' }).waitFor();
        const dm = page.locator('#message-list .message', { hasText: 'For interviewers' });
        await dm.waitFor();
        expect(await dm.innerText()).toContain('Requirements & scope');
        expect(await dm.getAttribute('data-ephemeral')).toBeNull();
        await app.locator('.unread-badge').waitFor({ state: 'detached' });

        // The interviewer keeps a note for the interviewers only, with the note form's radio buttons.
        await viewAs(page, 'U0BOB');
        await page.locator('[data-channel="C0GENERAL"]').click();
        await root.getByRole('button', { name: 'Add note' }).click();
        const noteForm = page.getByRole('dialog', { name: 'Add a note' });
        await noteForm.waitFor();
        const visibility = noteForm.getByRole('radiogroup', { name: 'Visible to' });
        expect(await visibility.getByRole('radio', { name: /^Everyone/ }).isChecked()).toBe(true);
        await visibility.getByRole('radio', { name: /^Interviewers only/ }).check();
        await noteForm.locator('textarea').fill(PRIVATE_NOTE);
        await noteForm.getByRole('button', { name: 'Save' }).click();
        await noteForm.waitFor({ state: 'detached' });
        await page.locator('.message.ephemeral', { hasText: 'for the interviewers only' }).waitFor();

        // The interviewer's scorecard: scores, a red flag (checkbox) and a recommendation (radio buttons).
        await root.getByRole('button', { name: 'Score' }).click();
        const card = page.getByRole('dialog', { name: 'Scorecard' });
        await card.waitFor();
        expect(await card.locator('.unsupported').count()).toBe(0);
        await card.locator('#input-score_requirements_block').selectOption('2');
        await card.locator('#input-score_estimation_block').selectOption('1');
        await card.locator('#input-score_high_level_block').selectOption('3');
        await card.getByRole('checkbox', { name: 'No numbers' }).check();
        await card.getByRole('radio', { name: /^Almost there/ }).check();
        await card.getByLabel('Top strengths').fill('Clear API and data model');
        await card.getByRole('radio', { name: /^Almost there/ }).scrollIntoViewIfNeeded();
        await saveScreenshot(page, LIVE_SCORECARD_SCREENSHOT);
        await card.getByRole('button', { name: 'Submit' }).click();
        await card.waitFor({ state: 'detached' });
        await page.locator('.message.ephemeral', { hasText: 'Your scorecard for' }).waitFor();

        // The candidate's self-assessment: the same rubric, no red flags or recommendation.
        await viewAs(page, 'U0CAROL');
        await root.getByRole('button', { name: 'Score' }).click();
        const self = page.getByRole('dialog', { name: 'Self-assessment' });
        await self.waitFor();
        expect(await self.getByRole('checkbox').count()).toBe(0);
        expect(await self.getByRole('radio').count()).toBe(0);
        await self.locator('#input-score_requirements_block').selectOption('3');
        await self.locator('#input-score_estimation_block').selectOption('2');
        await self.getByRole('button', { name: 'Submit' }).click();
        await self.waitFor({ state: 'detached' });
        await page.locator('.message.ephemeral', { hasText: 'Your self-assessment for' }).waitFor();

        // The host ends the session.
        await viewAs(page, 'U0ALICE');
        await root.getByRole('button', { name: 'End session' }).click();
        const confirm = page.getByRole('alertdialog', { name: 'End the session?' });
        await confirm.getByRole('button', { name: 'End it' }).click();
        await root.getByRole('button', { name: 'Score' }).waitFor({ state: 'detached' });

        // The candidate reads the summary: the scorecard is there, the private note is not.
        await viewAs(page, 'U0CAROL');
        await root.locator('.replies').click();
        const summary = thread.locator('.message').filter({ has: page.locator('.block-header', { hasText: /^Summary$/ }) });
        await summary.waitFor({ timeout: 15_000 });
        const summaryText = await summary.innerText();
        expect(summaryText).toContain('Scorecard');
        expect(summaryText).toContain('self-assessment by @carol');
        expect(summaryText).toContain('No numbers \u00d71');
        expect(summaryText).toContain('Almost there 1');
        expect(summaryText).not.toContain('Candidate skipped the estimates');
        expect(await thread.innerText()).not.toContain('Candidate skipped the estimates');
        expect(await thread.locator('.message.ephemeral').count()).toBe(0);
        await saveScreenshot(page, LIVE_SCREENSHOT);

        // The interviewer, with the candidate's thread still open: it stays open, and now holds what only he gets.
        await viewAs(page, 'U0BOB');
        expect(await page.locator('#thread-pane').isVisible()).toBe(true);
        const kept = thread.locator('.message.ephemeral', { hasText: 'the notes you kept for yourselves' });
        await kept.getByText('Only visible to you').waitFor();
        expect(await kept.innerText()).toContain(PRIVATE_NOTE);
        // Nothing the candidate was sent, in the thread or anywhere, holds the private note.
        const rootTs = standIn.messages('C0GENERAL').find((m) => m.text.includes('URL shortener') && m.bot_id)?.ts;
        expect(standIn.ephemerals().find((e) => e.user === 'U0BOB' && e.text.includes('1 private note from'))?.thread_ts).toBe(rootTs);
        const toCarol = [
          ...standIn.ephemerals().filter((e) => e.user === 'U0CAROL'),
          ...standIn.allMessages().filter((m) => m.channel === 'C0GENERAL' || m.channel === 'DU0CAROL'),
        ];
        expect(toCarol.filter((m) => JSON.stringify(m).includes('Candidate skipped'))).toEqual([]);
        expect(problems).toEqual([]);
      });
    },
    120_000,
  );

  it.skipIf(skip)(
    skip
      ? `installs in two workspaces through the browser (skipped: ${CHROMIUM} not found)`
      : 'with two workspaces: the install link from an uninstalled workspace, Add to Slack through the app\u2019s and Slack\u2019s pages for Acme then Globex, a session in each posted by its own installation, and uninstalling Globex ends its session while Acme\u2019s carries on',
    async () => {
      await withSandboxInBrowser({ workspaces: true }, async ({ sandbox, output, openPage }) => {
        const { standIn } = sandbox;
        const { page, problems } = await openPage();

        // Acme first, as alice; neither workspace has the app yet.
        const rail = page.getByRole('navigation', { name: 'Workspaces' });
        await rail.locator(`[data-team="${ACME.teamId}"][aria-current="true"]`).waitFor();
        expect(await rail.locator('.team-button-name').allInnerTexts()).toEqual(['Acme', 'Globex']);
        await expect.poll(() => page.locator('#user-select').inputValue()).toBe('U0ALICE');
        const banner = page.locator('#install-banner');
        await banner.getByText('mockdesign is not installed in Acme.').waitFor();

        // A command from a workspace without the app: its answer, only to alice, links to the app's install page.
        await typeInComposer(page, '/mockdesign status');
        const notInstalled = page.locator('.message.ephemeral', { hasText: "isn't installed in this workspace" });
        await notInstalled.getByText('Only visible to you').waitFor();
        expect(await notInstalled.getByRole('link', { name: 'Add mockdesign to Slack' }).getAttribute('href')).toBe(sandbox.installUrl);

        await installThroughPages(page, sandbox, banner.getByRole('link', { name: 'Add to Slack' }), 'Acme');
        await banner.waitFor({ state: 'hidden' });
        const acmeInstallation = standIn.installation(ACME.teamId)?.id ?? '';
        await page.locator('.install-panel.installed', { hasText: acmeInstallation }).waitFor();

        // Long enough to still be running after Globex is installed, used and uninstalled.
        await typeInComposer(page, '/mockdesign start Design a URL shortener --plan 8s/8s/8s/8s');
        const acmeRoot = page.locator('#message-list .message', { hasText: 'Mock system design: Design a URL shortener' });
        await acmeRoot.getByRole('button', { name: 'Add note' }).waitFor();
        expect(await acmeRoot.locator('.posted-by').innerText()).toBe('via Acme\u2019s install');
        expect(await acmeRoot.locator('.posted-by').getAttribute('title')).toContain(acmeInstallation);
        await acmeRoot.locator('.replies').click();
        await page.locator('#thread-pane').waitFor();

        // Globex: its own people and channels; the thread open in Acme does not follow.
        await rail.locator(`[data-team="${GLOBEX.teamId}"]`).click();
        await rail.locator(`[data-team="${GLOBEX.teamId}"][aria-current="true"]`).waitFor();
        await expect.poll(() => page.locator('#user-select').inputValue(), { timeout: 10_000 }).toBe('U0ERIN');
        await page.locator('#channel-header', { hasText: 'Globex' }).waitFor();
        await page.locator('#thread-pane').waitFor({ state: 'hidden' });
        expect(await page.locator('[data-channel] .sidebar-label').allInnerTexts()).toEqual(['general', 'system-design', 'acme-globex-mocks']);
        expect(await page.locator('[data-channel="C0CONNECT"]').getAttribute('title')).toBe('Shared with Acme');

        await installThroughPages(page, sandbox, page.locator('.install-panel').getByRole('link', { name: 'Add to Slack' }), 'Globex');
        await banner.waitFor({ state: 'hidden' });
        const globexInstallation = standIn.installation(GLOBEX.teamId)?.id ?? '';
        expect(globexInstallation).not.toBe(acmeInstallation);

        await typeInComposer(page, '/mockdesign start Design a chat app --plan 8s/8s/8s/8s');
        const globexRoot = page.locator('#message-list .message', { hasText: 'Mock system design: Design a chat app' });
        await globexRoot.getByRole('button', { name: 'Add note' }).waitFor();
        expect(await globexRoot.locator('.posted-by').innerText()).toBe('via Globex\u2019s install');
        await globexRoot.locator('.replies').click();
        await page.locator('#thread-list .block-header', { hasText: 'Phase 1 of 4' }).waitFor();

        // Each workspace's posts were made with its own installation's token (the stand-in's record of every call).
        const posts = standIn.calls.filter((c) => c.method === 'chat.postMessage' && c.ok);
        const acmePosts = posts.filter((c) => c.params.channel === 'C0ACMEGENERAL');
        const globexPosts = posts.filter((c) => c.params.channel === 'C0GLOBEXGENERAL');
        expect(acmePosts.length).toBeGreaterThanOrEqual(2);
        expect(globexPosts.length).toBeGreaterThanOrEqual(2);
        for (const c of acmePosts) expect(c.auth).toMatchObject({ installationId: acmeInstallation, teamId: ACME.teamId, userId: ACME.botUserId });
        for (const c of globexPosts) expect(c.auth).toMatchObject({ installationId: globexInstallation, teamId: GLOBEX.teamId, userId: GLOBEX.botUserId });
        const globexToken = standIn.botTokenFor(GLOBEX.teamId) ?? '';
        expect(standIn.callsWith(globexToken).length).toBeGreaterThan(0);
        expect(standIn.callsWith(globexToken).every((c) => c.auth?.teamId === GLOBEX.teamId)).toBe(true);

        // Another person in Globex, also in #general: the thread erin had open stays open, drawn for frank.
        await viewAs(page, 'U0FRANK');
        expect(await page.locator('#thread-pane').isVisible()).toBe(true);
        expect(await page.locator('#thread-list').getAttribute('data-key')).toMatch(/^U0FRANK:C0GLOBEXGENERAL:/);
        await page.locator('#thread-list .block-header', { hasText: 'Phase 1 of 4' }).waitFor();

        // Uninstall Globex: confirm, Slack tells the app, the app ends Globex's session.
        const uninstalledAt = Date.now();
        await page.locator('.install-panel').getByRole('button', { name: 'Uninstall' }).click();
        const confirm = page.getByRole('alertdialog', { name: 'Uninstall mockdesign from Globex?' });
        await confirm.getByRole('button', { name: 'Uninstall' }).click();
        await page.locator('.toast', { hasText: 'Uninstalled from Globex' }).waitFor();
        await banner.getByText('mockdesign is not installed in Globex.').waitFor();
        expect(standIn.sentEvents.map((d) => [(d.envelope.event as { type: string }).type, d.delivered, d.status])).toEqual([
          ['tokens_revoked', true, 200],
          ['app_uninstalled', true, 200],
        ]);
        await expect
          .poll(() => output.some((l) => l.includes('"msg":"access revoked; live sessions ended"') && l.includes(`"team":"${GLOBEX.teamId}"`) && l.includes('"sessions":1')), {
            timeout: 10_000,
          })
          .toBe(true);
        const globexThreadTs = standIn.allMessages().find((m) => m.channel === 'C0GLOBEXGENERAL' && m.bot_id && !m.thread_ts)?.ts ?? '';
        const globexReplies = () => standIn.allMessages().filter((m) => m.channel === 'C0GLOBEXGENERAL' && m.thread_ts === globexThreadTs && m.ts !== globexThreadTs).length;
        const frozen = globexReplies();
        await typeInComposer(page, '/mockdesign status');
        await notInstalled.getByText('Only visible to you').waitFor();

        // Acme carries on to its summary.
        await rail.locator(`[data-team="${ACME.teamId}"]`).click();
        await expect.poll(() => page.locator('#user-select').inputValue(), { timeout: 10_000 }).toBe('U0ALICE');
        await acmeRoot.locator('.replies').click();
        const thread = page.locator('#thread-list');
        await thread.locator('.block-header', { hasText: /^Summary$/ }).waitFor({ timeout: 45_000 });
        expect(await thread.locator('.block-header').allInnerTexts()).toEqual([
          'Mock system design: Design a URL shortener',
          'Phase 1 of 4 · Requirements & scope',
          'Phase 2 of 4 · High-level design',
          'Phase 3 of 4 · Deep dive',
          'Phase 4 of 4 · Wrap-up',
          'Summary',
        ]);
        expect(globexReplies()).toBe(frozen);
        // Acme's installation kept posting after the uninstall.
        const after = standIn.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && c.at > uninstalledAt);
        expect(after.filter((c) => c.auth?.installationId === acmeInstallation).length).toBeGreaterThan(0);

        await saveScreenshot(page, WORKSPACES_SCREENSHOT);
        expect(problems).toEqual([]);
      });
    },
    120_000,
  );
});
