import { writeFileSync } from "node:fs";
import { loadScenarioFile } from "./packages/scenario/dist/index.js";
import { planReplications, runReplication, searchRoster } from "./packages/experiment/dist/index.js";
import { rosterChart } from "./packages/report/dist/index.js";
const { scenario } = await loadScenarioFile("seeds/scenarios/hetao-weekday.yaml");
const run = async (spec) => planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
const r = await searchRoster(scenario, { policies: ["current", "seamless", "baseline"], start: "scenario", replications: 6, maxEvaluations: 3 }, run);
writeFileSync("/tmp/r2t/roster.json", JSON.stringify(r));
writeFileSync("/tmp/r2t/roster.svg", rosterChart(r));
