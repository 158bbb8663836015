import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import type { RosterResult } from "@hetao/experiment";
import { rosterChart, rosterChartData } from "../src/index.js";

/** Only what the chart reads: policies' lanes (checkpoint, periods with demand and servers) and the period length. */
function result(policies: { policy: string; lanes: { lane: string; checkpoint: string; servers: number[]; demand: number[] }[] }[]): RosterResult {
  return {
    periodHours: 1,
    policies: policies.map((p) => ({
      policy: p.policy,
      lanes: p.lanes.map((l) => ({
        lane: l.lane,
        checkpoint: l.checkpoint,
        periods: l.servers.map((s, k) => ({ from: `${String(7 + k).padStart(2, "0")}:00`, to: `${String(8 + k).padStart(2, "0")}:00`, servers: s, demand: l.demand[k]! })),
      })),
    })),
  } as unknown as RosterResult;
}

const TWO = result([
  {
    policy: "current",
    lanes: [
      { lane: "a-manual", checkpoint: "a", servers: [1, 2, 3, 1], demand: [10, 40, 80, 5] },
      { lane: "a-secondary", checkpoint: "a", servers: [1, 1, 1, 1], demand: [2, 3, 4, 1] },
      { lane: "b-desk", checkpoint: "b", servers: [1, 1, 2, 1], demand: [5, 5, 30, 2] },
    ],
  },
  { policy: "seamless", lanes: [{ lane: "a-manual", checkpoint: "a", servers: [1, 1, 2, 1], demand: [6, 20, 50, 3] }] },
]);

function marks(svg: string, description: string): Element[] {
  const { document } = parseHTML(`<!doctype html><html><body>${svg}</body></html>`);
  return [...document.querySelectorAll(`g[aria-description="${description}"]`)];
}

describe("rosterChart", () => {
  it("groups lanes by checkpoint: servers summed, demand from the first policy that rosters the group", () => {
    const d = rosterChartData(TWO);
    expect(d.groups).toEqual(["a", "b"]);
    expect(d.servers.filter((s) => s.group === "a" && s.policy === "current").map((s) => s.servers)).toEqual([2, 3, 4, 2]);
    expect(d.demand.filter((x) => x.group === "a").map((x) => x.demand)).toEqual([12, 43, 84, 6]);
  });

  it("draws one step line per lane group and policy, and the demand as bars", () => {
    const svg = rosterChart(TWO);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img"/);
    // current rosters groups a and b, seamless only a: one series (path) each.
    const current = marks(svg, "servers current").flatMap((g) => [...g.querySelectorAll("path")]);
    const seamless = marks(svg, "servers seamless").flatMap((g) => [...g.querySelectorAll("path")]);
    expect(current).toHaveLength(2);
    expect(seamless).toHaveLength(1);
    // A bar per group-period, on the second (right-hand) axis.
    expect(marks(svg, "demand").flatMap((g) => [...g.querySelectorAll("rect")])).toHaveLength(8);
    expect(svg).toContain("Travellers per hour");
    expect(svg).toContain(">current</text>");
    expect(svg).toContain(">seamless</text>");
  });

  it("keeps text inside the SVG: a long group id is shortened to its panel, a long legend wraps", () => {
    const long = "checkpoint-with-a-very-long-identifier-that-would-run-past-its-panel";
    const many = result(
      Array.from({ length: 8 }, (_, i) => ({ policy: `policy-with-a-long-name-${i}`, lanes: [1, 2, 3].map((g) => ({ lane: `l${g}`, checkpoint: `${long}-${g}`, servers: [1, 2], demand: [3, 4] })) })),
    );
    const svg = rosterChart(many);
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const { document } = parseHTML(`<!doctype html><html><body>${svg}</body></html>`);
    const labels = [...document.querySelectorAll("text")].map((t) => t.textContent ?? "").filter((t) => t.startsWith("checkpoint"));
    expect(labels.length).toBe(3);
    for (const l of labels) expect(l.endsWith("…") && l.length < 40, l).toBe(true);
    // Legend entries: x + a generous 8 px per character stays within the width.
    for (const t of document.querySelectorAll('g[aria-label="legend"] text')) {
      expect(Number(t.getAttribute("x")) + 8 * (t.textContent ?? "").length, t.textContent ?? "").toBeLessThanOrEqual(width);
    }
    const ys = new Set([...document.querySelectorAll('g[aria-label="legend"] text')].map((t) => t.getAttribute("y")));
    expect(ys.size).toBeGreaterThan(1);
  });
});
