import { z } from "zod";
import { DistributionsSchema } from "./distribution.js";
import { NameSchema, SlugSchema } from "./ids.js";
import { DirectionSchema } from "./match.js";
import { PolicySchema, ScheduleWindowSchema } from "./policy.js";
import { TimeSchema } from "./time-of-day.js";
import { SCENARIO_LIMITS } from "./limits.js";
import { validateScenario } from "./validate.js";

const probability = (what: string) => z.number().min(0).max(1).describe(what);

export const DaySchema = z
  .strictObject({
    open: TimeSchema.describe("Walk-in arrivals start (HH:MM)."),
    close: TimeSchema.describe("Walk-in arrivals stop (HH:MM); open < close."),
    end: TimeSchema.default("24:00").describe(
      "Hard stop (HH:MM, default 24:00; close <= end): the day runs until the crossing is empty or this time; anyone still inside is censored (counted with the time elapsed so far).",
    ),
  })
  .describe("The operating day: arrivals happen in [open, close); the crossing then empties, up to the hard stop `end`.");

export const ExperimentSchema = z
  .strictObject({
    replications: z.number().int().min(2).max(SCENARIO_LIMITS.replications).default(30).describe(`Independent replications (simulated days), integer 2-${SCENARIO_LIMITS.replications} (default 30).`),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1).describe("Master random seed, integer >= 0 (default 1)."),
    baseline: SlugSchema.optional().describe("Policy id the others are compared with (default: the first policy)."),
    compare: z
      .array(z.tuple([SlugSchema, SlugSchema]).describe("[policy, reference policy]: differences are policy − reference."))
      .optional()
      .describe("Pairs of policies to compare (default: every other policy vs the baseline, as [other, baseline])."),
  })
  .describe("How the policies are compared: replications on common random numbers.");

export const ProfileEntrySchema = z
  .strictObject({
    from: TimeSchema,
    to: TimeSchema,
    share: probability("Share of the day's trips arriving in [from, to), in [0,1]; requires `tripsPerDay`.").optional(),
    ratePerHour: z.number().min(0).max(SCENARIO_LIMITS.ratePerHour).optional().describe("Walk-in arrivals per hour in [from, to) (>= 0)."),
  })
  .describe("A piece of the piecewise-constant arrival rate: give `share` (all entries) or `ratePerHour` (all entries).");

export const SouthboundWindowSchema = z
  .strictObject({
    from: TimeSchema,
    to: TimeSchema,
    share: probability("Probability a walk-in traveller arriving in [from, to) is southbound, in [0,1]."),
  })
  .describe("Southbound share in a time window.");

export const ShuttleSchema = z
  .strictObject({
    time: TimeSchema.describe("Arrival time of the bus at the crossing (HH:MM)."),
    direction: DirectionSchema,
    seats: z.number().int().positive().max(SCENARIO_LIMITS.shuttleSeats).describe(`Seats on the bus (integer 1-${SCENARIO_LIMITS.shuttleSeats}).`),
    load: probability("Load factor in [0,1]; round(seats × load) passengers arrive at once."),
  })
  .describe("A shuttle bus whose passengers arrive as one batch, in addition to walk-in demand.");

export const DemandSchema = z
  .strictObject({
    tripsPerDay: z.number().positive().max(SCENARIO_LIMITS.tripsPerDay).optional().describe("Walk-in trips per day (> 0); required when the profile uses `share`."),
    multiplier: z.number().positive().max(SCENARIO_LIMITS.demandMultiplier).default(1).describe("Scales all walk-in rates (> 0, default 1), e.g. 3 for the 2026 bridge."),
    profile: z.array(ProfileEntrySchema).min(1).max(SCENARIO_LIMITS.timeWindows).describe("Piecewise-constant arrival rate; sorted, non-overlapping, inside [day.open, day.close]."),
    southboundShare: z
      .union([probability("Constant probability a walk-in traveller is southbound."), z.array(SouthboundWindowSchema).min(1).max(SCENARIO_LIMITS.timeWindows)])
      .describe("Probability a walk-in traveller is southbound (Shenzhen → Hong Kong): a number, or windows covering every profile interval."),
    shuttles: z.array(ShuttleSchema).max(SCENARIO_LIMITS.shuttles).default([]).describe("Scheduled shuttle buses (batch arrivals)."),
  })
  .describe("Who arrives when.");

