export * from "./replication-result.js";
export { simulateReplication, compiledPolicy, replicationPopulation, type ReplicationOptions } from "./replication.js";
export { CrossingDay, HISTOGRAM_OPTIONS } from "./crossing-day.js";
export { compilePolicy, type CompiledPolicy, type CompiledLane, type CompiledStep, type CompiledRoute, type CompiledReserve, type CompiledPledge, type CompiledControl } from "./compiled-policy.js";
export { generatePopulation, type Population, type PopulationOptions } from "./population.js";
export { comboIndex, comboCount, comboAttributes, segmentIndex, SEGMENTS, type Segment, NORTHBOUND, SOUTHBOUND, WALK_IN, SHUTTLE } from "./traveller.js";
export { TraceEvent, TRACE_EVENT_NAMES, type TraceEventCode, type TraceSink } from "./trace.js";
export { zoneOf, institutionSizes, type Zone } from "./zone.js";
