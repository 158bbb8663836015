import {
  type CompiledPolicy,
  type CompiledStep,
  TraceEvent,
  type TraceSink,
  compiledPolicy,
  replicationPopulation,
  simulateReplication,
} from "@hetao/crossing-model";
import { type ExperimentSpec, resolvePoint, sortedPoints } from "@hetao/experiment";
import { ARRIVAL_MODES, DIRECTIONS, GOODS } from "@hetao/scenario";
import { KeyedDraws } from "@hetao/sim-core";
import type { Cell, ColumnDef, Table } from "./table.js";

export interface TraceOptions {
  /** Policy to trace (default: the experiment's baseline). */
  policy?: string;
  /** Design point (default: the first one). */
  point?: number;
  /** Replication index (default 0). */
  replication?: number;
}

/** The trace's column dictionary (see docs/exports.md). */
export const TRACE_COLUMNS: ColumnDef[] = [
  { name: "point", type: "int", unit: "", description: "design point index" },
  { name: "policy", type: "string", unit: "", description: "the traced policy" },
  { name: "replication", type: "int", unit: "", description: "replication index (the same travellers as that replication of the report)" },
  { name: "traveller", type: "int", unit: "", description: "traveller number in the day's arrival order (0-based); identifies the trip within the replication" },
  { name: "person", type: "int", unit: "", description: "the zone's staff member making the trip (scenarios with travellers.population); empty for anonymous trips and shuttle passengers" },
  { name: "tourLeg", type: "int", unit: "", description: "traveller number of the other leg of the person's tour (outbound ↔ return); empty for a one-way trip" },
  { name: "name", type: "string", unit: "", description: "seeded fake name (faker; deterministic per traveller; never used in statistics)" },
  { name: "institution", type: "string", unit: "", description: "seeded fake institution" },
  { name: "class", type: "string", unit: "", description: "traveller class id (scenario travellers.classes)" },
  { name: "direction", type: "string", unit: "", description: "northbound (HK → Shenzhen) or southbound (Shenzhen → HK)" },
  { name: "whitelisted", type: "boolean", unit: "", description: "registered on the whitelist (白名單)" },
  { name: "goods", type: "string", unit: "", description: "carried goods: none, instruments, reagents, biological" },
  { name: "arrivalMode", type: "string", unit: "", description: "walk-in or shuttle" },
  { name: "counted", type: "boolean", unit: "", description: "arrived after the warm-up (counts in the report's statistics)" },
  { name: "route", type: "string", unit: "", description: "id of the policy route the traveller ended on (a fallback route after a reject or audit)" },
  { name: "arrivalTime", type: "double", unit: "s", description: "left the origin park (arrived at the crossing), seconds since midnight" },
  { name: "arrivalClock", type: "string", unit: "HH:MM:SS", description: "arrivalTime as a clock time" },
  { name: "clearedTime", type: "double", unit: "s", description: "reached the destination park (end of the last step), seconds since midnight; empty when still inside at the hard stop" },
  { name: "clearedClock", type: "string", unit: "HH:MM:SS", description: "clearedTime as a clock time" },
  { name: "crossing", type: "double", unit: "s", description: "door-to-door crossing time, clearedTime − arrivalTime; empty when not cleared" },
  { name: "clearance", type: "double", unit: "s", description: "clearance time: first lane joined → last lane left (the walks before and after excluded); empty when not cleared" },
  { name: "visit", type: "int", unit: "", description: "1, 2, … : the traveller's steps in order (empty for a traveller with no step)" },
  { name: "step", type: "string", unit: "", description: "queue (a lane: join, service, depart) or walk (a delay without queue)" },
  { name: "checkpoint", type: "string", unit: "", description: "checkpoint label of the visit" },
  { name: "lane", type: "string", unit: "", description: "lane id (empty for a walk)" },
  { name: "laneKind", type: "string", unit: "", description: "the lane's kind label (e-gate, manual, walk-through, …)" },
  { name: "joinTime", type: "double", unit: "s", description: "joined the lane's line (walk: started walking), seconds since midnight" },
  { name: "joinClock", type: "string", unit: "HH:MM:SS", description: "joinTime as a clock time" },
  { name: "startTime", type: "double", unit: "s", description: "service started (walk: = joinTime); empty when the day ended first" },
  { name: "startClock", type: "string", unit: "HH:MM:SS", description: "startTime as a clock time" },
  { name: "departTime", type: "double", unit: "s", description: "service ended / walk ended; empty when the day ended first" },
  { name: "departClock", type: "string", unit: "HH:MM:SS", description: "departTime as a clock time" },
  { name: "wait", type: "double", unit: "s", description: "startTime − joinTime (0 for a walk)" },
  { name: "service", type: "double", unit: "s", description: "departTime − startTime (service + walk-up overhead; the walk's duration)" },
  { name: "fallback", type: "boolean", unit: "", description: "this visit is a diversion after service at the previous lane (biometric reject, seamless fallback, secondary check after X-ray)" },
  { name: "audit", type: "boolean", unit: "", description: "this visit is a step only a random share of travellers take (random customs check, immigration secondary referral)" },
];

