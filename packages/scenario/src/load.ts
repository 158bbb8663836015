import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { Composer, type Document, LineCounter, Parser, YAMLParseError } from "yaml";
import { checkDataSize, checkYamlNesting } from "./document-size.js";
import { canonicalJson } from "./canonical-json.js";
import { type ScenarioIssue, ScenarioError } from "./errors.js";
import { locateIssues, translateZodIssues, valueAt } from "./issues.js";
import { validateScenario } from "./validate.js";
import { findJsonSyntaxError } from "./json-syntax.js";
import { type ResolvedScenario, resolveScenario } from "./resolve.js";
import { type Scenario, ScenarioSchema, ScenarioShapeSchema } from "./scenario.js";
import { itemSchema, placeholderFor, schemaAt } from "./schema-walk.js";
import type { PathSegment } from "./semantic-issue.js";
import { UnknownPaths } from "./unknown-values.js";
import { type Locator, yamlLocator } from "./yaml-locate.js";
import { expandOverlay, fileReader, isOverlay } from "./overlay.js";

export type ScenarioFormat = "yaml" | "json";

export interface LoadedScenario {
  /** Parsed, with defaults applied. */
  scenario: Scenario;
  /** Times in seconds, policies flattened: what the simulation consumes. */
  resolved: ResolvedScenario;
  /** sha256 (hex) of the canonical JSON of `scenario`. */
  digest: string;
}

function parseWith(data: unknown, source: string, locate: Locator | undefined): Scenario {
  // Data from JSON.parse or setPath has not been through readDocument's check.
  checkDataSize(data, source);
  const result = ScenarioSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const issues = translateZodIssues(result.error.issues, data, ScenarioSchema, locate);
  throw new ScenarioError([...issues, ...laterStageIssues(data, issues, locate)], source);
}

function overlaps(a: string, b: string): boolean {
  const within = (inner: string, outer: string) => outer === "" || inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return within(a, b) || within(b, a);
}

/**
 * One pass over a file: when the schema stage fails, the cross-reference and semantic checks (unknown
 * checkpoints, lanes, distributions, duplicate ids, times outside the day, …) still run, on a copy whose
 * bad fields hold placeholders, so every problem comes out at once. A check that reads a placeholder, or
 * concludes from an absence the placeholders leave open, is skipped (validateScenario's `unknown`): a
 * missing day.close gives its own line and no other. A problem at or under a field the schema stage
 * reported is left out (one line per problem).
 */
function laterStageIssues(data: unknown, reported: readonly ScenarioIssue[], locate: Locator | undefined): ScenarioIssue[] {
  let located: ScenarioIssue[] = [];
  try {
    const later = repairedForChecks(data);
    if (later === undefined) return [];
    const problems = validateScenario(later.scenario, later.unknown).filter((p) => !later.unknown.covers(p.path));
    located = locateIssues(problems, later.scenario, locate);
  } catch {
    return [];
  }
  return located.filter((p) => !reported.some((r) => overlaps(p.path, r.path)));
}

/** Placeholder strings tried, in turn, for a string field of the wrong format (a slug, a time of day). */
const STRING_PLACEHOLDERS = ["x", "00:00", "a"];

/** Repair rounds: a missing section is filled in a level per round (demand → profile → its entries → …). */
const REPAIR_ROUNDS = 12;

/**
 * A copy of the data with each field the schema rejects replaced by a placeholder it accepts (the
 * minimum of a number, an enum's first value, a union's first option, an unknown key dropped, …),
 * parsed with the schema's defaults, and where it holds placeholders; undefined when some field cannot
 * be repaired. Only for running the later checks, which skip what they would read from a placeholder.
 */
function repairedForChecks(data: unknown): { scenario: Scenario; unknown: UnknownPaths } | undefined {
  let copy: unknown;
  try {
    copy = structuredClone(data);
  } catch {
    return undefined;
  }
  const unknown = new UnknownPaths();
  const attempts = new Map<string, number>();
  for (let round = 0; round < REPAIR_ROUNDS; round++) {
    const result = ScenarioShapeSchema.safeParse(copy);
    if (result.success) {
      markDefaults(copy, result.data, unknown);
      return { scenario: result.data, unknown };
    }
    for (const issue of result.error.issues) {
      if (!repairAt(copy, issue as unknown as RawIssue, attempts, unknown)) return undefined;
    }
  }
  return undefined;
}

/**
 * A default the schema filled in, in an object with an unknown key, is not what the file says either
 * (`multipler: 3` leaves `multiplier` at its default 1).
 */
function markDefaults(input: unknown, parsed: unknown, unknown: UnknownPaths): void {
  for (const path of unknown.objectsWithUnknownKeys()) {
    const before = valueAt(input, path).value;
    const after = valueAt(parsed, path).value;
    if (before === null || typeof before !== "object" || after === null || typeof after !== "object") continue;
    for (const key of Object.keys(after)) if (!Object.hasOwn(before, key)) unknown.markValue([...path, key]);
  }
}

type RawIssue = { code: string; path: PathSegment[]; [k: string]: unknown };

