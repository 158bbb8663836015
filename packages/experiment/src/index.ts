export {
  ExperimentError,
  ExperimentSpecSchema,
  DesignPointSchema,
  OverrideSchema,
  MAX_REPLICATIONS,
  applyOverrides,
  createExperiment,
  experimentId,
  parseExperimentSpec,
  planReplications,
  sortedPoints,
  type CreateExperimentOptions,
  type DesignPoint,
  type ExperimentSpec,
  type ExperimentSpecInput,
  type Override,
  type PlannedReplication,
} from "./spec.js";
export { runReplication, resolvePoint } from "./run-replication.js";
export { ResultCollector } from "./collector.js";
export { buildReport, CONFIDENCE_LEVEL, type ReportMeta } from "./build-report.js";
export {
  COMPARED_METRICS,
  CheckpointReportSchema,
  ComparisonSchema,
  DifferenceSchema,
  GroupReportSchema,
  HourlyReportSchema,
  IntervalSchema,
  LaneReportSchema,
  PointReportSchema,
  PolicyReportSchema,
  QuantilesSchema,
  ReportSchema,
  SummaryReportSchema,
  type CheckpointReport,
  type ComparedMetric,
  type Comparison,
  type Difference,
  type GroupReport,
  type HourlyReport,
  type Interval,
  type LaneReport,
  type PointReport,
  type PolicyReport,
  type Quantiles,
  type Report,
  type SummaryReport,
} from "./report-schema.js";
export { reportJson, stableJson } from "./report-json.js";
export {
  MAX_SWEEP_PARAMETERS,
  MAX_SWEEP_POINTS,
  gridPoints,
  parseRange,
  parseSweepValue,
  parseVary,
  sweepParameters,
  sweepReport,
  type VariedParameter,
} from "./sweep.js";
export {
  PLAN_CONFIDENCE,
  PLAN_GROUP_METRICS,
  adjustableLanes,
  checkTarget,
  metricInterval,
  parseTarget,
  planCapacity,
  type AdjustableLane,
  type PlanCandidate,
  type PlanGroupMetric,
  type PlanOptions,
  type PlanResult,
  type PlanRunner,
  type PlanTarget,
  type TargetCheck,
  type TargetOp,
} from "./plan.js";
export { replicationRows } from "./replication-table.js";
export {
  REPLICATION_COLUMNS,
  REPLICATION_COUNTS,
  ReplicationRowSchema,
  SweepReportSchema,
  type ReplicationColumn,
  type ReplicationRow,
  type SweepReport,
} from "./report-schema.js";
export {
  COMPLIANCE_STATUS_TEXT,
  compliance,
  complianceStatus,
  policyCompliance,
} from "./compliance.js";
export { DEFAULT_WORKING_DAYS_PER_YEAR, EconomicsOptionsSchema, economics, type EconomicsOptions } from "./economics.js";
export { CDF_STEPS, clearanceCdfs, hourlyMeanClearanceInterval } from "./report-series.js";
export {
  COMPLIANCE_STATUSES,
  ComplianceRowSchema,
  EconomicsReportSchema,
  type ComplianceRow,
  type ComplianceStatus,
  type EconomicsReport,
} from "./report-schema.js";
