/**
 * One policy's part of a design point's report, accumulated one replication at a time (in replication
 * order): streaming moments for every interval, histograms merged as they come, counters, per-hour sums
 * and mode counts. Nothing per replication is kept. `finish` gives the PolicyReport that the two-pass
 * code gave (see report-accumulator.ts).
 */
import { type CheckpointResult, type GroupResult, type PolicyDayResult, SEGMENTS, SUMMARY_METRICS } from "@hetao/crossing-model";
import { type ResolvedScenario, formatTimeOfDay } from "@hetao/scenario";
import { Welford } from "@hetao/stats";
import { finite, intervalOfMoments } from "./interval.js";
import { MergedHistogram } from "./merged-histogram.js";
import type {
  CheckpointReport,
  ControlReport,
  GroupReport,
  HourlyReport,
  LaneReport,
  PolicyReport,
  ReserveReport,
  SummaryReport,
} from "./report-schema.js";
import type { ExperimentSpec } from "./spec.js";

/** Map keys in preferred order first (those present), then the rest sorted: the report's key order. */
export function orderedKeys(keys: Iterable<string>, preferred: readonly string[] = []): string[] {
  const all = new Set(keys);
  const first = preferred.filter((k) => all.has(k));
  const rest = [...all].filter((k) => !preferred.includes(k)).sort();
  return [...first, ...rest];
}

function lazy<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** Element-wise sums of per-replication hourly series; a missing entry counts as 0. */
export class HourlySums {
  readonly #sums: number[] = [];

  add(series: readonly number[]): void {
    const sums = this.#sums;
    while (sums.length < series.length) sums.push(0);
    for (let h = 0; h < series.length; h++) sums[h]! += series[h]!;
  }

  /** Element-wise mean over `n` replications (null when n is 0). */
  mean(n: number): (number | null)[] {
    return this.#sums.map((s) => (n === 0 ? null : finite(s / n)));
  }
}

/** Welford moments per hour, created as hours appear. */
class HourlyMoments {
  readonly moments: Welford[] = [];
  at(h: number): Welford {
    while (this.moments.length <= h) this.moments.push(new Welford());
    return this.moments[h]!;
  }
}

class GroupAccumulator {
  arrived = 0;
  cleared = 0;
  censored = 0;
  readonly w15 = new Welford();
  readonly w30 = new Welford();
  readonly meanClearance = new Welford();
  readonly meanCrossing = new Welford();
  readonly clearance = new MergedHistogram();

  add(g: GroupResult): void {
    this.arrived += g.arrived;
    this.cleared += g.cleared;
    this.censored += g.censored;
    if (g.arrived > 0) {
      this.w15.add(g.within15 / g.arrived);
      this.w30.add(g.within30 / g.arrived);
    }
    if (g.clearance.count > 0) {
      this.meanClearance.add(g.clearance.sum / g.clearance.count);
      this.meanCrossing.add(g.crossingSum / g.clearance.count);
    }
    this.clearance.add(g.clearance);
  }

  finish(): GroupReport {
    return {
      arrived: this.arrived,
      cleared: this.cleared,
      censored: this.censored,
      meanCrossing: intervalOfMoments(this.meanCrossing),
      shareWithin15: intervalOfMoments(this.w15),
      shareWithin30: intervalOfMoments(this.w30),
      meanClearance: intervalOfMoments(this.meanClearance),
      p95Clearance: this.clearance.quantile(0.95),
    };
  }
}

class CheckpointAccumulator {
  visits = 0;
  maxQueue = 0;
  readonly wait = new MergedHistogram();
  readonly time = new MergedHistogram();
  readonly meanTime = new Welford();
  readonly hourlyQueue = new HourlySums();
  readonly hourlyMaxQueue = new HourlySums();
  /** Growth of the total queue through each hour (end − start), one observation per replication. */
  readonly growth = Array.from({ length: 24 }, () => new Welford());

  add(x: CheckpointResult): void {
    this.visits += x.visits;
    if (x.maxQueue > this.maxQueue) this.maxQueue = x.maxQueue;
    this.wait.add(x.wait);
    this.time.add(x.time);
    if (x.time.count > 0) this.meanTime.add(x.time.sum / x.time.count);
    this.hourlyQueue.add(x.hourlyQueue);
    this.hourlyMaxQueue.add(x.hourlyMaxQueue);
    for (let h = 0; h < 24; h++) this.growth[h]!.add((x.queueAtHour[h + 1] ?? 0) - (x.queueAtHour[h] ?? 0));
  }