const isRootTypeMismatch = (i: RawIssue) => i.code === "invalid_type" && i.path.length === 0;

function placeholderOfType(expected: unknown): unknown {
  if (expected === "number" || expected === "int") return 1;
  if (expected === "boolean") return false;
  if (expected === "array" || expected === "tuple") return [];
  if (expected === "object" || expected === "record") return {};
  if (expected === "string") return STRING_PLACEHOLDERS[0];
  return undefined;
}

/** Repairs the copy at one issue, noting in `unknown` where it put a placeholder; false when it cannot. */
function repairAt(root: unknown, issue: RawIssue, attempts: Map<string, number>, unknown: UnknownPaths): boolean {
  const path = issue.path;
  const at = (p: readonly PathSegment[]) => p.reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], root);
  if (issue.code === "unrecognized_keys") {
    const target = at(path);
    if (typeof target !== "object" || target === null) return false;
    for (const k of (issue.keys as string[] | undefined) ?? []) delete (target as Record<string, unknown>)[k];
    // The key may be a misspelled field: what the object's other fields are is known, not which are absent.
    unknown.markKeys(path);
    return true;
  }
  if (path.length === 0) return false;
  const parentPath = path.slice(0, -1);
  const parent = at(parentPath);
  if (typeof parent !== "object" || parent === null) return false;
  const key = path[path.length - 1]!;
  const set = (v: unknown) => {
    if (v === undefined) return false;
    (parent as Record<PropertyKey, unknown>)[key] = v;
    unknown.markValue(path);
    return true;
  };
  const expected = issue.expected;
  switch (issue.code) {
    case "invalid_type":
      return set(placeholderOfType(expected) ?? placeholderFor(schemaAt(ScenarioShapeSchema, path, root)));
    case "invalid_key":
      // A record key of the wrong format: the entry goes (no valid name is that key; a sum over the
      // entries is not known).
      delete (parent as Record<PropertyKey, unknown>)[key];
      unknown.markEntries(parentPath);
      return true;
    case "invalid_union": {
      if (typeof issue.discriminator === "string") {
        // No matching `kind`: take the first, and the whole value is a placeholder (its fields follow).
        const options = (issue.options as unknown[] | undefined) ?? [];
        if (options.length === 0 || key !== issue.discriminator) return false;
        (parent as Record<string, unknown>)[key] = options[0];
        unknown.markValue(parentPath);
        return true;
      }
      // The branch whose type matched, as translateZodIssues reports it; else the first option's type.
      const errors = (issue.errors as RawIssue[][] | undefined) ?? [];
      const branches = errors.filter((b) => b.length > 0 && !b.every(isRootTypeMismatch));
      if (branches.length > 0) {
        const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
        return best.every((inner) => repairAt(root, { ...inner, path: [...path, ...inner.path] }, attempts, unknown));
      }
      const first = errors.flat().find(isRootTypeMismatch);
      return set(placeholderOfType(first?.expected));
    }
    case "too_small":
    case "too_big": {
      const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
      if (!Number.isFinite(bound)) return false;
      const value = (parent as Record<PropertyKey, unknown>)[key];
      if (issue.origin === "number") return set(issue.inclusive === false ? bound + (issue.code === "too_small" ? 1e-6 : -1e-6) : bound);
      if (issue.origin === "string" && typeof value === "string") return set(issue.code === "too_small" ? value.padEnd(bound, "x") : value.slice(0, bound));
      if (issue.origin === "array" && Array.isArray(value)) {
        if (issue.code === "too_big") return set(value.slice(0, bound));
        const schema = schemaAt(ScenarioShapeSchema, path, root);
        const padded = [...value];
        while (padded.length < bound) {
          const item = placeholderFor(itemSchema(schema, padded.length));
          if (item === undefined) return false;
          padded.push(item);
        }
        return set(padded);
      }
      return false;
    }
    case "invalid_value": {
      const values = issue.values as unknown[] | undefined;
      return values !== undefined && values.length > 0 ? set(values[0]) : false;
    }
    case "invalid_format": {
      const id = path.map(String).join(".");
      const n = attempts.get(id) ?? 0;
      attempts.set(id, n + 1);
      return n < STRING_PLACEHOLDERS.length ? set(STRING_PLACEHOLDERS[n]) : false;
    }
    default:
      return false;
  }
}

/** Validates already-parsed data (e.g. from JSON.parse) against the scenario schema. Throws ScenarioError. */
export function parseScenario(data: unknown, source = "<scenario>"): Scenario {
  return parseWith(data, source, undefined);
}

/** sha256 hex of the canonical JSON of a parsed scenario. */
export function scenarioDigest(scenario: Scenario): string {
  return createHash("sha256").update(canonicalJson(scenario)).digest("hex");
}

