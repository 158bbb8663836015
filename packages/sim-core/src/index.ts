export { EventCalendar, type EventCalendarOptions } from "./event-calendar.js";
export { Environment, type EventHandler } from "./environment.js";
export { fmix32, mix2, hashString, hashUniform } from "./hash.js";
export { RandomStream, type UniformSource } from "./random-stream.js";
export { KeyedDraws } from "./keyed-draws.js";
export { inverseNormalCdf } from "./normal.js";
export {
  type Distribution,
  type DistributionSpec,
  Exponential,
  Lognormal,
  Gamma,
  Erlang,
  Triangular,
  Uniform,
  Deterministic,
  Empirical,
  createDistribution,
} from "./distributions.js";
export { ServerPool, type ServerPoolOptions } from "./server-pool.js";
export { SharedServers } from "./shared-servers.js";
export { capacityTimeline, serversAt, type CapacityTimeline, type ScheduleWindow, type Outage } from "./lane-schedule.js";
export { PiecewiseConstantRate } from "./arrivals.js";