  /** `days`: the policy's replications (hourly means count a day without this checkpoint as 0). */
  finish(days: number): CheckpointReport {
    const capacityBoundHours: number[] = [];
    for (let h = 0; h < 24; h++) {
      const ci = intervalOfMoments(this.growth[h]!);
      if (ci.mean !== null && ci.mean > 0 && (ci.lower === null ? false : ci.lower > 0)) capacityBoundHours.push(h);
    }
    return {
      visits: this.visits,
      meanWait: this.wait.mean(),
      p95Wait: this.wait.quantile(0.95),
      meanTime: intervalOfMoments(this.meanTime),
      p95Time: this.time.quantile(0.95),
      maxQueue: this.maxQueue,
      hourlyMeanQueue: this.hourlyQueue.mean(days),
      hourlyMaxQueue: this.hourlyMaxQueue.mean(days),
      capacityBoundHours,
    };
  }
}

class ControlAccumulator {
  travellers = 0;
  censored = 0;
  readonly meanTime = new Welford();
  readonly timePerTraveller = new Welford();
  readonly meanQueue = new Welford();
  readonly time = new MergedHistogram();

  add(d: PolicyDayResult, id: string): void {
    const x = d.controls[id];
    if (d.arrived > 0) this.timePerTraveller.add((x?.time.sum ?? 0) / d.arrived);
    if (x === undefined) return;
    this.travellers += x.travellers;
    this.censored += x.censored;
    if (x.time.count > 0) this.meanTime.add(x.time.sum / x.time.count);
    if (x.travellers > 0) this.meanQueue.add(x.queueSum / x.travellers);
    this.time.add(x.time);
  }
}

class LaneAccumulator {
  checkpoint = "";
  served = 0;
  diverted = 0;
  automated = false;
  maxQueue = 0;
  readonly utilisation = new Welford();
  readonly peak = new Welford();
  readonly staffed = new Welford();
  /** Replications per peak hour, for the mode. */
  readonly peakHours = new Map<number, number>();

  add(x: PolicyDayResult["lanes"][string]): void {
    this.checkpoint = x.checkpoint;
    this.served += x.served;
    this.diverted += x.diverted;
    this.automated = x.automated;
    if (x.maxQueue > this.maxQueue) this.maxQueue = x.maxQueue;
    this.utilisation.add(x.utilisation);
    this.peak.add(x.peakUtilisation);
    this.staffed.add(x.staffedHours);
    this.peakHours.set(x.peakHour, (this.peakHours.get(x.peakHour) ?? 0) + 1);
  }

  /** The most frequent peak hour (smallest on ties). */
  #mode(): number {
    let best = -1;
    let bestCount = 0;
    for (const [v, c] of [...this.peakHours].sort((a, b) => a[0] - b[0])) {
      if (c > bestCount) {
        best = v;
        bestCount = c;
      }
    }
    return best;
  }

  finish(): LaneReport {
    return {
      checkpoint: this.checkpoint,
      served: this.served,
      utilisation: intervalOfMoments(this.utilisation),
      peakUtilisation: intervalOfMoments(this.peak),
      peakHour: this.#mode(),
      staffedHours: intervalOfMoments(this.staffed),
      automated: this.automated,
      diverted: this.diverted,
      maxQueue: this.maxQueue,
    };
  }
}

class ReserveAccumulator {
  maxOpen = 0;
  readonly officerHours = new Welford();
  readonly openings = new Welford();
  readonly meanOpenServers = new Welford();
  readonly shareOverThreshold = new Welford();

  add(x: PolicyDayResult["reserves"][string]): void {
    this.officerHours.add(x.officerHours);
    this.openings.add(x.openings);
    this.maxOpen = Math.max(this.maxOpen, x.maxOpen);
    this.meanOpenServers.add(x.meanOpenServers);
    if (x.served > 0) this.shareOverThreshold.add(x.overThreshold / x.served);
  }

