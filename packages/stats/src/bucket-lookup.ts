/**
 * The bucket position of a LogHistogram value without a logarithm, equal bit for bit to
 * ceil(log(x) / log(gamma)) - minIndex: recording is on the simulator's hot path (several values per
 * traveller), and Math.log was most of its cost.
 *
 * How: `lower[p]` is the smallest double whose position (by the logarithm) is at least p, found once
 * per configuration by stepping ulp by ulp around gamma^(p-1). A value's top bits (exponent and the
 * first `sub` mantissa bits) name a slice of its octave narrower than a bucket; `start[slice]` is the
 * position of the slice's smallest trackable value, and at most a step or two up the `lower` table
 * gives the value's own. The logarithm is monotone, so the boundaries say everything; a test checks
 * every boundary and its neighbourhood against the logarithm.
 */
export interface BucketLookup {
  /** lower[p]: smallest double at position >= p (lower[0] = minTrackable); lower[size] = +Infinity. */
  readonly lower: Float64Array;
  /** start[slice - firstSlice]: position of the smallest trackable value in the slice. */
  readonly start: Int32Array;
  /** Right shift of a double's high 32 bits that leaves its slice number. */
  readonly shift: number;
  readonly firstSlice: number;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const U64 = new BigUint64Array(F64.buffer);
/** Index of the high 32-bit word of a double in U32 (1 on little-endian machines). */
export const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** Slices per octave at most 2^20 (the mantissa bits in the high word); tables above this size are not built. */
const MAX_SLICES = 1 << 20;

/** The slice number of positive finite x under `shift` (reads the double's high word). */
export function sliceOf(x: number, shift: number): number {
  F64[0] = x;
  return U32[HIGH_WORD]! >>> shift;
}

function nextUp(x: number): number {
  F64[0] = x;
  U64[0] = U64[0]! + 1n;
  return F64[0]!;
}

function nextDown(x: number): number {
  F64[0] = x;
  U64[0] = U64[0]! - 1n;
  return F64[0]!;
}

const cache = new Map<string, BucketLookup | null>();

/**
 * The lookup of a histogram configuration (cached per configuration), or null when its tables would be
 * too large. `position(x)` must be the histogram's definition for minTrackable <= x <= maxTrackable,
 * monotone and with `size` positions; position p begins near gamma^(minIndex + p - 1).
 */
export function bucketLookup(
  key: string,
  minTrackable: number,
  maxTrackable: number,
  gamma: number,
  logGamma: number,
  minIndex: number,
  size: number,
  position: (x: number) => number,
): BucketLookup | null {
  let lookup = cache.get(key);
  if (lookup !== undefined) return lookup;
  lookup = build(minTrackable, maxTrackable, gamma, logGamma, minIndex, size, position);
  cache.set(key, lookup);
  return lookup;
}

function build(
  lo: number,
  hi: number,
  gamma: number,
  logGamma: number,
  minIndex: number,
  size: number,
  position: (x: number) => number,
): BucketLookup | null {
  // Slices narrower than a bucket (ratio 2^(2^-sub) < gamma), so that a slice spans at most one boundary.
  let sub = 0;
  while (sub < 20 && Math.pow(2, Math.pow(2, -sub)) >= gamma) sub++;
  if (Math.pow(2, Math.pow(2, -sub)) >= gamma) return null;
  const shift = 20 - sub;
  const firstSlice = sliceOf(lo, shift);
  const slices = sliceOf(hi, shift) - firstSlice + 1;
  if (slices > MAX_SLICES || size > MAX_SLICES) return null;
  const lower = new Float64Array(size + 1);
  lower[0] = lo;
  lower[size] = Number.POSITIVE_INFINITY;
  for (let p = 1; p < size; p++) {
    // Position p starts just above gamma^(minIndex + p - 1) (within a few ulps): walk to its exact first double.
    let x = Math.exp((minIndex + p - 1) * logGamma);
    if (!(x > lower[p - 1]!)) x = nextUp(lower[p - 1]!);
    if (x > hi) x = hi;
    while (x > lower[p - 1]! && position(x) >= p) x = nextDown(x);
    while (position(x) < p) x = nextUp(x);
    lower[p] = x;
  }
  const start = new Int32Array(slices);
  for (let s = 0; s < slices; s++) {
    // The smallest double of the slice: its high word, low word zero.
    U32[HIGH_WORD] = (s + firstSlice) << shift;
    U32[1 - HIGH_WORD] = 0;
    const first = F64[0]!;
    start[s] = position(first < lo ? lo : first);
  }
  return { lower, start, shift, firstSlice };
}

/** The bucket position of minTrackable <= x <= maxTrackable (see the module comment). */
export function lookupPosition(lookup: BucketLookup, x: number): number {
  F64[0] = x;
  const lower = lookup.lower;
  let p = lookup.start[(U32[HIGH_WORD]! >>> lookup.shift) - lookup.firstSlice]!;
  while (x >= lower[p + 1]!) p++;
  return p;
}
