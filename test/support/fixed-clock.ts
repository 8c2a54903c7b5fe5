/** Time as a value: tests move the clock by hand instead of sleeping. */
export interface FixedClock {
  now: () => number;
  advance(ms: number): number;
  set(at: number): void;
}

export function fixedClock(start: string | number = '2030-01-07T09:00:00Z'): FixedClock {
  let at = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => at,
    advance(ms) {
      at += ms;
      return at;
    },
    set(next) {
      at = next;
    },
  };
}
