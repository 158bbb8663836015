import type { HistogramState } from "@hetao/crossing-model";
import { LogHistogram } from "@hetao/stats";
import type { Quantiles } from "./report-schema.js";
import { finite } from "./interval.js";

/**
 * Histogram states of successive replications merged as they come (the caller adds them in replication
 * order, so the float `sum` is the same as merging them all at the end).
 */
export class MergedHistogram {
  #h: LogHistogram | undefined;

  add(state: HistogramState | undefined): void {
    if (state === undefined) return;
    // Folded in directly (mergeState): no intermediate histogram per state and replication.
    this.#h ??= new LogHistogram({ relativeAccuracy: state.relativeAccuracy, minTrackable: state.minTrackable, maxTrackable: state.maxTrackable });
    this.#h.mergeState(state);
  }

  /** undefined when no state was added. */
  get histogram(): LogHistogram | undefined {
    return this.#h;
  }

  get count(): number {
    return this.#h?.count ?? 0;
  }

  quantile(q: number): number | null {
    const h = this.#h;
    return h === undefined || h.count === 0 ? null : finite(h.quantile(q));
  }

  mean(): number | null {
    const h = this.#h;
    return h === undefined || h.count === 0 ? null : finite(h.mean);
  }

  quantiles(): Quantiles {
    return { count: this.count, mean: this.mean(), p50: this.quantile(0.5), p90: this.quantile(0.9), p95: this.quantile(0.95), p99: this.quantile(0.99) };
  }
}
