import { z } from "zod";
import { NameSchema, SlugSchema } from "./ids.js";
import { MatchSchema } from "./match.js";
import { SCENARIO_LIMITS } from "./limits.js";
import { TimeSchema } from "./time-of-day.js";

const probability = (what: string) => z.number().min(0).max(1).describe(what);
const distributionRef = (what: string) => NameSchema.describe(`${what} Name of an entry in \`distributions\`.`);

export const ScheduleWindowSchema = z
  .strictObject({
    from: TimeSchema,
    to: TimeSchema,
    servers: z.number().int().min(0).max(SCENARIO_LIMITS.serversPerLane).describe(`Servers open in [from, to) (integer 0-${SCENARIO_LIMITS.serversPerLane}).`),
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
    servers: z.number().int().min(0).max(SCENARIO_LIMITS.serversPerLane).optional().describe("Constant number of identical servers all day (exactly one of `servers` / `schedule`)."),
    schedule: z
      .array(ScheduleWindowSchema)
      .min(1)
      .max(SCENARIO_LIMITS.timeWindows)
      .optional()
      .describe("Staffing windows, sorted and non-overlapping; 0 servers outside them (exactly one of `servers` / `schedule`)."),
    outages: z.array(OutageSchema).max(SCENARIO_LIMITS.timeWindows).optional().describe("Periods when the whole lane is closed."),
    onClose: z
      .enum(["divert", "wait"])
      .default("divert")
      .describe(
        "What happens to travellers waiting when the lane's open servers drop to 0: `divert` (default) sends each to the next open option of its step, or its fallback; `wait` keeps them in line until the lane reopens. Travellers in service finish either way; nobody new joins a closed lane.",
      ),
    staff: z
      .enum(["officer", "automated"])
      .default("officer")
      .describe("`officer` (default): each open server is an officer (counted in officer-hours); `automated`: an e-gate or walk-through lane (counted in gate-hours)."),
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
    service: distributionRef("Transaction time at this lane for travellers taking this option, instead of the step's or the lane's (e.g. visitors at a counter bank shared with residents).").optional(),
  })
  .describe("One lane option of a step; the first option whose `when` matches and whose share draw passes is joined.");

export const FallbackSchema = z
  .strictObject({
    probability: probability("Probability the traveller falls back after service (biometric reject, random audit)."),
    lane: NameSchema.optional().describe("Lane id of the fallback (e.g. a manual counter after a biometric reject); exactly one of `lane` / `route`."),
    route: NameSchema.optional().describe(
      "Id of a route of the policy: the traveller leaves its own route and follows this one from its first step (e.g. a rejected seamless traveller goes through the conventional controls); exactly one of `lane` / `route`.",
    ),
    draw: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Name of the traveller's random draw (default `<checkpoint>:<lane or route>:fallback`). A draw is a trait of the person: equal names give the same uniform under every policy and at every step, so a 2% reject is nested inside a 3% reject.",
      ),
    service: distributionRef("Transaction time at the fallback lane, instead of the lane's own.").optional(),
  })
  .describe("After service, with this probability the traveller is also served at `lane`, or continues along `route` (biometric reject, random audit). Also used when every option of the step is closed.");

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
    choose: z
      .enum(["share", "shortest-queue", "least-expected-wait"])
      .default("share")
      .describe(
        "How the traveller picks among the applicable open options: `share` (default): options in order, each taken with its `share` given the earlier ones were not; `shortest-queue`: fewest waiting (then most free servers); `least-expected-wait`: least queue × mean service / open servers. Ties go to the earlier option.",
      ),
    fallback: FallbackSchema.optional(),
    service: distributionRef(
      "Transaction time of this step at whichever of its lanes the traveller joins, instead of the lane's own (one desk doing several kinds of check, e.g. a customs desk that takes red-channel declarations and pre-declared checks); a fallback lane keeps its own.",
    ).optional(),
    priority: z.number().int().min(0).default(0).describe("Priority at a shared lane; lower is served first (default 0)."),
  })
  .describe("One control step of a route: a queue at one of `lanes`, or a `delay`.");

