import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../src/index.js";

/** Every property name anywhere in a JSON Schema. */
function propertyNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const x of node) propertyNames(x, out);
  } else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o["properties"] && typeof o["properties"] === "object") {
      for (const k of Object.keys(o["properties"] as object)) out.add(k);
    }
    for (const v of Object.values(o)) propertyNames(v, out);
  }
  return out;
}

describe("docs/scenarios.md", () => {
  it("names every field of the scenario schema", () => {
    const doc = readFileSync(fileURLToPath(new URL("../../../docs/scenarios.md", import.meta.url)), "utf8");
    // Identifiers written inside `code spans` anywhere on the page.
    const documented = new Set<string>();
    for (const m of doc.matchAll(/`([^`]+)`/g)) for (const w of m[1]!.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []) documented.add(w);
    const missing = [...propertyNames(scenarioJsonSchema())].filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });
});
