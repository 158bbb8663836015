/**
 * A count of servers shared by several {@link ServerPool}s (officers who move between lanes that keep
 * their own lines): how many there are and how many are busy, with their time integrals overall and
 * per bin. It queues nobody and picks nobody: the model takes a server when one of the lanes starts a
 * service and gives it back when the service ends, and decides which lane a freed server goes to.
 * When the count drops below the busy servers, services in progress finish; nobody new starts until
 * busy < servers again. No allocation after construction.
 */
export class SharedServers {
  /** Servers there are now. */
  servers = 0;
  /** Servers serving now. */
  busy = 0;
  private lastTime: number;
  private areaServers = 0;
  private areaBusy = 0;
  private readonly binStart: number;
  private readonly binWidth: number;
  /** Per-bin integrals of the servers and the busy servers. */
  readonly binServerArea: Float64Array;
  readonly binBusyArea: Float64Array;

  constructor(options: { binStart?: number; binWidth?: number; binCount?: number; startTime?: number } = {}) {
    this.lastTime = options.startTime ?? 0;
    this.binStart = options.binStart ?? 0;
    this.binWidth = options.binWidth ?? 3600;
    this.binServerArea = new Float64Array(options.binCount ?? 24);
    this.binBusyArea = new Float64Array(options.binCount ?? 24);
  }

  /** Whether a server is free to start a service. */
  hasFree(): boolean {
    return this.busy < this.servers;
  }

  /** Change the count (a roster period starts). */
  setServers(n: number, now: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`servers must be an integer >= 0, got ${n}`);
    this.advance(now);
    this.servers = n;
  }

  /** A service starts on one of the shared servers. */
  take(now: number): void {
    this.advance(now);
    if (this.busy >= this.servers) throw new Error("SharedServers.take: no server is free");
    this.busy++;
  }

  /** A service ended: its server is free again. */
  release(now: number): void {
    this.advance(now);
    if (this.busy <= 0) throw new Error("SharedServers.release: no server is busy");
    this.busy--;
  }

  /** Bring the integrals up to `now`. */
  advance(now: number): void {
    const dt = now - this.lastTime;
    if (dt <= 0) {
      if (dt < 0) throw new RangeError(`SharedServers: time went backwards (${now} < ${this.lastTime})`);
      return;
    }
    const s = this.servers;
    const b = this.busy;
    this.areaServers += s * dt;
    this.areaBusy += b * dt;
    const n = this.binServerArea.length;
    let t0 = this.lastTime;
    while (t0 < now) {
      const idx = Math.floor((t0 - this.binStart) / this.binWidth);
      const binEnd = this.binStart + (idx + 1) * this.binWidth;
      const t1 = binEnd < now ? binEnd : now;
      if (idx >= 0 && idx < n) {
        this.binServerArea[idx]! += s * (t1 - t0);
        this.binBusyArea[idx]! += b * (t1 - t0);
      }
      t0 = t1;
    }
    this.lastTime = now;
  }

  /** Integrals of the servers and the busy servers since the start. */
  areas(): { servers: number; busy: number } {
    return { servers: this.areaServers, busy: this.areaBusy };
  }
}
