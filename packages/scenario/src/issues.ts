import type { z } from "zod";
import { type ScenarioIssue, formatPath } from "./errors.js";
import { NAME_EXPECTED, NAME_PATTERN, SLUG_EXPECTED, SLUG_PATTERN } from "./ids.js";
import { describeNumberSchema, objectKeys, schemaAt } from "./schema-walk.js";
import { type PathSegment, type SemanticIssue, suggest } from "./semantic-issue.js";
import { TIME_EXPECTED, TIME_PATTERN, describeBadTime } from "./time-of-day.js";
import type { Locator } from "./yaml-locate.js";

/** An issue before its path is formatted and located. */
interface RawIssue {
  path: PathSegment[];
  message: string;
  expected?: string;
  hasValue: boolean;
  value?: unknown;
  /** Point at the mapping key rather than its value (unknown keys). */
  atKey?: boolean;
}

/** The value at `path` inside `data`, and whether it exists. */
export function valueAt(data: unknown, path: readonly PathSegment[]): { found: boolean; value: unknown } {
  let d: unknown = data;
  for (const seg of path) {
    if (d === null || typeof d !== "object") return { found: false, value: undefined };
    if (!Object.hasOwn(d, seg)) return { found: false, value: undefined };
    d = (d as Record<string, unknown>)[String(seg)];
  }
  return { found: d !== undefined, value: d };
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number" && !Number.isInteger(value)) return "a fractional number";
  return `a ${typeof value}`;
}

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  object: "a mapping (object)",
  record: "a mapping (object)",
  tuple: "a list (array)",
  array: "a list (array)",
  null: "null",
};

function expectedType(expected: string, schema: z.ZodType | undefined): string {
  if (expected === "number" || expected === "int") return describeNumberSchema(schema) ?? TYPE_WORDS[expected]!;
  return TYPE_WORDS[expected] ?? expected;
}

function formatExpectation(pattern: string, value: unknown): { message: string; expected: string } {
  if (pattern === String(TIME_PATTERN)) {
    return { message: typeof value === "string" ? describeBadTime(value) : "not a time of day", expected: TIME_EXPECTED };
  }
  if (pattern === String(SLUG_PATTERN)) return { message: "not a valid slug", expected: SLUG_EXPECTED };
  if (pattern === String(NAME_PATTERN)) return { message: "not a valid name", expected: NAME_EXPECTED };
  return { message: "does not have the required format", expected: `a string matching ${pattern}` };
}

type ZodIssue = z.core.$ZodIssue;

interface Context {
  root: z.ZodType;
  data: unknown;
}

