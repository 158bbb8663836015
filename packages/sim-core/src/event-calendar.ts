/** Options of an {@link EventCalendar}. */
export interface EventCalendarOptions {
  /**
   * Most pending events kept as a sorted list; above it the calendar is a heap, and a list again at
   * half of it (the gap keeps it from switching back and forth). 0: always a heap. Default 256.
   */
  listMax?: number;
}

/**
 * The future event list over parallel typed arrays: a sorted list while it is short, a binary min-heap
 * while it is long.
 *
 * Ordering is (time, sequence): events due at the same instant run in the
 * order they were scheduled (FIFO). The sequence number is a monotone counter,
 * so the order never depends on object identity, heap shape or Map insertion
 * accidents, and a run is reproducible bit for bit. Both forms return the same
 * events in the same order; only their cost differs.
 *
 * Why two forms: a crossing day keeps about 50 events pending and most new events fall due soon (a
 * short service, the next arrival), so an insertion into a list sorted latest-first moves few entries
 * and a removal takes the last one, with predictable branches; a heap pays a hard-to-predict comparison
 * per level on every removal. Replaying the calendar operations of a hetao-weekday replication, the list
 * takes about a quarter less time than the heap (bench/calendar-replay.js). An insertion moves every
 * entry due before it, though, so above `listMax` events the calendar turns into a heap (a list sorted
 * earliest-first is one already) and back at half of it: the cost per event stays logarithmic in long
 * calendars.
 *
 * An event is three numbers: `kind` (what happens, a small integer the model
 * switches on) and two integer payloads `a` and `b` (usually an entity index
 * and a station index). Nothing is allocated per event; the arrays grow by
 * doubling when full.
 */
export class EventCalendar {
  // `times`/`slots` hold (time, slot) in order (list: latest first, so the next event is at n - 1;
  // heap: the next event at 0); an event's sequence number and payload sit in its slot, so a move
  // shifts two numbers instead of five (the sequence is read only to break a tie in time).
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
  /** Whether the events are a heap (else a list sorted latest first). */
  private heap: boolean;
  private readonly listMax: number;
  /** At or below this many events a heap turns back into a list (-1: never). */
  private readonly listMin: number;

  /** Time of the event last returned by `pop()`. */
  time = 0;
  /** Kind of the event last returned by `pop()`. */
  kind = 0;
  /** First payload of the event last returned by `pop()`. */
  a = 0;
  /** Second payload of the event last returned by `pop()`. */
  b = 0;

  constructor(initialCapacity = 1024, options: EventCalendarOptions = {}) {
    const listMax = options.listMax ?? 256;
    if (!Number.isInteger(listMax) || listMax < 0) throw new RangeError(`EventCalendar: listMax must be an integer >= 0, got ${listMax}`);
    this.listMax = listMax;
    this.listMin = listMax > 0 ? listMax >> 1 : -1;
    this.heap = listMax === 0;
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
    const n = this.n;
    if (n === 0) return Number.POSITIVE_INFINITY;
    return this.times[this.heap ? 0 : n - 1]!;
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
    const times = this.times;
    const slots = this.slots;
    if (!this.heap) {
      if (this.n < this.listMax) {
        // Insert into the list: every event due at or before `time` (an equal time was scheduled
        // earlier, so it runs first) moves one place towards the end.
        let j = this.n++;
        while (j > 0) {
          const tj = times[j - 1]!;
          if (tj > time) break;
          times[j] = tj;
          slots[j] = slots[j - 1]!;
          j--;
        }
        times[j] = time;
        slots[j] = slot;
        return;
      }
      this.toHeap();
    }
    // Sift up from the new leaf.
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
    let top: number;
    if (!this.heap) {
      const i = --this.n;
      top = this.slots[i]!;
      this.time = this.times[i]!;
    } else {
      top = this.slots[0]!;
      this.time = this.times[0]!;
      this.heapRemoveTop();
      if (this.n <= this.listMin) this.toList();
    }
    this.kind = this.kinds[top]!;
    this.a = this.as[top]!;
    this.b = this.bs[top]!;
    this.free[this.freeCount++] = top;
    return true;
  }

  /** Heap form: drop the root (its slot stays taken) by sifting the last entry down from the root. */
  private heapRemoveTop(): void {
    const last = --this.n;
    if (last === 0) return;
    const times = this.times;
    const slots = this.slots;
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
  }

  /** List to heap: reversed, the list is sorted earliest first (ties in scheduling order), which is a heap. */
  private toHeap(): void {
    const times = this.times;
    const slots = this.slots;
    for (let i = 0, j = this.n - 1; i < j; i++, j--) {
      const t = times[i]!;
      times[i] = times[j]!;
      times[j] = t;
      const s = slots[i]!;
      slots[i] = slots[j]!;
      slots[j] = s;
    }
    this.heap = true;
  }

  /** Heap to list: take the events out in order into the free end of the arrays, then lay them out latest first. */
  private toList(): void {
    const n = this.n;
    const times = this.times;
    const slots = this.slots;
    // The heap shrinks by one per removal, so entry k of the ordered run can sit at index
    // capacity - 1 - k, above the heap's last entry (n - 1 - k): the heap began at listMax events, so
    // capacity > listMax > n.
    const cap = times.length;
    for (let k = 0; k < n; k++) {
      times[cap - 1 - k] = times[0]!;
      slots[cap - 1 - k] = slots[0]!;
      this.heapRemoveTop();
    }
    // The run sits at cap - n … cap - 1, latest first: move it to 0 … n - 1.
    for (let k = 0; k < n; k++) {
      times[k] = times[cap - n + k]!;
      slots[k] = slots[cap - n + k]!;
    }
    this.n = n;
    this.heap = false;
  }

  private grow(): void {
    // Called when the calendar is full, so every slot is taken: the free stack is empty.
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
