/** One window during which `servers` servers are open. */
export interface ScheduleWindow {
  from: number;
  to: number;
  servers: number;
}

/** A window during which the whole lane is closed. */
export interface Outage {
  from: number;
  to: number;
}

/**
 * The number of open servers of a lane as a step function of time: at
 * `times[i]` the count becomes `servers[i]`. `times[0]` is always 0.
 */
export interface CapacityTimeline {
  readonly times: Float64Array;
  readonly servers: Int32Array;
}

/**
 * Combine opening windows (0 servers outside them) and outages (0 servers
 * inside them) into one step function with no redundant steps. Windows may
 * touch but must not overlap.
 */
export function capacityTimeline(windows: readonly ScheduleWindow[], outages: readonly Outage[] = []): CapacityTimeline {
  const points = new Set<number>([0]);
  for (const w of windows) {
    if (!(w.to > w.from)) throw new RangeError(`schedule window must have to > from, got [${w.from}, ${w.to})`);
    points.add(w.from);
    points.add(w.to);
  }
  for (const o of outages) {
    if (!(o.to > o.from)) throw new RangeError(`outage must have to > from, got [${o.from}, ${o.to})`);
    points.add(o.from);
    points.add(o.to);
  }
  const sorted = [...points].sort((a, b) => a - b);
  const times: number[] = [];
  const servers: number[] = [];
  for (const t of sorted) {
    const n = serversAt(windows, outages, t);
    if (servers.length === 0 || servers[servers.length - 1] !== n) {
      times.push(t);
      servers.push(n);
    }
  }
  return { times: Float64Array.from(times), servers: Int32Array.from(servers) };
}

/** Open servers at instant t (windows are half-open [from, to)). */
export function serversAt(windows: readonly ScheduleWindow[], outages: readonly Outage[], t: number): number {
  for (const o of outages) if (t >= o.from && t < o.to) return 0;
  let n = 0;
  let hits = 0;
  for (const w of windows) {
    if (t >= w.from && t < w.to) {
      n = w.servers;
      hits++;
    }
  }
  if (hits > 1) throw new RangeError(`schedule windows overlap at t=${t}`);
  return n;
}
