import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ScenarioError, formatScenarioError, getPath, loadScenarioFile, loadScenarioText } from "../src/index.js";

const weekdayText = readFileSync(fileURLToPath(new URL("../../../seeds/scenarios/hetao-layout.yaml", import.meta.url)), "utf8");

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "overlay-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function problem(path: string): Promise<string> {
  try {
    await loadScenarioFile(path);
  } catch (err) {
    if (err instanceof ScenarioError) return formatScenarioError(err);
    throw err;
  }
  throw new Error("expected a ScenarioError");
}

describe("scenario overlays (extends + set)", () => {
  it("replaces top-level keys, applies the edits in order and validates the whole; the digest is the expanded scenario's", async () => {
    const dir = folder({
      "base.yaml": weekdayText,
      "more.yaml": [
        "extends: base.yaml",
        "name: more-egates",
        "set:",
        '  - { path: "policies[id=baseline].lanes[id=sb-sz-exit-egate].servers", value: 10 }',
        '  - { path: "demand.multiplier", value: 2 }',
        "",
      ].join("\n"),
      "twice.yaml": "extends: more.yaml\nname: twice\nset:\n  - { path: demand.multiplier, value: 3 }\n",
    });
    const base = await loadScenarioFile(join(dir, "base.yaml"));
    const more = await loadScenarioFile(join(dir, "more.yaml"));
    expect(more.scenario.name).toBe("more-egates");
    expect(getPath(more.scenario, "policies[id=baseline].lanes[id=sb-sz-exit-egate].servers")).toBe(10);
    expect(more.scenario.demand.multiplier).toBe(2);
    expect(more.scenario.policies.length).toBe(base.scenario.policies.length);
    expect(more.digest).not.toBe(base.digest);
    const twice = await loadScenarioFile(join(dir, "twice.yaml"));
    expect(twice.scenario.demand.multiplier).toBe(3);
    expect(getPath(twice.scenario, "policies[id=baseline].lanes[id=sb-sz-exit-egate].servers")).toBe(10);
  });

  it("names the field, the value and what was expected for a bad overlay", async () => {
    const dir = folder({
      "base.yaml": weekdayText,
      "missing.yaml": "extends: nowhere.yaml\n",
      "badpath.yaml": 'extends: base.yaml\nset:\n  - { path: "policies[id=nope].lanes", value: [] }\n',
      "badvalue.yaml": 'extends: base.yaml\nset:\n  - { path: "demand.multiplier", value: -1 }\n',
      "a.yaml": "extends: b.yaml\n",
      "b.yaml": "extends: a.yaml\n",
      "orphan.yaml": weekdayText + "\nset: []\n",
    });
    expect(await problem(join(dir, "missing.yaml"))).toMatch(/extends: cannot read .*nowhere\.yaml.*expected a readable scenario file/);
    expect(await problem(join(dir, "badpath.yaml"))).toMatch(/set\[0\]\.path: .*nope/);
    expect(await problem(join(dir, "badvalue.yaml"))).toMatch(/demand\.multiplier/);
    expect(await problem(join(dir, "a.yaml"))).toMatch(/extends cycle/);
    expect(await problem(join(dir, "orphan.yaml"))).toMatch(/`set` needs `extends`/);
  });

  it("is refused where scenario text comes from a request (no local file is read)", () => {
    expect(() => loadScenarioText("extends: /etc/passwd\n", "request body", "yaml", { overlays: false })).toThrow(/read only from scenario files/);
  });
});
