/**
 * The orchestrator's live page (GET /): the experiments, newest first, with their state and progress,
 * polled once a second from GET /experiments, and a link to each completed experiment's HTML report
 * (GET /experiments/:id/report.html). Plain HTML and a little script: no framework, no request to any
 * other host, every value from the API put in with textContent (never parsed as HTML). With API_TOKEN
 * set, the page is opened as /?token=…; its script sends the token as a bearer header and adds it to
 * the report links (the API accepts ?token= on reads only).
 */
export const LIVE_PAGE_POLL_MS = 1_000;

/** Content-Security-Policy of the page: its own inline script and style, requests to this origin only. */
export const LIVE_PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

export function livePageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hetao fleet: experiments</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2733; }
  h1 { font-size: 1.25rem; margin: 0 0 0.25rem; }
  #status { color: #5a6672; margin: 0 0 1rem; }
  #status.error { color: #b3261e; }
  table { border-collapse: collapse; min-width: 48rem; }
  th, td { text-align: left; padding: 0.35rem 0.75rem; border-bottom: 1px solid #dde3e8; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  progress { width: 10rem; vertical-align: middle; }
  .state-completed { color: #1b7a3d; } .state-failed { color: #b3261e; } .state-cancelled { color: #7a5b00; }
</style>
</head>
<body>
<h1>Experiments on this fleet</h1>
<p id="status">loading…</p>
<table>
  <thead><tr><th>experiment</th><th>scenario</th><th>state</th><th>done</th><th>progress</th><th>submitted</th><th>report</th></tr></thead>
  <tbody id="experiments"></tbody>
</table>
<script>
"use strict";
(function () {
  var token = new URLSearchParams(location.search).get("token");
  var headers = token ? { authorization: "Bearer " + token } : {};
  var body = document.getElementById("experiments");
  var status = document.getElementById("status");
  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }
  function render(list) {
    var rows = [];
    list.forEach(function (e) {
      var tr = document.createElement("tr");
      tr.dataset.id = e.id;
      tr.dataset.state = e.state;
      cell(tr, e.id);
      cell(tr, e.scenario);
      cell(tr, e.state, "state state-" + e.state);
      cell(tr, e.done + "/" + e.total, "num done");
      var bar = document.createElement("progress");
      bar.max = 1;
      bar.value = e.progress;
      cell(tr, "").appendChild(bar);
      cell(tr, String(e.submittedAt).replace("T", " ").replace(/\\.\\d+Z$/, "Z"));
      var report = cell(tr, "", "report");
      if (e.state === "completed") {
        var a = document.createElement("a");
        a.href = "/experiments/" + encodeURIComponent(e.id) + "/report.html" + (token ? "?token=" + encodeURIComponent(token) : "");
        a.textContent = "report";
        report.appendChild(a);
      }
      rows.push(tr);
    });
    body.replaceChildren.apply(body, rows);
  }
  function poll() {
    fetch("/experiments?limit=50", { headers: headers, cache: "no-store" })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error(j && j.error ? j.error : "HTTP " + r.status);
          return j;
        });
      })
      .then(function (j) {
        render(j.experiments);
        status.className = "";
        status.textContent = j.experiments.length + " experiment" + (j.experiments.length === 1 ? "" : "s") + "; updated " + new Date().toLocaleTimeString();
      })
      .catch(function (err) {
        status.className = "error";
        status.textContent = "cannot load the experiments: " + err.message;
      })
      .then(function () {
        setTimeout(poll, ${LIVE_PAGE_POLL_MS});
      });
  }
  poll();
})();
</script>
</body>
</html>
`;
}
