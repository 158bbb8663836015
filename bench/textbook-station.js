// The kernel bench's model (bench/sections/10-kernel.js): a single G/G/c station on the kernel's public API,
// set against a bare hand-written event loop. Kept with the bench, not in @hetao/sim-core's API: nothing
// else uses it (the theory tests run the crossing model itself, on the mmc-textbook scenario).
//
// Options: { interarrival, service (Distributions), servers, customers (kept after the warm-up),
// warmupCustomers = 0, seed = 1, replication = 0 }. Returns { customers, meanWait, probabilityWait,
// meanSojourn, timeAverageInSystem, observedArrivalRate, arrived, departed, inSystem, events }.
import { Environment, RandomStream, ServerPool } from "../packages/sim-core/dist/index.js";
const ARRIVAL = 0;
const DEPARTURE = 1;
/**
 * A single multi-server FIFO station (G/G/c) on the kernel: the textbook case
 * the kernel is validated and benchmarked on. Entity state lives in typed
 * arrays indexed by customer number, so the run allocates nothing per event.
 */
export function runTextbookStation(o) {
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
    const startService = (id, now) => {
        if (id >= warm) {
            const w = now - arrivedAt[id];
            waitSum += w;
            if (w > 0)
                waited++;
        }
        env.at(now + o.service.sample(serviceRng), DEPARTURE, id);
    };
    const handler = {
        handle(kind, id, _b, now) {
            if (!Number.isNaN(windowStart) && Number.isNaN(windowEnd))
                area += inSystem * (now - lastT);
            lastT = now;
            if (kind === ARRIVAL) {
                arrivedAt[id] = now;
                if (id === warm)
                    windowStart = now;
                inSystem++;
                if (pool.arrive(id, 0, now))
                    startService(id, now);
                if (++nextId < total)
                    env.at(now + o.interarrival.sample(arrivalsRng), ARRIVAL, nextId);
                else
                    windowEnd = now;
            }
            else {
                departed++;
                inSystem--;
                if (id >= warm) {
                    sojournSum += now - arrivedAt[id];
                    observed++;
                }
                pool.depart(now);
                while (pool.canStart())
                    startService(pool.startNext(now), now);
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