export const TravellerClassSchema = z
  .strictObject({
    id: NameSchema.describe('Class id, unique (e.g. "hk-resident").'),
    share: probability("Share of travellers in this class, in [0,1]; shares sum to 1."),
    whitelistEligible: z.boolean().describe("Whether travellers of this class can be registered on the whitelist."),
    title: z.string().optional(),
  })
  .describe("A traveller class.");

export const GoodsMixSchema = z
  .strictObject({
    instruments: probability("Probability a trip carries research instruments.").default(0),
    reagents: probability("Probability a trip carries reagents.").default(0),
    biological: probability("Probability a trip carries biological material.").default(0),
  })
  .describe("Probability a trip carries each kind of goods (mutually exclusive; sum <= 1; the rest carry none).");

const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month "YYYY-MM"').describe('A month, "YYYY-MM".');

/**
 * A group of institutions of one park (e.g. the Shenzhen park's 52 research institutions and R&D
 * centres): their number, staff, and how many are whitelisted (備案 at institution level).
 */
export const InstitutionGroupSchema = z
  .strictObject({
    id: NameSchema.describe('Group id, unique (e.g. "shenzhen-park").'),
    title: z.string().optional(),
    park: z
      .enum(["shenzhen", "hongkong"])
      .describe("The park its staff work in: a tour starts there (southbound from `shenzhen`, northbound from `hongkong`) and returns there."),
    count: z.number().int().min(1).max(10_000).describe("Number of institutions (integer 1-10000)."),
    staff: z.number().int().min(1).max(SCENARIO_LIMITS.staff).describe(`Staff of all its institutions together (integer 1-${SCENARIO_LIMITS.staff}); split by the size skew.`),
    whitelisted: probability("Share of its institutions on the whitelist (institution-level 備案), in [0,1]; institution i is whitelisted when its own draw is below it, so raising it only adds institutions."),
    lifeScience: probability("Share of its institutions whose work carries biological samples (life-science labs), in [0,1].").default(0),
    classes: z
      .record(NameSchema, z.number().min(0))
      .optional()
      .describe("Weights of traveller classes among its staff (class id → weight, normalised); default the classes' own shares."),
  })
  .describe("Institutions of one park and their staff.");

export const PopulationSchema = z
  .strictObject({
    institutions: z.array(InstitutionGroupSchema).min(1).max(SCENARIO_LIMITS.institutionGroups).describe("Institution groups; ids unique."),
    sizeSkew: z
      .number()
      .min(0)
      .max(4)
      .default(1)
      .describe("Institution sizes ∝ rank^−sizeSkew within a group (Zipf; 0 = equal sizes; default 1, assumed: a few large institutes and many small ones)."),
    enrolment: probability(
      "Share of a whitelisted institution's staff enrolled individually (face and documents registered), in [0,1]; nested like `whitelisted`. Give it, or `enrolmentPath` and `month`.",
    ).optional(),
    enrolmentPath: z
      .array(
        z.strictObject({
          month: MonthSchema,
          enrolment: probability("Share enrolled by then, in [0,1]."),
        }),
      )
      .min(1)
      .max(SCENARIO_LIMITS.timeWindows)
      .optional()
      .describe("Enrolment by month (e.g. the registration drive of 2025), months in increasing order; `month` picks the point, linear in between, flat outside."),
    month: MonthSchema.optional().describe('The month simulated on `enrolmentPath` ("YYYY-MM"); sweep it to follow the path.'),
    tours: probability(
      "Probability that a walk-in trip is the return leg of an earlier trip of the opposite direction (a tour: out in the morning, back later) when one is open; the return leg is the same person.",
    ).default(0.9),
    minStayMinutes: z.number().min(0).max(SCENARIO_LIMITS.minutes).default(60).describe("A return leg comes at least this long after its outbound trip (minutes, default 60)."),
    goods: z
      .strictObject({
        lifeScience: GoodsMixSchema.describe("Goods a member of a life-science institution carries on a tour."),
        other: GoodsMixSchema.describe("Goods a member of any other institution carries on a tour."),
      })
      .optional()
      .describe("Goods by kind of institution (drawn once per person and day; both legs of a tour carry the same goods); default `travellers.goods` for everyone."),
  })
  .describe(
    "A synthetic population of institutions and their staff: whitelist status follows from institutions and individual enrolment, and a researcher's trips in a day are one person's tour sharing whitelist status, traits and goods. Shuttle passengers stay anonymous.",
  );

