import { capacityTimeline, createDistribution, hashString, mix2, type CapacityTimeline, type Distribution } from "@hetao/sim-core";
import { DIRECTIONS, matches, type ResolvedMatch, type ResolvedPolicy, type ResolvedScenario } from "@hetao/scenario";
import { comboAttributes, comboCount } from "./traveller.js";

/** A lane (通道): a server pool at a checkpoint, ready to simulate. */
export interface CompiledLane {
  readonly id: string;
  readonly index: number;
  readonly checkpoint: number;
  readonly service: Distribution;
  readonly overhead: Distribution | null;
  /** Draw keys: service variates are keyed by (distribution, checkpoint), so a traveller's service time at a given kind of control is the same under every policy. */
  readonly serviceKey: number;
  readonly overheadKey: number;
  readonly timeline: CapacityTimeline;
  /** Highest step priority routed here, plus one: the number of priority classes of its pool. */
  priorities: number;
  /** Waiting travellers are diverted when the lane closes (`onClose: divert`). */
  readonly divertOnClose: boolean;
  /** Automated lane (gate-hours), not officer-operated (officer-hours). */
  readonly automated: boolean;
  /** Mean service plus overhead (seconds): the expected-wait estimate of lane choice and reserves. */
  readonly meanService: number;
  /** Index of the reserve that can open servers here, or -1. */
  reserve: number;
  /** Index of the officer pool whose officers serve here, or -1 (then `timeline` is the lane's desks). */
  officerPool: number;
  /** Bit g set when the lane belongs to named control g (at most 32 controls). */
  controlMask: number;
}

/** Reserve officers (dynamic staffing) compiled to lane indices and seconds. */
export interface CompiledReserve {
  readonly id: string;
  readonly officers: number;
  readonly lanes: Int32Array;
  readonly openAt: number;
  readonly closeAt: number;
  readonly minOpen: number;
}

/** Officers shared between lanes: their lanes and their count over the day. */
export interface CompiledOfficerPool {
  readonly id: string;
  readonly lanes: Int32Array;
  /** The pool's officers: its roster entry, else the sum of its lanes' servers; at most its `officers`. */
  readonly timeline: CapacityTimeline;
}

/** Sum of step functions, capped: a step at every change of any of them. */
function summedTimeline(timelines: readonly CapacityTimeline[], cap: number): CapacityTimeline {
  const points = [...new Set(timelines.flatMap((tl) => [...tl.times]))].sort((a, b) => a - b);
  const at = (tl: CapacityTimeline, t: number) => {
    let n = 0;
    for (let k = 0; k < tl.times.length && tl.times[k]! <= t; k++) n = tl.servers[k]!;
    return n;
  };
  const times: number[] = [];
  const servers: number[] = [];
  for (const t of points) {
    const n = Math.min(cap, timelines.reduce((a, tl) => a + at(tl, t), 0));
    if (servers.length === 0 || servers[servers.length - 1] !== n) {
      times.push(t);
      servers.push(n);
    }
  }
  return { times: Float64Array.from(times), servers: Int32Array.from(servers) };
}

/** A pledge compiled against one policy's checkpoints. */
export interface CompiledPledge {
  readonly id: string;
  /** Index into the policy's controls. */
  readonly control: number;
  readonly queueOnly: boolean;
  /** applies[class] = 1 when the pledge covers the class. */
  readonly classes: Uint8Array;
  /** applies[direction] = 1 when the pledge covers the direction. */
  readonly directions: Uint8Array;
  readonly threshold: number;
}

/**
 * A named control (group of checkpoints) compiled to this policy's accumulator slots: slot
 * 2 × checkpoint + 1 for automated lanes, 2 × checkpoint for officer lanes.
 */
export interface CompiledControl {
  readonly id: string;
  readonly slots: Int32Array;
  /** Bit mask of `slots` (those below 32), to test a traveller's visits at once. */
  readonly mask: number;
}

export interface CompiledChoice {
  readonly lane: number;
  /** applies[combo] = 1 when the option's `when` matches. */
  readonly applies: Uint8Array;
  readonly share: number;
  readonly drawKey: number;
  /** The option's own transaction time (null: the step's, else the lane's) and its draw key. */
  readonly service: Distribution | null;
  readonly serviceKey: number;
}

