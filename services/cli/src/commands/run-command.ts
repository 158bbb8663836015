import { join } from "node:path";
import { type ExperimentSpec, buildReport, createExperiment, experimentId, reportJson } from "@hetao/experiment";
import { renderReportFiles, renderSummaryTable } from "@hetao/report";
import { ScenarioError, formatScenarioError, loadScenarioFile } from "@hetao/scenario";
import { type SweepTraceOptions, checkTraceOptions, renderSweepTable, sweepPoints, writeTrace } from "../exports-step.js";
import { EmbeddedRunner, defaultThreads } from "../embedded-runner.js";
import { fleetRunnerFor } from "./fleet.js";
import { CliError } from "../errors.js";
import { replaceFolderAtomically } from "../output.js";
import { ProgressDisplay, progressMode } from "../progress.js";
import type { ExperimentRunner } from "../runner.js";
import { TOOL_VERSION } from "../version.js";

export interface RunOptions extends SweepTraceOptions {
  replications?: number;
  seed?: number;
  policies?: string[];
  out?: string;
  threads?: number;
  json?: boolean;
  quiet?: boolean;
  /** Economics line: working days per year (default 250) and the value of a researcher-hour. */
  workingDays?: number;
  valueOfTime?: { value: number; currency?: string };
  /** Redis URL of the BullMQ fleet (or REDIS_URL): run there instead of embedded. */
  redis?: string;
}

/**
 * Chooses the transport. Embedded worker threads today; the fleet adds `--redis <url>` / REDIS_URL here
 * and returns its BullMQ runner (same ExperimentRunner contract, results encoded as in the embedded run).
 */
export function selectRunner(options: RunOptions): ExperimentRunner {
  const fleet = fleetRunnerFor(options);
  if (fleet !== undefined) return fleet;
  return new EmbeddedRunner({ threads: options.threads ?? defaultThreads() });
}

export interface RunOutcome {
  spec: ExperimentSpec;
  reportJsonText: string;
  paths: string[];
}

/** `hetao-sim run`: load → experiment → replications on a runner → report files → summary. */
export async function runCommand(scenarioPath: string, options: RunOptions, runnerFactory = selectRunner): Promise<RunOutcome> {
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  let loaded;
  try {
    loaded = await loadScenarioFile(scenarioPath);
  } catch (err) {
    if (err instanceof ScenarioError) throw new CliError(formatScenarioError(err));
    throw err;
  }
  const { scenario, digest } = loaded;
  const createOptions: Parameters<typeof createExperiment>[1] = {};
  if (options.replications !== undefined) createOptions.replications = options.replications;
  if (options.seed !== undefined) createOptions.seed = options.seed;
  if (options.policies !== undefined) createOptions.policies = options.policies;
  if (options.workingDays !== undefined || options.valueOfTime !== undefined) {
    createOptions.economics = {
      ...(options.workingDays !== undefined ? { workingDaysPerYear: options.workingDays } : {}),
      ...(options.valueOfTime !== undefined ? { valueOfTimePerHour: options.valueOfTime.value } : {}),
      ...(options.valueOfTime?.currency !== undefined ? { currency: options.valueOfTime.currency } : {}),
    };
  }
  const points = sweepPoints(options.vary);
  if (points !== undefined) createOptions.points = points;
  let spec: ExperimentSpec;
  try {
    spec = createExperiment(scenario, createOptions);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  checkTraceOptions(spec, options);
  const outDir = options.out ?? join("reports", scenario.name);

  const runner = runnerFactory(options);
  log(
    `${scenario.name}: ${spec.replications} replications × ${spec.policies.length} ${spec.policies.length === 1 ? "policy" : "policies"} ` +
      `(${spec.policies.join(", ")}), seed ${spec.seed}, experiment ${experimentId(spec)}; ${runner.describe()}`,
  );
  const progress = new ProgressDisplay(progressMode(options));
  let results;
  try {
    results = await runner.run(spec, (p) => progress.update(p));
  } catch (err) {
    throw new CliError(`run failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    progress.stop();
    await runner.close?.();
  }

  const report = buildReport(spec, results, { scenarioDigest: digest, toolVersion: TOOL_VERSION });
  const jsonText = reportJson(report);
  // report.json, report.md, report.html: the same bundle the fleet's metrics service writes.
  const written = await replaceFolderAtomically(outDir, renderReportFiles(report));
  if (written.replaced) log(`replaced the existing folder ${outDir} (its old files are gone)`);
  const paths = written.paths;
  const tracePath = await writeTrace(spec, options, log);
  if (tracePath !== undefined) paths.push(tracePath);

  if (options.json) {
    process.stdout.write(jsonText);
    log(`wrote ${paths.join(" and ")}`);
  } else {
    process.stdout.write(renderSummaryTable(report));
    process.stdout.write(renderSweepTable(report));
    process.stdout.write(`\nreport: ${paths.join("\n        ")}\n`);
  }
  return { spec, reportJsonText: jsonText, paths };
}
