import { type ReplicationResult, ReplicationResultSchema } from "@hetao/crossing-model";
import { type ExperimentSpec, planReplications } from "./spec.js";

function key(point: number, replication: number): string {
  return `${point}:${replication}`;
}

/**
 * Collects the replication results of one experiment, keyed by (point, replication): a duplicate
 * delivery changes nothing and arrival order does not matter; `results()` is always sorted.
 * Given `onResult`, each new result is handed to it (a ReportAccumulator's add, say) and not kept, so
 * memory does not grow with the replication count; `results()` is then empty.
 */
export class ResultCollector {
  readonly spec: ExperimentSpec;
  readonly #planned = new Set<string>();
  readonly #seen = new Set<string>();
  readonly #results = new Map<string, ReplicationResult>();
  readonly #onResult: ((result: ReplicationResult) => void) | undefined;

  constructor(spec: ExperimentSpec, onResult?: (result: ReplicationResult) => void) {
    this.spec = spec;
    this.#onResult = onResult;
    for (const { point, replication } of planReplications(spec)) this.#planned.add(key(point, replication));
  }

  /**
   * Validates and stores a result. Returns false (and changes nothing) when a result for the same
   * (point, replication) is already stored; throws for an invalid result, one outside the plan, or
   * one that lacks a policy of the experiment.
   */
  add(result: unknown): boolean {
    return this.addValidated(ReplicationResultSchema.parse(result));
  }

  /**
   * As `add`, for a result already checked against ReplicationResultSchema (by the compiled validator
   * of @hetao/messaging's decodeResult, say): the plan, duplicates and policies are still checked.
   */
  addValidated(result: ReplicationResult): boolean {
    const k = key(result.point, result.replication);
    if (!this.#planned.has(k)) {
      throw new RangeError(
        `result for point ${result.point}, replication ${result.replication} is not part of the experiment ` +
          `(points ${this.spec.points.map((p) => p.index).join(", ")}; replications 0..${this.spec.replications - 1})`,
      );
    }
    if (this.#seen.has(k)) return false;
    const missing = this.spec.policies.filter((p) => !Object.hasOwn(result.policies, p));
    if (missing.length > 0) {
      throw new Error(`result for point ${result.point}, replication ${result.replication} lacks policies: ${missing.join(", ")}`);
    }
    if (this.#onResult !== undefined) this.#onResult(result);
    else this.#results.set(k, result);
    this.#seen.add(k);
    return true;
  }

  has(point: number, replication: number): boolean {
    return this.#seen.has(key(point, replication));
  }

  /** Number of distinct results stored. */
  get size(): number {
    return this.#seen.size;
  }

  /** Number of results the plan expects. */
  get expected(): number {
    return this.#planned.size;
  }

  isComplete(): boolean {
    return this.#seen.size === this.#planned.size;
  }

  /** The stored results sorted by (point, replication). */
  results(): ReplicationResult[] {
    return [...this.#results.values()].sort((a, b) => a.point - b.point || a.replication - b.replication);
  }
}
