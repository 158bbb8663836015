/**
 * Bounds on everything in a scenario that allocates memory or time, in one place: the loader and the zod
 * schemas read them, so `validate`, `run`, `sweep`, `plan` and the orchestrator's API refuse the same
 * inputs, with the field, the value and the limit, before anything is allocated. docs/scenarios.md shows
 * them as the table `scenarioLimitsTable()` writes (a test keeps the two equal).
 *
 * Sizing: a traveller in flight takes about 130 bytes in the kernel when queues are short (measured: a
 * 5,000,000-trip day peaked at 650 MB RSS, 6 s per policy) and a few hundred when everyone queues; the
 * embedded runner holds one day per worker thread. A million trips a day is then about 0.3 GB and a
 * second or two per policy and replication on one core: several threads fit in a few GB. The crossing
 * sees about 2,000 trips a day today.
 */
export const SCENARIO_LIMITS = {
  documentNodes: 200_000,
  nestingDepth: 64,
  tripsPerDay: 1_000_000,
  ratePerHour: 1_000_000,
  demandMultiplier: 1_000,
  shuttles: 1_000,
  shuttleSeats: 1_000,
  serversPerLane: 1_000,
  lanesPerPolicy: 500,
  routesPerPolicy: 500,
  stepsPerRoute: 100,
  policies: 50,
  checkpoints: 200,
  travellerClasses: 100,
  institutionGroups: 100,
  staff: 1_000_000,
  timeWindows: 1_440,
  replications: 100_000,
  minutes: 1_440,
  durationSeconds: 86_400,
  coefficientOfVariation: 10,
  erlangPhases: 1_000,
  empiricalValues: 10_000,
} as const;

export type ScenarioLimit = keyof typeof SCENARIO_LIMITS;

/** What each limit bounds and why it is where it is (the docs table). */
export const SCENARIO_LIMIT_NOTES: Record<ScenarioLimit, { fields: string; why: string }> = {
  documentNodes: { fields: "the whole document", why: "values after YAML aliases are expanded; the presets hold about 2,000, and a small file of aliases could otherwise expand to 10⁸" },
  nestingDepth: { fields: "the whole document", why: "levels of mappings and lists; the presets nest 9 deep, a parser recursing per level overflows near 1,000" },
  tripsPerDay: {
    fields: "`demand.tripsPerDay`; the day's expected trips (profile × multiplier, plus shuttle passengers)",
    why: "about 130–300 bytes per traveller in flight: a million trips is about 0.3 GB per replication in each worker thread (today: about 2,000)",
  },
  ratePerHour: { fields: "`demand.profile[].ratePerHour`", why: "one hour at this rate already reaches the day's trip limit" },
  demandMultiplier: { fields: "`demand.multiplier`", why: "capacity studies scale demand a few times; the day's trip limit applies to the product" },
  shuttles: { fields: "`demand.shuttles` (entries)", why: "one batch arrival each" },
  shuttleSeats: { fields: "`demand.shuttles[].seats`", why: "the largest vehicle (a train) carries about a thousand; passengers arrive at once and count towards the day's trips" },
  serversPerLane: { fields: "`servers`, `schedule[].servers`, roster windows' `servers`, reserves' and officer pools' `officers`", why: "one server state each per lane; the busiest real lane has tens" },
  lanesPerPolicy: { fields: "`policies[].lanes`, `officerPools` and each pool's `lanes`", why: "one queue and its statistics each" },
  routesPerPolicy: { fields: "`policies[].routes`", why: "matched in turn for every traveller" },
  stepsPerRoute: { fields: "`policies[].routes[].steps`", why: "one event and one record each per traveller" },
  policies: { fields: "`policies`", why: "every replication simulates each policy" },
  checkpoints: { fields: "distinct checkpoint labels of lanes and steps, over all policies", why: "one set of histograms each per policy in every replication's result" },
  travellerClasses: { fields: "`travellers.classes`", why: "statistics by class" },
  institutionGroups: { fields: "`travellers.population.institutions`", why: "a handful per park in practice" },
  staff: { fields: "`institutions[].staff`, and their sum over the groups", why: "one person record each per replication" },
  timeWindows: { fields: "`demand.profile`, `southboundShare` windows, `schedule`, `outages`, roster windows", why: "one a minute at most" },
  replications: { fields: "`experiment.replications` (and `--replications`)", why: "the experiment's MAX_REPLICATIONS: each one a simulated day" },
  minutes: { fields: "`warmupMinutes`, `minStayMinutes`, `thresholdMinutes`, reserves' `openAtWaitMinutes`, `closeAtWaitMinutes`, `minOpenMinutes`", why: "a day is the horizon (times of day run to 24:00)" },
  durationSeconds: { fields: "every duration of `distributions` (`mean`, `sd`, `min`, `mode`, `max`, `value`, `values`)", why: "one day: a longer service time is a typo, and never ends inside the day" },
  coefficientOfVariation: { fields: "`sd` / `mean` of `lognormal` and `gamma`", why: "σ of the lognormal at most 2.15: beyond, rare draws last years" },
  erlangPhases: { fields: "`erlang.k`", why: "k draws per sample" },
  empiricalValues: { fields: "`empirical.values`", why: "a table searched per draw" },
};

const format = (n: number) => n.toLocaleString("en-US");

/** The Markdown table of docs/scenarios.md ("Limits"). */
export function scenarioLimitsTable(): string {
  const rows = (Object.keys(SCENARIO_LIMITS) as ScenarioLimit[]).map((k) => `| \`${k}\` | ${format(SCENARIO_LIMITS[k])} | ${SCENARIO_LIMIT_NOTES[k].fields} | ${SCENARIO_LIMIT_NOTES[k].why} |`);
  return ["| limit | at most | bounds | why |", "|---|---:|---|---|", ...rows].join("\n");
}
