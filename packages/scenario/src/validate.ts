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
import { type UnknownPaths, UnknownValueRead, presentKeys, trackReads, untracked, whenKnown } from "./unknown-values.js";

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

/** Runs one check; false when it read a placeholder, and then what it found is dropped (unknown-values.ts). */
type Check = (fn: () => void) => boolean;

/** f's value, worked out once; when f read a placeholder, every call throws as f did. */
function once<T>(f: () => T): () => T {
  let state: { value: T } | { error: unknown } | undefined;
  return () => {
    if (state === undefined) {
      try {
        state = { value: f() };
      } catch (error) {
        state = { error };
      }
    }
    if ("error" in state) throw state.error;
    return state.value;
  };
}

/** Values read from the items of a list one by one: complete unless some item's value is a placeholder. */
interface KnownValues<T> {
  /** The values read, in order (those of items before `firstUnknown` at their item's index). */
  values: T[];
  complete: boolean;
  /** Index of the first item whose value is a placeholder (Infinity when none). */
  firstUnknown: number;
}

/** The values f gives for the items of a list, each item read on its own (f may add several or none). */
function collect<T, U>(list: readonly T[], f: (item: T, add: (value: U) => void, read: (g: () => void) => void) => void): KnownValues<U> {
  const known: KnownValues<U> = { values: [], complete: true, firstUnknown: Infinity };
  const add = (value: U) => known.values.push(value);
  const read = (g: () => void) => {
    if (!whenKnown([], g)) known.complete = false;
  };
  for (let i = 0; i < list.length; i++) {
    read(() => f(list[i]!, add, read));
    if (!known.complete && known.firstUnknown === Infinity) known.firstUnknown = i;
  }
  return known;
}

/** One value per item, e.g. the ids of a list. */
function idsOf<T>(list: readonly T[], id: (item: T) => string): KnownValues<string> {
  return collect<T, string>(list, (item, add) => add(id(item)));
}

/** The index of the first item with this value, -1 when none has it (Array.indexOf), when that is known. */
function indexIn<T>(known: KnownValues<T>, value: T): number {
  const index = known.values.indexOf(value);
  // An item before it (or any, when none has it) may hold a placeholder that is this value.
  if (known.complete || (index >= 0 && index < known.firstUnknown)) return index;
  throw new UnknownValueRead();
}

/** Whether `value` is among them: known when it is found, or when every value is known. */
function among<T>(known: KnownValues<T>, value: T): boolean {
  if (known.values.includes(value)) return true;
  if (!known.complete) throw new UnknownValueRead();
  return false;
}

/** All of them (in order), when every one is known. */
function allOf<T>(known: KnownValues<T>): T[] {
  if (!known.complete) throw new UnknownValueRead();
  return known.values;
}

/**
 * Limits on sums the schema cannot see field by field (SCENARIO_LIMITS): the day's expected trips,
 * staff over all institution groups, lanes and routes of a policy with what it inherits, checkpoints.
 */
function checkSizes(scenario: Scenario, flatAt: (i: number) => FlatPolicy | null, check: Check, issues: SemanticIssue[]): void {
  const L = SCENARIO_LIMITS;
  check(() => {
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
  });
  check(() => {
    const groups = scenario.travellers.population?.institutions ?? [];
    const staff = sum(groups.map((g) => g.staff));
    if (staff > L.staff) {
      issues.push(issueWithValue(["travellers", "population", "institutions"], `staff over all institution groups sum to ${staff}, more than ${L.staff} (SCENARIO_LIMITS.staff)`, staff, `at most ${L.staff} staff in all`));
    }
  });
  check(() => {
    for (let i = 0; i < scenario.policies.length; i++) {
      check(() => {
        const fp = flatAt(i);
        if (fp === null) return;
        if (fp.lanes.length > L.lanesPerPolicy) {
          issues.push(issueWithValue(["policies", i, "lanes"], `the policy has ${fp.lanes.length} lanes with those it inherits, more than ${L.lanesPerPolicy} (SCENARIO_LIMITS.lanesPerPolicy)`, fp.lanes.length, `at most ${L.lanesPerPolicy} lanes`));
        }
        if (fp.routes.length > L.routesPerPolicy) {
          issues.push(issueWithValue(["policies", i, "routes"], `the policy has ${fp.routes.length} routes with those it inherits, more than ${L.routesPerPolicy} (SCENARIO_LIMITS.routesPerPolicy)`, fp.routes.length, `at most ${L.routesPerPolicy} routes`));
        }
      });
    }
  });
  check(() => {
    const checkpoints = new Set<string>();
    for (const p of scenario.policies) {
      for (const lane of p.lanes) checkpoints.add(lane.checkpoint);
      for (const route of p.routes) for (const step of route.steps) checkpoints.add(step.checkpoint);
    }
    if (checkpoints.size > L.checkpoints) {
      issues.push(issueWithValue(["policies"], `the policies name ${checkpoints.size} distinct checkpoints, more than ${L.checkpoints} (SCENARIO_LIMITS.checkpoints)`, checkpoints.size, `at most ${L.checkpoints} checkpoints`));
    }
  });
}

