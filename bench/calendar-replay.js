#!/usr/bin/env node
// The event calendar on the model's own workload: records every schedule and pop of one hetao-weekday
// replication (all four policies), then replays that sequence through the EventCalendar of
// @hetao/sim-core and through the binary heap it was before it kept short lists sorted,
// checks that both return the events in the same order, and prints the time per replication of each.
// A diagnostic for docs/operations.md, "Model speed", not a section of `pnpm bench`. Needs `npx tsc -b`.
import { fileURLToPath } from "node:url";
import { createExperiment, runReplication } from "../packages/experiment/dist/index.js";
import { loadScenarioFile } from "../packages/scenario/dist/index.js";
import { EventCalendar } from "../packages/sim-core/dist/index.js";

const ROUNDS = Number(process.env.ROUNDS ?? 200);

/**
 * The calendar as it was before short lists (packages/sim-core/src/event-calendar.ts at 3dfc51c): a
 * binary min-heap over (time, slot), the sequence number and payload in the slot. Same order.
 */
class HeapCalendar {
    // The heap holds (time, slot); an event's sequence number and payload sit in its slot, so a sift
    // moves two numbers per level instead of five (the sequence is read only to break a tie in time).
    times;
    slots;
    seqs;
    kinds;
    as;
    bs;
    free;
    freeCount = 0;
    used = 0;
    n = 0;
    nextSeq = 0;
    time = 0;
    kind = 0;
    a = 0;
    b = 0;
    constructor(initialCapacity = 1024) {
        const c = Math.max(16, initialCapacity | 0);
        this.times = new Float64Array(c);
        this.slots = new Int32Array(c);
        this.seqs = new Float64Array(c);
        this.kinds = new Int32Array(c);
        this.as = new Int32Array(c);
        this.bs = new Int32Array(c);
        this.free = new Int32Array(c);
    }
    get size() {
        return this.n;
    }
    peekTime() {
        return this.n > 0 ? this.times[0] : Number.POSITIVE_INFINITY;
    }
    schedule(time, kind, a = 0, b = 0) {
        if (time !== time)
            throw new RangeError("EventCalendar.schedule: time is NaN");
        if (this.n === this.times.length)
            this.grow();
        const slot = this.freeCount > 0 ? this.free[--this.freeCount] : this.used++;
        const seq = this.nextSeq++;
        const seqs = this.seqs;
        seqs[slot] = seq;
        this.kinds[slot] = kind;
        this.as[slot] = a;
        this.bs[slot] = b;
        // Sift up from the new leaf.
        const times = this.times;
        const slots = this.slots;
        let i = this.n++;
        while (i > 0) {
            const p = (i - 1) >> 1;
            const pt = times[p];
            if (pt < time || (pt === time && seqs[slots[p]] < seq))
                break;
            times[i] = pt;
            slots[i] = slots[p];
            i = p;
        }
        times[i] = time;
        slots[i] = slot;
    }
    pop() {
        if (this.n === 0)
            return false;
        const times = this.times;
        const slots = this.slots;
        const top = slots[0];
        this.time = times[0];
        this.kind = this.kinds[top];
        this.a = this.as[top];
        this.b = this.bs[top];
        this.free[this.freeCount++] = top;
        const last = --this.n;
        if (last === 0)
            return true;
        // Sift the last element down from the root.
        const t = times[last];
        const slot = slots[last];
        const seqs = this.seqs;
        const s = seqs[slot];
        let i = 0;
        for (;;) {
            const l = 2 * i + 1;
            if (l >= last)
                break;
            const r = l + 1;
            let c = l;
            let ct = times[l];
            if (r < last) {
                const rt = times[r];
                if (rt < ct || (rt === ct && seqs[slots[r]] < seqs[slots[l]])) {
                    c = r;
                    ct = rt;
                }
            }
            if (t < ct || (t === ct && s < seqs[slots[c]]))
                break;
            times[i] = ct;
            slots[i] = slots[c];
            i = c;
        }
        times[i] = t;
        slots[i] = slot;
        return true;
    }
    grow() {
        // Called when the heap is full, so every slot is taken: the free stack is empty.
        const c = this.times.length * 2;
        const f64 = (old) => {
            const x = new Float64Array(c);
            x.set(old);
            return x;
        };
        const i32 = (old) => {
            const x = new Int32Array(c);
            x.set(old);
            return x;
        };
        this.times = f64(this.times);
        this.seqs = f64(this.seqs);
        this.slots = i32(this.slots);
        this.kinds = i32(this.kinds);
        this.as = i32(this.as);
        this.bs = i32(this.bs);
        this.free = new Int32Array(c);
    }
}

// Record the operations: a scheduled time (>= 0), or -1 for a pop.
const { scenario } = await loadScenarioFile(fileURLToPath(new URL("../seeds/scenarios/hetao-weekday.yaml", import.meta.url)));
const spec = createExperiment(scenario, { replications: 2 });
const proto = EventCalendar.prototype;
const { schedule, pop } = proto;
const recorded = [];
proto.schedule = function (time, kind, a, b) {
  recorded.push(time);
  return schedule.call(this, time, kind, a, b);
};
proto.pop = function () {
  recorded.push(-1);
  return pop.call(this);
};
runReplication(spec, 0, 0);
proto.schedule = schedule;
proto.pop = pop;
const ops = Float64Array.from(recorded);

// Each policy's day has a calendar of its own: a time before the last one popped starts the next day.
function replay(Calendar) {
  let cal = new Calendar(256);
  let now = 0;
  let size = 0;
  let order = 0;
  for (let i = 0; i < ops.length; i++) {
    const t = ops[i];
    if (t >= 0) {
      if (t < now) {
        cal = new Calendar(256);
        now = 0;
        size = 0;
      }
      cal.schedule(t, 0, i, 0);
      size++;
    } else if (size > 0) {
      // (A day's first event scheduled no earlier than the last day's last pop stays with that day:
      // the replay is the model's workload to within an event a day.)
      cal.pop();
      size--;
      now = cal.time;
      order = (Math.imul(order, 31) + cal.a) | 0;
    }
  }
  return order;
}

if (replay(EventCalendar) !== replay(HeapCalendar)) throw new Error("the two calendars returned the events in different orders");
const time = (Calendar) => {
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) replay(Calendar);
  return (performance.now() - t0) / ROUNDS;
};
for (let w = 0; w < 30; w++) {
  replay(EventCalendar);
  replay(HeapCalendar);
}
const pops = recorded.filter((x) => x < 0).length;
console.log(`one hetao-weekday replication: ${ops.length - pops} schedules, ${pops} pops; replayed ${ROUNDS} times, alternating`);
const calendar = [];
const heap = [];
for (let k = 0; k < 4; k++) {
  calendar.push(time(EventCalendar));
  heap.push(time(HeapCalendar));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`EventCalendar: ${median(calendar).toFixed(3)} ms per replication; binary heap: ${median(heap).toFixed(3)} ms; ratio ${(median(calendar) / median(heap)).toFixed(3)}`);
