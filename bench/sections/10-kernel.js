// Kernel throughput: the M/M/4 textbook station at ρ = 0.9 on the event calendar and server pool.
import { Exponential } from "../../packages/sim-core/dist/index.js";
import { runTextbookStation } from "../textbook-station.js";
import { mmcMeanWait } from "../../packages/stats/dist/index.js";

const SERVERS = 4;
const RHO = 0.9;
const MU = 1; // service rate per server (time unit: mean service time)
const LAMBDA = RHO * SERVERS * MU;
export const KERNEL_TARGET = 1_000_000; // customers per second

export default {
  name: "kernel",
  title: `runTextbookStation M/M/${SERVERS}, ρ = ${RHO}`,
  async run(ctx) {
    const customers = ctx.quick ? 200_000 : 1_000_000;
    const station = (n, seed) =>
      runTextbookStation({
        interarrival: new Exponential(1 / LAMBDA),
        service: new Exponential(1 / MU),
        servers: SERVERS,
        customers: n,
        warmupCustomers: 10_000,
        seed,
      });
    station(100_000, 99); // warm up the JIT
    ctx.sampleMemory();
    const t0 = performance.now();
    const r = station(customers, 1);
    const seconds = (performance.now() - t0) / 1000;
    ctx.sampleMemory();
    const theory = mmcMeanWait(LAMBDA, MU, SERVERS);
    return [
      { figure: `customers simulated`, value: customers + 10_000, unit: "" },
      { figure: "kernel throughput", value: (customers + 10_000) / seconds, unit: "customers/s", target: KERNEL_TARGET },
      { figure: "kernel events", value: r.events / seconds, unit: "events/s" },
      { figure: "mean wait / Erlang C (sanity)", value: r.meanWait / theory, unit: "ratio" },
    ];
  },
};
