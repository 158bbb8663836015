/**
 * Bounds on everything in a scenario that allocates memory or time, in one place: the loader and the zod
 * schemas read them, so `validate`, `run`, `sweep`, `plan` and the orchestrator's API all refuse the same
 * inputs, before anything is allocated. docs/scenarios.md lists them (checked by a test).
 */
export const SCENARIO_LIMITS = {
  /**
   * Values (mappings, lists and scalars) in a document after YAML aliases are expanded. The presets hold
   * about 2,000; a 1 MB body with 10,000 aliases of a large anchor would otherwise expand to 10⁸ values
   * that every later walk (schema, cross-checks) visits.
   */
  documentNodes: 200_000,
  /** Nesting of mappings and lists; the presets nest 9 deep, the YAML composer overflows its stack near 1,000. */
  nestingDepth: 64,
} as const;
