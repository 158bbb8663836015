import type { Distribution } from "./distribution.js";
import { flattenPolicies } from "./extends.js";
import { ScenarioError } from "./errors.js";
import { type Direction, type ResolvedMatch, normalizeMatch } from "./match.js";
import type { Lane, LaneChoice, ScheduleWindow, Step } from "./policy.js";
import type { Scenario } from "./scenario.js";
import { SECONDS_PER_DAY, parseTimeOfDay } from "./time-of-day.js";
import { validateScenario } from "./validate.js";
import { locateIssues } from "./issues.js";

/** All times below are seconds since midnight; all durations are seconds. */
export interface ResolvedScenario {
  name: string;
  title?: string;
  description?: string;
  day: ResolvedDay;
  /** Travellers arriving before `day.open + warmup` are simulated but excluded from statistics (seconds). */
  warmup: number;
  experiment: ResolvedExperiment;
  /** Named durations (seconds), referenced by lanes and delay steps. */
  distributions: Record<string, Distribution>;
  demand: ResolvedDemand;
  travellers: ResolvedTravellers;
  /** In file order; `extends` already applied. */
  policies: ResolvedPolicy[];
  /** Named controls (groups of checkpoint labels), in file order. */
  controls: ResolvedControl[];
  /** Service pledges, in file order. */
  pledges: ResolvedPledge[];
}

export interface ResolvedControl {
  id: string;
  title?: string;
  checkpoints: string[];
  /** Only lanes with this staffing count (`any`: all). */
  staff: "any" | "officer" | "automated";
}

export interface ResolvedPledge {
  id: string;
  title: string;
  authority?: string;
  /** Control id. */
  control: string;
  measure: "time-at-control" | "queue";
  /** Class ids covered; null = every class. */
  classes: string[] | null;
  /** Directions covered; null = both. */
  directions: Direction[] | null;
  thresholdSeconds: number;
  target: number;
  note?: string;
}

export interface ResolvedReserve {
  id: string;
  officers: number;
  lanes: string[];
  /** Seconds of expected wait. */
  openAt: number;
  closeAt: number;
  /** Seconds. */
  minOpen: number;
}

/** Officers shared between lanes: their count over the day and the lanes they serve. */
export interface ResolvedOfficerPool {
  id: string;
  lanes: string[];
  /** Most officers at once; null: no cap. */
  officers: number | null;
  /** The pool's roster entry (own or the nearest ancestor's), seconds; null: the sum of its lanes' servers. */
  schedule: { from: number; to: number; servers: number }[] | null;
  /** Id of the policy whose file entry gives the pools (the policy itself, or the nearest ancestor with some). */
  definedIn: string;
}

export interface ResolvedDay {
  /** Walk-in arrivals happen in [open, close). */
  open: number;
  close: number;
  /** The simulation runs until `end` (close <= end <= 86400). */
  end: number;
}

export interface ResolvedExperiment {
  replications: number;
  seed: number;
  /** Policy id; defaults to the first policy. */
  baseline: string;
  /** Pairs [policy, reference]: differences are policy − reference. Default: [other, baseline] for every other policy. */
  compare: [string, string][];
}

export interface ResolvedProfileEntry {
  from: number;
  to: number;
  /** Walk-in arrivals per hour in [from, to), before `multiplier` (share × tripsPerDay / hours when written as a share). */
  ratePerHour: number;
}

export interface ResolvedSouthboundWindow {
  from: number;
  to: number;
  /** Probability a walk-in arriving in [from, to) is southbound. */
  share: number;
}

export interface ResolvedShuttle {
  time: number;
  direction: Direction;
  seats: number;
  load: number;
  /** round(seats × load): passengers arriving at once. */
  passengers: number;
}

