/**
 * Short excerpts of user input for error messages and API replies. A value can be huge once YAML aliases
 * are expanded (one 100 KB anchor aliased 5,000 times), so an excerpt is written by a walk that stops after
 * `max` characters instead of serialising the whole value and cutting it afterwards.
 */

/** Characters an excerpt of one value (or of a path, message or key) may take. */
export const MAX_EXCERPT_CHARS = 160;
/** Issues listed in one error message or reply; the rest are counted ("… and N more issues"). */
export const MAX_LISTED_ISSUES = 50;

class Full extends Error {}

/** The compact JSON of `value` if it fits in `max` characters (complete), else its first `max` or so. */
function jsonStart(value: unknown, max: number): { text: string; complete: boolean } {
  let out = "";
  const put = (s: string) => {
    out += s;
    if (out.length > max) throw new Full();
  };
  // A long string or key is cut before JSON.stringify so that the cost stays O(max).
  const str = (s: string) => JSON.stringify(s.length > max ? s.slice(0, max + 1) : s);
  const seen = new Set<object>();
  const write = (v: unknown): void => {
    if (v === null || v === undefined || typeof v === "function" || typeof v === "symbol") return put("null");
    if (typeof v === "string") return put(str(v));
    if (typeof v === "number") return put(Number.isFinite(v) ? String(v) : "null");
    if (typeof v !== "object") return put(String(v));
    if (seen.has(v)) return put('"[circular]"');
    seen.add(v);
    if (Array.isArray(v)) {
      put("[");
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(",");
        write(v[i]);
      }
      put("]");
    } else {
      put("{");
      let first = true;
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        const item = (v as Record<string, unknown>)[k];
        if (item === undefined) continue;
        if (!first) put(",");
        first = false;
        put(`${str(k)}:`);
        write(item);
      }
      put("}");
    }
    seen.delete(v);
  };
  try {
    write(value);
    return { text: out, complete: true };
  } catch (err) {
    if (err instanceof Full) return { text: out, complete: false };
    throw err;
  }
}

/** How big the whole value is, cheaply: characters of a string, items of a list, keys of a mapping. */
function sizeOf(value: unknown): string {
  if (typeof value === "string") return `${value.length} chars`;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (value !== null && typeof value === "object") return `a mapping of ${Object.keys(value).length} keys`;
  return "";
}

function cut(text: string, size: string, max: number): string {
  const suffix = size === "" ? "" : ` (${size})`;
  return `${text.slice(0, Math.max(1, max - suffix.length - 1))}…${suffix}`;
}

/**
 * Compact JSON of a value for a message: whole when it fits in `max` characters, otherwise its start, an
 * ellipsis and the original size, e.g. `"aaaa…" (102400 chars)` — never much longer than `max`.
 */
export function excerpt(value: unknown, max = MAX_EXCERPT_CHARS): string {
  const { text, complete } = jsonStart(value, max);
  return complete ? text : cut(text, sizeOf(value), max);
}

/** Whether `excerpt(value, max)` is the whole value. */
export function fitsExcerpt(value: unknown, max = MAX_EXCERPT_CHARS): boolean {
  return jsonStart(value, max).complete;
}

/** A text (path, message, key) cut to `max` characters with an ellipsis and its length. */
export function clip(text: string, max = MAX_EXCERPT_CHARS): string {
  return text.length <= max ? text : cut(text, `${text.length} chars`, max);
}
