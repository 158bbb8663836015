import { formatPath } from "./errors.js";
import type { PathSegment } from "./semantic-issue.js";

// When a file has field errors, the semantic checks still run, on a copy whose bad fields hold
// placeholders (load.ts). A placeholder says nothing about the file: a check that reads one must not
// report anything (day.close missing must not give "interval ends after arrivals stop (00:00)").
// trackReads wraps the copy so that reading a placeholder throws UnknownValueRead, and whenKnown runs
// one check and drops what it found when it did.

const pathKey = (path: readonly PathSegment[]) => JSON.stringify(path);

/**
 * Where a repaired copy holds placeholders: values the file got wrong or left out (and everything
 * inside them); objects whose set of keys is not known (an unknown key there may be a misspelled field,
 * so an absent field is not known to be absent); and records that lost an entry (a key of the wrong
 * format was dropped: no valid name is that key, but a sum over the entries is not known).
 */
export class UnknownPaths {
  private readonly values = new Set<string>();
  private readonly keys = new Set<string>();
  private readonly entries = new Set<string>();
  /** Every path at or above a marked one: only objects there need watching. */
  private readonly prefixes = new Set<string>();

  private mark(set: Set<string>, path: readonly PathSegment[]): void {
    set.add(pathKey(path));
    for (let n = 0; n <= path.length; n++) this.prefixes.add(pathKey(path.slice(0, n)));
  }

  markValue(path: readonly PathSegment[]): void {
    this.mark(this.values, path);
  }

  markKeys(path: readonly PathSegment[]): void {
    this.mark(this.keys, path);
  }

  markEntries(path: readonly PathSegment[]): void {
    this.mark(this.entries, path);
  }

  /** Whether something at or under `path` is marked. */
  leadsToMark(path: readonly PathSegment[]): boolean {
    return this.prefixes.has(pathKey(path));
  }

  /** Whether the value at `path` is a placeholder itself (not whether something inside it is). */
  isValue(path: readonly PathSegment[]): boolean {
    return this.values.has(pathKey(path));
  }

  /** Whether the keys of the object at `path` are not all known (an absent field may be meant). */
  keysUnknown(path: readonly PathSegment[]): boolean {
    return this.keys.has(pathKey(path));
  }

  /** Whether listing the keys of the object at `path` would not list all the file gave. */
  entriesUnknown(path: readonly PathSegment[]): boolean {
    const k = pathKey(path);
    return this.keys.has(k) || this.entries.has(k);
  }

  /** Whether the value at `path` is a placeholder or lies inside one. */
  covers(path: readonly PathSegment[]): boolean {
    for (let n = 0; n <= path.length; n++) if (this.values.has(pathKey(path.slice(0, n)))) return true;
    return false;
  }

  /** Paths of the objects whose keys are not all known. */
  objectsWithUnknownKeys(): PathSegment[][] {
    return [...this.keys].map((k) => JSON.parse(k) as PathSegment[]);
  }
}

/** Thrown when a check reads a placeholder, or concludes from a set it cannot know in full. */
export class UnknownValueRead extends Error {
  constructor(path?: readonly PathSegment[]) {
    super(path === undefined ? "a placeholder was read" : `a placeholder was read at ${formatPath(path) || "(document)"}`);
    this.name = "UnknownValueRead";
  }
}

/** Proxy → the object it wraps. */
const targets = new WeakMap<object, object>();

const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * `data` wrapped so that reading a placeholder (or asking whether a field is absent from an object whose
 * keys are not all known, or listing the keys of such an object or of a record that lost an entry)
 * throws UnknownValueRead. Objects read from it on the way to a placeholder are wrapped the same way, one
 * proxy per path (so `===` between them still holds); an object with no placeholder in it is itself.
 */
export function trackReads<T>(data: T, unknown: UnknownPaths): T {
  const wrap = (value: unknown, path: PathSegment[]): unknown => {
    if (value === null || typeof value !== "object" || !unknown.leadsToMark(path)) return value;
    const keysUnknown = unknown.keysUnknown(path);
    const entriesUnknown = unknown.entriesUnknown(path);
    const children = new Map<string, { value: unknown; wrapped: unknown }>();
    const childPath = (prop: string): PathSegment[] => [...path, Array.isArray(value) && INDEX.test(prop) ? Number(prop) : prop];
    /** Throws when `prop` cannot be told: a placeholder, or absent from an object whose keys are not all known. */
    const guard = (target: object, prop: string, readsValue: boolean): void => {
      if (!(prop in target)) {
        if (keysUnknown) throw new UnknownValueRead(childPath(prop));
      } else if (readsValue && Object.hasOwn(target, prop) && unknown.isValue(childPath(prop))) {
        throw new UnknownValueRead(childPath(prop));
      }
    };
    const proxy = new Proxy(value, {
      get(target, prop, receiver) {
        if (typeof prop === "symbol") return Reflect.get(target, prop, receiver);
        guard(target, prop, true);
        const v = Reflect.get(target, prop, receiver);
        if (!Object.hasOwn(target, prop) || v === null || typeof v !== "object") return v;
        const cached = children.get(prop);
        if (cached !== undefined && cached.value === v) return cached.wrapped;
        const wrapped = wrap(v, childPath(prop));
        children.set(prop, { value: v, wrapped });
        return wrapped;
      },
      has(target, prop) {
        if (typeof prop !== "symbol") guard(target, prop, true);
        return Reflect.has(target, prop);
      },
      getOwnPropertyDescriptor(target, prop) {
        // A key that is there is known to be there, even when its value is a placeholder.
        if (typeof prop !== "symbol") guard(target, prop, false);
        return Reflect.getOwnPropertyDescriptor(target, prop);
      },
      ownKeys(target) {
        if (entriesUnknown) throw new UnknownValueRead(path);
        return Reflect.ownKeys(target);
      },
    });
    targets.set(proxy, value);
    return proxy;
  };
  return wrap(data, []) as T;
}

/** The keys an object has (as Object.keys), also when it lost some: for checks of each entry on its own. */
export function presentKeys(obj: object): string[] {
  return Object.keys(targets.get(obj) ?? obj);
}

/** The value itself when it is a proxy from trackReads (e.g. to report it), else the value. */
export function untracked<T>(value: T): T {
  return value !== null && typeof value === "object" ? ((targets.get(value) as T | undefined) ?? value) : value;
}

/**
 * Runs one check, pushing what it finds onto `issues`; when it reads a placeholder, what it pushed is
 * taken back and false is returned. Other errors propagate.
 */
export function whenKnown(issues: unknown[], fn: () => void): boolean {
  const n = issues.length;
  try {
    fn();
    return true;
  } catch (err) {
    if (!(err instanceof UnknownValueRead)) throw err;
    issues.length = n;
    return false;
  }
}
