import { Environment, KeyedDraws, ServerPool, type EventHandler } from "@hetao/sim-core";
import { LogHistogram } from "@hetao/stats";
import { DIRECTIONS, type ResolvedScenario } from "@hetao/scenario";
import type { CompiledPolicy, CompiledStep } from "./compiled-policy.js";
import type { Population } from "./population.js";
import type { CheckpointResult, GroupResult, LaneResult, PolicyDayResult } from "./replication-result.js";
import { TraceEvent, type TraceSink } from "./trace.js";

/**
 * Histogram settings of every result: quantiles within 1% relative error,
 * from 0.01 s (below that a wait counts as zero) to about 55 hours.
 */
export const HISTOGRAM_OPTIONS = { relativeAccuracy: 0.01, minTrackable: 0.01, maxTrackable: 2e5 } as const;
const HOURS = 24;
const FIFTEEN_MINUTES = 900;
const THIRTY_MINUTES = 1800;

const EV_ARRIVAL = 0;
const EV_SERVICE_END = 1;
const EV_DELAY_END = 2;
const EV_CAPACITY = 3;

const PHASE_MAIN = 0;
const PHASE_FALLBACK = 1;

class GroupAccumulator {
  arrived = 0;
  cleared = 0;
  within15 = 0;
  within30 = 0;
  readonly clearance = new LogHistogram(HISTOGRAM_OPTIONS);
  readonly wait = new LogHistogram(HISTOGRAM_OPTIONS);
  toJSON(): GroupResult {
    return {
      arrived: this.arrived,
      cleared: this.cleared,
      within15: this.within15,
      within30: this.within30,
      clearance: this.clearance.toJSON(),
      wait: this.wait.toJSON(),
    };
  }
}

function hourOf(t: number): number {
  const h = Math.floor(t / 3600);
  return h < 0 ? 0 : h >= HOURS ? HOURS - 1 : h;
}

/**
 * One operating day under one clearance policy: the Hetao crossing as a
 * network of lanes. Each traveller follows the first route its attributes
 * match; at each step it joins the first applicable lane option, is served
 * (service + overhead), may be diverted to a fallback lane, then moves on.
 * Clearance time runs from arrival at the first control to leaving the last.
 *
 * All per-traveller state lives in typed arrays indexed by traveller; events
 * carry (traveller, lane) integers; nothing is allocated per event.
 */
export class CrossingDay implements EventHandler {
  private readonly env = new Environment(256);
  private readonly draws = new KeyedDraws();
  private readonly pools: ServerPool[];
  private readonly stepOf: Int32Array;
  private readonly phase: Uint8Array;
  private readonly joinedAt: Float64Array;
  private readonly waited: Float64Array;
  /** 0 = not yet arrived, 1 = inside the controls, 2 = cleared. */
  private readonly status: Uint8Array;

  private arrived = 0;
  private cleared = 0;
  private fallbacks = 0;
  private readonly byClass: GroupAccumulator[];
  private readonly byDirection: GroupAccumulator[];
  private readonly checkpointWait: LogHistogram[];
  private readonly checkpointVisits: Int32Array;
  private readonly hourlyArrivals = new Int32Array(HOURS);
  private readonly hourlyCleared = new Int32Array(HOURS);
  private readonly hourlyClearance: LogHistogram[];

  constructor(
    private readonly scenario: ResolvedScenario,
    private readonly policy: CompiledPolicy,
    private readonly pop: Population,
    private readonly trace: TraceSink | null = null,
  ) {
    this.pools = policy.lanes.map(
      (l) => new ServerPool({ priorities: l.priorities, servers: 0, binStart: 0, binWidth: 3600, binCount: HOURS }),
    );
    const n = pop.size;
    this.stepOf = new Int32Array(n);
    this.phase = new Uint8Array(n);
    this.joinedAt = new Float64Array(n);
    this.waited = new Float64Array(n);
    this.status = new Uint8Array(n);
    this.byClass = scenario.travellers.classes.map(() => new GroupAccumulator());
    this.byDirection = DIRECTIONS.map(() => new GroupAccumulator());
    this.checkpointWait = policy.checkpoints.map(() => new LogHistogram(HISTOGRAM_OPTIONS));
    this.checkpointVisits = new Int32Array(policy.checkpoints.length);
    this.hourlyClearance = Array.from({ length: HOURS }, () => new LogHistogram(HISTOGRAM_OPTIONS));
  }

