import { SCENARIO_LIMITS } from "@hetao/scenario";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import type { CapacityCandidate, CapacityPolicy, CapacityResult, CapacityTarget } from "@hetao/experiment";
import { CliError } from "../errors.js";
import { candidateRunner, loadScenarioForCli, searchOrCliError, stderrLog } from "./scenario-commands.js";
import { collectOption, integerOption } from "../options.js";

export interface CapacityCommandOptions {
  target?: string[];
  policy?: string[];
  minMultiplier?: number;
  maxMultiplier?: number;
  tolerance?: number;
  replications?: number;
  seed?: number;
  out?: string;
  threads?: number;
  json?: boolean;
  quiet?: boolean;
}

export interface CapacityOutcome {
  capacity: CapacityResult;
  capacityJsonText: string;
  paths: string[];
}

/** Commander parser for a positive number (a fraction or a percentage for --tolerance). */
function positiveNumberOption(name: string, percent = false): (value: string) => number {
  return (value: string) => {
    const t = value.trim();
    const m = /^([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(%?)$/.exec(t);
    const fraction = /^(\d+)\/(\d+)$/.exec(t);
    let n = Number.NaN;
    if (m !== null && (percent || m[2] === "")) n = Number(m[1]) / (m[2] === "%" ? 100 : 1);
    else if (fraction !== null) n = Number(fraction[1]) / Number(fraction[2]);
    if (!(Number.isFinite(n) && n > 0)) {
      throw new InvalidArgumentError(`${name} must be a number > 0${percent ? " (e.g. 0.02 or 2%)" : " (e.g. 64, 0.25 or 1/64)"}.`);
    }
    return n;
  };
}

/** Commas separate several ids in one --policy. */
function policiesOption(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((s) => s.trim()).filter((s) => s !== "")];
}

/** A multiplier to 3 significant figures, e.g. `×2.41`, `×0.0156`, `×64.0`. */
export function formatMultiplier(m: number | null): string {
  if (m === null || !Number.isFinite(m)) return "–";
  return `×${m >= 1000 ? String(Math.round(m)) : m.toPrecision(3)}`;
}

function fourDigits(x: number | null): string {
  return x === null ? "n/a" : String(Number(x.toPrecision(4)));
}

/** `×2.41 (×2.30–×2.52)`, with `≥` / `<` where the search hit --max-multiplier / --min-multiplier. */
export function formatCapacity(p: CapacityPolicy, result: Pick<CapacityResult, "minMultiplier">): string {
  const one = (q: "estimate" | "lower" | "upper") => {
    const limit = p.limits[q];
    if (limit === "below-min") return `<${formatMultiplier(result.minMultiplier)}`;
    return `${limit === "above-max" ? "≥" : ""}${formatMultiplier(p[q])}`;
  };
  return `${one("estimate")} (${one("lower")}–${one("upper")})`;
}

/** Format a target's value (seconds, shares, counts) with the report formatters. */
async function valueFormatter(target: CapacityTarget): Promise<(x: number | null) => string> {
  const { formatValue, formatPercent } = await import("@hetao/report");
  if (target.kind === "pledge") return (x) => formatPercent(x);
  const metric = target.metric!;
  const dot = metric.lastIndexOf(".");
  const base = dot >= 0 ? metric.slice(dot + 1) : metric;
  return (x) => formatValue(base, x);
}

/** The capacity result as terminal text: one row per policy, the comparisons, then each policy's search path. */
export async function renderCapacityTable(result: CapacityResult): Promise<string> {
  const { textTable } = await import("@hetao/report");
  const lines: string[] = [];
  lines.push(
    `capacity ${result.scenario}: the largest ${result.path} meeting ${result.targets.map((t) => t.text).join(" and ")}; ` +
      `${result.replications} replications, seed ${result.seed}, common random numbers across multipliers`,
  );
  lines.push(
    `interval: lower = passes with one-sided 95% confidence, upper = not rejected at one-sided 95% (a 90% interval); search from ${formatMultiplier(result.startMultiplier)} ` +
      `within ${formatMultiplier(result.minMultiplier)}–${formatMultiplier(result.maxMultiplier)}, tolerance ${Number((result.tolerance * 100).toPrecision(3))}%`,
  );
  for (const s of result.skippedTargets) lines.push(`skipped ${s.target}: ${s.reason}`);
  lines.push("");
  lines.push(
    textTable(
      ["policy", "capacity (90% interval)", "binding target", "candidates"],
      result.policies.map((p) => [p.policy, formatCapacity(p, result), p.bindingTarget ?? "–", String(p.candidates.length)]),
    ),
  );
  if (result.comparisons.length > 0) {
    lines.push("");
    for (const c of result.comparisons) {
      const range = c.lower === null && c.upper === null ? "" : ` (${formatMultiplier(c.lower)}–${formatMultiplier(c.upper)}, approximate)`;
      lines.push(`${c.treatment} / ${c.baseline}: capacity ratio ${formatMultiplier(c.ratio)}${range}`);
    }
  }
  for (const p of result.policies) {
    lines.push("");
    const target = result.targets.find((t) => t.text === p.candidates[0]?.target) ?? result.targets[0]!;
    const fmt = await valueFormatter(target);
    const side = target.op.startsWith(">") ? "lower" : "upper";
    lines.push(`search path: ${p.policy} (${target.text}${result.targets.length > 1 ? "; pass/mean/possible over every target" : ""})`);
    const rows = p.candidates.map((c: CapacityCandidate) => [
      String(c.step),
      String(c.round),
      formatMultiplier(c.multiplier),
      fmt(c.estimate),
      fmt(c.bound),
      c.pass ? "pass" : "fail",
      c.meanMeets ? "yes" : "no",
      c.notRejected ? "yes" : "no",
    ]);
    lines.push(textTable(["step", "round", "multiplier", "estimate", `${side} bound`, "target", "mean meets", "possible"], rows, ["r", "r", "r", "r", "r", "l", "l", "l"]));
    for (const n of p.notes) lines.push(`note: ${n}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `hetao-sim capacity`: search → capacity.json → table. */
export async function capacityCommand(scenarioPath: string, options: CapacityCommandOptions): Promise<CapacityOutcome> {
  const log = stderrLog(options.quiet);
  const { searchCapacity, stableJson } = await import("@hetao/experiment");
  const { replaceFolderAtomically } = await import("../output.js");
  const { TOOL_VERSION } = await import("../version.js");

  const loaded = await loadScenarioForCli(scenarioPath);
  const { scenario, digest } = loaded;
  const capacity: CapacityResult = await searchOrCliError(() =>
    searchCapacity(
      scenario,
      {
        ...(options.target !== undefined ? { targets: options.target } : {}),
        ...(options.policy !== undefined ? { policies: options.policy } : {}),
        ...(options.minMultiplier !== undefined ? { minMultiplier: options.minMultiplier } : {}),
        ...(options.maxMultiplier !== undefined ? { maxMultiplier: options.maxMultiplier } : {}),
        ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
        ...(options.replications !== undefined ? { replications: options.replications } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        onCandidate: (policy, c) =>
          log(
            `${policy} candidate ${c.step} (round ${c.round}): ${formatMultiplier(c.multiplier)} → ${c.checks
              .map((k) => `${k.target}: estimate ${fourDigits(k.estimate)}, bound ${fourDigits(k.bound)}, ${k.pass ? "pass" : "fail"}`)
              .join("; ")}`,
          ),
      },
      candidateRunner(options.threads),
      { scenarioDigest: digest, toolVersion: TOOL_VERSION },
    ),
  );

  const capacityJsonText = `${stableJson(capacity)}\n`;
  const outDir = options.out ?? join("reports", `${scenario.name}-capacity`);
  const written = await replaceFolderAtomically(outDir, [{ name: "capacity.json", content: capacityJsonText }]);
  if (written.replaced) log(`replaced the existing folder ${outDir} (its old files are gone)`);
  const paths = written.paths;
  if (options.json) {
    process.stdout.write(capacityJsonText);
    log(`wrote ${paths.join(", ")}`);
  } else {
    process.stdout.write(await renderCapacityTable(capacity));
    process.stdout.write(`\ncapacity: ${paths[0]}\n`);
  }
  return { capacity, capacityJsonText, paths };
}

export function registerCapacity(program: Command): void {
  program
    .command("capacity")
    .description(
      "the largest demand multiplier (demand.multiplier) each policy sustains while meeting a target, with a 90% interval from one-sided 95% tests; writes capacity.json",
    )
    .argument("<scenario>", "scenario file (.yaml, .yml or .json)")
    .option(
      "--target <expr>",
      'repeatable; all must hold: "<metric> <op> <value>" as for plan (e.g. "meanWait <= 60", "class:hk-resident.shareWithin15 >= 98%") or pledge:<id> ' +
        "(a pledge of the scenario's `pledges:`: its share within the limit, lower 95% bound >= its target; 100% pledges are skipped). Default: every pledge of the scenario",
      collectOption,
    )
    .option("--policy <id>", "repeatable or comma-separated: the policies to search (default: every policy)", policiesOption)
    .option("--min-multiplier <m>", "smallest multiplier tried (default 1/64)", positiveNumberOption("--min-multiplier"))
    .option("--max-multiplier <m>", "largest multiplier tried (default 64)", positiveNumberOption("--max-multiplier"))
    .option("--tolerance <t>", "bisect until a bracket's hi/lo <= 1 + t (default 0.02 = 2%)", positiveNumberOption("--tolerance", true))
    .option("-r, --replications <n>", `replications per candidate, 2..${SCENARIO_LIMITS.replications} (default: the scenario's)`, integerOption("--replications", 2, SCENARIO_LIMITS.replications))
    .option("-s, --seed <seed>", "master random seed (default: the scenario's)", integerOption("--seed", 0))
    .option("-o, --out <dir>", "output directory (default: reports/<scenario name>-capacity)")
    .option("-t, --threads <n>", `worker threads (default: ${availableParallelism()})`, integerOption("--threads", 1, 1024))
    .option("--json", "print capacity.json to stdout instead of the table")
    .option("-q, --quiet", "no progress lines on stderr")
    .action(async (scenario: string, options: CapacityCommandOptions) => {
      await capacityCommand(scenario, options);
    });
}
