/**
 * Seeded mutations of the shipped presets: each mutant is either accepted (it loads and resolves) or
 * rejected with a ScenarioError whose every issue names a field path that its message shows. Nothing
 * else may escape the loader: no TypeError, no RangeError, no stack overflow. A failure prints the seed
 * and the mutation, so it reproduces with that one case.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ScenarioError, loadScenarioText } from "../src/index.js";

const SEEDS = fileURLToPath(new URL("../../../seeds/scenarios/", import.meta.url));
const PRESETS = readdirSync(SEEDS).filter((f) => f.endsWith(".yaml"));
const MUTANTS_PER_PRESET = 50;

/** mulberry32: a tiny seeded generator, so a failing case reproduces from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Node = unknown;
type Step = string | number;

/** Every path in the document (objects and arrays included), root excluded. */
function paths(node: Node, prefix: Step[] = [], out: Step[][] = []): Step[][] {
  if (Array.isArray(node)) node.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out)));
  else if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) out.push([...prefix, k]), paths(v, [...prefix, k], out);
  return out;
}

function parentOf(doc: Node, path: Step[]): Record<string | number, unknown> {
  let n = doc as Record<string | number, unknown>;
  for (const s of path.slice(0, -1)) n = n[s] as Record<string | number, unknown>;
  return n;
}

const ODD_VALUES: unknown[] = [null, -1, 0, 0.5, 1e9, 1e15, -1e308, 1e308, "", "x", "25:61", "NaN", true, [], {}, [1, 2, 3], { unexpected: 1 }, "a".repeat(5000)];

/** Applies one random mutation; returns a one-line description of it. */
function mutate(doc: Node, next: () => number): string {
  const all = paths(doc);
  const path = all[Math.floor(next() * all.length)]!;
  const parent = parentOf(doc, path);
  const key = path[path.length - 1]!;
  const where = path.join(".");
  const op = Math.floor(next() * 7);
  const value = parent[key];
  switch (op) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return `delete ${where}`;
    case 1: {
      const v = ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
      parent[key] = structuredClone(v);
      return `set ${where} = ${JSON.stringify(v)?.slice(0, 40)}`;
    }
    case 2:
      if (typeof value === "number") {
        const factor = [-1, 0, 1e-6, 1e6, 1e12][Math.floor(next() * 5)]!;
        parent[key] = value * factor;
        return `scale ${where} by ${factor}`;
      }
      parent[key] = String(value);
      return `stringify ${where}`;
    case 3: {
      const other = all[Math.floor(next() * all.length)]!;
      parent[key] = structuredClone(parentOf(doc, other)[other[other.length - 1]!]);
      return `copy ${other.join(".")} to ${where}`;
    }
    case 4:
      if (Array.isArray(value) && value.length > 0) {
        value.push(structuredClone(value[0]));
        return `duplicate ${where}[0]`;
      }
      parent[key] = [value];
      return `wrap ${where} in a list`;
    case 5:
      if (!Array.isArray(parent)) {
        delete parent[key];
        parent[`${String(key)}X`] = value;
        return `rename ${where} to ${String(key)}X`;
      }
      parent[key] = { value };
      return `box ${where}`;
    default: {
      // Deep nesting at a random place.
      let deep: unknown = 1;
      for (let i = 0; i < 200; i++) deep = [deep];
      parent[key] = deep;
      return `nest ${where} 200 levels deep`;
    }
  }
}

describe("seeded mutations of the presets", () => {
  // The mutants are written beside copies of the presets, so that `extends:` finds its parent.
  const dir = mkdtempSync(join(tmpdir(), "hetao-fuzz-"));
  for (const f of PRESETS) copyFileSync(join(SEEDS, f), join(dir, f));

  it.each(PRESETS)("%s: every mutant loads or is rejected naming a field path", (preset) => {
    const original = parse(readFileSync(join(SEEDS, preset), "utf8")) as Node;
    let accepted = 0;
    let rejected = 0;
    for (let k = 0; k < MUTANTS_PER_PRESET; k++) {
      const seed = 1_000 * PRESETS.indexOf(preset) + k;
      const next = rng(seed);
      const doc = structuredClone(original);
      const steps = 1 + Math.floor(next() * 3);
      const applied: string[] = [];
      for (let s = 0; s < steps; s++) applied.push(mutate(doc, next));
      const source = join(dir, `mutant-${seed}.yaml`);
      const text = stringify(doc, { aliasDuplicateObjects: false });
      writeFileSync(source, text);
      const label = `${preset}, seed ${seed}: ${applied.join("; ")}`;
      try {
        loadScenarioText(text, source);
        accepted++;
      } catch (err) {
        if (!(err instanceof ScenarioError)) throw new Error(`${label}: the loader threw ${String(err)}`, { cause: err });
        rejected++;
        expect(err.issues.length, label).toBeGreaterThan(0);
        for (const issue of err.issues) {
          expect(issue.message, label).not.toMatch(/Maximum call stack|undefined is not|Cannot read properties|is not a function/);
          // Long paths are clipped in the message (an excerpt with its length), so their start is what shows.
          if (issue.path !== "") expect(err.message, label).toContain(issue.path.slice(0, 60));
        }
        // The message stays readable however large the offending value was.
        expect(err.message.length, label).toBeLessThan(20_000);
      }
    }
    // The mutations bite: most mutants are wrong in some way, and the count is stated on failure.
    expect(rejected, `${preset}: ${accepted} accepted, ${rejected} rejected`).toBeGreaterThan(MUTANTS_PER_PRESET / 4);
  });
});
