import { SCENARIO_LIMITS } from "@hetao/scenario";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import type { PlanCandidate, PlanResult } from "@hetao/experiment";
import { CliError } from "../errors.js";
import { candidateRunner, loadScenarioForCli, searchOrCliError, stderrLog } from "./scenario-commands.js";
import { integerOption, listOption } from "../options.js";

export interface PlanCommandOptions {
  policy: string;
  target: string;
  lanes?: string[];
  min?: number;
  max?: number;
  replications?: number;
  seed?: number;
  out?: string;
  threads?: number;
  json?: boolean;
  quiet?: boolean;
}

export interface PlanOutcome {
  plan: PlanResult;
  planJsonText: string;
  paths: string[];
}

/** The metric's own name for formatting (`class:x.shareWithin15` → `shareWithin15`). */
function baseMetric(metric: string): string {
  const dot = metric.lastIndexOf(".");
  return dot >= 0 ? metric.slice(dot + 1) : metric;
}

function serversText(c: PlanCandidate): string {
  return Object.entries(c.servers)
    .map(([id, n]) => `${id}=${n}`)
    .join(" ");
}

/**
 * What the plan's counts count: a lane's servers, an officer pool's officers (its lanes' desks stay as
 * written), or both when the plan adjusts lanes and pools together.
 */
function countedAs(plan: PlanResult): { unit: string; per: string } {
  const pools = plan.lanes.filter((l) => l.kind === "officer-pool").length;
  if (pools === 0) return { unit: "servers", per: "lane" };
  if (pools === plan.lanes.length) return { unit: "officers", per: "pool" };
  return { unit: "servers and officers", per: "lane or pool" };
}

