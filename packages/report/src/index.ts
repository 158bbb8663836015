export { renderMarkdown } from "./markdown.js";
export { renderSummaryTable } from "./summary-table.js";
export { renderHtml, MAX_CHARTED_POINTS } from "./html.js";
export { renderSweepSection } from "./sweep-section.js";
export { sweepView, type SweepView } from "./sweep-view.js";
export { renderReportFiles, type ReportFile } from "./bundle.js";
export { renderChart, tidySvg, type ChartSpec } from "./chart.js";
export { rosterChart, rosterChartData, type RosterChartData } from "./roster-chart.js";
export { reportJson } from "@hetao/experiment";
export {
  METRIC_INFO,
  formatDuration,
  formatPercent,
  formatPoints,
  formatNumber,
  formatValue,
  formatDifference,
  markdownTable,
  textTable,
  type MetricInfo,
  type MetricKind,
} from "./format.js";
export { CLI_COMMAND, economicsSentence, formatGrouped, reproduceCommand, type RenderOptions } from "./narrative.js";
