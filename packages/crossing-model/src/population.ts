import { hashString, KeyedDraws, mix2, PiecewiseConstantRate, RandomStream } from "@hetao/sim-core";
import { DIRECTIONS, type ResolvedScenario } from "@hetao/scenario";
import { comboIndex, NORTHBOUND, SHUTTLE, SOUTHBOUND, WALK_IN } from "./traveller.js";

const DRAW_CLASS = hashString("traveller:class");
const DRAW_DIRECTION = hashString("traveller:direction");
const DRAW_WHITELIST = hashString("traveller:whitelist");
const DRAW_GOODS = hashString("traveller:goods");

/**
 * The travellers of one simulated day, as a struct of arrays sorted by
 * arrival time. Every policy of a replication simulates this same
 * population: same people, same attributes, same seeds for their draws.
 * 旅客 = Traveller; one row = one person crossing once.
 */
export interface Population {
  readonly size: number;
  readonly arrivalTime: Float64Array;
  readonly classIndex: Uint8Array;
  readonly direction: Uint8Array;
  readonly whitelisted: Uint8Array;
  /** Index into GOODS ("none", "instruments", "reagents", "biological"). */
  readonly goods: Uint8Array;
  readonly arrival: Uint8Array;
  /** Seed of the traveller's counter-based draws. */
  readonly seed: Uint32Array;
  /** Packed attribute combination (see comboIndex). */
  readonly combo: Int32Array;
  /** True when the traveller arrived after the warm-up and counts in statistics. */
  readonly counted: Uint8Array;
}

export interface PopulationOptions {
  seed: number;
  replication: number;
  /**
   * Stream key for the design point. Traveller draws ignore the design point
   * by default (common random numbers across a sweep grid); pass the point
   * here only to make points independent.
   */
  pointKey?: number;
}

/**
 * Generate the day's travellers: walk-ins from the non-homogeneous Poisson
 * demand profile (exact inversion, scaled by the demand multiplier) plus
 * shuttle-bus batches, then each traveller's attributes from its own keyed
 * draws. Walk-in number i always has the same seed, so a traveller keeps its
 * class, whitelist draw and goods when demand or coverage is swept.
 */
export function generatePopulation(scenario: ResolvedScenario, o: PopulationOptions): Population {
  const pointKey = o.pointKey ?? 0;
  const arrivals = RandomStream.derive(o.seed, pointKey, o.replication, "walk-in-arrivals");
  const seeds = RandomStream.derive(o.seed, pointKey, o.replication, "traveller-seeds");
  const walkBase = seeds.nextUint32();
  const shuttleBase = seeds.nextUint32();

  const { day, demand } = scenario;
  const edges: number[] = [];
  const rates: number[] = [];
  let cursor = day.open;
  for (const p of demand.profile) {
    if (p.from > cursor) {
      edges.push(cursor);
      rates.push(0);
    }
    edges.push(p.from);
    rates.push(p.ratePerHour / 3600);
    cursor = p.to;
  }
  edges.push(cursor);
  const rate = new PiecewiseConstantRate(edges, rates);

  const walkTimes: number[] = [];
  for (let t = rate.nextArrival(day.open, arrivals, demand.multiplier); t < day.close; t = rate.nextArrival(t, arrivals, demand.multiplier)) {
    walkTimes.push(t);
  }
  let shuttleCount = 0;
  for (const s of demand.shuttles) shuttleCount += s.passengers;
  const n = walkTimes.length + shuttleCount;

  const pop = {
    size: n,
    arrivalTime: new Float64Array(n),
    classIndex: new Uint8Array(n),
    direction: new Uint8Array(n),
    whitelisted: new Uint8Array(n),
    goods: new Uint8Array(n),
    arrival: new Uint8Array(n),
    seed: new Uint32Array(n),
    combo: new Int32Array(n),
    counted: new Uint8Array(n),
  };

  // Merge walk-ins and shuttle passengers by time; at equal times walk-ins
  // come first, then buses in timetable order, then seats in order.
  let i = 0;
  let w = 0;
  const shuttles = demand.shuttles;
  let b = 0;
  while (w < walkTimes.length || b < shuttles.length) {
    const tw = w < walkTimes.length ? walkTimes[w]! : Number.POSITIVE_INFINITY;
    const tb = b < shuttles.length ? shuttles[b]!.time : Number.POSITIVE_INFINITY;
    if (tw <= tb) {
      pop.arrivalTime[i] = tw;
      pop.arrival[i] = WALK_IN;
      pop.seed[i] = mix2(walkBase, w);
      pop.direction[i] = 255; // drawn below, depends on time
      i++;
      w++;
    } else {
      const s = shuttles[b]!;
      for (let k = 0; k < s.passengers; k++) {
        pop.arrivalTime[i] = tb;
        pop.arrival[i] = SHUTTLE;
        pop.seed[i] = mix2(shuttleBase, b * 65536 + k);
        pop.direction[i] = DIRECTIONS.indexOf(s.direction);
        i++;
      }
      b++;
    }
  }

  const classes = scenario.travellers.classes;
  const classCum = new Float64Array(classes.length);
  let acc = 0;
  classes.forEach((c, k) => {
    acc += c.share;
    classCum[k] = acc;
  });
  classCum[classes.length - 1] = 1;
  const g = scenario.travellers.goods;
  const goodsCum = [g.instruments, g.instruments + g.reagents, g.instruments + g.reagents + g.biological];
  const coverage = scenario.travellers.whitelist.coverage;
  const southbound = demand.southboundShare;
  const warmEnd = day.open + scenario.warmup;

  for (let k = 0; k < n; k++) {
    const seed = pop.seed[k]!;
    const uc = KeyedDraws.uniform(seed, DRAW_CLASS);
    let cls = 0;
    while (cls < classes.length - 1 && uc >= classCum[cls]!) cls++;
    pop.classIndex[k] = cls;
    if (pop.direction[k] === 255) {
      const t = pop.arrivalTime[k]!;
      let share = 0;
      for (const win of southbound) {
        if (t >= win.from && t < win.to) {
          share = win.share;
          break;
        }
      }
      pop.direction[k] = KeyedDraws.uniform(seed, DRAW_DIRECTION) < share ? SOUTHBOUND : NORTHBOUND;
    }
    const eligible = classes[cls]!.whitelistEligible;
    pop.whitelisted[k] = eligible && KeyedDraws.uniform(seed, DRAW_WHITELIST) < coverage ? 1 : 0;
    const ug = KeyedDraws.uniform(seed, DRAW_GOODS);
    pop.goods[k] = ug < goodsCum[0]! ? 1 : ug < goodsCum[1]! ? 2 : ug < goodsCum[2]! ? 3 : 0;
    pop.combo[k] = comboIndex(cls, pop.direction[k]!, pop.whitelisted[k]!, pop.goods[k]!, pop.arrival[k]!);
    pop.counted[k] = pop.arrivalTime[k]! >= warmEnd ? 1 : 0;
  }
  return pop;
}
