import { Environment, KeyedDraws, ServerPool, SharedServers, type EventHandler } from "@hetao/sim-core";
import { LogHistogram } from "@hetao/stats";
import { DIRECTIONS, type ResolvedScenario } from "@hetao/scenario";
import { CHOOSE_LEAST_EXPECTED_WAIT, CHOOSE_SHARE, CHOOSE_SHORTEST_QUEUE, type CompiledLane, type CompiledPolicy, type CompiledStep } from "./compiled-policy.js";
import type { Population } from "./population.js";
import type {
  CheckpointResult,
  ControlResult,
  GroupResult,
  LaneResult,
  OfficerPoolResult,
  PledgeResult,
  PolicyDayResult,
  ReserveResult,
  SegmentResult,
} from "./replication-result.js";
import { SEGMENTS, segmentIndex } from "./traveller.js";
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
const EV_RESERVE_CHECK = 4;
const EV_POOL_CAPACITY = 5;

const NO_STEPS: readonly CompiledStep[] = [];

const PHASE_MAIN = 0;
const PHASE_FALLBACK = 1;

/** Where a traveller inside the crossing is. */
const AT_NONE = 0;
const AT_QUEUE = 1;
const AT_SERVICE = 2;

/** End-of-day tallies over every traveller (see CrossingDay.tallyTravellers). */
interface TravellerTally {
  inSystem: number;
  busLeaves: Float64Array;
  busCensored: Int32Array;
  segmentArrived: Int32Array;
  segmentCensored: Int32Array;
  segmentCrossing: Float64Array;
  segmentWait: Float64Array;
  institutionArrived: Int32Array;
  institutionCensored: Int32Array;
  institutionCrossing: Float64Array;
}

const STATUS_WAITING = 0;
const STATUS_INSIDE = 1;
const STATUS_CLEARED = 2;

/**
 * Histograms reused from one day to the next: a day needs about fifty, and allocating and zeroing
 * them per day (then collecting them) cost more than recording into them. A day takes its
 * histograms when built and gives them back, emptied, once its result is serialised; every result
 * is a copy (toJSON), so reuse cannot leak state between days.
 */
const spareHistograms: LogHistogram[] = [];
const MAX_SPARE_HISTOGRAMS = 4096;
function takeHistogram(): LogHistogram {
  return spareHistograms.pop() ?? new LogHistogram(HISTOGRAM_OPTIONS);
}
function giveBackHistograms(list: readonly LogHistogram[]): void {
  for (const h of list) {
    if (spareHistograms.length >= MAX_SPARE_HISTOGRAMS) return;
    h.reset();
    spareHistograms.push(h);
  }
}

class GroupAccumulator {
  arrived = 0;
  cleared = 0;
  censored = 0;
  within15 = 0;
  within30 = 0;
  crossingSum = 0;
  waitSum = 0;
  readonly clearance = takeHistogram();
  toJSON(): GroupResult {
    return {
      arrived: this.arrived,
      cleared: this.cleared,
      censored: this.censored,
      within15: this.within15,
      within30: this.within30,
      clearance: this.clearance.toJSON(),
      crossingSum: this.crossingSum,
      waitSum: this.waitSum,
    };
  }
}

/** `length` entries of a typed array from `start`, as a plain array (a loop: Array.from goes through the iterator protocol). */
function slice(a: Int32Array | Float64Array, start: number, length: number): number[] {
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = a[start + i]!;
  return out;
}

function hourOf(t: number): number {
  const h = Math.floor(t / 3600);
  return h < 0 ? 0 : h >= HOURS ? HOURS - 1 : h;
}

/**
 * One operating day under one clearance policy: the Hetao crossing as a
 * network of lanes. Each traveller follows the first route its attributes
 * match; at each step it picks an applicable open lane option (by share or
 * by the queues it sees), is served (service + overhead), may fall back to a
 * lane or a route, then moves on. Arrivals stop at close; the day runs until
 * the crossing is empty or the hard stop, where whoever is still inside is
 * censored: counted with the time elapsed so far.
 *
 * Three times per traveller: crossing (door to door, walks included),
 * clearance (first control joined to last control left) and time at each
 * control (queue plus service there), which is what service pledges govern.
 *
 * All per-traveller state lives in typed arrays indexed by traveller; events
 * carry (traveller, lane) integers; nothing is allocated per event.
 */
export class CrossingDay implements EventHandler {
  private readonly env = new Environment(256);
  private readonly draws = new KeyedDraws();
  private readonly pools: ServerPool[];
  /** Per officer pool: its shared officers. */
  private readonly officers: SharedServers[];
  /** Per lane: desks open (its own timeline) when the lane is in an officer pool. */
  private readonly laneDesks: Int32Array;
  private readonly cpCount: number;
  private readonly ctlCount: number;
  // Per traveller.
  /** The traveller's itinerary: its route's steps that apply to it (set on arrival and on a reroute). */
  private readonly planOf: (readonly CompiledStep[])[];
  private readonly stepOf: Int32Array;
  private readonly phase: Uint8Array;
  private readonly laneOf: Int16Array;
  private readonly where: Uint8Array;
  private readonly joinedAt: Float64Array;
  private readonly waited: Float64Array;
  private readonly firstJoin: Float64Array;
  private readonly lastLeave: Float64Array;
  /** When the traveller finished its route (cleared, or censored at the hard stop). */
  private readonly finishedAt: Float64Array;
  /** The checkpoint the traveller is at or last left (-1: none yet), and its time there so far. */
  private readonly cpCur: Int16Array;
  private readonly cpAcc: Float64Array;
  /** [traveller × named control]: time at the control (queue + service) and queue alone; ctlSeen bit g: reached control g. */
  private readonly ctlT: Float64Array;
  private readonly ctlQ: Float64Array;
  private readonly ctlSeen: Uint32Array;
  private readonly status: Uint8Array;
  /** Scratch list of travellers withdrawn from a closing lane (sized to the population once). */
  private readonly scratch: Int32Array;