  /** Kernel events processed. */
  get events(): number {
    return this.env.processed;
  }

  /** Simulate the day and return its compact result. */
  run(): PolicyDayResult {
    const env = this.env;
    this.policy.lanes.forEach((lane, i) => {
      const tl = lane.timeline;
      this.pools[i]!.setServers(tl.servers[0]!, 0);
      for (let k = 1; k < tl.times.length; k++) env.at(tl.times[k]!, EV_CAPACITY, i, k);
    });
    if (this.pop.size > 0) env.at(this.pop.arrivalTime[0]!, EV_ARRIVAL, 0);
    env.run(this, this.scenario.day.end);
    return this.result();
  }

  handle(kind: number, a: number, b: number, now: number): void {
    switch (kind) {
      case EV_ARRIVAL:
        this.onArrival(a, now);
        break;
      case EV_SERVICE_END:
        this.onServiceEnd(a, b, now);
        break;
      case EV_DELAY_END:
        this.advance(a, now);
        break;
      case EV_CAPACITY:
        this.onCapacity(a, b, now);
        break;
      default:
        throw new Error(`CrossingDay: unknown event kind ${kind}`);
    }
  }

  private onArrival(t: number, now: number): void {
    const pop = this.pop;
    // Chain arrivals: only the next one is ever on the calendar.
    const next = t + 1;
    if (next < pop.size) this.env.at(pop.arrivalTime[next]!, EV_ARRIVAL, next);
    this.status[t] = 1;
    if (pop.counted[t] === 1) {
      this.arrived++;
      this.byClass[pop.classIndex[t]!]!.arrived++;
      this.byDirection[pop.direction[t]!]!.arrived++;
      this.hourlyArrivals[hourOf(now)]!++;
    }
    this.trace?.event(now, TraceEvent.Arrive, t, -1, -1);
    this.stepOf[t] = -1;
    this.waited[t] = 0;
    this.advance(t, now);
  }

  /** Move traveller t to its next applicable step, or clear it. */
  private advance(t: number, now: number): void {
    const pop = this.pop;
    const combo = pop.combo[t]!;
    // The traveller's itinerary: the steps of its route whose `when` it matches, precompiled per
    // attribute combination, so the loop touches only steps that can apply.
    const plan = this.policy.itinerary[combo]!;
    if (plan.length === 0 && this.policy.routeOf[combo]! < 0) {
      throw new Error(`policy ${this.policy.id}: traveller ${t} matches no route`);
    }
    const seed = pop.seed[t]!;
    for (let s = this.stepOf[t]! + 1; s < plan.length; s++) {
      const step = plan[s]!;
      if (step.probability < 1 && KeyedDraws.uniform(seed, step.drawKey) >= step.probability) continue;
      this.stepOf[t] = s;
      if (step.delay !== null) {
        this.trace?.event(now, TraceEvent.Walk, t, -1, step.checkpoint);
        this.env.at(now + step.delay.sample(this.draws.select(seed, step.delayKey)), EV_DELAY_END, t);
        return;
      }
      const lane = this.chooseLane(step, combo, seed);
      if (lane < 0) continue;
      this.phase[t] = PHASE_MAIN;
      this.join(t, lane, step.priority, now);
      return;
    }
    this.stepOf[t] = plan.length;
    this.onCleared(t, now);
  }

