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

const MAX_VALUE_CHARS = 160;

/** Compact JSON of a bad value for messages (long values are cut). */
export function showValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** `<source>:<line>:<col>: <path>: <message> (got <JSON value>; expected <expected>)` */
export function formatIssue(issue: ScenarioIssue, source: string): string {
  const where = issue.line !== undefined ? `${source}:${issue.line}:${issue.column ?? 1}` : source;
  const details: string[] = [];
  if ("value" in issue && issue.value !== undefined) details.push(`got ${showValue(issue.value)}`);
  if (issue.expected !== undefined) details.push(`expected ${issue.expected}`);
  const tail = details.length > 0 ? ` (${details.join("; ")})` : "";
  return `${where}: ${issue.path === "" ? "(document)" : issue.path}: ${issue.message}${tail}`;
}

function formatIssues(issues: readonly ScenarioIssue[], source: string): string {
  return issues.map((i) => formatIssue(i, source)).join("\n");
}

/** One line per issue for a ScenarioError; the message for any other error. */
export function formatScenarioError(err: unknown): string {
  if (err instanceof ScenarioError) return formatIssues(err.issues, err.source);
  if (err instanceof Error) return err.message;
  return String(err);
}
