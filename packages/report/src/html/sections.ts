/** HTML sections of a design point that are tables and sentences: service standards, researcher-hours saved. */
import { type ComplianceRow, type PointReport } from "@hetao/experiment";
import { escapeHtml, prose, table } from "../html-parts.js";
import { COMPLIANCE_RULE, ECONOMICS_FORMULA, complianceCells, economicsSentence, measureText, pledgeScopeText, pledges } from "../narrative.js";

export function complianceTable(rows: readonly ComplianceRow[]): string {
  const body: string[] = [];
  for (const { pledge, rows: list } of pledges(rows)) {
    const classes = pledge.classes.length > 0 ? pledge.classes.join(", ") : "none in this scenario";
    body.push(
      `<tr class="pledge"><th colspan="6" scope="rowgroup">${escapeHtml(pledge.title)}<span class="authority">${escapeHtml(pledge.authority ?? "")}; measured: ${escapeHtml(measureText(pledge))}; ${escapeHtml(pledgeScopeText(pledge))}. ${escapeHtml(pledge.note)}</span></th></tr>`,
    );
    for (const r of list) {
      const c = complianceCells(r);
      body.push(
        `<tr data-pledge="${escapeHtml(r.pledge)}" data-policy="${escapeHtml(r.policy)}" data-status="${r.status}"><th scope="row"><code>${escapeHtml(r.policy)}</code></th>` +
          `<td class="num">${escapeHtml(c.share)}</td><td class="num">${escapeHtml(c.target)}</td>` +
          `<td><span class="status ${r.status}">${escapeHtml(c.status)}</span></td><td>${escapeHtml(c.margin)}</td><td>${escapeHtml(c.worstHour)}</td></tr>`,
      );
    }
  }
  return `<div class="table-wrap"><table class="compliance"><thead><tr><th scope="col">policy</th><th scope="col" class="num">within the limit: share, or count over for a 100% target [95% CI]</th><th scope="col" class="num">target</th><th scope="col">verdict</th><th scope="col">margin</th><th scope="col" title="the hour (by arrival at the control) with the lowest share within the limit, pooled over days">worst hour</th></tr></thead><tbody>\n${body.join("\n")}\n</tbody></table></div>`;
}

export function complianceSection(point: PointReport, prefix: string, h: string): string {
  const rows = point.compliance;
  if (rows === undefined) return "";
  return [
    `<section id="${prefix}-compliance" class="compliance-section"><${h}>Service standards</${h}>`,
    complianceTable(rows),
    `<p class="note">${prose(COMPLIANCE_RULE)}</p>`,
    `</section>`,
  ].join("\n");
}

export function economicsSection(point: PointReport, prefix: string, h: string): string {
  const list = point.economics;
  if (list === undefined || list.length === 0) return "";
  return [
    `<section id="${prefix}-economics" class="economics"><${h}>Researcher-hours saved</${h}>`,
    ...list.map((e) => `<p class="economics-line" data-treatment="${escapeHtml(e.treatment)}">${prose(economicsSentence(e, (id) => `\`${id}\``))}</p>`),
    `<p class="note">${prose(ECONOMICS_FORMULA)}</p>`,
    `</section>`,
  ].join("\n");
}