/** Checks from < to for each window, and optionally that windows are sorted and do not overlap. */
function checkWindows(check: Check, issues: SemanticIssue[], windows: readonly Interval[], base: PathSegment[], sorted: boolean): void {
  let previousEnd: number | undefined;
  // Whether every earlier window's end is known (else where they end is not, nor whether this one overlaps).
  let endsKnown = true;
  for (let i = 0; i < windows.length; i++) {
    const read = check(() => {
      const w = windows[i]!;
      check(() => {
        if (!(seconds(w.from) < seconds(w.to))) {
          issues.push(issue([...base, i, "to"], `interval must end after it starts (from ${w.from})`, `a time after ${w.from}`));
        }
      });
      check(() => {
        if (!sorted) return;
        if (!endsKnown) throw new UnknownValueRead([...base, i - 1, "to"]);
        const from = seconds(w.from);
        if (previousEnd !== undefined && from < previousEnd) {
          issues.push(
            issue(
              [...base, i, "from"],
              `interval overlaps or precedes the previous one, which ends at ${hhmm(previousEnd)}`,
              `sorted, non-overlapping intervals: from >= ${hhmm(previousEnd)}`,
            ),
          );
        }
      });
      if (!check(() => (previousEnd = Math.max(previousEnd ?? 0, seconds(w.to))))) endsKnown = false;
    });
    if (!read) endsKnown = false;
  }
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

/**
 * Cross-field validation of a scenario whose shape is already valid. Returns [] when it is valid.
 *
 * `unknown`: where `input` holds placeholders rather than what the file says (a repaired copy of a file
 * with field errors, load.ts). Every check is then skipped that reads one, or that concludes from an
 * absence it cannot know (a name missing from a list holding a placeholder, a field absent from an
 * object with an unknown key), so that nothing is reported that the placeholders made up.
 */
export function validateScenario(input: Scenario, unknown?: UnknownPaths): SemanticIssue[] {
  const scenario = unknown === undefined ? input : trackReads(input, unknown);
  const issues: SemanticIssue[] = [];
  /** Paths already reported by checks that dedupe (a lane reference seen through several policies). */
  const reported = new Set<string>();
  const check: Check = (fn) => {
    const n = reported.size;
    const ok = whenKnown(issues, fn);
    if (!ok && reported.size > n) [...reported].slice(n).forEach((k) => reported.delete(k));
    return ok;
  };
  /** fn for each item of a list, each in a check of its own. */
  const each = <T>(list: readonly T[], fn: (item: T, i: number) => void): void => {
    for (let i = 0; i < list.length; i++) check(() => fn(list[i]!, i));
  };
  // The names a reference may take: a name of the wrong format that was dropped is not one of them.
  const distributionNames = once(() => presentKeys(scenario.distributions));
  const classIds = once(() => idsOf(scenario.travellers.classes, (c) => c.id));
  const policyIds = once(() => idsOf(scenario.policies, (p) => p.id));
  /** The first index of the policy with this id, -1 when there is none (policyIds.indexOf). */
  const policyIndexOf = (id: string) => indexIn(policyIds(), id);

  // Distributions.
  check(() => {
    for (const name of presentKeys(scenario.distributions)) {
      check(() => {
        for (const p of checkDistribution(scenario.distributions[name]!)) issues.push(issueWithValue(["distributions", name, p.field], p.message, p.value, p.expected));
      });
    }
  });
  const checkDistributionRef = (name: string, path: PathSegment[]) => {
    if (!Object.hasOwn(scenario.distributions, name)) {
      issues.push(issue(path, `unknown distribution "${name}"`, oneOf("distributions", name, distributionNames())));
    }
  };

  // Day and warm-up.
  const open = once(() => seconds(scenario.day.open));
  const close = once(() => seconds(scenario.day.close));
  const end = once(() => seconds(scenario.day.end));
  check(() => {
    if (!(open() < close())) issues.push(issue(["day", "close"], `the day must close after it opens (${scenario.day.open})`, `a time after ${scenario.day.open}`));
  });
  check(() => {
    if (!(close() <= end())) issues.push(issue(["day", "end"], `the simulation must not end before arrivals stop (${scenario.day.close})`, `a time at or after ${scenario.day.close}`));
  });
  check(() => {
    if (open() < close() && open() + scenario.warmupMinutes * 60 >= close()) {
      issues.push(issue(["warmupMinutes"], "warm-up lasts until arrivals stop, so no traveller would be counted", `fewer than ${(close() - open()) / 60} minutes`));
    }
  });

  // Experiment.
  check(() => {
    const exp = scenario.experiment;
    check(() => {
      if (exp.baseline !== undefined && !among(policyIds(), exp.baseline)) {
        issues.push(issue(["experiment", "baseline"], `unknown policy "${exp.baseline}"`, oneOf("policy ids", exp.baseline, allOf(policyIds()))));
      }
    });
    check(() =>
      each(exp.compare ?? [], (pair, i) => {
        each(pair, (id, j) => {
          if (!among(policyIds(), id)) issues.push(issue(["experiment", "compare", i, j], `unknown policy "${id}"`, oneOf("policy ids", id, allOf(policyIds()))));
        });
        check(() => {
          if (pair[0] === pair[1]) issues.push(issue(["experiment", "compare", i], "a pair compares a policy with itself", "two different policy ids"));
        });
      }),
    );
  });

  // Demand.
  check(() => {
    const demand = scenario.demand;
    const profile = demand.profile;
    const mode = (e: (typeof profile)[number]) =>
      e.share !== undefined && e.ratePerHour !== undefined ? "both" : e.share !== undefined ? "share" : e.ratePerHour !== undefined ? "rate" : "none";
    const first = once(() => {
      for (let i = 0; i < profile.length; i++) {
        const m = mode(profile[i]!);
        if (m === "share" || m === "rate") return m;
      }
      return undefined;
    });
    each(profile, (e, i) => {
      const m = mode(e);
      if (m === "none") issues.push(issue(["demand", "profile", i], "a profile entry needs `share` or `ratePerHour`", "an entry with `share` or `ratePerHour`"));
      else if (m === "both") issues.push(issue(["demand", "profile", i], "give `share` or `ratePerHour`, not both", "exactly one of `share` / `ratePerHour`"));
      else if (m !== first()) {
        issues.push(
          issue(
            ["demand", "profile", i, m === "share" ? "share" : "ratePerHour"],
            "the profile mixes `share` and `ratePerHour`",
            `${first() === "share" ? "`share`" : "`ratePerHour`"} in every entry, like demand.profile[0]`,
          ),
        );
      }
    });
    check(() => {
      if (first() !== "share") return;
      check(() => {
        if (demand.tripsPerDay === undefined) {
          issues.push(issue(["demand", "tripsPerDay"], "`tripsPerDay` is required when the profile uses `share`", "a number > 0"));
        }
      });
      check(() => {
        const total = sum(profile.map((e) => e.share ?? 0));
        if (Math.abs(total - 1) > SHARE_TOLERANCE) {
          issues.push(issueWithValue(["demand", "profile"], `profile shares sum to ${round(total)}, not 1`, round(total), "shares summing to 1 (±1e-6)"));
        }
      });
    });
    checkWindows(check, issues, profile, ["demand", "profile"], true);
    each(profile, (e, i) => {
      check(() => {
        if (seconds(e.from) < open()) {
          issues.push(issue(["demand", "profile", i, "from"], `interval starts before the day opens (${scenario.day.open})`, `a time within day.open-day.close (${scenario.day.open}-${scenario.day.close})`));
        }
      });
      check(() => {
        if (seconds(e.to) > close()) {
          issues.push(issue(["demand", "profile", i, "to"], `interval ends after arrivals stop (${scenario.day.close})`, `a time within day.open-day.close (${scenario.day.open}-${scenario.day.close})`));
        }
      });
    });
    check(() => {
      if (!Array.isArray(demand.southboundShare)) return;
      const windows = demand.southboundShare;
      checkWindows(check, issues, windows, ["demand", "southboundShare"], true);
      const sortedWindows = once(() => windows.map((w) => ({ from: seconds(w.from), to: seconds(w.to) })).sort((a, b) => a.from - b.from));
      each(profile, (e, i) => {
        const from = seconds(e.from);
        const to = seconds(e.to);
        let cursor = from;
        for (const w of sortedWindows()) {
          if (w.from > cursor) break;
          if (w.to > cursor) cursor = w.to;
        }
        if (cursor < to) {
          const gapEnd = Math.min(to, ...sortedWindows().filter((w) => w.from > cursor).map((w) => w.from));
          issues.push(
            issue(
              ["demand", "southboundShare"],
              `no southbound share for ${hhmm(cursor)}-${hhmm(gapEnd)} (within demand.profile[${i}], ${e.from}-${e.to})`,
              "windows covering every profile interval",
            ),
          );
        }
      });
    });
    check(() =>
      each(demand.shuttles, (s, i) => {
        const t = seconds(s.time);
        if (t < open() || t >= close()) {
          issues.push(issue(["demand", "shuttles", i, "time"], "shuttle arrives outside the arrival hours", `a time in [day.open, day.close) = [${scenario.day.open}, ${scenario.day.close})`));
        }
      }),
    );
  });

  // Travellers.
  check(() => {
    const travellers = scenario.travellers;
    check(() =>
      each(travellers.classes, (c, i) => {
        const firstIndex = allOf(classIds()).indexOf(c.id);
        if (firstIndex !== i) issues.push(issue(["travellers", "classes", i, "id"], `duplicate class id "${c.id}"`, `a unique id (travellers.classes[${firstIndex}] has it)`));
      }),
    );
    check(() => {
      const classTotal = sum(travellers.classes.map((c) => c.share));
      if (Math.abs(classTotal - 1) > SHARE_TOLERANCE) {
        issues.push(issueWithValue(["travellers", "classes"], `class shares sum to ${round(classTotal)}, not 1`, round(classTotal), "shares summing to 1 (±1e-6)"));
      }
    });
    check(() => {
      const goods = travellers.goods;
      const goodsTotal = goods.instruments + goods.reagents + goods.biological;
      if (goodsTotal > 1 + SHARE_TOLERANCE) {
        issues.push(issueWithValue(["travellers", "goods"], `goods probabilities sum to ${round(goodsTotal)}`, round(goodsTotal), "instruments + reagents + biological <= 1"));
      }
    });
    check(() => {
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
    });
    check(() => {
      const pop = travellers.population;
      if (pop === undefined) return;
      check(() => {
        const groupIds = once(() => pop.institutions.map((g) => g.id));
        each(pop.institutions, (g, i) => {
          const at = ["travellers", "population", "institutions", i] as PathSegment[];
          check(() => {
            if (groupIds().indexOf(g.id) !== i) issues.push(issue([...at, "id"], `duplicate institution group id "${g.id}"`, "a unique id"));
          });
          check(() => {
            const classes = g.classes;
            if (classes === undefined) return;
            for (const id of presentKeys(classes)) {
              check(() => {
                if (!among(classIds(), id)) issues.push(issue([...at, "classes", id], `unknown traveller class "${id}"`, oneOf("class ids", id, allOf(classIds()))));
              });
            }
            check(() => {
              const total = sum(Object.values(classes));
              if (!(total > 0)) issues.push(issueWithValue([...at, "classes"], "class weights sum to 0", total, "weights with a positive sum"));
            });
          });
        });
      });
      check(() => {
        const popGoods = pop.goods;
        if (popGoods === undefined) return;
        for (const kind of ["lifeScience", "other"] as const) {
          check(() => {
            const m = popGoods[kind];
            const total = m.instruments + m.reagents + m.biological;
            if (total > 1 + SHARE_TOLERANCE) {
              issues.push(issueWithValue(["travellers", "population", "goods", kind], `goods probabilities sum to ${round(total)}`, round(total), "instruments + reagents + biological <= 1"));
            }
          });
        }
      });
    });
  });

  // Policies.
  const checkMatch = (m: Match | undefined, path: PathSegment[]) => {
    const cls = m?.class;
    if (cls === undefined) return;
    if (typeof cls === "string") {
      if (!among(classIds(), cls)) issues.push(issue([...path, "class"], `unknown traveller class "${cls}"`, oneOf("class ids", cls, allOf(classIds()))));
      return;
    }
    each(cls, (id, k) => {
      if (!among(classIds(), id)) issues.push(issue([...path, "class", k], `unknown traveller class "${id}"`, oneOf("class ids", id, allOf(classIds()))));
    });
  };
  check(() =>
    each(scenario.policies, (p, i) => {
      check(() => {
        const firstIndex = allOf(policyIds()).indexOf(p.id);
        if (firstIndex !== i) issues.push(issue(["policies", i, "id"], `duplicate policy id "${p.id}"`, `a unique id (policies[${firstIndex}] has it)`));
      });
      check(() => {
        if (p.extends === undefined && p.lanes.length === 0) {
          issues.push(issueWithValue(["policies", i, "lanes"], "a policy without `extends` needs at least one lane", p.lanes, "at least 1 lane"));
        }
      });
      check(() => {
        if (p.extends === undefined && p.routes.length === 0) {
          issues.push(issueWithValue(["policies", i, "routes"], "a policy without `extends` needs at least one route", p.routes, "at least 1 route"));
        }
      });
      check(() => {
        const laneIds = once(() => p.lanes.map((l) => l.id));
        each(p.lanes, (lane, j) => {
          const base: PathSegment[] = ["policies", i, "lanes", j];
          check(() => {
            const firstLane = laneIds().indexOf(lane.id);
            if (firstLane !== j) issues.push(issue([...base, "id"], `duplicate lane id "${lane.id}"`, `a unique id within the policy (lanes[${firstLane}] has it)`));
          });
          check(() => {
            if (lane.servers !== undefined && lane.schedule !== undefined) {
              issues.push(issue([...base, "schedule"], "give `servers` or `schedule`, not both", "exactly one of `servers` / `schedule`"));
            } else if (lane.servers === undefined && lane.schedule === undefined) {
              issues.push(issue(base, `lane "${lane.id}" needs \`servers\` or \`schedule\``, "`servers: <integer>` or `schedule: [{from, to, servers}]`"));
            }
          });
          check(() => {
            if (lane.schedule !== undefined) checkWindows(check, issues, lane.schedule, [...base, "schedule"], true);
          });
          check(() => {
            if (lane.outages !== undefined) checkWindows(check, issues, lane.outages, [...base, "outages"], false);
          });
          check(() => checkDistributionRef(lane.service, [...base, "service"]));
          check(() => {
            if (lane.overhead !== undefined) checkDistributionRef(lane.overhead, [...base, "overhead"]);
          });
        });
      });
      check(() => {
        const routeIds = once(() => p.routes.map((r) => r.id));
        each(p.routes, (route, r) => {
          const base: PathSegment[] = ["policies", i, "routes", r];
          check(() => {
            if (route.id !== undefined && routeIds().indexOf(route.id) !== r) {
              issues.push(issue([...base, "id"], `duplicate route id "${route.id}"`, "a unique route id within the policy"));
            }
          });
          check(() => checkMatch(route.when, [...base, "when"]));
          check(() => each(route.steps, (step, s) => checkStepShape(step, [...base, "steps", s])));
        });
      });
    }),
  );

  function checkStepShape(step: Step, path: PathSegment[]): void {
    check(() => checkMatch(step.when, [...path, "when"]));
    check(() => {
      if (step.delay !== undefined && step.lanes !== undefined) {
        issues.push(issue([...path, "lanes"], "give `delay` or `lanes`, not both", "exactly one of `delay` / `lanes`"));
      } else if (step.delay === undefined && step.lanes === undefined) {
        issues.push(issue(path, "a step needs `lanes` (a queue) or `delay` (a walk)", "exactly one of `delay` / `lanes`"));
      }
    });
    check(() => {
      const delay = step.delay;
      if (delay !== undefined) {
        check(() => checkDistributionRef(delay, [...path, "delay"]));
        check(() => {
          if (step.fallback !== undefined) issues.push(issue([...path, "fallback"], "a delay step cannot have a fallback", "`fallback` only on steps with `lanes`"));
        });
        check(() => {
          if (step.service !== undefined) issues.push(issue([...path, "service"], "a delay step has no service", "`service` only on steps with `lanes`"));
        });
      } else if (step.service !== undefined) {
        checkDistributionRef(step.service, [...path, "service"]);
      }
    });
    check(() => {
      if (step.fallback !== undefined && (step.fallback.lane === undefined) === (step.fallback.route === undefined)) {
        issues.push(issueWithValue([...path, "fallback"], "a fallback needs `lane` or `route`, not both", step.fallback, "exactly one of `lane` / `route`"));
      }
    });
    check(() => {
      if (step.fallback?.service !== undefined) checkDistributionRef(step.fallback.service, [...path, "fallback", "service"]);
    });
    check(() => {
      if (step.fallback?.service !== undefined && step.fallback.route !== undefined) {
        issues.push(issue([...path, "fallback", "service"], "a fallback route has no lane to give a service time", "`service` only with a fallback `lane`"));
      }
    });
    check(() => {
      const lanes = step.lanes;
      if (!Array.isArray(lanes)) return;
      each(lanes, (choice, k) => {
        check(() => checkMatch(choice.when, [...path, "lanes", k, "when"]));
        check(() => {
          if (choice.service !== undefined) checkDistributionRef(choice.service, [...path, "lanes", k, "service"]);
        });
      });
      check(() => {
        if (step.choose === "share") return;
        const choose = step.choose;
        each(lanes, (choice, k) => {
          if (choice.share !== 1) {
            issues.push(issueWithValue([...path, "lanes", k, "share"], `\`share\` applies only with \`choose: share\` (this step has \`choose: ${choose}\`)`, choice.share, "no share (or 1)"));
          }
        });
      });
      check(() => {
        const last = lanes.length - 1;
        const lastChoice = lanes[last];
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
      });
    });
  }

  // Extends, lane references in the resolved policies, route coverage.
  let flat: ReturnType<typeof flattenPolicies> | undefined;
  check(() => {
    flat = flattenPolicies(scenario.policies);
    issues.push(...flat.issues);
  });
  /** Policy i flattened (null when it cannot be: unknown parent, cycle); throws when that is not known. */
  const flatAt = (i: number): FlatPolicy | null => {
    if (flat === undefined || flat.unknown.includes(i)) throw new UnknownValueRead(["policies", i]);
    return flat.policies[i] ?? null;
  };
  checkSizes(scenario, flatAt, check, issues);
  /** The nearest policy along `extends` (from index i) that gives `key`, and its list; null when none does. */
  const inherited = <K extends "reserves" | "officerPools">(i: number, key: K): { owner: number; list: NonNullable<Scenario["policies"][number][K]> } | null => {
    let j = i;
    for (let guard = 0; j >= 0 && guard <= scenario.policies.length; guard++) {
      const p = scenario.policies[j]!;
      const list = p[key];
      if (list !== undefined) return { owner: j, list: list as NonNullable<Scenario["policies"][number][K]> };
      j = p.extends === undefined ? -1 : policyIndexOf(p.extends);
    }
    return null;
  };
  const poolIdsOf = (i: number) => (inherited(i, "officerPools")?.list ?? []).map((p) => p.id);
  const checkLaneRef = (fp: FlatPolicy, laneId: string, path: PathSegment[], pools: readonly string[] = []) => {
    if (fp.lanes.some((l) => l.lane.id === laneId) || pools.includes(laneId)) return;
    const key = JSON.stringify(path);
    if (reported.has(key)) return;
    const policyId = scenario.policies[fp.policyIndex]!.id;
    const what = pools.length > 0 ? `lanes or officer pools of policy "${policyId}"` : `lanes of policy "${policyId}"`;
    const found = issue(path, `unknown ${pools.length > 0 ? "lane or officer pool" : "lane"} "${laneId}" in policy "${policyId}"`, oneOf(what, laneId, [...fp.lanes.map((l) => l.lane.id), ...pools]));
    reported.add(key);
    issues.push(found);
  };
  // Rosters: a known policy, a lane it has (own or inherited), windows in order.
  check(() => {
    const rosters = scenario.rosters;
    for (const policyId of presentKeys(rosters)) {
      check(() => {
        const lanes = rosters[policyId]!;
        const index = policyIndexOf(policyId);
        if (index < 0) {
          issues.push(issueWithValue(["rosters", policyId], `unknown policy "${policyId}"`, policyId, oneOf("the policy ids", policyId, allOf(policyIds()))));
          return;
        }
        const pools = once(() => inherited(index, "officerPools")?.list ?? []);
        for (const laneId of presentKeys(lanes)) {
          check(() => {
            const windows = lanes[laneId]!;
            check(() => {
              const fp = flatAt(index);
              if (fp) checkLaneRef(fp, laneId, ["rosters", policyId, laneId], pools().map((p) => p.id));
            });
            checkWindows(check, issues, windows, ["rosters", policyId, laneId], true);
            check(() => {
              const cap = pools().find((p) => p.id === laneId)?.officers;
              if (cap === undefined) return;
              each(windows, (w, k) => {
                if (w.servers > cap) issues.push(issueWithValue(["rosters", policyId, laneId, k, "servers"], `officer pool "${laneId}" has at most ${cap} officers (its \`officers\`)`, w.servers, `an integer <= ${cap}`));
              });
            });
          });
        }
      });
    }
  });

  // Roster limits: as rosters, and each window a min and/or a max, min <= max.
  check(() => {
    const limits = scenario.rosterLimits ?? {};
    for (const policyId of presentKeys(limits)) {
      check(() => {
        const lanes = limits[policyId]!;
        const index = policyIndexOf(policyId);
        if (index < 0) {
          issues.push(issueWithValue(["rosterLimits", policyId], `unknown policy "${policyId}"`, policyId, oneOf("the policy ids", policyId, allOf(policyIds()))));
          return;
        }
        for (const laneId of presentKeys(lanes)) {
          check(() => {
            const windows = lanes[laneId]!;
            const base: PathSegment[] = ["rosterLimits", policyId, laneId];
            check(() => {
              const fp = flatAt(index);
              if (fp) checkLaneRef(fp, laneId, base, poolIdsOf(index));
            });
            checkWindows(check, issues, windows, base, true);
            each(windows, (w, i) => {
              check(() => {
                if (w.min === undefined && w.max === undefined) issues.push(issue([...base, i], `a limit window needs min, max or both (${w.from}–${w.to})`, "min and/or max"));
              });
              check(() => {
                if (w.min !== undefined && w.max !== undefined && w.min > w.max) {
                  issues.push(issueWithValue([...base, i, "max"], `max ${w.max} is below min ${w.min} (${w.from}–${w.to})`, w.max, `an integer >= ${w.min}`));
                }
              });
            });
          });
        }
      });
    }
  });

  // Enrolment: a share, or a path by month and the month on it.
  check(() => {
    const ps = scenario.travellers.population;
    if (ps === undefined) return;
    const base = ["travellers", "population"];
    check(() => {
      const hasPath = ps.enrolmentPath !== undefined || ps.month !== undefined;
      if (ps.enrolment !== undefined && hasPath) {
        issues.push(issue([...base, "enrolment"], "give `enrolment`, or `enrolmentPath` with `month`, not both", "exactly one way to say the enrolment"));
      } else if (ps.enrolment === undefined && !(ps.enrolmentPath !== undefined && ps.month !== undefined)) {
        issues.push(
          issue(ps.enrolmentPath !== undefined ? [...base, "month"] : [...base, "enrolment"], "the enrolment is missing", "`enrolment: <share>`, or `enrolmentPath: [{ month, enrolment }]` with `month: YYYY-MM`"),
        );
      }
    });
    check(() => {
      const path = ps.enrolmentPath;
      if (path === undefined) return;
      each(path, (p, i) => {
        if (i > 0 && !(p.month > path[i - 1]!.month)) {
          issues.push(issueWithValue([...base, "enrolmentPath", i, "month"], "months must increase", p.month, `a month after ${path[i - 1]!.month}`));
        }
      });
    });
  });

  const combinations = once(() => travellerCombinations(scenario));
  check(() => {
    for (let index = 0; index < scenario.policies.length; index++) check(() => checkFlatPolicy(index));
  });

  function checkFlatPolicy(index: number): void {
    const fp = flatAt(index);
    if (fp === null) return;
    const policy = scenario.policies[fp.policyIndex]!;
    const seenRouteIds = new Map<string, number>();
    // Whether every own route's id is known (else an inherited route's id may be one of them).
    let ownIdsKnown = true;
    for (const { route, policyIndex, routeIndex } of fp.routes) {
      const base: PathSegment[] = ["policies", policyIndex, "routes", routeIndex];
      const read = check(() => {
        if (route.id !== undefined && policyIndex !== fp.policyIndex) {
          const own = seenRouteIds.get(route.id);
          if (own === undefined && !ownIdsKnown) throw new UnknownValueRead([...base, "id"]);
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
      });
      if (!read && policyIndex === fp.policyIndex) ownIdsKnown = false;
      check(() =>
        each(route.steps, (step, s) => {
          const stepPath = [...base, "steps", s];
          check(() => {
            const lanes = step.lanes;
            if (typeof lanes === "string") checkLaneRef(fp, lanes, [...stepPath, "lanes"]);
            else if (lanes !== undefined) each(lanes, (c, k) => checkLaneRef(fp, c.lane, [...stepPath, "lanes", k, "lane"]));
          });
          check(() => {
            if (step.fallback?.lane !== undefined) checkLaneRef(fp, step.fallback.lane, [...stepPath, "fallback", "lane"]);
          });
          check(() => {
            const target = step.fallback?.route;
            if (target === undefined) return;
            const key = JSON.stringify([...stepPath, "fallback", "route", fp.policyIndex]);
            const found = fp.routes.find((r) => r.route.id === target);
            if (found === undefined) {
              if (!reported.has(key)) {
                const routeIds = fp.routes.map((r) => r.route.id).filter((x): x is string => x !== undefined);
                const unknownRoute = issue([...stepPath, "fallback", "route"], `unknown route "${target}" in policy "${policy.id}"`, oneOf(`route ids of policy "${policy.id}"`, target, routeIds));
                reported.add(key);
                issues.push(unknownRoute);
              }
            } else if (found.route === route) {
              issues.push(issue([...stepPath, "fallback", "route"], `route "${target}" falls back to itself`, "another route of the policy"));
            } else if (found.route.steps.some((st) => st.fallback?.route !== undefined)) {
              issues.push(
                issue([...stepPath, "fallback", "route"], `route "${target}" has route fallbacks of its own (fallback routes do not chain)`, "a route whose steps fall back to lanes only"),
              );
            }
          });
        }),
      );
    }
    check(() => {
      const reserves = policy.reserves;
      if (reserves === undefined) return;
      each(reserves, (r, k) => {
        const path: PathSegment[] = ["policies", fp.policyIndex, "reserves", k];
        check(() => {
          if (reserves.findIndex((x) => x.id === r.id) !== k) issues.push(issue([...path, "id"], `duplicate reserve id "${r.id}"`, "a unique reserve id within the policy"));
        });
        check(() => each(r.lanes, (laneId, j) => checkLaneRef(fp, laneId, [...path, "lanes", j])));
        check(() => {
          if (!(r.closeAtWaitMinutes < r.openAtWaitMinutes)) {
            issues.push(issueWithValue([...path, "closeAtWaitMinutes"], "the close threshold must be below the open threshold", r.closeAtWaitMinutes, `less than openAtWaitMinutes (${r.openAtWaitMinutes})`));
          }
        });
      });
    });
    // Officer pools: lanes the policy has, officer-staffed, in one pool at most and in no reserve; ids
    // unique and apart from lane ids (a roster entry names either). Checked per policy (pools are inherited).
    check(() => {
      const pools = inherited(fp.policyIndex, "officerPools");
      if (pools === null) return;
      const reserveLanes = once(() => {
        const byLane = new Map<string, string>();
        for (const r of inherited(fp.policyIndex, "reserves")?.list ?? []) for (const l of r.lanes) byLane.set(l, r.id);
        return byLane;
      });
      const poolOfLane = new Map<string, string>();
      each(pools.list, (pool, k) => {
        const path: PathSegment[] = ["policies", pools.owner, "officerPools", k];
        const mark = (p: PathSegment[], message: string, value: unknown, expected: string) => {
          const key = JSON.stringify(p) + message;
          if (reported.has(key)) return;
          reported.add(key);
          issues.push(issueWithValue(p, message, value, expected));
        };
        check(() => {
          if (pools.list.findIndex((x) => x.id === pool.id) !== k) mark([...path, "id"], `duplicate officer pool id "${pool.id}"`, pool.id, "a unique officer pool id within the policy");
        });
        check(() => {
          if (fp.lanes.some((l) => l.lane.id === pool.id)) mark([...path, "id"], `officer pool id "${pool.id}" is also a lane id of policy "${policy.id}"`, pool.id, "an id no lane of the policy uses (rosters name lanes and pools alike)");
        });
        each(pool.lanes, (laneId, j) => {
          const lp: PathSegment[] = [...path, "lanes", j];
          const lane = fp.lanes.find((l) => l.lane.id === laneId);
          if (lane === undefined) {
            checkLaneRef(fp, laneId, lp);
            return;
          }
          check(() => {
            if (lane.lane.staff === "automated") mark(lp, `lane "${laneId}" is automated: an officer pool shares officers`, laneId, "an officer-staffed lane (`staff: officer`)");
          });
          check(() => {
            const other = poolOfLane.get(laneId);
            if (other !== undefined) mark(lp, `lane "${laneId}" is already in officer pool "${other}"`, laneId, "each lane in at most one officer pool");
            else poolOfLane.set(laneId, pool.id);
          });
          check(() => {
            const reserve = reserveLanes().get(laneId);
            if (reserve !== undefined) mark(lp, `lane "${laneId}" is also a lane of reserve "${reserve}"`, laneId, "a lane in an officer pool or in a reserve, not both");
          });
        });
      });
    });
    check(() => {
      const uncovered = combinations().filter((t) => !fp.routes.some((r) => matches(r.route.when, t)));
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
  }

  // Controls and pledges.
  const controlIds = once(() => idsOf(scenario.controls, (c) => c.id));
  const usedCheckpoints = once(() =>
    collect<Scenario["policies"][number], string>(scenario.policies, (p, add, read) => {
      const items = <T>(list: readonly T[], f: (item: T) => void) => {
        for (let i = 0; i < list.length; i++) read(() => f(list[i]!));
      };
      read(() => items(p.lanes, (l) => add(l.checkpoint)));
      read(() => items(p.routes, (r) => items(r.steps, (st) => add(st.checkpoint))));
    }),
  );
  check(() =>
    each(scenario.controls, (c, i) => {
      check(() => {
        if (allOf(controlIds()).indexOf(c.id) !== i) issues.push(issue(["controls", i, "id"], `duplicate control id "${c.id}"`, "a unique control id"));
      });
      check(() =>
        each(c.checkpoints, (cp, k) => {
          if (!among(usedCheckpoints(), cp)) {
            issues.push(issue(["controls", i, "checkpoints", k], `no lane or step of any policy uses checkpoint "${cp}"`, oneOf("checkpoint labels", cp, [...new Set(allOf(usedCheckpoints()))].sort())));
          }
        }),
      );
    }),
  );
  check(() => {
    const pledgeIds = once(() => scenario.pledges.map((p) => p.id));
    each(scenario.pledges, (p, i) => {
      check(() => {
        if (pledgeIds().indexOf(p.id) !== i) issues.push(issue(["pledges", i, "id"], `duplicate pledge id "${p.id}"`, "a unique pledge id"));
      });
      check(() => {
        if (!among(controlIds(), p.control)) issues.push(issue(["pledges", i, "control"], `unknown control "${p.control}"`, oneOf("control ids", p.control, allOf(controlIds()))));
      });
      check(() =>
        each(p.classes ?? [], (id, k) => {
          if (!among(classIds(), id)) issues.push(issue(["pledges", i, "classes", k], `unknown traveller class "${id}"`, oneOf("class ids", id, allOf(classIds()))));
        }),
      );
    });
  });

  return unknown === undefined ? issues : issues.map((i) => (i.hasValue ? { ...i, value: untracked(i.value) } : i));
}
