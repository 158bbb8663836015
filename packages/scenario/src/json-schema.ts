import { z } from "zod";
import { ScenarioSchema } from "./scenario.js";

export const SCENARIO_SCHEMA_ID = "urn:hetao-sim:schema:scenario:1";

/** JSON Schema (draft 2020-12) of scenario files as written (defaults optional), for editors. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ScenarioSchema, { io: "input", target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
  const { $schema: _ignored, ...rest } = generated;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: SCENARIO_SCHEMA_ID,
    title: "Hetao crossing scenario",
    ...rest,
    description:
      "Scenario file of the Hetao Shenzhen–Hong Kong crossing simulator: operating day, demand, travellers and clearance policies. " +
      'Times of day are "HH:MM"; durations are seconds. Cross-field rules (shares summing to 1, references, route coverage) are checked by the loader.',
  };
}
