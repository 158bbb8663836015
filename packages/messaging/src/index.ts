export {
  ConfigError,
  DEFAULT_PORTS,
  DEFAULT_RETENTION_HOURS,
  ENV_VARS,
  LOG_LEVELS,
  configFromEnv,
  configOrExit,
  parseRedisUrl,
  redactRedisUrl,
  type FleetConfig,
  type LogLevel,
  type RedisEndpoint,
  type Role,
} from "./config.js";
export { QUEUES, keys, parseReplicationJobId, replicationJobId, reportJobId, resultField, simulateJobId, type Keys, type QueueName } from "./keys.js";
export { createLogger, silentLogger, type Logger } from "./logger.js";
export { API_COMMAND_TIMEOUT_MS, RedisNotReadyError, checkRedis, createRedis, infoField, isRedisUnavailable, redisOptions, type ConnectionKind } from "./redis.js";
export {
  EXPERIMENT_STATES,
  ExperimentEventSchema,
  ExperimentIdSchema,
  ExperimentStateSchema,
  ExperimentStatusSchema,
  ReplicationErrorSchema,
  ReportJobSchema,
  SimulateJobSchema,
  describeZodError,
  type ExperimentEvent,
  type ExperimentState,
  type ExperimentStatus,
  type ReplicationError,
  type ReportJob,
  type SimulateJob,
} from "./schemas.js";
export { ExperimentStore, type CancelOutcome, type Delivery, type ExperimentMeta, type ExperimentStoreOptions, type FailureRecord } from "./store.js";
export { cancelExperiment, type CancelContext, type CancelResult } from "./cancel.js";
export {
  MAX_PRIORITY,
  REPORTS_RETENTION,
  SIMULATE_RETENTION,
  bullConnection,
  jobOptions,
  queueDepth,
  reportsQueue,
  simulateQueue,
  type QueueDepth,
  type ReportsQueue,
  type SimulateQueue,
} from "./queues.js";
export { fairPriorityBase, submitExperiment, type SubmitContext, type SubmitResult } from "./submit.js";
export { requestReport } from "./report-request.js";
export {
  listen,
  runMain,
  sendJson,
  sendMetrics,
  serviceRegistry,
  startOpsServer,
  type Health,
  type HttpServer,
  type MainOptions,
  type RunningService,
} from "./ops.js";
export { TOOL_VERSION } from "./version.js";
export { FleetError, FleetRunner, type FleetProgress, type FleetRunnerOptions } from "./fleet-runner.js";
export { Redis } from "ioredis";
export { checkResult, resultValidator } from "./result-check.js";
export { ResultDecodeError, decodeResult, encodeResult } from "./result-codec.js";
