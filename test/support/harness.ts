/**
 * The real app wired as in production (composition root, real Bolt router, real SQLite with the real
 * migrations), with Slack's Web API played by the local stand-in over HTTP and a clock the test moves.
 */
import type { Store } from '../../src/app/ports.ts';
import { composeMockdesign, type Mockdesign, type SlackAuthOptions } from '../../src/compose.ts';
import type { Db } from '../../src/db/open-database.ts';
import { createSqliteDatabase } from '../../src/db/sqlite-database.ts';
import { createStore } from '../../src/db/store.ts';
import { createLogger, type Level } from '../../src/logger.ts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS, COMMAND } from '../../src/slack/ids.ts';
import { createSlackStandIn, type SlackStandIn, type StandInOptions, type StoredMessage } from '../../sandbox/stand-in/server.ts';
import { fixedClock, type FixedClock } from './fixed-clock.ts';
import { openTestDb } from './test-db.ts';
import { TestReceiver } from './test-receiver.ts';

export const TEAM = 'T0SANDBOX';
export const CHANNEL = 'C0GENERAL';
export const HOST = 'U0ALICE';
export const GUEST = 'U0BOB';

export interface Harness {
  /** The raw SQLite handle, for tests that read rows directly. */
  readonly db: Db;
  readonly store: Store;
  readonly clock: FixedClock;
  readonly slack: SlackStandIn;
  readonly md: Mockdesign;
  readonly receiver: TestReceiver;
  readonly logs: Record<string, unknown>[];
  command(text: string, opts?: { user?: string; channel?: string; team?: string; enterprise?: string }): Promise<unknown>;
  click(actionId: string, value: string, opts?: { user?: string; channel?: string; team?: string; messageTs?: string }): Promise<unknown>;
  /**
   * Submits a modal as Slack would (a `view_submission` with these `state.values`), waits for the dispatcher,
   * and returns what the app acked with (e.g. `{ response_action: 'errors', errors }`, or undefined).
   */
  submitView(
    view: { id: string; callback_id: string; private_metadata?: string; title?: string },
    values: Record<string, Record<string, unknown>>,
    opts?: { user?: string; team?: string },
  ): Promise<unknown>;
  /** The "Add a note" form submitted with these fields (`text: null` leaves the box empty). */
  submitNote(view: { id: string; private_metadata: string }, fields: { text: string | null; phase?: string; kind?: string }, opts?: { user?: string; team?: string }): Promise<unknown>;
  event(event: Record<string, unknown>, opts?: { eventId?: string; team?: string }): Promise<unknown>;
  /** The "Save as note" message shortcut used on a message with this text. */
  shortcut(messageText: string, opts?: { user?: string; channel?: string; team?: string }): Promise<{ acked: boolean }>;
  /** Runs one tick at the current clock and waits for every post it started (and every post those made due). */
  tick(): Promise<number>;
  /** Moves the clock and ticks once per `stepMs` on the way, as the cron would. */
  advance(ms: number, stepMs?: number): Promise<void>;
  root(channel?: string): StoredMessage | undefined;
  thread(channel?: string): StoredMessage[];
  close(): Promise<void>;
}