export interface ResolvedDemand {
  tripsPerDay?: number;
  /** Scales every walk-in rate; NOT applied to `profile` (nor to shuttles). */
  multiplier: number;
  /** Piecewise-constant walk-in rate, sorted, non-overlapping, within [day.open, day.close]. */
  profile: ResolvedProfileEntry[];
  /** Always the piecewise form (a constant becomes one window [0, 86400)); covers every profile interval. */
  southboundShare: ResolvedSouthboundWindow[];
  /** Sorted by time (stable). */
  shuttles: ResolvedShuttle[];
}

export interface ResolvedTravellerClass {
  id: string;
  share: number;
  whitelistEligible: boolean;
  title?: string;
}

export interface ResolvedTravellers {
  /** Shares sum to 1. */
  classes: ResolvedTravellerClass[];
  /** Share of eligible travellers registered on the whitelist (anonymous trips); null when `population` is given. */
  whitelist: { coverage: number } | null;
  /** Institutions and their staff (tours, institution whitelist); null for anonymous trips. */
  population: ResolvedPopulation | null;
  /** Mutually exclusive probabilities; `none` = 1 − the others. */
  goods: { none: number; instruments: number; reagents: number; biological: number };
  /** Probability a trip continues beyond the zone's second line (per person and day). */
  beyondZone: number;
}

export interface ResolvedGoodsMix {
  none: number;
  instruments: number;
  reagents: number;
  biological: number;
}

export interface ResolvedInstitutionGroup {
  id: string;
  /** 0 = Shenzhen park (tours start southbound), 1 = Hong Kong park (tours start northbound). */
  park: "shenzhen" | "hongkong";
  count: number;
  staff: number;
  whitelisted: number;
  lifeScience: number;
  /** Cumulative class weights over `travellers.classes`, normalised (last = 1). */
  classCum: number[];
}

export interface ResolvedPopulation {
  institutions: ResolvedInstitutionGroup[];
  sizeSkew: number;
  enrolment: number;
  tours: number;
  /** Seconds. */
  minStay: number;
  goods: { lifeScience: ResolvedGoodsMix; other: ResolvedGoodsMix };
}

export interface ResolvedScheduleWindow {
  from: number;
  to: number;
  servers: number;
}

export interface ResolvedLane {
  id: string;
  checkpoint: string;
  kind?: string;
  title?: string;
  /** Sorted, non-overlapping; 0 servers outside the windows. A constant `servers: n` is [{ from: day.open, to: day.end, servers: n }]. */
  schedule: ResolvedScheduleWindow[];
  /** The whole lane is closed in [from, to); travellers in service finish. */
  outages: { from: number; to: number }[];
  /** Distribution name (key of `ResolvedScenario.distributions`) of the transaction time. */
  service: string;
  /** Distribution name of the walk-up / door overhead, added to the service time. */
  overhead?: string;
  /** Id of the policy whose file entry defined this lane (differs from the policy id when inherited). */
  definedIn: string;
  /** What waiting travellers do when the lane closes. */
  onClose: "divert" | "wait";
  /** Officer-operated (officer-hours) or automated (gate-hours). */
  staff: "officer" | "automated";
}

export interface ResolvedLaneChoice {
  lane: string;
  when?: ResolvedMatch;
  /** Probability an applicable traveller takes this option (compare the traveller's `draw` uniform with it). */
  share: number;
  /** Default `${checkpoint}:${lane}:share`. */
  draw: string;
  /** Distribution name of the transaction time for this option (default: the step's, else the lane's). */
  service?: string;
}

export interface ResolvedFallback {
  /** After service, with this probability the traveller is also served at `lane`, or continues along `route`. */
  probability: number;
  /** Exactly one of `lane` / `route`. */
  lane?: string;
  route?: string;
  /** Default `${checkpoint}:${lane or route}:fallback`. */
  draw: string;
  /** Distribution name of the transaction time at the fallback lane (default: the lane's own). */
  service?: string;
}

