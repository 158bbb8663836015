import { Command } from "commander";
import { registerCancel } from "./commands/cancel.js";
import { registerCapacity } from "./commands/capacity.js";
import { registerPlan } from "./commands/plan.js";
import { registerRoster } from "./commands/roster.js";
import { registerRun } from "./commands/run.js";
import { registerSchema } from "./commands/schema.js";
import { registerStatus } from "./commands/status.js";
import { registerValidate } from "./commands/validate.js";
import { registerWorker } from "./commands/worker.js";
import { TOOL_VERSION } from "./version.js";

/** One registration function per file under ./commands/ (fleet: add worker and status here). */
export const COMMANDS: readonly ((program: Command) => void)[] = [registerRun, registerValidate, registerSchema, registerWorker, registerStatus, registerCancel, registerPlan, registerCapacity, registerRoster];

export function createProgram(): Command {
  const program = new Command();
  program
    .name("hetao-sim")
    .description("Discrete-event simulator of researchers crossing the Hetao Shenzhen–Hong Kong co-operation zone")
    .version(TOOL_VERSION)
    .showHelpAfterError("hint: hetao-sim --help lists the commands")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of COMMANDS) register(program);
  // A bad option or value: the one-line error, then a hint naming the command's help (not the whole usage text).
  for (const c of program.commands) c.showHelpAfterError(`hint: hetao-sim ${c.name()} --help lists its options`);
  return program;
}
