/**
 * The router that hands each request to its one listener (register-listeners.ts): each kind reaches its listener,
 * and what no listener takes is left unanswered, as Bolt leaves a request that no listener matches.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS, COMMAND } from '../../src/slack/ids.ts';
import { CHANNEL, createHarness, GUEST, type Harness, HOST, TEAM } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const user = { id: HOST, username: 'u0alice', name: 'u0alice', team_id: TEAM };
const team = { id: TEAM, domain: 'sandbox' };

function commandBody(command: string, text: string) {
  return { command, text, user_id: HOST, channel_id: CHANNEL, team_id: TEAM, api_app_id: 'A0SANDBOX', trigger_id: 't1', response_url: h.slack.newResponseUrl({ channel: CHANNEL, user: HOST }) };
}

function actionBody(actionId: string) {
  return {
    type: 'block_actions',
    user,
    team,
    api_app_id: 'A0SANDBOX',
    container: { type: 'message', message_ts: '1.1', channel_id: CHANNEL, is_ephemeral: false },
    channel: { id: CHANNEL, name: 'general' },
    trigger_id: 't2',
    response_url: h.slack.newResponseUrl({ channel: CHANNEL, user: HOST }),
    actions: [{ action_id: actionId, block_id: BLOCK_IDS.controls, type: 'button', value: 'x', action_ts: '1.2' }],
  };
}

function viewBody(type: 'view_submission' | 'view_closed', callbackId: string) {
  return {
    type,
    team,
    user,
    api_app_id: 'A0SANDBOX',
    trigger_id: 't3',
    view: { id: 'V1', team_id: TEAM, type: 'modal', callback_id: callbackId, private_metadata: '', state: { values: {} }, blocks: [] },
    is_cleared: false,
  };
}

function shortcutBody(type: 'message_action' | 'shortcut') {
  return {
    type,
    team,
    user: { id: HOST, name: 'u0alice' },
    callback_id: CALLBACK_IDS.saveAsNote,
    trigger_id: h.slack.issueTriggerId(HOST),
    action_ts: '1.3',
    ...(type === 'message_action'
      ? { channel: { id: CHANNEL, name: 'general' }, message_ts: '1.000001', message: { type: 'message', text: 'cache the hot keys', user: GUEST, ts: '1.000001' }, response_url: h.slack.newResponseUrl({ channel: CHANNEL, user: HOST }) }
      : {}),
  };
}

describe('the router', () => {
  it('hands each kind of request to its listener', async () => {
    const started = await h.receiver.send(commandBody(COMMAND, 'start Design a chat app'));
    expect(started.acked).toBe(true);
    expect(JSON.stringify(started.response)).toContain('Design a chat app');
    await h.md.dispatcher.drain();
    const live = await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL);
    expect(live?.topic).toBe('Design a chat app');

    // A button: "Add note" opens the note modal.
    const value = ((h.root()?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] }).elements[0]?.value ?? '';
    await h.click(ACTION_IDS.addNote, value);
    const modal = h.slack.openViews(HOST).at(-1);
    expect(modal?.callback_id).toBe(CALLBACK_IDS.noteModal);

    // Its submission: the note is stored.
    if (!modal) throw new Error('no modal opened');
    expect(await h.submitNote(modal, { text: 'Shard by user id', phase: '0' })).toBeUndefined();
    expect(h.db.prepare('SELECT body FROM notes').all()).toEqual([{ body: 'Shard by user id' }]);

    // An event: opening the app's Home tab publishes it.
    await h.event({ type: 'app_home_opened', user: HOST, channel: 'D0HOME', tab: 'home', event_ts: '1.1' });
    expect(h.slack.calls.filter((c) => c.method === 'views.publish' && c.ok)).toHaveLength(1);

    // The message shortcut opens the same modal, with the message's text.
    const shortcut = await h.receiver.send(shortcutBody('message_action'));
    expect(shortcut.acked).toBe(true);
    expect(JSON.stringify(h.slack.openViews(HOST).at(-1))).toContain('cache the hot keys');
  });

  it('leaves unanswered what no listener takes, and changes nothing', async () => {
    const unhandled = [
      commandBody('/othercommand', 'start Design a chat app'),
      actionBody('some_other_app_action'),
      viewBody('view_closed', CALLBACK_IDS.noteModal),
      viewBody('view_submission', 'some_other_modal'),
      shortcutBody('shortcut'),
    ];
    for (const body of unhandled) {
      const result = await h.receiver.send(body);
      expect(result.acked, JSON.stringify(body).slice(0, 80)).toBe(false);
    }
    await h.md.dispatcher.drain();
    expect(await h.store.sessions.findLive({ teamId: TEAM, enterpriseId: '' }, CHANNEL)).toBeUndefined();
    expect(h.slack.openViews(HOST)).toEqual([]);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });
});
