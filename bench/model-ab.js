#!/usr/bin/env node
// Paired A/B of the model's speed: two builds of the packages, each replication of hetao-weekday run
// under both in one process, alternating, so that this machine's drift (10–25 % within minutes) falls on
// both alike. A diagnostic for model speed work (docs/operations.md, "Model speed"), not a section of
// `pnpm bench`.
//
//   node bench/model-ab.js snapshot DIR        copy the built packages (after `npx tsc -b`) to DIR
//   node bench/model-ab.js compare A B [N]     N replications (default 200) under each, in two processes
//                                              (A loaded first, then B first: the build loaded first runs
//                                              about 2 % faster), and the ratio B / A of the median times
//
// A change to the model is measured by a snapshot before it, a snapshot after, and `compare`; check
// first that the change leaves every report byte-identical.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SCENARIO = join(ROOT, "seeds/scenarios/hetao-weekday.yaml");
const WARMUP = 10;
const [command, ...args] = process.argv.slice(2);

function snapshot(dir) {
  rmSync(dir, { recursive: true, force: true });
  for (const name of readdirSync(join(ROOT, "packages"))) {
    const from = join(ROOT, "packages", name);
    if (!existsSync(join(from, "dist"))) throw new Error(`packages/${name} has no dist: run npx tsc -b first`);
    mkdirSync(join(dir, "packages", name), { recursive: true });
    for (const part of ["dist", "package.json", "node_modules"]) {
      // The workspace links in node_modules are relative, so they point into the snapshot.
      if (existsSync(join(from, part))) cpSync(join(from, part), join(dir, "packages", name, part), { recursive: true, verbatimSymlinks: true });
    }
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
}

/** In a child: N replications under each build, alternating; prints the per-replication times as JSON. */
async function measure(dirs, n) {
  const runs = [];
  for (const dir of dirs) {
    const { loadScenarioFile } = await import(join(dir, "packages/scenario/dist/index.js"));
    const { createExperiment, runReplication } = await import(join(dir, "packages/experiment/dist/index.js"));
    const { scenario } = await loadScenarioFile(SCENARIO);
    const spec = createExperiment(scenario, { replications: n + WARMUP });
    runs.push((r) => runReplication(spec, 0, r));
  }
  for (let w = 0; w < WARMUP; w++) for (const run of runs) run(n + w);
  const times = runs.map(() => []);
  for (let r = 0; r < n; r++) {
    for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const t0 = performance.now();
      runs[k](r);
      times[k].push(performance.now() - t0);
    }
  }
  process.stdout.write(JSON.stringify(times));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

if (command === "snapshot" && args.length === 1) {
  snapshot(resolve(args[0]));
  console.log(`snapshot of the built packages in ${resolve(args[0])}`);
} else if (command === "compare" && args.length >= 2) {
  const [a, b] = [resolve(args[0]), resolve(args[1])];
  const n = Number(args[2] ?? 200);
  const self = fileURLToPath(import.meta.url);
  const ratios = [];
  for (const order of [[a, b], [b, a]]) {
    const child = spawnSync(process.execPath, [self, "measure", String(n), ...order], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (child.status !== 0) process.exit(child.status ?? 1);
    const [first, second] = JSON.parse(child.stdout).map(median);
    const [ta, tb] = order[0] === a ? [first, second] : [second, first];
    ratios.push(tb / ta);
    console.log(`${order[0] === a ? "A first" : "B first"}: median ${ta.toFixed(2)} ms (A) and ${tb.toFixed(2)} ms (B) per replication; B / A = ${(tb / ta).toFixed(3)}`);
  }
  console.log(`B / A = ${Math.sqrt(ratios[0] * ratios[1]).toFixed(3)} (geometric mean of the two orders; below 1: B is faster)`);
} else if (command === "measure") {
  await measure(args.slice(1), Number(args[0]));
} else {
  console.error("usage: node bench/model-ab.js snapshot DIR | compare A B [replications]");
  process.exit(2);
}
