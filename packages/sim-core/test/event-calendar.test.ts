import { describe, expect, it } from "vitest";
import { Environment, EventCalendar, RandomStream, type EventHandler } from "../src/index.js";

// The default (a list up to 256 events), a heap throughout, and a list of at most 4 (so that the order
// tests switch between the two forms all the time): all must return the same order.
describe.each([
  ["default", {}],
  ["heap only", { listMax: 0 }],
  ["list of at most 4", { listMax: 4 }],
] as const)("EventCalendar (%s)", (_name, options) => {
  it("returns events by time, and simultaneous events in scheduling order", () => {
    const cal = new EventCalendar(16, options);
    cal.schedule(5, 1, 10);
    cal.schedule(1, 2, 20);
    cal.schedule(5, 3, 30);
    cal.schedule(1, 4, 40);
    cal.schedule(0, 5, 50);
    cal.schedule(5, 6, 60);
    const out: number[] = [];
    while (cal.pop()) out.push(cal.a);
    expect(out).toEqual([50, 20, 40, 10, 30, 60]);
  });

  it("agrees with a stable sort on many random events with ties, across growth", () => {
    const rng = new RandomStream(42);
    const cal = new EventCalendar(16, options);
    const ref: { t: number; i: number }[] = [];
    for (let i = 0; i < 20_000; i++) {
      const t = Math.floor(rng.next() * 500); // many ties
      cal.schedule(t, 0, i);
      ref.push({ t, i });
    }
    ref.sort((x, y) => x.t - y.t || x.i - y.i);
    const got: number[] = [];
    while (cal.pop()) got.push(cal.a);
    expect(got).toEqual(ref.map((r) => r.i));
  });

  it("keeps order when events are interleaved with pops (a running simulation)", () => {
    const rng = new RandomStream(7);
    const cal = new EventCalendar(1024, options);
    let now = 0;
    let lastT = -1;
    let lastSeqAtT = -1;
    let seq = 0;
    const seqOf = new Map<number, number>();
    for (let i = 0; i < 50; i++) {
      cal.schedule(Math.floor(rng.next() * 10), 0, seq);
      seqOf.set(seq, seq);
      seq++;
    }
    let popped = 0;
    while (cal.pop()) {
      expect(cal.time).toBeGreaterThanOrEqual(now);
      if (cal.time === lastT) expect(cal.a).toBeGreaterThan(lastSeqAtT);
      lastT = cal.time;
      lastSeqAtT = cal.a;
      now = cal.time;
      if (++popped < 5000) {
        cal.schedule(now + Math.floor(rng.next() * 3), 0, seq++);
      }
    }
    expect(popped).toBe(5049);
  });

  it("keeps the order while it grows past the list size into a heap and shrinks back, with ties", () => {
    // Bursts push the calendar from a handful of events to over a thousand and back, several times,
    // so it turns list -> heap -> list repeatedly; the reference is a stable sort of what is pending.
    const rng = new RandomStream(11);
    const cal = new EventCalendar(16, options);
    const pending: { t: number; i: number }[] = [];
    let now = 0;
    let id = 0;
    let maxSize = 0;
    for (let round = 0; round < 6; round++) {
      const burst = round % 2 === 0 ? 1200 : 300;
      for (let k = 0; k < burst; k++) {
        const t = now + Math.floor(rng.next() * 40); // many ties
        cal.schedule(t, 0, id);
        pending.push({ t, i: id++ });
        maxSize = Math.max(maxSize, cal.size);
      }
      // Drain to a few events, scheduling a little as a running model does.
      while (cal.size > 3) {
        pending.sort((x, y) => x.t - y.t || x.i - y.i);
        const want = pending.shift()!;
        expect(cal.peekTime()).toBe(want.t);
        expect(cal.pop()).toBe(true);
        expect([cal.time, cal.a]).toEqual([want.t, want.i]);
        now = cal.time;
        if (rng.next() < 0.3) {
          const t = now + Math.floor(rng.next() * 5);
          cal.schedule(t, 0, id);
          pending.push({ t, i: id++ });
        }
      }
    }
    expect(maxSize).toBeGreaterThan(1000);
  });

  it("rejects NaN times", () => {
    expect(() => new EventCalendar(16, options).schedule(Number.NaN, 0)).toThrow(/NaN/);
  });
});

describe("EventCalendar options", () => {
  it("rejects a listMax that is not a non-negative integer", () => {
    expect(() => new EventCalendar(16, { listMax: -1 })).toThrow(/listMax must be an integer >= 0, got -1/);
    expect(() => new EventCalendar(16, { listMax: 2.5 })).toThrow(/listMax/);
  });
});

describe("Environment", () => {
  it("advances the clock to each event and stops at `until`", () => {
    const env = new Environment();
    const seen: [number, number][] = [];
    const h: EventHandler = {
      handle(kind, _a, _b, t) {
        seen.push([kind, t]);
        if (kind === 1 && t < 30) env.at(env.now + 10, 1);
      },
    };
    env.at(0, 1);
    env.run(h, 25);
    expect(seen).toEqual([
      [1, 0],
      [1, 10],
      [1, 20],
    ]);
    expect(env.now).toBe(25);
    expect(() => env.at(5, 0)).toThrow(/before now/);
    env.run(h);
    expect(seen.at(-1)).toEqual([1, 30]);
  });
});
