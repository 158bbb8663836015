/**
 * Scenario overlays: a file that says only what changes from another scenario file.
 *
 *   extends: hetao-weekday.yaml          # path relative to this file
 *   name: hetao-weekday-rostered          # any top-level key replaces the parent's
 *   set:                                  # then these edits, in order (setPath syntax)
 *     - { path: "policies[id=current].lanes[id=sb-sz-exit-manual].schedule", value: [...] }
 *
 * The parent may itself extend another file (at most MAX_DEPTH levels, no cycles). The result is an
 * ordinary scenario, validated as a whole; its digest is that of the expanded scenario.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ScenarioError } from "./errors.js";
import { PathError, setPath } from "./set-path.js";

export const MAX_OVERLAY_DEPTH = 8;

/** The keys an overlay adds to a scenario file. */
export const OVERLAY_KEYS = ["extends", "set"] as const;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Whether read data is an overlay (has `extends`). */
export function isOverlay(data: unknown): boolean {
  return isRecord(data) && Object.hasOwn(data, "extends");
}

/**
 * Expands an overlay read from `source` (a file path; `extends` is resolved against its folder).
 * `read(path)` returns the parsed data of another file. Data without `extends` is returned as it is.
 * Throws ScenarioError naming the field, the value and what was expected.
 */
export function expandOverlay(data: unknown, source: string, read: (path: string) => unknown, depth = 0, seen: readonly string[] = []): unknown {
  if (!isOverlay(data)) {
    if (isRecord(data) && Object.hasOwn(data, "set")) {
      throw new ScenarioError([{ path: "set", message: "`set` needs `extends` (the scenario file it edits)", expected: "`extends: <scenario file>` next to `set`" }], source);
    }
    return data;
  }
  const overlay = data as Record<string, unknown>;
  const parentRef = overlay.extends;
  if (typeof parentRef !== "string" || parentRef.trim() === "") {
    throw new ScenarioError([{ path: "extends", message: "must be the path of a scenario file", value: parentRef, expected: "a path relative to this file, e.g. hetao-weekday.yaml" }], source);
  }
  if (depth >= MAX_OVERLAY_DEPTH) {
    throw new ScenarioError([{ path: "extends", message: `more than ${MAX_OVERLAY_DEPTH} levels of extends`, value: parentRef, expected: `at most ${MAX_OVERLAY_DEPTH} levels` }], source);
  }
  const parentPath = resolve(dirname(source), parentRef);
  const chain = [...seen, resolve(source)];
  if (chain.includes(parentPath)) {
    throw new ScenarioError([{ path: "extends", message: `extends cycle: ${[...chain, parentPath].join(" → ")}`, value: parentRef, expected: "a chain of files that ends in a scenario without extends" }], source);
  }
  let parentData: unknown;
  try {
    parentData = read(parentPath);
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const code = (err as { code?: string }).code;
    throw new ScenarioError([{ path: "extends", message: `cannot read ${parentPath}${code ? ` (${code})` : ""}`, value: parentRef, expected: "a readable scenario file" }], source);
  }
  const parent = expandOverlay(parentData, parentPath, read, depth + 1, chain);
  if (!isRecord(parent)) {
    throw new ScenarioError([{ path: "extends", message: "the parent file is not a scenario (a mapping)", value: parentRef, expected: "a scenario file" }], source);
  }
  const merged: Record<string, unknown> = structuredClone(parent);
  for (const [k, v] of Object.entries(overlay)) if (k !== "extends" && k !== "set") merged[k] = structuredClone(v);
  const edits = overlay.set ?? [];
  if (!Array.isArray(edits)) {
    throw new ScenarioError([{ path: "set", message: "must be a list of edits", value: edits, expected: "[{ path, value }, …]" }], source);
  }
  let out: unknown = merged;
  // Every bad edit is reported in one pass (each with its path, value and what was expected); the good ones still apply, so later checks see them.
  const issues: ConstructorParameters<typeof ScenarioError>[0] = [];
  edits.forEach((edit, i) => {
    if (!isRecord(edit) || typeof edit.path !== "string" || !Object.hasOwn(edit, "value") || Object.keys(edit).some((k) => k !== "path" && k !== "value")) {
      issues.push({ path: `set[${i}]`, message: "an edit is { path, value }", value: edit, expected: '{ path: "<scenario path>", value: <new value> }' });
      return;
    }
    try {
      out = setPath(out, edit.path, edit.value);
    } catch (err) {
      if (err instanceof PathError) {
        issues.push({ path: `set[${i}].path`, message: err.message, value: edit.path, expected: "a path into the parent scenario (docs/scenarios.md, Overlays)" });
        return;
      }
      throw err;
    }
  });
  if (issues.length > 0) throw new ScenarioError(issues, source);
  return out;
}

/** Reads and expands a scenario file's data synchronously (parent files are read with readFileSync). */
export function fileReader(readData: (text: string, source: string) => unknown): (path: string) => unknown {
  return (path) => readData(readFileSync(path, "utf8"), path);
}
