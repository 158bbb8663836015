/** The report's stylesheet (inline in the page). */
export const CSS = `
:root{--ink:#1b1b1b;--muted:#555;--line:#d9d9d9;--bg:#fff;--soft:#f5f6f8;--ok:#1a7f37;--warn:#9a6700;--bad:#c62828}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--ink)}
body{margin:0;font:15px/1.5 "Hetao CJK",system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif}
main{max-width:940px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:1.7em;line-height:1.25;margin:0 0 .3em}
h2{font-size:1.35em;margin:1.8em 0 .6em;padding-bottom:.2em;border-bottom:2px solid var(--line)}
h3{font-size:1.15em;margin:1.5em 0 .5em}
h4{font-size:1em;margin:0 0 .4em}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Hetao CJK",monospace;font-size:.9em;background:var(--soft);padding:0 .25em;border-radius:3px}
pre.command{background:var(--soft);padding:10px 12px;border-radius:6px;white-space:pre-wrap;word-break:break-all}
pre.command code{background:none;padding:0}
.lede{color:var(--muted);margin:.2em 0}
nav ol{columns:2;margin:.5em 0;padding-left:1.4em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:12px}
.card{border:1px solid var(--line);border-top:5px solid #888;border-radius:8px;padding:12px 14px;background:#fff}
.card.diff{border-top-color:#444;background:var(--soft)}
.card h4 .swatch{vertical-align:-3px}
.card .subtitle{margin:0 0 .5em;color:var(--muted);font-size:.9em}
.card dl{margin:0}
.stat{display:grid;grid-template-columns:1fr auto;gap:0 8px;padding:5px 0;border-top:1px solid var(--line)}
.stat dt{color:var(--muted);font-size:.88em}
.stat dd{margin:0;text-align:right}
.stat .value{font-weight:650;font-size:1.1em;font-variant-numeric:tabular-nums}
.stat .ci,.stat .rel{display:block;font-size:.8em;color:var(--muted);font-variant-numeric:tabular-nums}
.stat .verdict{display:block;font-size:.78em;font-weight:600}
.stat.better .verdict{color:var(--ok)}.stat.worse .verdict{color:var(--bad)}.stat.same .verdict{color:var(--muted)}
figure.chart{margin:1.4em 0 2em;padding:0;break-inside:avoid;page-break-inside:avoid}
figure.chart .svgs{display:flex;flex-wrap:wrap;gap:10px 20px;justify-content:space-between}
figure.chart svg[role=img]{max-width:100%;height:auto}
.panel{max-width:100%}
.panel-title{margin:.3em 0 .1em;font-size:.9em;font-weight:600}
figcaption{color:var(--muted);font-size:.9em;margin-top:.4em}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:.2em 0 .5em;font-size:.9em}
ul.legend li{display:flex;align-items:center;gap:6px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.6em 0 1em;font-size:.88em;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);font-size:.95em;padding-bottom:4px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #999;font-weight:600}
td.num,th.num{text-align:right}
td.num{white-space:nowrap}
tbody th{font-weight:normal}
tr.pledge th{background:var(--soft);font-weight:600;padding-top:8px}
tr.pledge .authority{display:block;font-weight:normal;color:var(--muted);font-size:.92em}
.status{font-weight:700;padding:1px 6px;border-radius:4px;white-space:nowrap}
.status.met{color:#fff;background:var(--ok)}
.status.met-on-average{color:#000;background:#f2cc60}
.status.not-met{color:#fff;background:var(--bad)}
.status.not-applicable{color:var(--muted);background:var(--soft)}
.economics-line{font-size:1.05em;background:var(--soft);border-left:4px solid var(--ok);padding:8px 12px}
.note{color:var(--muted);font-size:.88em}
details summary{cursor:pointer;color:var(--muted);font-size:.9em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;font-size:.92em}
dl.facts div{display:contents}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
footer{margin-top:3em;color:var(--muted);font-size:.85em;border-top:1px solid var(--line);padding-top:.6em}
@page{size:A4;margin:14mm}
@media print{
  body{font-size:10pt}
  main{max-width:none;padding:0}
  nav{display:none}
  h2{break-after:avoid}
  .card,figure.chart,table,tr{break-inside:avoid}
  details{display:block}
  details>*{display:block}
  a{color:inherit;text-decoration:none}
}
`;

/** The first screen: verdict and headline cards. */
export const HEADLINE_CSS = `
.verdict-text{font-size:1.08em;line-height:1.55;background:var(--soft);border-left:5px solid #1f4e79;padding:10px 14px;margin:.8em 0}
.verdict-detail{margin:-.4em 0 .8em;font-size:.92em}.verdict-detail summary{cursor:pointer;color:#1f4e79}.verdict-detail li{margin:.25em 0}
.hl-cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:12px;margin:.6em 0 1em}
.hl-card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fff}
.hl-card.wide{grid-column:1/-1}
.hl-card h4{margin:0 0 .3em}
.hl-card dl{margin:0}
.hl-row{display:grid;grid-template-columns:1fr auto;gap:0 8px;padding:4px 0;border-top:1px solid var(--line)}
.hl-row dt{font-size:.9em;display:flex;align-items:center;gap:5px}
.hl-row dd{margin:0;text-align:right}
.hl-row .value,.hl-controls strong{font-weight:650;font-variant-numeric:tabular-nums}
.hl-row .ci,.hl-row .rel,.hl-controls .ci{display:block;font-size:.78em;color:var(--muted);font-variant-numeric:tabular-nums}
.hl-row .verdict{display:block;font-size:.76em;font-weight:600}
.hl-row.better .verdict,.hl-controls td.better strong{color:var(--ok)}
.hl-row.worse .verdict,.hl-controls td.worse strong{color:var(--bad)}
.hl-row.same .verdict{color:var(--muted)}
.hl-row.diff{background:var(--soft);grid-template-columns:1fr}
.hl-row.diff dd .ci,.hl-row.diff dd .rel,.hl-row.diff dd .verdict{display:inline;margin-left:6px}
.hl-controls{margin:.2em 0}
.hl-tables{display:flex;flex-wrap:wrap;gap:4px 24px}.hl-tables .table-wrap{flex:1 1 auto}
.hl-controls caption{text-align:left;font-size:.85em;color:var(--muted);font-weight:600}
.hl-card .note{margin:.4em 0 0}
details.point-detail>summary{list-style:none}
details.point-detail>summary h2{display:inline-block}
details.point-detail>summary::before{content:"▸ ";color:var(--muted)}
details.point-detail[open]>summary::before{content:"▾ "}
ul.overview{margin:.3em 0 1em;padding-left:1.2em}
ul.failing{margin:.2em 0 0;padding-left:1.1em;text-align:left;font-size:.82em;color:var(--bad)}
`;