function translate(iss: ZodIssue, base: readonly PathSegment[], ctx: Context, out: RawIssue[]): void {
  const path = [...base, ...(iss.path as PathSegment[])];
  const at = valueAt(ctx.data, path);
  const withValue = (message: string, expected?: string): RawIssue => {
    const r: RawIssue = { path, message, hasValue: at.found, value: at.value };
    if (expected !== undefined) r.expected = expected;
    return r;
  };
  switch (iss.code) {
    case "invalid_type": {
      const schema = schemaAt(ctx.root, path, ctx.data);
      const expected = expectedType(iss.expected, schema);
      if (!at.found) out.push(withValue("required field is missing", expected));
      else if (iss.expected === "int" && typeof at.value === "number") out.push(withValue("must be a whole number", expected));
      else out.push(withValue(`wrong type: ${typeName(at.value)}`, expected));
      return;
    }
    case "too_small": {
      const schema = schemaAt(ctx.root, path, ctx.data);
      if (iss.origin === "array") {
        const n = Number(iss.minimum);
        out.push(withValue(n === 1 ? "list must not be empty" : "list is too short", `at least ${n} item${n === 1 ? "" : "s"}`));
      } else if (iss.origin === "string") {
        out.push(withValue("string is too short", `at least ${Number(iss.minimum)} character(s)`));
      } else {
        const min = Number(iss.minimum);
        const message = min === 0 ? (iss.inclusive ? "must not be negative" : "must be positive") : `must be ${iss.inclusive ? "at least" : "greater than"} ${min}`;
        out.push(withValue(message, describeNumberSchema(schema) ?? `${iss.inclusive ? ">=" : ">"} ${min}`));
      }
      return;
    }
    case "too_big": {
      const schema = schemaAt(ctx.root, path, ctx.data);
      if (iss.origin === "array" || iss.origin === "string") {
        out.push(withValue("too long", `at most ${Number(iss.maximum)} ${iss.origin === "array" ? "items" : "characters"}`));
      } else {
        const max = Number(iss.maximum);
        out.push(withValue(`must be ${iss.inclusive ? "at most" : "less than"} ${max}`, describeNumberSchema(schema) ?? `${iss.inclusive ? "<=" : "<"} ${max}`));
      }
      return;
    }
    case "invalid_format": {
      const pattern = "pattern" in iss && typeof iss.pattern === "string" ? iss.pattern : iss.format;
      const f = formatExpectation(pattern, at.value);
      out.push(withValue(f.message, f.expected));
      return;
    }
    case "invalid_value": {
      const values = iss.values.map((v) => JSON.stringify(v));
      const hint = typeof at.value === "string" ? suggest(at.value, iss.values.map(String)) : undefined;
      out.push(withValue("not an allowed value", `one of ${values.join(", ")}${hint !== undefined ? ` (did you mean "${hint}"?)` : ""}`));
      return;
    }
    case "unrecognized_keys": {
      const allowed = objectKeys(schemaAt(ctx.root, path, ctx.data)) ?? [];
      for (const key of iss.keys) {
        const keyPath = [...path, key];
        const v = valueAt(ctx.data, keyPath);
        const hint = suggest(key, allowed);
        out.push({
          path: keyPath,
          message: `unknown key "${key}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ""}`,
          expected: `one of the allowed keys: ${allowed.join(", ")}`,
          hasValue: v.found,
          value: v.value,
          atKey: true,
        });
      }
      return;
    }
    case "invalid_key": {
      const key = path[path.length - 1];
      const inner = iss.issues[0];
      const pattern = inner && "pattern" in inner && typeof inner.pattern === "string" ? inner.pattern : "";
      const f = formatExpectation(pattern, key);
      out.push({ path, message: `invalid key ${JSON.stringify(key)}: ${f.message}`, expected: f.expected, hasValue: true, value: key, atKey: true });
      return;
    }
    case "invalid_union": {
      if (iss.discriminator !== undefined) {
        const options = ((iss as { options?: unknown[] }).options ?? []).map(String);
        const hint = typeof at.value === "string" ? suggest(at.value, options) : undefined;
        const expected = `${iss.discriminator} one of: ${options.join(", ")}${hint !== undefined ? ` (did you mean "${hint}"?)` : ""}`;
        out.push(withValue(at.found ? `unknown ${iss.discriminator} ${JSON.stringify(at.value)}` : `missing "${iss.discriminator}"`, expected));
        return;
      }
      // Prefer the branch whose type matched (its errors are deeper than a root type mismatch).
      const isRootTypeMismatch = (i: ZodIssue) => i.code === "invalid_type" && i.path.length === 0;
      const branches = iss.errors.filter((b) => b.length > 0 && !b.every(isRootTypeMismatch));
      if (branches.length > 0) {
        const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
        for (const inner of best) translate(inner, path, ctx, out);
        return;
      }
      const expectations = iss.errors
        .flat()
        .filter(isRootTypeMismatch)
        .map((i) => (i.code === "invalid_type" ? (TYPE_WORDS[i.expected] ?? i.expected) : ""));
      const unique = [...new Set(expectations)].filter((e) => e !== "");
      out.push(withValue(at.found ? `wrong type: ${typeName(at.value)}` : "required field is missing", unique.join(" or ")));
      return;
    }
    case "custom": {
      const params = (iss.params ?? {}) as { expected?: unknown; value?: unknown };
      const r: RawIssue = Object.hasOwn(params, "value")
        ? { path, message: iss.message, hasValue: true, value: params.value }
        : withValue(iss.message);
      if (typeof params.expected === "string") r.expected = params.expected;
      out.push(r);
      return;
    }
    default:
      out.push(withValue(iss.message));
  }
}

function finish(raw: readonly RawIssue[], locate: Locator | undefined): ScenarioIssue[] {
  return raw.map((r) => {
    const out: ScenarioIssue = { path: formatPath(r.path), message: r.message };
    if (r.hasValue) out.value = r.value;
    if (r.expected !== undefined) out.expected = r.expected;
    const pos = locate?.(r.path, { key: r.atKey === true });
    if (pos) {
      out.line = pos.line;
      out.column = pos.column;
    }
    return out;
  });
}

/** Translates zod issues into ScenarioIssues naming the path, the bad value and what was expected. */
export function translateZodIssues(issues: readonly ZodIssue[], data: unknown, root: z.ZodType, locate?: Locator): ScenarioIssue[] {
  const raw: RawIssue[] = [];
  for (const iss of issues) translate(iss, [], { root, data }, raw);
  return finish(raw, locate);
}

/** Converts cross-field validation problems into ScenarioIssues. */
export function locateIssues(problems: readonly SemanticIssue[], data: unknown, locate?: Locator): ScenarioIssue[] {
  return finish(
    problems.map((p) => {
      const at = valueAt(data, p.path);
      return { path: p.path, message: p.message, expected: p.expected, hasValue: p.hasValue || at.found, value: p.hasValue ? p.value : at.value };
    }),
    locate,
  );
}

