// Where one replication of hetao-weekday spends its CPU and what it allocates, by function: a diagnostic
// for speeding up the model (docs/operations.md, "Model speed"), not a section of `pnpm bench`.
// Warms the JIT on 8 replications, then profiles N (default 40) through the inspector: the V8 CPU
// profiler (self time) and the sampling heap profiler counting objects the scavenger already collected
// (what the young generation churns through, e.g. doubles boxed across calls). `TOP=30` rows;
// `OUT=DIR` also writes the .cpuprofile and .heapprofile for Chrome DevTools. Needs `npx tsc -b` first.
import { Session } from "node:inspector/promises";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runReplication } from "../packages/experiment/dist/index.js";
import { warmHetaoWeekday } from "./sections/20-model.js";

const N = Number(process.env.N ?? 40);
const TOP = Number(process.env.TOP ?? 25);
const spec = await warmHetaoWeekday(N);

const frame = (cf) => `${cf.functionName || "(anonymous)"} ${cf.url.split("/").pop()}:${cf.lineNumber + 1}`;
function table(title, rows, total, unit, scale) {
  console.log(`\n${title}`);
  for (const [name, v] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${((100 * v) / total).toFixed(1).padStart(6)} %  ${(v * scale).toFixed(scale === 1 ? 0 : 2).padStart(9)} ${unit}  ${name}`);
  }
}

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
await session.post("Profiler.start");
const t0 = performance.now();
for (let r = 0; r < N; r++) runReplication(spec, 0, r);
const ms = (performance.now() - t0) / N;
const { profile: cpu } = await session.post("Profiler.stop");
const { profile: heap } = await session.post("HeapProfiler.stopSampling");
session.disconnect();

// CPU: self time per function (inlined callees count in their caller), in ms per replication.
const self = new Map();
const byId = new Map(cpu.nodes.map((n) => [n.id, n]));
let cpuTotal = 0;
for (let i = 0; i < cpu.samples.length; i++) {
  const dt = cpu.timeDeltas[i] ?? 0;
  const name = frame(byId.get(cpu.samples[i]).callFrame);
  self.set(name, (self.get(name) ?? 0) + dt);
  cpuTotal += dt;
}
// Allocation: bytes per replication by allocating function.
const alloc = new Map();
let allocTotal = 0;
(function walk(n) {
  const name = frame(n.callFrame);
  alloc.set(name, (alloc.get(name) ?? 0) + n.selfSize);
  allocTotal += n.selfSize;
  for (const c of n.children) walk(c);
})(heap.head);

console.log(`hetao-weekday, ${N} replications × ${spec.policies.length} policies, profiled: ${ms.toFixed(1)} ms per replication (the profilers slow it)`);
table(`CPU self time (ms per replication; inlined callees count in their caller)`, self, cpuTotal, "ms", 1 / 1000 / N);
table(`allocated (KB per replication, ${(allocTotal / N / 1e6).toFixed(1)} MB in all)`, alloc, allocTotal, "KB", 1 / 1000 / N);
if (process.env.OUT) {
  mkdirSync(process.env.OUT, { recursive: true });
  writeFileSync(join(process.env.OUT, "model.cpuprofile"), JSON.stringify(cpu));
  writeFileSync(join(process.env.OUT, "model.heapprofile"), JSON.stringify(heap));
  console.log(`\nwrote ${process.env.OUT}/model.cpuprofile and model.heapprofile (open in Chrome DevTools)`);
}
