import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LineCounter, isMap, isScalar, parseDocument, visit } from "yaml";
import { describe, expect, it } from "vitest";
import {
  loadScenarioFile,
  matches,
  travellerCombinations,
  type ResolvedPolicy,
  type ResolvedQueueStep,
  type ResolvedScenario,
  type ResolvedStep,
  type TravellerAttributes,
} from "../src/index.js";

const dir = fileURLToPath(new URL("../../../seeds/scenarios/", import.meta.url));
const sourcesPage = readFileSync(fileURLToPath(new URL("../../../docs/sources.md", import.meta.url)), "utf8");
const presets = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const hetao = presets.filter((f) => f.startsWith("hetao-"));
const load = (name: string) => loadScenarioFile(`${dir}${name}`);

const firstRoute = (p: ResolvedPolicy, t: TravellerAttributes) => p.routes.find((r) => matches(r.when, t))!;
const isQueue = (s: ResolvedStep): s is ResolvedQueueStep => s.lanes !== undefined;
const policy = (r: ResolvedScenario, id: string) => r.policies.find((p) => p.id === id)!;
/** Source ids the sources page defines ("S1 — ..."). */
const knownSources = new Set([...sourcesPage.matchAll(/\*\*(S\d+) —/g)].map((m) => m[1]!));

