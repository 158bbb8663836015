/**
 * Static SVG charts rendered at report time with Observable Plot on a server-side DOM (linkedom):
 * no script, no external request, the same bytes for the same data.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** Okabe–Ito colours (colour-blind safe), one per policy in experiment order. */
export const POLICY_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"] as const;
/** Marker shapes per policy, so lines stay apart in grey-scale print. */
export const POLICY_SYMBOLS = ["circle", "square", "triangle", "diamond", "cross", "star", "wye", "times"] as const;

export interface ChartSpec {
  /** Unique in the document; used to namespace the SVG's internal ids. */
  id: string;
  /** Accessible name of the SVG (aria-label). */
  label: string;
  /** Longer accessible description (aria-description). */
  description?: string;
  options: Plot.PlotOptions;
}

function freshDocument(): unknown {
  return parseHTML("<!doctype html><html><head></head><body></body></html>").document;
}

/** Rounds a number to at most 2 decimals, without trailing zeros. */
function short(text: string): string {
  const x = Math.round(Number(text) * 100) / 100;
  return Object.is(x, -0) ? "0" : String(x);
}

const GEOMETRY = /\s(d|transform|points|x|y|x1|x2|y1|y2|width|height|cx|cy|r|viewBox|dx|dy)="([^"]*)"/g;
const DECIMAL = /-?\d*\.\d+(?:e-?\d+)?|-?\d+e-\d+/g;

/**
 * Makes Plot's SVG compact and deterministic: coordinates rounded to 0.01 px (invisible, and about
 * half the bytes), and Plot's process-wide id counters (clip paths, patterns, markers) renumbered per
 * chart, so rendering the same report twice gives the same bytes.
 */
export function tidySvg(svg: string, id: string): string {
  const ids = new Map<string, string>();
  const renumbered = svg.replace(/plot-(clip|pattern|marker)-\d+/g, (m, kind: string) => {
    let v = ids.get(m);
    if (v === undefined) {
      v = `${id}-${kind}-${ids.size + 1}`;
      ids.set(m, v);
    }
    return v;
  });
  return renumbered.replace(GEOMETRY, (_m, name: string, value: string) => ` ${name}="${value.replace(DECIMAL, short)}"`);
}

/** Renders one chart to an SVG string (an <svg> element with role="img" and an aria-label). */
export function renderChart(chart: ChartSpec): string {
  const options = {
    ...chart.options,
    document: freshDocument(),
    ariaLabel: chart.label,
    ...(chart.description !== undefined ? { ariaDescription: chart.description } : {}),
    style: { fontSize: "12px", fontFamily: "'Hetao CJK', system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", background: "white" },
  } as Plot.PlotOptions;
  const node = Plot.plot(options) as unknown as { outerHTML: string };
  const html = node.outerHTML.replace(/^<svg /, '<svg role="img" ');
  return tidySvg(html, chart.id);
}

export { Plot };
