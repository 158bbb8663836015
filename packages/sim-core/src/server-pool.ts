/** Options for a {@link ServerPool}. */
export interface ServerPoolOptions {
  /** Number of priority classes; class 0 is served first. Default 1. */
  priorities?: number;
  /** Initial number of open servers. Default 0 (set it, or drive it by a schedule). */
  servers?: number;
  /** Initial capacity of each waiting line (grows by doubling). Default 64. */
  queueCapacity?: number;
  /** Start of the first statistics bin (e.g. midnight = 0). Default 0. */
  binStart?: number;
  /** Width of the statistics bins (e.g. 3600 for hourly). Default 3600. */
  binWidth?: number;
  /** Number of statistics bins; 0 disables binned statistics. Default 24. */
  binCount?: number;
  /** Time the statistics start from. Default 0. */
  startTime?: number;
}

/**
 * A pool of identical servers fed by one waiting line, FIFO within each
 * priority class (lower class first), non-preemptive. It holds entity indices
 * (integers), not objects, and never schedules events itself: the model asks
 * `arrive` whether service can start and calls `startNext` after a departure
 * or a capacity increase. This keeps the kernel free of callbacks and
 * allocation.
 *
 * When capacity drops below the number of busy servers (a lane closes or an
 * outage starts), travellers already in service finish; nobody new starts
 * until busy < servers again.
 *
 * Statistics are time-weighted integrals of queue length, busy servers and
 * open servers, overall and per bin (hourly by default), plus the maximum
 * queue length and counts.
 */
export class ServerPool {
  /** Servers currently open. */
  servers: number;
  /** Servers currently serving. */
  busy = 0;
  /** Entities waiting, over all classes. */
  queued = 0;
  /** Entities that started service. */
  started = 0;
  /** Entities that arrived. */
  arrivals = 0;
  /** Longest waiting line seen. */
  maxQueue = 0;
  /** Entities taken out of the line without service (see `withdrawNext`). */
  withdrawn = 0;

  private readonly lines: Int32Array[];
  private readonly heads: Int32Array;
  private readonly lengths: Int32Array;

  private lastTime: number;
  private readonly startTime: number;
  private areaQueue = 0;
  private areaBusy = 0;
  private areaServers = 0;
  private readonly binStart: number;
  private readonly binWidth: number;
  private readonly binCount: number;
  /** Bin holding `lastTime` (-1 when outside the binned range) and its end, for the fast path. */
  private curBin = -1;
  private curBinEnd = Number.NEGATIVE_INFINITY;
  /** Per-bin integral of the queue length. */
  readonly binQueueArea: Float64Array;
  /** Per-bin integral of the busy servers. */
  readonly binBusyArea: Float64Array;
  /** Per-bin integral of the open servers. */
  readonly binServerArea: Float64Array;

  constructor(options: ServerPoolOptions = {}) {
    const priorities = options.priorities ?? 1;
    if (!Number.isInteger(priorities) || priorities < 1) throw new RangeError("priorities must be an integer >= 1");
    const cap = Math.max(4, options.queueCapacity ?? 64);
    this.lines = [];
    for (let i = 0; i < priorities; i++) this.lines.push(new Int32Array(cap));
    this.heads = new Int32Array(priorities);
    this.lengths = new Int32Array(priorities);
    this.servers = options.servers ?? 0;
    this.startTime = this.lastTime = options.startTime ?? 0;
    this.binStart = options.binStart ?? 0;
    this.binWidth = options.binWidth ?? 3600;
    this.binCount = options.binCount ?? 24;
    this.binQueueArea = new Float64Array(this.binCount);
    this.binBusyArea = new Float64Array(this.binCount);
    this.binServerArea = new Float64Array(this.binCount);
  }

  /** Number of priority classes. */
  get priorities(): number {
    return this.lines.length;
  }

  /**
   * An entity arrives. Returns true when it enters service at once (a server
   * was free and nobody was waiting); otherwise it joins the line of its
   * priority class and false is returned.
   */
  arrive(entity: number, priority: number, now: number): boolean {
    this.advance(now);
    this.arrivals++;
    if (this.queued === 0 && this.busy < this.servers) {
      this.busy++;
      this.started++;
      return true;
    }
    this.push(priority, entity);
    this.queued++;
    if (this.queued > this.maxQueue) this.maxQueue = this.queued;
    return false;
  }

  /**
   * An entity arrives and joins its line even when a server is free: for a pool whose servers are
   * shared with other pools (see SharedServers), where the model decides when it starts.
   */
  enqueue(entity: number, priority: number, now: number): void {
    this.advance(now);
    this.arrivals++;
    this.push(priority, entity);
    this.queued++;
    if (this.queued > this.maxQueue) this.maxQueue = this.queued;
  }

  /** The entity `startNext` would take (best class, then FIFO), or -1 when nobody waits. */
  head(): number {
    for (let p = 0; p < this.lines.length; p++) if (this.lengths[p]! > 0) return this.lines[p]![this.heads[p]!]!;
    return -1;
  }

  /** The priority class of `head()`, or -1 when nobody waits. */
  headPriority(): number {
    for (let p = 0; p < this.lines.length; p++) if (this.lengths[p]! > 0) return p;
    return -1;
  }