export interface CompiledStep {
  readonly checkpoint: number;
  readonly applies: Uint8Array;
  readonly probability: number;
  readonly drawKey: number;
  readonly priority: number;
  /** Delay step: the walk's distribution and draw key; null for a queue step. */
  readonly delay: Distribution | null;
  readonly delayKey: number;
  readonly choices: readonly CompiledChoice[];
  /** Fallback lane index, or -1. */
  readonly fallbackLane: number;
  readonly fallbackProbability: number;
  readonly fallbackKey: number;
  /** Fallback route index (continue along that route), or -1. */
  readonly fallbackRoute: number;
  /** 0 = share, 1 = shortest-queue, 2 = least-expected-wait. */
  readonly choose: number;
  /** The step's own transaction time at whichever lane it joins (null: the lane's), and its draw key (keyed like a lane's). */
  readonly service: Distribution | null;
  readonly serviceKey: number;
  /** Transaction time at the fallback lane (null: the lane's own). */
  readonly fallbackService: Distribution | null;
  readonly fallbackServiceKey: number;
}

export const CHOOSE_SHARE = 0;
export const CHOOSE_SHORTEST_QUEUE = 1;
export const CHOOSE_LEAST_EXPECTED_WAIT = 2;

export interface CompiledRoute {
  readonly id: string;
  readonly steps: readonly CompiledStep[];
}

/**
 * A clearance policy (通關政策) compiled from its scenario description into
 * integer-indexed tables: which route each attribute combination takes, which
 * steps and lane options apply to it, and the lanes' distributions and
 * capacity timelines. Policies are data; this is the only place that reads
 * them, once per replication.
 */
export interface CompiledPolicy {
  readonly id: string;
  readonly lanes: readonly CompiledLane[];
  /** Checkpoint labels in first-use order of the policy's lanes and steps. */
  readonly checkpoints: readonly string[];
  readonly routes: readonly CompiledRoute[];
  /** routeOf[combo] = route index, or -1 when no route matches (rejected by validation). */
  readonly routeOf: Int32Array;
  /** itinerary[combo] = the steps of that combination's route whose `when` matches it, in order. */
  readonly itinerary: readonly (readonly CompiledStep[])[];
  /** routeItinerary[route][combo]: the same for any route (fallback routes). */
  readonly routeItinerary: readonly (readonly (readonly CompiledStep[])[])[];
  /** checkpointHasLane[cp] = 1 for real controls (not walks). */
  readonly checkpointHasLane: Uint8Array;
  readonly reserves: readonly CompiledReserve[];
  readonly officerPools: readonly CompiledOfficerPool[];
  readonly controls: readonly CompiledControl[];
  readonly pledges: readonly CompiledPledge[];
}

/** Service variates are keyed by (distribution, checkpoint): the same kind of check at the same control gives a traveller the same time under every policy. */
function serviceKeyOf(distribution: string, checkpoint: string): number {
  return mix2(hashString(`service:${distribution}`), hashString(checkpoint));
}

function appliesTable(scenario: ResolvedScenario, when: ResolvedMatch | undefined): Uint8Array {
  const n = comboCount(scenario.travellers.classes.length);
  const t = new Uint8Array(n);
  for (let c = 0; c < n; c++) t[c] = matches(when, comboAttributes(scenario, c)) ? 1 : 0;
  return t;
}

/**
 * A step as one object literal with every field in a fixed order, so that all steps share one hidden
 * class: the simulator reads step fields on every event, and objects built by spreading a common base
 * each got a map of their own (megamorphic loads).
 */
function step(s: CompiledStep): CompiledStep {
  return {
    checkpoint: s.checkpoint,
    applies: s.applies,
    probability: s.probability,
    drawKey: s.drawKey,
    priority: s.priority,
    delay: s.delay,
    delayKey: s.delayKey,
    choices: s.choices,
    fallbackLane: s.fallbackLane,
    fallbackProbability: s.fallbackProbability,
    fallbackKey: s.fallbackKey,
    fallbackRoute: s.fallbackRoute,
    choose: s.choose,
    service: s.service,
    serviceKey: s.serviceKey,
    fallbackService: s.fallbackService,
    fallbackServiceKey: s.fallbackServiceKey,
  };
}

