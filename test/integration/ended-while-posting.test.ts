/**
 * A session ended by its host while one of its posts is in flight, and Slack then refuses that post for good: the
 * post was cancelled by the end, so nothing of the session is reported lost to the host who ended it. On SQLite
 * and PostgreSQL, with the real dispatcher and messenger, Slack played by the stand-in over HTTP, on a fixed clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession } from '../../src/app/sessions.ts';
import type { SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { type DispatcherRig, type LogLine, startDispatcherRig } from '../support/dispatcher-rig.ts';
import { newSession, seed, STORES, useStore, WS } from './db/stores.ts';

const HOST = 'U0ALICE';
const CHANNEL = 'C1';

describe.each(STORES)('$name store: a session ended while its post is in flight', (factory) => {
  const h = useStore(factory);
  let rig: DispatcherRig;
  let slack: SlackStandIn;
  let lines: LogLine[];

  beforeEach(async () => {
    const { store, clock } = h();
    rig = await startDispatcherRig({ store, now: clock.now, channels: [CHANNEL], members: [HOST] });
    ({ slack, lines } = rig);
  });

  afterEach(async () => {
    await rig.close();
  });

  const tick = () => rig.tick();
  const step = async (key: string) => (await h().store.steps.ofSession('s1')).find((s) => s.key === key);
  const thread = () => slack.messages(CHANNEL).flatMap((root) => slack.messages(CHANNEL, { threadTs: root.ts })).map((m) => m.text);

  it('a refused post that the end cancelled is not reported to the host as lost', async () => {
    const { store, clock } = h();
    await seed(store, newSession({ id: 's1', channelId: CHANNEL, hostId: HOST }));
    await tick();
    expect(thread()).toEqual([expect.stringContaining('Phase 1 of 4')]);

    // The time check of phase 1 falls due; Slack will refuse it for good.
    const warning = await step('warning:0');
    clock.set(warning?.dueAt ?? Number.NaN);
    slack.fail('chat.postMessage', { error: 'invalid_blocks' }, 1);
    // The dispatcher holds it and has read the session when the host ends the session.
    let ended: unknown;
    rig.afterNextRead(async () => {
      ended = await endSession({ store, newId: () => 'unused' }, 's1', { ...WS, channelId: CHANNEL }, HOST, clock.now());
    });
    await tick();
    expect(ended).toMatchObject({ ok: true });
    expect(await step('warning:0')).toMatchObject({ state: 'cancelled' });
    // Slack's refusal is still logged: the message was malformed whoever ended the session.
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['Slack rejected a post; skipping it']);

    // The summary goes out, and the host hears nothing of a post their own end cancelled.
    await tick();
    expect(await step('summary')).toMatchObject({ state: 'done' });
    expect(thread().filter((t) => t.startsWith('Summary'))).toHaveLength(1);
    expect(slack.messages(`D${HOST}`)).toEqual([]);
  });
});
