/**
 * Deterministic JSON: object keys sorted recursively (by UTF-16 code units), arrays in order,
 * no whitespace. Otherwise follows JSON.stringify: `toJSON` is honoured, undefined/function/symbol
 * properties are dropped (null inside arrays), non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  return write(value, "", "", new Set<object>()) ?? "null";
}

/**
 * The same canonical form, readable: `indent` spaces per level (default 2), one item per line.
 * Same value → same bytes.
 */
export function stableJson(value: unknown, indent = 2): string {
  return write(value, "", " ".repeat(indent), new Set<object>()) ?? "null";
}

/** One writer for both forms: `step` is the indentation per level, "" for the compact form. */
function write(value: unknown, pad: string, step: string, seen: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("canonical JSON: cannot serialize a BigInt");
    case "object": {
      if (seen.has(value)) throw new TypeError("canonical JSON: cannot serialize a circular structure");
      seen.add(value);
      const inner = pad + step;
      const compact = step === "";
      let text: string;
      if (Array.isArray(value)) {
        const items = value.map((v) => write(v, inner, step, seen) ?? "null");
        if (compact) text = `[${items.join(",")}]`;
        else text = items.length === 0 ? "[]" : `[\n${items.map((i) => inner + i).join(",\n")}\n${pad}]`;
      } else {
        const record = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const key of Object.keys(record).sort()) {
          const v = write(record[key], inner, step, seen);
          if (v !== undefined) parts.push(compact ? `${JSON.stringify(key)}:${v}` : `${inner}${JSON.stringify(key)}: ${v}`);
        }
        if (compact) text = `{${parts.join(",")}}`;
        else text = parts.length === 0 ? "{}" : `{\n${parts.join(",\n")}\n${pad}}`;
      }
      seen.delete(value);
      return text;
    }
    default:
      return undefined; // undefined, function, symbol
  }
}
