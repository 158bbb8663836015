/**
 * Student t and standard normal distribution functions, accurate to near double precision,
 * for confidence intervals. Written here rather than pulled in as a dependency so the
 * package stays dependency-free and results are reproducible bit-for-bit.
 */

const LOG_SQRT_2PI = 0.9189385332046728; // ln(sqrt(2*pi))
const SQRT_2PI = 2.5066282746310002;
const LOG_GAMMA_HALF = 0.5723649429247001; // ln(Gamma(1/2)) = ln(sqrt(pi))
const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 100_000;

/** Lanczos approximation (g = 7, n = 9), relative error ~1e-15. */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** ln|Gamma(x)|; reflection formula below 1/2. */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum: number = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for I_x(a, b) (modified Lentz), converging fast for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`regularizedIncompleteBeta: no convergence for x=${x}, a=${a}, b=${b}`);
}

/** lnGamma(x) - [(x - 1/2) ln x - x + ln sqrt(2 pi)] by its asymptotic series; error < 3e-16 for x >= 15. */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r / 1188)))) / x;
}

const STIRLING_MIN = 15;

/**
 * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a+b). For large arguments the three
 * log-gammas are huge and nearly cancel (df = 1e8 would lose 7 digits), so the difference is
 * formed analytically from Stirling's series instead.
 */
function logBeta(a: number, b: number): number {
  const small = a < b ? a : b;
  const big = a < b ? b : a;
  if (big < STIRLING_MIN) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const sum = a + b;
  if (small < STIRLING_MIN) {
    return (
      logGamma(small) +
      stirlingCorrection(big) -
      stirlingCorrection(sum) -
      small * Math.log(sum) +
      small -
      (big - 0.5) * Math.log1p(small / big)
    );
  }
  return (
    LOG_SQRT_2PI -
    (a - 0.5) * Math.log1p(b / a) -
    (b - 0.5) * Math.log1p(a / b) -
    0.5 * Math.log(sum) +
    stirlingCorrection(a) +
    stirlingCorrection(b) -
    stirlingCorrection(sum)
  );
}

/**
 * I_x(a, b) given x, y = 1 - x and their logarithms, so callers that know them more precisely
 * than 1 - x and Math.log(x) (as the t distribution does) keep full accuracy for large a, b.
 */
function incompleteBeta(x: number, y: number, logX: number, logY: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return Math.min(1, (front * betaContinuedFraction(x, a, b)) / a);
  return Math.max(0, 1 - (front * betaContinuedFraction(y, b, a)) / b);
}

/**
 * Regularized incomplete beta I_x(a, b), a, b > 0. The continued fraction is evaluated on
 * whichever side converges; results are accurate in relative terms when small.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`regularizedIncompleteBeta: a and b must be > 0, got ${a}, ${b}`);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return incompleteBeta(x, 1 - x, Math.log(x), Math.log1p(-x), a, b);
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`Student t: degrees of freedom must be > 0, got ${df}`);
}

/*
 * With s = t^2/df, P(|T| > t) = I_{1/(1+s)}(df/2, 1/2) and P(|T| <= t) = I_{s/(1+s)}(1/2, df/2).
 * Both arguments and their logarithms are formed from s directly (ln(1/(1+s)) = -log1p(s)),
 * since multiplying a rounded ln x by df/2 would cost accuracy for large df. The split at
 * s = 3/(df+2) is where each continued fraction converges directly, so the tail is never
 * obtained as 0.5 minus something close to 0.5 (which would lose all relative accuracy).
 */

/** True when P(T > t) should be computed directly rather than as 0.5 - P(0 < T <= t). */
function inTail(s: number, df: number): boolean {
  return s * (df + 2) >= 3;
}

/** P(T > t) for t >= 0, accurate in relative terms in the tail. */
function upperTail(t: number, df: number): number {
  const s = (t * t) / df;
  if (!inTail(s, df)) return 0.5 - central(t, df);
  if (s > 1e300) {
    // x = 1/(1+s) is below 1e-300: I_x(a, 1/2) = x^a / (a B(a, 1/2)) to double precision; in logs so t^2 may overflow.
    const a = df / 2;
    return (0.5 * Math.exp(-a * (2 * Math.log(t) - Math.log(df)) - logBeta(a, 0.5))) / a;
  }
  const l = Math.log1p(s);
  return 0.5 * incompleteBeta(1 / (1 + s), s / (1 + s), -l, Math.log(s) - l, df / 2, 0.5);
}

