/** A path into a scenario document: object keys and array indices. */
export type PathSegment = string | number;

/** A problem found by cross-field validation (before it is located in the source text). */
export interface SemanticIssue {
  path: PathSegment[];
  message: string;
  expected: string;
  /** When true, `value` is reported as the bad value; otherwise the value at `path` is. */
  hasValue: boolean;
  value?: unknown;
}

export function issue(path: PathSegment[], message: string, expected: string): SemanticIssue {
  return { path, message, expected, hasValue: false };
}

export function issueWithValue(path: PathSegment[], message: string, value: unknown, expected: string): SemanticIssue {
  return { path, message, expected, hasValue: true, value };
}

/** Lists names for an "expected one of" text, shortening very long lists. */
export function listNames(names: readonly string[], max = 12): string {
  if (names.length === 0) return "(none defined)";
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown}, … (${names.length} in all)` : shown;
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `name`, if it is plausibly a typo of it. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** `one of: a, b, c` plus a did-you-mean hint. */
export function oneOf(what: string, name: string, candidates: readonly string[]): string {
  const hint = suggest(name, candidates);
  return `one of the ${what}: ${listNames(candidates)}${hint !== undefined ? ` (did you mean "${hint}"?)` : ""}`;
}
