// How two simulator processes share an experiment: a diagnostic for the fleet's scaling figure
// (docs/operations.md, "Performance"), not a section of `pnpm bench`. Starts a metrics worker and two
// simulators (one replication thread each, as the scaling figure runs them), warms them on 160
// replications, then runs ROUNDS (default 3) experiments of N (default 200) hetao-weekday replications
// and prints, for each: every simulator's blocks (size @ taken–finished, ms after submission), how far
// apart the two finished, and the CPU each process and the machine spent until the last result was in
// (/proc; the report the metrics worker builds afterwards is left out). Then the same N replications in
// two plain processes at once, for the CPU a replication costs without the fleet.
// Needs Redis at REDIS_URL and `npx tsc -b` first.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createExperiment, replicationsPerJob } from "../packages/experiment/dist/index.js";
import { TOOL_VERSION, submitExperiment } from "../packages/messaging/dist/index.js";
import { loadScenarioFile } from "../packages/scenario/dist/index.js";
import { cpuSeconds, replicationLoops, settle } from "./fleet.js";
import { benchPrefix, startService } from "./services.js";

const N = Number(process.env.N ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SCENARIO = fileURLToPath(new URL("../seeds/scenarios/hetao-weekday.yaml", import.meta.url));

/** The machine's CPU seconds so far, all cores, and of them idle. */
function machineSeconds() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: f.reduce((a, b) => a + b, 0) / 100, idle: (f[3] + f[4]) / 100 };
}
function redisPid() {
  try {
    return Number(execFileSync("pgrep", ["-o", "-x", "redis-server"], { encoding: "utf8" }).trim());
  } catch {
    return undefined;
  }
}

const scratch = benchPrefix("fleet-timeline");
const client = scratch.client();
const { store, simulate } = client;
const { scenario } = await loadScenarioFile(SCENARIO);
const metrics = startService("metrics", scratch.env);
const sims = [0, 1].map(() => startService("simulator", { ...scratch.env, SIMULATOR_CONCURRENCY: "1" }));
await Promise.all([metrics.ready, ...sims.map((s) => s.ready)]);
const pids = { "simulator A": sims[0].pid, "simulator B": sims[1].pid, metrics: metrics.pid, redis: redisPid(), "this process": process.pid };
const names = new Map();
const snapshot = () => ({
  cpu: Object.fromEntries(Object.entries(pids).filter(([, p]) => p !== undefined).map(([k, p]) => [k, cpuSeconds(p)])),
  machine: machineSeconds(),
});

let seed = 1;
async function run(n) {
  const spec = createExperiment(scenario, { replications: n, seed: seed++ });
  const before = snapshot();
  const t0 = Date.now();
  const { id } = await submitExperiment({ store, simulate, replicationsPerJob: replicationsPerJob(spec) }, spec, TOOL_VERSION);
  let atLast;
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const status = await store.status(id);
    if (status.state === "failed") throw new Error(`experiment failed: ${JSON.stringify(status.errors)}`);
    if (atLast === undefined && status.done >= status.total) atLast = snapshot();
    if (status.state === "completed") break;
  }
  const jobs = (await simulate.getJobs(["completed"], 0, -1)).filter((j) => j.id.startsWith(`${id}.`));
  await settle([metrics.pid, ...sims.map((s) => s.pid)]);
  return { t0, before, atLast, jobs, perJob: replicationsPerJob(spec) };
}

try {
  await run(160); // warm-up: threads start, the JIT tiers up
  for (let round = 1; round <= ROUNDS; round++) {
    const { t0, before, atLast, jobs, perJob } = await run(N);
    const byWorker = new Map();
    for (const j of jobs) {
      if (!byWorker.has(j.processedBy)) byWorker.set(j.processedBy, []);
      byWorker.get(j.processedBy).push(j);
    }
    const finished = [];
    console.log(`\nround ${round}: ${N} replications in ${jobs.length} jobs (replicationsPerJob ${perJob})`);
    for (const [worker, js] of [...byWorker].sort()) {
      if (!names.has(worker)) names.set(worker, `worker ${names.size + 1}`);
      js.sort((a, b) => a.processedOn - b.processedOn);
      const reps = js.reduce((a, j) => a + (j.data.count ?? 1), 0);
      const end = Math.max(...js.map((j) => j.finishedOn)) - t0;
      finished.push(end);
      const blocks = js.map((j) => `${j.data.count ?? 1}@${j.processedOn - t0}–${j.finishedOn - t0}`).join(" ");
      console.log(`  ${names.get(worker)}: ${reps} replications in ${js.length} jobs, last finished at ${end} ms; ${blocks}`);
    }
    const spread = Math.max(...finished) - Math.min(...finished);
    const cpu = Object.entries(atLast.cpu).map(([k, v]) => `${k} ${(v - before.cpu[k]).toFixed(2)} s`);
    const total = atLast.machine.total - before.machine.total;
    const idle = atLast.machine.idle - before.machine.idle;
    const simCpu = (atLast.cpu["simulator A"] - before.cpu["simulator A"] + atLast.cpu["simulator B"] - before.cpu["simulator B"]) / N;
    console.log(`  the two finished ${spread} ms apart; until the last result: ${cpu.join(", ")}; machine ${total.toFixed(2)} s, ${idle.toFixed(2)} s of it idle`);
    console.log(`  simulators' CPU per replication: ${(simCpu * 1000).toFixed(1)} ms`);
  }
  const plain = await replicationLoops(2, N);
  console.log(`\ntwo plain processes at once, ${N} replications each: ${plain.cpu.toFixed(1)} ms of CPU and ${plain.wall.toFixed(1)} ms of wall time per replication (mean of the two)`);
} finally {
  await Promise.all(sims.map((s) => s.stop()));
  await metrics.stop();
  await client.close();
  await scratch.remove();
}