export async function createHarness(
  options: {
    db?: Db;
    /** Another store (a PostgreSQL one) in place of the SQLite one on `db`, which is then left unused. */
    store?: Store;
    clock?: FixedClock;
    slack?: SlackStandIn;
    standIn?: StandInOptions;
    postConcurrency?: number;
    workspaceUrl?: string;
    random?: () => number;
    /** Pace each channel on the test's clock (posts that must wait sleep the difference in real time); off by default. */
    channelIntervalMs?: number;
    /** The level the app logs at, as LOG_LEVEL sets it; debug by default. */
    logLevel?: Level;
    /** How the app finds its tokens, given the stand-in and the store: one workspace's bot token by default. */
    auth?: (slack: SlackStandIn, store: Store) => SlackAuthOptions;
  } = {},
): Promise<Harness> {
  const clock = options.clock ?? fixedClock();
  const db = options.db ?? openTestDb();
  const slack = options.slack ?? createSlackStandIn({ now: clock.now, ...options.standIn });
  if (!options.slack) await slack.start();
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger(options.logLevel ?? 'debug', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const receiver = new TestReceiver();
  const store = options.store ?? createStore(createSqliteDatabase(db), clock.now);
  const md = composeMockdesign({
    store,
    auth: options.auth?.(slack, store) ?? { kind: 'single', botToken: slack.botToken, identity: { botId: 'B0BOT', botUserId: 'U0BOT', workspaceUrl: options.workspaceUrl } },
    slackApiUrl: slack.apiUrl,
    logger,
    clock: clock.now,
    bolt: { kind: 'receiver', receiver },
    ...(options.postConcurrency === undefined ? {} : { postConcurrency: options.postConcurrency }),
    ...(options.random === undefined ? {} : { random: options.random }),
    // The test moves the clock: no pacing unless asked for (then on that clock), no timers of our own.
    channelIntervalMs: options.channelIntervalMs ?? 0,
    wakeAtNextDue: false,
  });
  let triggerSeq = 0;

  const h: Harness = {
    db,
    store,
    clock,
    slack,
    md,
    receiver,
    logs,
    async command(text, opts = {}) {
      const user = opts.user ?? HOST;
      const channel = opts.channel ?? CHANNEL;
      const result = await receiver.send({
        token: 'verification',
        command: COMMAND,
        text,
        user_id: user,
        user_name: user.toLowerCase(),
        channel_id: channel,
        channel_name: 'general',
        team_id: opts.team ?? TEAM,
        team_domain: 'sandbox',
        ...(opts.enterprise ? { enterprise_id: opts.enterprise } : {}),
        api_app_id: 'A0SANDBOX',
        trigger_id: slack.issueTriggerId(user) || `t${++triggerSeq}`,
        response_url: slack.newResponseUrl({ channel, user }),
        is_enterprise_install: 'false',
      });
      await md.dispatcher.drain();
      return result.response;
    },
    async click(actionId, value, opts = {}) {
      const user = opts.user ?? HOST;
      const channel = opts.channel ?? CHANNEL;
      const messageTs = opts.messageTs ?? h.root(channel)?.ts ?? '1.1';
      const result = await receiver.send({
        type: 'block_actions',
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: opts.team ?? TEAM },
        api_app_id: 'A0SANDBOX',
        token: 'verification',
        container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
        trigger_id: slack.issueTriggerId(user),
        team: { id: opts.team ?? TEAM, domain: 'sandbox' },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel, name: 'general' },
        message: { type: 'message', ts: messageTs, text: '', blocks: [] },
        state: { values: {} },
        response_url: slack.newResponseUrl({ channel, user, messageTs }),
        actions: [{ action_id: actionId, block_id: BLOCK_IDS.controls, type: 'button', value, text: { type: 'plain_text', text: 'x' }, action_ts: String(clock.now() / 1000) }],
      });
      await md.dispatcher.drain();
      return result.response;
    },
    async submitView(view, values, opts = {}) {
      const user = opts.user ?? HOST;
      const team = opts.team ?? TEAM;
      const result = await receiver.send({
        type: 'view_submission',
        team: { id: team, domain: 'sandbox' },
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: team },
        api_app_id: 'A0SANDBOX',
        token: 'verification',
        trigger_id: slack.issueTriggerId(user),
        view: {
          id: view.id,
          team_id: team,
          type: 'modal',
          callback_id: view.callback_id,
          private_metadata: view.private_metadata ?? '',
          hash: 'h',
          blocks: [],
          state: { values },
          title: { type: 'plain_text', text: view.title ?? 'Modal' },
          root_view_id: view.id,
          previous_view_id: null,
          app_id: 'A0SANDBOX',
          bot_id: 'B0BOT',
        },
        response_urls: [],
      });
      await md.dispatcher.drain();
      return result.response;
    },
    async submitNote(view, fields, opts = {}) {
      const values: Record<string, Record<string, unknown>> = {
        [BLOCK_IDS.noteText]: { [ACTION_IDS.noteText]: { type: 'plain_text_input', value: fields.text } },
        [BLOCK_IDS.notePhase]: { [ACTION_IDS.notePhase]: { type: 'static_select', selected_option: fields.phase === undefined ? null : { text: { type: 'plain_text', text: 'p' }, value: fields.phase } } },
        [BLOCK_IDS.noteKind]: { [ACTION_IDS.noteKind]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'k' }, value: fields.kind ?? 'requirement' } } },
      };
      return h.submitView({ id: view.id, callback_id: CALLBACK_IDS.noteModal, private_metadata: view.private_metadata, title: 'Add a note' }, values, opts);
    },
    async event(event, opts = {}) {
      const result = await receiver.send({
        token: 'verification',
        team_id: opts.team ?? TEAM,
        api_app_id: 'A0SANDBOX',
        event,
        type: 'event_callback',
        event_id: opts.eventId ?? `Ev${Math.random().toString(36).slice(2)}`,
        event_time: Math.floor(clock.now() / 1000),
      });
      await md.dispatcher.drain();
      return result.response;
    },
    async shortcut(messageText, opts = {}) {
      const user = opts.user ?? HOST;
      const result = await receiver.send({
        type: 'message_action',
        token: 'verification',
        action_ts: String(clock.now() / 1000),
        team: { id: opts.team ?? TEAM, domain: 'sandbox' },
        user: { id: user, name: user.toLowerCase() },
        channel: { id: opts.channel ?? CHANNEL, name: 'general' },
        callback_id: CALLBACK_IDS.saveAsNote,
        trigger_id: slack.issueTriggerId(user),
        message_ts: '1.000001',
        message: { type: 'message', text: messageText, user: GUEST, ts: '1.000001' },
        response_url: slack.newResponseUrl({ channel: opts.channel ?? CHANNEL, user }),
      });
      await md.dispatcher.drain();
      return { acked: result.acked };
    },
    async tick() {
      const claimed = await md.dispatcher.tick();
      await md.dispatcher.drain();
      return claimed;
    },
    async advance(ms, stepMs = 1000) {
      const end = clock.now() + ms;
      while (clock.now() < end) {
        clock.set(Math.min(end, clock.now() + stepMs));
        await h.tick();
      }
    },
    root(channel = CHANNEL) {
      return slack.messages(channel).find((m) => m.metadata?.event_type === 'mockdesign_step' && !m.thread_ts);
    },
    thread(channel = CHANNEL) {
      const root = h.root(channel);
      return root ? slack.messages(channel, { threadTs: root.ts }).filter((m) => m.ts !== root.ts) : [];
    },
    async close() {
      await md.dispatcher.drain();
      md.api.close();
      if (!options.slack) await slack.stop();
      if (!options.db) db.close();
    },
  };
  return h;
}

/** Every piece of text in a message: fallback text plus all text inside its blocks. */
export function allText(message: { text?: string; blocks?: unknown[] }): string {
  const texts: string[] = [message.text ?? ''];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') texts.push(value);
        else walk(value);
      }
    }
  };
  walk(message.blocks ?? []);
  return texts.join('\n');
}
