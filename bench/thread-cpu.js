// Per-thread CPU of one simulator process over a 200-replication experiment on hetao-weekday: a
// diagnostic for where the simulator spends CPU beyond the replication (docs/operations.md), not a
// section of `pnpm bench`. `C=2` for two replication threads; `SIM_ARGS="--cpu-prof --cpu-prof-dir=DIR"`
// to write a V8 profile of each of its threads. Needs Redis at REDIS_URL and `npx tsc -b` first.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createExperiment, replicationsPerJob } from "../packages/experiment/dist/index.js";
import { TOOL_VERSION, submitExperiment } from "../packages/messaging/dist/index.js";
import { loadScenarioFile } from "../packages/scenario/dist/index.js";
import { benchPrefix, startService } from "./services.js";

function threads(pid) {
  const out = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const comm = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    out[`${tid} ${comm}`] = (Number(f[11]) + Number(f[12])) * 10;
  }
  return out;
}
const scratch = benchPrefix("thread-cpu");
const { env } = scratch;
const client = scratch.client();
const { store, simulate } = client;
const { scenario } = await loadScenarioFile(fileURLToPath(new URL("../seeds/scenarios/hetao-weekday.yaml", import.meta.url)));
const metrics = startService("metrics", env);
const sim = startService("simulator", { ...env, SIMULATOR_CONCURRENCY: process.env.C ?? "1" }, { execArgv: process.env.SIM_ARGS ? process.env.SIM_ARGS.split(" ") : [] });
await Promise.all([metrics.ready, sim.ready]);
let seed = 1;
async function run(n) {
  const s = createExperiment(scenario, { replications: n, seed: seed++ });
  const { id } = await submitExperiment({ store, simulate, replicationsPerJob: replicationsPerJob(s) }, s, TOOL_VERSION);
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const st = await store.status(id);
    if (st.done >= st.total) return;
  }
}
await run(100);
const n = 200;
const a = threads(sim.pid);
await run(n);
const b = threads(sim.pid);
let total = 0;
for (const k of Object.keys(b)) {
  const d = (b[k] - (a[k] ?? 0)) / n;
  total += d;
  if (d > 0.01) console.log(k.padEnd(28), d.toFixed(2), "ms/rep");
}
console.log("total".padEnd(28), total.toFixed(2), "ms/rep");
await sim.stop();
await metrics.stop();
await scratch.remove();
await client.close();
