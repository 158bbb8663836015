/**
 * Closed-form queueing results, used to validate the simulation kernel against theory and for
 * quick capacity planning (how many e-gates or counters a demand level needs).
 * Notation: lambda = arrival rate, mu = service rate per server, c = servers, a = lambda/mu
 * (offered load in Erlangs), rho = a/c. All throw RangeError for unstable systems (rho >= 1).
 */

function checkServers(c: number): void {
  if (!Number.isSafeInteger(c) || c < 1) throw new RangeError(`number of servers must be a positive integer, got ${c}`);
}

function checkRates(lambda: number, mu: number): void {
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new RangeError(`arrival rate must be finite and >= 0, got ${lambda}`);
  if (!(mu > 0 && Number.isFinite(mu))) throw new RangeError(`service rate must be finite and > 0, got ${mu}`);
}

/**
 * Erlang B blocking probability for c servers and offered load a, by the recursion
 * B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which never forms a^c or c! and so stays
 * stable for thousands of servers.
 */
export function erlangB(c: number, offeredLoad: number): number {
  checkServers(c);
  if (!(offeredLoad >= 0 && Number.isFinite(offeredLoad))) throw new RangeError(`offered load must be finite and >= 0, got ${offeredLoad}`);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return b;
}

/** Erlang C: probability that an arrival to an M/M/c queue waits, C = cB / (c - a(1 - B)). */
export function erlangC(c: number, offeredLoad: number): number {
  const b = erlangB(c, offeredLoad);
  if (offeredLoad >= c) throw new RangeError(`unstable M/M/c: offered load ${offeredLoad} >= ${c} servers`);
  return (c * b) / (c - offeredLoad * (1 - b));
}

function mmcParts(lambda: number, mu: number, c: number): { pWait: number; drain: number } {
  checkRates(lambda, mu);
  checkServers(c);
  return { pWait: erlangC(c, lambda / mu), drain: c * mu - lambda };
}

/** M/M/c mean wait in queue Wq = C / (c mu - lambda). */
export function mmcMeanWait(lambda: number, mu: number, c: number): number {
  const { pWait, drain } = mmcParts(lambda, mu, c);
  return pWait / drain;
}

/** M/M/c mean number waiting Lq = lambda Wq (Little's law). */
export function mmcMeanQueueLength(lambda: number, mu: number, c: number): number {
  return lambda * mmcMeanWait(lambda, mu, c);
}

/** M/M/c P(Wq > t) = C exp(-(c mu - lambda) t); 1 for t < 0. */
export function mmcWaitTailProbability(lambda: number, mu: number, c: number, t: number): number {
  if (Number.isNaN(t)) throw new RangeError("mmcWaitTailProbability: t is NaN");
  const { pWait, drain } = mmcParts(lambda, mu, c);
  return t < 0 ? 1 : pWait * Math.exp(-drain * t);
}

/**
 * Smallest number of servers c with rho < 1 for which `predicate(c)` holds, e.g.
 * `c => mmcMeanWait(lambda, mu, c) <= 60`. Predicates are assumed monotone in c;
 * throws RangeError if none up to `maxServers` qualifies.
 */
export function mmcMinServers(
  lambda: number,
  mu: number,
  predicate: (c: number) => boolean,
  maxServers = 100_000,
): number {
  checkRates(lambda, mu);
  for (let c = Math.floor(lambda / mu) + 1; c <= maxServers; c++) {
    if (predicate(c)) return c;
  }
  throw new RangeError(`mmcMinServers: no c <= ${maxServers} satisfies the predicate`);
}

/**
 * M/G/1 mean wait in queue (Pollaczek-Khinchine): Wq = lambda E[S^2] / (2 (1 - rho)),
 * rho = lambda E[S]. Needs only the first two moments of the service time.
 */
export function pollaczekKhinchineMeanWait(lambda: number, meanService: number, serviceSecondMoment: number): number {
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new RangeError(`arrival rate must be finite and >= 0, got ${lambda}`);
  if (!(meanService > 0 && Number.isFinite(meanService))) throw new RangeError(`mean service time must be finite and > 0, got ${meanService}`);
  if (!(serviceSecondMoment >= meanService * meanService && Number.isFinite(serviceSecondMoment))) {
    throw new RangeError(`service second moment ${serviceSecondMoment} must be >= mean^2 = ${meanService * meanService}`);
  }
  const rho = lambda * meanService;
  if (rho >= 1) throw new RangeError(`unstable M/G/1: rho = ${rho} >= 1`);
  return (lambda * serviceSecondMoment) / (2 * (1 - rho));
}