function formatFromSource(source: string): ScenarioFormat {
  return extname(source).toLowerCase() === ".json" ? "json" : "yaml";
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

/** Line and column (1-based) of a character offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function jsonSyntaxIssue(text: string, err: unknown): ScenarioIssue {
  const found = findJsonSyntaxError(text);
  const reason = found?.reason ?? (err instanceof Error ? err.message : String(err));
  const issue: ScenarioIssue = { path: "", message: `JSON syntax error: ${reason}`, expected: "valid JSON" };
  if (found) Object.assign(issue, positionOf(text, found.offset));
  return issue;
}

interface ReadDocument {
  data: unknown;
  locate: Locator;
}

function readDocument(text: string, source: string, format: ScenarioFormat): ReadDocument {
  if (format === "json") {
    try {
      JSON.parse(text);
    } catch (err) {
      throw new ScenarioError([jsonSyntaxIssue(text, err)], source);
    }
  }
  // JSON is parsed by the YAML parser too, so that field errors get positions.
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, source, lineCounter);
  const label = format === "json" ? "JSON" : "YAML";
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const issue: ScenarioIssue = { path: "", message: `${label} syntax error: ${firstLine(e.message)}`, expected: `valid ${label}` };
        const pos = e.linePos?.[0];
        if (pos) {
          issue.line = pos.line;
          issue.column = pos.col;
          const lineText = text.split(/\r?\n/)[pos.line - 1];
          if (lineText !== undefined && lineText.trim() !== "") issue.value = lineText.trim();
        }
        return issue;
      }),
      source,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 10_000 });
  } catch (err) {
    throw new ScenarioError([{ path: "", message: `cannot read the document: ${err instanceof Error ? err.message : String(err)}`, expected: `valid ${label}` }], source);
  }
  // toJS shares an anchor's value between its aliases; every later walk sees the copies.
  checkDataSize(data, source);
  return { data, locate: yamlLocator(doc, lineCounter) };
}

/**
 * yaml's parseDocument, in its two stages: the (iterative) parser's syntax tree is checked for nesting
 * first, because the composer recurses per level and would overflow the stack ("Maximum call stack size
 * exceeded") near 1,000 levels.
 */
function parseYamlDocument(text: string, source: string, lineCounter: LineCounter): Document.Parsed {
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  checkYamlNesting(tokens, source, lineCounter);
  let doc: Document.Parsed | undefined;
  for (const d of new Composer({ merge: true, uniqueKeys: true }).compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError(d.range.slice(0, 2) as [number, number], "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"));
      break;
    }
  }
  // Positions as parseDocument's prettyErrors gives them (the first line of the message is what is shown).
  for (const e of doc!.errors) e.linePos = [lineCounter.linePos(e.pos[0]), lineCounter.linePos(e.pos[1])];
  return doc!;
}

/**
 * Reads scenario text into plain data without validating it (YAML anchors and merge keys applied),
 * e.g. to edit it with `setPath` before `loadScenarioData`. Throws ScenarioError on a syntax error.
 */
export function readScenarioData(text: string, source = "<scenario>", format: ScenarioFormat = formatFromSource(source)): unknown {
  return readDocument(text, source, format).data;
}

function load(data: unknown, source: string, locate: Locator | undefined): LoadedScenario {
  const scenario = parseWith(data, source, locate);
  let resolved: ResolvedScenario;
  try {
    resolved = resolveScenario(scenario);
  } catch (err) {
    if (err instanceof ScenarioError) throw new ScenarioError(err.issues, source);
    throw err;
  }
  return { scenario, resolved, digest: scenarioDigest(scenario) };
}

/** Validates and resolves already-read data (e.g. after `setPath`). Throws ScenarioError. */
export function loadScenarioData(data: unknown, source = "<scenario>"): LoadedScenario {
  return load(data, source, undefined);
}

export interface LoadTextOptions {
  /**
   * Whether `extends:` may name another file, resolved against the source's folder (default true, for
   * files). Services that take scenario text from a request pass false: they never read local files.
   */
  overlays?: boolean;
}

/**
 * Parses scenario text (YAML or JSON; by default from the source's extension, YAML otherwise),
 * validates it and resolves it. Syntax and field errors carry line:column. An overlay (`extends:` another
 * file, `set:` edits; see overlay.ts) is expanded first. Throws ScenarioError.
 */
export function loadScenarioText(
  text: string,
  source = "<scenario>",
  format: ScenarioFormat = formatFromSource(source),
  options: LoadTextOptions = {},
): LoadedScenario {
  const { data, locate } = readDocument(text, source, format);
  if (!isOverlay(data)) return load(expandOverlay(data, source, () => undefined), source, locate);
  if (options.overlays === false) {
    throw new ScenarioError(
      [{ path: "extends", message: "extends is read only from scenario files, not from a request", value: (data as { extends?: unknown }).extends, expected: "the expanded scenario (hetao-sim run FILE --redis submits it expanded)" }],
      source,
    );
  }
  const expanded = expandOverlay(data, source, fileReader((t, s) => readDocument(t, s, formatFromSource(s)).data));
  return load(expanded, source, undefined);
}

/** Reads a scenario file (.yaml/.yml or .json), validates and resolves it. Throws ScenarioError. */
export async function loadScenarioFile(path: string): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ScenarioError([{ path: "", message: `cannot read the file${code ? ` (${code})` : ""}`, expected: "a readable scenario file" }], path);
  }
  return loadScenarioText(text, path);
}
