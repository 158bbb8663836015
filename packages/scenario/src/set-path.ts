/**
 * Paths into a scenario document for sweeps: dot-separated keys, numeric indices and `[field=value]`
 * selectors, e.g. `travellers.whitelist.coverage`, `demand.profile[3].share`,
 * `policies[id=seamless].lanes[id=sb-walkthrough].servers`, `distributions["a.b"].mean`; a last step
 * `-` on a list (`policies.-`) is one past its end, so setting it appends an item; `[*]` is every item of
 * a list, so one edit (or one sweep parameter) sets a field of all of them, e.g.
 * `travellers.population.institutions[*].whitelisted`.
 */
export type PathStep = { key: string } | { index: number } | { field: string; equals: string } | { every: true };

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathError";
  }
}

/** Parses a path expression into steps. */
export function parsePath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new PathError(`invalid path ${JSON.stringify(path)} at character ${i + 1}: ${why}`);
  };
  const afterBracket = () => {
    if (i < path.length && path[i] !== "." && path[i] !== "[") fail(`unexpected ${JSON.stringify(path[i])} after "]"`);
  };
  if (path.length === 0) fail("empty path");
  while (i < path.length) {
    const ch = path[i]!;
    if (ch === "[") {
      const close = path.indexOf("]", i);
      if (path[i + 1] === '"') {
        // ["quoted key"]
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === "\\" ? 2 : 1;
        if (path[j + 1] !== "]") fail('expected "] after a quoted key');
        steps.push({ key: JSON.parse(path.slice(i + 1, j + 1)) as string });
        i = j + 2;
        afterBracket();
      } else {
        if (close < 0) fail('missing "]"');
        const inner = path.slice(i + 1, close).trim();
        const eq = inner.indexOf("=");
        if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) });
        else if (inner === "*") steps.push({ every: true });
        else if (eq > 0) steps.push({ field: inner.slice(0, eq).trim(), equals: inner.slice(eq + 1).trim() });
        else fail(`expected [<index>], [*] or [<field>=<value>], got [${inner}]`);
        i = close + 1;
        afterBracket();
      }
    } else if (ch === ".") {
      if (i === 0 || i === path.length - 1 || path[i + 1] === "." || path[i + 1] === "[") fail('misplaced "."');
      i++;
    } else {
      let j = i;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
      const name = path.slice(i, j);
      steps.push(/^\d+$/.test(name) ? { index: Number(name) } : { key: name });
      i = j;
    }
  }
  return steps;
}

function describe(steps: readonly PathStep[]): string {
  return steps
    .map((s, k) => ("key" in s ? `${k === 0 ? "" : "."}${s.key}` : "index" in s ? `[${s.index}]` : "every" in s ? "[*]" : `[${s.field}=${s.equals}]`))
    .join("");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Finds the container and the key/index of the last step (the container must exist). */
function locate(root: unknown, steps: readonly PathStep[], path: string): { container: unknown; last: string | number } {
  let current = root;
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    const where = describe(steps.slice(0, k)) || "(root)";
    let key: string | number;
    if ("every" in step) throw new PathError(`path ${JSON.stringify(path)}: [*] (every item) can only be set, not read`);
    if ("index" in step) {
      if (!Array.isArray(current)) throw new PathError(`path ${JSON.stringify(path)}: ${where} is not a list, cannot take [${step.index}]`);
      if (step.index >= current.length) {
        throw new PathError(`path ${JSON.stringify(path)}: ${where} has ${current.length} item(s), no index ${step.index}`);
      }
      key = step.index;
    } else if ("field" in step) {
      if (!Array.isArray(current)) throw new PathError(`path ${JSON.stringify(path)}: ${where} is not a list, cannot select [${step.field}=${step.equals}]`);
      const found = current.findIndex((item) => isRecord(item) && String(item[step.field]) === step.equals);
      if (found < 0) {
        const available = current.filter(isRecord).map((item) => String(item[step.field]));
        throw new PathError(
          `path ${JSON.stringify(path)}: no item of ${where} has ${step.field} = ${JSON.stringify(step.equals)} (available: ${available.join(", ") || "none"})`,
        );
      }
      key = found;
    } else {
      if (Array.isArray(current) && /^\d+$/.test(step.key)) key = Number(step.key);
      // `list.-` (JSON Pointer's "-"): one past the end, so setPath appends an item.
      else if (Array.isArray(current) && step.key === "-" && k === steps.length - 1) key = current.length;
      else if (!isRecord(current)) throw new PathError(`path ${JSON.stringify(path)}: ${where} is not a mapping, cannot take key "${step.key}"`);
      else key = step.key;
      if (k < steps.length - 1 && (!isRecord(current) || !Object.hasOwn(current, step.key))) {
        const keys = isRecord(current) ? Object.keys(current).join(", ") : "";
        throw new PathError(`path ${JSON.stringify(path)}: ${where} has no key "${step.key}" (keys: ${keys || "none"})`);
      }
    }
    if (k === steps.length - 1) return { container: current, last: key };
    current = (current as Record<string | number, unknown>)[key];
  }
  throw new PathError(`invalid path ${JSON.stringify(path)}: empty path`);
}

/** Reads the value at `path`; throws PathError when the path does not exist. */
export function getPath(root: unknown, path: string): unknown {
  const steps = parsePath(path);
  const { container, last } = locate(root, steps, path);
  if (isRecord(container) && !Object.hasOwn(container, last)) {
    throw new PathError(`path ${JSON.stringify(path)}: no key "${String(last)}" (keys: ${Object.keys(container).join(", ") || "none"})`);
  }
  if (Array.isArray(container) && typeof last === "number" && last >= container.length) {
    throw new PathError(`path ${JSON.stringify(path)}: the list has ${container.length} item(s), nothing to read at its end`);
  }
  return (container as Record<string | number, unknown>)[last];
}

/**
 * Returns a deep copy of `root` with the value at `path` replaced. Every container along the path must
 * exist; the last key of a mapping may be new (e.g. a field left to its default), which the scenario
 * schema then checks like any other key. Throws PathError for a path that does not exist.
 */
export function setPath<T>(root: T, path: string, value: unknown): T {
  const copy = structuredClone(root);
  for (const steps of expandEvery(copy, parsePath(path), path)) {
    const { container, last } = locate(copy, steps, path);
    (container as Record<string | number, unknown>)[last] = structuredClone(value);
  }
  return copy;
}

/** The concrete paths of a path with `[*]` steps: one per item of each list they stand for (none empty). */
function expandEvery(root: unknown, steps: readonly PathStep[], path: string): PathStep[][] {
  const at = steps.findIndex((s) => "every" in s);
  if (at < 0) return [[...steps]];
  const prefix = steps.slice(0, at);
  const list = prefix.length === 0 ? root : (() => {
    const { container, last } = locate(root, prefix, path);
    return (container as Record<string | number, unknown>)[last];
  })();
  const where = describe(prefix) || "(root)";
  if (!Array.isArray(list)) throw new PathError(`path ${JSON.stringify(path)}: ${where} is not a list, cannot take [*]`);
  if (list.length === 0) throw new PathError(`path ${JSON.stringify(path)}: ${where} is an empty list, [*] sets nothing`);
  return list.flatMap((_, i) => expandEvery(root, [...prefix, { index: i }, ...steps.slice(at + 1)], path));
}
