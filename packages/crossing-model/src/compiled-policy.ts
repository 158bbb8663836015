import { capacityTimeline, createDistribution, hashString, mix2, type CapacityTimeline, type Distribution } from "@hetao/sim-core";
import { matches, type ResolvedMatch, type ResolvedPolicy, type ResolvedScenario } from "@hetao/scenario";
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
}

export interface CompiledChoice {
  readonly lane: number;
  /** applies[combo] = 1 when the option's `when` matches. */
  readonly applies: Uint8Array;
  readonly share: number;
  readonly drawKey: number;
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
}

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
}

function appliesTable(scenario: ResolvedScenario, when: ResolvedMatch | undefined): Uint8Array {
  const n = comboCount(scenario.travellers.classes.length);
  const t = new Uint8Array(n);
  for (let c = 0; c < n; c++) t[c] = matches(when, comboAttributes(scenario, c)) ? 1 : 0;
  return t;
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
      serviceKey: mix2(hashString(`service:${l.service}`), hashString(l.checkpoint)),
      overheadKey: l.overhead ? mix2(hashString(`overhead:${l.overhead}`), hashString(l.checkpoint)) : 0,
      timeline: capacityTimeline(l.schedule, l.outages),
      priorities: 1,
    };
  });
  const lane = (id: string): CompiledLane => {
    const i = laneIndex.get(id);
    if (i === undefined) throw new Error(`policy ${policy.id}: unknown lane "${id}"`);
    return lanes[i]!;
  };

  const routes: CompiledRoute[] = policy.routes.map((r) => ({
    id: r.id,
    steps: r.steps.map((s): CompiledStep => {
      const cp = checkpointIndex(s.checkpoint);
      const base = {
        checkpoint: cp,
        applies: appliesTable(scenario, s.when),
        probability: s.probability,
        drawKey: hashString(`step:${s.draw}`),
        priority: s.priority,
      };
      if (s.delay !== undefined) {
        return {
          ...base,
          delay: dist(s.delay),
          delayKey: mix2(hashString(`delay:${s.delay}`), hashString(s.checkpoint)),
          choices: [],
          fallbackLane: -1,
          fallbackProbability: 0,
          fallbackKey: 0,
        };
      }
      const choices = s.lanes.map((c) => {
        const l = lane(c.lane);
        l.priorities = Math.max(l.priorities, s.priority + 1);
        return { lane: l.index, applies: appliesTable(scenario, c.when), share: c.share, drawKey: hashString(`choice:${c.draw}`) };
      });
      let fallbackLane = -1;
      if (s.fallback) {
        const f = lane(s.fallback.lane);
        f.priorities = Math.max(f.priorities, s.priority + 1);
        fallbackLane = f.index;
      }
      return {
        ...base,
        delay: null,
        delayKey: 0,
        choices,
        fallbackLane,
        fallbackProbability: s.fallback?.probability ?? 0,
        fallbackKey: s.fallback ? hashString(`fallback:${s.fallback.draw}`) : 0,
      };
    }),
  }));

  const n = comboCount(scenario.travellers.classes.length);
  const routeOf = new Int32Array(n).fill(-1);
  for (let c = 0; c < n; c++) {
    const attrs = comboAttributes(scenario, c);
    routeOf[c] = policy.routes.findIndex((r) => matches(r.when, attrs));
  }
  const itinerary: CompiledStep[][] = [];
  for (let c = 0; c < n; c++) {
    const r = routes[routeOf[c]!];
    itinerary.push(r ? r.steps.filter((st) => st.applies[c] === 1) : []);
  }
  return { id: policy.id, lanes, checkpoints, routes, routeOf, itinerary };
}