  private arrived = 0;
  private cleared = 0;
  private censored = 0;
  private fallbacks = 0;
  private diverted = 0;
  private emptiedAt = 0;
  private readonly byClass: GroupAccumulator[];
  private readonly byDirection: GroupAccumulator[];
  private readonly checkpointWait: LogHistogram[];
  private readonly checkpointTime: LogHistogram[];
  private readonly checkpointVisits: Int32Array;
  /** Total queue per checkpoint (all its lanes), its maximum and hourly maxima and snapshots. */
  private readonly cpQueued: Int32Array;
  private readonly cpMaxQueue: Int32Array;
  private readonly cpHourlyMax: Int32Array;
  private readonly cpQueueAtHour: Int32Array;
  private nextHourMark = 0;
  /** hourOf(now) of the event being handled (set by markHours, which every event passes through). */
  private hour = 0;
  private readonly laneDiverted: Int32Array;
  private readonly controlTime: LogHistogram[];
  private readonly controlQueue: Float64Array;
  private readonly crossing = takeHistogram();
  private readonly wait = takeHistogram();

  private readonly controlTravellers: Int32Array;
  private readonly controlCensored: Int32Array;
  private readonly controlSumT: Float64Array;
  private readonly controlSumQ: Float64Array;
  private readonly controlHit: Uint8Array;
  private readonly pledgeValue: Float64Array;
  private readonly pledgeCovered: Int32Array;
  private readonly pledgeWithin: Int32Array;
  private readonly pledgeCensored: Int32Array;
  private readonly pledgeHourlyCovered: Int32Array;
  private readonly pledgeHourlyWithin: Int32Array;
  /** [traveller × named control]: when the traveller first reached the control. */
  private readonly ctlFirst: Float64Array;
  private readonly laneHourlyJoined: Int32Array;
  // Reserves.
  private readonly reserveFree: Int32Array;
  private readonly reserveOpen: Int32Array;
  private readonly reserveMaxOpen: Int32Array;
  private readonly reserveOpenings: Int32Array;
  private readonly reserveArea: Float64Array;
  private readonly reserveLast: Float64Array;
  private readonly reserveServed: Int32Array;
  private readonly reserveOver: Int32Array;
  /** Per reserve, a stack of (lane, opened at) of its open officers. */
  private readonly reserveStackLane: Int32Array[];
  private readonly reserveStackAt: Float64Array[];
  /** Per lane: reserve servers open there, and the rostered count. */
  private readonly laneExtra: Int32Array;
  private readonly laneRostered: Int32Array;
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
    this.officers = policy.officerPools.map(() => new SharedServers({ binStart: 0, binWidth: 3600, binCount: HOURS }));
    this.laneDesks = new Int32Array(policy.lanes.length);
    const n = pop.size;
    const C = (this.cpCount = policy.checkpoints.length);
    this.planOf = new Array<readonly CompiledStep[]>(n).fill(NO_STEPS);
    this.stepOf = new Int32Array(n);
    this.phase = new Uint8Array(n);
    this.laneOf = new Int16Array(n).fill(-1);
    this.where = new Uint8Array(n);
    this.joinedAt = new Float64Array(n);
    this.waited = new Float64Array(n);
    this.firstJoin = new Float64Array(n).fill(-1);
    this.lastLeave = new Float64Array(n);
    this.finishedAt = new Float64Array(n);
    const G0 = (this.ctlCount = policy.controls.length);
    this.cpCur = new Int16Array(n).fill(-1);
    this.cpAcc = new Float64Array(n);
    this.ctlT = new Float64Array(n * G0);
    this.ctlQ = new Float64Array(n * G0);
    this.ctlSeen = new Uint32Array(n);
    this.status = new Uint8Array(n);
    this.scratch = new Int32Array(Math.max(1, n));
    this.byClass = scenario.travellers.classes.map(() => new GroupAccumulator());
    this.byDirection = DIRECTIONS.map(() => new GroupAccumulator());
    this.checkpointWait = policy.checkpoints.map(takeHistogram);
    this.checkpointTime = policy.checkpoints.map(takeHistogram);
    this.checkpointVisits = new Int32Array(C);
    this.cpQueued = new Int32Array(C);
    this.cpMaxQueue = new Int32Array(C);
    this.cpHourlyMax = new Int32Array(C * HOURS);
    this.cpQueueAtHour = new Int32Array(C * (HOURS + 1));
    this.laneDiverted = new Int32Array(policy.lanes.length);
    const G = policy.controls.length;
    this.controlTime = policy.controls.map(takeHistogram);
    this.controlQueue = new Float64Array(G);

