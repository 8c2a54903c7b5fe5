/**
 * Keeps a Socket Mode app connected for as long as the process runs.
 *
 * @slack/socket-mode reconnects by itself when Slack closes the socket, but a reconnection that fails is never
 * caught: its `delayReconnectAttempt` runs `this.start().then(...)` with no rejection handler, so when
 * `apps.connections.open` throws (an error Slack calls unrecoverable such as `invalid_auth`, retries exhausted, no URL
 * in the answer, or a disconnect() racing a reconnection) the rejection is unhandled and Node ends the process. A
 * recoverable error is retried the same way, one level down, with the same flaw. Its backoff also grows without end.
 *
 * So once the app has connected, the client's own reconnection is switched off and this module reconnects instead:
 * capped exponential backoff with jitter, every failure caught and logged, until app.stop() disconnects the client.
 * Start-up is left as it was: if the first connection fails, `app.start()` rejects and the app says why and exits.
 */
import { type App, SocketModeReceiver } from '@slack/bolt';
import { slackErrorCode } from './web-api.ts';

/** The few log methods used here; the app's logger has them. */
export interface SupervisorLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>, error?: unknown): void;
}

export interface SupervisorOptions {
  /** First delay before reconnecting; it doubles with each failed attempt. */
  readonly baseDelayMs?: number;
  /** The longest wait between two attempts. */
  readonly maxDelayMs?: number;
  /** 0..1, for tests; by default Math.random. A delay is between half and all of its nominal value. */
  readonly random?: () => number;
}

export interface SocketModeSupervisor {
  /** The socket is open and Slack has said hello. */
  readonly connected: boolean;
  /** Reconnections that succeeded since the supervisor started. */
  readonly reconnections: number;
  /** Stops reconnecting; app.stop() has the same effect. */
  stop(): void;
}

/** The client's private switch for its own reconnection; checked at run time so a Bolt upgrade that drops it fails loudly. */
interface ReconnectSwitch {
  autoReconnectEnabled: boolean;
}

/**
 * Call right after `await app.start()`. Returns undefined when the app is not in Socket Mode (HTTP receiver, tests'
 * receivers), so it can be called unconditionally.
 */
export function superviseSocketMode(app: App, logger: SupervisorLogger, options: SupervisorOptions = {}): SocketModeSupervisor | undefined {
  const receiver = (app as unknown as { receiver?: unknown }).receiver;
  if (!(receiver instanceof SocketModeReceiver)) return undefined;
  const client = receiver.client;
  const toggle = client as unknown as ReconnectSwitch;
  if (typeof toggle.autoReconnectEnabled !== 'boolean') {
    throw new Error('@slack/socket-mode changed: SocketModeClient has no autoReconnectEnabled flag; check src/slack/socket-mode.ts');
  }
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;

  // With it off, a closed socket ends in a 'disconnected' event and apps.connections.open errors reach start()'s caller.
  toggle.autoReconnectEnabled = false;

  let connected = true;
  let stopped = false;
  let connecting = false;
  let timer: NodeJS.Timeout | undefined;
  /** Failed attempts since the socket was last connected. */
  let failures = 0;
  let reconnections = 0;

  const nextDelay = () => {
    const nominal = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failures, 30));
    return Math.round(nominal / 2 + (random() * nominal) / 2);
  };

  const schedule = () => {
    if (stopped || connecting || timer) return;
    const delay = nextDelay();
    timer = setTimeout(attempt, delay);
    // Slack closes sockets routinely (every few hours): the first attempt is news, later ones a warning.
    (failures === 0 ? logger.info : logger.warn).call(logger, 'socket mode: reconnecting', { attempt: failures + 1, delay_ms: delay });
  };

  const attempt = () => {
    timer = undefined;
    if (stopped) return;
    connecting = true;
    void client.start().then(
      () => {
        connecting = false;
        // stop() (or app.stop()) came while apps.connections.open was in flight: the socket opened anyway.
        if (stopped) {
          void client.disconnect().catch(() => undefined);
          return;
        }
        reconnections += 1;
        logger.info('socket mode: reconnected', { attempts: failures + 1 });
        failures = 0;
      },
      (error: unknown) => {
        connecting = false;
        if (stopped) return;
        failures += 1;
        const code = slackErrorCode(error);
        logger.error('socket mode: reconnecting failed; will try again', { attempt: failures, ...(code !== undefined ? { slack_error: code } : {}) }, error);
        schedule();
      },
    );
  };

  const onConnected = () => {
    connected = true;
  };
  const onDisconnected = () => {
    connected = false;
    // During an attempt, a socket that closes before hello also rejects start(): that path schedules the next one.
    schedule();
  };
  const onDisconnecting = () => {
    // app.stop() → client.disconnect(): a shutdown, not a lost connection.
    stop();
  };

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    timer = undefined;
    client.off('connected', onConnected);
    client.off('disconnected', onDisconnected);
    client.off('disconnecting', onDisconnecting);
  }

  client.on('connected', onConnected);
  client.on('disconnected', onDisconnected);
  client.on('disconnecting', onDisconnecting);

  return {
    get connected() {
      return connected && !stopped;
    },
    get reconnections() {
      return reconnections;
    },
    stop,
  };
}