  /** A service completed: its server becomes free (call `startNext` while `canStart()`). */
  depart(now: number): void {
    this.advance(now);
    if (this.busy <= 0) throw new Error("ServerPool.depart: no server is busy");
    this.busy--;
  }

  /** Whether a waiting entity can start service now. */
  canStart(): boolean {
    return this.queued > 0 && this.busy < this.servers;
  }

  /** Take the next waiting entity (best class, then FIFO) into service and return it. */
  startNext(now: number): number {
    this.advance(now);
    if (!this.canStart()) throw new Error("ServerPool.startNext: nobody can start");
    const lines = this.lines;
    for (let p = 0; p < lines.length; p++) {
      const len = this.lengths[p]!;
      if (len === 0) continue;
      const line = lines[p]!;
      const h = this.heads[p]!;
      const entity = line[h]!;
      this.heads[p] = h + 1 === line.length ? 0 : h + 1;
      this.lengths[p] = len - 1;
      this.queued--;
      this.busy++;
      this.started++;
      return entity;
    }
    throw new Error("ServerPool: queue accounting is inconsistent");
  }

  /**
   * Take the next waiting entity (best class, then FIFO) out of the line without serving it (the lane
   * closed and the entity goes elsewhere) and return it.
   */
  withdrawNext(now: number): number {
    this.advance(now);
    if (this.queued === 0) throw new Error("ServerPool.withdrawNext: nobody is waiting");
    const lines = this.lines;
    for (let p = 0; p < lines.length; p++) {
      const len = this.lengths[p]!;
      if (len === 0) continue;
      const line = lines[p]!;
      const h = this.heads[p]!;
      const entity = line[h]!;
      this.heads[p] = h + 1 === line.length ? 0 : h + 1;
      this.lengths[p] = len - 1;
      this.queued--;
      this.withdrawn++;
      return entity;
    }
    throw new Error("ServerPool: queue accounting is inconsistent");
  }

  /** Open or close servers (schedule change, outage). Call `startNext` while `canStart()` afterwards. */
  setServers(n: number, now: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`servers must be an integer >= 0, got ${n}`);
    this.advance(now);
    this.servers = n;
  }

  /** Bring the time integrals up to `now`. */
  advance(now: number): void {
    const dt = now - this.lastTime;
    if (dt <= 0) {
      if (dt < 0) throw new RangeError(`ServerPool: time went backwards (${now} < ${this.lastTime})`);
      return;
    }
    const q = this.queued;
    const b = this.busy;
    const s = this.servers;
    this.areaQueue += q * dt;
    this.areaBusy += b * dt;
    this.areaServers += s * dt;
    if (this.binCount > 0) {
      // Fast path: the segment lies inside the current bin (almost always).
      if (now <= this.curBinEnd && this.curBin >= 0) {
        const idx = this.curBin;
        this.binQueueArea[idx]! += q * dt;
        this.binBusyArea[idx]! += b * dt;
        this.binServerArea[idx]! += s * dt;
      } else {
        let t0 = this.lastTime;
        const w = this.binWidth;
        while (t0 < now) {
          const idx = Math.floor((t0 - this.binStart) / w);
          const binEnd = this.binStart + (idx + 1) * w;
          const t1 = binEnd < now ? binEnd : now;
          if (idx >= 0 && idx < this.binCount) {
            const d = t1 - t0;
            this.binQueueArea[idx]! += q * d;
            this.binBusyArea[idx]! += b * d;
            this.binServerArea[idx]! += s * d;
              }
          t0 = t1;
        }
        const cur = Math.floor((now - this.binStart) / w);
        this.curBin = cur >= 0 && cur < this.binCount ? cur : -1;
        this.curBinEnd = this.binStart + (cur + 1) * w;
      }
    }
    this.lastTime = now;
  }

  /** Time-average queue length since the start (call `advance(end)` first). */
  meanQueue(): number {
    const span = this.lastTime - this.startTime;
    return span > 0 ? this.areaQueue / span : 0;
  }

  /** Time-average number of busy servers since the start. */
  meanBusy(): number {
    const span = this.lastTime - this.startTime;
    return span > 0 ? this.areaBusy / span : 0;
  }

  /** Busy server-time over open server-time: the utilisation of what was open. */
  utilisation(): number {
    return this.areaServers > 0 ? this.areaBusy / this.areaServers : 0;
  }

  /** Integrals of queue length, busy and open servers since the start. */
  areas(): { queue: number; busy: number; servers: number; span: number } {
    return { queue: this.areaQueue, busy: this.areaBusy, servers: this.areaServers, span: this.lastTime - this.startTime };
  }

  private push(priority: number, entity: number): void {
    if (!(priority >= 0 && priority < this.lines.length)) {
      throw new RangeError(`priority ${priority} outside [0, ${this.lines.length - 1}]`);
    }
    let line = this.lines[priority]!;
    const len = this.lengths[priority]!;
    if (len === line.length) {
      // Grow: unroll the ring into a buffer twice the size.
      const bigger = new Int32Array(line.length * 2);
      const h = this.heads[priority]!;
      for (let i = 0; i < len; i++) bigger[i] = line[(h + i) % line.length]!;
      this.lines[priority] = line = bigger;
      this.heads[priority] = 0;
    }
    let tail = this.heads[priority]! + len;
    if (tail >= line.length) tail -= line.length;
    line[tail] = entity;
    this.lengths[priority] = len + 1;
  }
}
