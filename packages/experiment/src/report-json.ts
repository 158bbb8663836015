/**
 * Deterministic, readable JSON: object keys sorted (UTF-16 code units), arrays in order, two-space
 * indentation, non-finite numbers as null, undefined properties dropped. Same value → same bytes.
 */
export function stableJson(value: unknown, indent = 2): string {
  return write(value, "", " ".repeat(indent), new Set()) ?? "null";
}

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
      throw new TypeError("stableJson: cannot serialize a BigInt");
    case "object": {
      if (seen.has(value)) throw new TypeError("stableJson: cannot serialize a circular structure");
      seen.add(value);
      const inner = pad + step;
      let text: string;
      if (Array.isArray(value)) {
        const items = value.map((v) => write(v, inner, step, seen) ?? "null");
        text = items.length === 0 ? "[]" : `[\n${items.map((i) => inner + i).join(",\n")}\n${pad}]`;
      } else {
        const record = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const key of Object.keys(record).sort()) {
          const v = write(record[key], inner, step, seen);
          if (v !== undefined) parts.push(`${inner}${JSON.stringify(key)}: ${v}`);
        }
        text = parts.length === 0 ? "{}" : `{\n${parts.join(",\n")}\n${pad}}`;
      }
      seen.delete(value);
      return text;
    }
    default:
      return undefined;
  }
}

/** The report as canonical JSON (sorted keys, 2-space indent) with a trailing newline. */
export function reportJson(report: unknown): string {
  return `${stableJson(report)}\n`;
}
