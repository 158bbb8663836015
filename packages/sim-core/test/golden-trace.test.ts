import { describe, expect, it } from "vitest";
import { Environment, ServerPool, type EventHandler } from "../src/index.js";

/**
 * A tiny deterministic system whose event order is known by hand: two
 * servers, five customers arriving at 0, 0, 1, 1, 4 with service 3, 3, 3, 1,
 * 1; customer 3 has priority 0, the others 1. The trace below was derived on
 * paper; any change in tie-breaking or queue discipline changes it.
 */
describe("golden trace", () => {
  it("runs the hand-derived event sequence exactly", () => {
    const arrivals = [0, 0, 1, 1, 4];
    const service = [3, 3, 3, 1, 1];
    const prio = [1, 1, 1, 0, 1];
    const env = new Environment();
    const pool = new ServerPool({ servers: 2, priorities: 2, binCount: 0 });
    const trace: string[] = [];
    const start = (id: number, t: number) => {
      trace.push(`${t} start ${id}`);
      env.at(t + service[id]!, 1, id);
    };
    const h: EventHandler = {
      handle(kind, id, _b, t) {
        if (kind === 0) {
          trace.push(`${t} arrive ${id}`);
          if (pool.arrive(id, prio[id]!, t)) start(id, t);
        } else {
          trace.push(`${t} depart ${id}`);
          pool.depart(t);
          while (pool.canStart()) start(pool.startNext(t), t);
        }
      },
    };
    arrivals.forEach((t, id) => env.at(t, 0, id));
    env.run(h);
    expect(trace).toEqual([
      "0 arrive 0",
      "0 start 0",
      "0 arrive 1",
      "0 start 1",
      "1 arrive 2",
      "1 arrive 3",
      "3 depart 0",
      "3 start 3", // priority 0 overtakes customer 2
      "3 depart 1",
      "3 start 2",
      "4 arrive 4",
      "4 depart 3", // same instant: the arrival was scheduled first (at t=0), so it runs first
      "4 start 4",
      "5 depart 4",
      "6 depart 2",
    ]);
    expect(pool.maxQueue).toBe(2);
    expect(pool.started).toBe(5);
  });
});
