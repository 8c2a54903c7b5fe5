/**
 * A change a person made to a session's clock (more time for the phase under way, a pause, a resume), as it is
 * said in the session's thread: the phase messages there give a deadline, and those following the thread would
 * otherwise keep reading the old one. Pure: what the change was is worked out where it is made.
 */
export type ClockChange =
  /** `ms` more for the phase under way, which now ends at `endsAt`. */
  | ClockChangeOf<'extended'>
  /** The clock stopped with `ms` of the phase left; `endsAt` is unused (0). */
  | ClockChangeOf<'paused'>
  /** The clock started again: the schedule moved by `ms` (the time paused), and the phase now ends at `endsAt`. */
  | ClockChangeOf<'resumed'>;

interface ClockChangeOf<K extends string> {
  readonly kind: K;
  /** Who made it. */
  readonly by: string;
  /** When it was made. */
  readonly at: number;
  readonly phaseIndex: number;
  readonly ms: number;
  readonly endsAt: number;
}

/**
 * The key of the step that says a change in the thread: it holds the change whole, since a step has no payload of
 * its own, and the post says the change as it was made, whatever happened to the session since. Two changes alike
 * in every field, made in the same millisecond, are one.
 */
export function clockChangeKey(change: ClockChange): string {
  const whole = (n: number) => Math.max(0, Math.round(n));
  return `clock:${change.kind}:${change.phaseIndex}:${whole(change.ms)}:${whole(change.endsAt)}:${change.by}:${whole(change.at)}`;
}

const KEY = /^clock:(extended|paused|resumed):(\d+):(\d+):(\d+):([A-Za-z0-9]+):(\d+)$/;

/** The change a step's key says, or undefined for any other step. */
export function parseClockChangeKey(key: string): ClockChange | undefined {
  const match = KEY.exec(key);
  if (!match) return undefined;
  const [, kind, phaseIndex, ms, endsAt, by = '', at] = match;
  return { kind: kind as ClockChange['kind'], by, at: Number(at), phaseIndex: Number(phaseIndex), ms: Number(ms), endsAt: Number(endsAt) };
}

/**
 * The extension a new one repeats, if any: the same time added to the same phase within `windowMs` (a double click
 * on **+5 min**, two people clicking it, `+1` typed twice together). Deliberate extensions differ in amount, or
 * come later.
 */
export function repeatedExtension(changes: readonly ClockChange[], phaseIndex: number, ms: number, now: number, windowMs: number): ClockChange | undefined {
  return changes.find((c) => c.kind === 'extended' && c.phaseIndex === phaseIndex && c.ms === ms && now - c.at < windowMs && c.at <= now);
}
