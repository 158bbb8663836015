export { startMetrics, type MetricsOptions, type MetricsService, type ReportReturn, type FinalizeOutcome } from "./report-worker.js";
