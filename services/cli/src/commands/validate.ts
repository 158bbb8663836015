import type { Command } from "commander";
import { ScenarioError, formatScenarioError, loadScenarioFile } from "@hetao/scenario";
import { CliError } from "../errors.js";

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `hetao-sim validate <file>`: "ok: <name> (...)" on stdout, or the formatted errors (exit 1). */
export async function validateCommand(file: string): Promise<void> {
  try {
    const { scenario, resolved } = await loadScenarioFile(file);
    const lanes = new Set(resolved.policies.flatMap((p) => p.lanes.map((l) => `${p.id}/${l.id}`))).size;
    process.stdout.write(
      `ok: ${scenario.name} (${plural(resolved.policies.length, "policy", "policies")}: ${resolved.policies.map((p) => p.id).join(", ")}; ` +
        `${plural(lanes, "lane")}; ${plural(resolved.travellers.classes.length, "traveller class", "traveller classes")}; ` +
        `${plural(resolved.experiment.replications, "replication")}, seed ${resolved.experiment.seed})\n`,
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
    .action(async (file: string) => {
      await validateCommand(file);
    });
}
