// What arrives on the stream, in order: each event to the handlers once (duplicates dropped,
// every one measured), snapshots, and the protocol around them (connected, reset, heartbeat,
// clock) that moves the cursor and says when the stream could not continue.
import { localNow } from "./clock.ts";
import type { Continuity } from "./continuity.ts";
import type { Dispatcher } from "./dispatch.ts";
import { parseId } from "./ids.ts";
import type { Sharing } from "./sharing.ts";
import type { StreamStats } from "./stats.ts";
import type { Incoming } from "./transport.ts";

export interface ReceiverOwner {
  /** This tab's part in sharing the stream: as leader it relays what its own link brings. */
  sharing(): Sharing | undefined;
  /** A connection (this tab's or the leader's) opened; `load`: the loaders may run now. */
  connected(channels: string[], load: boolean): void;
  /** The stream could not continue (reset, new epoch): load the state again. */
  resync(reason: string): void;
}

type EventMessage = Extract<Incoming, { kind: "event" }>;

export class Receiver {
  /** Connections this tab's own link opened: all after the first are reconnects. */
  private connections = 0;

  constructor(
    private readonly stats: StreamStats,
    private readonly dispatcher: Dispatcher,
    private readonly continuity: Continuity,
    private readonly owner: ReceiverOwner,
  ) {}

  /** A protocol message from this tab's own link (`own`) or relayed by the leader tab. */
  handle(m: Incoming, own: boolean): void {
    const share = own ? this.owner.sharing() : undefined;
    switch (m.kind) {
      case "event":
        return this.accept(m, share);
      case "snapshot":
        this.stats.counts.snapshots++;
        share?.relay(m);
        return this.dispatcher.emit(m.ev, { snapshot: true, at: localNow() });
      case "connected": {
        // One-way only: a connect's round trip (handshake, auth) is too long to locate the stamp.
        if (own && Number.isFinite(m.info.serverTime)) this.stats.clock.oneWay(m.info.serverTime, m.at);
        if (own && ++this.connections > 1) this.stats.counts.reconnects++;
        const opening = this.continuity.connected(m.info.head, m.info.resumed);
        share?.relay(m);
        // Not resumed although we had a position: a reset follows, and reloads everything then.
        return this.owner.connected(m.info.channels, !own || opening !== "lost");
      }
      case "reset":
        share?.relay(m);
        this.continuity.reset(m.info.head);
        this.stats.reset(m.info.reason);
        return this.owner.resync(m.info.reason);
      case "heartbeat":
        if (m.t !== undefined) this.stats.clock.oneWay(m.t, m.at);
        this.continuity.skipTo(m.head);
        share?.relay(m);
        return;
      case "clock":
        this.stats.clock.roundTrip(m.askedAt, m.serverTime, m.at);
        return;
      case "shutdown":
        return;
      case "bad":
        if (m.why === "malformed") this.stats.counts.malformed++;
        else this.stats.counts.unknown++;
        return;
    }
  }

  private accept(m: EventMessage, share: Sharing | undefined): void {
    const id = parseId(m.ev.id)!;
    const rel = this.continuity.advance(id);
    if (rel === "old") {
      this.stats.counts.duplicates++;
      return;
    }
    share?.relay(m);
    if (rel === "epoch") {
      // A new epoch without a reset first: the numbering restarted, state may be stale.
      this.stats.reset("epoch");
      this.owner.resync("epoch");
    }
    this.stats.event(m.ev, m.at, this.continuity.caughtUp(id));
    this.dispatcher.emit(m.ev, { snapshot: false, at: m.at });
  }
}
