import { CST, type LineCounter } from "yaml";
import { type ScenarioIssue, ScenarioError, formatPath } from "./errors.js";
import { clip } from "./excerpt.js";
import { SCENARIO_LIMITS } from "./limits.js";
import type { PathSegment } from "./semantic-issue.js";

// Both walks are iterative (an explicit stack): they exist to refuse input that would overflow a recursive one.

function tooDeep(path: readonly PathSegment[], position?: { line: number; column: number }): ScenarioIssue {
  const max = SCENARIO_LIMITS.nestingDepth;
  const where = formatPath(path.slice(0, max + 1));
  const issue: ScenarioIssue = {
    path: where,
    message: `nested deeper than ${max} levels at ${where === "" ? "(document)" : clip(where, 100)}`,
    expected: `at most ${max} levels of mappings and lists (SCENARIO_LIMITS.nestingDepth)`,
  };
  if (position) Object.assign(issue, position);
  return issue;
}

function keyOf(token: CST.Token | null | undefined, index: number): PathSegment {
  if (token && "source" in token && typeof token.source === "string" && token.type !== "alias") return token.source;
  return index;
}

/**
 * Nesting depth of YAML text, read from the parser's concrete syntax tree before the (recursive) composer
 * builds the document: beyond SCENARIO_LIMITS.nestingDepth, a ScenarioError naming the limit and where.
 */
export function checkYamlNesting(tokens: readonly CST.Token[], source: string, lineCounter: LineCounter): void {
  const max = SCENARIO_LIMITS.nestingDepth;
  type Entry = { token: CST.Token | null | undefined; depth: number; path: PathSegment[] };
  const stack: Entry[] = tokens.filter((t) => t.type === "document").map((t) => ({ token: (t as CST.Document).value, depth: 0, path: [] }));
  while (stack.length > 0) {
    const { token, depth, path } = stack.pop()!;
    if (!token) continue;
    if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection") continue;
    if (depth + 1 > max) {
      const pos = lineCounter.linePos(token.offset);
      throw new ScenarioError([tooDeep(path, { line: pos.line, column: pos.col })], source);
    }
    const isSeq = token.type === "block-seq" || (token.type === "flow-collection" && token.start.source === "[");
    token.items.forEach((item, i) => {
      const it = item as { key?: CST.Token | null; value?: CST.Token };
      if (it.key) stack.push({ token: it.key, depth: depth + 1, path: [...path, i] });
      stack.push({ token: it.value, depth: depth + 1, path: [...path, isSeq ? i : keyOf(it.key, i)] });
    });
  }
}

/**
 * Counts the values of parsed data as if every shared reference (a YAML alias) were a copy, stopping at
 * SCENARIO_LIMITS.documentNodes, and checks the nesting depth (aliases can nest deeper than the text).
 * Throws ScenarioError naming the limit.
 */
export function checkDataSize(data: unknown, source: string): void {
  const maxNodes = SCENARIO_LIMITS.documentNodes;
  const maxDepth = SCENARIO_LIMITS.nestingDepth;
  type Entry = { value: unknown; depth: number; parent: Entry | undefined; key: PathSegment };
  const pathOf = (e: Entry | undefined): PathSegment[] => {
    const out: PathSegment[] = [];
    for (let x = e; x?.parent !== undefined; x = x.parent) out.push(x.key);
    return out.reverse();
  };
  const stack: Entry[] = [{ value: data, depth: 0, parent: undefined, key: "" }];
  let nodes = 0;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (++nodes > maxNodes) {
      throw new ScenarioError(
        [{ path: "", message: `scenario too large: more than ${maxNodes} YAML nodes after alias expansion`, expected: `at most ${maxNodes} values (SCENARIO_LIMITS.documentNodes)` }],
        source,
      );
    }
    const v = entry.value;
    if (v === null || typeof v !== "object") continue;
    if (entry.depth + 1 > maxDepth) throw new ScenarioError([tooDeep(pathOf(entry))], source);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: entry.depth + 1, parent: entry, key: i });
    } else {
      for (const k of Object.keys(v)) stack.push({ value: (v as Record<string, unknown>)[k], depth: entry.depth + 1, parent: entry, key: k });
    }
  }
}
