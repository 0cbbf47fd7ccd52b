// A small seeded pseudo-random generator: the same seed gives the same Poisson schedule, so a run can be replayed.

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): uniform numbers in [0, 1) from a 32-bit seed, with
 * a period of 2^32, plenty for one worker's window. Not for secrets. (pure-rand, the library that
 * offers such generators, ships only subpath exports, which the project's module resolution cannot type.)
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

/**
 * A seed for one part of a run (a window of one worker) from the run's seed: the parts' draws are
 * independent of each other, and the run's seed alone replays them all (FNV-1a over the parts).
 */
export function deriveSeed(seed: number, ...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (const char of parts.join('/')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