    this.controlTravellers = new Int32Array(G);
    this.controlCensored = new Int32Array(G);
    this.controlSumT = new Float64Array(G);
    this.controlSumQ = new Float64Array(G);
    this.controlHit = new Uint8Array(G);
    const P = policy.pledges.length;
    this.pledgeValue = new Float64Array(P);
    this.pledgeCovered = new Int32Array(P);
    this.pledgeWithin = new Int32Array(P);
    this.pledgeCensored = new Int32Array(P);
    this.pledgeHourlyCovered = new Int32Array(P * HOURS);
    this.pledgeHourlyWithin = new Int32Array(P * HOURS);
    this.ctlFirst = new Float64Array(n * G0);
    this.laneHourlyJoined = new Int32Array(policy.lanes.length * HOURS);
    const R = policy.reserves.length;
    this.reserveFree = Int32Array.from(policy.reserves.map((r) => r.officers));
    this.reserveOpen = new Int32Array(R);
    this.reserveMaxOpen = new Int32Array(R);
    this.reserveOpenings = new Int32Array(R);
    this.reserveArea = new Float64Array(R);
    this.reserveLast = new Float64Array(R);
    this.reserveServed = new Int32Array(R);
    this.reserveOver = new Int32Array(R);
    this.reserveStackLane = policy.reserves.map((r) => new Int32Array(r.officers));
    this.reserveStackAt = policy.reserves.map((r) => new Float64Array(r.officers));
    this.laneExtra = new Int32Array(policy.lanes.length);
    this.laneRostered = new Int32Array(policy.lanes.length);
    this.hourlyClearance = Array.from({ length: HOURS }, takeHistogram);
  }

  /** Kernel events processed. */
  get events(): number {
    return this.env.processed;
  }

  /** Simulate the day and return its compact result. */
  run(): PolicyDayResult {
    const env = this.env;
    const end = this.scenario.day.end;
    // Staffing changes before the hard stop only: one at the stop itself would close lanes (and divert
    // their lines) at the instant whoever is still inside is censored.
    this.policy.officerPools.forEach((p, k) => {
      const tl = p.timeline;
      this.officers[k]!.setServers(tl.servers[0]!, 0);
      for (let j = 1; j < tl.times.length && tl.times[j]! < end; j++) env.at(tl.times[j]!, EV_POOL_CAPACITY, k, j);
    });
    this.policy.lanes.forEach((lane, i) => {
      const tl = lane.timeline;
      this.laneRostered[i] = tl.servers[0]!;
      this.laneDesks[i] = tl.servers[0]!;
      this.pools[i]!.setServers(this.openServers(i), 0);
      for (let k = 1; k < tl.times.length && tl.times[k]! < end; k++) env.at(tl.times[k]!, EV_CAPACITY, i, k);
    });
    if (this.pop.size > 0) env.at(this.pop.arrivalTime[0]!, EV_ARRIVAL, 0);
    env.run(this, end);
    this.markHours(end);
    this.censorAll(end);
    return this.result();
  }

  handle(kind: number, a: number, b: number, now: number): void {
    if (now >= this.nextHourMark) this.markHours(now);
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
      case EV_RESERVE_CHECK:
        this.reserveRelease(a, now);
        break;
      case EV_POOL_CAPACITY:
        this.onPoolCapacity(a, b, now);
        break;
      default:
        throw new Error(`CrossingDay: unknown event kind ${kind}`);
    }
  }

  /** Snapshot every checkpoint's total queue at each hour boundary up to `now` (state is constant between events). */
  private markHours(now: number): void {
    const C = this.cpCount;
    while (this.nextHourMark <= now && this.nextHourMark <= HOURS * 3600) {
      const h = this.nextHourMark / 3600;
      for (let c = 0; c < C; c++) this.cpQueueAtHour[c * (HOURS + 1) + h] = this.cpQueued[c]!;
      this.nextHourMark += 3600;
    }
    // nextHourMark is the first hour boundary after `now` (or past the last hour), so this is hourOf(now).
    const h = this.nextHourMark / 3600 - 1;
    this.hour = h < HOURS ? h : HOURS - 1;
  }

  private onArrival(t: number, now: number): void {
    const pop = this.pop;
    // Chain arrivals: only the next one is ever on the calendar.
    const next = t + 1;
    if (next < pop.size) this.env.at(pop.arrivalTime[next]!, EV_ARRIVAL, next);
    this.status[t] = STATUS_INSIDE;
    if (pop.counted[t] === 1) {
      this.arrived++;
      this.byClass[pop.classIndex[t]!]!.arrived++;
      this.byDirection[pop.direction[t]!]!.arrived++;
      this.hourlyArrivals[this.hour]!++;
    }
    this.trace?.event(now, TraceEvent.Arrive, t, -1, -1);
    const combo = pop.combo[t]!;
    const route = this.policy.routeOf[combo]!;
    if (route < 0) throw new Error(`policy ${this.policy.id}: traveller ${t} matches no route`);
    this.setRoute(t, route);
    this.stepOf[t] = -1;
    this.waited[t] = 0;
    this.advance(t, now);
  }

  private setRoute(t: number, route: number): void {
    this.planOf[t] = this.policy.routeItinerary[route]![this.pop.combo[t]!]!;
  }

  private plan(t: number): readonly CompiledStep[] {
    return this.planOf[t]!;
  }

  /** Move traveller t to its next applicable step, or clear it. */
  private advance(t: number, now: number): void {
    const pop = this.pop;
    const combo = pop.combo[t]!;
    // The traveller's itinerary: the steps of its route whose `when` it matches, precompiled per
    // attribute combination, so the loop touches only steps that can apply.
    const plan = this.plan(t);
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
      this.phase[t] = PHASE_MAIN;
      const lane = this.chooseLane(step, combo, seed, -1);
      if (lane >= 0) {
        this.join(t, lane, step.priority, now);
        return;
      }
      // Every applicable option is closed: the step's fallback, else wait at the first applicable option.
      this.divert(t, step, -1, now);
      return;
    }
    this.stepOf[t] = plan.length;
    this.onCleared(t, now);
  }

  /**
   * The lane traveller t joins at `step`: an applicable option whose lane is open (servers > 0) and is
   * not `exclude`, chosen by the step's rule; -1 when every applicable option is closed.
   * `share`: options in order, each taken when the traveller's draw is below its share (given the
   * earlier ones were not taken); when the chosen kind is closed, the first applicable open option.
   */
  private chooseLane(step: CompiledStep, combo: number, seed: number, exclude: number): number {
    const choices = step.choices;
    const pools = this.pools;
    if (step.choose === CHOOSE_SHARE) {
      let firstOpen = -1;
      for (let i = 0; i < choices.length; i++) {
        const c = choices[i]!;
        if (c.applies[combo] === 0) continue;
        const open = c.lane !== exclude && pools[c.lane]!.servers > 0;
        if (open && firstOpen < 0) firstOpen = c.lane;
        if (c.share < 1 && KeyedDraws.uniform(seed, c.drawKey) >= c.share) continue;
        if (open) return c.lane;
      }
      return firstOpen;
    }
    let best = -1;
    let bestScore = 0;
    let bestFree = 0;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i]!;
      if (c.applies[combo] === 0 || c.lane === exclude) continue;
      const pool = pools[c.lane]!;
      if (pool.servers <= 0) continue;
      const free = pool.servers - pool.busy;
      const score =
        step.choose === CHOOSE_SHORTEST_QUEUE ? pool.queued : (pool.queued * this.policy.lanes[c.lane]!.meanService) / pool.servers;
      // Lower score first; on a tie more free servers; then the earlier option.
      if (best < 0 || score < bestScore || (score === bestScore && free > bestFree)) {
        best = c.lane;
        bestScore = score;
        bestFree = free;
      }
    }
    return best;
  }

  /** Every option of the step is closed (or closing): the fallback lane or route, else wait at the first applicable option. */
  private divert(t: number, step: CompiledStep, closing: number, now: number): void {
    if (this.pop.counted[t] === 1) this.diverted++;
    const lanes = this.policy.lanes;
    if (this.phase[t] === PHASE_MAIN) {
      if (step.fallbackLane >= 0 && step.fallbackLane !== closing && this.pools[step.fallbackLane]!.servers > 0) {
        this.phase[t] = PHASE_FALLBACK;
        this.trace?.event(now, TraceEvent.Divert, t, step.fallbackLane, lanes[step.fallbackLane]!.checkpoint);
        this.join(t, step.fallbackLane, step.priority, now);
        return;
      }
      if (step.fallbackRoute >= 0) {
        this.trace?.event(now, TraceEvent.Divert, t, -1, step.checkpoint);
        this.trace?.event(now, TraceEvent.Reroute, t, step.fallbackRoute, step.checkpoint);
        this.setRoute(t, step.fallbackRoute);
        this.stepOf[t] = -1;
        this.advance(t, now);
        return;
      }
    }
    // Nowhere open to go: wait (at the closing lane, or at the first applicable option) until it reopens.
    let lane = closing;
    if (lane < 0) {
      const combo = this.pop.combo[t]!;
      for (const c of step.choices) {
        if (c.applies[combo] === 1) {
          lane = c.lane;
          break;
        }
      }
      if (this.phase[t] === PHASE_FALLBACK) lane = step.fallbackLane;
    }
    this.trace?.event(now, TraceEvent.Divert, t, lane, lanes[lane]!.checkpoint);
    this.join(t, lane, step.priority, now);
  }

  private join(t: number, lane: number, priority: number, now: number): void {
    this.joinedAt[t] = now;
    if (this.firstJoin[t]! < 0) this.firstJoin[t] = now;
    this.laneOf[t] = lane;
    const ln = this.policy.lanes[lane]!;
    const cp = ln.checkpoint;
    if (this.cpCur[t] !== cp) {
      this.flushCheckpoint(t);
      this.cpCur[t] = cp;
    }
    const fresh = ln.controlMask & ~this.ctlSeen[t]!;
    if (fresh !== 0) for (let m = fresh, g = 0; m !== 0; m >>>= 1, g++) if ((m & 1) !== 0) this.ctlFirst[t * this.ctlCount + g] = now;
    this.ctlSeen[t]! |= ln.controlMask;
    this.laneHourlyJoined[lane * HOURS + this.hour]!++;
    this.trace?.event(now, TraceEvent.Join, t, lane, cp);
    const pool = this.pools[lane]!;
    const k = ln.officerPool;
    if (k < 0 ? pool.arrive(t, priority, now) : this.arrivePooled(t, lane, k, priority, now)) {
      this.startService(t, lane, now);
      return;
    }
    this.where[t] = AT_QUEUE;
    const q = ++this.cpQueued[cp]!;
    if (q > this.cpMaxQueue[cp]!) this.cpMaxQueue[cp] = q;
    const hm = cp * HOURS + this.hour;
    if (q > this.cpHourlyMax[hm]!) this.cpHourlyMax[hm] = q;
    const r = this.policy.lanes[lane]!.reserve;
    if (r >= 0) this.reserveOpenCheck(r, lane, now);
  }

  private startService(t: number, laneIndex: number, now: number): void {
    const lane = this.policy.lanes[laneIndex]!;
    const cp = lane.checkpoint;
    if (this.where[t] === AT_QUEUE) this.cpQueued[cp]!--;
    this.where[t] = AT_SERVICE;
    const w = now - this.joinedAt[t]!;
    this.waited[t]! += w;
    if (lane.controlMask !== 0) this.addControl(t, lane.controlMask, 0, w);
    const counted = this.pop.counted[t] === 1;
    if (counted) {
      this.checkpointWait[cp]!.record(w);
      this.checkpointVisits[cp]!++;
    }
    if (lane.reserve >= 0 && counted) {
      this.reserveServed[lane.reserve]!++;
      if (w > this.policy.reserves[lane.reserve]!.openAt) this.reserveOver[lane.reserve]!++;
    }
    this.trace?.event(now, TraceEvent.Start, t, laneIndex, cp);
    const seed = this.pop.seed[t]!;
    let service = this.transactionTime(t, lane, laneIndex, seed);
    if (lane.overhead !== null) service += lane.overhead.sample(this.draws.select(seed, lane.overheadKey));
    this.env.at(now + service, EV_SERVICE_END, t, laneIndex);
  }

  /**
   * The transaction time of traveller t at the lane: the option's own (the first applicable option of
   * its step for this lane), else the step's, else the lane's; at a fallback lane the fallback's, else
   * the lane's. One desk can so do several kinds of check, each with its own time.
   */
  private transactionTime(t: number, lane: CompiledLane, laneIndex: number, seed: number): number {
    const step = this.plan(t)[this.stepOf[t]!];
    if (step !== undefined) {
      if (this.phase[t] === PHASE_MAIN) {
        const combo = this.pop.combo[t]!;
        const choices = step.choices;
        for (let i = 0; i < choices.length; i++) {
          const c = choices[i]!;
          if (c.lane === laneIndex && c.applies[combo] === 1) {
            if (c.service !== null) return c.service.sample(this.draws.select(seed, c.serviceKey));
            break;
          }
        }
        if (step.service !== null) return step.service.sample(this.draws.select(seed, step.serviceKey));
      } else if (step.fallbackService !== null && laneIndex === step.fallbackLane) {
        return step.fallbackService.sample(this.draws.select(seed, step.fallbackServiceKey));
      }
    }
    return lane.service.sample(this.draws.select(seed, lane.serviceKey));
  }

  /** Start whoever can start at the lane, then let its reserve release a server if the line is short again. */
  private serveWaiting(laneIndex: number, now: number): void {
    const k = this.policy.lanes[laneIndex]!.officerPool;
    if (k >= 0) {
      this.dispatch(k, now);
      return;
    }
    const pool = this.pools[laneIndex]!;
    while (pool.canStart()) this.startService(pool.startNext(now), laneIndex, now);
    const r = this.policy.lanes[laneIndex]!.reserve;
    if (r >= 0 && this.laneExtra[laneIndex]! > 0) this.reserveRelease(laneIndex, now);
  }

  private onServiceEnd(t: number, laneIndex: number, now: number): void {
    const pool = this.pools[laneIndex]!;
    pool.depart(now);
    const lane = this.policy.lanes[laneIndex]!;
    if (lane.officerPool >= 0) this.officers[lane.officerPool]!.release(now);
    const at = now - this.joinedAt[t]!;
    this.cpAcc[t]! += at;
    if (lane.controlMask !== 0) this.addControl(t, lane.controlMask, at, 0);
    this.lastLeave[t] = now;
    this.where[t] = AT_NONE;
    this.laneOf[t] = -1;
    this.trace?.event(now, TraceEvent.Depart, t, laneIndex, lane.checkpoint);
    this.serveWaiting(laneIndex, now);

    if (this.phase[t] === PHASE_MAIN) {
      const step = this.plan(t)[this.stepOf[t]!]!;
      if (
        (step.fallbackLane >= 0 || step.fallbackRoute >= 0) &&
        step.fallbackLane !== laneIndex &&
        KeyedDraws.uniform(this.pop.seed[t]!, step.fallbackKey) < step.fallbackProbability
      ) {
        if (this.pop.counted[t] === 1) this.fallbacks++;
        if (step.fallbackRoute >= 0) {
          this.trace?.event(now, TraceEvent.Fallback, t, -1, lane.checkpoint);
          this.trace?.event(now, TraceEvent.Reroute, t, step.fallbackRoute, lane.checkpoint);
          this.setRoute(t, step.fallbackRoute);
          this.stepOf[t] = -1;
          this.advance(t, now);
          return;
        }
        this.phase[t] = PHASE_FALLBACK;
        const fb = step.fallbackLane;
        this.trace?.event(now, TraceEvent.Fallback, t, fb, this.policy.lanes[fb]!.checkpoint);
        if (this.pools[fb]!.servers > 0) this.join(t, fb, step.priority, now);
        else this.divert(t, step, -1, now);
        return;
      }
    }
    this.advance(t, now);
  }

  private onCapacity(laneIndex: number, change: number, now: number): void {
    const pool = this.pools[laneIndex]!;
    const lane = this.policy.lanes[laneIndex]!;
    const rostered = lane.timeline.servers[change]!;
    this.laneRostered[laneIndex] = rostered;
    this.laneDesks[laneIndex] = rostered;
    // A lane that closes sends its reserve officers back.
    if (rostered === 0 && this.laneExtra[laneIndex]! > 0) this.reserveReturnAll(laneIndex, now);
    pool.setServers(this.openServers(laneIndex), now);
    if (pool.servers === 0 && lane.divertOnClose && pool.queued > 0) {
      this.divertQueue(laneIndex, now);
      return;
    }
    this.serveWaiting(laneIndex, now);
  }

  // --- Officer pools (officers shared between lanes) ------------------------------------------

  /**
   * Servers open at a lane: its rostered count plus reserve servers; at a pooled lane, its desks as far as
   * the pool has officers (the pool's count then bounds the lanes together, see `dispatch`).
   */
  private openServers(laneIndex: number): number {
    const k = this.policy.lanes[laneIndex]!.officerPool;
    if (k < 0) return this.laneRostered[laneIndex]! + this.laneExtra[laneIndex]!;
    const d = this.laneDesks[laneIndex]!;
    const o = this.officers[k]!.servers;
    return d < o ? d : o;
  }

  /** Traveller t joins pooled lane `lane`: it starts at once only when a pool officer and a desk are free and nobody waits there. */
  private arrivePooled(t: number, lane: number, k: number, priority: number, now: number): boolean {
    const officers = this.officers[k]!;
    const pool = this.pools[lane]!;
    if (!officers.hasFree()) {
      pool.enqueue(t, priority, now);
      return false;
    }
    // A free officer: the lane's own rule (start when a desk is free and nobody waits there, else queue).
    if (!pool.arrive(t, priority, now)) return false;
    officers.take(now);
    return true;
  }

  /**
   * Free officers of pool k take the next travellers: each from the pooled lane (with a desk free) whose
   * head is best placed, i.e. the lower priority class, then the longest wait, then the lane listed first.
   */
  private dispatch(k: number, now: number): void {
    const officers = this.officers[k]!;
    const lanes = this.policy.officerPools[k]!.lanes;
    const pools = this.pools;
    while (officers.hasFree()) {
      let best = -1;
      let bestPriority = 0;
      let bestSince = 0;
      for (let j = 0; j < lanes.length; j++) {
        const li = lanes[j]!;
        const pool = pools[li]!;
        if (!pool.canStart()) continue;
        const pr = pool.headPriority();
        const since = this.joinedAt[pool.head()]!;
        if (best < 0 || pr < bestPriority || (pr === bestPriority && since < bestSince)) {
          best = li;
          bestPriority = pr;
          bestSince = since;
        }
      }
      if (best < 0) return;
      officers.take(now);
      this.startService(pools[best]!.startNext(now), best, now);
    }
  }

  /** A roster period of pool k starts: its lanes' open servers follow; a lane left with none diverts its line (`onClose: divert`). */
  private onPoolCapacity(k: number, change: number, now: number): void {
    const p = this.policy.officerPools[k]!;
    this.officers[k]!.setServers(p.timeline.servers[change]!, now);
    for (let j = 0; j < p.lanes.length; j++) this.pools[p.lanes[j]!]!.setServers(this.openServers(p.lanes[j]!), now);
    // Every lane first, so that a diverted traveller sees which pooled lanes are still open.
    for (let j = 0; j < p.lanes.length; j++) {
      const li = p.lanes[j]!;
      const pool = this.pools[li]!;
      if (pool.servers === 0 && this.policy.lanes[li]!.divertOnClose && pool.queued > 0) this.divertQueue(li, now);
    }
    this.dispatch(k, now);
  }

  /** The lane closed with `onClose: divert`: everyone waiting goes to the next open option of their step. */
  private divertQueue(laneIndex: number, now: number): void {
    const pool = this.pools[laneIndex]!;
    const lane = this.policy.lanes[laneIndex]!;
    const cp = lane.checkpoint;
    let k = 0;
    while (pool.queued > 0) this.scratch[k++] = pool.withdrawNext(now);
    this.laneDiverted[laneIndex]! += k;
    for (let i = 0; i < k; i++) {
      const t = this.scratch[i]!;
      // The wait so far is time at this control.
      const w = now - this.joinedAt[t]!;
      this.waited[t]! += w;
      this.cpAcc[t]! += w;
      if (lane.controlMask !== 0) this.addControl(t, lane.controlMask, w, w);
      this.cpQueued[cp]!--;
      this.where[t] = AT_NONE;
      this.laneOf[t] = -1;
      const step = this.plan(t)[this.stepOf[t]!]!;
      const other = this.phase[t] === PHASE_MAIN ? this.chooseLane(step, this.pop.combo[t]!, this.pop.seed[t]!, laneIndex) : -1;
      if (other >= 0) {
        if (this.pop.counted[t] === 1) this.diverted++;
        this.trace?.event(now, TraceEvent.Divert, t, other, this.policy.lanes[other]!.checkpoint);
        this.join(t, other, step.priority, now);
      } else {
        this.divert(t, step, laneIndex, now);
      }
    }
  }

  // --- Reserve officers (dynamic staffing) -----------------------------------------------------

  private reserveAdvance(r: number, now: number): void {
    this.reserveArea[r]! += this.reserveOpen[r]! * (now - this.reserveLast[r]!);
    this.reserveLast[r] = now;
  }

  /** State-triggered: a traveller joined the line; open a reserve server when the expected wait passes the threshold. */
  private reserveOpenCheck(r: number, laneIndex: number, now: number): void {
    const reserve = this.policy.reserves[r]!;
    const pool = this.pools[laneIndex]!;
    if (this.reserveFree[r]! <= 0 || this.laneRostered[laneIndex]! <= 0) return;
    const expected = (pool.queued * this.policy.lanes[laneIndex]!.meanService) / pool.servers;
    if (expected <= reserve.openAt) return;
    this.reserveAdvance(r, now);
    const k = this.reserveOpen[r]!;
    this.reserveStackLane[r]![k] = laneIndex;
    this.reserveStackAt[r]![k] = now;
    this.reserveOpen[r] = k + 1;
    this.reserveFree[r]!--;
    this.reserveOpenings[r]!++;
    if (k + 1 > this.reserveMaxOpen[r]!) this.reserveMaxOpen[r] = k + 1;
    this.laneExtra[laneIndex]!++;
    pool.setServers(pool.servers + 1, now);
    while (pool.canStart()) this.startService(pool.startNext(now), laneIndex, now);
    this.env.at(now + reserve.minOpen, EV_RESERVE_CHECK, laneIndex);
  }

  /** Release reserve servers at the lane whose minimum open time has passed while its expected wait is below the close threshold. */
  private reserveRelease(laneIndex: number, now: number): void {
    const r = this.policy.lanes[laneIndex]!.reserve;
    if (r < 0 || this.laneExtra[laneIndex]! <= 0) return;
    const reserve = this.policy.reserves[r]!;
    const pool = this.pools[laneIndex]!;
    const stackLane = this.reserveStackLane[r]!;
    const stackAt = this.reserveStackAt[r]!;
    for (let k = this.reserveOpen[r]! - 1; k >= 0 && this.laneExtra[laneIndex]! > 0; k--) {
      if (stackLane[k] !== laneIndex || stackAt[k]! + reserve.minOpen > now) continue;
      const servers = pool.servers - 1;
      const expected = servers > 0 ? (pool.queued * this.policy.lanes[laneIndex]!.meanService) / servers : Number.POSITIVE_INFINITY;
      if (!(expected < reserve.closeAt)) return;
      this.reserveRemove(r, k, now);
      this.laneExtra[laneIndex]!--;
      pool.setServers(servers, now);
    }
  }

  private reserveRemove(r: number, k: number, now: number): void {
    this.reserveAdvance(r, now);
    const last = this.reserveOpen[r]! - 1;
    const stackLane = this.reserveStackLane[r]!;
    const stackAt = this.reserveStackAt[r]!;
    for (let j = k; j < last; j++) {
      stackLane[j] = stackLane[j + 1]!;
      stackAt[j] = stackAt[j + 1]!;
    }
    this.reserveOpen[r] = last;
    this.reserveFree[r]!++;
  }

  private reserveReturnAll(laneIndex: number, now: number): void {
    const r = this.policy.lanes[laneIndex]!.reserve;
    const stackLane = this.reserveStackLane[r]!;
    for (let k = this.reserveOpen[r]! - 1; k >= 0; k--) if (stackLane[k] === laneIndex) this.reserveRemove(r, k, now);
    this.laneExtra[laneIndex] = 0;
  }

  // --- Leaving: cleared or censored -----------------------------------------------------------

  private onCleared(t: number, now: number): void {
    this.trace?.event(now, TraceEvent.Clear, t, -1, -1);
    this.status[t] = STATUS_CLEARED;
    if (this.pop.counted[t] !== 1) return;
    this.cleared++;
    this.hourlyCleared[this.hour]!++;
    this.record(t, now, false);
  }

  /** The hard stop: everyone still inside is counted with the time elapsed so far. */
  private censorAll(end: number): void {
    const lanes = this.policy.lanes;
    for (let t = 0; t < this.pop.size; t++) {
      if (this.status[t] !== STATUS_INSIDE || this.pop.counted[t] !== 1) continue;
      const lane = this.laneOf[t]!;
      if (lane >= 0) {
        const mask = lanes[lane]!.controlMask;
        const elapsed = end - this.joinedAt[t]!;
        const queued = this.where[t] === AT_QUEUE ? elapsed : 0;
        this.cpAcc[t]! += elapsed;
        this.waited[t]! += queued;
        if (mask !== 0) this.addControl(t, mask, elapsed, queued);
      }
      this.trace?.event(end, TraceEvent.Censor, t, lane, lane >= 0 ? lanes[lane]!.checkpoint : -1);
      this.censored++;
      this.record(t, end, true);
    }
  }

  private record(t: number, now: number, censored: boolean): void {
    const pop = this.pop;
    this.finishedAt[t] = now;
    if (now > this.emptiedAt) this.emptiedAt = now;
    const crossing = now - pop.arrivalTime[t]!;
    const first = this.firstJoin[t]!;
    const c = first < 0 ? 0 : (censored ? now : this.lastLeave[t]!) - first;
    const w = this.waited[t]!;
    this.hourlyClearance[hourOf(pop.arrivalTime[t]!)]!.record(c);
    const g1 = this.byClass[pop.classIndex[t]!]!;
    const g2 = this.byDirection[pop.direction[t]!]!;
    if (censored) {
      g1.censored++;
      g2.censored++;
    } else {
      g1.cleared++;
      g2.cleared++;
    }
    g1.clearance.record(c);
    g2.clearance.record(c);
    g1.crossingSum += crossing;
    g2.crossingSum += crossing;
    g1.waitSum += w;
    g2.waitSum += w;
    this.crossing.record(crossing);
    this.wait.record(w);
    // A censored traveller's time so far is a lower bound: never counted as within.
    if (!censored) {
      if (c <= FIFTEEN_MINUTES) {
        g1.within15++;
        g2.within15++;
      }
      if (c <= THIRTY_MINUTES) {
        g1.within30++;
        g2.within30++;
      }
    }
    // Time at each control.
    this.flushCheckpoint(t);
    const G = this.ctlCount;
    const seen = this.ctlSeen[t]!;
    for (let g = 0; g < G; g++) {
      const hit = (seen >>> g) & 1;
      this.controlHit[g] = hit;
      if (hit === 0) continue;
      const sumT = this.ctlT[t * G + g]!;
      const sumQ = this.ctlQ[t * G + g]!;
      this.controlSumT[g] = sumT;
      this.controlSumQ[g] = sumQ;
      this.controlTravellers[g]!++;
      if (censored) this.controlCensored[g]!++;
      this.controlTime[g]!.record(sumT);
      this.controlQueue[g]! += sumQ;
    }
    const pledges = this.policy.pledges;
    for (let p = 0; p < pledges.length; p++) {
      const pl = pledges[p]!;
      if (this.controlHit[pl.control] !== 1 || pl.classes[pop.classIndex[t]!] !== 1 || pl.directions[pop.direction[t]!] !== 1) continue;
      const v = pl.queueOnly ? this.controlSumQ[pl.control]! : this.controlSumT[pl.control]!;
      this.pledgeCovered[p]!++;
      this.pledgeValue[p]! += v;
      const ph = p * HOURS + hourOf(this.ctlFirst[t * this.ctlCount + pl.control]!);
      this.pledgeHourlyCovered[ph]!++;
      if (censored) this.pledgeCensored[p]!++;
      // A censored traveller within the limit so far may still exceed it: never counted as within.
      if (v <= pl.threshold && !censored) {
        this.pledgeWithin[p]!++;
        this.pledgeHourlyWithin[ph]!++;
      }
    }
  }

  /** Add time at the control (queue + service) and queue to every named control whose bit is in `mask`. */
  private addControl(t: number, mask: number, time: number, queue: number): void {
    const base = t * this.ctlCount;
    for (let m = mask, g = 0; m !== 0; m >>>= 1, g++) {
      if ((m & 1) === 0) continue;
      this.ctlT[base + g]! += time;
      this.ctlQ[base + g]! += queue;
    }
  }

  /** The traveller left (or is leaving) its current checkpoint: record its time there (counted travellers). */
  private flushCheckpoint(t: number): void {
    const cp = this.cpCur[t]!;
    if (cp < 0) return;
    if (this.pop.counted[t] === 1) this.checkpointTime[cp]!.record(this.cpAcc[t]!);
    this.cpAcc[t] = 0;
    this.cpCur[t] = -1;
  }

  /**
   * The end-of-day tallies over every traveller, in traveller order (the order fixes each sum's
   * rounding): who is still inside, the shuttles' dwell, and who gains by segment and by institution.
   * Its own small method: inside `result()` (four calls a replication, large) these loops ran
   * unoptimised for a process's first few dozen replications, at 2.5-6 ms a replication, while V8
   * compiled and threw away `result()` again and again (docs/operations.md, "Model speed").
   */
  private tallyTravellers(): TravellerTally {
    const pop = this.pop;
    const status = this.status;
    const counted = pop.counted;
    const finishedAt = this.finishedAt;
    const arrivalTime = pop.arrivalTime;
    const waited = this.waited;
    const buses = this.scenario.demand.shuttles.length;
    const I = pop.institutionCount;
    const S = SEGMENTS.length;
    const out: TravellerTally = {
      inSystem: 0,
      busLeaves: new Float64Array(buses),
      busCensored: new Int32Array(buses),
      segmentArrived: new Int32Array(S),
      segmentCensored: new Int32Array(S),
      segmentCrossing: new Float64Array(S),
      segmentWait: new Float64Array(S),
      institutionArrived: new Int32Array(I),
      institutionCensored: new Int32Array(I),
      institutionCrossing: new Float64Array(I),
    };
    // Counted independently of the arrival and clearance tallies, so that
    // conservation (arrived = cleared + in system) is a real check.
    let inSystem = 0;
    for (let t = 0; t < pop.size; t++) {
      const st = status[t]!;
      // Shuttle buses wait for their last passenger: the dwell runs to the latest time a passenger finished its route.
      const b = pop.bus[t]!;
      if (b >= 0) {
        if (st === STATUS_INSIDE) out.busCensored[b]!++;
        if (finishedAt[t]! > out.busLeaves[b]!) out.busLeaves[b] = finishedAt[t]!;
      }
      if (counted[t] !== 1 || st === STATUS_WAITING) continue;
      const inside = st === STATUS_INSIDE;
      if (inside) inSystem++;
      const crossing = finishedAt[t]! - arrivalTime[t]!;
      // Who gains: counted travellers by whitelist standing and goods.
      const g = segmentIndex(pop.whitelisted[t]!, pop.institutionWhitelisted[t]!, pop.goods[t]!);
      out.segmentArrived[g]!++;
      if (inside) out.segmentCensored[g]!++;
      out.segmentCrossing[g]! += crossing;
      out.segmentWait[g]! += waited[t]!;
      // Which institutions gain: the same count, by the trip-maker's institution (staff trips only).
      const i = pop.institution[t]!;
      if (i < 0) continue;
      out.institutionArrived[i]!++;
      if (inside) out.institutionCensored[i]!++;
      out.institutionCrossing[i]! += crossing;
    }
    out.inSystem = inSystem;
    return out;
  }

  private result(): PolicyDayResult {
    const end = this.scenario.day.end;
    const policy = this.policy;
    const lanes: Record<string, LaneResult> = {};
    const cpQueue = policy.checkpoints.map(() => new Float64Array(HOURS));
    let officerHours = 0;
    let gateHours = 0;
    policy.lanes.forEach((lane, i) => {
      const pool = this.pools[i]!;
      pool.advance(end);
      const hq: number[] = [];
      const hu: number[] = [];
      let peak = 0;
      let peakHour = -1;
      for (let h = 0; h < HOURS; h++) {
        hq.push(pool.binQueueArea[h]! / 3600);
        const open = pool.binServerArea[h]!;
        const u = open > 0 ? pool.binBusyArea[h]! / open : 0;
        hu.push(u);
        if (open > 0 && (peakHour < 0 || u > peak)) {
          peak = u;
          peakHour = h;
        }
        cpQueue[lane.checkpoint]![h]! += pool.binQueueArea[h]! / 3600;
      }
      const staffedHours = pool.areas().servers / 3600;
      if (lane.automated) gateHours += staffedHours;
      else if (lane.officerPool < 0) officerHours += staffedHours; // a pool's officers are counted once, below
      lanes[lane.id] = {
        checkpoint: policy.checkpoints[lane.checkpoint]!,
        served: pool.started,
        utilisation: pool.utilisation(),
        peakUtilisation: peak,
        peakHour,
        staffedHours,
        automated: lane.automated,
        diverted: this.laneDiverted[i]!,
        maxQueue: pool.maxQueue,
        hourlyQueue: hq,
        hourlyUtilisation: hu,
        hourlyJoined: slice(this.laneHourlyJoined, i * HOURS, HOURS),
      };
    });
    const checkpoints: Record<string, CheckpointResult> = {};
    policy.checkpoints.forEach((label, i) => {
      if (policy.checkpointHasLane[i] !== 1) return; // a walk, not a control
      checkpoints[label] = {
        visits: this.checkpointVisits[i]!,
        wait: this.checkpointWait[i]!.toJSON(),
        time: this.checkpointTime[i]!.toJSON(),
        hourlyQueue: slice(cpQueue[i]!, 0, HOURS),
        hourlyMaxQueue: slice(this.cpHourlyMax, i * HOURS, HOURS),
        queueAtHour: slice(this.cpQueueAtHour, i * (HOURS + 1), HOURS + 1),
        maxQueue: this.cpMaxQueue[i]!,
      };
    });
    const controls: Record<string, ControlResult> = {};
    policy.controls.forEach((c, g) => {
      controls[c.id] = {
        travellers: this.controlTravellers[g]!,
        censored: this.controlCensored[g]!,
        time: this.controlTime[g]!.toJSON(),
        queueSum: this.controlQueue[g]!,
      };
    });
    const pledges: Record<string, PledgeResult> = {};
    policy.pledges.forEach((p, k) => {
      pledges[p.id] = {
        covered: this.pledgeCovered[k]!,
        within: this.pledgeWithin[k]!,
        censored: this.pledgeCensored[k]!,
        valueSum: this.pledgeValue[k]!,
        hourlyCovered: slice(this.pledgeHourlyCovered, k * HOURS, HOURS),
        hourlyWithin: slice(this.pledgeHourlyWithin, k * HOURS, HOURS),
      };
    });
    const reserves: Record<string, ReserveResult> = {};
    policy.reserves.forEach((r, k) => {
      this.reserveAdvance(k, end);
      let serverArea = 0;
      let openArea = 0;
      for (const li of r.lanes) {
        const pool = this.pools[li]!;
        serverArea += pool.areas().servers;
        for (let h = 0; h < HOURS; h++) if (pool.binServerArea[h]! > 0) openArea += 3600;
      }
      reserves[r.id] = {
        officerHours: this.reserveArea[k]! / 3600,
        openings: this.reserveOpenings[k]!,
        maxOpen: this.reserveMaxOpen[k]!,
        served: this.reserveServed[k]!,
        overThreshold: this.reserveOver[k]!,
        meanOpenServers: openArea > 0 ? serverArea / openArea : 0,
      };
    });
    const officerPools: Record<string, OfficerPoolResult> = {};
    policy.officerPools.forEach((p, k) => {
      const o = this.officers[k]!;
      o.advance(end);
      const a = o.areas();
      officerHours += a.servers / 3600;
      officerPools[p.id] = {
        officerHours: a.servers / 3600,
        utilisation: a.servers > 0 ? a.busy / a.servers : 0,
        hourlyOfficers: Array.from(o.binServerArea, (x) => x / 3600),
        hourlyUtilisation: Array.from(o.binServerArea, (x, h) => (x > 0 ? o.binBusyArea[h]! / x : 0)),
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
    // The overall distributions are the merge of the two directions: fewer histogram updates per traveller.
    const clearance = takeHistogram();
    for (const g of this.byDirection) clearance.merge(g.clearance);
    const crossing = this.crossing;
    const wait = this.wait;
    const arrived = this.arrived;
    // Everyone counted is in the histograms: cleared, or censored at the hard stop.
    const counted = clearance.count;
    const tally = this.tallyTravellers();
    const inSystem = tally.inSystem;
    const buses = this.scenario.demand.shuttles;
    const segments: Record<string, SegmentResult> = {};
    SEGMENTS.forEach((name, k) => {
      segments[name] = {
        arrived: tally.segmentArrived[k]!,
        censored: tally.segmentCensored[k]!,
        crossingSum: tally.segmentCrossing[k]!,
        waitSum: tally.segmentWait[k]!,
      };
    });
    const institutions = {
      arrived: Array.from(tally.institutionArrived),
      censored: Array.from(tally.institutionCensored),
      crossingSum: Array.from(tally.institutionCrossing),
    };
    const shuttles = buses.map((bus, b) => ({
      time: bus.time,
      direction: bus.direction,
      passengers: bus.passengers,
      dwell: bus.passengers > 0 ? Math.max(0, tally.busLeaves[b]! - bus.time) : 0,
      censored: tally.busCensored[b]!,
    }));
    const result: PolicyDayResult = {
      arrived,
      cleared: this.cleared,
      inSystem,
      fallbacks: this.fallbacks,
      diverted: this.diverted,
      summary: {
        meanCrossing: counted > 0 ? crossing.sum / counted : 0,
        p50Crossing: counted > 0 ? crossing.quantile(0.5) : 0,
        p95Crossing: counted > 0 ? crossing.quantile(0.95) : 0,
        meanClearance: counted > 0 ? clearance.sum / counted : 0,
        p50Clearance: counted > 0 ? clearance.quantile(0.5) : 0,
        p95Clearance: counted > 0 ? clearance.quantile(0.95) : 0,
        meanWait: counted > 0 ? wait.sum / counted : 0,
        throughput: this.cleared,
        peakHourThroughput: peak,
        shareWithin15: arrived > 0 ? within15 / arrived : 0,
        shareWithin30: arrived > 0 ? within30 / arrived : 0,
        censored: this.censored,
        emptiedAt: this.emptiedAt,
        officerHours,
        gateHours,
      },
      clearance: clearance.toJSON(),
      crossing: crossing.toJSON(),
      wait: wait.toJSON(),
      byClass,
      byDirection,
      segments,
      institutions,
      checkpoints,
      controls,
      pledges,
      lanes,
      reserves,
      officerPools,
      // In the schema's order, as the result codec writes and reads fields.
      shuttles,
      hourly: {
        arrivals: slice(this.hourlyArrivals, 0, HOURS),
        cleared: slice(this.hourlyCleared, 0, HOURS),
        clearance: this.hourlyClearance.map((h) => h.toJSON()),
      },
    };
    giveBackHistograms([
      clearance,
      crossing,
      wait,
      ...this.checkpointWait,
      ...this.checkpointTime,
      ...this.controlTime,
      ...this.hourlyClearance,
      ...this.byClass.map((g) => g.clearance),
      ...this.byDirection.map((g) => g.clearance),
    ]);
    return result;
  }
}
