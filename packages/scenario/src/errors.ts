import { MAX_EXCERPT_CHARS, MAX_LISTED_ISSUES, clip, excerpt, fitsExcerpt } from "./excerpt.js";
import type { PathSegment } from "./semantic-issue.js";

/** One problem in a scenario file. */
export interface ScenarioIssue {
  /** Field path like "policies[1].lanes[0].servers" ("" for the whole document). */
  path: string;
  message: string;
  /** The offending value (absent when the field is missing). */
  value?: unknown;
  /** What would have been accepted. */
  expected?: string;
  /** 1-based position in the source text, when known. */
  line?: number;
  column?: number;
}

/** Thrown by the loader and by `resolveScenario` when a scenario is invalid. */
export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];
  /** File name (or label) of the scenario text. */
  readonly source: string;

  constructor(issues: ScenarioIssue[], source = "<scenario>") {
    super(formatIssues(issues, source));
    this.name = "ScenarioError";
    this.issues = issues;
    this.source = source;
  }
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** Formats ["policies", 1, "lanes", 0, "servers"] as "policies[1].lanes[0].servers". */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Compact JSON of a bad value for messages: long values are cut to a short excerpt (excerpt.ts). */
export function showValue(value: unknown): string {
  return excerpt(value);
}

/** `<source>:<line>:<col>: <path>: <message> (got <JSON value>; expected <expected>)`, each part cut short. */
export function formatIssue(issue: ScenarioIssue, source: string): string {
  const where = issue.line !== undefined ? `${clip(source)}:${issue.line}:${issue.column ?? 1}` : clip(source);
  const details: string[] = [];
  if ("value" in issue && issue.value !== undefined) details.push(`got ${showValue(issue.value)}`);
  if (issue.expected !== undefined) details.push(`expected ${clip(issue.expected, 2 * MAX_EXCERPT_CHARS)}`);
  const tail = details.length > 0 ? ` (${details.join("; ")})` : "";
  return `${where}: ${issue.path === "" ? "(document)" : clip(issue.path)}: ${clip(issue.message, 2 * MAX_EXCERPT_CHARS)}${tail}`;
}

/** An issue as an API reply shows it: every text cut short, a long value replaced by its excerpt. */
export interface ShortIssue {
  path: string;
  message: string;
  /** The value itself when short; else its excerpt (a string) and `valueTruncated: true`. */
  value?: unknown;
  valueTruncated?: true;
  expected?: string;
  line?: number;
  column?: number;
  /** The issue as one line (formatIssue). */
  text: string;
}

export function shortIssue(issue: ScenarioIssue, source: string): ShortIssue {
  const out: ShortIssue = { path: clip(issue.path), message: clip(issue.message, 2 * MAX_EXCERPT_CHARS), text: formatIssue(issue, source) };
  if ("value" in issue && issue.value !== undefined) {
    if (fitsExcerpt(issue.value)) out.value = issue.value;
    else {
      out.value = excerpt(issue.value);
      out.valueTruncated = true;
    }
  }
  if (issue.expected !== undefined) out.expected = clip(issue.expected, 2 * MAX_EXCERPT_CHARS);
  if (issue.line !== undefined) out.line = issue.line;
  if (issue.column !== undefined) out.column = issue.column;
  return out;
}

export interface IssueListing {
  /** The first issues (at most `maxIssues`, and as many as fit in `maxChars`), as short issues. */
  shown: ShortIssue[];
  /** Issues left out. */
  omitted: number;
  /** One line per shown issue, then "… and N more issues" when some are left out. */
  lines: string[];
}

/**
 * The issues of an error as messages and replies list them: at most `maxIssues` (default 50) and, when
 * `maxChars` is given, only as many lines as fit in it; the CLI and the API share it so that neither can
 * echo more than a bounded amount of the input.
 */
export function listIssues(issues: readonly ScenarioIssue[], source: string, limits: { maxIssues?: number; maxChars?: number } = {}): IssueListing {
  const maxIssues = limits.maxIssues ?? MAX_LISTED_ISSUES;
  const maxChars = limits.maxChars ?? Number.POSITIVE_INFINITY;
  const shown: ShortIssue[] = [];
  let chars = 0;
  for (const issue of issues) {
    if (shown.length >= maxIssues) break;
    const s = shortIssue(issue, source);
    if (shown.length > 0 && chars + s.text.length + 1 > maxChars) break;
    chars += s.text.length + 1;
    shown.push(s);
  }
  const omitted = issues.length - shown.length;
  const lines = shown.map((s) => s.text);
  if (omitted > 0) lines.push(`… and ${omitted} more issue${omitted === 1 ? "" : "s"} (${issues.length} in all)`);
  return { shown, omitted, lines };
}

function formatIssues(issues: readonly ScenarioIssue[], source: string): string {
  return listIssues(issues, source).lines.join("\n");
}

/** One line per issue (at most 50, then "… and N more issues") for a ScenarioError; the message for any other error. */
export function formatScenarioError(err: unknown): string {
  if (err instanceof ScenarioError) return formatIssues(err.issues, err.source);
  if (err instanceof Error) return err.message;
  return String(err);
}
