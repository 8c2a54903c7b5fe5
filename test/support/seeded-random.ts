/**
 * mulberry32: a tiny seeded generator of numbers in [0, 1), like Math.random. The same seed gives the same
 * sequence, so a failing trial can be replayed and a benchmark's resampling gives the same range every time.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