/** P(0 < T <= t) for t >= 0, accurate in relative terms near 0. */
function central(t: number, df: number): number {
  const s = (t * t) / df;
  if (inTail(s, df)) return 0.5 - upperTail(t, df);
  if (s === 0) return 0;
  const l = Math.log1p(s);
  return 0.5 * incompleteBeta(s / (1 + s), 1 / (1 + s), Math.log(s) - l, -l, 0.5, df / 2);
}

/**
 * Above this many degrees of freedom the Cornish-Fisher expansion is exact to double precision
 * (its first omitted term is below 1e-13 relative even at |z| = 38), while the continued
 * fractions start losing digits to cancellation (about 1e-11 at df = 1e6, 1e-7 at df = 1e10).
 */
const ASYMPTOTIC_DF = 1e5;

/** Cornish-Fisher expansion of the t quantile in powers of 1/df (Abramowitz & Stegun 26.7.5). */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z2 + 1) / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
  return z * (1 + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df);
}

/** d/dz of {@link cornishFisher}. */
function cornishFisherSlope(z: number, df: number): number {
  const z2 = z * z;
  const d1 = (3 * z2 + 1) / 4;
  const d2 = ((25 * z2 + 48) * z2 + 3) / 96;
  const d3 = (((21 * z2 + 95) * z2 + 51) * z2 - 15) / 384;
  const d4 = ((((711 * z2 + 5432) * z2 + 7410) * z2 - 5760) * z2 - 945) / 92160;
  return 1 + (d1 + (d2 + (d3 + d4 / df) / df) / df) / df;
}

/** CDF for df >= ASYMPTOTIC_DF: Phi(z) where z solves cornishFisher(z) = t (Newton; the map is increasing there). */
function asymptoticCdf(t: number, df: number): number {
  if (t > 60) return 1; // true upper tail < 1e-700 for df >= 1e5
  if (t < -60) return 0;
  let z = t;
  for (let iter = 0; iter < 50; iter++) {
    const step = (cornishFisher(z, df) - t) / cornishFisherSlope(z, df);
    z -= step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(z))) break;
  }
  return normalCdf(z);
}

/** P(T <= t) for Student's t with `df` (> 0, not necessarily integer) degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (df === Infinity) return normalCdf(t);
  if (df >= ASYMPTOTIC_DF) return asymptoticCdf(t, df);
  return t >= 0 ? 1 - upperTail(t, df) : upperTail(-t, df);
}

/**
 * Solves P(T > t) = q for t > 0, q in (0, 1/2), by safeguarded Newton iteration in u = ln t.
 * In the tail ln P(T > t) is almost linear in ln t (slope -df), so Newton converges in a few
 * steps even for Cauchy-like tails; a bracket with bisection guarantees convergence regardless.
 * Near the centre it works on ln P(0 < T <= t) instead, which keeps relative accuracy for tiny t.
 */
function solveUpperTail(q: number, df: number): number {
  const useCentral = q > 0.25;
  const target = Math.log(useCentral ? 0.5 - q : q);
  const logPdfConst = -logBeta(df / 2, 0.5) - 0.5 * Math.log(df);

  // Cornish-Fisher expansion as a starting point; poor for small df, which the bracket absorbs.
  let guess = cornishFisher(-normalQuantile(q), df);
  if (!(guess > 0 && Number.isFinite(guess))) guess = 1;

  let u = Math.log(guess);
  let lo = -Infinity; // h(lo) < 0
  let hi = Infinity; // h(hi) > 0
  for (let iter = 0; iter < 500; iter++) {
    const t = Math.exp(u);
    const f = useCentral ? central(t, df) : upperTail(t, df);
    // h is increasing in u and vanishes at the root.
    const h = useCentral ? Math.log(f) - target : target - Math.log(f);
    if (h === 0) return t;
    if (h < 0) lo = u;
    else hi = u;
    // dh/du = t pdf(t) / f, formed in logs because pdf(t) underflows long before f does.
    const s = (t * t) / df;
    const logPdf = logPdfConst - ((df + 1) / 2) * (s > 1e300 ? 2 * u - Math.log(df) : Math.log1p(s));
    const step = h / Math.exp(u + logPdf - Math.log(f));
    // Errors in u are relative errors in t; a Newton step this small leaves a negligible one.
    const tol = 1e-12 + 1e-15 * Math.abs(u);
    if (Math.abs(step) <= tol) return Math.exp(u - step);
    if (hi - lo <= tol) return Math.exp(0.5 * (lo + hi));
    let next = u - step;
    if (!(next > lo && next < hi)) {
      if (lo === -Infinity) next = hi - 2;
      else if (hi === Infinity) next = lo + 2;
      else next = 0.5 * (lo + hi);
    }
    u = next;
  }
  return Math.exp(u);
}

