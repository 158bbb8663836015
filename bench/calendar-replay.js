#!/usr/bin/env node
// The event calendar on the model's own workload: records every schedule and pop of one hetao-weekday
// replication (all four policies), then replays that sequence through the EventCalendar of
// @hetao/sim-core, as a list while short (the default) and as a heap throughout (`listMax: 0`, as it
// was before it kept short lists sorted),
// checks that both return the events in the same order, and prints the time per replication of each.
// A diagnostic for docs/operations.md, "Model speed", not a section of `pnpm bench`. Needs `npx tsc -b`.
import { fileURLToPath } from "node:url";
import { createExperiment, runReplication } from "../packages/experiment/dist/index.js";
import { loadScenarioFile } from "../packages/scenario/dist/index.js";
import { EventCalendar } from "../packages/sim-core/dist/index.js";

const ROUNDS = Number(process.env.ROUNDS ?? 200);

/** The same calendar kept as a binary heap throughout (as it was before it kept short lists sorted). */
class HeapCalendar extends EventCalendar {
  constructor(capacity) {
    super(capacity, { listMax: 0 });
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
