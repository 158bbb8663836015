import type { z } from "zod";

/** Turns zod issues into one readable line: `point: point must be >= 0; experimentId: ...`. */
export function describeZodError(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((i) => {
    const path = i.path.map(String).join(".");
    return path === "" ? i.message : `${path}: ${i.message}`;
  });
  if (error.issues.length > max) lines.push(`… and ${error.issues.length - max} more`);
  return lines.join("; ");
}
