/** The first screen of a design point: the generated verdict, then one card per headline measure. */
import type { PointReport } from "@hetao/experiment";
import { HtmlContext, escapeHtml, prose, swatch } from "../html-parts.js";
import { type DifferenceValue, type PolicyValue, controlLines, headlineCards, pledgeLines, verdict, verdictDetail } from "../headline.js";
import { complianceCells } from "../narrative.js";

const VERDICT_WORD = { better: "better", worse: "worse", same: "no clear difference" } as const;

function policyRow(ctx: HtmlContext, v: PolicyValue): string {
  return `<div class="hl-row"><dt>${swatch(ctx.colour(v.policy), ctx.policies.indexOf(v.policy))}<code>${escapeHtml(v.policy)}</code></dt><dd><span class="value">${escapeHtml(v.value)}</span><span class="ci">${escapeHtml(v.interval)}</span></dd></div>`;
}

function differenceRow(d: DifferenceValue): string {
  const rel = d.relative === "" ? "" : `<span class="rel">${escapeHtml(d.relative)} relative</span>`;
  return `<div class="hl-row diff ${d.judgement}"><dt><code>${escapeHtml(d.treatment)}</code> − <code>${escapeHtml(d.baseline)}</code></dt><dd><span class="value">${escapeHtml(d.value)}</span><span class="ci">${escapeHtml(d.interval)}</span>${rel}<span class="verdict">${VERDICT_WORD[d.judgement]}</span></dd></div>`;
}

/** The verdict paragraph (two or three sentences from the numbers), then every comparison in words, collapsed. */
export function verdictHtml(ctx: HtmlContext, point: PointReport): string {
  const sentences = verdict(ctx.report, point);
  const detail = verdictDetail(ctx.report, point);
  const more =
    detail.length === 0
      ? ""
      : `<details class="verdict-detail" data-verdict-detail><summary>Every comparison in words</summary><ul>${detail.map((s) => `<li>${prose(s)}</li>`).join("")}</ul></details>`;
  return `<p class="verdict-text" data-verdict>${prose(sentences.join(" "))}</p>${more}`;
}

/** A table of the controls: one column per policy (values) or per comparison (paired differences). */
function controlsTable(ctx: HtmlContext, controls: ReturnType<typeof controlLines>, kind: "values" | "differences", point: PointReport): string {
  const head =
    kind === "values"
      ? ctx.policies.map((p) => `<th scope="col" class="num">${swatch(ctx.colour(p), ctx.policies.indexOf(p))}<code>${escapeHtml(p)}</code></th>`).join("")
      : point.comparisons.map((c) => `<th scope="col" class="num"><code>${escapeHtml(c.treatment)}</code> − <code>${escapeHtml(c.baseline)}</code></th>`).join("");
  const rows = controls.map((c) => {
    const cells =
      kind === "values"
        ? c.policies.map((v) => `<td class="num"><strong>${escapeHtml(v.value)}</strong><span class="ci">${escapeHtml(v.interval)}</span></td>`)
        : c.differences.map((d) => `<td class="num ${d.judgement}"><strong>${escapeHtml(d.value)}</strong><span class="ci">${escapeHtml(d.interval)}</span></td>`);
    return `<tr><th scope="row">${escapeHtml(c.title)}</th>${cells.join("")}</tr>`;
  });
  const caption = kind === "values" ? "Per policy" : "Paired difference, day by day";
  return `<div class="table-wrap"><table class="hl-controls" data-controls="${kind}"><caption>${caption}</caption><thead><tr><th scope="col">control</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

export function firstScreen(ctx: HtmlContext, point: PointReport, prefix: string): string {
  const cards: string[] = [];
  // Reading order: crossing, queueing and officer-hours first (the first row: what a policy gains and
  // what it costs in staff), then the time at each control, then throughput and the pledges.
  const measures = headlineCards(ctx.report, point);
  const card = (c: (typeof measures)[number]) =>
    `<article class="hl-card" data-headline="${escapeHtml(c.id)}"><h4>${escapeHtml(c.title)}</h4><dl>${c.policies.map((v) => policyRow(ctx, v)).join("")}${c.differences.map(differenceRow).join("")}</dl>` +
    `${c.note === undefined ? "" : `<p class="note" data-note="${escapeHtml(c.id)}">${prose(c.note)}</p>`}</article>`;
  const first = ["crossing", "queueing", "officer-hours"];
  for (const id of first) for (const c of measures.filter((m) => m.id === id)) cards.push(card(c));
  const controls = controlLines(ctx.report, point);
  if (controls.length > 0) {
    // Values and differences in two tables, so that 4 policies and their comparisons fit the page's width.
    cards.push(
      `<article class="hl-card wide" data-headline="controls"><h4>Time at each control, per traveller</h4>` +
        `<div class="hl-tables">${controlsTable(ctx, controls, "values", point)}${point.comparisons.length > 0 ? controlsTable(ctx, controls, "differences", point) : ""}</div>` +
        `<p class="note">Queue plus service at the control over every counted traveller (0 for those who pass without stopping); differences paired day by day.</p></article>`,
    );
  }
  for (const c of measures.filter((m) => !first.includes(m.id))) cards.push(card(c));
  const pledges = pledgeLines(ctx.report, point);
  if (pledges.some((l) => l.total > 0)) {
    const rows = pledges.map((l) => {
      const failing = l.failing.map((r) => `<li>${escapeHtml(r.title)}: ${escapeHtml(complianceCells(r).share)}</li>`).join("");
      return `<div class="hl-row"><dt>${swatch(ctx.colour(l.policy), ctx.policies.indexOf(l.policy))}<code>${escapeHtml(l.policy)}</code></dt><dd><span class="value">${l.met} of ${l.total} met</span>${failing === "" ? "" : `<ul class="failing">${failing}</ul>`}</dd></div>`;
    });
    cards.push(`<article class="hl-card" data-headline="pledges"><h4>Service pledges (met with 95% confidence)</h4><dl>${rows.join("")}</dl><p class="note"><a href="#${prefix}-compliance">Every pledge and its margin</a></p></article>`);
  }
  return [`<section id="${prefix}-headline" class="headline">`, verdictHtml(ctx, point), `<div class="hl-cards">${cards.join("\n")}</div>`, `</section>`].join("\n");
}
