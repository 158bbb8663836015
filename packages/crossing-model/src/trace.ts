/** What happened to a traveller, for per-traveller event logs (`--trace`) and the golden-trace test. */
export const TraceEvent = {
  /** Arrived at Hetao and entered the first control. */
  Arrive: 0,
  /** Joined a lane's line. */
  Join: 1,
  /** Service started at a lane. */
  Start: 2,
  /** Service ended at a lane. */
  Depart: 3,
  /** Started a walk (delay step). */
  Walk: 4,
  /** Diverted to a fallback lane after service (biometric reject, audit). */
  Fallback: 5,
  /** Left the last control: cleared. */
  Clear: 6,
  /** Found every option of a step closed, or was diverted out of a closing lane (lane: where it went, -1 for a route). */
  Divert: 7,
  /** Still inside at the hard stop: counted with the time elapsed so far. */
  Censor: 8,
  /** Left its route for another (a fallback route); `lane` carries the new route's index. */
  Reroute: 9,
} as const;
export type TraceEventCode = (typeof TraceEvent)[keyof typeof TraceEvent];
export const TRACE_EVENT_NAMES = ["arrive", "join", "start", "depart", "walk", "fallback", "clear", "divert", "censor", "reroute"] as const;

/**
 * Receives every traveller event of one simulated day when tracing is on.
 * `lane` is a lane index of the policy (-1 when none), `checkpoint` a
 * checkpoint index (-1 when none). Off by default: the hot path only tests
 * for null.
 */
export interface TraceSink {
  event(time: number, event: TraceEventCode, traveller: number, lane: number, checkpoint: number): void;
}
