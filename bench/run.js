#!/usr/bin/env node
// Benchmarks of the built packages (run `pnpm bench`, which builds first).
//
//   node bench/run.js [--quick] [section ...]
//
// Every module in bench/sections/*.js (in file-name order) is a section exporting
//   export default { name, title, async run(ctx) -> Row[] }
// with Row = { figure, value, unit, target?, ok? }. Give section names to run only those
// (the memory figures are always printed last). To add figures, drop a new file into
// bench/sections/ (the fleet benchmarks go there), nothing here needs to change.
import { readdirSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const quick = args.includes("--quick") || process.env.BENCH_QUICK === "1";
const wanted = args.filter((a) => !a.startsWith("--"));

const sectionsDir = new URL("./sections/", import.meta.url);
const files = readdirSync(fileURLToPath(sectionsDir))
  .filter((f) => f.endsWith(".js"))
  .sort();
const sections = [];
for (const f of files) {
  const mod = await import(new URL(f, sectionsDir).href);
  const section = mod.default ?? mod.section;
  if (section && typeof section.run === "function") sections.push(section);
}
const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(", ")}; available: ${sections.map((s) => s.name).join(", ")}`);
  process.exit(1);
}

// Peak heap is sampled at section boundaries and whenever a section calls ctx.sampleMemory().
let peakHeap = 0;
function sampleMemory() {
  const { heapUsed } = process.memoryUsage();
  if (heapUsed > peakHeap) peakHeap = heapUsed;
}
const ctx = { quick, sampleMemory };

const rows = [];
const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(`hetao-sim benchmarks — Node ${process.version}, ${cpu}, ${availableParallelism()} hardware threads${quick ? " (quick)" : ""}\n`);
for (const section of sections) {
  if (wanted.length > 0 && !wanted.includes(section.name)) continue;
  sampleMemory();
  process.stderr.write(`running ${section.name}: ${section.title} …\n`);
  const result = await section.run(ctx);
  sampleMemory();
  for (const row of result) rows.push({ section: section.name, ...row });
}

const usage = process.resourceUsage();
sampleMemory();
rows.push(
  { section: "memory", figure: "peak resident set (maxRSS)", value: usage.maxRSS / 1024, unit: "MiB" },
  { section: "memory", figure: "peak heap used (sampled)", value: peakHeap / 2 ** 20, unit: "MiB" },
);

function fmt(value) {
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const table = [["section", "figure", "value", "unit", "target", ""]].concat(
  rows.map((r) => [
    r.section,
    r.figure,
    fmt(r.value),
    r.unit ?? "",
    r.target === undefined ? "" : `≥ ${fmt(r.target)}`,
    r.ok === undefined ? (r.target === undefined ? "" : r.value >= r.target ? "ok" : "BELOW") : r.ok ? "ok" : "BELOW",
  ]),
);
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
const right = new Set([2, 4]);
for (const [k, r] of table.entries()) {
  console.log(r.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd());
  if (k === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