interface ResolvedStepBase {
  checkpoint: string;
  /** The step is skipped unless the traveller matches. */
  when?: ResolvedMatch;
  /** The step is taken only when the traveller's `draw` uniform is below this (default 1 = always). */
  probability: number;
  /** Default `${checkpoint}:${first lane or delay}`. Equal names share the draw (common random numbers). */
  draw: string;
  /** Lower is served first at a shared lane (default 0). */
  priority: number;
}

/** A queue step: join the first applicable option of `lanes`. */
export interface ResolvedQueueStep extends ResolvedStepBase {
  /** Non-empty; the last option has no `when` and share 1. */
  lanes: ResolvedLaneChoice[];
  /** How the traveller picks among the applicable open options. */
  choose: "share" | "shortest-queue" | "least-expected-wait";
  /** Distribution name of the step's transaction time at whichever lane it joins (default: the lane's own). */
  service?: string;
  delay?: undefined;
  /**
   * After service, with this probability the traveller is also served at `fallback.lane`
   * (biometric reject, audit). Not applied when the traveller was just served at that same lane.
   */
  fallback?: ResolvedFallback;
}

/** A pure delay (a walk): no queue. */
export interface ResolvedDelayStep extends ResolvedStepBase {
  /** Distribution name. */
  delay: string;
  lanes?: undefined;
  fallback?: undefined;
}

export type ResolvedStep = ResolvedQueueStep | ResolvedDelayStep;

export interface ResolvedRoute {
  /** The written id, or `${definedIn}.routes[${index}]`. */
  id: string;
  /** Id of the policy whose file entry defined this route. */
  definedIn: string;
  when?: ResolvedMatch;
  steps: ResolvedStep[];
}

export interface ResolvedPolicy {
  id: string;
  title?: string;
  description?: string;
  /** The parent policy id, for information; its lanes and routes are already merged in. */
  extends?: string;
  /** Inherited lanes (minus removeLanes, replaced by own lanes with the same id) followed by new own lanes. */
  lanes: ResolvedLane[];
  /** Own routes first, then the parent's; the first route whose `when` matches is used. */
  routes: ResolvedRoute[];
  /** Reserve officers (own, or the nearest ancestor's when the policy gives none). */
  reserves: ResolvedReserve[];
  /** Officer pools (own, or the nearest ancestor's when the policy gives none). */
  officerPools: ResolvedOfficerPool[];
}

/**
 * A lane with a constant `servers: n` is open for the operating day, from the crossing's opening to the
 * hard stop (where the day ends): nobody arrives before it opens, so servers open earlier would only
 * add officer-hours and dilute utilisation.
 */
function resolveLane(lane: Lane, definedIn: string, day: { open: number; end: number }): ResolvedLane {
  const out: ResolvedLane = {
    id: lane.id,
    checkpoint: lane.checkpoint,
    schedule:
      lane.schedule !== undefined
        ? lane.schedule.map((w) => ({ from: parseTimeOfDay(w.from), to: parseTimeOfDay(w.to), servers: w.servers }))
        : [{ from: day.open, to: day.end, servers: lane.servers ?? 0 }],
    outages: (lane.outages ?? []).map((o) => ({ from: parseTimeOfDay(o.from), to: parseTimeOfDay(o.to) })),
    service: lane.service,
    definedIn,
    onClose: lane.onClose,
    staff: lane.staff,
  };
  if (lane.kind !== undefined) out.kind = lane.kind;
  if (lane.title !== undefined) out.title = lane.title;
  if (lane.overhead !== undefined) out.overhead = lane.overhead;
  return out;
}