export const TravellersSchema = z
  .strictObject({
    classes: z.array(TravellerClassSchema).min(1).max(SCENARIO_LIMITS.travellerClasses).describe("Traveller classes; shares sum to 1, ids unique."),
    whitelist: z
      .strictObject({
        coverage: probability("Share of eligible travellers registered on the whitelist (白名單), in [0,1]."),
      })
      .optional()
      .describe("Whitelist registration of anonymous trips (a coin flip per trip); exactly one of `whitelist` / `population`."),
    population: PopulationSchema.optional().describe("Institutions and people: whitelist status per institution and person, tours; exactly one of `whitelist` / `population`."),
    goods: GoodsMixSchema.prefault({}),
    beyondZone: probability(
      "Probability that a trip continues beyond the co-operation zone (past the second line, into the rest of Shenzhen or Hong Kong) rather than staying park to park, in [0,1] (default 0). Drawn per person and day: both legs of a tour share it.",
    ).default(0),
  })
  .describe("Who the travellers are.");

export const ControlSchema = z
  .strictObject({
    id: NameSchema.describe('Control id, unique (e.g. "hk-immigration").'),
    title: z.string().optional(),
    checkpoints: z
      .array(NameSchema)
      .min(1)
      .max(SCENARIO_LIMITS.checkpoints)
      .describe("Checkpoint labels that make up the control; a traveller's time at the control is its queue plus service at all of them."),
    staff: z
      .enum(["any", "officer", "automated"])
      .default("any")
      .describe("Only the lanes of these checkpoints with this `staff` (default `any`): e.g. `automated` for a standard on e-gates."),
  })
  .describe("A control (e.g. one side's immigration): a named group of checkpoints, reported as time at the control and used by pledges.");

export const PledgeSchema = z
  .strictObject({
    id: NameSchema.describe('Pledge id, unique (e.g. "hk-residents-15min").'),
    title: z.string().min(1).describe("The standard in plain words."),
    authority: z.string().optional().describe("Who sets it."),
    control: NameSchema.describe("Id of the control (in `controls`) the pledge governs."),
    measure: z
      .enum(["time-at-control", "queue"])
      .default("time-at-control")
      .describe("`time-at-control` (default): queue plus service at the control; `queue`: time queueing at the control only."),
    classes: z.array(NameSchema).min(1).optional().describe("Traveller classes it covers (default: every class)."),
    directions: z.array(DirectionSchema).min(1).optional().describe("Directions it covers (default: both)."),
    thresholdMinutes: z.number().positive().max(SCENARIO_LIMITS.minutes).describe("The time limit (minutes, > 0)."),
    target: probability("Share of covered travellers that must be within the limit, in [0,1]."),
    note: z.string().optional(),
  })
  .describe("A service standard measured on the control it governs, for the travellers it covers.");

/**
 * Rosters (排班): officers per period for each lane of a policy, apart from the layout. A policy's
 * lanes take its own roster entry, else the nearest ancestor's (along `extends`), else the lane's
 * `servers` / `schedule` as written. `hetao-sim roster` writes them.
 */
export const RostersSchema = z
  .record(
    SlugSchema.describe("Policy id."),
    z.record(NameSchema.describe("Lane id of the policy (own or inherited)."), z.array(ScheduleWindowSchema).min(1).max(SCENARIO_LIMITS.timeWindows).describe("Staffing windows, sorted and non-overlapping; 0 servers outside them.")),
  )
  .describe(
    "Staffing by time of day, by policy and lane: `{ <policy>: { <lane>: [{ from, to, servers }] } }`. Replaces the lane's `servers` / `schedule` in that policy and in the policies extending it (unless they give their own); the layout stays in `policies`.",
  );

export const RosterLimitWindowSchema = z
  .strictObject({
    from: TimeSchema,
    to: TimeSchema,
    min: z.number().int().min(0).optional().describe("Fewest servers `hetao-sim roster` may give the lane in any period overlapping [from, to) (integer >= 0)."),
    max: z.number().int().min(0).optional().describe("Most servers `hetao-sim roster` may give the lane in any period overlapping [from, to) (integer >= 0, >= min)."),
  })
  .describe("Bounds on the servers of a rostered period: `min` and/or `max` from `from` to `to`.");

