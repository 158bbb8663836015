export { canonicalJson, stableJson } from "./canonical-json.js";
export {
  DISTRIBUTION_KINDS,
  DistributionSchema,
  DistributionsSchema,
  type Distribution,
  type DistributionKind,
} from "./distribution.js";
export {
  ScenarioError,
  formatIssue,
  formatPath,
  formatScenarioError,
  listIssues,
  shortIssue,
  type IssueListing,
  type ScenarioIssue,
  type ShortIssue,
} from "./errors.js";
export { MAX_EXCERPT_CHARS, MAX_LISTED_ISSUES, clip, excerpt } from "./excerpt.js";
export { NAME_PATTERN, SLUG_PATTERN } from "./ids.js";
export { SCENARIO_SCHEMA_ID, scenarioJsonSchema } from "./json-schema.js";
export {
  type LoadedScenario,
  type LoadTextOptions,
  type ScenarioFormat,
  loadScenarioData,
  loadScenarioFile,
  loadScenarioText,
  parseScenario,
  readScenarioData,
  scenarioDigest,
} from "./load.js";
export {
  ARRIVAL_MODES,
  ArrivalModeSchema,
  DESTINATIONS,
  DestinationSchema,
  DIRECTIONS,
  DirectionSchema,
  GOODS,
  GoodsSchema,
  MatchSchema,
  describeTraveller,
  matches,
  normalizeMatch,
  type ArrivalMode,
  type Destination,
  type Direction,
  type Goods,
  type Match,
  type ResolvedMatch,
  type TravellerAttributes,
} from "./match.js";
export {
  FallbackSchema,
  LaneChoiceSchema,
  LaneSchema,
  PolicySchema,
  RouteSchema,
  ReserveSchema,
  OfficerPoolSchema,
  StepSchema,
  type Reserve,
  type OfficerPool,
  type Fallback,
  type Lane,
  type LaneChoice,
  type Policy,
  type Route,
  type Step,
} from "./policy.js";
export {
  resolveScenario,
  type ResolvedDay,
  type ResolvedDelayStep,
  type ResolvedDemand,
  type ResolvedExperiment,
  type ResolvedFallback,
  type ResolvedLane,
  type ResolvedLaneChoice,
  type ResolvedPolicy,
  type ResolvedProfileEntry,
  type ResolvedQueueStep,
  type ResolvedRoute,
  type ResolvedControl,
  type ResolvedPledge,
  type ResolvedReserve,
  type ResolvedOfficerPool,
  type ResolvedScenario,
  type ResolvedScheduleWindow,
  type ResolvedShuttle,
  type ResolvedSouthboundWindow,
  type ResolvedStep,
  type ResolvedTravellerClass,
  type ResolvedTravellers,
  type ResolvedPopulation,
  type ResolvedInstitutionGroup,
  type ResolvedGoodsMix,
  rosterLimitsOf,
} from "./resolve.js";
export {
  ScenarioSchema,
  ControlSchema,
  PledgeSchema,
  RostersSchema,
  RosterLimitsSchema,
  RosterLimitWindowSchema,
  type Rosters,
  type RosterLimits,
  type RosterLimitWindow,
  type Control,
  type Pledge,
  type Day,
  type Demand,
  type Experiment,
  type ProfileEntry,
  type Scenario,
  type ScenarioInput,
  type Shuttle,
  type TravellerClass,
  type Travellers,
} from "./scenario.js";
export { PathError, getPath, parsePath, setPath, type PathStep } from "./set-path.js";
export { SECONDS_PER_DAY, TimeSchema, formatTimeOfDay, parseTimeOfDay } from "./time-of-day.js";
export { expectedTrips, travellerCombinations, validateScenario } from "./validate.js";
export type { PathSegment, SemanticIssue } from "./semantic-issue.js";
/** "Did you mean" for a name among candidates (Levenshtein; undefined when nothing is plausibly meant). */
export { suggest } from "./semantic-issue.js";
/** Zod issues of any document (e.g. the HTTP API's submission wrapper) as ScenarioIssues: path, value, expected, "did you mean". */
export { translateZodIssues } from "./issues.js";
export { MAX_OVERLAY_DEPTH, OVERLAY_KEYS, expandOverlay, isOverlay } from "./overlay.js";
export { scenarioWarnings } from "./lint.js";
export { SCENARIO_LIMITS, SCENARIO_LIMIT_NOTES, scenarioLimitsTable, type ScenarioLimit } from "./limits.js";
