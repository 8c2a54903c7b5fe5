/**
 * The real dispatcher and messenger over a given store, with Slack played by the stand-in over HTTP and every log
 * line kept, on the store's fixed clock: for tests that drive delivery tick by tick. The dispatcher's store is
 * gated, so that a test can act between a claim's read and what the dispatcher does with it.
 */
import { createDispatcher, type Dispatcher } from '../../src/app/dispatcher.ts';
import type { Logger, LogFields, Store } from '../../src/app/ports.ts';
import { createSlackMessenger } from '../../src/slack/messenger.ts';
import { createSlackApi, type SlackApi } from '../../src/slack/web-api.ts';
import { createSlackStandIn, type SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { gateStore } from './store-gate.ts';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: LogFields;
}

export interface DispatcherRig {
  readonly slack: SlackStandIn;
  readonly dispatcher: Dispatcher;
  readonly lines: LogLine[];
  /** Runs `act` once, right after the dispatcher's next read of the sessions it claimed (see store-gate.ts). */
  afterNextRead(act: () => Promise<void>): void;
  /** One tick, and everything it set off: returns how many steps it claimed. */
  tick(): Promise<number>;
  close(): Promise<void>;
}

/** Public channels the bot is in, each with `members`. */
export async function startDispatcherRig(options: { store: Store; now: () => number; channels: readonly string[]; members: readonly string[] }): Promise<DispatcherRig> {
  const slack = createSlackStandIn({ now: options.now, channels: options.channels.map((id) => ({ id, name: id.toLowerCase(), members: [...options.members], botIsMember: true })) });
  await slack.start();
  const api: SlackApi = createSlackApi({ baseUrl: slack.apiUrl, token: slack.botToken, timeoutMs: 5000, maxSockets: 8 });
  const messenger = createSlackMessenger(api, { credentials: async () => ({ token: slack.botToken }) });
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (msg: string, fields: LogFields = {}) => void lines.push({ level, msg, fields });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const gate = gateStore(options.store);
  const dispatcher = createDispatcher({ store: gate.store, messenger, logger, clock: options.now, instanceId: 'i1', channelIntervalMs: 0, wakeAtNextDue: false });
  return {
    slack,
    dispatcher,
    lines,
    afterNextRead: (act) => gate.afterNextRead(act),
    async tick() {
      const claimed = await dispatcher.tick();
      await dispatcher.drain();
      return claimed;
    },
    async close() {
      dispatcher.stop();
      await dispatcher.drain();
      api.close();
      await slack.stop();
    },
  };
}
