/**
 * The economics line: researcher-hours saved by a policy, per day and per year, with a paired 95%
 * interval over replications, and their value when a value of time is given.
 *
 * Per replication (one simulated day, the same travellers under both policies):
 *   hours saved = (Σ crossing time under the baseline − Σ crossing time under the treatment) / 3600,
 * door to door, over every counted traveller (the same people under both policies). Travellers still
 * inside at the hard stop count with the time so far, so the saving is then a lower bound when the
 * baseline censors more. Per year = per day × working days per year; value = hours × value of time.
 * `clearedDifferencePerDay` says by how many the policies' cleared counts differ.
 */
import type { PolicyDayResult } from "@hetao/crossing-model";
import { z } from "zod";
import { Welford } from "@hetao/stats";
import { finite, intervalOfMoments, scaleInterval } from "./interval.js";
import type { EconomicsReport } from "./report-schema.js";

export const DEFAULT_WORKING_DAYS_PER_YEAR = 250;

/** Optional reporting parameters of an experiment (ExperimentSpec.economics). */
export const EconomicsOptionsSchema = z
  .strictObject({
    workingDaysPerYear: z.number().positive().max(366).optional().describe("Working days per year (default 250)."),
    valueOfTimePerHour: z.number().nonnegative().optional().describe("Value of one researcher-hour; no value line when absent."),
    currency: z.string().min(1).max(16).optional().describe('Currency of the value of time, e.g. "HKD".'),
  })
  .describe("Parameters of the report's economics line (researcher-hours saved).");
export type EconomicsOptions = z.infer<typeof EconomicsOptionsSchema>;

/** The economics line of one comparison, accumulated one replication (pair of days) at a time. */
export class EconomicsAccumulator {
  readonly #treatment: string;
  readonly #baseline: string;
  readonly #options: EconomicsOptions;
  readonly #saved = new Welford();
  #travellers = 0;
  #clearedDiff = 0;

  constructor(treatmentId: string, baselineId: string, options: EconomicsOptions = {}) {
    this.#treatment = treatmentId;
    this.#baseline = baselineId;
    this.#options = options;
  }

  add(t: PolicyDayResult, b: PolicyDayResult): void {
    this.#saved.add((b.crossing.sum - t.crossing.sum) / 3600);
    this.#travellers += b.arrived;
    this.#clearedDiff += t.cleared - b.cleared;
  }

  finish(): EconomicsReport {
    const options = this.#options;
    const days = options.workingDaysPerYear ?? DEFAULT_WORKING_DAYS_PER_YEAR;
    const value = options.valueOfTimePerHour ?? null;
    const n = this.#saved.count;
    const perDay = intervalOfMoments(this.#saved);
    return {
      treatment: this.#treatment,
      baseline: this.#baseline,
      workingDaysPerYear: days,
      valueOfTimePerHour: value,
      currency: value === null ? null : (options.currency ?? null),
      travellersPerDay: n === 0 ? null : finite(this.#travellers / n),
      clearedDifferencePerDay: n === 0 ? null : finite(this.#clearedDiff / n),
      hoursSavedPerDay: perDay,
      hoursSavedPerYear: scaleInterval(perDay, days),
      valueSavedPerDay: value === null ? null : scaleInterval(perDay, value),
      valueSavedPerYear: value === null ? null : scaleInterval(perDay, days * value),
    };
  }
}

/** The economics line of one comparison; `treatment` and `baseline` are in replication order. */
export function economics(
  treatmentId: string,
  baselineId: string,
  treatment: readonly PolicyDayResult[],
  baseline: readonly PolicyDayResult[],
  options: EconomicsOptions = {},
): EconomicsReport {
  if (treatment.length !== baseline.length) {
    throw new RangeError(`economics: ${treatment.length} treatment vs ${baseline.length} baseline replications`);
  }
  const acc = new EconomicsAccumulator(treatmentId, baselineId, options);
  for (let i = 0; i < baseline.length; i++) acc.add(treatment[i]!, baseline[i]!);
  return acc.finish();
}
