import { SCENARIO_LIMITS } from "@hetao/scenario";
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { collectOption, integerOption, listOption } from "../options.js";
import type { RunOptions } from "./run-command.js";
import { type PrecisionTarget, parsePrecision } from "@hetao/experiment";

/** `--value-of-time 400:HKD` → { value: 400, currency: "HKD" } (the currency is optional). */
export function valueOfTimeOption(text: string): { value: number; currency?: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?::\s*([A-Za-z][\w$€¥£]{0,15}))?\s*$/.exec(text);
  if (m === null) throw new InvalidArgumentError("--value-of-time must be a non-negative number with an optional currency, e.g. 400 or 400:HKD.");
  return m[2] !== undefined ? { value: Number(m[1]), currency: m[2] } : { value: Number(m[1]) };
}

/** `--precision 5%` / `--precision meanWait=10%`, collected; a bad value is one line naming the accepted forms. */
export function precisionOption(text: string, previous: PrecisionTarget[] = []): PrecisionTarget[] {
  try {
    return [...previous, parsePrecision(text)];
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("simulate a scenario under its policies on common random numbers and write report.json, report.md and report.html")
    .argument("<scenario>", "scenario file (.yaml, .yml or .json)")
    .option("-r, --replications <n>", `replications (simulated days), 2..${SCENARIO_LIMITS.replications} (default: the scenario's)`, integerOption("--replications", 2, SCENARIO_LIMITS.replications))
    .option("-s, --seed <seed>", "master random seed, integer >= 0 (default: the scenario's)", integerOption("--seed", 0))
    .option("-p, --policies <ids>", "comma-separated policy ids (default: every policy of the scenario)", listOption)
    .option("-o, --out <dir>", "output directory (default: reports/<scenario name>)")
    .option("-t, --threads <n>", `worker threads (default: ${availableParallelism()}, the available parallelism)`, integerOption("--threads", 1, 1024))
    .option(
      "--vary <path=values>",
      "sweep a scenario path over values (v1,v2,… or start:stop:step); repeat for a two-parameter grid (see docs/sweeps-and-plans.md)",
      collectOption,
      [],
    )
    .option("--trace <file>", "also write one replication's per-traveller event log (.csv or .parquet; see docs/exports.md)")
    .option("--trace-policy <id>", "policy to trace (default: the baseline)")
    .option("--trace-replication <r>", "replication to trace (default 0)", integerOption("--trace-replication", 0))
    .option("--redis <url>", "run on the BullMQ worker fleet at this Redis (default: REDIS_URL when set; see docs/operations.md)")
    .option("--working-days <n>", "working days per year for the researcher-hours-saved line (default 250)", integerOption("--working-days", 1, 366))
    .option("--value-of-time <x[:CUR]>", "value of one researcher-hour, e.g. 400:HKD, to value the hours saved", valueOfTimeOption)
    .option(
      "--precision <target>",
      'repeatable: run replications in rounds until every 95% interval is this narrow, e.g. "5%" (mean crossing time, per policy and per paired difference) or "meanWait=10%" (see docs/method.md)',
      precisionOption,
    )
    .option("--max-replications <n>", "cap for --precision (default 1000)", integerOption("--max-replications", 2, SCENARIO_LIMITS.replications))
    .option("--json", "print report.json to stdout instead of the summary table")
    .option("-q, --quiet", "no progress or log lines on stderr")
    .action(async (scenario: string, options: RunOptions) => {
      // Loaded on use: the simulation stack is heavy to import, and validate/schema do not need it.
      const { runCommand } = await import("./run-command.js");
      await runCommand(scenario, options);
    });
}
