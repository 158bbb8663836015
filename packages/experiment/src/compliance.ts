/**
 * Compliance with published service standards ("pledges"), computed from replication results.
 *
 * Pledges are scenario data (`pledges:` in the scenario file): each names the control it governs (a
 * named group of checkpoints in `controls:`), what is measured there (time at the control = queue plus
 * service, or the queue alone), the travellers it covers (classes, directions), the limit and the target
 * share. The model measures each covered traveller who reached the control; travellers still inside at
 * the hard stop count as over the limit (their time so far is a lower bound). For every policy the report
 * states the share within the limit as an interval over replications (one observation per simulated day)
 * and whether the pledge is met:
 *
 * - **met**: the lower bound of the 95% interval is at or above the target; for a 100% target ("nobody
 *   over"), nobody was over on any simulated day;
 * - **met-on-average**: the mean is at or above the target but the lower bound is below it;
 * - **not-met**: the mean is below the target (for a 100% target: somebody was over on some day);
 * - **not-applicable**: no covered traveller reached the control on any day.
 */
import type { PolicyDayResult } from "@hetao/crossing-model";
import type { ResolvedScenario } from "@hetao/scenario";
import { intervalOf } from "./interval.js";
import type { ComplianceRow, ComplianceStatus } from "./report-schema.js";

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

/** One row per pledge of the scenario for one policy; `days` are the policy's results in replication order. */
export function policyCompliance(scenario: ResolvedScenario, policy: string, days: readonly PolicyDayResult[]): ComplianceRow[] {
  const classIds = scenario.travellers.classes.map((c) => c.id);
  return scenario.pledges.map((pledge) => {
    const control = scenario.controls.find((c) => c.id === pledge.control);
    const shares: number[] = [];
    const over: number[] = [];
    let covered = 0;
    let censored = 0;
    const hourCovered = new Array<number>(24).fill(0);
    const hourWithin = new Array<number>(24).fill(0);
    for (const day of days) {
      const r = day.pledges[pledge.id];
      if (r === undefined) continue;
      covered += r.covered;
      censored += r.censored;
      for (let h = 0; h < 24; h++) {
        hourCovered[h]! += r.hourlyCovered[h] ?? 0;
        hourWithin[h]! += r.hourlyWithin[h] ?? 0;
      }
      over.push(r.covered - r.within);
      if (r.covered > 0) shares.push(r.within / r.covered);
    }
    const share = intervalOf(shares);
    const overPerDay = intervalOf(over);
    let status: ComplianceStatus;
    if (share.n === 0) status = "not-applicable";
    else if (pledge.target >= 1) status = over.every((x) => x === 0) ? "met" : "not-met";
    else status = complianceStatus(share.mean, share.lower, pledge.target);
    let worstHour: ComplianceRow["worstHour"] = null;
    for (let h = 0; h < 24; h++) {
      const c = hourCovered[h]!;
      if (c === 0 || c < 0.01 * covered) continue;
      const sh = hourWithin[h]! / c;
      if (worstHour === null || sh < worstHour.share) worstHour = { from: `${String(h).padStart(2, "0")}:00`, share: sh, covered: c };
    }
    const classes = pledge.classes === null ? classIds : pledge.classes;
    const directions = pledge.directions === null ? ["northbound", "southbound"] : pledge.directions;
    const measured =
      `${pledge.measure === "queue" ? "Queueing time" : "Time at the control (queue plus service)"} at ${control?.title ?? pledge.control} ` +
      `(checkpoints ${(control?.checkpoints ?? []).join(", ")}), for ${classes.join(", ")} travelling ${directions.join(" and ")}. ` +
      "Travellers still inside at the hard stop count as over the limit.";
    return {
      pledge: pledge.id,
      policy,
      title: pledge.title,
      authority: pledge.authority ?? null,
      control: pledge.control,
      checkpoints: control?.checkpoints ?? [],
      measure: pledge.measure,
      thresholdSeconds: pledge.thresholdSeconds,
      target: pledge.target,
      classes,
      directions,
      status,
      share,
      overPerDay,
      daysWithAnyOver: over.filter((x) => x > 0).length,
      covered,
      censored,
      margin: share.mean === null ? null : share.mean - pledge.target,
      worstHour,
      note:
        share.n === 0
          ? `No covered traveller reached ${pledge.control} on any simulated day under this policy.`
          : `${measured}${pledge.note !== undefined ? ` ${pledge.note}` : ""}`,
    };
  });
}

/** Every pledge × policy (pledge-major, policies in the given order). */
export function compliance(
  scenario: ResolvedScenario,
  policies: readonly string[],
  daysOf: (policy: string) => readonly PolicyDayResult[],
): ComplianceRow[] {
  const byPolicy = policies.map((p) => policyCompliance(scenario, p, daysOf(p)));
  const rows: ComplianceRow[] = [];
  for (let k = 0; k < scenario.pledges.length; k++) for (const list of byPolicy) rows.push(list[k]!);
  return rows;
}
