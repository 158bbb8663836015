import { type Report, reportJson } from "@hetao/experiment";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { exportFiles } from "@hetao/exports";

/** One file of a report bundle: a name (no directories) and its content (text is UTF-8). */
export interface ReportFile {
  name: string;
  content: string | Uint8Array;
}

/**
 * Every file written for a finished experiment, in a fixed order: report.json (canonical), report.md,
 * report.html, then the data exports (@hetao/exports) replications.csv, replications.parquet, hourly.csv,
 * hourly.parquet. Both transports write exactly this list — the CLI's embedded run (`hetao-sim run`) and
 * the fleet's metrics service — so their outputs are byte-identical. Pure and deterministic.
 */
export function renderReportFiles(report: Report): ReportFile[] {
  const files: ReportFile[] = [
    { name: "report.json", content: reportJson(report) },
    { name: "report.md", content: renderMarkdown(report) },
    { name: "report.html", content: renderHtml(report) },
  ];
  // Data exports for pandas / R (docs/exports.md): replications.csv/.parquet, hourly.csv/.parquet.
  files.push(...exportFiles(report));
  return files;
}