export const RouteSchema = z
  .strictObject({
    id: NameSchema.optional().describe("Route id (for statistics)."),
    when: MatchSchema.optional().describe("The route applies to matching travellers; the first matching route is used."),
    steps: z.array(StepSchema).min(1).max(SCENARIO_LIMITS.stepsPerRoute).describe("Steps in order."),
  })
  .describe("A path through the checkpoints for the travellers it matches.");

export const ReserveSchema = z
  .strictObject({
    id: NameSchema.describe("Reserve id, unique within the policy."),
    officers: z.number().int().min(1).max(SCENARIO_LIMITS.serversPerLane).describe(`Officers held in reserve (integer 1-${SCENARIO_LIMITS.serversPerLane}).`),
    lanes: z.array(NameSchema).min(1).describe("Lanes the reserve can open extra servers at."),
    openAtWaitMinutes: z
      .number()
      .positive()
      .max(SCENARIO_LIMITS.minutes)
      .describe("An officer opens an extra server at a lane when its expected wait (waiting × mean service / open servers) passes this (minutes > 0), e.g. the mainland 25-minute contingency rule."),
    closeAtWaitMinutes: z.number().min(0).max(SCENARIO_LIMITS.minutes).describe("A reserve server closes when the lane's expected wait falls below this (minutes >= 0, below openAtWaitMinutes)."),
    minOpenMinutes: z.number().min(0).max(SCENARIO_LIMITS.minutes).default(15).describe("A reserve server stays open at least this long (minutes >= 0, default 15)."),
  })
  .describe("Dynamic staffing: officers that open extra servers when a lane's expected wait passes a threshold and release them below another (HK Immigration's flexible deployment; the mainland contingency rule).");

/**
 * Officers shared between lanes (or directions) that keep their own lines: whoever is free takes the next
 * traveller from the pooled lane whose head has waited longest. Rostered as one count per period.
 */
export const OfficerPoolSchema = z
  .strictObject({
    id: NameSchema.describe("Pool id, unique within the policy and distinct from its lane ids (`rosters.<policy>.<pool>` rosters the pool)."),
    title: z.string().optional(),
    lanes: z
      .array(NameSchema)
      .min(2)
      .max(SCENARIO_LIMITS.lanesPerPolicy)
      .describe("Officer-staffed lanes of the policy whose officers move between them (at least 2; a lane is in at most one pool, and not in a reserve)."),
    officers: z
      .number()
      .int()
      .min(1)
      .max(SCENARIO_LIMITS.serversPerLane)
      .optional()
      .describe(`Most officers the pool has at once (integer 1-${SCENARIO_LIMITS.serversPerLane}): caps its count and what \`hetao-sim roster\` may give it.`),
  })
  .describe(
    "Officers shared between lanes: at any time the pool has a count of officers (its roster entry, else the sum of its lanes' servers, at most `officers`); each lane's own servers are the desks open there (at most that many of the pool's officers serve it at once).",
  );

export const PolicySchema = z
  .strictObject({
    id: SlugSchema.describe('Policy id (slug), e.g. "current" or "seamless".'),
    title: z.string().optional(),
    description: z.string().optional(),
    extends: SlugSchema.optional().describe("Inherit the parent's lanes (merged by id) and routes (tried after this policy's own)."),
    removeLanes: z.array(NameSchema).optional().describe("Inherited lanes to drop."),
    removeRoutes: z.array(NameSchema).optional().describe("Inherited routes (by id) to drop, e.g. those the policy's own routes make unreachable."),
    lanes: z.array(LaneSchema).max(SCENARIO_LIMITS.lanesPerPolicy).default([]).describe("Lanes; may be empty only when `extends` is set."),
    routes: z.array(RouteSchema).max(SCENARIO_LIMITS.routesPerPolicy).default([]).describe("Routes, tried in order; may be empty only when `extends` is set."),
    reserves: z.array(ReserveSchema).optional().describe("Reserve officers (dynamic staffing); inherited from `extends` unless given."),
    officerPools: z.array(OfficerPoolSchema).max(SCENARIO_LIMITS.lanesPerPolicy).optional().describe("Officers shared between lanes or directions; inherited from `extends` unless given."),
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
export type Reserve = z.output<typeof ReserveSchema>;
export type OfficerPool = z.output<typeof OfficerPoolSchema>;
