// The full Hetao weekday under every policy of the scenario, replication by replication in one thread.
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../../packages/scenario/dist/index.js";
import { createExperiment, runReplication } from "../../packages/experiment/dist/index.js";

export const CROSSINGS_TARGET = 500_000; // crossings per second per core (issue 12: median replication on hetao-weekday)
const SCENARIO = fileURLToPath(new URL("../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));

/** Replications run before measuring, and not measured. */
export const WARMUP = 8;

/**
 * The hetao-weekday experiment with `measured` replications (0 … measured − 1) plus WARMUP more,
 * after running those WARMUP (measured + 0 … WARMUP − 1): the optimising compiler needs a few
 * thousand calls of each handler before it kicks in, so the measured replications run warm.
 */
export async function warmHetaoWeekday(measured) {
  const { scenario } = await loadScenarioFile(SCENARIO);
  const spec = createExperiment(scenario, { replications: measured + WARMUP });
  for (let w = 0; w < WARMUP; w++) runReplication(spec, 0, measured + w);
  return spec;
}

export default {
  name: "model",
  title: "hetao-weekday, all policies, one thread",
  async run(ctx) {
    const replications = Number(process.env.BENCH_REPLICATIONS ?? (ctx.quick ? 3 : 30));
    const spec = await warmHetaoWeekday(replications);
    ctx.sampleMemory();
    let crossings = 0;
    let events = 0;
    const times = [];
    // CPU per replication too (the process's, V8's garbage-collection helpers included): on a shared
    // machine wall time drifts with the neighbours, CPU time much less.
    const cpus = [];
    for (let r = 0; r < replications; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const result = runReplication(spec, 0, r);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpus.push((c.user + c.system) / 1000);
      crossings += result.travellers * Object.keys(result.policies).length;
      events += result.events;
      ctx.sampleMemory();
    }
    const seconds = times.reduce((a, b) => a + b, 0) / 1000;
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const cpuMedian = [...cpus].sort((a, b) => a - b)[Math.floor(cpus.length / 2)];
    return [
      { figure: `replications × policies`, value: `${replications} × ${spec.policies.length}`, unit: spec.policies.join(", ") },
      { figure: "crossings simulated", value: crossings, unit: "traveller-policies" },
      { figure: "model throughput (mean)", value: crossings / seconds, unit: "crossings/s/core", target: CROSSINGS_TARGET },
      { figure: "model throughput (median replication)", value: crossings / replications / (median / 1000), unit: "crossings/s/core", target: CROSSINGS_TARGET },
      { figure: "model throughput per CPU second (median)", value: crossings / replications / (cpuMedian / 1000), unit: "crossings/CPU-s (process CPU, all threads)" },
      { figure: "model events", value: events / seconds, unit: "events/s" },
      { figure: "per replication (mean)", value: (seconds * 1000) / replications, unit: "ms" },
      { figure: "per replication (median)", value: median, unit: "ms" },
      { figure: "CPU per replication (median)", value: cpuMedian, unit: "ms (process CPU, all threads)" },
      { figure: `replications/s on ${availableParallelism()} threads (ideal)`, value: (availableParallelism() * replications) / seconds, unit: "rep/s" },
    ];
  },
};
