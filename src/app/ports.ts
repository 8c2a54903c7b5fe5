/** What the use cases need from the outside world, as interfaces: Slack, the log, and the database's transaction. */
import type { Step } from '../db/step-repository.ts';
import type { Note } from '../domain/notes.ts';
import type { Session } from '../domain/session.ts';

/** Everything needed to render a session's messages, loaded once per post. */
export interface SessionSnapshot {
  readonly session: Session;
  readonly notes: readonly Note[];
  readonly participants: readonly string[];
}

export type DeliveryErrorKind =
  /** Slack said 429: wait `retryAfterMs`, nothing was posted. */
  | 'rate_limited'
  /** 5xx, timeout or network: try again later; the post may or may not have happened. */
  | 'transient'
  /** The bot is not in the (private) channel. */
  | 'not_in_channel'
  /** The channel is gone or archived: nothing more can be posted there. */
  | 'channel_gone'
  /** The token no longer works (revoked, uninstalled, deactivated): nothing can be posted anywhere. */
  | 'auth_revoked'
  /** Slack refused the request itself: a bug on our side; retrying will not help. */
  | 'rejected';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly kind: DeliveryErrorKind;
  readonly code: string;
  readonly options: { retryAfterMs?: number; maybeDelivered?: boolean };
  constructor(kind: DeliveryErrorKind, code: string, options: { retryAfterMs?: number; maybeDelivered?: boolean } = {}) {
    super(`${kind}: ${code}`);
    this.kind = kind;
    this.code = code;
    this.options = options;
  }
}

export interface Messenger {
  /** How many messages the step posts (a long summary is split). */
  partsOf(snapshot: SessionSnapshot, step: Step, now: number): number;
  /** Posts one part of a step, tagged so it can be found again; returns the message ts. */
  post(snapshot: SessionSnapshot, step: Step, part: number, now: number): Promise<string>;
  /** Looks in the channel for a part an earlier attempt may have posted; returns its ts if it is there. */
  find(snapshot: SessionSnapshot, step: Step, part: number): Promise<string | undefined>;
  /** Re-renders the root message from current state (idempotent). */
  updateRoot(snapshot: SessionSnapshot, now: number): Promise<void>;
  /** A permalink to the root message, if Slack gives one. */
  permalink(channelId: string, ts: string): Promise<string | undefined>;
  /** Tries to join a public channel; false when it cannot (private channel, no scope). */
  join(channelId: string): Promise<boolean>;
  /** A direct message to the host about a problem they can fix or should know of. */
  tellHost(session: Session, notice: HostNotice): Promise<void>;
}

export type HostNotice = { kind: 'not_in_channel' } | { kind: 'channel_gone'; code: string };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields, error?: unknown): void;
}
