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
  // The heap holds (time, slot); an event's sequence number and payload sit in its slot, so a sift
  // moves two numbers per level instead of five (the sequence is read only to break a tie in time).
  private times: Float64Array;
  private slots: Int32Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private as: Int32Array;
  private bs: Int32Array;
  /** Stack of free slots: free[0..freeCount) (slots at and above `used` were never taken). */
  private free: Int32Array;
  private freeCount = 0;
  private used = 0;
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
    this.slots = new Int32Array(c);
    this.seqs = new Float64Array(c);
    this.kinds = new Int32Array(c);
    this.as = new Int32Array(c);
    this.bs = new Int32Array(c);
    this.free = new Int32Array(c);
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
    const slot = this.freeCount > 0 ? this.free[--this.freeCount]! : this.used++;
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
      const pt = times[p]!;
      if (pt < time || (pt === time && seqs[slots[p]!]! < seq)) break;
      times[i] = pt;
      slots[i] = slots[p]!;
      i = p;
    }
    times[i] = time;
    slots[i] = slot;
  }

  /**
   * Remove the earliest event and expose it through `time`, `kind`, `a`, `b`.
   * Returns false when the calendar is empty.
   */
  pop(): boolean {
    if (this.n === 0) return false;
    const times = this.times;
    const slots = this.slots;
    const top = slots[0]!;
    this.time = times[0]!;
    this.kind = this.kinds[top]!;
    this.a = this.as[top]!;
    this.b = this.bs[top]!;
    this.free[this.freeCount++] = top;
    const last = --this.n;
    if (last === 0) return true;
    // Sift the last element down from the root.
    const t = times[last]!;
    const slot = slots[last]!;
    const seqs = this.seqs;
    const s = seqs[slot]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let c = l;
      let ct = times[l]!;
      if (r < last) {
        const rt = times[r]!;
        if (rt < ct || (rt === ct && seqs[slots[r]!]! < seqs[slots[l]!]!)) {
          c = r;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && s < seqs[slots[c]!]!)) break;
      times[i] = ct;
      slots[i] = slots[c]!;
      i = c;
    }
    times[i] = t;
    slots[i] = slot;
    return true;
  }

  private grow(): void {
    // Called when the heap is full, so every slot is taken: the free stack is empty.
    const c = this.times.length * 2;
    const f64 = (old: Float64Array) => {
      const x = new Float64Array(c);
      x.set(old);
      return x;
    };
    const i32 = (old: Int32Array) => {
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
