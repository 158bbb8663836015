import { type Document, LineCounter, type Node, isAlias, isMap, isPair, isScalar, isSeq } from "yaml";
import type { PathSegment } from "./semantic-issue.js";

export interface SourcePosition {
  line: number;
  column: number;
}

/** Finds the source position of a data path (`key: true` points at a mapping key instead of its value). */
export type Locator = (path: readonly PathSegment[], options?: { key?: boolean }) => SourcePosition | undefined;

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === "<<" || (typeof v === "symbol" && v.description === "<<");
}

type Found = { value: unknown; key?: unknown };

function deref(doc: Document, node: unknown): unknown {
  let n = node;
  for (let i = 0; i < 20 && isAlias(n); i++) n = n.resolve(doc);
  return n;
}

/** Looks up `key` in a mapping node, following `<<` merge keys like the loader does. */
function findInMap(doc: Document, map: unknown, key: string, depth = 0): Found | undefined {
  const m = deref(doc, map);
  if (!isMap(m) || depth > 20) return undefined;
  for (const pair of m.items) {
    if (isPair(pair) && isScalar(pair.key) && !isMergeKey(pair.key) && String(pair.key.value) === key) {
      return { value: pair.value, key: pair.key };
    }
  }
  // Merge sources: later pairs lose to earlier ones; within a list, earlier sources win.
  for (const pair of m.items) {
    if (!isPair(pair) || !isMergeKey(pair.key)) continue;
    const src = deref(doc, pair.value);
    const sources = isSeq(src) ? src.items : [src];
    for (const s of sources) {
      const found = findInMap(doc, s, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function rangeOf(node: unknown): [number, number, number] | undefined {
  const r = (node as Node | null | undefined)?.range;
  return Array.isArray(r) ? (r as [number, number, number]) : undefined;
}

/** A Locator over a parsed YAML (or JSON) document. */
export function yamlLocator(doc: Document, lineCounter: LineCounter): Locator {
  return (path, options) => {
    let node: unknown = doc.contents;
    let lastGood: unknown = node;
    let keyNode: unknown;
    let complete = true;
    for (const seg of path) {
      const current = deref(doc, node);
      let next: Found | undefined;
      if (isSeq(current) && typeof seg === "number") {
        const item = current.items[seg];
        next = item === undefined ? undefined : { value: item };
      } else if (isMap(current)) {
        next = findInMap(doc, current, String(seg));
      }
      if (next === undefined || next.value === null || next.value === undefined) {
        // A key with an empty value ("key:") still has a key node to point at.
        if (next?.key !== undefined) {
          keyNode = next.key;
          lastGood = next.key;
        }
        complete = false;
        break;
      }
      keyNode = next.key;
      node = next.value;
      lastGood = node;
    }
    const target = complete && options?.key && keyNode !== undefined ? keyNode : lastGood;
    const range = rangeOf(target);
    if (range === undefined) return undefined;
    const pos = lineCounter.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  };
}
