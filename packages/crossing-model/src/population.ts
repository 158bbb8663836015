import { hashString, KeyedDraws, mix2, PiecewiseConstantRate, RandomStream } from "@hetao/sim-core";
import { DIRECTIONS, type ResolvedScenario } from "@hetao/scenario";
import { cumulativeGoods, zoneOf, type Zone } from "./zone.js";
import { BEYOND_ZONE, comboIndex, IN_ZONE, NORTHBOUND, SHUTTLE, SOUTHBOUND, WALK_IN } from "./traveller.js";

const DRAW_CLASS = hashString("traveller:class");
const DRAW_DIRECTION = hashString("traveller:direction");
const DRAW_WHITELIST = hashString("traveller:whitelist");
const DRAW_GOODS = hashString("traveller:goods");
const DRAW_TOUR = hashString("traveller:tour-return");
const DRAW_TOUR_PICK = hashString("traveller:tour-pick");
const DRAW_PERSON = hashString("traveller:person");
const DRAW_DESTINATION = hashString("traveller:destination");
const DRAW_ENROL = hashString("traveller:enrolled");

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
  /** The traveller's institution is whitelisted (備案): the customs measures for its goods apply. Equals `whitelisted` for anonymous trips. */
  readonly institutionWhitelisted: Uint8Array;
  /** Index into DESTINATIONS: 0 = the trip stays in the zone, 1 = it continues beyond the second line. */
  readonly destination: Uint8Array;
  /** Index into GOODS ("none", "instruments", "reagents", "biological"). */
  readonly goods: Uint8Array;
  readonly arrival: Uint8Array;
  /** Seed of the traveller's counter-based draws. */
  readonly seed: Uint32Array;
  /** Packed attribute combination (see comboIndex). */
  readonly combo: Int32Array;
  /** True when the traveller arrived after the warm-up and counts in statistics. */
  readonly counted: Uint8Array;
  /** Person of the zone's staff making the trip (see Zone); -1 for anonymous trips and shuttle passengers. */
  readonly person: Int32Array;
  /** The person's institution (index into Zone.institutions); -1 for anonymous trips and shuttle passengers. */
  readonly institution: Int32Array;
  /** Institutions of the zone (0 without a population): the length of the per-institution results. */
  readonly institutionCount: number;
  /** The other leg of the person's tour (outbound ↔ return), -1 for a one-way trip. */
  readonly tourLeg: Int32Array;
  /** Index of the shuttle bus (into `demand.shuttles`, time order) the traveller came on; -1 for walk-ins. */
  readonly bus: Int16Array;
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
    institutionWhitelisted: new Uint8Array(n),
    destination: new Uint8Array(n),
    goods: new Uint8Array(n),
    arrival: new Uint8Array(n),
    seed: new Uint32Array(n),
    combo: new Int32Array(n),
    counted: new Uint8Array(n),
    person: new Int32Array(n).fill(-1),
    institution: new Int32Array(n).fill(-1),
    institutionCount: 0,
    tourLeg: new Int32Array(n).fill(-1),
    bus: new Int16Array(n).fill(-1),
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
        pop.bus[i] = b;
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
  const goodsCum = cumulativeGoods(g);
  const coverage = scenario.travellers.whitelist?.coverage ?? null;
  const southbound = demand.southboundShare;
  const warmEnd = day.open + scenario.warmup;
  const beyond = scenario.travellers.beyondZone;

  for (let k = 0; k < n; k++) {
    const seed = pop.seed[k]!;
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
  }

  const zone = scenario.travellers.population === null ? null : zoneOf(scenario, o.seed);
  if (zone !== null) pop.institutionCount = zone.institutions.length;
  if (zone !== null) assignPeople(pop, zone, scenario.travellers.population!.tours, scenario.travellers.population!.minStay, o.replication);

  for (let k = 0; k < n; k++) {
    const seed = pop.seed[k]!;
    const person = pop.person[k]!;
    if (person >= 0 && zone !== null) {
      // The person's attributes: class and whitelist status are the zone's, goods are drawn once per
      // person and day (the tour's legs share the outbound leg's seed, hence its goods).
      const cls = zone.classIndex[person]!;
      pop.classIndex[k] = cls;
      pop.whitelisted[k] = zone.whitelisted[person]!;
      pop.institutionWhitelisted[k] = zone.institutionWhitelisted[person]!;
      pop.institution[k] = zone.institution[person]!;
      const mix = zone.lifeScience[person] === 1 ? zone.goodsLifeScience : zone.goodsOther;
      pop.goods[k] = drawGoods(KeyedDraws.uniform(seed, DRAW_GOODS), mix);
    } else {
      const uc = KeyedDraws.uniform(seed, DRAW_CLASS);
      let cls = 0;
      while (cls < classes.length - 1 && uc >= classCum[cls]!) cls++;
      pop.classIndex[k] = cls;
      const eligible = classes[cls]!.whitelistEligible;
      const u = KeyedDraws.uniform(seed, DRAW_WHITELIST);
      if (zone === null) {
        // Anonymous trips: one coin flip at the coverage; the institution's status is the person's.
        pop.whitelisted[k] = eligible && u < coverage! ? 1 : 0;
        pop.institutionWhitelisted[k] = pop.whitelisted[k]!;
      } else {
        // Shuttle passengers of a population scenario stay anonymous: at a whitelisted institution with
        // the zone's share, and enrolled (if eligible) with the scenario's enrolment, so sweeping
        // enrolment never changes whose goods the institution measures cover.
        const atWhitelisted = u < zone.institutionCoverage;
        pop.institutionWhitelisted[k] = atWhitelisted ? 1 : 0;
        pop.whitelisted[k] = eligible && atWhitelisted && KeyedDraws.uniform(seed, DRAW_ENROL) < zone.enrolment ? 1 : 0;
      }
      pop.goods[k] = drawGoods(KeyedDraws.uniform(seed, DRAW_GOODS), goodsCum);
    }
    // Both legs of a tour share the seed, hence the destination (out beyond the zone and back from there).
    pop.destination[k] = beyond > 0 && KeyedDraws.uniform(seed, DRAW_DESTINATION) < beyond ? BEYOND_ZONE : IN_ZONE;
    pop.combo[k] = comboIndex(
      pop.classIndex[k]!,
      pop.direction[k]!,
      pop.whitelisted[k]!,
      pop.institutionWhitelisted[k]!,
      pop.goods[k]!,
      pop.arrival[k]!,
      pop.destination[k]!,
    );
    pop.counted[k] = pop.arrivalTime[k]! >= warmEnd ? 1 : 0;
  }
  return pop;
}