/** Seconds since midnight as HH:MM:SS (floored to the second); null stays null. */
export function clockOf(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds)) return null;
  const s = Math.floor(seconds);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}`;
}

interface Visit {
  traveller: number;
  step: "queue" | "walk";
  checkpoint: number;
  lane: number;
  join: number;
  start: number | null;
  depart: number | null;
  fallback: boolean;
  audit: boolean;
}

/** The step the model takes next from `after` for traveller (combo, seed): mirrors CrossingDay.advance. */
function nextStep(policy: CompiledPolicy, route: number, after: number, combo: number, seed: number): { index: number; step: CompiledStep; lane: number } | null {
  const steps = policy.routes[route]!.steps;
  for (let s = after + 1; s < steps.length; s++) {
    const step = steps[s]!;
    if (step.applies[combo] === 0) continue;
    if (step.probability < 1 && KeyedDraws.uniform(seed, step.drawKey) >= step.probability) continue;
    if (step.delay !== null) return { index: s, step, lane: -1 };
    let lane = -1;
    for (const c of step.choices) {
      if (c.applies[combo] === 0) continue;
      if (c.share < 1 && KeyedDraws.uniform(seed, c.drawKey) >= c.share) continue;
      lane = c.lane;
      break;
    }
    if (lane < 0) continue;
    return { index: s, step, lane };
  }
  return null;
}

/**
 * One replication's per-traveller event log under one policy, in long format: one row per traveller ×
 * visit (queue or walk), travellers in arrival order, visits in order; a traveller without any step
 * gets one row with empty visit columns. Re-simulates exactly the report's (point, replication): the
 * same travellers and the same times. Loads faker (about a second) for the fake names on first use.
 */
export async function traceTable(spec: ExperimentSpec, options: TraceOptions = {}): Promise<Table> {
  const policyId = options.policy ?? spec.baseline;
  const point = options.point ?? sortedPoints(spec)[0]!.index;
  const replication = options.replication ?? 0;
  if (!Number.isInteger(replication) || replication < 0 || replication >= spec.replications) {
    throw new RangeError(`trace replication ${replication} is outside 0..${spec.replications - 1}`);
  }
  const resolved = resolvePoint(spec, point);
  const rp = resolved.policies.find((p) => p.id === policyId);
  if (rp === undefined) {
    throw new RangeError(`cannot trace unknown policy "${policyId}" (the scenario has: ${resolved.policies.map((p) => p.id).join(", ")})`);
  }
  const policy = compiledPolicy(resolved, policyId);
  const pop = replicationPopulation(resolved, { seed: spec.seed, point, replication });
  const n = pop.size;

  const visits: Visit[] = [];
  const open = new Int32Array(n).fill(-1); // index of the traveller's visit in progress
  const walking = new Int32Array(n).fill(-1); // index of a walk whose end is the traveller's next event
  const cursor = new Int32Array(n).fill(-1); // index of the route step last taken
  const pendingFallback = new Uint8Array(n);
  const cleared = new Float64Array(n).fill(Number.NaN);
  const current = new Int32Array(n).fill(-2); // route now followed (-2: the first match)
  const routeOf = (t: number) => (current[t]! >= -1 ? current[t]! : policy.routeOf[pop.combo[t]!]!);

  const closeWalk = (t: number, time: number) => {
    const w = walking[t]!;
    if (w >= 0) {
      visits[w]!.depart = time;
      walking[t] = -1;
    }
  };
  const sink: TraceSink = {
    event(time, event, t, lane, checkpoint) {
      switch (event) {
        case TraceEvent.Arrive:
          return;
        case TraceEvent.Walk: {
          closeWalk(t, time);
          const next = nextStep(policy, routeOf(t), cursor[t]!, pop.combo[t]!, pop.seed[t]!);
          if (next !== null && next.step.delay !== null) cursor[t] = next.index;
          walking[t] = visits.length;
          visits.push({ traveller: t, step: "walk", checkpoint, lane: -1, join: time, start: time, depart: null, fallback: false, audit: next !== null && next.step.probability < 1 });
          return;
        }
        case TraceEvent.Join: {
          closeWalk(t, time);
          const fallback = pendingFallback[t] === 1;
          pendingFallback[t] = 0;
          let audit = false;
          if (!fallback) {
            const next = nextStep(policy, routeOf(t), cursor[t]!, pop.combo[t]!, pop.seed[t]!);
            if (next !== null && next.lane === lane) {
              cursor[t] = next.index;
              audit = next.step.probability < 1;
            }
          }
          open[t] = visits.length;
          visits.push({ traveller: t, step: "queue", checkpoint, lane, join: time, start: null, depart: null, fallback, audit });
          return;
        }
        case TraceEvent.Start: {
          const v = visits[open[t]!];
          if (v !== undefined) v.start = time;
          return;
        }
        case TraceEvent.Depart: {
          const v = visits[open[t]!];
          if (v !== undefined) v.depart = time;
          return;
        }
        case TraceEvent.Fallback:
          pendingFallback[t] = 1;
          return;
        case TraceEvent.Clear:
          closeWalk(t, time);
          cleared[t] = time;
          return;
        case TraceEvent.Reroute:
          current[t] = lane;
          cursor[t] = -1;
          return;
      }
    },
  };
  simulateReplication(resolved, { seed: spec.seed, point, replication, policies: [policyId], trace: { policy: policyId, sink } });

  // Group visits by traveller, keeping their order.
  const byTraveller: number[][] = Array.from({ length: n }, () => []);
  visits.forEach((v, i) => byTraveller[v.traveller]!.push(i));

  /** First lane joined → last lane left, over the traveller's queue visits (0 when it visited none). */
  const clearanceOf = (mine: readonly number[]): number => {
    let first = Number.NaN;
    let last = Number.NaN;
    for (const i of mine) {
      const v = visits[i]!;
      if (v.step !== "queue") continue;
      if (Number.isNaN(first)) first = v.join;
      if (v.depart !== null) last = v.depart;
    }
    return Number.isNaN(first) || Number.isNaN(last) ? 0 : last - first;
  };
  const { travellerIdentity } = await import("@hetao/crossing-model/identity");
  const classes = resolved.travellers.classes;
  const laneKind = new Map(rp.lanes.map((l) => [l.id, l.kind ?? null]));
  const rows: Cell[][] = [];
  for (let t = 0; t < n; t++) {
    const cls = classes[pop.classIndex[t]!]!.id;
    const identity = travellerIdentity(pop.seed[t]!, cls);
    const arrival = pop.arrivalTime[t]!;
    const clearedAt = Number.isNaN(cleared[t]!) ? null : cleared[t]!;
    const route = routeOf(t);
    const head: Cell[] = [
      point,
      policyId,
      replication,
      t,
      pop.person[t]! >= 0 ? pop.person[t]! : null,
      pop.tourLeg[t]! >= 0 ? pop.tourLeg[t]! : null,
      identity.name,
      identity.institution,
      cls,
      DIRECTIONS[pop.direction[t]!]!,
      pop.whitelisted[t] === 1,
      GOODS[pop.goods[t]!]!,
      ARRIVAL_MODES[pop.arrival[t]!]!,
      pop.counted[t] === 1,
      route >= 0 ? (policy.routes[route]!.id ?? null) : null,
      arrival,
      clockOf(arrival),
      clearedAt,
      clockOf(clearedAt),
      clearedAt === null ? null : clearedAt - arrival,
      clearedAt === null ? null : clearanceOf(byTraveller[t]!),
    ];
    const mine = byTraveller[t]!;
    if (mine.length === 0) {
      rows.push([...head, ...new Array<Cell>(14).fill(null)]);
      continue;
    }
    mine.forEach((vi, k) => {
      const v = visits[vi]!;
      const laneId = v.lane >= 0 ? policy.lanes[v.lane]!.id : null;
      rows.push([
        ...head,
        k + 1,
        v.step,
        v.checkpoint >= 0 ? policy.checkpoints[v.checkpoint]! : null,
        laneId,
        laneId === null ? null : (laneKind.get(laneId) ?? null),
        v.join,
        clockOf(v.join),
        v.start,
        clockOf(v.start),
        v.depart,
        clockOf(v.depart),
        v.start === null ? null : v.start - v.join,
        v.start === null || v.depart === null ? null : v.depart - v.start,
        v.fallback,
        v.audit,
      ]);
    });
  }
  return { columns: TRACE_COLUMNS, rows };
}
