/**
 * A listener that fails unexpectedly (here: the database refuses every read of the sessions) still answers the
 * person once, and the failure is logged once, with what was being handled.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/ids.ts';
import { SOMETHING_WENT_WRONG } from '../../src/slack/register-listeners.ts';
import { CHANNEL, createHarness, type Harness, HOST } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

/** Every statement that reads or writes sessions fails, as it would with the table gone from under the app. */
const breakSessions = () => h.db.exec('ALTER TABLE sessions RENAME TO sessions_elsewhere');
const failures = () => h.logs.filter((l) => l.level === 'error');

it('a command that fails before its answer is answered privately, once, and logged once with the command', async () => {
  breakSessions();
  const ack = (await h.command('status')) as { response_type: string; text: string } | undefined;
  expect(ack).toEqual({ response_type: 'ephemeral', text: SOMETHING_WENT_WRONG });
  expect(h.slack.ephemerals()).toEqual([]);
  expect(failures()).toHaveLength(1);
  expect(failures()[0]).toMatchObject({ msg: 'listener failed', payload: 'slash_command', command: '/mockdesign', channel: CHANNEL, user: HOST });
});

it('a click that fails after its ack is told through its response URL, once', async () => {
  await h.command('start Design a URL shortener');
  const actions = (h.root()?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] };
  breakSessions();
  await h.click(ACTION_IDS.nextPhase, actions.elements[1]?.value ?? '');
  expect(h.slack.ephemerals().filter((e) => e.source === 'response_url').map((e) => e.text)).toEqual([SOMETHING_WENT_WRONG]);
  expect(failures()).toHaveLength(1);
  expect(failures()[0]).toMatchObject({ msg: 'listener failed', payload: 'block_actions', action: ACTION_IDS.nextPhase, channel: CHANNEL, user: HOST });
});

it('a command that failed after telling the person itself is not answered twice', async () => {
  // The start's write fails after its ack; the listener tells the host through the response URL itself.
  h.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  await h.command('start Design a URL shortener');
  expect(h.slack.ephemerals().map((e) => e.text)).toEqual(['Something went wrong and the session was not started. Please try again in a moment.']);
  expect(failures()).toHaveLength(1);
});