  finish(): ReserveReport {
    return {
      officerHours: intervalOfMoments(this.officerHours),
      openings: intervalOfMoments(this.openings),
      maxOpen: this.maxOpen,
      meanOpenServers: intervalOfMoments(this.meanOpenServers),
      shareOverThreshold: intervalOfMoments(this.shareOverThreshold),
    };
  }
}

class SegmentAccumulator {
  /** Some replication had a counted traveller of the segment. */
  present = false;
  arrived = 0;
  censored = 0;
  readonly crossing = new Welford();
  readonly wait = new Welford();
}

class ShuttleAccumulator {
  readonly dwell = new Welford();
  censoredDays = 0;
}

export class PolicyAccumulator {
  readonly id: string;
  readonly #spec: ExperimentSpec;
  readonly #scenario: ResolvedScenario;
  /** Replications added. */
  days = 0;
  readonly #summary = SUMMARY_METRICS.map(() => new Welford());
  readonly totals = { arrived: 0, cleared: 0, inSystem: 0, censored: 0, fallbacks: 0, diverted: 0 };
  readonly #byClass = new Map<string, GroupAccumulator>();
  readonly #byDirection = new Map<string, GroupAccumulator>();
  readonly #checkpoints = new Map<string, CheckpointAccumulator>();
  readonly #controls: ControlAccumulator[];
  readonly #lanes = new Map<string, LaneAccumulator>();
  readonly #reserves = new Map<string, ReserveAccumulator>();
  readonly #segments = new Map<string, SegmentAccumulator>();
  readonly #shuttles: ShuttleAccumulator[];
  readonly crossing = new MergedHistogram();
  /** Also the clearance-time CDF's data (report-series.ts). */
  readonly clearance = new MergedHistogram();
  readonly #wait = new MergedHistogram();
  readonly #hourlyClearance: MergedHistogram[] = [];
  readonly #hourlyClearanceMean = new HourlyMoments();
  readonly #arrivals = new HourlySums();
  readonly #throughput = new HourlySums();

  constructor(spec: ExperimentSpec, scenario: ResolvedScenario, id: string) {
    this.id = id;
    this.#spec = spec;
    this.#scenario = scenario;
    this.#controls = scenario.controls.map(() => new ControlAccumulator());
    this.#shuttles = scenario.demand.shuttles.map(() => new ShuttleAccumulator());
  }