function drawGoods(u: number, cum: readonly number[]): number {
  return u < cum[0]! ? 1 : u < cum[1]! ? 2 : u < cum[2]! ? 3 : 0;
}

/**
 * Give every walk-in trip a person of the zone. Trips in arrival order: a trip is the return leg of
 * an open outbound trip of the opposite direction (one at least `minStay` old, picked by the trip's
 * draw) with probability `tours`; otherwise it is a new outbound trip of a staff member of the park it
 * leaves from, who may return later. A return leg is the same person and takes the outbound leg's
 * seed, so every draw keyed on the traveller (traits such as a biometric reject, goods) is shared.
 */
function assignPeople(
  pop: { size: number; arrivalTime: Float64Array; direction: Uint8Array; arrival: Uint8Array; seed: Uint32Array; person: Int32Array; tourLeg: Int32Array },
  zone: Zone,
  tours: number,
  minStay: number,
  replication: number,
): void {
  // Open outbound legs awaiting a return, by the direction of the return (in arrival order).
  const open: [number[], number[]] = [[], []];
  // How many of each list are old enough: legs are in arrival order and trips come in time order, so
  // those old enough are a prefix of what is still open, and the prefix only grows (but for a pick).
  const oldEnough = [0, 0];
  for (let k = 0; k < pop.size; k++) {
    if (pop.arrival[k] !== WALK_IN) continue;
    const d = pop.direction[k]!;
    const t = pop.arrivalTime[k]!;
    const seed = pop.seed[k]!;
    const waiting = open[d]!;
    let eligible = oldEnough[d]!;
    while (eligible < waiting.length && pop.arrivalTime[waiting[eligible]!]! + minStay <= t) eligible++;
    oldEnough[d] = eligible;
    if (eligible > 0 && KeyedDraws.uniform(seed, DRAW_TOUR) < tours) {
      const pick = Math.min(eligible - 1, Math.floor(KeyedDraws.uniform(seed, DRAW_TOUR_PICK) * eligible));
      const out = waiting[pick]!;
      waiting.splice(pick, 1);
      oldEnough[d] = eligible - 1;
      pop.person[k] = pop.person[out]!;
      pop.seed[k] = pop.seed[out]!;
      pop.tourLeg[k] = out;
      pop.tourLeg[out] = k;
      continue;
    }
    // A new outbound trip: southbound trips leave the Shenzhen park, northbound ones the Hong Kong park.
    const staff = d === SOUTHBOUND ? zone.shenzhenStaff : zone.hongkongStaff;
    const pool = staff.length > 0 ? staff : zone.allStaff;
    const person = pool[Math.min(pool.length - 1, Math.floor(KeyedDraws.uniform(mix2(seed, replication), DRAW_PERSON) * pool.length))]!;
    pop.person[k] = person;
    open[d === SOUTHBOUND ? NORTHBOUND : SOUTHBOUND]!.push(k);
  }
}
