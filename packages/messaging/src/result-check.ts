import { type ReplicationResult, ReplicationResultSchema } from "@hetao/crossing-model";
import { Ajv, type ValidateFunction } from "ajv";
import { z } from "zod";
import type { JsonSchemaNode } from "./schema-codec.js";
import { describeZodError } from "./zod-error.js";

let jsonSchema: JsonSchemaNode | undefined;
let compiled: ValidateFunction | undefined;

/** ReplicationResultSchema as JSON Schema (z.toJSONSchema), once per process or thread: the source of the validator and of the result codec. */
export function resultJsonSchema(): JsonSchemaNode {
  jsonSchema ??= z.toJSONSchema(ReplicationResultSchema, { target: "draft-7" }) as JsonSchemaNode;
  return jsonSchema;
}

/**
 * ReplicationResultSchema compiled to a JSON-Schema validator (z.toJSONSchema → ajv), once per
 * process or thread. Same rules as the zod schema (a test checks that they agree on valid and broken
 * results), several times faster on these histogram-heavy results.
 */
export function resultValidator(): ValidateFunction {
  compiled ??= new Ajv({ strict: false, allErrors: false, validateFormats: false }).compile(resultJsonSchema());
  return compiled;
}

/**
 * Checks a replication result (an object, e.g. from JSON.parse) against ReplicationResultSchema and
 * its coordinates. Returns undefined when valid, else one readable line. The compiled validator
 * decides quickly; anything it rejects goes to the zod schema, which has the last word and the words.
 */
export function checkResult(value: unknown, point?: number, replication?: number): string | undefined {
  if (!resultValidator()(value)) {
    const parsed = ReplicationResultSchema.safeParse(value);
    if (!parsed.success) return describeZodError(parsed.error);
  }
  const r = value as ReplicationResult;
  if ((point !== undefined && r.point !== point) || (replication !== undefined && r.replication !== replication)) {
    return `the result is for point ${r.point}, replication ${r.replication}, not point ${point}, replication ${replication}`;
  }
  return undefined;
}
