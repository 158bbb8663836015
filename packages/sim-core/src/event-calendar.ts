/**
 * The future event list: a binary min-heap over parallel typed arrays.
 *
 * Ordering is (time, sequence): events due at the same instant run in the
 * order they were scheduled (FIFO). The sequence number is a monotone counter,
 * so the order never depends on object identity, heap shape or Map insertion
 * accidents, and a run is reproducible bit for bit.
 *
 * An event is three numbers: `kind` (what happens, a small integer the model
 * switches on) and two integer payloads `a` and `b` (usually an entity index
 * and a station index). Nothing is allocated per event; the arrays grow by
 * doubling when full.
 */
export class EventCalendar {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private as: Int32Array;
  private bs: Int32Array;
  private n = 0;
  private nextSeq = 0;

  /** Time of the event last returned by `pop()`. */
  time = 0;
  /** Kind of the event last returned by `pop()`. */
  kind = 0;
  /** First payload of the event last returned by `pop()`. */
  a = 0;
  /** Second payload of the event last returned by `pop()`. */
  b = 0;

  constructor(initialCapacity = 1024) {
    const c = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(c);
    this.seqs = new Float64Array(c);
    this.kinds = new Int32Array(c);
    this.as = new Int32Array(c);
    this.bs = new Int32Array(c);
  }

  /** Number of pending events. */
  get size(): number {
    return this.n;
  }

  /** Time of the next event, or +Infinity when the calendar is empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Number.POSITIVE_INFINITY;
  }

  /** Schedule an event. `time` must be a finite number (not checked in the hot path beyond NaN). */
  schedule(time: number, kind: number, a = 0, b = 0): void {
    if (time !== time) throw new RangeError("EventCalendar.schedule: time is NaN");
    if (this.n === this.times.length) this.grow();
    // Sift up from the new leaf.
    let i = this.n++;
    const seq = this.nextSeq++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && seqs[p]! < seq)) break;
      this.move(p, i);
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
  }

  /**
   * Remove the earliest event and expose it through `time`, `kind`, `a`, `b`.
   * Returns false when the calendar is empty.
   */
  pop(): boolean {
    if (this.n === 0) return false;
    this.time = this.times[0]!;
    this.kind = this.kinds[0]!;
    this.a = this.as[0]!;
    this.b = this.bs[0]!;
    const last = --this.n;
    if (last === 0) return true;
    // Sift the last element down from the root.
    const t = this.times[last]!;
    const s = this.seqs[last]!;
    const k = this.kinds[last]!;
    const a = this.as[last]!;
    const b = this.bs[last]!;
    const times = this.times;
    const seqs = this.seqs;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let c = l;
      if (r < last) {
        const lt = times[l]!;
        const rt = times[r]!;
        if (rt < lt || (rt === lt && seqs[r]! < seqs[l]!)) c = r;
      }
      const ct = times[c]!;
      if (t < ct || (t === ct && s < seqs[c]!)) break;
      this.move(c, i);
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    this.kinds[i] = k;
    this.as[i] = a;
    this.bs[i] = b;
    return true;
  }

  /** Drop every pending event and restart the sequence counter. */
  clear(): void {
    this.n = 0;
    this.nextSeq = 0;
    this.time = 0;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.as[to] = this.as[from]!;
    this.bs[to] = this.bs[from]!;
  }

  private grow(): void {
    const c = this.times.length * 2;
    const t = new Float64Array(c);
    t.set(this.times);
    this.times = t;
    const s = new Float64Array(c);
    s.set(this.seqs);
    this.seqs = s;
    const k = new Int32Array(c);
    k.set(this.kinds);
    this.kinds = k;
    const a = new Int32Array(c);
    a.set(this.as);
    this.as = a;
    const b = new Int32Array(c);
    b.set(this.bs);
    this.bs = b;
  }
}