/**
 * Quantile of Student's t: the t with P(T <= t) = p, for any df > 0 (Infinity gives the normal).
 * Closed forms for df = 1 and 2, the Cornish-Fisher expansion for df >= 1e5, otherwise the CDF
 * inverted numerically; relative error ~1e-12 or better throughout (see the tests).
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  if (df >= ASYMPTOTIC_DF) return cornishFisher(normalQuantile(p), df);
  const upper = p > 0.5;
  const q = upper ? 1 - p : p; // exact for p > 1/2 (Sterbenz)
  let t: number;
  if (df === 1) t = q > 0.25 ? Math.tan(Math.PI * (0.5 - q)) : 1 / Math.tan(Math.PI * q); // 0.5 - q is exact for q > 1/4
  else if (df === 2) t = (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  else t = solveUpperTail(q, df);
  return upper ? t : -t;
}

/**
 * Regularized incomplete gamma at a = 1/2, the building block of erf/erfc:
 * P(1/2, x) = erf(sqrt x), Q(1/2, x) = erfc(sqrt x). Series for P when x < 3/2, continued
 * fraction for Q otherwise; each is accurate in relative terms in its own range.
 */
function gammaPHalfSeries(x: number): number {
  const a = 0.5;
  if (x <= 0) return 0;
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - LOG_GAMMA_HALF);
}

function gammaQHalfFraction(x: number): number {
  const a = 0.5;
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - LOG_GAMMA_HALF) * h;
}

/** Below this x^2/2 the series (central part) is used, above it the continued fraction (tail). */
const SERIES_LIMIT = 1.5;

/**
 * Phi(x) - q for x <= 0, computed without cancellation: near the centre from the central
 * mass P(1/2, x^2/2), in the tail from Q(1/2, x^2/2).
 */
function lowerCdfMinus(x: number, q: number): number {
  const h = 0.5 * x * x;
  return h < SERIES_LIMIT ? 0.5 - q - 0.5 * gammaPHalfSeries(h) : 0.5 * gammaQHalfFraction(h) - q;
}

/** Standard normal CDF, accurate in relative terms in the lower tail and near 0. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const h = 0.5 * x * x;
  if (h < SERIES_LIMIT) {
    const half = 0.5 * gammaPHalfSeries(h);
    return x < 0 ? 0.5 - half : 0.5 + half;
  }
  const tail = 0.5 * gammaQHalfFraction(h);
  return x < 0 ? tail : 1 - tail;
}

// Acklam's rational approximation (relative error 1.15e-9), refined by one Halley step.
const A1 = -3.969683028665376e1, A2 = 2.209460984245205e2, A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2, A5 = -3.066479806614716e1, A6 = 2.506628277459239;
const B1 = -5.447609879822406e1, B2 = 1.615858368580409e2, B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1, B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3, C2 = -3.223964580411365e-1, C3 = -2.400758277161838;
const C4 = -2.549732539343734, C5 = 4.374664141464968, C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3, D2 = 3.224671290700398e-1, D3 = 2.445134137142996, D4 = 3.754408661907416;
const P_LOW = 0.02425;

/** Quantile for q <= 1/2 (result <= 0), where the lower-tail CDF is accurate. */
function lowerNormalQuantile(q: number): number {
  let x: number;
  if (q < P_LOW) {
    const r = Math.sqrt(-2 * Math.log(q));
    x = (((((C1 * r + C2) * r + C3) * r + C4) * r + C5) * r + C6) / ((((D1 * r + D2) * r + D3) * r + D4) * r + 1);
  } else {
    const s = q - 0.5;
    const r = s * s;
    x = ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * s) / (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
  }
  const u = lowerCdfMinus(x, q) * SQRT_2PI * Math.exp(0.5 * x * x);
  return Number.isFinite(u) ? x - u / (1 + 0.5 * x * u) : x;
}

/** Standard normal quantile: the x with Phi(x) = p. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return p > 0.5 ? -lowerNormalQuantile(1 - p) : lowerNormalQuantile(p);
}