function resolveStep(step: Step): ResolvedStep {
  const base: ResolvedStepBase = {
    checkpoint: step.checkpoint,
    probability: step.probability,
    draw: "",
    priority: step.priority,
  };
  if (step.when !== undefined) base.when = normalizeMatch(step.when);
  if (step.delay !== undefined) {
    return { ...base, draw: step.draw ?? `${step.checkpoint}:${step.delay}`, delay: step.delay };
  }
  const written: LaneChoice[] = typeof step.lanes === "string" ? [{ lane: step.lanes, share: 1 }] : (step.lanes ?? []);
  const lanes = written.map((c): ResolvedLaneChoice => {
    const choice: ResolvedLaneChoice = { lane: c.lane, share: c.share, draw: c.draw ?? `${step.checkpoint}:${c.lane}:share` };
    if (c.when !== undefined) choice.when = normalizeMatch(c.when);
    if (c.service !== undefined) choice.service = c.service;
    return choice;
  });
  const queue: ResolvedQueueStep = { ...base, draw: step.draw ?? `${step.checkpoint}:${lanes[0]?.lane ?? ""}`, lanes, choose: step.choose };
  if (step.fallback !== undefined) {
    const f = step.fallback;
    const fallback: ResolvedFallback = { probability: f.probability, draw: f.draw ?? `${step.checkpoint}:${f.lane ?? f.route ?? ""}:fallback` };
    if (f.lane !== undefined) fallback.lane = f.lane;
    if (f.route !== undefined) fallback.route = f.route;
    if (f.service !== undefined) fallback.service = f.service;
    queue.fallback = fallback;
  }
  if (step.service !== undefined) queue.service = step.service;
  return queue;
}

/** The roster entry of a lane in policy `index`: its own, else the nearest ancestor's; undefined when none. */
function rosterOf(s: Scenario, index: number, laneId: string): ScheduleWindow[] | undefined {
  let p = s.policies[index];
  for (let guard = 0; p !== undefined && guard <= s.policies.length; guard++) {
    const own = s.rosters[p.id]?.[laneId];
    if (own !== undefined) return own;
    p = p.extends === undefined ? undefined : s.policies.find((q) => q.id === p!.extends);
  }
  return undefined;
}

/** The roster-limit windows of a lane in a policy (seconds): its own entry, else the nearest ancestor's; [] when none. */
export function rosterLimitsOf(s: Scenario, policyId: string, laneId: string): { from: number; to: number; min: number | null; max: number | null }[] {
  let p = s.policies.find((q) => q.id === policyId);
  for (let guard = 0; p !== undefined && guard <= s.policies.length; guard++) {
    const own = s.rosterLimits?.[p.id]?.[laneId];
    if (own !== undefined) return own.map((w) => ({ from: parseTimeOfDay(w.from), to: parseTimeOfDay(w.to), min: w.min ?? null, max: w.max ?? null }));
    p = p.extends === undefined ? undefined : s.policies.find((q) => q.id === p!.extends);
  }
  return [];
}

function rostered(lane: ResolvedLane, roster: ScheduleWindow[] | undefined): ResolvedLane {
  if (roster !== undefined) lane.schedule = roster.map((w) => ({ from: parseTimeOfDay(w.from), to: parseTimeOfDay(w.to), servers: w.servers }));
  return lane;
}

/** The policy's own reserves, or its nearest ancestor's when it gives none (validation rules out cycles). */
function reservesOf(s: Scenario, index: number): ResolvedReserve[] {
  let p = s.policies[index];
  for (let guard = 0; p !== undefined && guard <= s.policies.length; guard++) {
    if (p.reserves !== undefined) {
      return p.reserves.map((r) => ({
        id: r.id,
        officers: r.officers,
        lanes: [...r.lanes],
        openAt: r.openAtWaitMinutes * 60,
        closeAt: r.closeAtWaitMinutes * 60,
        minOpen: r.minOpenMinutes * 60,
      }));
    }
    const parent = p.extends;
    p = parent === undefined ? undefined : s.policies.find((x) => x.id === parent);
  }
  return [];
}

