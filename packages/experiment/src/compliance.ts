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
import { Welford } from "@hetao/stats";
import { intervalOfMoments } from "./interval.js";
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

/** One pledge under one policy, accumulated one replication at a time (replication order). */
class PledgeAccumulator {
  readonly shares = new Welford();
  readonly over = new Welford();
  covered = 0;
  censored = 0;
  daysWithAnyOver = 0;
  readonly hourCovered = new Array<number>(24).fill(0);
  readonly hourWithin = new Array<number>(24).fill(0);

  add(r: PolicyDayResult["pledges"][string] | undefined): void {
    if (r === undefined) return;
    this.covered += r.covered;
    this.censored += r.censored;
    for (let h = 0; h < 24; h++) {
      this.hourCovered[h]! += r.hourlyCovered[h] ?? 0;
      this.hourWithin[h]! += r.hourlyWithin[h] ?? 0;
    }
    const over = r.covered - r.within;
    this.over.add(over);
    if (over > 0) this.daysWithAnyOver++;
    if (r.covered > 0) this.shares.add(r.within / r.covered);
  }
}

/**
 * The compliance rows of one policy, accumulated one replication at a time (in replication order):
 * streaming moments and counters only.
 */
export class PolicyComplianceAccumulator {
  readonly #scenario: ResolvedScenario;
  readonly #policy: string;
  readonly #pledges: PledgeAccumulator[];

  constructor(scenario: ResolvedScenario, policy: string) {
    this.#scenario = scenario;
    this.#policy = policy;
    this.#pledges = scenario.pledges.map(() => new PledgeAccumulator());
  }

  add(day: PolicyDayResult): void {
    this.#scenario.pledges.forEach((pledge, i) => this.#pledges[i]!.add(day.pledges[pledge.id]));
  }

  /** One row per pledge of the scenario. */
  finish(): ComplianceRow[] {
    const scenario = this.#scenario;
    const classIds = scenario.travellers.classes.map((c) => c.id);
    return scenario.pledges.map((pledge, i) => {
      const acc = this.#pledges[i]!;
      const control = scenario.controls.find((c) => c.id === pledge.control);
      const { covered, censored, hourCovered, hourWithin } = acc;
      const share = intervalOfMoments(acc.shares);
      const overPerDay = intervalOfMoments(acc.over);
      let status: ComplianceStatus;
      if (share.n === 0) status = "not-applicable";
      else if (pledge.target >= 1) status = acc.daysWithAnyOver === 0 ? "met" : "not-met";
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
        policy: this.#policy,
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
        daysWithAnyOver: acc.daysWithAnyOver,
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
}

/** One row per pledge of the scenario for one policy; `days` are the policy's results in replication order. */
export function policyCompliance(scenario: ResolvedScenario, policy: string, days: readonly PolicyDayResult[]): ComplianceRow[] {
  const acc = new PolicyComplianceAccumulator(scenario, policy);
  for (const d of days) acc.add(d);
  return acc.finish();
}

/** Pledge-major rows from each policy's rows (policies in the experiment's order). */
export function complianceRows(byPolicy: readonly ComplianceRow[][], pledges: number): ComplianceRow[] {
  const rows: ComplianceRow[] = [];
  for (let k = 0; k < pledges; k++) for (const list of byPolicy) rows.push(list[k]!);
  return rows;
}

/** Every pledge × policy (pledge-major, policies in the given order). */
export function compliance(
  scenario: ResolvedScenario,
  policies: readonly string[],
  daysOf: (policy: string) => readonly PolicyDayResult[],
): ComplianceRow[] {
  return complianceRows(
    policies.map((p) => policyCompliance(scenario, p, daysOf(p))),
    scenario.pledges.length,
  );
}
