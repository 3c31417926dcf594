// Private pushes → normalized events (orders + fills, positions, account + balances), the map
// of last known open orders, and reconciliation over REST after the private connection (re)connects.
import type { Normalized, Order } from "../../domain/events.ts";
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

export class PrivateFeed {
  readonly open = new OpenOrders();
  reconciliations = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly o: { channels: PrivateChannel[]; sink: Sink; rest: OkxRest; log: LogFn; now?: () => number },
  ) {}

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
    for (const ev of events) {
      if (ev.type === "order") this.open.note(ev.data);
      this.o.sink.publish(ev, rxTs);
    }
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