/** The policy's own officer pools, or its nearest ancestor's when it gives none; each with its roster entry. */
function officerPoolsOf(s: Scenario, index: number): ResolvedOfficerPool[] {
  let p = s.policies[index];
  for (let guard = 0; p !== undefined && guard <= s.policies.length; guard++) {
    if (p.officerPools !== undefined) {
      return p.officerPools.map((pool) => {
        const roster = rosterOf(s, index, pool.id);
        return {
          id: pool.id,
          lanes: [...pool.lanes],
          officers: pool.officers ?? null,
          schedule: roster === undefined ? null : roster.map((w) => ({ from: parseTimeOfDay(w.from), to: parseTimeOfDay(w.to), servers: w.servers })),
          definedIn: p!.id,
        };
      });
    }
    const parent = p.extends;
    p = parent === undefined ? undefined : s.policies.find((x) => x.id === parent);
  }
  return [];
}

/**
 * Converts a parsed scenario into the form the simulation consumes: times in seconds, `extends` applied,
 * defaults filled in. Validates first and throws `ScenarioError` if the scenario is invalid.
 */
export function resolveScenario(s: Scenario): ResolvedScenario {
  const problems = validateScenario(s);
  if (problems.length > 0) throw new ScenarioError(locateIssues(problems, s), "<scenario>");

  const t = parseTimeOfDay;
  const open = t(s.day.open);

  const profile: ResolvedProfileEntry[] = s.demand.profile.map((e) => {
    const from = t(e.from);
    const to = t(e.to);
    const ratePerHour = e.ratePerHour ?? ((e.share ?? 0) * (s.demand.tripsPerDay ?? 0)) / ((to - from) / 3600);
    return { from, to, ratePerHour };
  });
  const southboundShare: ResolvedSouthboundWindow[] =
    typeof s.demand.southboundShare === "number"
      ? [{ from: 0, to: SECONDS_PER_DAY, share: s.demand.southboundShare }]
      : s.demand.southboundShare.map((w) => ({ from: t(w.from), to: t(w.to), share: w.share }));
  const shuttles: ResolvedShuttle[] = s.demand.shuttles
    .map((b) => ({ time: t(b.time), direction: b.direction, seats: b.seats, load: b.load, passengers: Math.round(b.seats * b.load) }))
    .sort((a, b) => a.time - b.time);
  const demand: ResolvedDemand = { multiplier: s.demand.multiplier, profile, southboundShare, shuttles };
  if (s.demand.tripsPerDay !== undefined) demand.tripsPerDay = s.demand.tripsPerDay;

  const goods = s.travellers.goods;
  const travellers: ResolvedTravellers = {
    classes: s.travellers.classes.map((c) => {
      const out: ResolvedTravellerClass = { id: c.id, share: c.share, whitelistEligible: c.whitelistEligible };
      if (c.title !== undefined) out.title = c.title;
      return out;
    }),
    whitelist: s.travellers.whitelist === undefined ? null : { coverage: s.travellers.whitelist.coverage },
    population: null,
    goods: goodsMix(goods),
    beyondZone: s.travellers.beyondZone,
  };
  const ps = s.travellers.population;
  if (ps !== undefined) {
    const classes = s.travellers.classes;
    travellers.population = {
      institutions: ps.institutions.map((g) => {
        const weights = classes.map((c) => (g.classes === undefined ? c.share : (g.classes[c.id] ?? 0)));
        const total = weights.reduce((a, b) => a + b, 0) || 1;
        let acc = 0;
        const classCum = weights.map((w) => (acc += w / total));
        classCum[classCum.length - 1] = 1;
        return { id: g.id, park: g.park, count: g.count, staff: g.staff, whitelisted: g.whitelisted, lifeScience: g.lifeScience, classCum };
      }),
      sizeSkew: ps.sizeSkew,
      enrolment: enrolmentOf(ps),
      tours: ps.tours,
      minStay: ps.minStayMinutes * 60,
      goods: ps.goods === undefined ? { lifeScience: goodsMix(goods), other: goodsMix(goods) } : { lifeScience: goodsMix(ps.goods.lifeScience), other: goodsMix(ps.goods.other) },
    };
  }

  const flat = flattenPolicies(s.policies);
  const operatingDay = { open: t(s.day.open), end: t(s.day.end) };
  const policies: ResolvedPolicy[] = s.policies.map((p, i) => {
    const fp = flat.policies[i];
    if (fp === null || fp === undefined) throw new Error(`internal: policy "${p.id}" could not be flattened`);
    const out: ResolvedPolicy = {
      id: p.id,
      lanes: fp.lanes.map((l) => rostered(resolveLane(l.lane, s.policies[l.policyIndex]!.id, operatingDay), rosterOf(s, i, l.lane.id))),
      reserves: reservesOf(s, i),
      officerPools: officerPoolsOf(s, i),
      routes: fp.routes.map(({ route, policyIndex, routeIndex }) => {
        const definedIn = s.policies[policyIndex]!.id;
        const r: ResolvedRoute = { id: route.id ?? `${definedIn}.routes[${routeIndex}]`, definedIn, steps: route.steps.map(resolveStep) };
        if (route.when !== undefined) r.when = normalizeMatch(route.when);
        return r;
      }),
    };
    if (p.title !== undefined) out.title = p.title;
    if (p.description !== undefined) out.description = p.description;
    if (p.extends !== undefined) out.extends = p.extends;
    return out;
  });

  const ids = s.policies.map((p) => p.id);
  const baseline = s.experiment.baseline ?? ids[0]!;
  const compare: [string, string][] =
    s.experiment.compare?.map(([a, b]) => [a, b] as [string, string]) ?? ids.filter((id) => id !== baseline).map((id) => [id, baseline] as [string, string]);

  const resolved: ResolvedScenario = {
    name: s.name,
    day: { open, close: t(s.day.close), end: t(s.day.end) },
    warmup: s.warmupMinutes * 60,
    experiment: { replications: s.experiment.replications, seed: s.experiment.seed, baseline, compare },
    distributions: structuredClone(s.distributions),
    demand,
    travellers,
    policies,
    controls: s.controls.map((c) => {
      const out: ResolvedControl = { id: c.id, checkpoints: [...c.checkpoints], staff: c.staff };
      if (c.title !== undefined) out.title = c.title;
      return out;
    }),
    pledges: s.pledges.map((p) => {
      const out: ResolvedPledge = {
        id: p.id,
        title: p.title,
        control: p.control,
        measure: p.measure,
        classes: p.classes === undefined ? null : [...p.classes],
        directions: p.directions === undefined ? null : [...p.directions],
        thresholdSeconds: p.thresholdMinutes * 60,
        target: p.target,
      };
      if (p.authority !== undefined) out.authority = p.authority;
      if (p.note !== undefined) out.note = p.note;
      return out;
    }),
  };
  if (s.title !== undefined) resolved.title = s.title;
  if (s.description !== undefined) resolved.description = s.description;
  return resolved;
}

/** A month "YYYY-MM" as a month count. */
function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** The enrolment share: as given, or `enrolmentPath` at `month` (linear between months, flat outside). */
export function enrolmentOf(ps: { enrolment?: number | undefined; enrolmentPath?: { month: string; enrolment: number }[] | undefined; month?: string | undefined }): number {
  if (ps.enrolment !== undefined) return ps.enrolment;
  const path = ps.enrolmentPath!;
  const m = monthIndex(ps.month!);
  const first = path[0]!;
  if (m <= monthIndex(first.month)) return first.enrolment;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    const ma = monthIndex(a.month);
    const mb = monthIndex(b.month);
    if (m <= mb) return a.enrolment + ((b.enrolment - a.enrolment) * (m - ma)) / (mb - ma);
  }
  return path[path.length - 1]!.enrolment;
}

function goodsMix(g: { instruments: number; reagents: number; biological: number }): ResolvedGoodsMix {
  return { none: Math.max(0, 1 - g.instruments - g.reagents - g.biological), instruments: g.instruments, reagents: g.reagents, biological: g.biological };
}
