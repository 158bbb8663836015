export { startMetrics, type MetricsOptions, type MetricsService, type MergeReturn } from "./metrics.js";
