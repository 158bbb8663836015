/**
 * Arrows point down: nothing under packages/ imports from services/, and the packages form the layers
 * docs/architecture.md describes (a package imports only packages of a lower layer). Checked on the
 * import specifiers of every source file and on each package.json's dependencies.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/fleet.js";

/** Lower number = lower layer. A package may import only packages with a smaller number. */
const LAYERS: Record<string, number> = {
  "@hetao/stats": 0,
  "@hetao/scenario": 0,
  "@hetao/sim-core": 1,
  "@hetao/crossing-model": 2,
  "@hetao/experiment": 3,
  "@hetao/exports": 4,
  "@hetao/report": 5,
  "@hetao/messaging": 5,
};
const SERVICES = readdirSync(join(ROOT, "services")).map((d) => JSON.parse(readFileSync(join(ROOT, "services", d, "package.json"), "utf8")).name as string);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm)) found.push((m[1] ?? m[2])!);
  return found;
}

const PACKAGES = readdirSync(join(ROOT, "packages")).map((d) => ({ dir: join(ROOT, "packages", d), name: JSON.parse(readFileSync(join(ROOT, "packages", d, "package.json"), "utf8")).name as string }));

describe("layering", () => {
  it("every package has a layer", () => {
    expect(PACKAGES.map((p) => p.name).sort()).toEqual(Object.keys(LAYERS).sort());
  });

  it.each(PACKAGES.map((p) => [p.name, p.dir] as const))("%s imports nothing from services/ and only lower layers", (name, dir) => {
    const problems: string[] = [];
    for (const file of sources(join(dir, "src"))) {
      for (const spec of imports(file)) {
        const where = relative(ROOT, file);
        if (/(^|\/)services\//.test(spec) || SERVICES.some((s) => spec === s || spec.startsWith(`${s}/`))) problems.push(`${where} imports ${spec} (a service)`);
        const target = Object.keys(LAYERS).find((p) => spec === p || spec.startsWith(`${p}/`));
        if (target !== undefined && target !== name && LAYERS[target]! >= LAYERS[name]!) problems.push(`${where} imports ${spec} (layer ${LAYERS[target]} ≥ ${LAYERS[name]})`);
      }
    }
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (SERVICES.includes(dep)) problems.push(`package.json depends on ${dep} (a service)`);
    }
    expect(problems).toEqual([]);
  });

  it("the check sees imports (it would catch one)", () => {
    const found = imports(join(ROOT, "packages/experiment/src/capacity.ts"));
    expect(found).toContain("@hetao/crossing-model");
    expect(found).toContain("@hetao/stats");
  });
});
