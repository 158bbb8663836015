/**
 * Which institutions gain: per institution of the zone and per group of institutions (population group ×
 * whitelist filing × field), the paired difference between two policies of the door-to-door crossing
 * time of their staff's trips, accumulated one replication at a time. Each replication brings fixed-size
 * vectors (PolicyDayResult.institutions), so the state is a few moments per institution whatever the
 * replication count. The institutions' facts (size, filing, field, enrolment) are the zone's, rebuilt
 * from the scenario and the experiment seed wherever the report is made (the same on every transport).
 */
import type { PolicyDayResult, Zone } from "@hetao/crossing-model";
import { PairedMoments } from "@hetao/stats";
import { differenceOf } from "./comparison-accumulator.js";
import type { InstitutionGain, InstitutionGains, InstitutionGroupGain } from "./report-schema.js";

interface Institution {
  id: string;
  group: string;
  park: "shenzhen" | "hongkong";
  staff: number;
  enrolled: number;
  whitelisted: boolean;
  lifeScience: boolean;
  /** Index into the groups. */
  groupIndex: number;
}

/** `shenzhen-park-01`: the population group and the size rank within it (sizes fall with rank). */
export function institutionIds(zone: Zone): string[] {
  const rank = new Map<string, number>();
  const width = new Map<string, number>();
  for (const x of zone.institutions) width.set(x.group, (width.get(x.group) ?? 0) + 1);
  return zone.institutions.map((x) => {
    const r = (rank.get(x.group) ?? 0) + 1;
    rank.set(x.group, r);
    return `${x.group}-${String(r).padStart(Math.max(2, String(width.get(x.group)!).length), "0")}`;
  });
}

class Tally {
  readonly crossing = new PairedMoments();
  readonly hours = new PairedMoments();
  arrived = 0;
  censored = 0;
  days = 0;

  /** One day: trips (the same under both policies), trips still inside under each, summed crossing seconds under each. */
  add(arrived: number, censored: number, sumT: number, sumB: number): void {
    this.hours.add(sumT / 3600, sumB / 3600);
    this.arrived += arrived;
    this.censored += censored;
    if (arrived > 0) {
      this.days++;
      this.crossing.add(sumT / arrived, sumB / arrived);
    }
  }
}

export class InstitutionGainsAccumulator {
  readonly #institutions: Institution[];
  readonly #groups: { id: string; group: string; park: "shenzhen" | "hongkong"; whitelisted: boolean; lifeScience: boolean; members: number }[];
  readonly #tallies: Tally[];
  readonly #groupTallies: Tally[];
  #replications = 0;

  constructor(zone: Zone) {
    const ids = institutionIds(zone);
    const enrolled = new Array<number>(zone.institutions.length).fill(0);
    for (let p = 0; p < zone.institution.length; p++) if (zone.whitelisted[p] === 1) enrolled[zone.institution[p]!]!++;
    // Groups in population order: group, then filed before not, then life science before other.
    const groupKey = (x: Zone["institutions"][number]) => `${x.group}/${x.whitelisted ? "whitelisted" : "not-whitelisted"}/${x.lifeScience ? "life-science" : "other"}`;
    const order = [...new Set(zone.institutions.map((x) => x.group))];
    const keys: string[] = [];
    for (const g of order) for (const w of [true, false]) for (const l of [true, false]) keys.push(`${g}/${w ? "whitelisted" : "not-whitelisted"}/${l ? "life-science" : "other"}`);
    const present = new Set(zone.institutions.map(groupKey));
    const groupIds = keys.filter((k) => present.has(k));
    this.#groups = groupIds.map((id) => {
      const x = zone.institutions.find((i) => groupKey(i) === id)!;
      return { id, group: x.group, park: x.park, whitelisted: x.whitelisted, lifeScience: x.lifeScience, members: zone.institutions.filter((i) => groupKey(i) === id).length };
    });
    this.#institutions = zone.institutions.map((x, i) => ({
      id: ids[i]!,
      group: x.group,
      park: x.park,
      staff: x.staff,
      enrolled: enrolled[i]!,
      whitelisted: x.whitelisted,
      lifeScience: x.lifeScience,
      groupIndex: groupIds.indexOf(groupKey(x)),
    }));
    this.#tallies = this.#institutions.map(() => new Tally());
    this.#groupTallies = this.#groups.map(() => new Tally());
  }

  add(t: PolicyDayResult, b: PolicyDayResult): void {
    this.#replications++;
    const G = this.#groups.length;
    const gArrived = new Array<number>(G).fill(0);
    const gCensored = new Array<number>(G).fill(0);
    const gSumT = new Array<number>(G).fill(0);
    const gSumB = new Array<number>(G).fill(0);
    this.#institutions.forEach((inst, i) => {
      // Both policies simulate the same travellers: the same trips of the institution under both.
      const arrived = b.institutions.arrived[i] ?? 0;
      const censored = (t.institutions.censored[i] ?? 0) + (b.institutions.censored[i] ?? 0);
      const sumT = t.institutions.crossingSum[i] ?? 0;
      const sumB = b.institutions.crossingSum[i] ?? 0;
      this.#tallies[i]!.add(arrived, censored, sumT, sumB);
      const g = inst.groupIndex;
      gArrived[g]! += arrived;
      gCensored[g]! += censored;
      gSumT[g]! += sumT;
      gSumB[g]! += sumB;
    });
    for (let g = 0; g < G; g++) this.#groupTallies[g]!.add(gArrived[g]!, gCensored[g]!, gSumT[g]!, gSumB[g]!);
  }

  finish(): InstitutionGains {
    const n = Math.max(1, this.#replications);
    const rows: InstitutionGain[] = [];
    const withoutTrips: string[] = [];
    const withTrips = new Array<number>(this.#groups.length).fill(0);
    this.#institutions.forEach((inst, i) => {
      const tally = this.#tallies[i]!;
      if (tally.days === 0) {
        withoutTrips.push(inst.id);
        return;
      }
      withTrips[inst.groupIndex]!++;
      rows.push({
        id: inst.id,
        group: inst.group,
        park: inst.park,
        staff: inst.staff,
        enrolled: inst.enrolled,
        whitelisted: inst.whitelisted,
        lifeScience: inst.lifeScience,
        tripsPerDay: tally.arrived / n,
        daysWithTrips: tally.days,
        censored: tally.censored,
        crossing: differenceOf(tally.crossing),
        hoursPerDay: differenceOf(tally.hours),
      });
    });
    const groups: InstitutionGroupGain[] = this.#groups.map((g, k) => {
      const tally = this.#groupTallies[k]!;
      return {
        id: g.id,
        group: g.group,
        park: g.park,
        whitelisted: g.whitelisted,
        lifeScience: g.lifeScience,
        institutions: g.members,
        withTrips: withTrips[k]!,
        tripsPerDay: tally.arrived / n,
        censored: tally.censored,
        crossing: differenceOf(tally.crossing),
        hoursPerDay: differenceOf(tally.hours),
      };
    });
    return { rows, groups, withoutTrips };
  }
}
