import type { Report } from "@hetao/experiment";
import { hourlyTable, institutionsTable, replicationsTable, segmentsTable } from "./report-tables.js";
import { type Table, toCsv, toParquet } from "./table.js";

/** One output file; binary formats (Parquet) are bytes. */
export interface ExportFile {
  name: string;
  content: string | Uint8Array;
}

/** Parquet key-value metadata identifying the run a table came from. */
function runMetadata(report: Report, table: string): Record<string, string> {
  return {
    "hetao.table": table,
    "hetao.scenario": report.scenario.name,
    "hetao.scenarioDigest": report.scenario.digest,
    "hetao.experimentId": report.experiment.id,
    "hetao.seed": String(report.experiment.seed),
    "hetao.replications": String(report.experiment.replications),
    "hetao.toolVersion": report.tool.version,
  };
}

/** A table as `<base>.csv` and `<base>.parquet`. */
export function tableFiles(base: string, table: Table, metadata: Record<string, string> = {}, createdBy = "hetao-sim"): ExportFile[] {
  return [
    { name: `${base}.csv`, content: toCsv(table) },
    { name: `${base}.parquet`, content: toParquet(table, metadata, createdBy) },
  ];
}

/**
 * The data exports of a report, for pandas and R: `replications.csv`/`.parquet` (one row per design
 * point × policy × replication with every summary metric) and `hourly.csv`/`.parquet` (one row per
 * point × policy × hour of day), `segments.csv`/`.parquet` (who gains: point × segment × policy or
 * comparison) and `institutions.csv`/`.parquet` (which institutions gain: point × comparison ×
 * institution or group of institutions). A pure function of the report: the embedded and the BullMQ transport
 * produce identical bytes. Column dictionary: docs/exports.md.
 */
export function exportFiles(report: Report): ExportFile[] {
  const createdBy = `hetao-sim ${report.tool.version}`;
  return [
    ...tableFiles("replications", replicationsTable(report), runMetadata(report, "replications"), createdBy),
    ...tableFiles("hourly", hourlyTable(report), runMetadata(report, "hourly"), createdBy),
    ...tableFiles("segments", segmentsTable(report), runMetadata(report, "segments"), createdBy),
    ...tableFiles("institutions", institutionsTable(report), runMetadata(report, "institutions"), createdBy),
  ];
}

/** The trace file's content for a path ending in .csv or .parquet. Throws RangeError for another extension. */
export function traceFileContent(path: string, table: Table, metadata: Record<string, string> = {}): string | Uint8Array {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv")) return toCsv(table);
  if (lower.endsWith(".parquet")) return toParquet(table, { "hetao.table": "trace", ...metadata });
  throw new RangeError(`--trace ${path}: the file name must end in .csv or .parquet`);
}

export { hourlyTable, institutionsTable, replicationsTable, segmentsTable, REPLICATION_COLUMN_DEFS, QUEUE_COLUMN_PREFIX, POINT_COLUMN, POLICY_COLUMN } from "./report-tables.js";
export { traceTable, clockOf, TRACE_COLUMNS, type TraceOptions } from "./trace.js";
export { toCsv, toParquet, csvField, type Table, type ColumnDef, type ColumnType, type Cell } from "./table.js";
