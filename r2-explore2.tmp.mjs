import { loadScenarioFile } from "./packages/scenario/dist/index.js";
import { capacityTargets, createExperiment, buildReport, planReplications, runReplication, rosterChecks, rosterSchedule } from "./packages/experiment/dist/index.js";
import { resolveScenario } from "./packages/scenario/dist/index.js";
const { scenario } = await loadScenarioFile("seeds/scenarios/hetao-weekday.yaml");
const lane = "sb-hk-entry-manual", hour = 8;
const windows = scenario.rosters.current[lane];
const starts = [], servers = [];
for (const w of windows) for (let h = Number(w.from.slice(0,2)); h < Number(w.to.slice(0,2)); h++) { starts.push(h); servers.push(w.servers - (h === hour ? 1 : 0)); }
const fewer = rosterSchedule(starts, servers, 1);
console.log(fewer);
const { targets } = capacityTargets(scenario, undefined);
const resolved = resolveScenario(scenario);
for (const [seed, reps] of [[1001, 20], [1001, 30], [2002, 20]]) for (const set of [[], [{ path: `rosters.current.${lane}`, value: fewer }]]) {
  const spec = createExperiment(scenario, { policies: ["current"], replications: reps, seed, points: [{ index: 0, overrides: set }] });
  const res = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  const checks = rosterChecks(resolved, targets, res.map(r => r.policies.current), 1);
  const rep = buildReport(spec, res, { scenarioDigest: "x", toolVersion: "t" });
  console.log(seed, reps, set.length, checks.filter(c => !c.pass).map(c => `${c.target}@${c.period} ${c.estimate?.toFixed(3)} ${c.bound?.toFixed(3)}`), checks.find(c=>c.period==="08:00"&&c.target.includes("residents")).bound, rep.points[0].compliance.filter(r=>r.policy==="current").map(r=>`${r.pledge} ${r.status}`).join("; "));
}