/**
 * Roster limits: per lane and period, the fewest and most servers `hetao-sim roster` may choose (desks
 * that exist, a floor the post keeps). Keyed like `rosters` and inherited along `extends` the same way;
 * where no window covers a period, the command's `--min-servers` / `--max-servers` hold.
 */
export const RosterLimitsSchema = z
  .record(
    SlugSchema.describe("Policy id."),
    z.record(NameSchema.describe("Lane id of the policy (own or inherited)."), z.array(RosterLimitWindowSchema).min(1).describe("Bound windows, sorted and non-overlapping.")),
  )
  .describe(
    "Bounds for `hetao-sim roster` by time of day, by policy and lane: `{ <policy>: { <lane>: [{ from, to, min, max }] } }`. A policy's lanes take its own entry, else the nearest ancestor's; they bound the search only, never a run.",
  );

/** The scenario's shape alone, without the cross-field checks (load.ts runs those itself on a repaired copy). */
export const ScenarioShapeSchema = z
  .strictObject({
    name: SlugSchema.describe("Scenario name (slug)."),
    title: z.string().optional(),
    description: z.string().optional(),
    day: DaySchema,
    warmupMinutes: z
      .number()
      .min(0)
      .max(SCENARIO_LIMITS.minutes)
      .default(0)
      .describe("Travellers arriving before open + warm-up are simulated but excluded from statistics (minutes >= 0, default 0)."),
    experiment: ExperimentSchema.prefault({}),
    distributions: DistributionsSchema,
    demand: DemandSchema,
    travellers: TravellersSchema,
    policies: z.array(PolicySchema).min(1).max(SCENARIO_LIMITS.policies).describe("Clearance policies to compare; ids unique."),
    controls: z.array(ControlSchema).max(SCENARIO_LIMITS.checkpoints).default([]).describe("Named controls (groups of checkpoints) reported as time at the control; pledges refer to them."),
    pledges: z.array(PledgeSchema).max(SCENARIO_LIMITS.checkpoints).default([]).describe("Service standards reported against, each on the control it governs."),
    rosters: RostersSchema.default({}),
    rosterLimits: RosterLimitsSchema.optional(),
  })
  .describe("A Hetao crossing scenario: operating day, demand, travellers and the clearance policies to compare.");

/** The scenario file schema: shape (strict) plus cross-field validation. */
export const ScenarioSchema = ScenarioShapeSchema.superRefine((scenario, ctx) => {
  for (const issue of validateScenario(scenario)) {
    ctx.addIssue({
      code: "custom",
      path: issue.path,
      message: issue.message,
      params: issue.hasValue ? { expected: issue.expected, value: issue.value } : { expected: issue.expected },
    });
  }
}, {
  // Cross-field rules assume a well-formed document: run them only when the shape has no issue at all
  // (zod would otherwise run refinements after non-aborting issues such as a bad "HH:MM").
  when: (payload) => payload.issues.length === 0,
});

/** A scenario as written in a file (defaults optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A parsed scenario with defaults applied (times still "HH:MM"). */
export type Scenario = z.output<typeof ScenarioSchema>;

export type Day = z.output<typeof DaySchema>;
export type Rosters = z.output<typeof RostersSchema>;
export type RosterLimits = z.output<typeof RosterLimitsSchema>;
export type RosterLimitWindow = z.output<typeof RosterLimitWindowSchema>;
export type Experiment = z.output<typeof ExperimentSchema>;
export type Demand = z.output<typeof DemandSchema>;
export type ProfileEntry = z.output<typeof ProfileEntrySchema>;
export type Shuttle = z.output<typeof ShuttleSchema>;
export type Travellers = z.output<typeof TravellersSchema>;
export type TravellerClass = z.output<typeof TravellerClassSchema>;
export type PopulationSpec = z.output<typeof PopulationSchema>;
export type InstitutionGroup = z.output<typeof InstitutionGroupSchema>;
export type Control = z.output<typeof ControlSchema>;
export type Pledge = z.output<typeof PledgeSchema>;
