/**
 * Deterministic JSON: object keys sorted recursively (by UTF-16 code units), arrays in order,
 * no whitespace. Otherwise follows JSON.stringify: `toJSON` is honoured, undefined/function/symbol
 * properties are dropped (null inside arrays), non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, new Set<object>());
  return out ?? "null";
}

function write(value: unknown, seen: Set<object>): string | undefined {
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
      throw new TypeError("canonicalJson: cannot serialize a BigInt");
    case "object": {
      if (seen.has(value)) throw new TypeError("canonicalJson: cannot serialize a circular structure");
      seen.add(value);
      let text: string;
      if (Array.isArray(value)) {
        text = `[${value.map((v) => write(v, seen) ?? "null").join(",")}]`;
      } else {
        const record = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const key of Object.keys(record).sort()) {
          const v = write(record[key], seen);
          if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
        }
        text = `{${parts.join(",")}}`;
      }
      seen.delete(value);
      return text;
    }
    default:
      return undefined; // undefined, function, symbol
  }
}
