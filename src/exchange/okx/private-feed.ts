// Private pushes → normalized events (orders + fills, positions, account + balances), the map
// of last known open orders, and reconciliation over REST after the private connection (re)connects.
//
// OKX's positions snapshot lists the open positions only: a position closed while the connection
// was down (or the service) is in it no more, and no push says it went. So at the end of each
// snapshot every position the stream was told is open and the snapshot does not list is published
// flat, and after each (re)connect every traded derivative not listed too (this process may not
// know what an earlier one was told): the state, the pages and the guards (a stop) learn it is gone.
import type { Normalized, Order, Position } from "../../domain/events.ts";
import { flatPosition, POSITIONS_KNOWN } from "../../domain/positions.ts";
import type { PrivateChannel } from "../config.ts";
import { isUnknownOrder } from "./errors.ts";
import type { Sink } from "./market-feed.ts";
import { OpenOrders, reconcile } from "./open-orders.ts";
import { MalformedError } from "./parse-fields.ts";
import type { Frame, Obj } from "./parse-frame.ts";
import { parseOrder, parsePrivatePush } from "./parse-private.ts";
import type { OkxRest } from "./rest.ts";
import type { LogFn } from "./socket.ts";

const MAX_PAGES = 20;

/** A flat position made from a snapshot is dated this far before it was made, so that a change pushed after the snapshot is newer even with this clock ahead of OKX's. */
const FLAT_EARLIER_MS = 1_000;
/**
 * A position pushed this recently is not flattened by a regular snapshot that leaves it out: the
 * snapshot may have been taken before the push that opened it (OKX sends them unasked). The next
 * snapshot or reconnect settles it.
 */
const SETTLE_MS = 3_000;

const keyOf = (p: Pick<Position, "instId" | "posSide">) => `${p.instId}:${p.posSide || "net"}`;

export class PrivateFeed {
  readonly open = new OpenOrders();
  reconciliations = 0;
  private running: Promise<void> | null = null;
  /** Positions (instId:posSide) the stream was last told are open, and when that came (rxTs). */
  private readonly held = new Map<string, number>();
  /** The positions listed by the snapshot being received (its pages so far); null between snapshots. */
  private listed: Set<string> | null = null;
  /** No snapshot since the connection (re)opened: the next one also flattens every traded derivative it does not list. */
  private fresh = true;

  constructor(
    private readonly o: {
      channels: PrivateChannel[];
      sink: Sink;
      rest: OkxRest;
      log: LogFn;
      now?: () => number;
      /** Traded swaps and futures: each flat after a (re)connect's snapshot unless listed. */
      derivatives?: readonly string[];
    },
  ) {}

  /** The private connection dropped: the next snapshot is a fresh start's. */
  onDisconnected(): void {
    this.fresh = true;
    this.listed = null;
  }

  subscriptions(): Obj[] {
    return this.o.channels.map((channel) =>
      channel === "orders" || channel === "positions" ? { channel, instType: "ANY" } : { channel },
    );
  }

  onPush(frame: Extract<Frame, { kind: "push" }>, rxTs: number): void {
    let events: Normalized[];
    try {
      events = parsePrivatePush(frame.channel, frame.data);
    } catch (err) {
      if (!(err instanceof MalformedError)) throw err;
      this.o.sink.malformed(`${frame.channel}: ${err.message}`);
      return;
    }
    const snapshot = frame.channel === "positions" && frame.frame.eventType === "snapshot";
    if (snapshot) this.listed ??= new Set();
    for (const ev of events) {
      if (ev.type === "order") this.open.note(ev.data);
      if (ev.type === "position") this.notePosition(ev.data, snapshot, rxTs);
      this.o.sink.publish(ev, rxTs);
    }
    // The last page (OKX pages a long snapshot; one without paging is whole).
    if (snapshot && frame.frame.lastPage !== false) this.flattenUnlisted(events, rxTs);
  }

  private notePosition(p: Position, snapshot: boolean, rxTs: number): void {
    const k = keyOf(p);
    if (Number(p.pos) === 0) this.held.delete(k);
    else {
      this.held.set(k, rxTs);
      if (snapshot) this.listed?.add(k);
    }
  }

  /** Publishes flat every position held (not pushed in the last SETTLE_MS) or, after a (re)connect, every traded derivative's, that the snapshot did not list. */
  private flattenUnlisted(events: Normalized[], rxTs: number): void {
    const listed = this.listed ?? new Set<string>();
    const fresh = this.fresh;
    // A reconnect's snapshot comes before any push of its connection: nothing held is too recent for it.
    const settled = (at: number) => fresh || rxTs - at >= SETTLE_MS;
    const gone = new Set([...this.held].filter(([k, at]) => !listed.has(k) && settled(at)).map(([k]) => k));
    if (fresh)
      for (const instId of this.o.derivatives ?? []) if (!listed.has(`${instId}:net`)) gone.add(`${instId}:net`);
    this.listed = null;
    this.fresh = false;
    // Dated by the snapshot's own push time where a row gives it (OKX's clock), else a second ago.
    const now = this.o.now?.() ?? Date.now();
    const stamps = events.flatMap((e) => (e.type === "position" ? [e.exTs] : []));
    const at = stamps.length ? Math.max(...stamps) : now - FLAT_EARLIER_MS;
    for (const k of gone) {
      const cut = k.lastIndexOf(":");
      this.held.delete(k);
      const p = flatPosition(k.slice(0, cut), at, k.slice(cut + 1));
      this.o.sink.publish({ type: "position", channel: "positions", data: p, exTs: at }, rxTs);
    }
    if (fresh)
      this.o.sink.publish(
        { type: "system", channel: "system", data: { ...POSITIONS_KNOWN, ts: now }, exTs: now },
        rxTs,
      );
  }

  /** Tells the stream about every order change missed while disconnected. One run at a time. */
  reconcile(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<void> {
    const pending: Order[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const rows = await this.o.rest.ordersPending({ limit: 100, ...(after ? { after } : {}) });
      for (const row of rows) {
        try {
          pending.push(parseOrder(row));
        } catch (err) {
          if (!(err instanceof MalformedError)) throw err;
          this.o.sink.malformed(`orders-pending: ${err.message}`);
        }
      }
      if (rows.length < 100) break;
      after = rows.at(-1)?.ordId;
    }
    const { changed, gone } = reconcile(this.open.known, pending);
    for (const order of changed) this.emit(order);
    for (const g of gone) {
      try {
        const [row] = await this.o.rest.getOrder({ instId: g.instId, ordId: g.ordId });
        if (row && this.open.known.has(g.ordId)) this.emit(parseOrder(row));
      } catch (err) {
        if (isUnknownOrder(err)) this.open.known.delete(g.ordId);
        else if (err instanceof MalformedError) this.o.sink.malformed(`order ${g.ordId}: ${err.message}`);
        else throw err;
      }
    }
    this.reconciliations++;
    this.o.log("info", "okx orders reconciled", {
      pending: pending.length,
      changed: changed.length,
      gone: gone.length,
    });
  }

  private emit(order: Order): void {
    this.open.note(order);
    this.o.sink.publish(
      { type: "order", channel: "orders", data: order, exTs: order.uTime },
      this.o.now?.() ?? Date.now(),
    );
  }
}
