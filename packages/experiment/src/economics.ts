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
import { finite, intervalOf, scaleInterval } from "./interval.js";
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
  const days = options.workingDaysPerYear ?? DEFAULT_WORKING_DAYS_PER_YEAR;
  const value = options.valueOfTimePerHour ?? null;
  const saved: number[] = [];
  let travellers = 0;
  let clearedDiff = 0;
  for (let i = 0; i < baseline.length; i++) {
    const b = baseline[i]!;
    const t = treatment[i]!;
    saved.push((b.crossing.sum - t.crossing.sum) / 3600);
    travellers += b.arrived;
    clearedDiff += t.cleared - b.cleared;
  }
  const n = baseline.length;
  const perDay = intervalOf(saved);
  return {
    treatment: treatmentId,
    baseline: baselineId,
    workingDaysPerYear: days,
    valueOfTimePerHour: value,
    currency: value === null ? null : (options.currency ?? null),
    travellersPerDay: n === 0 ? null : finite(travellers / n),
    clearedDifferencePerDay: n === 0 ? null : finite(clearedDiff / n),
    hoursSavedPerDay: perDay,
    hoursSavedPerYear: scaleInterval(perDay, days),
    valueSavedPerDay: value === null ? null : scaleInterval(perDay, value),
    valueSavedPerYear: value === null ? null : scaleInterval(perDay, days * value),
  };
}
