import type { Distribution } from "./distributions.js";
import { Environment, type EventHandler } from "./environment.js";
import { RandomStream } from "./random-stream.js";
import { ServerPool } from "./server-pool.js";

/** Options for {@link runTextbookStation}. */
export interface TextbookStationOptions {
  interarrival: Distribution;
  service: Distribution;
  servers: number;
  /** Customers whose statistics are kept (after the warm-up). */
  customers: number;
  /** Customers discarded first, to wash out the empty-and-idle start. Default 0. */
  warmupCustomers?: number;
  seed?: number;
  replication?: number;
}

/** Per-run output of {@link runTextbookStation}. */
export interface TextbookStationResult {
  customers: number;
  meanWait: number;
  probabilityWait: number;
  meanSojourn: number;
  /** Time-average number in system over the observation window (for Little's law). */
  timeAverageInSystem: number;
  /** Arrival rate observed over the window. */
  observedArrivalRate: number;
  /** Customers arrived = departed + still in system, at the end. */
  arrived: number;
  departed: number;
  inSystem: number;
  events: number;
}

const ARRIVAL = 0;
const DEPARTURE = 1;

/**
 * A single multi-server FIFO station (G/G/c) on the kernel: the textbook case
 * the kernel is validated and benchmarked on. Entity state lives in typed
 * arrays indexed by customer number, so the run allocates nothing per event.
 */
export function runTextbookStation(o: TextbookStationOptions): TextbookStationResult {
  const warm = o.warmupCustomers ?? 0;
  const total = warm + o.customers;
  const arrivalsRng = RandomStream.derive(o.seed ?? 1, 0, o.replication ?? 0, "arrivals");
  const serviceRng = RandomStream.derive(o.seed ?? 1, 0, o.replication ?? 0, "service");
  const env = new Environment(Math.max(64, o.servers * 4));
  const pool = new ServerPool({ servers: o.servers, binCount: 0, queueCapacity: 1024 });
  const arrivedAt = new Float64Array(total);

  let nextId = 0;
  let departed = 0;
  let waitSum = 0;
  let waited = 0;
  let sojournSum = 0;
  let observed = 0;
  // Number-in-system integral between the first and last observed arrival.
  let inSystem = 0;
  let lastT = 0;
  let area = 0;
  let windowStart = Number.NaN;
  let windowEnd = Number.NaN;

  const startService = (id: number, now: number): void => {
    if (id >= warm) {
      const w = now - arrivedAt[id]!;
      waitSum += w;
      if (w > 0) waited++;
    }
    env.at(now + o.service.sample(serviceRng), DEPARTURE, id);
  };

  const handler: EventHandler = {
    handle(kind, id, _b, now) {
      if (!Number.isNaN(windowStart) && Number.isNaN(windowEnd)) area += inSystem * (now - lastT);
      lastT = now;
      if (kind === ARRIVAL) {
        arrivedAt[id] = now;
        if (id === warm) windowStart = now;
        inSystem++;
        if (pool.arrive(id, 0, now)) startService(id, now);
        if (++nextId < total) env.at(now + o.interarrival.sample(arrivalsRng), ARRIVAL, nextId);
        else windowEnd = now;
      } else {
        departed++;
        inSystem--;
        if (id >= warm) {
          sojournSum += now - arrivedAt[id]!;
          observed++;
        }
        pool.depart(now);
        while (pool.canStart()) startService(pool.startNext(now), now);
      }
    },
  };

  env.at(o.interarrival.sample(arrivalsRng), ARRIVAL, nextId);
  env.run(handler);
  const span = windowEnd - windowStart;
  return {
    customers: o.customers,
    meanWait: waitSum / o.customers,
    probabilityWait: waited / o.customers,
    meanSojourn: sojournSum / observed,
    timeAverageInSystem: span > 0 ? area / span : 0,
    observedArrivalRate: span > 0 ? (o.customers - 1) / span : 0,
    arrived: nextId,
    departed,
    inSystem,
    events: env.processed,
  };
}
