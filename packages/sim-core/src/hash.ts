/**
 * 32-bit integer hashing used to derive seeds and counter-based draws.
 * fmix32 is MurmurHash3's finaliser: every input bit affects every output bit.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combine two 32-bit values into one well-mixed 32-bit value. */
export function mix2(a: number, b: number): number {
  return fmix32((fmix32(a ^ 0x9e3779b9) + Math.imul(b ^ 0x7f4a7c15, 0x27d4eb2f)) | 0);
}

/** FNV-1a over the UTF-16 code units of a string, finished with fmix32. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

const TWO_POW_32 = 4294967296;

/**
 * A counter-based uniform in the open interval (0, 1): a pure function of
 * (key, counter). Used for per-traveller draws, so the n-th draw of a named
 * purpose for a given traveller is the same under every policy (common random
 * numbers) no matter in which order the model asks for it.
 */
export function hashUniform(key: number, counter: number): number {
  // Two finaliser rounds: the first spreads (key, counter) over all bits,
  // the second removes the remaining structure of adjacent keys/counters.
  const h = fmix32(fmix32((key + Math.imul(counter, 0x9e3779b9)) | 0) ^ 0x632be5ab);
  return (h + 0.5) / TWO_POW_32;
}
