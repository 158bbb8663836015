/**
 * Compliance with published service standards ("pledges"), computed from replication results.
 *
 * Each pledge is data: the traveller classes it covers (by class id), what is measured (clearance time
 * or time spent queueing), the threshold and the target share. For every policy the report states the
 * share of those travellers within the threshold as an interval over replications (one observation per
 * simulated day: within / arrived, pooling the pledge's classes) and whether the pledge is met:
 *
 * - **met**: the lower bound of the 95% interval is at or above the target;
 * - **met-on-average**: the mean is at or above the target but the lower bound is below it
 *   ("met on average, not with 95% confidence");
 * - **not-met**: the mean is below the target;
 * - **not-applicable**: none of the pledge's classes exists in the scenario (or none arrived).
 *
 * Approximation (stated in every report): the model records counts by class and by direction but not
 * by class × direction, and its times cover the whole crossing (both controls, the walk between them).
 * A pledge is therefore measured on the whole crossing of its classes in both directions, which is
 * conservative: the Hong Kong pledges count only the Hong Kong control, and only travellers entering.
 */
import type { GroupResult, PolicyDayResult } from "@hetao/crossing-model";
import { LogHistogram } from "@hetao/stats";
import { intervalOf } from "./interval.js";
import type { ComplianceRow, ComplianceStatus } from "./report-schema.js";

export interface ServicePledge {
  id: string;
  /** Plain statement of the standard. */
  title: string;
  /** Who sets it. */
  authority: string;
  /** Class ids the pledge covers; null = every traveller. Classes absent from a scenario are ignored. */
  classes: readonly string[] | null;
  /** "clearance": join the first queue → leave the last control; "queue": total time spent queueing. */
  measure: "clearance" | "queue";
  thresholdSeconds: number;
  /** Share of travellers that must be within the threshold, in [0, 1]. */
  target: number;
  /** How the model measures it, and the approximation made. */
  note: string;
}

const WHOLE_CROSSING =
  "Measured on the whole crossing (both controls and the walk between them), both directions: the model has no class × direction counts, so this is conservative.";

/**
 * The standards reported against (DOMAIN.md, "Service standards to report against"). Class ids follow
 * the presets: `hk-resident` (Hong Kong residents), `mainland-resident` (mainland residents, visitors to
 * Hong Kong and Chinese citizens), `foreign` (foreign passport holders, visitors to Hong Kong).
 */
export const SERVICE_PLEDGES: readonly ServicePledge[] = [
  {
    id: "hk-residents-15min",
    title: "98% of Hong Kong residents cleared within 15 minutes",
    authority: "Hong Kong Immigration Department performance pledge (land control points)",
    classes: ["hk-resident"],
    measure: "clearance",
    thresholdSeconds: 15 * 60,
    target: 0.98,
    note: `${WHOLE_CROSSING} The pledge covers the Hong Kong control only.`,
  },
  {
    id: "hk-visitors-30min",
    title: "95% of visitors to Hong Kong cleared within 30 minutes",
    authority: "Hong Kong Immigration Department performance pledge (land control points)",
    classes: ["mainland-resident", "foreign"],
    measure: "clearance",
    thresholdSeconds: 30 * 60,
    target: 0.95,
    note: `${WHOLE_CROSSING} The pledge covers the Hong Kong control only.`,
  },
  {
    id: "mainland-citizens-30min",
    title: "Chinese citizens queue at most 30 minutes (contingency measures from 25 minutes)",
    authority: "Mainland immigration (National Immigration Administration) service standard",
    classes: ["hk-resident", "mainland-resident"],
    measure: "queue",
    thresholdSeconds: 30 * 60,
    target: 1,
    note:
      "Queueing time summed over every queue of the crossing (both sides), both directions: conservative, as the standard covers the mainland control only. " +
      "Read at histogram resolution; travellers not cleared by the end of the day count as over the limit.",
  },
  {
    id: "frontex-abc-5min",
    title: "95% of travellers queue less than 5 minutes",
    authority: "Frontex Automated Border Control design example",
    classes: null,
    measure: "queue",
    thresholdSeconds: 5 * 60,
    target: 0.95,
    note:
      "Queueing time summed over every queue of the crossing (both sides), both directions. " +
      "Read at histogram resolution; travellers not cleared by the end of the day count as over the limit.",
  },
];

