/**
 * Seeded randomness that can be evaluated at any coordinate directly: `hashUniform(seed, a, b, ...)`
 * is a pure function, so the simulator never has to walk a sequence from the beginning of time.
 */

const TWO_POW_32 = 4_294_967_296;

/** Sequential generator (mulberry32): uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

function rotateLeft(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits));
}

/** One MurmurHash3 block step. */
function mixWord(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = rotateLeft(k, 15);
  k = Math.imul(k, 0x1b873593);
  const h = rotateLeft(hash ^ k, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Uniform number in [0, 1) determined by the seed and the integer keys (safe integers; fractions are
 * truncated). Different key lists give independent-looking values.
 */
export function hashUniform(seed: number, ...keys: number[]): number {
  let hash = mixWord(0x9e3779b9, seed >>> 0);
  hash = mixWord(hash, Math.floor(seed / TWO_POW_32));
  for (const key of keys) {
    hash = mixWord(hash, key >>> 0);
    hash = mixWord(hash, Math.floor(key / TWO_POW_32));
  }
  return finalize(hash ^ keys.length) / TWO_POW_32;
}

/** Standard normal variate from two independent uniforms in [0, 1) (Box-Muller). */
export function standardNormal(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/** Standard normal variate determined by the seed and the integer keys. */
export function hashNormal(seed: number, ...keys: number[]): number {
  return standardNormal(hashUniform(seed, ...keys, 1), hashUniform(seed, ...keys, 2));
}
