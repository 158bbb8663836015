import type { z } from "zod";
import type { PathSegment } from "./semantic-issue.js";

// Reads zod 4 schema definitions (`_zod.def`) to find the schema that applies at a data path.
// Used to enrich error messages (allowed keys, number ranges) and to pick placeholders for the
// fields of a bad file (load.ts).

interface AnyDef {
  type: string;
  innerType?: ZodLike;
  in?: ZodLike;
  shape?: Record<string, ZodLike>;
  element?: ZodLike;
  items?: ZodLike[];
  valueType?: ZodLike;
  options?: ZodLike[];
  discriminator?: string;
  entries?: Record<string, unknown>;
  values?: unknown[];
  getter?: () => ZodLike;
  checks?: { _zod: { def: { check?: string; value?: unknown; inclusive?: boolean; format?: string } } }[];
}
interface ZodLike {
  _zod: { def: AnyDef; propValues?: Record<string, Set<unknown>> };
}

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

function unwrap(schema: ZodLike): ZodLike {
  let s = schema;
  for (let i = 0; i < 50; i++) {
    const def = s._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else if (def.type === "lazy" && def.getter) s = def.getter();
    else break;
  }
  return s;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value;
}

/** For a union, the option that fits `data` best (by discriminator, then by JS type). */
function pickOption(schema: ZodLike, data: unknown): ZodLike | undefined {
  const def = schema._zod.def;
  const options = (def.options ?? []).map(unwrap);
  if (def.discriminator !== undefined && data !== null && typeof data === "object") {
    const tag = (data as Record<string, unknown>)[def.discriminator];
    return options.find((o) => o._zod.propValues?.[def.discriminator!]?.has(tag));
  }
  const kind = kindOf(data);
  return options.find((o) => {
    const t = o._zod.def.type;
    return t === kind || (kind === "object" && (t === "object" || t === "record")) || (t === "union" && pickOption(o, data) !== undefined);
  });
}

function resolveUnion(schema: ZodLike | undefined, data: unknown): ZodLike | undefined {
  let s = schema === undefined ? undefined : unwrap(schema);
  while (s !== undefined && s._zod.def.type === "union") {
    const next = pickOption(s, data);
    s = next === undefined ? undefined : unwrap(next);
  }
  return s;
}

/** The schema that applies to the value at `path` inside `data`, or undefined when it cannot be told. */
export function schemaAt(root: z.ZodType, path: readonly PathSegment[], data: unknown): z.ZodType | undefined {
  let s: ZodLike | undefined = root as unknown as ZodLike;
  let d: unknown = data;
  for (const seg of path) {
    s = resolveUnion(s, d);
    if (s === undefined) return undefined;
    const def: AnyDef = s._zod.def;
    if (def.type === "object") s = def.shape?.[String(seg)];
    else if (def.type === "array") s = def.element;
    else if (def.type === "tuple") s = typeof seg === "number" ? def.items?.[seg] : undefined;
    else if (def.type === "record") s = def.valueType;
    else return undefined;
    d = d !== null && typeof d === "object" ? (d as Record<string, unknown>)[String(seg)] : undefined;
  }
  return resolveUnion(s, d) as unknown as z.ZodType | undefined;
}

/** The keys an object schema accepts, or undefined when the schema is not an object. */
export function objectKeys(schema: z.ZodType | undefined): string[] | undefined {
  const def = (schema as unknown as ZodLike | undefined)?._zod.def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
}

/** "a number in [0, 1]", "an integer >= 1", "a number > 0" ... from a number schema's checks. */
export function describeNumberSchema(schema: z.ZodType | undefined): string | undefined {
  const def = (schema as unknown as ZodLike | undefined)?._zod.def;
  if (def?.type !== "number") return undefined;
  let integer = false;
  let min: { value: number; inclusive: boolean } | undefined;
  let max: { value: number; inclusive: boolean } | undefined;
  for (const c of def.checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === "number_format" && (cd.format === "safeint" || cd.format === "int32")) integer = true;
    else if (cd.check === "greater_than" && typeof cd.value === "number") min = { value: cd.value, inclusive: cd.inclusive === true };
    else if (cd.check === "less_than" && typeof cd.value === "number") max = { value: cd.value, inclusive: cd.inclusive === true };
  }
  const noun = integer ? "an integer" : "a number";
  if (min && max && max.value < Number.MAX_SAFE_INTEGER) {
    return `${noun} in ${min.inclusive ? "[" : "("}${min.value}, ${max.value}${max.inclusive ? "]" : ")"}`;
  }
  if (min) return `${noun} ${min.inclusive ? ">=" : ">"} ${min.value}`;
  if (max && max.value < Number.MAX_SAFE_INTEGER) return `${noun} ${max.inclusive ? "<=" : "<"} ${max.value}`;
  return noun;
}

/** The schema of item `index` of a list schema (an array's element, a tuple's item), or undefined. */
export function itemSchema(schema: z.ZodType | undefined, index: number): z.ZodType | undefined {
  if (schema === undefined) return undefined;
  const def = unwrap(schema as unknown as ZodLike)._zod.def;
  const item = def.type === "array" ? def.element : def.type === "tuple" ? def.items?.[index] : undefined;
  return item as unknown as z.ZodType | undefined;
}

/**
 * A value of the schema's type to start a placeholder from: {} for an object, [] for a list, the first
 * value of an enum, … (its own fields and bounds are repaired in later rounds); undefined when none.
 */
export function placeholderFor(schema: z.ZodType | undefined): unknown {
  if (schema === undefined) return undefined;
  const def = unwrap(schema as unknown as ZodLike)._zod.def;
  switch (def.type) {
    case "object":
    case "record":
      return {};
    case "array":
    case "tuple":
      return [];
    case "string":
      return "x";
    case "number":
      return 1;
    case "boolean":
      return false;
    case "enum":
      return Object.values(def.entries ?? {})[0];
    case "literal":
      return def.values?.[0];
    case "union":
      return placeholderFor(def.options?.[0] as unknown as z.ZodType | undefined);
    default:
      return undefined;
  }
}
