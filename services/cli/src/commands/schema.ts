import type { Command } from "commander";
import { scenarioJsonSchema } from "@hetao/scenario";
import { writeFileAtomically } from "../output.js";

/** `hetao-sim schema [--out file]`: the scenario JSON Schema (for editors). */
export async function schemaCommand(options: { out?: string }): Promise<void> {
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (options.out !== undefined) {
    await writeFileAtomically(options.out, text);
    process.stderr.write(`wrote ${options.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print (or write) the JSON Schema of scenario files, for editor completion and validation")
    .option("-o, --out <file>", "write to this file instead of stdout")
    .action(async (options: { out?: string }) => {
      await schemaCommand(options);
    });
}
