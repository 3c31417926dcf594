// The per-user cap on open streams (SSE, WebSocket and waiting polls together): a stream claims
// a seat before it is accepted (a refused one costs no upgrade and no hub client) and gives it
// back when it leaves. One user cannot hold the server's sockets and loop for everyone else.

/** One user's place for one stream. */
export interface Seat {
  /** The stream is connected: the seat is held until released. */
  attach(): void;
  /** The stream is gone (idempotent). */
  release(): void;
}

/** A claimed seat whose stream never connected (the client left before it started) expires. */
const UNATTACHED_TTL_MS = 10_000;

class UserSeat implements Seat {
  attached = false;
  constructor(
    private readonly owner: Set<UserSeat>,
    private readonly onEmpty: () => void,
    readonly claimedAt: number,
  ) {}
  attach(): void {
    this.attached = true;
  }
  release(): void {
    if (this.owner.delete(this) && this.owner.size === 0) this.onEmpty();
  }
}

const UNCAPPED: Seat = { attach() {}, release() {} };

/**
 * @example
 * const seats = new Seats(20)
 * const seat = seats.claim(principal.user)   // undefined: 429
 * seat.attach()   // the stream connected
 * seat.release()  // it closed
 */
export class Seats {
  private readonly users = new Map<string, Set<UserSeat>>();

  /** `max` streams per user at once; 0: no cap. */
  constructor(
    readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A seat for one more stream of `user`, or undefined when the user holds `max` already. */
  claim(user: string): Seat | undefined {
    if (this.max <= 0) return UNCAPPED;
    let held = this.users.get(user);
    if (!held) {
      held = new Set();
      this.users.set(user, held);
    } else if (held.size >= this.max) {
      const stale = this.now() - UNATTACHED_TTL_MS;
      for (const s of held) if (!s.attached && s.claimedAt < stale) held.delete(s);
      if (held.size >= this.max) return undefined;
    }
    const set = held;
    const seat = new UserSeat(set, () => this.users.get(user) === set && this.users.delete(user), this.now());
    set.add(seat);
    return seat;
  }

  /** Seats `user` holds (claimed or attached). */
  held(user: string): number {
    return this.users.get(user)?.size ?? 0;
  }
}
