import { inverseNormalCdf } from "./normal.js";
import type { UniformSource } from "./random-stream.js";

/**
 * A random duration (seconds in this project). `sample` draws from any
 * uniform source and allocates nothing. Invertible distributions consume
 * exactly one uniform per variate (inverse CDF), so a traveller's service
 * draw lines up across policies; gamma uses rejection and Erlang-k uses k.
 */
export interface Distribution {
  readonly kind: string;
  readonly mean: number;
  readonly variance: number;
  sample(u: UniformSource): number;
}

/** Plain description of a distribution, as written in scenario files. */
export type DistributionSpec =
  | { kind: "exponential"; mean: number }
  | { kind: "lognormal"; mean: number; sd: number; min?: number | undefined }
  | { kind: "gamma"; mean: number; sd: number }
  | { kind: "erlang"; k: number; mean: number }
  | { kind: "triangular"; min: number; mode: number; max: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "deterministic"; value: number }
  | { kind: "empirical"; values: readonly number[]; weights?: readonly number[] | undefined };

export class Exponential implements Distribution {
  readonly kind = "exponential";
  readonly variance: number;
  constructor(readonly mean: number) {
    if (!(mean > 0)) throw new RangeError(`exponential mean must be > 0, got ${mean}`);
    this.variance = mean * mean;
  }
  sample(u: UniformSource): number {
    return -this.mean * Math.log(u.next());
  }
}

/**
 * Lognormal given its mean and standard deviation, optionally shifted by a
 * minimum: X = min + Y with Y lognormal of mean (mean - min) and sd `sd`, so
 * the stated mean is exact and no draw falls below the physical minimum.
 */
export class Lognormal implements Distribution {
  readonly kind = "lognormal";
  readonly variance: number;
  private readonly mu: number;
  private readonly sigma: number;
  constructor(
    readonly mean: number,
    readonly sd: number,
    readonly min = 0,
  ) {
    const m = mean - min;
    if (!(m > 0)) throw new RangeError(`lognormal mean (${mean}) must exceed its minimum (${min})`);
    if (!(sd >= 0)) throw new RangeError(`lognormal sd must be >= 0, got ${sd}`);
    const s2 = Math.log(1 + (sd * sd) / (m * m));
    this.sigma = Math.sqrt(s2);
    this.mu = Math.log(m) - s2 / 2;
    this.variance = sd * sd;
  }
  sample(u: UniformSource): number {
    const x = u.next();
    if (this.sigma === 0) return this.mean;
    return this.min + Math.exp(this.mu + this.sigma * inverseNormalCdf(x));
  }
}

/** Gamma given mean and sd (shape (mean/sd)^2), by Marsaglia & Tsang (2000). */
export class Gamma implements Distribution {
  readonly kind = "gamma";
  readonly variance: number;
  private readonly shape: number;
  private readonly scale: number;
  private readonly d: number;
  private readonly c: number;
  constructor(
    readonly mean: number,
    readonly sd: number,
  ) {
    if (!(mean > 0) || !(sd > 0)) throw new RangeError(`gamma needs mean > 0 and sd > 0, got ${mean}, ${sd}`);
    this.shape = (mean / sd) ** 2;
    this.scale = (sd * sd) / mean;
    this.variance = sd * sd;
    const k = this.shape < 1 ? this.shape + 1 : this.shape;
    this.d = k - 1 / 3;
    this.c = 1 / Math.sqrt(9 * this.d);
  }
  sample(u: UniformSource): number {
    const d = this.d;
    const c = this.c;
    let x: number;
    for (;;) {
      const z = inverseNormalCdf(u.next());
      const v0 = 1 + c * z;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const w = u.next();
      if (Math.log(w) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        x = d * v;
        break;
      }
    }
    // Shape < 1: boost from shape + 1 (Marsaglia & Tsang, section 6).
    if (this.shape < 1) x *= Math.pow(u.next(), 1 / this.shape);
    return x * this.scale;
  }
}

/** Erlang-k: the sum of k exponentials with total mean `mean`. */
export class Erlang implements Distribution {
  readonly kind = "erlang";
  readonly variance: number;
  constructor(
    readonly k: number,
    readonly mean: number,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`erlang k must be an integer >= 1, got ${k}`);
    if (!(mean > 0)) throw new RangeError(`erlang mean must be > 0, got ${mean}`);
    this.variance = (mean * mean) / k;
  }
  sample(u: UniformSource): number {
    let s = 0;
    for (let i = 0; i < this.k; i++) s -= Math.log(u.next());
    return (s * this.mean) / this.k;
  }
}