  /** Segments with a counted traveller on some replication, in the model's order. */
  segmentsPresent(): string[] {
    return SEGMENTS.filter((k) => this.#segments.get(k)?.present === true);
  }

  add(d: PolicyDayResult): void {
    this.days++;
    for (let m = 0; m < SUMMARY_METRICS.length; m++) this.#summary[m]!.add(d.summary[SUMMARY_METRICS[m]!]);
    const t = this.totals;
    t.arrived += d.arrived;
    t.cleared += d.cleared;
    t.inSystem += d.inSystem;
    t.censored += d.summary.censored;
    t.fallbacks += d.fallbacks;
    t.diverted += d.diverted;
    for (const [k, g] of Object.entries(d.byClass)) lazy(this.#byClass, k, () => new GroupAccumulator()).add(g);
    for (const [k, g] of Object.entries(d.byDirection)) lazy(this.#byDirection, k, () => new GroupAccumulator()).add(g);
    for (const [k, x] of Object.entries(d.checkpoints)) lazy(this.#checkpoints, k, () => new CheckpointAccumulator()).add(x);
    this.#scenario.controls.forEach((c, i) => this.#controls[i]!.add(d, c.id));
    for (const [k, x] of Object.entries(d.lanes)) lazy(this.#lanes, k, () => new LaneAccumulator()).add(x);
    for (const [k, x] of Object.entries(d.reserves)) lazy(this.#reserves, k, () => new ReserveAccumulator()).add(x);
    for (const [k, g] of Object.entries(d.segments)) {
      const s = lazy(this.#segments, k, () => new SegmentAccumulator());
      s.arrived += g.arrived;
      s.censored += g.censored;
      if (g.arrived > 0) {
        s.present = true;
        s.crossing.add(g.crossingSum / g.arrived);
        s.wait.add(g.waitSum / g.arrived);
      }
    }
    this.#shuttles.forEach((s, b) => {
      s.dwell.add(d.shuttles[b]?.dwell ?? 0);
      if ((d.shuttles[b]?.censored ?? 0) > 0) s.censoredDays++;
    });
    this.crossing.add(d.crossing);
    this.clearance.add(d.clearance);
    this.#wait.add(d.wait);
    const hc = d.hourly.clearance;
    while (this.#hourlyClearance.length < hc.length) this.#hourlyClearance.push(new MergedHistogram());
    for (let h = 0; h < hc.length; h++) {
      const s = hc[h];
      this.#hourlyClearance[h]!.add(s);
      const mean = this.#hourlyClearanceMean.at(h);
      if (s !== undefined && s.count > 0) mean.add(s.sum / s.count);
    }
    this.#arrivals.add(d.hourly.arrivals);
    this.#throughput.add(d.hourly.cleared);
  }

  finish(): PolicyReport {
    const spec = this.#spec;
    const scenario = this.#scenario;
    const summary = Object.fromEntries(SUMMARY_METRICS.map((m, i) => [m, intervalOfMoments(this.#summary[i]!)])) as SummaryReport;
    const totals = { ...this.totals };
    const groups = (map: Map<string, GroupAccumulator>, preferred: readonly string[]) => {
      const out: Record<string, GroupReport> = {};
      for (const k of orderedKeys(map.keys(), preferred)) out[k] = map.get(k)!.finish();
      return out;
    };
    const checkpoints: Record<string, CheckpointReport> = {};
    for (const k of orderedKeys(this.#checkpoints.keys())) checkpoints[k] = this.#checkpoints.get(k)!.finish(this.days);
    const controls: Record<string, ControlReport> = {};
    scenario.controls.forEach((control, i) => {
      const c = this.#controls[i]!;
      if (c.travellers === 0) return; // the policy does not use this control
      controls[control.id] = {
        title: control.title ?? null,
        checkpoints: [...control.checkpoints],
        travellers: c.travellers,
        censored: c.censored,
        meanTime: intervalOfMoments(c.meanTime),
        timePerTraveller: intervalOfMoments(c.timePerTraveller),
        meanQueue: intervalOfMoments(c.meanQueue),
        time: c.time.quantiles(),
      };
    });
    const lanes: Record<string, LaneReport> = {};
    for (const k of orderedKeys(this.#lanes.keys())) lanes[k] = this.#lanes.get(k)!.finish();
    const reserves: Record<string, ReserveReport> = {};
    for (const k of orderedKeys(this.#reserves.keys())) reserves[k] = this.#reserves.get(k)!.finish();
    const segments: PolicyReport["segments"] = {};
    for (const k of this.segmentsPresent()) {
      const s = this.#segments.get(k)!;
      segments[k] = {
        arrivedPerDay: s.arrived / Math.max(1, this.days),
        censored: s.censored,
        meanCrossing: intervalOfMoments(s.crossing),
        meanWait: intervalOfMoments(s.wait),
      };
    }
    const hourly: HourlyReport = {
      arrivals: this.#arrivals.mean(this.days),
      throughput: this.#throughput.mean(this.days),
      meanClearance: this.#hourlyClearance.map((h) => h.mean()),
      p95Clearance: this.#hourlyClearance.map((h) => h.quantile(0.95)),
      meanClearanceInterval: this.#hourlyClearance.map((_, h) => intervalOfMoments(this.#hourlyClearanceMean.at(h))),
    };
    return {
      id: this.id,
      title: spec.scenario.policies.find((p) => p.id === this.id)?.title ?? null,
      summary,
      totals,
      lowerBound: totals.censored > 0,
      crossing: this.crossing.quantiles(),
      clearance: this.clearance.quantiles(),
      wait: this.#wait.quantiles(),
      byClass: groups(this.#byClass, spec.scenario.travellers.classes.map((c) => c.id)),
      byDirection: groups(this.#byDirection, ["northbound", "southbound"]),
      segments,
      checkpoints,
      controls,
      lanes,
      reserves,
      shuttles: scenario.demand.shuttles.map((bus, b) => ({
        time: formatTimeOfDay(bus.time),
        direction: bus.direction,
        passengers: bus.passengers,
        dwell: intervalOfMoments(this.#shuttles[b]!.dwell),
        censoredDays: this.#shuttles[b]!.censoredDays,
      })),
      hourly,
    };
  }
}
