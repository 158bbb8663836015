import type { Command } from "commander";
import { ScenarioError, formatScenarioError, loadScenarioFile, scenarioWarnings } from "@hetao/scenario";
import { CliError } from "../errors.js";

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export interface ValidateOptions {
  /**
   * Print the scenario as the simulator reads it, as JSON, instead of the summary: its `extends`
   * expanded, every default filled in. What the HTTP API takes (it reads no `extends`), and what
   * `run FILE --redis` submits.
   */
  expanded?: boolean;
}

/**
 * `hetao-sim validate <file>`: "ok: <name> (...)" and the scenario digest on stdout (or, with
 * --expanded, the expanded scenario as JSON), or the formatted errors (exit 1).
 */
export async function validateCommand(file: string, options: ValidateOptions = {}): Promise<void> {
  try {
    const { scenario, resolved, digest } = await loadScenarioFile(file);
    // Allowed but almost certainly not meant: one line each on stderr; the file is still valid (exit 0).
    for (const w of scenarioWarnings(resolved)) process.stderr.write(`warning: ${w}\n`);
    if (options.expanded) {
      process.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
      return;
    }
    // A lane a policy inherits (extends) is one lane, not one per policy.
    const lanes = new Set(resolved.policies.flatMap((p) => p.lanes.map((l) => l.id))).size;
    process.stdout.write(
      `ok: ${scenario.name} (${plural(resolved.policies.length, "policy", "policies")}: ${resolved.policies.map((p) => p.id).join(", ")}; ` +
        `${plural(lanes, "lane")}; ${plural(resolved.travellers.classes.length, "traveller class", "traveller classes")}; ` +
        `${plural(resolved.experiment.replications, "replication")}, seed ${resolved.experiment.seed})\n` +
        `scenario digest (sha256, as reports cite it): ${digest}\n`,
    );
  } catch (err) {
    if (err instanceof ScenarioError) throw new CliError(formatScenarioError(err));
    throw err;
  }
}

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a scenario file and print a one-line summary, or every problem with its field path and line")
    .argument("<file>", "scenario file (.yaml, .yml or .json)")
    .option("--expanded", "print the scenario as the simulator reads it (extends expanded, defaults filled in) as JSON, the form the HTTP API takes")
    .action(async (file: string, options: ValidateOptions) => {
      await validateCommand(file, options);
    });
}
