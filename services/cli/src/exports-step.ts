import { type DesignPoint, type ExperimentSpec, type Report, experimentId, gridPoints, parseVary } from "@hetao/experiment";
import { formatDifference, formatPoints, formatValue, textTable } from "@hetao/report";
import { CliError } from "./errors.js";
import { writeFileAtomically } from "./output.js";

/** Options of `run` that belong to sweeps and traces. */
export interface SweepTraceOptions {
  /** `--vary path=values`, repeatable (at most two: a full grid). */
  vary?: string[];
  /** `--trace FILE.csv|FILE.parquet`. */
  trace?: string;
  tracePolicy?: string;
  traceReplication?: number;
}

/** The design points of `--vary` (undefined without it). Throws CliError for a bad argument. */
export function sweepPoints(vary: readonly string[] | undefined): DesignPoint[] | undefined {
  if (vary === undefined || vary.length === 0) return undefined;
  try {
    return gridPoints(vary.map(parseVary));
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

/** Checks the trace options against the experiment before anything runs. Throws CliError. */
export function checkTraceOptions(spec: ExperimentSpec, options: SweepTraceOptions): void {
  if (options.trace === undefined) {
    if (options.tracePolicy !== undefined || options.traceReplication !== undefined) {
      throw new CliError("--trace-policy and --trace-replication need --trace FILE.csv|FILE.parquet");
    }
    return;
  }
  if (!/\.(csv|parquet)$/i.test(options.trace)) throw new CliError(`--trace ${options.trace}: the file name must end in .csv or .parquet`);
  const policy = options.tracePolicy ?? spec.baseline;
  const known = spec.scenario.policies.map((p) => p.id);
  if (!known.includes(policy)) throw new CliError(`--trace-policy: unknown policy "${policy}" (the scenario has: ${known.join(", ")})`);
  const r = options.traceReplication ?? 0;
  if (r >= spec.replications) throw new CliError(`--trace-replication ${r} is outside 0..${spec.replications - 1}`);
}

/**
 * Writes the trace file: re-simulates one replication of the first design point under the traced
 * policy with a trace sink (the same travellers and times as in the report). Returns the path.
 */
export async function writeTrace(spec: ExperimentSpec, options: SweepTraceOptions, log: (line: string) => void): Promise<string | undefined> {
  if (options.trace === undefined) return undefined;
  const { traceFileContent, traceTable } = await import("@hetao/exports");
  const policy = options.tracePolicy ?? spec.baseline;
  const replication = options.traceReplication ?? 0;
  const table = await traceTable(spec, { policy, replication });
  const travellers = new Set(table.rows.map((r) => r[3])).size;
  const content = traceFileContent(options.trace, table, {
    "hetao.scenario": spec.scenario.name,
    "hetao.experimentId": experimentId(spec),
    "hetao.policy": policy,
    "hetao.replication": String(replication),
  });
  await writeFileAtomically(options.trace, content);
  log(`trace: ${travellers} travellers, ${table.rows.length} visits of policy ${policy}, replication ${replication} → ${options.trace}`);
  return options.trace;
}

function valueText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

const SWEEP_METRICS = ["meanClearance", "p95Clearance", "shareWithin15"] as const;

/**
 * The sweep at a glance for the terminal: one row per design point with the parameter values, each
 * policy's mean (± half-width) of a few key metrics and each comparison's paired difference.
 */
export function renderSweepTable(report: Report): string {
  const sweep = report.sweep;
  if (sweep === undefined) return "";
  const blocks: string[] = [];
  for (const metric of SWEEP_METRICS) {
    const header = [
      "point",
      ...sweep.parameters.map((p) => p.path),
      ...report.experiment.policies,
      ...sweep.differences.map((d) => `${d.treatment} - ${d.baseline}`),
    ];
    const rows = sweep.points.map((pt, i) => {
      const row = [String(pt.index), ...pt.values.map(valueText)];
      for (const id of report.experiment.policies) {
        const ci = sweep.series[id]?.[metric]?.[i];
        const hw = ci === undefined || ci.halfWidth === null ? "" : ` ± ${metric.startsWith("share") ? formatPoints(ci.halfWidth, false) : formatValue(metric, ci.halfWidth)}`;
        row.push(ci === undefined ? "" : `${formatValue(metric, ci.mean)}${hw}`);
      }
      for (const d of sweep.differences) {
        const x = d.metrics[metric]?.[i];
        row.push(
          x === undefined
            ? ""
            : `${formatDifference(metric, x.mean)} [${formatDifference(metric, x.lower)}, ${formatDifference(metric, x.upper)}]${x.significant ? " *" : "  "}`,
        );
      }
      return row;
    });
    blocks.push(`\nsweep: ${metric}\n${textTable(header, rows)}`);
  }
  return `${blocks.join("\n")}\n`;
}
