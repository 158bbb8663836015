#!/usr/bin/env node
// Compares two report.json files: same structure (keys, key order, array lengths, types, nulls) and every
// number within 1e-9 relative (or 1e-12 absolute: rounding noise such as the sd of a constant, ~1e-14).
// Prints counts and the worst relative difference among values above 1e-9; exit 1 on any problem.
//   node scripts/compare-reports.mjs old/report.json new/report.json
// Used to check the streaming ReportAccumulator against the two-pass statistics it replaced.
import { readFileSync } from "node:fs";
const [a, b] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, "utf8")));
let numbers = 0, exact = 0, worst = 0, worstPath = "", problems = [];
function walk(x, y, path) {
  if (typeof x !== typeof y || (x === null) !== (y === null) || Array.isArray(x) !== Array.isArray(y)) return problems.push(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  if (typeof x === "number") {
    numbers++;
    if (x === y) { exact++; return; }
    const rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
    const ok = rel <= 1e-9 || Math.abs(x - y) <= 1e-12;
    if (Math.max(Math.abs(x), Math.abs(y)) > 1e-9 && rel > worst) { worst = rel; worstPath = `${path} ${x} vs ${y}`; }
    if (!ok) problems.push(`${path}: ${x} vs ${y} (rel ${rel})`);
    return;
  }
  if (x === null || typeof x !== "object") { if (x !== y) problems.push(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`); return; }
  const kx = Object.keys(x), ky = Object.keys(y);
  if (kx.join("\u0000") !== ky.join("\u0000")) return problems.push(`${path}: keys ${kx} vs ${ky}`);
  for (const k of kx) walk(x[k], y[k], `${path}.${k}`);
}
walk(a, b, "$");
console.log(JSON.stringify({ numbers, exact, differing: numbers - exact, worstRelative: worst, worstPath, problems: problems.slice(0, 10), problemCount: problems.length }));
process.exit(problems.length ? 1 : 0);
