/** Building blocks of the HTML report: escaping, policy colours and legends, figures and tables. */
import type { Interval, Report } from "@hetao/experiment";
import { POLICY_COLOURS, POLICY_SYMBOLS, type Plot } from "./chart.js";
import { formatValue } from "./format.js";
import { withInterval } from "./narrative.js";

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Escapes plain text and turns `code` spans into <code>. */
export function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** Report-level helpers shared by the sections. */
export class HtmlContext {
  readonly report: Report;
  constructor(report: Report) {
    this.report = report;
  }
  get policies(): string[] {
    return this.report.experiment.policies;
  }
  colour(policy: string): string {
    const i = this.policies.indexOf(policy);
    return POLICY_COLOURS[(i < 0 ? 0 : i) % POLICY_COLOURS.length]!;
  }
  title(policy: string): string {
    for (const p of this.report.points) {
      const t = p.policies[policy]?.title;
      if (t) return t;
    }
    return policy;
  }
  /** Colour and symbol scales keyed by policy id. */
  scales(): Pick<Plot.PlotOptions, "color" | "symbol"> {
    return {
      color: { domain: this.policies, range: this.policies.map((p) => this.colour(p)) },
      symbol: { domain: this.policies, range: this.policies.map((_, i) => POLICY_SYMBOLS[i % POLICY_SYMBOLS.length]!) },
    };
  }
  legend(policies: readonly string[] = this.policies): string {
    const items = policies.map((p) => {
      const i = this.policies.indexOf(p);
      return `<li>${swatch(this.colour(p), i)}<span><code>${escapeHtml(p)}</code> ${escapeHtml(this.title(p) === p ? "" : this.title(p))}</span></li>`;
    });
    return `<ul class="legend" aria-label="Policies">${items.join("")}</ul>`;
  }
}

/** A legend swatch drawn with the policy's marker shape. */
export function swatch(colour: string, index: number): string {
  const shape = POLICY_SYMBOLS[index % POLICY_SYMBOLS.length];
  const body =
    shape === "square"
      ? `<rect x="3" y="3" width="10" height="10"/>`
      : shape === "triangle"
        ? `<path d="M8 2.5 L13.5 12.5 L2.5 12.5 Z"/>`
        : shape === "diamond"
          ? `<path d="M8 1.5 L14.5 8 L8 14.5 L1.5 8 Z"/>`
          : `<circle cx="8" cy="8" r="5.5"/>`;
  return `<svg class="swatch" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><line x1="0" y1="8" x2="16" y2="8" stroke="${colour}" stroke-width="2"/><g fill="white" stroke="${colour}" stroke-width="2">${body}</g></svg>`;
}

export interface Figure {
  id: string;
  /** data-chart attribute: the kind of chart (tests look for each). */
  kind: string;
  title: string;
  caption: string;
  svgs: string[];
  legend?: string;
  /** Extra HTML after the caption (e.g. a table of the same numbers). */
  after?: string;
}

export function figure(f: Figure): string {
  return [
    `<figure class="chart" id="${f.id}" data-chart="${f.kind}" aria-labelledby="${f.id}-title">`,
    `<h4 id="${f.id}-title">${escapeHtml(f.title)}</h4>`,
    f.legend ?? "",
    `<div class="svgs">${f.svgs.join("")}</div>`,
    `<figcaption>${prose(f.caption)}</figcaption>`,
    f.after ?? "",
    `</figure>`,
  ].join("\n");
}

export function table(header: readonly string[], rows: readonly (readonly string[])[], numericFrom = 1, caption?: string): string {
  const th = header.map((h, i) => `<th scope="col"${i >= numericFrom ? ' class="num"' : ""}>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td${i >= numericFrom ? ' class="num"' : ""}>${escapeHtml(c)}</td>`)).join("")}</tr>`)
    .join("\n");
  return `<div class="table-wrap"><table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ""}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** "6:54 (95% CI 6:52 to 6:56)" for a metric's interval. */
export function ciText(metric: string, ci: Interval): string {
  return withInterval(ci, (x) => formatValue(metric, x));
}

export const WIDTH = 880;

/** One chart of a figure with its own short title (figures with several charts). */
export function panel(title: string, svg: string): string {
  return `<div class="panel"><p class="panel-title">${escapeHtml(title)}</p>${svg}</div>`;
}

/** Under every chart of per-policy intervals: overlap is not the test, the paired difference is. */
export const PAIRED_TEST =
  "Overlapping bands do not mean no difference: every policy is simulated on the same travellers, so the test of a difference is the paired difference (the Paired differences chart and cards), which removes the day-to-day noise the bands share and is much narrower.";