describe("presets in seeds/scenarios", () => {
  it("are the seven expected files", () => {
    expect(presets).toEqual(["hetao-bridge-2026.yaml", "hetao-incident.yaml", "hetao-layout.yaml", "hetao-weekday.yaml", "mmc-textbook.yaml", "pooled-counters.yaml", "two-counters.yaml"]);
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

    it(`${file}: every number cites docs/sources.md by id or says "assumed" (generated rosters aside)`, () => {
      const text = readFileSync(`${dir}${file}`, "utf8");
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter, merge: true });
      const lines = text.split("\n");
      const generated = text.startsWith("# Rosters planned by hetao-sim roster");
      const uncited: string[] = [];
      const unknown: string[] = [];
      let numbers = 0;
      visit(doc, {
        Pair(_key, pair) {
          // The planning tool's output is not an input: its header says how it was made.
          if (generated && isScalar(pair.key) && pair.key.value === "rosters" && isMap(pair.value)) return visit.SKIP;
          return undefined;
        },
        Scalar(_key, node) {
          if (typeof node.value !== "number" || !node.range) return;
          numbers++;
          const { line } = lineCounter.linePos(node.range[0]);
          const source = lines[line - 1] ?? "";
          const comment = source.includes("#") ? source.slice(source.indexOf("#")) : "";
          const ids = [...comment.matchAll(/\[(S\d+)\]/g)].map((m) => m[1]!);
          if (ids.length === 0 && !/assumed/.test(comment)) uncited.push(`${line}: ${source.trim()}`);
          for (const id of ids) if (!knownSources.has(id)) unknown.push(`${line}: ${id}`);
        },
      });
      expect(numbers > 0 || generated || text.includes("\nextends:")).toBe(true);
      expect(uncited).toEqual([]);
      expect(unknown).toEqual([]);
      expect(text).not.toMatch(/DOMAIN|DESIGN\.md|\.\.\/shared/);
    });
  }

  // Each Hetao policy's lanes (staffing and rosters included) and routes (steps, shares, fallbacks,
  // services, draws) as resolved, pinned in test/pinned/: a change to any of them fails the test named
  // for the preset and the policy, and the diff shows the field.
  for (const file of hetao) {
    it(`${file}: every policy's lanes, rosters and routes are as pinned`, async () => {
      const { resolved } = await load(file);
      for (const p of resolved.policies) {
        const pinned = { policy: p.id, extends: p.extends ?? null, lanes: p.lanes, routes: p.routes, reserves: p.reserves };
        await expect(`${JSON.stringify(pinned, null, 1)}\n`, `${file} policy ${p.id}`).toMatchFileSnapshot(`pinned/${file.replace(/\.yaml$/, "")}.${p.id}.json`);
      }
    });

    it(`${file}: every lane of every policy is used by a route step or a fallback`, async () => {
      const { resolved } = await load(file);
      for (const p of resolved.policies) {
        const used = new Set(p.routes.flatMap((r) => r.steps.filter(isQueue).flatMap((s) => [...s.lanes.map((c) => c.lane), ...(s.fallback?.lane ? [s.fallback.lane] : [])])));
        expect(p.lanes.filter((l) => !used.has(l.id)).map((l) => l.id), p.id).toEqual([]);
      }
    });
  }

  it("hetao-layout: demand, people and experiment as documented", async () => {
    const { resolved } = await load("hetao-layout.yaml");
    expect(resolved.day).toEqual({ open: 7 * 3600, close: 22 * 3600, end: 23 * 3600 });
    const rates = resolved.demand.profile.map((p) => Math.round(p.ratePerHour * 1e9) / 1e9);
    expect(rates).toEqual([3, 12, 14, 9, 6, 5, 5, 6, 6, 7, 10, 9, 5, 2, 1].map((pct) => pct * 20));
    expect(resolved.demand.shuttles.map((s) => [s.time / 60, s.direction, s.passengers])).toEqual([
      [600, "southbound", 15],
      [675, "northbound", 15],
      [750, "southbound", 15],
      [825, "northbound", 15],
      [900, "southbound", 15],
      [975, "northbound", 15],
    ]);
    const pop = resolved.travellers.population!;
    expect(pop.institutions.map((g) => [g.id, g.park, g.count, g.staff])).toEqual([
      ["shenzhen-park", "shenzhen", 52, 1400],
      ["hongkong-park", "hongkong", 60, 700],
    ]);
    expect(resolved.travellers.whitelist).toBeNull();
    expect(resolved.experiment.baseline).toBe("current");
    expect(resolved.experiment.compare).toEqual([
      ["current", "baseline"],
      ["seamless", "current"],
      ["seamless", "baseline"],
      ["line-management", "current"],
    ]);
    expect(resolved.policies.map((p) => [p.id, p.extends ?? null])).toEqual([
      ["baseline", null],
      ["current", "baseline"],
      ["seamless", "current"],
      ["line-management", "current"],
    ]);
  });

  it("hetao-layout: the levers are separated — who gets which customs check and which immigration lane", async () => {
    const { scenario, resolved } = await load("hetao-layout.yaml");
    const t: TravellerAttributes = {
      class: "mainland-resident",
      direction: "southbound",
      whitelisted: true,
      institutionWhitelisted: true,
      goods: "instruments",
      arrival: "walk-in",
      destination: "zone",
    };
    const services = (p: string, a: TravellerAttributes) =>
      firstRoute(policy(resolved, p), a)
        .steps.filter((s) => matches(s.when, a))
        .map((s) => (isQueue(s) ? `${s.checkpoint}:${s.lanes.map((c) => c.lane).join("|")}${s.service ? `/${s.service}` : ""}` : s.checkpoint));
    // Baseline: red channel on both sides, whitelisted or not.
    expect(services("baseline", t)).toContain("sz-exit-customs:sb-sz-customs-desk/customs-red-channel");
    expect(services("baseline", t)).toContain("hk-entry-customs:sb-hk-customs-desk/customs-red-channel");
    // Current: the institution's measures (centralised declaration) on both sides, enrolled or not.
    for (const a of [t, { ...t, whitelisted: false }]) {
      expect(services("current", a)).toContain("sz-exit-customs:sb-sz-customs-desk/pre-declared-check");
      expect(services("current", a)).toContain("hk-entry-customs:sb-hk-customs-desk/pre-declared-check");
      expect(services("current", a)[0]).toBe("sz-exit-immigration:sb-sz-exit-egate");
    }
    // Seamless: the enrolled take the combined walk-through and one goods check at the entry side.
    expect(services("seamless", t)[0]).toBe("combined-immigration:sb-walkthrough");
    expect(services("seamless", t).filter((x) => x.includes("pre-declared-check"))).toEqual(["hk-entry-customs:sb-hk-customs-desk/pre-declared-check"]);
    expect(services("seamless", { ...t, whitelisted: false })).toEqual(services("current", { ...t, whitelisted: false }));
    // Line management: no Shenzhen customs for a trip inside the zone, the second line for one beyond it.
    expect(services("line-management", t).some((x) => x.startsWith("sz-"))).toBe(true); // immigration stays
    expect(services("line-management", t).some((x) => x.includes("customs") && x.includes("sz-"))).toBe(false);
    expect(services("line-management", { ...t, destination: "beyond" })[0]).toBe("sz-second-line-customs:sb-sz-customs-desk/pre-declared-check");
    // The seamless reject is the person's biometric trait (nested with the 2% gate reject) and goes back
    // through the conventional controls of the institution's route.
    const combined = firstRoute(policy(resolved, "seamless"), t).steps[0] as ResolvedQueueStep;
    expect(combined.fallback).toEqual({ probability: 0.03, route: "southbound-institution", draw: "biometric-reject" });
    // Every combination is routed, and only the enrolled take a seamless route.
    for (const combo of travellerCombinations(scenario)) {
      expect(/-(seamless|onboard)$/.test(firstRoute(policy(resolved, "seamless"), combo).id)).toBe(combo.whitelisted);
    }
  });

  // Reserves where the posts have a public rule: the mainland border inspection opens more counters once
  // the queue reaches its 15-minute line [S4]; Hong Kong Immigration and customs publish no such rule.
  it("hetao presets: reserve officers at the Shenzhen immigration counters only, under the mainland 15-minute queue rule", async () => {
    const expected = [
      { id: "sz-exit-standby", officers: 3, lanes: ["sb-sz-exit-manual"], openAt: 15 * 60, closeAt: 5 * 60, minOpen: 15 * 60 },
      { id: "sz-entry-standby", officers: 3, lanes: ["nb-sz-entry-manual"], openAt: 15 * 60, closeAt: 5 * 60, minOpen: 15 * 60 },
    ];
    for (const file of hetao) {
      const { resolved } = await load(file);
      for (const p of resolved.policies) {
        expect(p.reserves, `${file} policy ${p.id}`).toEqual(expected);
        // Each reserve opens counters at a Shenzhen immigration checkpoint, staffed by officers.
        for (const lane of p.reserves.flatMap((r) => r.lanes)) {
          const l = p.lanes.find((x) => x.id === lane)!;
          expect([l.checkpoint, l.staff], `${file} ${p.id} ${lane}`).toEqual([lane.startsWith("sb-") ? "sz-exit-immigration" : "sz-entry-immigration", "officer"]);
        }
      }
    }
    const text = readFileSync(`${dir}hetao-layout.yaml`, "utf8");
    expect(text).toMatch(/openAtWaitMinutes: 15 +# \[S4\]/);
    expect(sourcesPage).toMatch(/reserve officers, Shenzhen immigration counters/);
    expect(sourcesPage).toMatch(/no reserve at the Hong Kong posts/);
  });

  it("hetao-weekday is the layout plus rosters for every policy, made by hetao-sim roster", async () => {
    const layout = await load("hetao-layout.yaml");
    const weekday = await load("hetao-weekday.yaml");
    const text = readFileSync(`${dir}hetao-weekday.yaml`, "utf8");
    expect(text).toMatch(/^# Made with: node services\/cli\/dist\/main\.js roster seeds\/scenarios\/hetao-layout\.yaml --all/m);
    expect(Object.keys(weekday.scenario.rosters)).toEqual(["baseline", "current", "seamless", "line-management"]);
    const strip = (r: ResolvedScenario) => ({ ...r, name: "", title: "", policies: r.policies.map((p) => ({ ...p, lanes: p.lanes.map((l) => ({ ...l, schedule: [] })) })) });
    expect(strip(weekday.resolved)).toEqual(strip(layout.resolved));
  });

  it("hetao-bridge-2026 changes demand, people and the seamless bridge route only; rosters are today's", async () => {
    const weekday = await load("hetao-weekday.yaml");
    const bridge = await load("hetao-bridge-2026.yaml");
    for (const id of ["baseline", "current", "line-management"]) expect(policy(bridge.resolved, id)).toEqual(policy(weekday.resolved, id));
    expect(bridge.scenario.rosters).toEqual(weekday.scenario.rosters);
    expect(bridge.resolved.demand.multiplier).toBe(1);
    const seamless = policy(bridge.resolved, "seamless");
    expect(seamless.routes.map((r) => r.id).slice(0, 6)).toEqual([
      "southbound-onboard",
      "northbound-onboard",
      "southbound-seamless",
      "northbound-seamless",
      "southbound-bridge",
      "northbound-bridge",
    ]);
    const t: TravellerAttributes = { class: "hk-resident", direction: "northbound", whitelisted: true, institutionWhitelisted: true, goods: "none", arrival: "walk-in", destination: "zone" };
    expect(firstRoute(seamless, t).id).toBe("northbound-bridge");
    expect(firstRoute(seamless, { ...t, goods: "biological" }).id).toBe("northbound-seamless");
  });

  it("hetao-incident closes the seamless walk-through 08:30-09:30 and changes nothing else", async () => {
    const weekday = await load("hetao-weekday.yaml");
    const incident = await load("hetao-incident.yaml");
    const seamless = policy(incident.resolved, "seamless");
    for (const id of ["sb-walkthrough", "nb-walkthrough"]) expect(seamless.lanes.find((l) => l.id === id)!.outages).toEqual([{ from: 8.5 * 3600, to: 9.5 * 3600 }]);
    const strip = (r: ResolvedScenario) => ({ ...r, name: "", title: "", policies: r.policies.map((p) => ({ ...p, lanes: p.lanes.map((l) => ({ ...l, outages: [] })) })) });
    expect(strip(incident.resolved)).toEqual(strip(weekday.resolved));
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
