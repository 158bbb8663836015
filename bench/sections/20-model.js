// The full Hetao weekday under every policy of the scenario, replication by replication in one thread.
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../../packages/scenario/dist/index.js";
import { createExperiment, runReplication } from "../../packages/experiment/dist/index.js";

export const CROSSINGS_TARGET = 500_000; // crossings per second per core (issue 12: median replication on hetao-weekday)
const SCENARIO = fileURLToPath(new URL("../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));

export default {
  name: "model",
  title: "hetao-weekday, all policies, one thread",
  async run(ctx) {
    const replications = Number(process.env.BENCH_REPLICATIONS ?? (ctx.quick ? 3 : 30));
    const { scenario } = await loadScenarioFile(SCENARIO);
    const WARMUP = 8;
    const spec = createExperiment(scenario, { replications: replications + WARMUP });
    // Warm up the JIT on replications that are not measured: the optimising
    // compiler needs a few thousand calls of each handler before it kicks in.
    for (let w = 0; w < WARMUP; w++) runReplication(spec, 0, replications + w);
    ctx.sampleMemory();
    let crossings = 0;
    let events = 0;
    const times = [];
    for (let r = 0; r < replications; r++) {
      const t0 = performance.now();
      const result = runReplication(spec, 0, r);
      times.push(performance.now() - t0);
      crossings += result.travellers * Object.keys(result.policies).length;
      events += result.events;
      ctx.sampleMemory();
    }
    const seconds = times.reduce((a, b) => a + b, 0) / 1000;
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    return [
      { figure: `replications × policies`, value: `${replications} × ${spec.policies.length}`, unit: spec.policies.join(", ") },
      { figure: "crossings simulated", value: crossings, unit: "traveller-policies" },
      { figure: "model throughput (mean)", value: crossings / seconds, unit: "crossings/s/core", target: CROSSINGS_TARGET },
      { figure: "model throughput (median replication)", value: crossings / replications / (median / 1000), unit: "crossings/s/core", target: CROSSINGS_TARGET },
      { figure: "model events", value: events / seconds, unit: "events/s" },
      { figure: "per replication (mean)", value: (seconds * 1000) / replications, unit: "ms" },
      { figure: "per replication (median)", value: median, unit: "ms" },
      { figure: `replications/s on ${availableParallelism()} threads (ideal)`, value: (availableParallelism() * replications) / seconds, unit: "rep/s" },
    ];
  },
};
