import { fmix32, hashString, mix2 } from "./hash.js";

/** Anything that yields uniforms in (0, 1): a stream or a traveller's keyed draws. */
export interface UniformSource {
  /** Next uniform variate, strictly inside (0, 1) so logs and inverse CDFs are finite. */
  next(): number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * A seeded pseudo-random stream: xoshiro128** (Blackman & Vigna), 128-bit
 * state, period 2^128 - 1, 32-bit operations only so it is fast in JS.
 *
 * Streams are split by name: `RandomStream.derive(seed, point, replication,
 * "arrivals")` always gives the same stream, independent of how many other
 * streams exist or in which order they were created. One stream per purpose
 * keeps purposes from stealing each other's numbers when a model changes.
 */
export class RandomStream implements UniformSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(k0: number, k1 = 0, k2 = 0, k3 = 0) {
    // SplitMix-style expansion of the key so that nearby keys give unrelated states.
    let x = fmix32(k0 ^ 0x6a09e667);
    this.s0 = x = fmix32(x + mix2(k1, 0x243f6a88));
    this.s1 = x = fmix32(x + mix2(k2, 0x85a308d3));
    this.s2 = x = fmix32(x + mix2(k3, 0x13198a2e));
    this.s3 = x = fmix32(x + 0x03707344);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    // Discard a few outputs: the first values of a fresh xoshiro state are weak.
    for (let i = 0; i < 8; i++) this.nextUint32();
  }

  /**
   * The stream for (seed, design point, replication, purpose). `seed` may be
   * any safe integer; its high and low 32-bit halves both count.
   */
  static derive(seed: number, point: number, replication: number, name: string): RandomStream {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    return new RandomStream(mix2(lo, hi), point >>> 0, replication >>> 0, hashString(name));
  }

  /** Next raw 32-bit output. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = rotl(n3, 11);
    return r >>> 0;
  }

  /** Uniform in (0, 1) with 32 bits of resolution. */
  next(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Uniform in [0, 1) with 53 bits of resolution (two outputs). */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Integer uniform in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Snapshot of the state, for tests and checkpoints. */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
