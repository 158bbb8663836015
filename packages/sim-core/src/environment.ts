import { EventCalendar } from "./event-calendar.js";

/**
 * What a model implements: one method that reacts to an event. The model
 * switches on `kind`; the payloads are integers (entity and station indices),
 * so dispatch allocates nothing — no promise, generator or closure per event.
 */
export interface EventHandler {
  handle(kind: number, a: number, b: number, time: number): void;
}

/**
 * The simulation environment, in the spirit of SimPy's: a clock and an event
 * calendar, nothing else. Resources, arrivals and schedules are separate
 * modules that the model wires together.
 */
export class Environment {
  readonly calendar: EventCalendar;
  /** Current simulation time (seconds by convention in this project). */
  now = 0;
  /** Events dispatched since construction. */
  processed = 0;

  constructor(initialCapacity = 1024) {
    this.calendar = new EventCalendar(initialCapacity);
  }

  /** Schedule an event at an absolute time, which must not be in the past. */
  at(time: number, kind: number, a = 0, b = 0): void {
    if (!(time >= this.now)) throw new RangeError(`Environment.at: time ${time} is before now (${this.now})`);
    this.calendar.schedule(time, kind, a, b);
  }

  /**
   * Dispatch events in (time, scheduling order) until the calendar is empty or
   * the next event is later than `until`; the clock then stands at `until`
   * (or at the last event when `until` is infinite).
   */
  run(handler: EventHandler, until = Number.POSITIVE_INFINITY): void {
    const cal = this.calendar;
    // Tested before the loop: a test after it had no type feedback yet, so the loop's optimised code
    // was thrown away at the end of every run (once per simulated day) and compiled again.
    const bounded = until !== Number.POSITIVE_INFINITY;
    while (cal.size > 0 && cal.peekTime() <= until) {
      cal.pop();
      this.now = cal.time;
      this.processed++;
      handler.handle(cal.kind, cal.a, cal.b, cal.time);
    }
    if (bounded && until > this.now) this.now = until;
  }
}
