// Fault injection, switchable at run time from code (sim.faults) or over HTTP (POST /sim/faults):
// dropped connections, pushes that stop while the socket stays open, delays, book sequence gaps,
// malformed frames and refused logins.

export interface FaultState {
  /** While true, every WS connection is dropped (now and on connect). */
  dropConnections: boolean;
  /** Data pushes stop; the socket stays open and still answers ping and requests. */
  pausePushes: boolean;
  /** If pausePushes was given a duration: when the pause ends (ms since 1970), else 0. */
  pausedUntil: number;
  /** Nothing at all is sent, not even `pong`: a silently dead connection. */
  mute: boolean;
  /** Every WS frame and REST answer is held this long. */
  delayMs: number;
  /** The next N data pushes go out as broken JSON. */
  malformedFrames: number;
  /** WS logins are answered with 60009. */
  refuseLogins: boolean;
  /** Instruments whose next books update is dropped, so prevSeqId breaks the chain. */
  sequenceGaps: string[];
}

/** The JSON accepted by POST /sim/faults and by `faults.set`. */
export interface FaultPatch {
  dropConnections?: boolean;
  /** true/false, or a duration in ms after which pushes resume. */
  pausePushes?: boolean | number;
  mute?: boolean;
  delayMs?: number;
  malformedFrames?: number;
  refuseLogins?: boolean;
  /** Adds a one-shot gap for these instruments. */
  sequenceGap?: string | string[];
  /** One-shot: drop every open WS connection now. */
  dropAll?: boolean;
  /** One-shot: send the 64008 "reconnect for upgrade" notice to every connection. */
  notice?: boolean;
  /** Back to no faults (applied before the rest of the patch). */
  reset?: boolean;
}

export interface FaultHooks {
  /** Drops every WS connection; returns how many. */
  dropAll(): number;
  /** Sends the 64008 notice to every connection; returns how many. */
  notice(): number;
}

const CLEAR = (): FaultState => ({
  dropConnections: false,
  pausePushes: false,
  pausedUntil: 0,
  mute: false,
  delayMs: 0,
  malformedFrames: 0,
  refuseLogins: false,
  sequenceGaps: [],
});

export class Faults {
  private s: FaultState = CLEAR();
  private hooks?: FaultHooks;

  /** Connected by the server once it exists. */
  attach(hooks: FaultHooks): void {
    this.hooks = hooks;
  }

  get(): FaultState {
    this.expire(Date.now());
    return { ...this.s, sequenceGaps: [...this.s.sequenceGaps] };
  }

  /** Applies a patch; returns the new state. Unknown keys are ignored by design. */
  set(p: FaultPatch): FaultState {
    if (p.reset) this.reset();
    if (p.pausePushes !== undefined) this.pausePushes(p.pausePushes);
    if (p.mute !== undefined) this.s.mute = !!p.mute;
    if (p.delayMs !== undefined) this.delay(p.delayMs);
    if (p.malformedFrames !== undefined) this.malformedFrames(p.malformedFrames);
    if (p.refuseLogins !== undefined) this.refuseLogins(p.refuseLogins);
    if (p.sequenceGap !== undefined) for (const id of [p.sequenceGap].flat()) this.sequenceGap(id);
    if (p.dropConnections !== undefined) {
      this.s.dropConnections = !!p.dropConnections;
      if (p.dropConnections) this.dropAll();
    }
    if (p.dropAll) this.dropAll();
    if (p.notice) this.hooks?.notice();
    return this.get();
  }

  reset(): void {
    this.s = CLEAR();
  }

  /** Drops every open WS connection now (no close frame); returns how many. */
  dropAll(): number {
    return this.hooks?.dropAll() ?? 0;
  }

  /** Stops data pushes: `true` until resumed, a number of ms, or `false` to resume. */
  pausePushes(v: boolean | number = true): void {
    if (v === false || v === 0) {
      this.s.pausePushes = false;
      this.s.pausedUntil = 0;
      return;
    }
    this.s.pausePushes = true;
    this.s.pausedUntil = typeof v === "number" ? Date.now() + v : 0;
  }

  resumePushes(): void {
    this.pausePushes(false);
  }

  mute(on = true): void {
    this.s.mute = on;
  }

  delay(ms: number): void {
    this.s.delayMs = Math.max(0, Math.min(60_000, Number(ms) || 0));
  }

  malformedFrames(n: number): void {
    this.s.malformedFrames = Math.max(0, Math.floor(Number(n) || 0));
  }

  refuseLogins(on = true): void {
    this.s.refuseLogins = on;
  }

  sequenceGap(instId: string): void {
    if (!this.s.sequenceGaps.includes(instId)) this.s.sequenceGaps.push(instId);
  }

  /** Sends the 64008 notice ("reconnect, service upgrade") to every connection. */
  noticeUpgrade(): number {
    return this.hooks?.notice() ?? 0;
  }

  // --- What the simulator asks -----------------------------------------------------------------

  get delayMs(): number {
    return this.s.delayMs;
  }

  get muted(): boolean {
    return this.s.mute;
  }

  get dropping(): boolean {
    return this.s.dropConnections;
  }

  get loginsRefused(): boolean {
    return this.s.refuseLogins;
  }

  pushesPaused(now = Date.now()): boolean {
    this.expire(now);
    return this.s.pausePushes;
  }

  /** True (and counts down) if this push must go out malformed. */
  takeMalformed(): boolean {
    if (this.s.malformedFrames <= 0) return false;
    this.s.malformedFrames--;
    return true;
  }

  /** True (once) if the next books update of `instId` must be dropped. */
  takeGap(instId: string): boolean {
    const i = this.s.sequenceGaps.indexOf(instId);
    if (i < 0) return false;
    this.s.sequenceGaps.splice(i, 1);
    return true;
  }

  private expire(now: number): void {
    if (this.s.pausePushes && this.s.pausedUntil > 0 && now >= this.s.pausedUntil) {
      this.s.pausePushes = false;
      this.s.pausedUntil = 0;
    }
  }
}
