import { type Report, reportJson } from "@hetao/experiment";
import { renderHtml } from "./html.js";
import type { RenderOptions } from "./narrative.js";
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
 * hourly.parquet. `options.scenarioPath` (the file as the user gave it) only changes the reproduce line
 * of report.md and report.html; report.json never depends on it. Both transports write exactly this list — the CLI's embedded run (`hetao-sim run`) and
 * the fleet's metrics service — so their outputs are byte-identical. Pure and deterministic.
 */
export function renderReportFiles(report: Report, options: RenderOptions = {}): ReportFile[] {
  const files: ReportFile[] = [
    { name: "report.json", content: reportJson(report) },
    { name: "report.md", content: renderMarkdown(report, options) },
    { name: "report.html", content: renderHtml(report, options) },
  ];
  // Data exports for pandas / R (docs/exports.md): replications.csv/.parquet, hourly.csv/.parquet.
  files.push(...exportFiles(report));
  return files;
}
