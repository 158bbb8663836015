import { describe, expect, it } from "vitest";
import { capacityTimeline, ServerPool } from "../src/index.js";

describe("ServerPool", () => {
  it("serves FIFO within a class and lower classes first", () => {
    const p = new ServerPool({ servers: 1, priorities: 3, binCount: 0, queueCapacity: 4 });
    expect(p.arrive(100, 2, 0)).toBe(true);
    for (const [id, c] of [[1, 2], [2, 1], [3, 2], [4, 0], [5, 1], [6, 0], [7, 2], [8, 2], [9, 2]] as const) {
      expect(p.arrive(id, c, 0)).toBe(false);
    }
    const order: number[] = [];
    p.depart(1);
    while (p.queued > 0) {
      order.push(p.startNext(1));
      p.depart(1);
    }
    expect(order).toEqual([4, 6, 2, 5, 1, 3, 7, 8, 9]);
    expect(p.maxQueue).toBe(9);
  });

  it("lets in-service customers finish when capacity drops, and starts nobody until a server is free", () => {
    const p = new ServerPool({ servers: 2, binCount: 0 });
    expect(p.arrive(1, 0, 0)).toBe(true);
    expect(p.arrive(2, 0, 0)).toBe(true);
    expect(p.arrive(3, 0, 0)).toBe(false);
    p.setServers(1, 1);
    p.depart(2);
    expect(p.canStart()).toBe(false); // busy 1 = servers 1
    p.depart(3);
    expect(p.canStart()).toBe(true);
    expect(p.startNext(3)).toBe(3);
    p.setServers(0, 4);
    p.depart(5);
    expect(p.arrive(4, 0, 5)).toBe(false);
    p.setServers(3, 6);
    expect(p.canStart()).toBe(true);
  });

  it("integrates queue length, busy and open servers over time and per bin", () => {
    const p = new ServerPool({ servers: 1, binWidth: 10, binCount: 3 });
    p.arrive(1, 0, 0); // busy 1
    p.arrive(2, 0, 5); // queue 1 from t=5
    p.depart(15);
    p.startNext(15); // queue 0, busy 1
    p.depart(25); // busy 0
    p.advance(30);
    expect(p.areas()).toEqual({ queue: 10, busy: 25, servers: 30, span: 30 });
    expect(Array.from(p.binQueueArea)).toEqual([5, 5, 0]);
    expect(Array.from(p.binBusyArea)).toEqual([10, 10, 5]);
    expect(p.utilisation()).toBeCloseTo(25 / 30, 12);
    expect(p.meanQueue()).toBeCloseTo(10 / 30, 12);
  });

  it("grows its waiting line without losing order", () => {
    const p = new ServerPool({ servers: 0, binCount: 0, queueCapacity: 4 });
    for (let i = 0; i < 3; i++) p.arrive(i, 0, 0);
    p.setServers(1, 0);
    expect(p.startNext(0)).toBe(0);
    for (let i = 3; i < 40; i++) p.arrive(i, 0, 0);
    const got: number[] = [];
    for (;;) {
      p.depart(0);
      if (!p.canStart()) break;
      got.push(p.startNext(0));
    }
    expect(got).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));
  });
});

describe("capacityTimeline", () => {
  it("combines windows and outages into a step function", () => {
    const tl = capacityTimeline(
      [
        { from: 7 * 3600, to: 12 * 3600, servers: 8 },
        { from: 12 * 3600, to: 22 * 3600, servers: 6 },
      ],
      [{ from: 10 * 3600, to: 10.5 * 3600 }],
    );
    expect(Array.from(tl.times)).toEqual([0, 7 * 3600, 10 * 3600, 10.5 * 3600, 12 * 3600, 22 * 3600]);
    expect(Array.from(tl.servers)).toEqual([0, 8, 0, 8, 6, 0]);
  });

  it("rejects overlapping windows", () => {
    expect(() =>
      capacityTimeline([
        { from: 0, to: 10, servers: 1 },
        { from: 5, to: 15, servers: 2 },
      ]),
    ).toThrow(/overlap/);
  });
});
