// How a replication thread should hand its encoded result to the main thread: copied (structured
// clone of the Uint8Array) or transferred (its ArrayBuffer in the transfer list). A diagnostic behind
// the choice in services/simulator/src/replication-thread.ts (docs/operations.md), not a section of
// `pnpm bench`. Each run is a fresh process whose worker thread runs 16 warm-up and then N hetao-weekday
// replications, encodes each result and posts it to the main thread, which drops it; the runs alternate
// the two ways, PAIRS times, and print the worker's wall time per replication. `N=200 PAIRS=4` by
// default. Needs `npx tsc -b` first.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const N = Number(process.env.N ?? 200);

async function replications(way) {
  const { loadScenarioFile } = await import(`${ROOT}packages/scenario/dist/index.js`);
  const { createExperiment, runReplication } = await import(`${ROOT}packages/experiment/dist/index.js`);
  const { encodeResult } = await import(`${ROOT}packages/messaging/dist/index.js`);
  const { scenario } = await loadScenarioFile(`${ROOT}seeds/scenarios/hetao-weekday.yaml`);
  const spec = createExperiment(scenario, { replications: N + 16, seed: 77 });
  const post = (bytes) => (way === "transfer" ? parentPort.postMessage({ bytes }, [bytes.buffer]) : parentPort.postMessage({ bytes }));
  for (let i = 0; i < 16; i++) post(encodeResult(runReplication(spec, 0, N + i)));
  const t0 = performance.now();
  for (let i = 0; i < N; i++) post(encodeResult(runReplication(spec, 0, i)));
  return (performance.now() - t0) / N;
}

if (!isMainThread) {
  parentPort.postMessage({ ms: await replications(workerData) });
} else if (process.argv[2]) {
  // One run: a worker thread doing the replications one way.
  const worker = new Worker(new URL(import.meta.url), { workerData: process.argv[2] });
  const ms = await new Promise((resolve, reject) => {
    worker.on("message", (m) => m.ms !== undefined && resolve(m.ms));
    worker.once("error", reject);
  });
  await worker.terminate();
  process.stdout.write(String(ms));
} else {
  const pairs = Number(process.env.PAIRS ?? 4);
  const ms = { copy: [], transfer: [] };
  for (let p = 0; p < pairs; p++) {
    for (const way of p % 2 === 0 ? ["transfer", "copy"] : ["copy", "transfer"]) {
      const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), way], { encoding: "utf8" });
      if (run.status !== 0) throw new Error(`${way} run failed: ${run.stderr}`);
      ms[way].push(Number(run.stdout));
      console.log(`pair ${p + 1}: ${way.padEnd(8)} ${Number(run.stdout).toFixed(2)} ms per replication`);
    }
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`mean: copy ${mean(ms.copy).toFixed(2)} ms, transfer ${mean(ms.transfer).toFixed(2)} ms per replication (${N} replications a run, ${pairs} pairs)`);
}
