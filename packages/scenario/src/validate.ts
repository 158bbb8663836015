import { checkDistribution } from "./distribution.js";
import { SCENARIO_LIMITS } from "./limits.js";
import { type FlatPolicy, flattenPolicies } from "./extends.js";
import {
  ARRIVAL_MODES,
  DESTINATIONS,
  DIRECTIONS,
  GOODS,
  type Match,
  type TravellerAttributes,
  describeTraveller,
  matches,
} from "./match.js";
import type { Step } from "./policy.js";
import type { Scenario } from "./scenario.js";
import { type PathSegment, type SemanticIssue, issue, issueWithValue, oneOf } from "./semantic-issue.js";
import { formatTimeOfDay, parseTimeOfDay } from "./time-of-day.js";

/** Tolerance for "shares sum to 1". */
export const SHARE_TOLERANCE = 1e-6;

interface Interval {
  from: string;
  to: string;
}

const seconds = parseTimeOfDay;
const hhmm = formatTimeOfDay;
const round = (x: number) => Number(x.toPrecision(12));

/** The day's expected trips: walk-ins (the profile, times the multiplier) and shuttle passengers. */
export function expectedTrips(scenario: Scenario): { walkIns: number; shuttlePassengers: number } {
  const demand = scenario.demand;
  const hours = (e: { from: string; to: string }) => Math.max(0, seconds(e.to) - seconds(e.from)) / 3600;
  const shares = demand.profile.every((e) => e.share !== undefined);
  const perDay = shares ? (demand.tripsPerDay ?? 0) : sum(demand.profile.map((e) => (e.ratePerHour ?? 0) * hours(e)));
  return { walkIns: perDay * demand.multiplier, shuttlePassengers: sum(demand.shuttles.map((b) => Math.round(b.seats * b.load))) };
}

/**
 * Limits on sums the schema cannot see field by field (SCENARIO_LIMITS): the day's expected trips,
 * staff over all institution groups, lanes and routes of a policy with what it inherits, checkpoints.
 */
function checkSizes(scenario: Scenario, flat: readonly (FlatPolicy | null)[], issues: SemanticIssue[]): void {
  const L = SCENARIO_LIMITS;
  const demand = scenario.demand;
  const shares = demand.profile.every((e) => e.share !== undefined);
  const { walkIns, shuttlePassengers } = expectedTrips(scenario);
  if (walkIns + shuttlePassengers > L.tripsPerDay) {
    const path: PathSegment[] = shuttlePassengers > L.tripsPerDay ? ["demand", "shuttles"] : demand.multiplier !== 1 ? ["demand", "multiplier"] : shares ? ["demand", "tripsPerDay"] : ["demand", "profile"];
    issues.push(
      issueWithValue(
        path,
        `the day's expected trips (${round(walkIns)} walk-in${demand.multiplier !== 1 ? ` with multiplier ${demand.multiplier}` : ""}, ${shuttlePassengers} by shuttle) exceed the limit of ${L.tripsPerDay} (SCENARIO_LIMITS.tripsPerDay)`,
        Math.round(walkIns + shuttlePassengers),
        `at most ${L.tripsPerDay} trips a day`,
      ),
    );
  }
  const groups = scenario.travellers.population?.institutions ?? [];
  const staff = sum(groups.map((g) => g.staff));
  if (staff > L.staff) {
    issues.push(issueWithValue(["travellers", "population", "institutions"], `staff over all institution groups sum to ${staff}, more than ${L.staff} (SCENARIO_LIMITS.staff)`, staff, `at most ${L.staff} staff in all`));
  }
  flat.forEach((fp, i) => {
    if (fp === null) return;
    if (fp.lanes.length > L.lanesPerPolicy) {
      issues.push(issueWithValue(["policies", i, "lanes"], `the policy has ${fp.lanes.length} lanes with those it inherits, more than ${L.lanesPerPolicy} (SCENARIO_LIMITS.lanesPerPolicy)`, fp.lanes.length, `at most ${L.lanesPerPolicy} lanes`));
    }
    if (fp.routes.length > L.routesPerPolicy) {
      issues.push(issueWithValue(["policies", i, "routes"], `the policy has ${fp.routes.length} routes with those it inherits, more than ${L.routesPerPolicy} (SCENARIO_LIMITS.routesPerPolicy)`, fp.routes.length, `at most ${L.routesPerPolicy} routes`));
    }
  });
  const checkpoints = new Set<string>();
  for (const p of scenario.policies) {
    for (const lane of p.lanes) checkpoints.add(lane.checkpoint);
    for (const route of p.routes) for (const step of route.steps) checkpoints.add(step.checkpoint);
  }
  if (checkpoints.size > L.checkpoints) {
    issues.push(issueWithValue(["policies"], `the policies name ${checkpoints.size} distinct checkpoints, more than ${L.checkpoints} (SCENARIO_LIMITS.checkpoints)`, checkpoints.size, `at most ${L.checkpoints} checkpoints`));
  }
}

