/**
 * The roster example of docs/sweeps-and-plans.md shows an excerpt of an 8-minute `hetao-sim roster` run
 * whose output is the pinned preset seeds/scenarios/hetao-weekday.yaml. The run is too long to repeat
 * here, so the excerpt is checked against the preset it produced: the `current` table (servers per lane
 * and hour, officer-hours, the scenario's own officer-hours from hetao-layout.yaml) and the officer-hours
 * of every policy. A roster regenerated without its excerpt (or the other way round) fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, parseTimeOfDay, resolveScenario } from "../packages/scenario/dist/index.js";
import { ROOT } from "./helpers/fleet.js";

const doc = readFileSync(join(ROOT, "docs/sweeps-and-plans.md"), "utf8");
const example = doc.slice(doc.indexOf("### Example: the rosters of hetao-weekday"));
// The plain block after the command block (its first line says the output is an excerpt, not regenerated).
const excerpt = /-->\n\n```\n([\s\S]*?)\n```\n/.exec(example)?.[1] ?? "";

const weekday = (await loadScenarioFile(join(ROOT, "seeds/scenarios/hetao-weekday.yaml"))).scenario;
const layout = resolveScenario((await loadScenarioFile(join(ROOT, "seeds/scenarios/hetao-layout.yaml"))).scenario);
const rosters = weekday.rosters as Record<string, Record<string, { from: string; to: string; servers: number }[]>>;

/** Servers of a roster entry in the hour starting at `hour` (the entries are hourly here). */
function serversAt(entry: { from: string; to: string; servers: number }[], hour: number): number {
  const t = hour * 3600;
  return entry.find((w) => parseTimeOfDay(w.from) <= t && t < parseTimeOfDay(w.to))?.servers ?? 0;
}

function officerHours(entry: { from: string; to: string; servers: number }[]): number {
  return entry.reduce((a, w) => a + (w.servers * (parseTimeOfDay(w.to) - parseTimeOfDay(w.from))) / 3600, 0);
}

describe("the roster example in docs/sweeps-and-plans.md", () => {
  it("shows the current policy's roster as pinned in hetao-weekday.yaml, lane by lane and hour by hour", () => {
    expect(excerpt, "the excerpt block after the roster command").toMatch(/^roster hetao-layout: /);
    const lines = excerpt.split("\n");
    const header = lines.find((l) => l.startsWith("lane "))!;
    const hours = header.split(/\s+/).slice(1, -2).map(Number);
    expect(hours[0]).toBe(7);
    const rows = lines.slice(lines.indexOf(header) + 2).filter((l) => l.length > 0 && !l.startsWith("demand") && !l.startsWith("..."));
    const laneRows = rows.slice(0, rows.findIndex((l) => !/^[a-z]/.test(l) || l.startsWith("officer-hours")));
    const current = rosters["current"]!;
    expect(laneRows.map((r) => r.split(/\s+/)[0]).sort()).toEqual(Object.keys(current).sort());
    const scenarioLanes = layout.policies.find((p) => p.id === "current")!.lanes;
    let scenarioTotal = 0;
    for (const row of laneRows) {
      const [lane, ...cells] = row.split(/\s+/);
      const numbers = cells.map(Number);
      const entry = current[lane!]!;
      expect(numbers.slice(0, hours.length), lane).toEqual(hours.map((h) => serversAt(entry, h)));
      expect(numbers[hours.length], `${lane} officer-hours`).toBe(officerHours(entry));
      const written = scenarioLanes.find((l) => l.id === lane)!.schedule.reduce((a, w) => a + (w.servers * (w.to - w.from)) / 3600, 0);
      expect(numbers[hours.length + 1], `${lane} scenario officer-hours`).toBe(written);
      scenarioTotal += written;
    }
    const total = Object.values(current).reduce((a, e) => a + officerHours(e), 0);
    expect(excerpt).toContain(`current: ${total} officer-hours (scenario ${scenarioTotal},`);
  });

  it("gives every policy's officer-hours as the preset's rosters add up", () => {
    const line = excerpt.split("\n").find((l) => l.startsWith("officer-hours: "))!;
    const shown = Object.fromEntries(line.slice("officer-hours: ".length).split(", ").map((p) => [p.split(" ")[0]!, Number(p.split(" ")[1])]));
    const pinned = Object.fromEntries(Object.entries(rosters).map(([policy, lanes]) => [policy, Object.values(lanes).reduce((a, e) => a + officerHours(e), 0)]));
    expect(shown).toEqual(pinned);
  });
});
