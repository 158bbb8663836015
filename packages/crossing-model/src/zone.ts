import { hashString, KeyedDraws, mix2 } from "@hetao/sim-core";
import type { ResolvedScenario } from "@hetao/scenario";

const DRAW_INSTITUTION_WHITELIST = hashString("institution:whitelisted");
const DRAW_INSTITUTION_LIFE = hashString("institution:life-science");
const DRAW_PERSON_ENROL = hashString("person:enrolled");
const DRAW_PERSON_CLASS = hashString("person:class");

/**
 * The co-operation zone's institutions and their staff (河套 深港科技創新合作區), built once per
 * scenario and experiment seed: the same people on every replication and under every policy. Each
 * institution is whitelisted (備案 at institution level) or not, and its staff enrol individually;
 * a person is on the whitelist (白名單) when both hold and the person's class is eligible. Draws are
 * keyed per institution and per person, so raising `whitelisted` or `enrolment` only adds people.
 */
export interface Zone {
  /** Institutions in group order: group index, park, staff size, whitelisted, life science. */
  readonly institutions: readonly { group: string; park: "shenzhen" | "hongkong"; staff: number; whitelisted: boolean; lifeScience: boolean }[];
  /** Per person. */
  readonly institution: Int32Array;
  readonly classIndex: Uint8Array;
  readonly whitelisted: Uint8Array;
  /** The person's institution is whitelisted (備案), whether or not the person enrolled. */
  readonly institutionWhitelisted: Uint8Array;
  readonly lifeScience: Uint8Array;
  readonly shenzhenStaff: Int32Array;
  readonly hongkongStaff: Int32Array;
  readonly allStaff: Int32Array;
  /** Cumulative goods mixes by kind of institution. */
  readonly goodsLifeScience: readonly number[];
  readonly goodsOther: readonly number[];
  /** Share of whitelist-eligible staff on the whitelist. */
  readonly coverage: number;
  /** Share of all staff whose institution is whitelisted (used for anonymous shuttle passengers). */
  readonly institutionCoverage: number;
  /** Share of a whitelisted institution's staff enrolled (the scenario's `enrolment`). */
  readonly enrolment: number;
}

/** Cumulative [instruments, +reagents, +biological] of a goods mix. */
export function cumulativeGoods(g: { instruments: number; reagents: number; biological: number }): [number, number, number] {
  return [g.instruments, g.instruments + g.reagents, g.instruments + g.reagents + g.biological];
}

const zones = new WeakMap<ResolvedScenario, Map<number, Zone>>();

/** The zone of a scenario and experiment seed (cached: pure in its arguments). */
export function zoneOf(scenario: ResolvedScenario, seed: number): Zone {
  let bySeed = zones.get(scenario);
  if (!bySeed) zones.set(scenario, (bySeed = new Map()));
  let zone = bySeed.get(seed);
  if (!zone) bySeed.set(seed, (zone = buildZone(scenario, seed)));
  return zone;
}

/** Sizes of `count` institutions sharing `staff` people, ∝ rank^−skew, rounded by largest remainder. */
export function institutionSizes(count: number, staff: number, skew: number): number[] {
  const weights = Array.from({ length: count }, (_, i) => Math.pow(i + 1, -skew));
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (staff * w) / total);
  const sizes = exact.map(Math.floor);
  let left = staff - sizes.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; left > 0; j = (j + 1) % count, left--) sizes[order[j]![1]]!++;
  return sizes;
}

function buildZone(scenario: ResolvedScenario, seed: number): Zone {
  const spec = scenario.travellers.population;
  if (spec === null) throw new Error("zoneOf: the scenario has no `travellers.population`");
  const classes = scenario.travellers.classes;
  const zoneSeed = mix2(hashString("zone"), seed >>> 0);
  const institutions: { group: string; park: "shenzhen" | "hongkong"; staff: number; whitelisted: boolean; lifeScience: boolean }[] = [];
  const groupOf: number[] = [];
  spec.institutions.forEach((g, gi) => {
    const sizes = institutionSizes(g.count, g.staff, spec.sizeSkew);
    for (let i = 0; i < g.count; i++) {
      const instSeed = mix2(mix2(zoneSeed, gi), i);
      institutions.push({
        group: g.id,
        park: g.park,
        staff: sizes[i]!,
        whitelisted: KeyedDraws.uniform(instSeed, DRAW_INSTITUTION_WHITELIST) < g.whitelisted,
        lifeScience: KeyedDraws.uniform(instSeed, DRAW_INSTITUTION_LIFE) < g.lifeScience,
      });
      groupOf.push(gi);
    }
  });
  const people = institutions.reduce((a, x) => a + x.staff, 0);
  const institution = new Int32Array(people);
  const classIndex = new Uint8Array(people);
  const whitelisted = new Uint8Array(people);
  const institutionWhitelisted = new Uint8Array(people);
  const lifeScience = new Uint8Array(people);
  const sz: number[] = [];
  const hk: number[] = [];
  let eligible = 0;
  let covered = 0;
  let atWhitelisted = 0;
  let p = 0;
  institutions.forEach((inst, ii) => {
    const cum = spec.institutions[groupOf[ii]!]!.classCum;
    for (let k = 0; k < inst.staff; k++, p++) {
      const personSeed = mix2(mix2(zoneSeed, 0x70657273), p);
      institution[p] = ii;
      const u = KeyedDraws.uniform(personSeed, DRAW_PERSON_CLASS);
      let c = 0;
      while (c < classes.length - 1 && u >= cum[c]!) c++;
      classIndex[p] = c;
      const canEnrol = classes[c]!.whitelistEligible;
      const on = canEnrol && inst.whitelisted && KeyedDraws.uniform(personSeed, DRAW_PERSON_ENROL) < spec.enrolment;
      whitelisted[p] = on ? 1 : 0;
      institutionWhitelisted[p] = inst.whitelisted ? 1 : 0;
      lifeScience[p] = inst.lifeScience ? 1 : 0;
      if (canEnrol) eligible++;
      if (on) covered++;
      if (inst.whitelisted) atWhitelisted++;
      (inst.park === "shenzhen" ? sz : hk).push(p);
    }
  });
  return {
    institutions,
    institution,
    classIndex,
    whitelisted,
    institutionWhitelisted,
    lifeScience,
    shenzhenStaff: Int32Array.from(sz),
    hongkongStaff: Int32Array.from(hk),
    allStaff: Int32Array.from({ length: people }, (_, i) => i),
    goodsLifeScience: cumulativeGoods(spec.goods.lifeScience),
    goodsOther: cumulativeGoods(spec.goods.other),
    coverage: eligible > 0 ? covered / eligible : 0,
    institutionCoverage: people > 0 ? atWhitelisted / people : 0,
    enrolment: spec.enrolment,
  };
}
