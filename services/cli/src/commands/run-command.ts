import { join } from "node:path";
import {
  type ExperimentSpec,
  type PrecisionRecord,
  type PrecisionTarget,
  ReportAccumulator,
  createExperiment,
  experimentId,
  nextReplications,
  precisionChecks,
  reportJson,
  skewedUnderfewReplications,
  worstCheck,
} from "@hetao/experiment";
import { renderReportFiles, renderSummaryTable, reproduceCommand } from "@hetao/report";
import { type SweepTraceOptions, checkTraceOptions, renderSweepTable, sweepPoints, writeTrace } from "../exports-step.js";
import { EmbeddedRunner, defaultThreads } from "../embedded-runner.js";
import { fleetRunnerFor } from "./fleet.js";
import { CliError } from "../errors.js";
import { loadScenarioForCli, stderrLog } from "./scenario-commands.js";
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
  /** Replications in rounds until every target holds (packages/experiment/src/precision.ts), up to `maxReplications`. */
  precision?: PrecisionTarget[];
  maxReplications?: number;
}

/** Default cap of `--precision`. */
export const DEFAULT_MAX_REPLICATIONS = 1000;

/**
 * Chooses the transport. Embedded worker threads today; the fleet adds `--redis <url>` / REDIS_URL here
 * and returns its BullMQ runner (same ExperimentRunner contract, results encoded as in the embedded run).
 */
export function selectRunner(options: RunOptions, scenarioPath?: string): ExperimentRunner {
  const fleet = fleetRunnerFor(options, scenarioPath);
  if (fleet !== undefined) return fleet;
  return new EmbeddedRunner({ threads: options.threads ?? defaultThreads() });
}

/**
 * The sequential rule (precision.ts): rounds of replications until every target holds or the cap is
 * reached; each round's spec differs only in its replication count, so the last round's report is the
 * one `--replications n` gives, plus `experiment.precision`. Each round runs all its replications
 * again into a fresh accumulator (nothing of the previous round is kept), as `--replications n` would.
 */
async function runToPrecision(
  first: ExperimentSpec,
  targets: readonly PrecisionTarget[],
  cap: number,
  runRound: (spec: ExperimentSpec) => Promise<ReportAccumulator>,
  specFor: (replications: number) => ExperimentSpec,
  meta: { scenarioDigest: string; toolVersion: string },
  log: (line: string) => void,
) {
  const rounds: number[] = [];
  let spec = first;
  for (;;) {
    const results = await runRound(spec);
    rounds.push(spec.replications);
    const plain = results.finish(meta);
    const checks = precisionChecks(plain, targets);
    const worst = worstCheck(checks);
    const met = checks.every((c) => c.met);
    const worstText = worst === undefined ? "" : `${worst.measure} of ${worst.subject} ±${worst.relativeHalfWidth === null ? "undefined" : `${(worst.relativeHalfWidth * 100).toFixed(1)}%`} (target ${(worst.target * 100).toFixed(1)}%)`;
    const next = met ? spec.replications : nextReplications(spec.replications, checks, cap);
    if (met || next <= spec.replications) {
      log(met ? `precision met at ${spec.replications} replications: widest ${worstText}` : `precision not met at the cap of ${cap} replications: widest ${worstText}`);
      const record: PrecisionRecord = {
        targets: targets.map((t) => ({ ...t })),
        cap,
        rounds,
        met,
        worst: worst === undefined ? { measure: "", subject: "", relativeHalfWidth: null, target: 0 } : { measure: worst.measure, subject: worst.subject, relativeHalfWidth: worst.relativeHalfWidth, target: worst.target },
      };
      return results.finish({ ...meta, precision: record });
    }
    log(`precision: widest ${worstText} at ${spec.replications} replications; next round ${next}`);
    spec = specFor(next);
  }
}

export interface RunOutcome {
  spec: ExperimentSpec;
  reportJsonText: string;
  paths: string[];
}

/** `hetao-sim run`: load → experiment → replications on a runner → report files → summary. */
export async function runCommand(scenarioPath: string, options: RunOptions, runnerFactory = selectRunner): Promise<RunOutcome> {
  const log = stderrLog(options.quiet);
  const loaded = await loadScenarioForCli(scenarioPath);
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

  const cap = options.maxReplications ?? DEFAULT_MAX_REPLICATIONS;
  if (options.precision !== undefined && spec.replications > cap) {
    throw new CliError(`--max-replications ${cap} is below the first round's ${spec.replications} replications (--replications or the scenario's)`);
  }
  const runner = runnerFactory(options, scenarioPath);
  // Results are merged as they arrive: nothing holds all of them (the accumulator keeps O(1) state per statistic).
  const runRound = async (roundSpec: ExperimentSpec): Promise<ReportAccumulator> => {
    log(
      `${scenario.name}: ${roundSpec.replications} replications × ${roundSpec.policies.length} ${roundSpec.policies.length === 1 ? "policy" : "policies"} ` +
        `(${roundSpec.policies.join(", ")}), seed ${roundSpec.seed}, experiment ${experimentId(roundSpec)}; ${runner.describe()}`,
    );
    const progress = new ProgressDisplay(progressMode(options));
    try {
      const accumulator = new ReportAccumulator(roundSpec);
      await runner.run(
        roundSpec,
        (p) => progress.update(p),
        (r) => accumulator.add(r),
      );
      return accumulator;
    } catch (err) {
      throw new CliError(`run failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      progress.stop();
    }
  };
  const meta = { scenarioDigest: digest, toolVersion: TOOL_VERSION };
  let report;
  try {
    if (options.precision === undefined || options.precision.length === 0) {
      report = (await runRound(spec)).finish(meta);
    } else {
      report = await runToPrecision(spec, options.precision, cap, runRound, (n) => createExperiment(scenario, { ...createOptions, replications: n }), meta, log);
      spec = createExperiment(scenario, { ...createOptions, replications: report.experiment.replications });
    }
  } finally {
    await runner.close?.();
  }
  for (const s of skewedUnderfewReplications(report)) {
    log(
      `warning: ${s.policy}: the per-replication mean queueing time is strongly skewed (skewness ${s.skewness.toFixed(1)}) at ${report.experiment.replications} replications: ` +
        `intervals may cover less than 95%; run 30 or more (--replications 30, or --precision)`,
    );
  }
  // report.json, report.md, report.html: the same bundle the fleet's metrics service writes. Its
  // report.json is the printed text too (serialised once: it grows with the replication table).
  // The reproduce line of report.md/.html quotes the scenario file as the user gave it.
  const files = renderReportFiles(report, { scenarioPath });
  const jsonText = String(files.find((f) => f.name === "report.json")?.content ?? reportJson(report));
  const written = await replaceFolderAtomically(outDir, files);
  if (written.replaced) log(`replaced the existing folder ${outDir} (its old files are gone)`);
  const paths = written.paths;
  const tracePath = await writeTrace(spec, options, log);
  if (tracePath !== undefined) paths.push(tracePath);

  if (options.json) {
    process.stdout.write(jsonText);
    log(`wrote ${paths.join(" and ")}`);
    log(`reproduce: ${reproduceCommand(report, { scenarioPath })}`);
  } else {
    process.stdout.write(renderSummaryTable(report));
    process.stdout.write(renderSweepTable(report));
    process.stdout.write(`\nreport: ${paths.join("\n        ")}\nreproduce: ${reproduceCommand(report, { scenarioPath })}\n`);
  }
  return { spec, reportJsonText: jsonText, paths };
}
