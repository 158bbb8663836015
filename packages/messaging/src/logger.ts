import { pino } from "pino";
import type { LogLevel, Role } from "./config.js";

export type Logger = pino.Logger;

/**
 * JSON logs on stdout (or the given stream), one object a line, with the service name. Bind
 * `experimentId` and `jobId` with `log.child({ experimentId, jobId })` for per-job lines.
 */
export function createLogger(service: Role | string, level: LogLevel = "info", stream?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ["password", "*.password", "apiToken", "authorization", "*.authorization"], censor: "***" },
  };
  return stream ? pino(options, stream) : pino(options);
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
