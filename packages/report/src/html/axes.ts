/** Shared helpers of the HTML charts: minutes, hour labels, the active hours and their axis. */
import { type PointReport } from "@hetao/experiment";
import { Plot } from "../chart.js";
import { table } from "../html-parts.js";

export const min = (s: number | null | undefined): number | null => (s === null || s === undefined ? null : s / 60);
export const hh = (h: number): string => `${String(Math.floor(h) % 24).padStart(2, "0")}:${String(Math.round((h % 1) * 60)).padStart(2, "0")}`;


/** Hours [first, last+1) with arrivals or queues under any policy. */
export function activeHours(point: PointReport, policies: readonly string[]): [number, number] {
  let lo = 24;
  let hi = 0;
  for (const id of policies) {
    const p = point.policies[id];
    if (p === undefined) continue;
    const mark = (h: number) => {
      if (h < lo) lo = h;
      if (h + 1 > hi) hi = h + 1;
    };
    p.hourly.arrivals.forEach((a, h) => (a ?? 0) > 0 && mark(h));
    p.hourly.throughput.forEach((a, h) => (a ?? 0) > 0 && mark(h));
    for (const cp of Object.values(p.checkpoints)) cp.hourlyMeanQueue.forEach((q, h) => (q ?? 0) > 0 && mark(h));
  }
  return lo >= hi ? [0, 24] : [lo, hi];
}

export function hourAxis(range: [number, number]): Plot.ScaleOptions {
  const ticks: number[] = [];
  const step = range[1] - range[0] > 12 ? 2 : 1;
  for (let h = Math.ceil(range[0] / step) * step; h <= range[1]; h += step) ticks.push(h);
  return { domain: range, ticks, tickFormat: (h: number) => hh(h) };
}


export function tableFrom(t: { header: string[]; rows: string[][]; caption?: string }): string {
  return table(t.header, t.rows, 2, t.caption);
}