  private chooseLane(step: CompiledStep, combo: number, seed: number): number {
    const choices = step.choices;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i]!;
      if (c.applies[combo] === 0) continue;
      if (c.share < 1 && KeyedDraws.uniform(seed, c.drawKey) >= c.share) continue;
      return c.lane;
    }
    return -1;
  }

  private join(t: number, lane: number, priority: number, now: number): void {
    this.joinedAt[t] = now;
    this.trace?.event(now, TraceEvent.Join, t, lane, this.policy.lanes[lane]!.checkpoint);
    if (this.pools[lane]!.arrive(t, priority, now)) this.startService(t, lane, now);
  }

  private startService(t: number, laneIndex: number, now: number): void {
    const lane = this.policy.lanes[laneIndex]!;
    const w = now - this.joinedAt[t]!;
    this.waited[t]! += w;
    if (this.pop.counted[t] === 1) {
      this.checkpointWait[lane.checkpoint]!.record(w);
      this.checkpointVisits[lane.checkpoint]!++;
    }
    this.trace?.event(now, TraceEvent.Start, t, laneIndex, lane.checkpoint);
    const seed = this.pop.seed[t]!;
    let service = lane.service.sample(this.draws.select(seed, lane.serviceKey));
    if (lane.overhead !== null) service += lane.overhead.sample(this.draws.select(seed, lane.overheadKey));
    this.env.at(now + service, EV_SERVICE_END, t, laneIndex);
  }

  private onServiceEnd(t: number, laneIndex: number, now: number): void {
    const pool = this.pools[laneIndex]!;
    pool.depart(now);
    this.trace?.event(now, TraceEvent.Depart, t, laneIndex, this.policy.lanes[laneIndex]!.checkpoint);
    while (pool.canStart()) this.startService(pool.startNext(now), laneIndex, now);

    if (this.phase[t] === PHASE_MAIN) {
      const step = this.policy.itinerary[this.pop.combo[t]!]![this.stepOf[t]!]!;
      if (
        step.fallbackLane >= 0 &&
        step.fallbackLane !== laneIndex &&
        KeyedDraws.uniform(this.pop.seed[t]!, step.fallbackKey) < step.fallbackProbability
      ) {
        this.phase[t] = PHASE_FALLBACK;
        if (this.pop.counted[t] === 1) this.fallbacks++;
        this.trace?.event(now, TraceEvent.Fallback, t, step.fallbackLane, this.policy.lanes[step.fallbackLane]!.checkpoint);
        this.join(t, step.fallbackLane, step.priority, now);
        return;
      }
    }
    this.advance(t, now);
  }

  private onCapacity(laneIndex: number, change: number, now: number): void {
    const pool = this.pools[laneIndex]!;
    pool.setServers(this.policy.lanes[laneIndex]!.timeline.servers[change]!, now);
    while (pool.canStart()) this.startService(pool.startNext(now), laneIndex, now);
  }

  private onCleared(t: number, now: number): void {
    this.trace?.event(now, TraceEvent.Clear, t, -1, -1);
    this.status[t] = 2;
    const pop = this.pop;
    if (pop.counted[t] !== 1) return;
    const c = now - pop.arrivalTime[t]!;
    const w = this.waited[t]!;
    this.cleared++;
    this.hourlyCleared[hourOf(now)]!++;
    this.hourlyClearance[hourOf(pop.arrivalTime[t]!)]!.record(c);
    const g1 = this.byClass[pop.classIndex[t]!]!;
    const g2 = this.byDirection[pop.direction[t]!]!;
    g1.cleared++;
    g2.cleared++;
    g1.clearance.record(c);
    g2.clearance.record(c);
    g1.wait.record(w);
    g2.wait.record(w);
    if (c <= FIFTEEN_MINUTES) {
      g1.within15++;
      g2.within15++;
    }
    if (c <= THIRTY_MINUTES) {
      g1.within30++;
      g2.within30++;
    }
  }

  private result(): PolicyDayResult {
    const end = this.scenario.day.end;
    const lanes: Record<string, LaneResult> = {};
    const cpQueue = this.policy.checkpoints.map(() => new Float64Array(HOURS));
    const cpMax = new Int32Array(this.policy.checkpoints.length);
    this.policy.lanes.forEach((lane, i) => {
      const pool = this.pools[i]!;
      pool.advance(end);
      const hq: number[] = [];
      const hu: number[] = [];
      for (let h = 0; h < HOURS; h++) {
        hq.push(pool.binQueueArea[h]! / 3600);
        const open = pool.binServerArea[h]!;
        hu.push(open > 0 ? pool.binBusyArea[h]! / open : 0);
        cpQueue[lane.checkpoint]![h]! += pool.binQueueArea[h]! / 3600;
      }
      if (pool.maxQueue > cpMax[lane.checkpoint]!) cpMax[lane.checkpoint] = pool.maxQueue;
      lanes[lane.id] = {
        checkpoint: this.policy.checkpoints[lane.checkpoint]!,
        served: pool.started,
        utilisation: pool.utilisation(),
        maxQueue: pool.maxQueue,
        hourlyQueue: hq,
        hourlyUtilisation: hu,
      };
    });
    const checkpoints: Record<string, CheckpointResult> = {};
    this.policy.checkpoints.forEach((label, i) => {
      checkpoints[label] = {
        visits: this.checkpointVisits[i]!,
        wait: this.checkpointWait[i]!.toJSON(),
        hourlyQueue: Array.from(cpQueue[i]!),
        maxQueue: cpMax[i]!,
      };
    });
    const byClass: Record<string, GroupResult> = {};
    this.scenario.travellers.classes.forEach((c, i) => (byClass[c.id] = this.byClass[i]!.toJSON()));
    const byDirection: Record<string, GroupResult> = {};
    DIRECTIONS.forEach((d, i) => (byDirection[d] = this.byDirection[i]!.toJSON()));

    let within15 = 0;
    let within30 = 0;
    for (const g of this.byDirection) {
      within15 += g.within15;
      within30 += g.within30;
    }
    let peak = 0;
    for (let h = 0; h < HOURS; h++) if (this.hourlyCleared[h]! > peak) peak = this.hourlyCleared[h]!;
    // The overall distributions are the merge of the two directions: one
    // histogram update per traveller fewer in the hot path.
    const clearance = new LogHistogram(HISTOGRAM_OPTIONS);
    const wait = new LogHistogram(HISTOGRAM_OPTIONS);
    for (const g of this.byDirection) {
      clearance.merge(g.clearance);
      wait.merge(g.wait);
    }
    const arrived = this.arrived;
    // Counted independently of the arrival and clearance tallies, so that
    // conservation (arrived = cleared + in system) is a real check.
    let inSystem = 0;
    for (let t = 0; t < this.pop.size; t++) if (this.pop.counted[t] === 1 && this.status[t] === 1) inSystem++;
    return {
      arrived,
      cleared: this.cleared,
      inSystem,
      fallbacks: this.fallbacks,
      summary: {
        meanClearance: this.cleared > 0 ? clearance.sum / this.cleared : 0,
        p50Clearance: this.cleared > 0 ? clearance.quantile(0.5) : 0,
        p95Clearance: this.cleared > 0 ? clearance.quantile(0.95) : 0,
        meanWait: this.cleared > 0 ? wait.sum / this.cleared : 0,
        throughput: this.cleared,
        peakHourThroughput: peak,
        shareWithin15: arrived > 0 ? within15 / arrived : 0,
        shareWithin30: arrived > 0 ? within30 / arrived : 0,
      },
      clearance: clearance.toJSON(),
      wait: wait.toJSON(),
      byClass,
      byDirection,
      checkpoints,
      lanes,
      hourly: {
        arrivals: Array.from(this.hourlyArrivals),
        cleared: Array.from(this.hourlyCleared),
        clearance: this.hourlyClearance.map((h) => h.toJSON()),
      },
    };
  }
}
