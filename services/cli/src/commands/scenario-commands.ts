import type { ReplicationResult } from "@hetao/crossing-model";
import type { ExperimentSpec } from "@hetao/experiment";
import { type LoadedScenario, ScenarioError, formatScenarioError, loadScenarioFile } from "@hetao/scenario";
import { CliError } from "../errors.js";

/**
 * What the commands that take a scenario file share (run, validate, plan, capacity, roster): one way
 * to load it, to print progress, to run a search's candidate experiments and to turn a library error
 * into the CLI's one-message error.
 */

/** Progress lines on stderr, unless --quiet. */
export function stderrLog(quiet: boolean | undefined): (line: string) => void {
  return (line) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
}

/** Loads and validates a scenario file; a bad one becomes one CliError listing every problem. */
export async function loadScenarioForCli(path: string): Promise<LoadedScenario> {
  try {
    return await loadScenarioFile(path);
  } catch (err) {
    if (err instanceof ScenarioError) throw new CliError(formatScenarioError(err));
    throw err;
  }
}

/** Runs each candidate experiment of a search (plan, capacity, roster) on a runner of its own, closed after. */
export function candidateRunner(threads: number | undefined): (spec: ExperimentSpec) => Promise<ReplicationResult[]> {
  return async (spec) => {
    const { selectRunner } = await import("./run-command.js");
    const runner = selectRunner(threads !== undefined ? { threads } : {});
    try {
      return await runner.run(spec, () => {});
    } finally {
      await runner.close?.();
    }
  };
}

/** Runs a search; its ExperimentError (a target or option the scenario cannot meet) becomes one CliError line. */
export async function searchOrCliError<T>(search: () => Promise<T>): Promise<T> {
  const { ExperimentError } = await import("@hetao/experiment");
  try {
    return await search();
  } catch (err) {
    if (err instanceof ExperimentError) throw new CliError(err.message.replace(/\s*\n\s*/g, "; "));
    throw err;
  }
}
