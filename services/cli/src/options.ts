import { InvalidArgumentError } from "commander";

/** Commander parser for an integer option within [min, max]. */
export function integerOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}.`);
    }
    return n;
  };
}

/** Commander parser for a comma-separated list. */
export function listOption(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Commander parser for a repeatable option: collects every occurrence in order. */
export function collectOption(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
