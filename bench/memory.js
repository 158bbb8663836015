#!/usr/bin/env node
// Peak memory against the replication count (issue 11: results are merged as they arrive).
//
// For 100 and 10,000 replications of seeds/scenarios/two-counters.yaml (small, so 10,000 take seconds),
// embedded (EmbeddedRunner, 2 threads) and on the fleet (FleetRunner against a fresh metrics worker and
// simulator, Redis at REDIS_URL), each case in a process of its own (bench/memory-case.js):
//   - merged: peak RSS (process.resourceUsage().maxRSS, threads included) once every result is merged
//     into the ReportAccumulator: what holding every result used to grow;            target ratio ≤ 1.5
//   - with report: the peak after rendering the report bundle, whose per-replication table (and its
//     CSV/Parquet exports) grows with the count by design (about 1.4 KB of JSON per replication here);
//   - the metrics worker's peak over the case (it merges from Redis in plan-order batches, then writes
//     the bundle).
// Standalone: `node bench/memory.js [--quick]` (quick: 100 and 2,000); a section of `pnpm bench`.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { REDIS_URL, benchPrefix, reachable, startService } from "./services.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SCENARIO = join(ROOT, "seeds/scenarios/two-counters.yaml");
export const RATIO_TARGET = 1.5;

function runCase(transport, n, env) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [join(ROOT, "bench/memory-case.js"), transport, SCENARIO, String(n)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    proc.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop())) : reject(new Error(`memory case ${transport} ${n} exited with ${code}`))));
  });
}

const MiB = (kb) => kb / 1024;

export async function runMemoryBench({ quick = false, log = (s) => process.stderr.write(`${s}\n`) } = {}) {
  const counts = [100, quick ? 2000 : 10_000];
  const rows = [];
  const ratio = (a, b, figure, unit, gated) => {
    const r = b / a;
    rows.push({ figure, value: r, unit, ...(gated ? { ok: r <= RATIO_TARGET } : {}) });
  };

  const embedded = [];
  for (const n of counts) {
    log(`memory: ${n} replications embedded (2 threads) …`);
    embedded.push(await runCase("embedded", n, {}));
  }
  counts.forEach((n, i) => {
    rows.push({ figure: `embedded ${n} reps: peak RSS, results merged`, value: MiB(embedded[i].merged), unit: `MiB (two-counters, ${embedded[i].seconds.toFixed(1)} s)` });
    rows.push({ figure: `embedded ${n} reps: peak RSS, with report`, value: MiB(embedded[i].total), unit: `MiB (report.json ${(embedded[i].reportBytes / 2 ** 20).toFixed(1)} MiB)` });
  });
  ratio(embedded[0].merged, embedded[1].merged, `embedded ratio ${counts[1]} / ${counts[0]}, merged`, `(target ≤ ${RATIO_TARGET})`, true);
  ratio(embedded[0].total, embedded[1].total, `embedded ratio ${counts[1]} / ${counts[0]}, with report`, "(the report's table grows by design)", false);

  if (!(await reachable())) {
    rows.push({ figure: "fleet memory", value: "skipped", unit: `Redis not reachable at ${REDIS_URL}` });
    return rows;
  }
  const fleet = [];
  for (const n of counts) {
    const scratch = benchPrefix(`bench-mem-${n}`, { MAX_REPLICATIONS: "100000" });
    const { env } = scratch;
    const metrics = startService("metrics", env, { probeRss: true });
    const sim = startService("simulator", { ...env, SIMULATOR_CONCURRENCY: "2" }, { probeRss: true });
    try {
      await Promise.all([metrics.ready, sim.ready]);
      log(`memory: ${n} replications on the fleet (1 simulator × 2 threads, 1 metrics worker) …`);
      const c = await runCase("fleet", n, env);
      c.metrics = await metrics.stop();
      fleet.push(c);
    } finally {
      await metrics.stop();
      await sim.stop();
      await scratch.remove();
    }
  }
  counts.forEach((n, i) => {
    rows.push({ figure: `fleet ${n} reps: CLI peak RSS, results merged`, value: MiB(fleet[i].merged), unit: `MiB (${fleet[i].seconds.toFixed(1)} s)` });
    rows.push({ figure: `fleet ${n} reps: CLI peak RSS, with report`, value: MiB(fleet[i].total), unit: "MiB" });
    rows.push({ figure: `fleet ${n} reps: metrics worker peak RSS`, value: MiB(fleet[i].metrics), unit: "MiB (merge from Redis + report bundle)" });
  });
  ratio(fleet[0].merged, fleet[1].merged, `fleet CLI ratio ${counts[1]} / ${counts[0]}, merged`, `(target ≤ ${RATIO_TARGET})`, true);
  ratio(fleet[0].total, fleet[1].total, `fleet CLI ratio ${counts[1]} / ${counts[0]}, with report`, "(the report's table grows by design)", false);
  ratio(fleet[0].metrics, fleet[1].metrics, `metrics worker ratio ${counts[1]} / ${counts[0]}`, "(includes the report bundle)", false);
  counts.forEach((n, i) => {
    const same = fleet[i].sha256 === embedded[i].sha256;
    rows.push({ figure: `report.json identical, ${n} reps (embedded vs fleet)`, value: same ? "yes" : "NO", unit: "", ok: same });
  });
  return rows;
}

export default {
  name: "memory",
  title: "peak memory for 100 and 10,000 replications, embedded and on the fleet",
  async run(ctx) {
    return runMemoryBench({ quick: ctx.quick });
  },
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  for (const r of await runMemoryBench({ quick })) {
    const value = typeof r.value === "number" ? r.value.toFixed(r.value >= 100 ? 0 : 2) : r.value;
    console.log(`${r.figure.padEnd(56)} ${String(value).padStart(8)} ${r.unit ?? ""} ${r.ok === undefined ? "" : r.ok ? "ok" : "MISSED"}`);
  }
}
