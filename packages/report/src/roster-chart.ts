/**
 * The roster chart (roster.svg): servers by hour per lane group (the rostered lanes of one checkpoint),
 * one panel per group, one step line per rostered policy in the policy colours, with the group's demand
 * (travellers joining its lanes per hour) behind it as grey bars read on the right-hand axis.
 */
import type { RosterResult } from "@hetao/experiment";
import { POLICY_COLOURS, Plot, renderChart } from "./chart.js";
import { WIDTH } from "./html-parts.js";

export interface RosterChartData {
  /** Lane groups (checkpoints) in roster order. */
  groups: string[];
  policies: string[];
  /** Σ rostered servers of the group's lanes, per policy and period (`hour` = the period's start). */
  servers: { group: string; policy: string; hour: number; servers: number }[];
  /** Σ demand of the group's lanes per period, from the first policy that rosters the group. */
  demand: { group: string; policy: string; hour: number; to: number; demand: number }[];
  periodHours: number;
}

const hourOf = (hhmm: string) => Number(hhmm.slice(0, 2)) + Number(hhmm.slice(3, 5)) / 60;
const hh = (h: number) => `${String(Math.floor(h) % 24).padStart(2, "0")}:00`;

/** Rough advance width of 12 px sans-serif text (wider than most fonts draw it, so fits are safe). */
const textWidth = (s: string, size = 12) => [...s].reduce((w, c) => w + (/[\u2E80-\uFFEF]/u.test(c) ? 1 : /[il.,:'|]/.test(c) ? 0.3 : /[A-Z mw]/.test(c) ? 0.75 : 0.6), 0) * size;

/** Shortens text to `width` px with an ellipsis (so a long lane-group id never runs past its panel). */
function fit(s: string, width: number): string {
  if (textWidth(s) <= width) return s;
  let out = s;
  while (out.length > 1 && textWidth(`${out}…`) > width) out = out.slice(0, -1);
  return `${out}…`;
}

export function rosterChartData(result: RosterResult): RosterChartData {
  const groups: string[] = [];
  const servers = new Map<string, { group: string; policy: string; hour: number; servers: number }>();
  const demand = new Map<string, { group: string; policy: string; hour: number; to: number; demand: number }>();
  const demandFrom = new Map<string, string>();
  for (const p of result.policies) {
    for (const lane of p.lanes) {
      const g = lane.checkpoint;
      if (!groups.includes(g)) groups.push(g);
      if (!demandFrom.has(g)) demandFrom.set(g, p.policy);
      for (const x of lane.periods) {
        const hour = hourOf(x.from);
        const key = `${g}\u0000${p.policy}\u0000${hour}`;
        const s = servers.get(key) ?? { group: g, policy: p.policy, hour, servers: 0 };
        s.servers += x.servers;
        servers.set(key, s);
        if (demandFrom.get(g) === p.policy) {
          const dk = `${g}\u0000${hour}`;
          const d = demand.get(dk) ?? { group: g, policy: p.policy, hour, to: hour + result.periodHours, demand: 0 };
          d.demand += x.demand;
          demand.set(dk, d);
        }
      }
    }
  }
  return { groups, policies: result.policies.map((p) => p.policy), servers: [...servers.values()], demand: [...demand.values()], periodHours: result.periodHours };
}

/** Round ticks for the demand axis: about four steps of 1, 2 or 5 × 10^k up to `top`. */
function demandTicks(top: number): number[] {
  if (!(top > 0)) return [0];
  const raw = top / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** roster.svg: a standalone SVG (its own xmlns), the legend above the panels when several policies. */
export function rosterChart(result: RosterResult): string {
  const data = rosterChartData(result);
  const colour = (i: number) => POLICY_COLOURS[i % POLICY_COLOURS.length]!;
  const cols = Math.max(1, Math.min(3, data.groups.length));
  const nRows = Math.max(1, Math.ceil(data.groups.length / cols));
  const place = new Map(data.groups.map((g, i) => [g, { col: i % cols, row: Math.floor(i / cols) }]));
  // A step line needs its last period's end: repeat the last count there.
  const lines: { group: string; policy: string; hour: number; servers: number; col: number; row: number }[] = [];
  for (const g of data.groups) {
    for (const policy of data.policies) {
      const pts = data.servers.filter((s) => s.group === g && s.policy === policy).sort((a, b) => a.hour - b.hour);
      if (pts.length === 0) continue;
      for (const s of pts) lines.push({ ...s, ...place.get(g)! });
      const last = pts[pts.length - 1]!;
      lines.push({ ...last, hour: last.hour + data.periodHours, ...place.get(g)! });
    }
  }
  const hours = [...data.servers.map((s) => s.hour), ...data.demand.map((d) => d.to)];
  const lo = Math.floor(Math.min(...hours, 24));
  const hi = Math.ceil(Math.max(...hours, lo + 1));
  const topServers = Math.max(1, ...data.servers.map((s) => s.servers));
  const yTop = Math.ceil(topServers * 1.35); // headroom so each panel's title never sits on a line
  const topDemand = Math.max(0, ...data.demand.map((d) => d.demand));
  const dTicks = demandTicks(topDemand);
  const dTop = Math.max(1, dTicks[dTicks.length - 1]!);
  const k = topServers / dTop; // demand → the servers' scale: the tallest bar reaches the most servers
  const bars = data.demand.map((d) => ({ ...d, y: d.demand * k, ...place.get(d.group)! }));
  const panelWidth = (WIDTH - 56 - 56) / cols;
  const labels = data.groups.map((g) => ({ text: fit(g, panelWidth - 16), ...place.get(g)! }));
  const step = hi - lo > 12 ? 4 : hi - lo > 6 ? 2 : 1;
  const ticks: number[] = [];
  for (let h = Math.ceil(lo / step) * step; h <= hi; h += step) ticks.push(h);
  const sTicks: number[] = [];
  for (let v = 0; v <= yTop; v += Math.max(1, Math.ceil(yTop / 5))) sTicks.push(v);

  const svg = renderChart({
    id: "roster",
    label: `Servers by ${data.periodHours === 1 ? "hour" : `${data.periodHours}-hour period`} per lane group (${data.policies.join(", ")}), with demand per hour behind`,
    description: "Step lines: rostered servers summed over each checkpoint's rostered lanes; grey bars: travellers joining those lanes per period (right-hand axis).",
    options: {
      width: WIDTH,
      height: 70 + nRows * 170,
      marginLeft: 56,
      marginRight: 56,
      marginTop: 26,
      marginBottom: 40,
      color: { domain: data.policies, range: data.policies.map((_, i) => colour(i)) },
      fx: { axis: null, padding: 0.14 },
      fy: { axis: null, padding: 0.2 },
      x: { domain: [lo, hi], ticks: cols === 1 ? ticks : ticks.filter((h) => (h - ticks[0]!) % (2 * step) === 0), tickFormat: hh, label: "Hour of day →", labelAnchor: "right" },
      y: { domain: [0, yTop] },
      marks: [
        Plot.frame({ stroke: "#ccc" }),
        Plot.rectY(bars, { x1: "hour", x2: "to", y: "y", fx: "col", fy: "row", fill: "#bbb", fillOpacity: 0.55, insetLeft: 1, insetRight: 1, ariaDescription: "demand", title: (d: { group: string; hour: number; demand: number }) => `${d.group} ${hh(d.hour)}: ${Math.round(d.demand)} travellers` }),
        Plot.gridY(sTicks, { stroke: "#000", strokeOpacity: 0.08 }),
        Plot.axisY(sTicks, { anchor: "left", tickFormat: (v: number) => String(v), label: "↑ Servers", labelAnchor: "top" }),
        Plot.axisY(dTicks.map((d) => d * k), { anchor: "right", tickFormat: (_v: number, i: number) => String(dTicks[i]), label: "Travellers per hour ↑", labelAnchor: "top", fill: "#666", ariaLabel: "demand axis" }),
        // Policies a couple of pixels apart, so equal rosters stay visible as parallel lines.
        ...data.policies.map((policy, i) =>
          Plot.lineY(
            lines.filter((l) => l.policy === policy),
            { x: "hour", y: "servers", stroke: "policy", fx: "col", fy: "row", strokeWidth: 2, curve: "step-after", dy: (i - (data.policies.length - 1) / 2) * 2.5, ariaDescription: `servers ${policy}` },
          ),
        ),
        Plot.text(labels, { fx: "col", fy: "row", text: "text", frameAnchor: "top-left", dx: 5, dy: 5, fontWeight: "bold", fill: "#222" }),
      ],
    },
  });
  const plot = svg.replace(/^<svg /, `<svg x="0" y="LEGEND_Y" `);
  // The legend: one swatch per policy, wrapped to the width.
  const legend: string[] = [];
  let x = 56;
  let y = 16;
  if (data.policies.length > 1) {
    data.policies.forEach((p, i) => {
      const w = 24 + textWidth(p) + 18;
      if (x + w > WIDTH - 8 && x > 56) {
        x = 56;
        y += 18;
      }
      legend.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${colour(i)}" stroke-width="2"/>`);
      legend.push(`<text x="${x + 24}" y="${y}" font-size="12" fill="#222">${escapeXml(p)}</text>`);
      x += w;
    });
  }
  const top = legend.length === 0 ? 0 : y + 8;
  const height = 70 + nRows * 170 + top;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" aria-label="Roster: servers by hour per lane group" ` +
    `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"><rect width="100%" height="100%" fill="white"/>` +
    `<g aria-label="legend">${legend.join("")}</g>${plot.replace("LEGEND_Y", String(top))}</svg>\n`
  );
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