export class Triangular implements Distribution {
  readonly kind = "triangular";
  readonly mean: number;
  readonly variance: number;
  private readonly fc: number;
  constructor(
    readonly min: number,
    readonly mode: number,
    readonly max: number,
  ) {
    if (!(min <= mode && mode <= max && min < max)) {
      throw new RangeError(`triangular needs min <= mode <= max and min < max, got ${min}, ${mode}, ${max}`);
    }
    this.mean = (min + mode + max) / 3;
    this.variance = (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18;
    this.fc = (mode - min) / (max - min);
  }
  sample(u: UniformSource): number {
    const x = u.next();
    const w = this.max - this.min;
    return x < this.fc
      ? this.min + Math.sqrt(x * w * (this.mode - this.min))
      : this.max - Math.sqrt((1 - x) * w * (this.max - this.mode));
  }
}

export class Uniform implements Distribution {
  readonly kind = "uniform";
  readonly mean: number;
  readonly variance: number;
  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    if (!(max > min)) throw new RangeError(`uniform needs max > min, got ${min}, ${max}`);
    this.mean = (min + max) / 2;
    this.variance = ((max - min) * (max - min)) / 12;
  }
  sample(u: UniformSource): number {
    return this.min + (this.max - this.min) * u.next();
  }
}

/** A constant. Still consumes one uniform, so swapping it for a random law keeps other draws aligned. */
export class Deterministic implements Distribution {
  readonly kind = "deterministic";
  readonly variance = 0;
  constructor(readonly mean: number) {
    if (!(mean >= 0)) throw new RangeError(`deterministic value must be >= 0, got ${mean}`);
  }
  sample(u: UniformSource): number {
    u.next();
    return this.mean;
  }
}

/** A discrete distribution over given values with weights (equal weights by default). */
export class Empirical implements Distribution {
  readonly kind = "empirical";
  readonly mean: number;
  readonly variance: number;
  private readonly values: Float64Array;
  private readonly cumulative: Float64Array;
  constructor(values: readonly number[], weights?: readonly number[]) {
    if (values.length === 0) throw new RangeError("empirical needs at least one value");
    if (weights && weights.length !== values.length) throw new RangeError("empirical weights must match values");
    this.values = Float64Array.from(values);
    this.cumulative = new Float64Array(values.length);
    let total = 0;
    for (let i = 0; i < values.length; i++) {
      const w = weights ? weights[i]! : 1;
      if (!(w >= 0)) throw new RangeError(`empirical weight must be >= 0, got ${w}`);
      total += w;
      this.cumulative[i] = total;
    }
    if (!(total > 0)) throw new RangeError("empirical weights must have a positive sum");
    let m = 0;
    let m2 = 0;
    for (let i = 0; i < values.length; i++) {
      const p = (weights ? weights[i]! : 1) / total;
      m += p * values[i]!;
      m2 += p * values[i]! * values[i]!;
    }
    for (let i = 0; i < values.length; i++) this.cumulative[i] = this.cumulative[i]! / total;
    this.cumulative[values.length - 1] = 1;
    this.mean = m;
    this.variance = Math.max(0, m2 - m * m);
  }
  sample(u: UniformSource): number {
    const x = u.next();
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return this.values[lo]!;
  }
}

/** Build a sampler from its plain description. */
export function createDistribution(spec: DistributionSpec): Distribution {
  switch (spec.kind) {
    case "exponential":
      return new Exponential(spec.mean);
    case "lognormal":
      return new Lognormal(spec.mean, spec.sd, spec.min ?? 0);
    case "gamma":
      return new Gamma(spec.mean, spec.sd);
    case "erlang":
      return new Erlang(spec.k, spec.mean);
    case "triangular":
      return new Triangular(spec.min, spec.mode, spec.max);
    case "uniform":
      return new Uniform(spec.min, spec.max);
    case "deterministic":
      return new Deterministic(spec.value);
    case "empirical":
      return new Empirical(spec.values, spec.weights);
  }
}