export function compilePolicy(scenario: ResolvedScenario, policy: ResolvedPolicy): CompiledPolicy {
  const distributions = new Map<string, Distribution>();
  const dist = (name: string): Distribution => {
    let d = distributions.get(name);
    if (!d) {
      const spec = scenario.distributions[name];
      if (!spec) throw new Error(`policy ${policy.id}: unknown distribution "${name}"`);
      d = createDistribution(spec);
      distributions.set(name, d);
    }
    return d;
  };
  const checkpoints: string[] = [];
  const checkpointIndex = (label: string): number => {
    let i = checkpoints.indexOf(label);
    if (i < 0) i = checkpoints.push(label) - 1;
    return i;
  };
  const laneIndex = new Map<string, number>();
  const lanes: CompiledLane[] = policy.lanes.map((l, index) => {
    laneIndex.set(l.id, index);
    const cp = checkpointIndex(l.checkpoint);
    return {
      id: l.id,
      index,
      checkpoint: cp,
      service: dist(l.service),
      overhead: l.overhead ? dist(l.overhead) : null,
      serviceKey: serviceKeyOf(l.service, l.checkpoint),
      overheadKey: l.overhead ? mix2(hashString(`overhead:${l.overhead}`), hashString(l.checkpoint)) : 0,
      timeline: capacityTimeline(l.schedule, l.outages),
      priorities: 1,
      divertOnClose: l.onClose === "divert",
      automated: l.staff === "automated",
      meanService: dist(l.service).mean + (l.overhead ? dist(l.overhead).mean : 0),
      reserve: -1,
      officerPool: -1,
      controlMask: 0,
    };
  });
  const lane = (id: string): CompiledLane => {
    const i = laneIndex.get(id);
    if (i === undefined) throw new Error(`policy ${policy.id}: unknown lane "${id}"`);
    return lanes[i]!;
  };

  const routeIndex = (id: string): number => {
    const i = policy.routes.findIndex((r) => r.id === id);
    if (i < 0) throw new Error(`policy ${policy.id}: unknown route "${id}"`);
    return i;
  };
  const routes: CompiledRoute[] = policy.routes.map((r) => ({
    id: r.id,
    steps: r.steps.map((s): CompiledStep => {
      const cp = checkpointIndex(s.checkpoint);
      const applies = appliesTable(scenario, s.when);
      const drawKey = hashString(`step:${s.draw}`);
      if (s.delay !== undefined) {
        return step({
          checkpoint: cp,
          applies,
          probability: s.probability,
          drawKey,
          priority: s.priority,
          delay: dist(s.delay),
          delayKey: mix2(hashString(`delay:${s.delay}`), hashString(s.checkpoint)),
          choices: [],
          fallbackLane: -1,
          fallbackProbability: 0,
          fallbackKey: 0,
          fallbackRoute: -1,
          choose: CHOOSE_SHARE,
          service: null,
          serviceKey: 0,
          fallbackService: null,
          fallbackServiceKey: 0,
        });
      }
      const choices = s.lanes.map((c) => {
        const l = lane(c.lane);
        l.priorities = Math.max(l.priorities, s.priority + 1);
        return {
          lane: l.index,
          applies: appliesTable(scenario, c.when),
          share: c.share,
          drawKey: hashString(`choice:${c.draw}`),
          service: c.service !== undefined ? dist(c.service) : null,
          serviceKey: c.service !== undefined ? serviceKeyOf(c.service, s.checkpoint) : 0,
        };
      });
      let fallbackLane = -1;
      let fallbackRoute = -1;
      if (s.fallback?.route !== undefined) fallbackRoute = routeIndex(s.fallback.route);
      if (s.fallback?.lane !== undefined) {
        const f = lane(s.fallback.lane);
        f.priorities = Math.max(f.priorities, s.priority + 1);
        fallbackLane = f.index;
      }
      return step({
        checkpoint: cp,
        applies,
        probability: s.probability,
        drawKey,
        priority: s.priority,
        delay: null,
        delayKey: 0,
        choices,
        fallbackLane,
        fallbackProbability: s.fallback?.probability ?? 0,
        fallbackKey: s.fallback ? hashString(`fallback:${s.fallback.draw}`) : 0,
        fallbackRoute,
        choose: s.choose === "shortest-queue" ? CHOOSE_SHORTEST_QUEUE : s.choose === "least-expected-wait" ? CHOOSE_LEAST_EXPECTED_WAIT : CHOOSE_SHARE,
        service: s.service !== undefined ? dist(s.service) : null,
        serviceKey: s.service !== undefined ? serviceKeyOf(s.service, s.checkpoint) : 0,
        fallbackService: s.fallback?.service !== undefined ? dist(s.fallback.service) : null,
        fallbackServiceKey: s.fallback?.service !== undefined ? serviceKeyOf(s.fallback.service, s.checkpoint) : 0,
      });
    }),
  }));

  const n = comboCount(scenario.travellers.classes.length);
  const routeOf = new Int32Array(n).fill(-1);
  for (let c = 0; c < n; c++) {
    const attrs = comboAttributes(scenario, c);
    routeOf[c] = policy.routes.findIndex((r) => matches(r.when, attrs));
  }
  const routeItinerary = routes.map((r) => {
    const byCombo: CompiledStep[][] = [];
    for (let c = 0; c < n; c++) byCombo.push(r.steps.filter((st) => st.applies[c] === 1));
    return byCombo;
  });
  const itinerary: (readonly CompiledStep[])[] = [];
  for (let c = 0; c < n; c++) itinerary.push(routeOf[c]! >= 0 ? routeItinerary[routeOf[c]!]![c]! : []);

  const reserves: CompiledReserve[] = policy.reserves.map((r, k) => {
    const idx = Int32Array.from(r.lanes.map((id) => lane(id).index));
    for (const i of idx) lanes[i]!.reserve = k;
    return { id: r.id, officers: r.officers, lanes: idx, openAt: r.openAt, closeAt: r.closeAt, minOpen: r.minOpen };
  });
  const officerPools: CompiledOfficerPool[] = policy.officerPools.map((p, k) => {
    const idx = Int32Array.from(p.lanes.map((id) => lane(id).index));
    for (const i of idx) lanes[i]!.officerPool = k;
    const cap = p.officers ?? Number.MAX_SAFE_INTEGER;
    const timeline =
      p.schedule !== null
        ? summedTimeline([capacityTimeline(p.schedule)], cap)
        : summedTimeline(Array.from(idx, (i) => lanes[i]!.timeline), cap);
    return { id: p.id, lanes: idx, timeline };
  });
  const hasLane = new Uint8Array(checkpoints.length);
  for (const l of lanes) hasLane[l.checkpoint] = 1;
  const controls: CompiledControl[] = scenario.controls.map((c) => {
    const slots = Int32Array.from(
      c.checkpoints
        .map((label) => checkpoints.indexOf(label))
        .filter((i) => i >= 0 && hasLane[i] === 1)
        .flatMap((i) => (c.staff === "any" ? [2 * i, 2 * i + 1] : c.staff === "automated" ? [2 * i + 1] : [2 * i])),
    );
    let mask = 0;
    for (const k of slots) if (k < 32) mask |= 1 << k;
    return { id: c.id, slots, mask };
  });
  if (controls.length > 32) throw new Error(`policy ${policy.id}: at most 32 controls are supported, the scenario has ${controls.length}`);
  controls.forEach((c, g) => {
    for (const l of lanes) if (c.slots.includes(2 * l.checkpoint + (l.automated ? 1 : 0))) l.controlMask |= 1 << g;
  });
  const classIds = scenario.travellers.classes.map((c) => c.id);
  const pledges: CompiledPledge[] = scenario.pledges.map((p) => ({
    id: p.id,
    control: scenario.controls.findIndex((c) => c.id === p.control),
    queueOnly: p.measure === "queue",
    classes: Uint8Array.from(classIds.map((id) => (p.classes === null || p.classes.includes(id) ? 1 : 0))),
    directions: Uint8Array.from(DIRECTIONS.map((d) => (p.directions === null || p.directions.includes(d) ? 1 : 0))),
    threshold: p.thresholdSeconds,
  }));
  return { id: policy.id, lanes, checkpoints, routes, routeOf, itinerary, routeItinerary, checkpointHasLane: hasLane, reserves, officerPools, controls, pledges };
}
