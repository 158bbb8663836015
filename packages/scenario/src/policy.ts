import { z } from "zod";
import { NameSchema, SlugSchema } from "./ids.js";
import { MatchSchema } from "./match.js";
import { TimeSchema } from "./time-of-day.js";

const probability = (what: string) => z.number().min(0).max(1).describe(what);
const distributionRef = (what: string) => NameSchema.describe(`${what} Name of an entry in \`distributions\`.`);

export const ScheduleWindowSchema = z
  .strictObject({
    from: TimeSchema,
    to: TimeSchema,
    servers: z.number().int().min(0).describe("Servers open in [from, to) (integer >= 0)."),
  })
  .describe("A staffing window: `servers` servers open from `from` to `to`.");

export const OutageSchema = z
  .strictObject({ from: TimeSchema, to: TimeSchema })
  .describe("The whole lane is closed from `from` to `to`; travellers in service finish.");

export const LaneSchema = z
  .strictObject({
    id: NameSchema.describe('Lane id, unique within the policy (e.g. "sb-sz-exit-egate").'),
    checkpoint: NameSchema.describe('Checkpoint label used to aggregate statistics (e.g. "sz-exit-immigration").'),
    kind: z.string().optional().describe('Free label: "manual", "e-gate", "walk-through", ...'),
    title: z.string().optional().describe("Human-readable name."),
    servers: z.number().int().min(0).optional().describe("Constant number of identical servers all day (exactly one of `servers` / `schedule`)."),
    schedule: z
      .array(ScheduleWindowSchema)
      .min(1)
      .optional()
      .describe("Staffing windows, sorted and non-overlapping; 0 servers outside them (exactly one of `servers` / `schedule`)."),
    outages: z.array(OutageSchema).optional().describe("Periods when the whole lane is closed."),
    service: distributionRef("Transaction time per traveller."),
    overhead: distributionRef("Walk-up / door overhead per traveller, added to the service time.").optional(),
  })
  .describe("A server pool at a checkpoint: one FIFO line (ordered by priority) feeding identical servers.");

export const LaneChoiceSchema = z
  .strictObject({
    lane: NameSchema.describe("Lane id."),
    when: MatchSchema.optional().describe("Option applies only to matching travellers."),
    share: probability("Probability that an applicable traveller takes this option (default 1).").default(1),
    draw: z.string().min(1).optional().describe("Name of the traveller's random draw deciding the share (default `<checkpoint>:<lane>:share`)."),
  })
  .describe("One lane option of a step; the first option whose `when` matches and whose share draw passes is joined.");

export const FallbackSchema = z
  .strictObject({
    probability: probability("Probability the traveller is also served at `lane` after service."),
    lane: NameSchema.describe("Lane id of the fallback (e.g. manual counter after a biometric reject)."),
    draw: z.string().min(1).optional().describe("Name of the random draw (default `<checkpoint>:<lane>:fallback`)."),
  })
  .describe("After service, with this probability the traveller is also served at `lane` (biometric reject, random audit).");

export const StepSchema = z
  .strictObject({
    checkpoint: NameSchema.describe("Checkpoint label for statistics."),
    when: MatchSchema.optional().describe("The step is skipped unless the traveller matches."),
    probability: probability("The step is taken only with this probability (default 1).").default(1),
    draw: z
      .string()
      .min(1)
      .optional()
      .describe("Name of the traveller's random draw for `probability`; equal names share the draw across policies (default `<checkpoint>:<first lane or delay>`)."),
    delay: distributionRef("A pure delay (walk) with no queue; exactly one of `delay` / `lanes`.").optional(),
    lanes: z
      .union([NameSchema, z.array(LaneChoiceSchema).min(1)])
      .optional()
      .describe("A lane id, or lane options tried in order; the last option must have no `when` and share 1."),
    fallback: FallbackSchema.optional(),
    priority: z.number().int().min(0).default(0).describe("Priority at a shared lane; lower is served first (default 0)."),
  })
  .describe("One control step of a route: a queue at one of `lanes`, or a `delay`.");

export const RouteSchema = z
  .strictObject({
    id: NameSchema.optional().describe("Route id (for statistics)."),
    when: MatchSchema.optional().describe("The route applies to matching travellers; the first matching route is used."),
    steps: z.array(StepSchema).min(1).describe("Steps in order."),
  })
  .describe("A path through the checkpoints for the travellers it matches.");

export const PolicySchema = z
  .strictObject({
    id: SlugSchema.describe('Policy id (slug), e.g. "current" or "seamless".'),
    title: z.string().optional(),
    description: z.string().optional(),
    extends: SlugSchema.optional().describe("Inherit the parent's lanes (merged by id) and routes (tried after this policy's own)."),
    removeLanes: z.array(NameSchema).optional().describe("Inherited lanes to drop."),
    lanes: z.array(LaneSchema).default([]).describe("Lanes; may be empty only when `extends` is set."),
    routes: z.array(RouteSchema).default([]).describe("Routes, tried in order; may be empty only when `extends` is set."),
  })
  .describe("A clearance policy: which lanes exist and which traveller goes where.");

export type ScheduleWindow = z.output<typeof ScheduleWindowSchema>;
export type Outage = z.output<typeof OutageSchema>;
export type Lane = z.output<typeof LaneSchema>;
export type LaneChoice = z.output<typeof LaneChoiceSchema>;
export type Fallback = z.output<typeof FallbackSchema>;
export type Step = z.output<typeof StepSchema>;
export type Route = z.output<typeof RouteSchema>;
export type Policy = z.output<typeof PolicySchema>;
