import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LineCounter, parseDocument, visit } from "yaml";
import { describe, expect, it } from "vitest";
import {
  loadScenarioFile,
  matches,
  travellerCombinations,
  type ResolvedPolicy,
  type ResolvedQueueStep,
  type ResolvedStep,
  type TravellerAttributes,
} from "../src/index.js";

const dir = fileURLToPath(new URL("../../../seeds/scenarios/", import.meta.url));
const presets = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const load = (name: string) => loadScenarioFile(`${dir}${name}`);

const firstRoute = (p: ResolvedPolicy, t: TravellerAttributes) => p.routes.find((r) => matches(r.when, t))!;
const isQueue = (s: ResolvedStep): s is ResolvedQueueStep => s.lanes !== undefined;

describe("presets in seeds/scenarios", () => {
  it("are the four expected files", () => {
    expect(presets).toEqual(["hetao-bridge-2026.yaml", "hetao-weekday.yaml", "mmc-textbook.yaml", "two-counters.yaml"]);
  });

  for (const file of presets) {
    it(`${file} parses and resolves, with a stable digest`, async () => {
      const a = await load(file);
      const b = await load(file);
      expect(a.scenario.name).toBe(file.replace(/\.yaml$/, ""));
      expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(a.digest).toBe(b.digest);
      expect(a.resolved.policies.length).toBeGreaterThan(0);
    });

    it(`${file}: every number has a comment citing DOMAIN or saying "assumed"`, () => {
      const text = readFileSync(`${dir}${file}`, "utf8");
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter, merge: true });
      const lines = text.split("\n");
      const uncited: string[] = [];
      let numbers = 0;
      visit(doc, {
        Scalar(_key, node) {
          if (typeof node.value !== "number" || !node.range) return;
          numbers++;
          const { line } = lineCounter.linePos(node.range[0]);
          const source = lines[line - 1] ?? "";
          const comment = source.slice(source.indexOf("#"));
          if (!source.includes("#") || !/DOMAIN|assumed/.test(comment)) uncited.push(`${line}: ${source.trim()}`);
        },
      });
      expect(numbers).toBeGreaterThan(0);
      expect(uncited).toEqual([]);
    });
  }

  it("hetao-weekday: demand, travellers and experiment follow DOMAIN", async () => {
    const { resolved } = await load("hetao-weekday.yaml");
    expect(resolved.day).toEqual({ open: 7 * 3600, close: 22 * 3600, end: 86400 });
    const rates = resolved.demand.profile.map((p) => Math.round(p.ratePerHour * 1e9) / 1e9);
    expect(rates).toEqual([3, 12, 14, 9, 6, 5, 5, 6, 6, 7, 10, 9, 5, 2, 1].map((pct) => pct * 20));
    const walkIns = resolved.demand.profile.reduce((s, p) => s + (p.ratePerHour * (p.to - p.from)) / 3600, 0);
    expect(walkIns).toBeCloseTo(2000, 9);
    expect(resolved.demand.multiplier).toBe(1);
    expect(resolved.demand.southboundShare).toEqual([
      { from: 7 * 3600, to: 12 * 3600, share: 0.7 },
      { from: 12 * 3600, to: 16 * 3600, share: 0.5 },
      { from: 16 * 3600, to: 22 * 3600, share: 0.3 },
    ]);
    expect(resolved.demand.shuttles.map((s) => [s.time / 60, s.direction, s.passengers])).toEqual([
      [600, "southbound", 15],
      [675, "northbound", 15],
      [750, "southbound", 15],
      [825, "northbound", 15],
      [900, "southbound", 15],
      [975, "northbound", 15],
    ]);
    expect(resolved.travellers.classes.map((c) => [c.id, c.share, c.whitelistEligible])).toEqual([
      ["hk-resident", 0.475, true],
      ["mainland-resident", 0.425, true],
      ["foreign", 0.1, false],
    ]);
    // 65% of trips whitelisted = 90% eligible × coverage.
    expect(0.9 * resolved.travellers.whitelist.coverage).toBeCloseTo(0.65, 4);
    expect(resolved.travellers.goods.none).toBeCloseTo(0.9, 12);
    expect(resolved.experiment).toEqual({ replications: 30, seed: 1, baseline: "current", compare: [["seamless", "current"]] });
    expect(resolved.distributions["hk-manual-visitor"]).toEqual({ kind: "lognormal", mean: 75, sd: 30, min: 20 });
    expect(resolved.distributions["transit-walk"]).toEqual({ kind: "triangular", min: 180, mode: 240, max: 420 });
  });

  it("hetao-weekday: current policy has DOMAIN lane counts per side and direction", async () => {
    const { resolved } = await load("hetao-weekday.yaml");
    const current = resolved.policies.find((p) => p.id === "current")!;
    const servers = (checkpoint: string, kind: string) =>
      current.lanes.filter((l) => l.checkpoint === checkpoint && l.kind === kind).reduce((s, l) => s + l.schedule[0]!.servers, 0);
    for (const cp of ["sz-exit-immigration", "hk-entry-immigration", "hk-exit-immigration"]) {
      expect(servers(cp, "e-gate"), cp).toBe(8);
      expect(servers(cp, "manual"), cp).toBe(4);
    }
    expect(servers("sz-entry-immigration", "face-scan")).toBe(8);
    expect(servers("sz-entry-immigration", "manual")).toBe(4);
    for (const cp of ["hk-entry-customs", "sz-entry-customs"]) {
      expect(servers(cp, "x-ray"), cp).toBe(1);
      expect(servers(cp, "red-channel"), cp).toBe(2);
      expect(servers(cp, "quarantine"), cp).toBe(1);
    }
    // Every lane is used by some route step.
    const used = new Set(current.routes.flatMap((r) => r.steps.filter(isQueue).flatMap((s) => [...s.lanes.map((c) => c.lane), ...(s.fallback ? [s.fallback.lane] : [])])));
    expect(current.lanes.filter((l) => !used.has(l.id)).map((l) => l.id)).toEqual([]);
  });

  it("hetao-weekday: seamless extends current, whitelisted routes first, same random-check draw", async () => {
    const { scenario, resolved } = await load("hetao-weekday.yaml");
    const current = resolved.policies.find((p) => p.id === "current")!;
    const seamless = resolved.policies.find((p) => p.id === "seamless")!;
    expect(seamless.routes.map((r) => r.id)).toEqual(["southbound-whitelisted", "northbound-whitelisted", "southbound", "northbound"]);
    expect(seamless.lanes.slice(0, current.lanes.length)).toEqual(current.lanes);
    expect(seamless.lanes.length).toBe(current.lanes.length + 8);
    const walk = seamless.lanes.find((l) => l.id === "sb-walkthrough")!;
    expect(walk.schedule[0]!.servers).toBe(3);
    expect(walk.service).toBe("walk-through-headway");

    const t: TravellerAttributes = { class: "hk-resident", direction: "southbound", whitelisted: true, goods: "none", arrival: "walk-in" };
    expect(firstRoute(seamless, t).id).toBe("southbound-whitelisted");
    expect(firstRoute(seamless, { ...t, whitelisted: false }).id).toBe("southbound");
    expect(firstRoute(current, t).id).toBe("southbound");
    expect(firstRoute(seamless, { ...t, class: "foreign", whitelisted: false, direction: "northbound" }).id).toBe("northbound");

    const combined = firstRoute(seamless, t).steps[0] as ResolvedQueueStep;
    // A rejected seamless traveller goes back through the conventional controls, and the reject is a
    // trait of the person shared with the 2% e-gate reject (nested draws).
    expect(combined.fallback).toEqual({ probability: 0.03, route: "southbound", draw: "biometric-reject" });
    const egate = current.routes.find((r) => r.id === "southbound")!.steps[0] as ResolvedQueueStep;
    expect(egate.fallback).toEqual({ probability: 0.02, lane: "sb-sz-exit-manual", draw: "biometric-reject" });
    const checks = (p: ResolvedPolicy) =>
      p.routes.flatMap((r) => r.steps).filter((s) => s.draw === "customs-random-check").map((s) => s.probability);
    expect(checks(current)).toEqual([0.03, 0.03]);
    expect(checks(seamless)).toEqual([0.005, 0.005, 0.03, 0.03]);

    // The same transit walk (distribution name) in both policies.
    const delays = (p: ResolvedPolicy) => new Set(p.routes.flatMap((r) => r.steps).flatMap((s) => (s.delay !== undefined ? [s.delay] : [])));
    expect([...delays(current)]).toEqual(["transit-walk"]);
    expect([...delays(seamless)]).toEqual(["transit-walk"]);

    // Every traveller combination is routed; foreigners never take a whitelisted route.
    for (const combo of travellerCombinations(scenario)) {
      const route = firstRoute(seamless, combo);
      expect(route.id.endsWith("-whitelisted")).toBe(combo.whitelisted);
    }
  });

  it("hetao-weekday: HK entry routes residents to the e-Channel with a shared draw and a manual fallback", async () => {
    const { resolved } = await load("hetao-weekday.yaml");
    const current = resolved.policies.find((p) => p.id === "current")!;
    const southbound = current.routes.find((r) => r.id === "southbound")!;
    const hkResident = southbound.steps.find((s) => s.checkpoint === "hk-entry-immigration" && s.when?.class?.[0] === "hk-resident") as ResolvedQueueStep;
    expect(hkResident.lanes).toEqual([
      { lane: "sb-hk-entry-echannel", share: 0.7, draw: "hk-echannel-use" },
      { lane: "sb-hk-entry-manual-resident", share: 1, draw: "hk-entry-immigration:sb-hk-entry-manual-resident:share" },
    ]);
    expect(hkResident.fallback).toMatchObject({ probability: 0.02, lane: "sb-hk-entry-manual-resident" });
    const secondary = southbound.steps.filter((s) => s.probability === 0.002);
    expect(secondary.map((s) => s.checkpoint)).toEqual(["sz-exit-immigration", "hk-entry-immigration"]);
  });

  it("hetao-bridge-2026 equals the weekday scenario except the name, texts and a ×3 multiplier", async () => {
    const weekday = await load("hetao-weekday.yaml");
    const bridge = await load("hetao-bridge-2026.yaml");
    expect(bridge.resolved.demand.multiplier).toBe(3);
    const strip = (r: typeof weekday.resolved) => ({ ...r, name: "", title: "", description: "", demand: { ...r.demand, multiplier: 0 } });
    expect(strip(bridge.resolved)).toEqual(strip(weekday.resolved));
    expect(bridge.digest).not.toBe(weekday.digest);
  });

  it("mmc-textbook: M/M/4 at ρ = 0.9, and the Erlang C values in its comments are right", async () => {
    const { resolved } = await load("mmc-textbook.yaml");
    expect(resolved.day).toEqual({ open: 0, close: 86400, end: 86400 });
    expect(resolved.warmup).toBe(7200);
    expect(resolved.experiment.compare).toEqual([]);
    const [policy] = resolved.policies;
    expect(policy!.lanes).toHaveLength(1);
    const lane = policy!.lanes[0]!;
    const c = lane.schedule[0]!.servers;
    const service = resolved.distributions[lane.service]!;
    expect(service.kind).toBe("exponential");
    const mean = service.kind === "exponential" ? service.mean : NaN;
    const lambda = resolved.demand.profile[0]!.ratePerHour / 3600;
    const a = lambda * mean;
    const rho = a / c;
    let sum = 0;
    let term = 1;
    for (let k = 0; k < c; k++) {
      sum += term;
      term *= a / (k + 1);
    }
    const tail = term / (1 - rho);
    const erlangC = tail / (sum + tail);
    const wq = erlangC / (c / mean - lambda);
    expect(rho).toBeCloseTo(0.9, 12);

    const text = readFileSync(`${dir}mmc-textbook.yaml`, "utf8");
    const num = (re: RegExp) => Number(re.exec(text)?.[1]);
    expect(num(/P\(wait\) = C\(4, 3\.6\) = ([\d.]+)/)).toBeCloseTo(erlangC, 5);
    expect(num(/Wq = C .*= ([\d.]+) s/)).toBeCloseTo(wq, 2);
    expect(num(/W = Wq \+ 1\/μ = ([\d.]+) s/)).toBeCloseTo(wq + mean, 2);
    expect(num(/Lq = λ Wq = ([\d.]+)/)).toBeCloseTo(lambda * wq, 3);
  });
});