/** Checks from < to for each window, and optionally that windows are sorted and do not overlap. */
function checkWindows(issues: SemanticIssue[], windows: readonly Interval[], base: PathSegment[], sorted: boolean): void {
  let previousEnd: number | undefined;
  windows.forEach((w, i) => {
    const from = seconds(w.from);
    const to = seconds(w.to);
    if (!(from < to)) {
      issues.push(issue([...base, i, "to"], `interval must end after it starts (from ${w.from})`, `a time after ${w.from}`));
    }
    if (sorted && previousEnd !== undefined && from < previousEnd) {
      issues.push(
        issue(
          [...base, i, "from"],
          `interval overlaps or precedes the previous one, which ends at ${hhmm(previousEnd)}`,
          `sorted, non-overlapping intervals: from >= ${hhmm(previousEnd)}`,
        ),
      );
    }
    previousEnd = Math.max(previousEnd ?? 0, to);
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Every combination of traveller attributes a route must be able to handle. */
export function travellerCombinations(scenario: Scenario): TravellerAttributes[] {
  const out: TravellerAttributes[] = [];
  for (const c of scenario.travellers.classes) {
    for (const direction of DIRECTIONS) {
      // A whitelisted person's institution is whitelisted; staff of a whitelisted institution need not be enrolled.
      const statuses = c.whitelistEligible ? [[true, true], [false, true], [false, false]] : [[false, true], [false, false]];
      for (const [whitelisted, institutionWhitelisted] of statuses as [boolean, boolean][]) {
        for (const goods of GOODS) {
          for (const arrival of ARRIVAL_MODES) {
            for (const destination of DESTINATIONS) out.push({ class: c.id, direction, whitelisted, institutionWhitelisted, goods, arrival, destination });
          }
        }
      }
    }
  }
  return out;
}

/** Cross-field validation of a scenario whose shape is already valid. Returns [] when it is valid. */
export function validateScenario(scenario: Scenario): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const distributionNames = Object.keys(scenario.distributions);
  const classIds = scenario.travellers.classes.map((c) => c.id);
  const policyIds = scenario.policies.map((p) => p.id);

  // Distributions.
  for (const [name, d] of Object.entries(scenario.distributions)) {
    for (const p of checkDistribution(d)) issues.push(issueWithValue(["distributions", name, p.field], p.message, p.value, p.expected));
  }
  const checkDistributionRef = (name: string, path: PathSegment[]) => {
    if (!Object.hasOwn(scenario.distributions, name)) {
      issues.push(issue(path, `unknown distribution "${name}"`, oneOf("distributions", name, distributionNames)));
    }
  };

  // Day and warm-up.
  const open = seconds(scenario.day.open);
  const close = seconds(scenario.day.close);
  const end = seconds(scenario.day.end);
  if (!(open < close)) issues.push(issue(["day", "close"], `the day must close after it opens (${scenario.day.open})`, `a time after ${scenario.day.open}`));
  if (!(close <= end)) issues.push(issue(["day", "end"], `the simulation must not end before arrivals stop (${scenario.day.close})`, `a time at or after ${scenario.day.close}`));
  if (open < close && open + scenario.warmupMinutes * 60 >= close) {
    issues.push(issue(["warmupMinutes"], "warm-up lasts until arrivals stop, so no traveller would be counted", `fewer than ${(close - open) / 60} minutes`));
  }

  // Experiment.
  const exp = scenario.experiment;
  if (exp.baseline !== undefined && !policyIds.includes(exp.baseline)) {
    issues.push(issue(["experiment", "baseline"], `unknown policy "${exp.baseline}"`, oneOf("policy ids", exp.baseline, policyIds)));
  }
  (exp.compare ?? []).forEach((pair, i) => {
    pair.forEach((id, j) => {
      if (!policyIds.includes(id)) issues.push(issue(["experiment", "compare", i, j], `unknown policy "${id}"`, oneOf("policy ids", id, policyIds)));
    });
    if (pair[0] === pair[1]) issues.push(issue(["experiment", "compare", i], "a pair compares a policy with itself", "two different policy ids"));
  });

  // Demand.
  const demand = scenario.demand;
  const profile = demand.profile;
  const mode = (e: (typeof profile)[number]) =>
    e.share !== undefined && e.ratePerHour !== undefined ? "both" : e.share !== undefined ? "share" : e.ratePerHour !== undefined ? "rate" : "none";
  const first = profile.map(mode).find((m) => m === "share" || m === "rate");
  profile.forEach((e, i) => {
    const m = mode(e);
    if (m === "none") issues.push(issue(["demand", "profile", i], "a profile entry needs `share` or `ratePerHour`", "an entry with `share` or `ratePerHour`"));
    else if (m === "both") issues.push(issue(["demand", "profile", i], "give `share` or `ratePerHour`, not both", "exactly one of `share` / `ratePerHour`"));
    else if (m !== first) {
      issues.push(
        issue(
          ["demand", "profile", i, m === "share" ? "share" : "ratePerHour"],
          "the profile mixes `share` and `ratePerHour`",
          `${first === "share" ? "`share`" : "`ratePerHour`"} in every entry, like demand.profile[0]`,
        ),
      );
    }
  });
  if (first === "share") {
    if (demand.tripsPerDay === undefined) {
      issues.push(issue(["demand", "tripsPerDay"], "`tripsPerDay` is required when the profile uses `share`", "a number > 0"));
    }
    const total = sum(profile.map((e) => e.share ?? 0));
    if (Math.abs(total - 1) > SHARE_TOLERANCE) {
      issues.push(issueWithValue(["demand", "profile"], `profile shares sum to ${round(total)}, not 1`, round(total), "shares summing to 1 (±1e-6)"));
    }
  }
  checkWindows(issues, profile, ["demand", "profile"], true);
  profile.forEach((e, i) => {
    if (seconds(e.from) < open) {
      issues.push(issue(["demand", "profile", i, "from"], `interval starts before the day opens (${scenario.day.open})`, `a time within day.open-day.close (${scenario.day.open}-${scenario.day.close})`));
    }
    if (seconds(e.to) > close) {
      issues.push(issue(["demand", "profile", i, "to"], `interval ends after arrivals stop (${scenario.day.close})`, `a time within day.open-day.close (${scenario.day.open}-${scenario.day.close})`));
    }
  });
  if (Array.isArray(demand.southboundShare)) {
    const windows = demand.southboundShare;
    checkWindows(issues, windows, ["demand", "southboundShare"], true);
    const sortedWindows = windows.map((w) => ({ from: seconds(w.from), to: seconds(w.to) })).sort((a, b) => a.from - b.from);
    profile.forEach((e, i) => {
      const from = seconds(e.from);
      const to = seconds(e.to);
      let cursor = from;
      for (const w of sortedWindows) {
        if (w.from > cursor) break;
        if (w.to > cursor) cursor = w.to;
      }
      if (cursor < to) {
        const gapEnd = Math.min(to, ...sortedWindows.filter((w) => w.from > cursor).map((w) => w.from));
        issues.push(
          issue(
            ["demand", "southboundShare"],
            `no southbound share for ${hhmm(cursor)}-${hhmm(gapEnd)} (within demand.profile[${i}], ${e.from}-${e.to})`,
            "windows covering every profile interval",
          ),
        );
      }
    });
  }
  demand.shuttles.forEach((s, i) => {
    const t = seconds(s.time);
    if (t < open || t >= close) {
      issues.push(issue(["demand", "shuttles", i, "time"], "shuttle arrives outside the arrival hours", `a time in [day.open, day.close) = [${scenario.day.open}, ${scenario.day.close})`));
    }
  });

  // Travellers.
  const travellers = scenario.travellers;
  travellers.classes.forEach((c, i) => {
    const firstIndex = classIds.indexOf(c.id);
    if (firstIndex !== i) issues.push(issue(["travellers", "classes", i, "id"], `duplicate class id "${c.id}"`, `a unique id (travellers.classes[${firstIndex}] has it)`));
  });
  const classTotal = sum(travellers.classes.map((c) => c.share));
  if (Math.abs(classTotal - 1) > SHARE_TOLERANCE) {
    issues.push(issueWithValue(["travellers", "classes"], `class shares sum to ${round(classTotal)}, not 1`, round(classTotal), "shares summing to 1 (±1e-6)"));
  }
  const goods = travellers.goods;
  const goodsTotal = goods.instruments + goods.reagents + goods.biological;
  if (goodsTotal > 1 + SHARE_TOLERANCE) {
    issues.push(issueWithValue(["travellers", "goods"], `goods probabilities sum to ${round(goodsTotal)}`, round(goodsTotal), "instruments + reagents + biological <= 1"));
  }

  const pop = travellers.population;
  if ((travellers.whitelist === undefined) === (pop === undefined)) {
    issues.push(
      issue(
        ["travellers"],
        pop === undefined ? "neither `whitelist` nor `population` is given" : "both `whitelist` and `population` are given",
        "exactly one of `whitelist` (anonymous trips, coverage per trip) / `population` (institutions and their staff)",
      ),
    );
  }
  if (pop !== undefined) {
    const groupIds = pop.institutions.map((g) => g.id);
    pop.institutions.forEach((g, i) => {
      const at = ["travellers", "population", "institutions", i] as PathSegment[];
      if (groupIds.indexOf(g.id) !== i) issues.push(issue([...at, "id"], `duplicate institution group id "${g.id}"`, "a unique id"));
      if (g.classes !== undefined) {
        let total = 0;
        for (const [id, w] of Object.entries(g.classes)) {
          total += w;
          if (!classIds.includes(id)) issues.push(issue([...at, "classes", id], `unknown traveller class "${id}"`, oneOf("class ids", id, classIds)));
        }
        if (!(total > 0)) issues.push(issueWithValue([...at, "classes"], "class weights sum to 0", total, "weights with a positive sum"));
      }
    });
    if (pop.goods !== undefined) {
      for (const kind of ["lifeScience", "other"] as const) {
        const m = pop.goods[kind];
        const total = m.instruments + m.reagents + m.biological;
        if (total > 1 + SHARE_TOLERANCE) {
          issues.push(issueWithValue(["travellers", "population", "goods", kind], `goods probabilities sum to ${round(total)}`, round(total), "instruments + reagents + biological <= 1"));
        }
      }
    }
  }

  // Policies.
  const checkMatch = (m: Match | undefined, path: PathSegment[]) => {
    if (m?.class === undefined) return;
    const list = typeof m.class === "string" ? [m.class] : m.class;
    list.forEach((id, k) => {
      if (!classIds.includes(id)) {
        issues.push(issue(typeof m.class === "string" ? [...path, "class"] : [...path, "class", k], `unknown traveller class "${id}"`, oneOf("class ids", id, classIds)));
      }
    });
  };
  scenario.policies.forEach((p, i) => {
    const firstIndex = policyIds.indexOf(p.id);
    if (firstIndex !== i) issues.push(issue(["policies", i, "id"], `duplicate policy id "${p.id}"`, `a unique id (policies[${firstIndex}] has it)`));
    if (p.extends === undefined && p.lanes.length === 0) {
      issues.push(issueWithValue(["policies", i, "lanes"], "a policy without `extends` needs at least one lane", p.lanes, "at least 1 lane"));
    }
    if (p.extends === undefined && p.routes.length === 0) {
      issues.push(issueWithValue(["policies", i, "routes"], "a policy without `extends` needs at least one route", p.routes, "at least 1 route"));
    }
    const laneIds = p.lanes.map((l) => l.id);
    p.lanes.forEach((lane, j) => {
      const base: PathSegment[] = ["policies", i, "lanes", j];
      const firstLane = laneIds.indexOf(lane.id);
      if (firstLane !== j) issues.push(issue([...base, "id"], `duplicate lane id "${lane.id}"`, `a unique id within the policy (lanes[${firstLane}] has it)`));
      if (lane.servers !== undefined && lane.schedule !== undefined) {
        issues.push(issue([...base, "schedule"], "give `servers` or `schedule`, not both", "exactly one of `servers` / `schedule`"));
      } else if (lane.servers === undefined && lane.schedule === undefined) {
        issues.push(issue(base, `lane "${lane.id}" needs \`servers\` or \`schedule\``, "`servers: <integer>` or `schedule: [{from, to, servers}]`"));
      }
      if (lane.schedule !== undefined) checkWindows(issues, lane.schedule, [...base, "schedule"], true);
      if (lane.outages !== undefined) checkWindows(issues, lane.outages, [...base, "outages"], false);
      checkDistributionRef(lane.service, [...base, "service"]);
      if (lane.overhead !== undefined) checkDistributionRef(lane.overhead, [...base, "overhead"]);
    });
    const routeIds = p.routes.map((r) => r.id);
    p.routes.forEach((route, r) => {
      const base: PathSegment[] = ["policies", i, "routes", r];
      if (route.id !== undefined && routeIds.indexOf(route.id) !== r) {
        issues.push(issue([...base, "id"], `duplicate route id "${route.id}"`, "a unique route id within the policy"));
      }
      checkMatch(route.when, [...base, "when"]);
      route.steps.forEach((step, s) => checkStepShape(step, [...base, "steps", s]));
    });
  });

  function checkStepShape(step: Step, path: PathSegment[]): void {
    checkMatch(step.when, [...path, "when"]);
    if (step.delay !== undefined && step.lanes !== undefined) {
      issues.push(issue([...path, "lanes"], "give `delay` or `lanes`, not both", "exactly one of `delay` / `lanes`"));
    } else if (step.delay === undefined && step.lanes === undefined) {
      issues.push(issue(path, "a step needs `lanes` (a queue) or `delay` (a walk)", "exactly one of `delay` / `lanes`"));
    }
    if (step.delay !== undefined) {
      checkDistributionRef(step.delay, [...path, "delay"]);
      if (step.fallback !== undefined) issues.push(issue([...path, "fallback"], "a delay step cannot have a fallback", "`fallback` only on steps with `lanes`"));
      if (step.service !== undefined) issues.push(issue([...path, "service"], "a delay step has no service", "`service` only on steps with `lanes`"));
    } else if (step.service !== undefined) {
      checkDistributionRef(step.service, [...path, "service"]);
    }
    if (step.fallback !== undefined && (step.fallback.lane === undefined) === (step.fallback.route === undefined)) {
      issues.push(issueWithValue([...path, "fallback"], "a fallback needs `lane` or `route`, not both", step.fallback, "exactly one of `lane` / `route`"));
    }
    if (step.fallback?.service !== undefined) checkDistributionRef(step.fallback.service, [...path, "fallback", "service"]);
    if (step.fallback?.service !== undefined && step.fallback.route !== undefined) {
      issues.push(issue([...path, "fallback", "service"], "a fallback route has no lane to give a service time", "`service` only with a fallback `lane`"));
    }
    if (Array.isArray(step.lanes)) {
      step.lanes.forEach((choice, k) => {
        checkMatch(choice.when, [...path, "lanes", k, "when"]);
        if (choice.service !== undefined) checkDistributionRef(choice.service, [...path, "lanes", k, "service"]);
      });
      if (step.choose !== "share") {
        step.lanes.forEach((choice, k) => {
          if (choice.share !== 1) {
            issues.push(
              issueWithValue([...path, "lanes", k, "share"], `\`share\` applies only with \`choose: share\` (this step has \`choose: ${step.choose}\`)`, choice.share, "no share (or 1)"),
            );
          }
        });
      }
      const last = step.lanes.length - 1;
      const lastChoice = step.lanes[last];
      if (lastChoice !== undefined && (lastChoice.when !== undefined || lastChoice.share !== 1)) {
        issues.push(
          issueWithValue(
            [...path, "lanes", last],
            "the last lane option must apply to every traveller",
            lastChoice,
            "a last option with no `when` and share 1",
          ),
        );
      }
    }
  }

  // Extends, lane references in the resolved policies, route coverage.
  const flat = flattenPolicies(scenario.policies);
  issues.push(...flat.issues);
  checkSizes(scenario, flat.policies, issues);
  const reported = new Set<string>();
  /** The nearest policy along `extends` (from index i) that gives `key`, and its list; null when none does. */
  const inherited = <K extends "reserves" | "officerPools">(i: number, key: K): { owner: number; list: NonNullable<Scenario["policies"][number][K]> } | null => {
    let j = i;
    for (let guard = 0; j >= 0 && guard <= scenario.policies.length; guard++) {
      const p = scenario.policies[j]!;
      const list = p[key];
      if (list !== undefined) return { owner: j, list: list as NonNullable<Scenario["policies"][number][K]> };
      j = p.extends === undefined ? -1 : policyIds.indexOf(p.extends);
    }
    return null;
  };
  const poolIdsOf = (i: number) => (inherited(i, "officerPools")?.list ?? []).map((p) => p.id);
  const checkLaneRef = (fp: FlatPolicy, laneId: string, path: PathSegment[], pools: readonly string[] = []) => {
    if (fp.lanes.some((l) => l.lane.id === laneId) || pools.includes(laneId)) return;
    const key = JSON.stringify(path);
    if (reported.has(key)) return;
    reported.add(key);
    const policyId = scenario.policies[fp.policyIndex]!.id;
    const what = pools.length > 0 ? `lanes or officer pools of policy "${policyId}"` : `lanes of policy "${policyId}"`;
    issues.push(issue(path, `unknown ${pools.length > 0 ? "lane or officer pool" : "lane"} "${laneId}" in policy "${policyId}"`, oneOf(what, laneId, [...fp.lanes.map((l) => l.lane.id), ...pools])));
  };
  // Rosters: a known policy, a lane it has (own or inherited), windows in order.
  for (const [policyId, lanes] of Object.entries(scenario.rosters)) {
    const index = policyIds.indexOf(policyId);
    if (index < 0) {
      issues.push(issueWithValue(["rosters", policyId], `unknown policy "${policyId}"`, policyId, oneOf("the policy ids", policyId, policyIds)));
      continue;
    }
    const fp = flat.policies[index];
    const pools = inherited(index, "officerPools")?.list ?? [];
    for (const [laneId, windows] of Object.entries(lanes)) {
      if (fp) checkLaneRef(fp, laneId, ["rosters", policyId, laneId], pools.map((p) => p.id));
      checkWindows(issues, windows, ["rosters", policyId, laneId], true);
      const cap = pools.find((p) => p.id === laneId)?.officers;
      if (cap !== undefined) {
        windows.forEach((w, k) => {
          if (w.servers > cap) issues.push(issueWithValue(["rosters", policyId, laneId, k, "servers"], `officer pool "${laneId}" has at most ${cap} officers (its \`officers\`)`, w.servers, `an integer <= ${cap}`));
        });
      }
    }
  }

  // Roster limits: as rosters, and each window a min and/or a max, min <= max.
  for (const [policyId, lanes] of Object.entries(scenario.rosterLimits ?? {})) {
    const index = policyIds.indexOf(policyId);
    if (index < 0) {
      issues.push(issueWithValue(["rosterLimits", policyId], `unknown policy "${policyId}"`, policyId, oneOf("the policy ids", policyId, policyIds)));
      continue;
    }
    const fp = flat.policies[index];
    for (const [laneId, windows] of Object.entries(lanes)) {
      const base: PathSegment[] = ["rosterLimits", policyId, laneId];
      if (fp) checkLaneRef(fp, laneId, base, poolIdsOf(index));
      checkWindows(issues, windows, base, true);
      windows.forEach((w, i) => {
        if (w.min === undefined && w.max === undefined) issues.push(issue([...base, i], `a limit window needs min, max or both (${w.from}–${w.to})`, "min and/or max"));
        if (w.min !== undefined && w.max !== undefined && w.min > w.max) {
          issues.push(issueWithValue([...base, i, "max"], `max ${w.max} is below min ${w.min} (${w.from}–${w.to})`, w.max, `an integer >= ${w.min}`));
        }
      });
    }
  }

  // Enrolment: a share, or a path by month and the month on it.
  const ps = scenario.travellers.population;
  if (ps !== undefined) {
    const base = ["travellers", "population"];
    const hasPath = ps.enrolmentPath !== undefined || ps.month !== undefined;
    if (ps.enrolment !== undefined && hasPath) {
      issues.push(issue([...base, "enrolment"], "give `enrolment`, or `enrolmentPath` with `month`, not both", "exactly one way to say the enrolment"));
    } else if (ps.enrolment === undefined && !(ps.enrolmentPath !== undefined && ps.month !== undefined)) {
      issues.push(
        issue(ps.enrolmentPath !== undefined ? [...base, "month"] : [...base, "enrolment"], "the enrolment is missing", "`enrolment: <share>`, or `enrolmentPath: [{ month, enrolment }]` with `month: YYYY-MM`"),
      );
    }
    ps.enrolmentPath?.forEach((p, i) => {
      if (i > 0 && !(p.month > ps.enrolmentPath![i - 1]!.month)) {
        issues.push(issueWithValue([...base, "enrolmentPath", i, "month"], "months must increase", p.month, `a month after ${ps.enrolmentPath![i - 1]!.month}`));
      }
    });
  }

  const combinations = travellerCombinations(scenario);
  flat.policies.forEach((fp) => {
    if (fp === null) return;
    const policy = scenario.policies[fp.policyIndex]!;
    const seenRouteIds = new Map<string, number>();
    for (const { route, policyIndex, routeIndex } of fp.routes) {
      const base: PathSegment[] = ["policies", policyIndex, "routes", routeIndex];
      if (route.id !== undefined && policyIndex !== fp.policyIndex) {
        const own = seenRouteIds.get(route.id);
        if (own !== undefined) {
          issues.push(
            issue(
              ["policies", fp.policyIndex, "routes", own, "id"],
              `route id "${route.id}" is also used by an inherited route (policies[${policyIndex}].routes[${routeIndex}])`,
              "a route id not used by the parent policy",
            ),
          );
        }
      } else if (route.id !== undefined) {
        seenRouteIds.set(route.id, routeIndex);
      }
      route.steps.forEach((step, s) => {
        const stepPath = [...base, "steps", s];
        if (typeof step.lanes === "string") checkLaneRef(fp, step.lanes, [...stepPath, "lanes"]);
        else step.lanes?.forEach((c, k) => checkLaneRef(fp, c.lane, [...stepPath, "lanes", k, "lane"]));
        if (step.fallback?.lane !== undefined) checkLaneRef(fp, step.fallback.lane, [...stepPath, "fallback", "lane"]);
        const target = step.fallback?.route;
        if (target !== undefined) {
          const key = JSON.stringify([...stepPath, "fallback", "route", fp.policyIndex]);
          const found = fp.routes.find((r) => r.route.id === target);
          const routeIds = fp.routes.map((r) => r.route.id).filter((x): x is string => x !== undefined);
          if (found === undefined) {
            if (!reported.has(key)) {
              reported.add(key);
              issues.push(issue([...stepPath, "fallback", "route"], `unknown route "${target}" in policy "${policy.id}"`, oneOf(`route ids of policy "${policy.id}"`, target, routeIds)));
            }
          } else if (found.route === route) {
            issues.push(issue([...stepPath, "fallback", "route"], `route "${target}" falls back to itself`, "another route of the policy"));
          } else if (found.route.steps.some((st) => st.fallback?.route !== undefined)) {
            issues.push(
              issue([...stepPath, "fallback", "route"], `route "${target}" has route fallbacks of its own (fallback routes do not chain)`, "a route whose steps fall back to lanes only"),
            );
          }
        }
      });
    }
    const reserveBase = policy.reserves !== undefined ? fp.policyIndex : undefined;
    (policy.reserves ?? []).forEach((r, k) => {
      const path: PathSegment[] = ["policies", reserveBase!, "reserves", k];
      if ((policy.reserves ?? []).findIndex((x) => x.id === r.id) !== k) issues.push(issue([...path, "id"], `duplicate reserve id "${r.id}"`, "a unique reserve id within the policy"));
      r.lanes.forEach((laneId, j) => checkLaneRef(fp, laneId, [...path, "lanes", j]));
      if (!(r.closeAtWaitMinutes < r.openAtWaitMinutes)) {
        issues.push(issueWithValue([...path, "closeAtWaitMinutes"], "the close threshold must be below the open threshold", r.closeAtWaitMinutes, `less than openAtWaitMinutes (${r.openAtWaitMinutes})`));
      }
    });
    // Officer pools: lanes the policy has, officer-staffed, in one pool at most and in no reserve; ids
    // unique and apart from lane ids (a roster entry names either). Checked per policy (pools are inherited).
    const pools = inherited(fp.policyIndex, "officerPools");
    if (pools !== null) {
      const reserveLanes = new Map<string, string>();
      for (const r of inherited(fp.policyIndex, "reserves")?.list ?? []) for (const l of r.lanes) reserveLanes.set(l, r.id);
      const poolOfLane = new Map<string, string>();
      pools.list.forEach((pool, k) => {
        const path: PathSegment[] = ["policies", pools.owner, "officerPools", k];
        const mark = (p: PathSegment[], message: string, value: unknown, expected: string) => {
          const key = JSON.stringify(p) + message;
          if (reported.has(key)) return;
          reported.add(key);
          issues.push(issueWithValue(p, message, value, expected));
        };
        if (pools.list.findIndex((x) => x.id === pool.id) !== k) mark([...path, "id"], `duplicate officer pool id "${pool.id}"`, pool.id, "a unique officer pool id within the policy");
        if (fp.lanes.some((l) => l.lane.id === pool.id)) mark([...path, "id"], `officer pool id "${pool.id}" is also a lane id of policy "${policy.id}"`, pool.id, "an id no lane of the policy uses (rosters name lanes and pools alike)");
        pool.lanes.forEach((laneId, j) => {
          const lp: PathSegment[] = [...path, "lanes", j];
          const lane = fp.lanes.find((l) => l.lane.id === laneId);
          if (lane === undefined) {
            checkLaneRef(fp, laneId, lp);
            return;
          }
          if (lane.lane.staff === "automated") mark(lp, `lane "${laneId}" is automated: an officer pool shares officers`, laneId, "an officer-staffed lane (`staff: officer`)");
          const other = poolOfLane.get(laneId);
          if (other !== undefined) mark(lp, `lane "${laneId}" is already in officer pool "${other}"`, laneId, "each lane in at most one officer pool");
          else poolOfLane.set(laneId, pool.id);
          const reserve = reserveLanes.get(laneId);
          if (reserve !== undefined) mark(lp, `lane "${laneId}" is also a lane of reserve "${reserve}"`, laneId, "a lane in an officer pool or in a reserve, not both");
        });
      });
    }
    const uncovered = combinations.filter((t) => !fp.routes.some((r) => matches(r.route.when, t)));
    const firstUncovered = uncovered[0];
    if (firstUncovered !== undefined) {
      const more = uncovered.length > 1 ? ` (and ${uncovered.length - 1} more uncovered combination${uncovered.length > 2 ? "s" : ""})` : "";
      issues.push(
        issueWithValue(
          ["policies", fp.policyIndex, "routes"],
          `policy "${policy.id}" has no route for traveller ${describeTraveller(firstUncovered)}${more}`,
          firstUncovered,
          "a route whose `when` matches every traveller combination (e.g. a last route without `when`)",
        ),
      );
    }
  });

  // Controls and pledges.
  const controlIds = scenario.controls.map((c) => c.id);
  const usedCheckpoints = new Set<string>();
  for (const p of scenario.policies) {
    for (const l of p.lanes) usedCheckpoints.add(l.checkpoint);
    for (const r of p.routes) for (const st of r.steps) usedCheckpoints.add(st.checkpoint);
  }
  scenario.controls.forEach((c, i) => {
    if (controlIds.indexOf(c.id) !== i) issues.push(issue(["controls", i, "id"], `duplicate control id "${c.id}"`, "a unique control id"));
    c.checkpoints.forEach((cp, k) => {
      if (!usedCheckpoints.has(cp)) {
        issues.push(issue(["controls", i, "checkpoints", k], `no lane or step of any policy uses checkpoint "${cp}"`, oneOf("checkpoint labels", cp, [...usedCheckpoints].sort())));
      }
    });
  });
  const pledgeIds = scenario.pledges.map((p) => p.id);
  scenario.pledges.forEach((p, i) => {
    if (pledgeIds.indexOf(p.id) !== i) issues.push(issue(["pledges", i, "id"], `duplicate pledge id "${p.id}"`, "a unique pledge id"));
    if (!controlIds.includes(p.control)) issues.push(issue(["pledges", i, "control"], `unknown control "${p.control}"`, oneOf("control ids", p.control, controlIds)));
    (p.classes ?? []).forEach((id, k) => {
      if (!classIds.includes(id)) issues.push(issue(["pledges", i, "classes", k], `unknown traveller class "${id}"`, oneOf("class ids", id, classIds)));
    });
  });

  return issues;
}

