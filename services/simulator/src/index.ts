export { startSimulator, type SimulatorOptions, type SimulatorService, type SimulateReturn } from "./simulator.js";
export { ReplicationFailure, ReplicationPool, defaultThreadFile, type PoolFailureKind, type ReplicationBlock } from "./pool.js";
