import { z } from "zod";
import { NameSchema } from "./ids.js";
import { SCENARIO_LIMITS } from "./limits.js";

// Every duration is at most a day (SCENARIO_LIMITS.durationSeconds): longer is a typo and never ends in the day.
const positive = (what: string) => z.number().positive().max(SCENARIO_LIMITS.durationSeconds).describe(what);
const nonNegative = (what: string) => z.number().min(0).max(SCENARIO_LIMITS.durationSeconds).describe(what);
const seconds = (what: string) => z.number().max(SCENARIO_LIMITS.durationSeconds).describe(what);

export const ExponentialSchema = z
  .strictObject({
    kind: z.literal("exponential"),
    mean: positive("Mean, seconds (> 0)."),
  })
  .describe("Exponential duration (memoryless).");

export const LognormalSchema = z
  .strictObject({
    kind: z.literal("lognormal"),
    mean: positive("Mean of the whole duration, seconds (> 0), including the minimum."),
    sd: nonNegative("Standard deviation, seconds (>= 0)."),
    min: nonNegative("Shift (minimum duration), seconds: min + LN with mean (mean - min) and sd. Must be < mean.").optional(),
  })
  .describe("Shifted lognormal duration: min + lognormal with mean (mean - min) and standard deviation sd.");

export const GammaSchema = z
  .strictObject({
    kind: z.literal("gamma"),
    mean: positive("Mean, seconds (> 0)."),
    sd: positive("Standard deviation, seconds (> 0)."),
  })
  .describe("Gamma duration given by mean and standard deviation.");

export const ErlangSchema = z
  .strictObject({
    kind: z.literal("erlang"),
    k: z.number().int().min(1).max(SCENARIO_LIMITS.erlangPhases).describe(`Number of exponential phases (integer 1-${SCENARIO_LIMITS.erlangPhases}).`),
    mean: positive("Mean of the total, seconds (> 0)."),
  })
  .describe("Erlang-k duration: sum of k exponential phases with total mean `mean`.");

export const TriangularSchema = z
  .strictObject({
    kind: z.literal("triangular"),
    min: nonNegative("Minimum, seconds (>= 0)."),
    mode: seconds("Most likely value, seconds (min <= mode <= max)."),
    max: seconds("Maximum, seconds (> min)."),
  })
  .describe("Triangular duration.");

export const UniformSchema = z
  .strictObject({
    kind: z.literal("uniform"),
    min: nonNegative("Minimum, seconds (>= 0)."),
    max: seconds("Maximum, seconds (> min)."),
  })
  .describe("Uniform duration on [min, max].");

export const DeterministicSchema = z
  .strictObject({
    kind: z.literal("deterministic"),
    value: nonNegative("The constant duration, seconds (>= 0)."),
  })
  .describe("Constant duration.");

export const EmpiricalSchema = z
  .strictObject({
    kind: z.literal("empirical"),
    values: z.array(nonNegative("A duration, seconds (>= 0).")).min(1).max(SCENARIO_LIMITS.empiricalValues).describe("Observed durations, seconds (non-empty)."),
    weights: z
      .array(z.number().min(0).describe("A weight (>= 0)."))
      .max(SCENARIO_LIMITS.empiricalValues)
      .optional()
      .describe("Relative weights, one per value (>= 0, positive sum). Default: equal weights."),
  })
  .describe("Empirical duration: one of `values`, drawn with `weights`.");

/** A named duration in seconds, discriminated by `kind`. */
export const DistributionSchema = z
  .discriminatedUnion("kind", [
    ExponentialSchema,
    LognormalSchema,
    GammaSchema,
    ErlangSchema,
    TriangularSchema,
    UniformSchema,
    DeterministicSchema,
    EmpiricalSchema,
  ])
  .describe("A duration in seconds, discriminated by `kind`.");

export type Distribution = z.output<typeof DistributionSchema>;
export type DistributionKind = Distribution["kind"];

export const DISTRIBUTION_KINDS = [
  "exponential",
  "lognormal",
  "gamma",
  "erlang",
  "triangular",
  "uniform",
  "deterministic",
  "empirical",
] as const satisfies readonly DistributionKind[];

export const DistributionsSchema = z
  .record(NameSchema, DistributionSchema)
  .describe("Named durations in seconds, referenced by lanes (`service`, `overhead`) and steps (`delay`).");

/** A constraint between fields of one distribution that the shape alone cannot express. */
export interface DistributionProblem {
  field: string;
  message: string;
  value: unknown;
  expected: string;
}

/** sd at most SCENARIO_LIMITS.coefficientOfVariation times the mean: a wider spread gives absurd rare draws. */
function spreadProblem(sd: number, mean: number, of: string): DistributionProblem[] {
  const cv = SCENARIO_LIMITS.coefficientOfVariation;
  if (sd <= cv * mean) return [];
  return [{ field: "sd", message: `sd is more than ${cv} times the ${of} (SCENARIO_LIMITS.coefficientOfVariation)`, value: sd, expected: `<= ${cv} × ${of} (${cv * mean})` }];
}

/** Cross-field checks of one distribution (the shape is already valid). */
export function checkDistribution(d: Distribution): DistributionProblem[] {
  const problems: DistributionProblem[] = [];
  switch (d.kind) {
    case "lognormal":
      if (d.min !== undefined && d.min >= d.mean) {
        problems.push({ field: "min", message: "minimum must be below the mean", value: d.min, expected: `< mean (${d.mean})` });
      } else {
        problems.push(...spreadProblem(d.sd, d.mean - (d.min ?? 0), d.min === undefined ? "mean" : "mean − min"));
      }
      break;
    case "gamma":
      problems.push(...spreadProblem(d.sd, d.mean, "mean"));
      break;
    case "triangular":
      if (!(d.min < d.max)) {
        problems.push({ field: "max", message: "max must exceed min", value: d.max, expected: `> min (${d.min})` });
      } else if (d.mode < d.min || d.mode > d.max) {
        problems.push({ field: "mode", message: "mode must lie between min and max", value: d.mode, expected: `between ${d.min} and ${d.max}` });
      }
      break;
    case "uniform":
      if (!(d.max > d.min)) {
        problems.push({ field: "max", message: "max must exceed min", value: d.max, expected: `> min (${d.min})` });
      }
      break;
    case "empirical":
      if (d.weights !== undefined) {
        if (d.weights.length !== d.values.length) {
          problems.push({
            field: "weights",
            message: "weights must have one entry per value",
            value: d.weights.length,
            expected: `${d.values.length} weights`,
          });
        } else if (!(d.weights.reduce((a, b) => a + b, 0) > 0)) {
          problems.push({ field: "weights", message: "weights must have a positive sum", value: d.weights, expected: "sum > 0" });
        }
      }
      break;
    default:
      break;
  }
  return problems;
}
