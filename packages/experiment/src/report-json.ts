import { stableJson } from "@hetao/scenario";

export { stableJson };

/** The report as canonical JSON (sorted keys, 2-space indent) with a trailing newline. */
export function reportJson(report: unknown): string {
  return `${stableJson(report)}\n`;
}
