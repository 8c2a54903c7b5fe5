/**
 * A wave of posts after a quiet spell: the dispatcher, on real time, sees it coming when it sets its timer and
 * has the connections to Slack opened before the wave falls due, so the posts do not first wait for them.
 */
import { expect, it } from 'vitest';
import { createDispatcher } from '../../src/app/dispatcher.ts';
import type { Logger } from '../../src/app/ports.ts';
import { startSession } from '../../src/app/sessions.ts';
import { createSqliteDatabase } from '../../src/db/sqlite-database.ts';
import { createStore } from '../../src/db/store.ts';
import { DEFAULT_PLAN } from '../../src/domain/plan.ts';
import { createSlackMessenger } from '../../src/slack/messenger.ts';
import { createSlackApi } from '../../src/slack/web-api.ts';
import { startCountingSlack } from '../support/counting-slack.ts';
import { openTestDb } from '../support/test-db.ts';
import { until } from '../support/until.ts';

const errors: string[] = [];
const logger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (message) => void errors.push(message) };

it('opens the connections a wave of posts needs before it falls due, and posts over them', async () => {
  const slack = await startCountingSlack();
  const db = openTestDb();
  const store = createStore(createSqliteDatabase(db), Date.now);
  const api = createSlackApi({ baseUrl: slack.url, token: 'xoxb-t', timeoutMs: 5000, maxSockets: 20 });
  const messenger = createSlackMessenger(api, { credentials: async () => ({ token: 'xoxb-t' }) });
  const dispatcher = createDispatcher({ store, messenger, logger, clock: Date.now, instanceId: 'i1', concurrency: 20, channelIntervalMs: 0, wakeAtNextDue: true });
  try {
    // Six sessions start together a little over a second from now: within the timer's reach, beyond the tick's.
    const startAt = Date.now() + 1200;
    for (let i = 0; i < 6; i++) {
      const outcome = await startSession(
        { store, newId: () => `s${i}` },
        { teamId: 'T1', enterpriseId: '', channelId: `C${i}`, hostId: 'U1', topic: `Topic ${i}`, plan: DEFAULT_PLAN, interviewers: [] },
        startAt,
      );
      expect(outcome.kind).toBe('started');
    }
    expect(await dispatcher.tick()).toBe(0);
    // One connection per post of the wave, made while nothing is due yet.
    await until('six connections made ahead', () => slack.opened >= 6);
    expect(slack.requests).toBe(0);
    expect(slack.opened).toBe(6);
    // The wave goes out over them: the six roots, each on a connection of its own made ahead.
    const posted = () => db.prepare("SELECT count(*) AS n FROM steps WHERE step_key IN ('root', 'phase:0') AND state = 'done'").get() as { n: number };
    await until('the roots and first phases posted', () => posted().n === 12);
    expect(new Set(slack.connectionOfRequest.slice(0, 6))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect(errors).toEqual([]);
  } finally {
    dispatcher.stop();
    await dispatcher.drain();
    api.close();
    await slack.close();
    db.close();
  }
});

it('claims a step that falls due while the dispatcher looks for the next one, not a tick later', async () => {
  // A clock that moves a millisecond at every reading: wherever the step's due time falls among the dispatcher's
  // readings, one of the offsets below puts it between a claim that looked too early and the search for what comes
  // next. No tick comes here: only the dispatcher's own timer can pick the step up.
  const slack = await startCountingSlack();
  const T0 = 1_800_000_000_000;
  try {
    for (let offset = 1; offset <= 30; offset++) {
      let readings = 0;
      const clock = () => T0 + readings++;
      const db = openTestDb();
      const store = createStore(createSqliteDatabase(db), clock);
      const api = createSlackApi({ baseUrl: slack.url, token: 'xoxb-t', timeoutMs: 5000, maxSockets: 4 });
      const messenger = createSlackMessenger(api, { credentials: async () => ({ token: 'xoxb-t' }) });
      const dispatcher = createDispatcher({ store, messenger, logger, clock, instanceId: 'i1', concurrency: 4, channelIntervalMs: 0, wakeAtNextDue: true });
      try {
        await startSession({ store, newId: () => 's1' }, { teamId: 'T1', enterpriseId: '', channelId: 'C1', hostId: 'U1', topic: 'Topic', plan: DEFAULT_PLAN, interviewers: [] }, readings + T0 + offset);
        await dispatcher.tick();
        const claimed = () => (db.prepare("SELECT state FROM steps WHERE step_key = 'root'").get() as { state: string }).state !== 'pending';
        await until(`the root claimed (due ${offset} readings on)`, claimed, 3000);
      } finally {
        dispatcher.stop();
        await dispatcher.drain();
        api.close();
        db.close();
      }
    }
    expect(errors).toEqual([]);
  } finally {
    await slack.close();
  }
}, 120_000);