/** The plan as a terminal table: the search path, then the recommendation and its margin. */
export async function renderPlanTable(plan: PlanResult): Promise<string> {
  const { formatDifference, formatPoints, formatValue, textTable } = await import("@hetao/report");
  const m = baseMetric(plan.target.metric);
  const isShare = m.startsWith("share");
  const spread = (x: number | null) => (isShare ? formatPoints(x, false) : formatValue(m, x));
  const side = plan.target.op.startsWith(">") ? "lower" : "upper";
  const lines: string[] = [];
  lines.push(
    `plan ${plan.scenario} / ${plan.policy}: ${plan.target.text} with 95% confidence (one-sided ${side} bound); ` +
      `${plan.replications} replications, seed ${plan.seed}, common random numbers across candidates`,
  );
  lines.push(`lanes: ${plan.lanes.map((l) => `${l.id} (${l.checkpoint}${l.kind ? `, ${l.kind}` : ""}; scenario: ${l.servers})`).join(", ")}`);
  lines.push("");
  const rows = plan.candidates.map((c) => [
    String(c.step),
    c.phase,
    serversText(c),
    String(c.totalServers),
    `${formatValue(m, c.check.estimate)}${c.halfWidth === null ? "" : ` ± ${spread(c.halfWidth)}`}`,
    formatValue(m, c.check.bound),
    formatDifference(m, c.check.margin),
    c.check.pass ? "pass" : "fail",
  ]);
  const { unit, per } = countedAs(plan);
  lines.push(textTable(["step", "phase", unit, "total", "estimate ± 95% hw", `${side} bound`, "margin", "target"], rows));
  lines.push("");
  const r = plan.recommended;
  const scenarioTotal = plan.lanes.reduce((a, l) => a + l.servers, 0);
  if (r === null) {
    lines.push(`no configuration up to ${plan.max} ${unit} per ${per} meets ${plan.target.text} with 95% confidence (raise --max or change the target)`);
  } else {
    lines.push(
      `recommended: ${serversText(r)} (${r.totalServers} ${unit}; the scenario has ${scenarioTotal}): ` +
        `estimate ${formatValue(m, r.check.estimate)}, ${side} bound ${formatValue(m, r.check.bound)} ${plan.target.op} ${formatValue(m, plan.target.value)}, ` +
        `margin ${formatDifference(m, r.check.margin)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** `hetao-sim plan`: search → plan.json + the recommended configuration's report files → table. */
export async function planCommand(scenarioPath: string, options: PlanCommandOptions): Promise<PlanOutcome> {
  const log = stderrLog(options.quiet);
  const [{ planCapacity, stableJson }, { renderReportFiles }] = await Promise.all([import("@hetao/experiment"), import("@hetao/report")]);
  const { replaceFolderAtomically } = await import("../output.js");
  const { TOOL_VERSION } = await import("../version.js");

  const loaded = await loadScenarioForCli(scenarioPath);
  const { scenario, digest } = loaded;
  const plan: PlanResult = await searchOrCliError(() =>
    planCapacity(
      scenario,
      {
        policy: options.policy,
        target: options.target,
        ...(options.lanes !== undefined ? { lanes: options.lanes } : {}),
        ...(options.min !== undefined ? { min: options.min } : {}),
        ...(options.max !== undefined ? { max: options.max } : {}),
        ...(options.replications !== undefined ? { replications: options.replications } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        onCandidate: (c) =>
          log(
            `candidate ${c.step} (${c.phase}): ${serversText(c)} → estimate ${c.check.estimate ?? "n/a"}, bound ${c.check.bound ?? "n/a"}: ${c.check.pass ? "pass" : "fail"}`,
          ),
      },
      candidateRunner(options.threads),
      { scenarioDigest: digest, toolVersion: TOOL_VERSION },
    ),
  );

  const { report, ...rest } = plan;
  const planJsonText = `${stableJson({ ...rest, reportFile: "report.json" })}\n`;
  const outDir = options.out ?? join("reports", `${scenario.name}-plan-${options.policy}`);
  const written = await replaceFolderAtomically(outDir, [
    { name: "plan.json", content: planJsonText },
    // The recommended configuration's report: the same bundle as `run` (report.json/.md/.html, exports).
    ...renderReportFiles(report, { scenarioPath }),
  ]);
  if (written.replaced) log(`replaced the existing folder ${outDir} (its old files are gone)`);
  const paths = written.paths;
  if (options.json) {
    process.stdout.write(planJsonText);
    log(`wrote ${paths.join(", ")}`);
  } else {
    process.stdout.write(await renderPlanTable(plan));
    process.stdout.write(`\nplan: ${paths[0]}\nreport of the ${plan.recommended === null ? "largest candidate" : "recommended configuration"}: ${paths.slice(1).join("\n        ")}\n`);
  }
  return { plan, planJsonText, paths };
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description(
      "capacity planning: the fewest servers for a policy's lanes that meet a target with 95% confidence; writes plan.json and the recommended configuration's report",
    )
    .argument("<scenario>", "scenario file (.yaml, .yml or .json)")
    .requiredOption("--policy <id>", "the policy to plan")
    .requiredOption(
      "--target <expr>",
      '"<metric> <op> <value>", e.g. "meanWait <= 60", "class:hk-resident.shareWithin15 >= 0.98" (metrics: meanClearance, p50Clearance, p95Clearance, meanWait, throughput, peakHourThroughput, shareWithin15, shareWithin30; class:<id>.<m> / direction:<dir>.<m> with <m> in shareWithin15, shareWithin30, meanClearance)',
    )
    .option("--lanes <ids>", "comma-separated lane or officer pool ids to adjust (a pool's officers are one count; a lane of a pool names its pool; default: the policy's walk-through lanes; a single-lane policy: its lane)", listOption)
    .option("--min <n>", "fewest servers per lane considered (default 1)", integerOption("--min", 0, SCENARIO_LIMITS.serversPerLane))
    .option("--max <n>", `most servers per lane considered, at most ${SCENARIO_LIMITS.serversPerLane} (default max(20, 2 × the scenario's count))`, integerOption("--max", 1, SCENARIO_LIMITS.serversPerLane))
    .option("-r, --replications <n>", `replications per candidate, 2..${SCENARIO_LIMITS.replications} (default: the scenario's)`, integerOption("--replications", 2, SCENARIO_LIMITS.replications))
    .option("-s, --seed <seed>", "master random seed (default: the scenario's)", integerOption("--seed", 0))
    .option("-o, --out <dir>", "output directory (default: reports/<scenario name>-plan-<policy>)")
    .option("-t, --threads <n>", `worker threads (default: ${availableParallelism()})`, integerOption("--threads", 1, 1024))
    .option("--json", "print plan.json to stdout instead of the table")
    .option("-q, --quiet", "no progress lines on stderr")
    .action(async (scenario: string, options: PlanCommandOptions) => {
      await planCommand(scenario, options);
    });
}
