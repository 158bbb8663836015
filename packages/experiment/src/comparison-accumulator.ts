/**
 * One comparison (treatment vs baseline) of a design point, accumulated one replication at a time:
 * streaming paired moments for every paired difference (common random numbers: the same travellers under
 * both policies, one pair per replication) and the delta-method ratio interval (@hetao/stats PairedMoments).
 */
import { type PolicyDayResult, SEGMENTS, type Zone } from "@hetao/crossing-model";
import { type ResolvedScenario, formatTimeOfDay } from "@hetao/scenario";
import { PairedMoments, pairedDifferenceOf } from "@hetao/stats";
import { InstitutionGainsAccumulator } from "./institution-gains.js";
import { finite } from "./interval.js";
import type { PolicyAccumulator } from "./policy-accumulator.js";
import { COMPARED_METRICS, type Comparison, type Difference } from "./report-schema.js";

const LEVEL = 0.95;

export function differenceOf(m: PairedMoments): Difference {
  const d = pairedDifferenceOf(m, LEVEL);
  return {
    n: d.n,
    mean: finite(d.mean),
    sd: finite(d.sd),
    halfWidth: finite(d.halfWidth),
    lower: finite(d.lower),
    upper: finite(d.upper),
    baselineMean: finite(d.baselineMean),
    treatmentMean: finite(d.treatmentMean),
    relativeChange: finite(d.relativeChange),
    relativeLower: finite(d.relativeLower),
    relativeUpper: finite(d.relativeUpper),
    significant: d.lower > 0 || d.upper < 0,
  };
}

/** Time at a control per counted traveller (0 for those who pass it without stopping). */
function perTraveller(d: PolicyDayResult, id: string): number {
  return d.arrived > 0 ? (d.controls[id]?.time.sum ?? 0) / d.arrived : 0;
}

export class ComparisonAccumulator {
  readonly treatment: string;
  readonly baseline: string;
  readonly #scenario: ResolvedScenario;
  readonly #metrics = COMPARED_METRICS.map(() => new PairedMoments());
  readonly #controls: PairedMoments[];
  /** Some replication had a traveller at the control under either policy. */
  readonly #controlUsed: boolean[];
  readonly #shuttles: PairedMoments[];
  readonly #segmentCrossing = SEGMENTS.map(() => new PairedMoments());
  readonly #segmentWait = SEGMENTS.map(() => new PairedMoments());
  readonly #institutions: InstitutionGainsAccumulator | null;

  /** `zone`: the scenario's institutions and staff (zoneOf with the experiment seed), null without a population. */
  constructor(scenario: ResolvedScenario, treatment: string, baseline: string, zone: Zone | null = null) {
    this.treatment = treatment;
    this.#institutions = zone === null ? null : new InstitutionGainsAccumulator(zone);
    this.baseline = baseline;
    this.#scenario = scenario;
    this.#controls = scenario.controls.map(() => new PairedMoments());
    this.#controlUsed = scenario.controls.map(() => false);
    this.#shuttles = scenario.demand.shuttles.map(() => new PairedMoments());
  }

  add(t: PolicyDayResult, b: PolicyDayResult): void {
    for (let m = 0; m < COMPARED_METRICS.length; m++) {
      const key = COMPARED_METRICS[m]!;
      this.#metrics[m]!.add(t.summary[key], b.summary[key]);
    }
    this.#scenario.controls.forEach((control, i) => {
      if ((t.controls[control.id]?.travellers ?? 0) > 0 || (b.controls[control.id]?.travellers ?? 0) > 0) this.#controlUsed[i] = true;
      this.#controls[i]!.add(perTraveller(t, control.id), perTraveller(b, control.id));
    });
    this.#shuttles.forEach((s, k) => s.add(t.shuttles[k]?.dwell ?? 0, b.shuttles[k]?.dwell ?? 0));
    // Both policies simulate the same travellers, so a segment has trips on the same days under both.
    for (let s = 0; s < SEGMENTS.length; s++) {
      const ts = t.segments[SEGMENTS[s]!];
      const bs = b.segments[SEGMENTS[s]!];
      if (ts === undefined || bs === undefined || !(ts.arrived > 0) || !(bs.arrived > 0)) continue;
      this.#segmentCrossing[s]!.add(ts.crossingSum / ts.arrived, bs.crossingSum / bs.arrived);
      this.#segmentWait[s]!.add(ts.waitSum / ts.arrived, bs.waitSum / bs.arrived);
    }
    this.#institutions?.add(t, b);
  }

  /** `baseline`: the baseline policy's accumulator (whose segments are compared). */
  finish(baseline: PolicyAccumulator): Comparison {
    const metrics = Object.fromEntries(COMPARED_METRICS.map((m, i) => [m, differenceOf(this.#metrics[i]!)])) as Comparison["metrics"];
    const controls: Comparison["controls"] = {};
    this.#scenario.controls.forEach((control, i) => {
      if (this.#controlUsed[i]) controls[control.id] = differenceOf(this.#controls[i]!);
    });
    const shuttles = this.#scenario.demand.shuttles.map((bus, k) => ({
      time: formatTimeOfDay(bus.time),
      direction: bus.direction,
      dwell: differenceOf(this.#shuttles[k]!),
    }));
    const segments: Comparison["segments"] = {};
    for (const k of baseline.segmentsPresent()) {
      const s = SEGMENTS.indexOf(k as (typeof SEGMENTS)[number]);
      segments[k] = { crossing: differenceOf(this.#segmentCrossing[s]!), wait: differenceOf(this.#segmentWait[s]!) };
    }
    return { treatment: this.treatment, baseline: this.baseline, metrics, controls, shuttles, segments, institutions: this.#institutions?.finish() ?? null };
  }
}
