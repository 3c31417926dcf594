// A bound on concurrent expensive work (argon2id password verifications): at most `concurrency`
// run, at most `queueMax` wait in arrival order, and anything beyond is turned away at once, so a
// flood of logins costs a bounded amount of CPU and memory and nobody waits without limit.

export interface GateStats {
  running: number;
  queued: number;
  /** Highest `running` / `queued` seen since the gate was made. */
  peakRunning: number;
  peakQueued: number;
  /** Callers turned away because the queue was full. */
  rejected: number;
}

export class Gate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly s = { peakRunning: 0, peakQueued: 0, rejected: 0 };

  constructor(
    readonly concurrency: number,
    readonly queueMax: number,
  ) {
    if (!(concurrency >= 1)) throw new RangeError("a gate needs a concurrency of at least 1");
  }

  /**
   * A place: resolves with the function that gives it back once the work is done, or is
   * undefined when every place is taken and the queue is full (the caller answers "busy").
   * @example
   * const entered = gate.enter(); if (!entered) throw busy()
   * const leave = await entered; try { await work() } finally { leave() }
   */
  enter(): Promise<() => void> | undefined {
    if (this.running < this.concurrency) {
      this.take();
      return Promise.resolve(this.leaver());
    }
    if (this.waiting.length >= this.queueMax) {
      this.s.rejected++;
      return undefined;
    }
    const turn = new Promise<() => void>((resolve) => this.waiting.push(() => resolve(this.leaver())));
    this.s.peakQueued = Math.max(this.s.peakQueued, this.waiting.length);
    return turn;
  }

  stats(): GateStats {
    return { running: this.running, queued: this.waiting.length, ...this.s };
  }

  private take(): void {
    this.running++;
    this.s.peakRunning = Math.max(this.s.peakRunning, this.running);
  }

  /** Gives the place back once, however often it is called; the next in line takes it. */
  private leaver(): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
      const next = this.waiting.shift();
      if (next) {
        this.take();
        next();
      }
    };
  }
}