export const COMPLIANCE_STATUS_TEXT: Record<ComplianceStatus, string> = {
  met: "met",
  "met-on-average": "met on average, not with 95% confidence",
  "not-met": "not met",
  "not-applicable": "not applicable",
};

/** met / met on average / not met, from a share's interval and the target. */
export function complianceStatus(mean: number | null, lower: number | null, target: number): ComplianceStatus {
  if (mean === null) return "not-applicable";
  if (lower !== null && lower >= target) return "met";
  return mean >= target ? "met-on-average" : "not-met";
}

/** Travellers of one group within the threshold, in one replication. */
function withinOf(g: GroupResult, pledge: ServicePledge): number {
  if (pledge.measure === "clearance") {
    if (pledge.thresholdSeconds === 15 * 60) return g.within15;
    if (pledge.thresholdSeconds === 30 * 60) return g.within30;
    return g.clearance.count === 0 ? 0 : LogHistogram.fromJSON(g.clearance).countAtMost(pledge.thresholdSeconds);
  }
  return g.wait.count === 0 ? 0 : LogHistogram.fromJSON(g.wait).countAtMost(pledge.thresholdSeconds);
}

/**
 * One row per pledge for one policy. `scenarioClasses` are the class ids of the scenario; `days` the
 * policy's results in replication order.
 */
export function policyCompliance(
  policy: string,
  scenarioClasses: readonly string[],
  days: readonly PolicyDayResult[],
  pledges: readonly ServicePledge[] = SERVICE_PLEDGES,
): ComplianceRow[] {
  return pledges.map((pledge) => {
    const classes = pledge.classes === null ? [...scenarioClasses] : pledge.classes.filter((c) => scenarioClasses.includes(c));
    const shares: number[] = [];
    if (classes.length > 0) {
      for (const day of days) {
        let arrived = 0;
        let within = 0;
        for (const c of classes) {
          const g = day.byClass[c];
          if (g === undefined) continue;
          arrived += g.arrived;
          within += withinOf(g, pledge);
        }
        if (arrived > 0) shares.push(Math.min(1, within / arrived));
      }
    }
    const share = intervalOf(shares);
    const status = classes.length === 0 ? "not-applicable" : complianceStatus(share.mean, share.lower, pledge.target);
    return {
      pledge: pledge.id,
      policy,
      title: pledge.title,
      authority: pledge.authority,
      measure: pledge.measure,
      thresholdSeconds: pledge.thresholdSeconds,
      target: pledge.target,
      classes,
      status,
      share,
      margin: share.mean === null ? null : share.mean - pledge.target,
      note:
        classes.length === 0
          ? `None of the classes it covers (${(pledge.classes ?? []).join(", ")}) is in this scenario.`
          : share.n === 0
            ? "No traveller of these classes arrived on any simulated day."
            : pledge.note,
    };
  });
}

/** Every pledge × policy (pledge-major, policies in the given order). */
export function compliance(
  policies: readonly string[],
  scenarioClasses: readonly string[],
  daysOf: (policy: string) => readonly PolicyDayResult[],
  pledges: readonly ServicePledge[] = SERVICE_PLEDGES,
): ComplianceRow[] {
  const byPolicy = policies.map((p) => policyCompliance(p, scenarioClasses, daysOf(p), pledges));
  const rows: ComplianceRow[] = [];
  for (let k = 0; k < pledges.length; k++) for (const list of byPolicy) rows.push(list[k]!);
  return rows;
}
