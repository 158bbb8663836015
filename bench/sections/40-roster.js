// A roster search (hetao-sim roster) on the Hetao weekday preset, policy current, in one thread.
import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../../packages/scenario/dist/index.js";
import { planReplications, runReplication, searchRoster } from "../../packages/experiment/dist/index.js";

const SCENARIO = fileURLToPath(new URL("../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));

export default {
  name: "roster",
  title: "roster search, hetao-weekday policy current, one thread",
  async run(ctx) {
    const replications = Number(process.env.BENCH_ROSTER_REPLICATIONS ?? (ctx.quick ? 3 : 10));
    const { scenario } = await loadScenarioFile(SCENARIO);
    let evaluations = 0;
    let simulated = 0;
    const run = async (spec) => {
      evaluations++;
      const out = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
      simulated += out.length;
      ctx.sampleMemory();
      return out;
    };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await searchRoster(scenario, { policies: ["current"], replications }, run);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const p = result.policies[0];
    return [
      { figure: "replications per candidate", value: replications, unit: "days" },
      { figure: "candidates simulated", value: evaluations, unit: `experiments (${simulated} days)` },
      { figure: "roster search CPU time", value: cpuSeconds, unit: "s" },
      { figure: "roster search wall time", value: wall, unit: "s" },
      { figure: "per candidate (CPU)", value: cpuSeconds / evaluations, unit: "s" },
      { figure: "officer-hours (roster / scenario)", value: `${p.officerHours} / ${p.scenarioOfficerHours}`, unit: p.feasible ? "feasible" : "NOT feasible" },
    ];
  },
};
