// Private pushes (orders, account, positions, balance_and_position): matcher events are queued and
// sent after the current request's reply, coalesced per turn of the event loop, to logged-in
// subscribers whose filter matches; subscribing sends the account and position snapshots, and the
// account is pushed again every so often (its equity follows the market). Funding settlements
// come the same way, pushed at once (pushNow).
import type { OrderPush, WsChannelArg } from "../../okx/types.ts";
import type { Account } from "../account.ts";
import type { AccountChange, Matcher } from "../matching.ts";
import type { SimOrder } from "../orders.ts";
import { privateMatches } from "./channels.ts";
import type { Hub } from "./hub.ts";
import type { Sub } from "./session.ts";

export class PrivateFeed {
  private orders: { push: OrderPush; o: SimOrder }[] = [];
  private ccys = new Set<string>();
  private instIds = new Set<string>();
  private trades: { instId: string; tradeId: string }[] = [];
  /** The balance_and_position push the queued changes call for: after fills or a funding settlement. */
  private bapEvent: "filled" | "funding_fee" | undefined;
  private scheduled = false;

  constructor(
    private readonly hub: Hub,
    matcher: Matcher,
    private readonly account: Account,
  ) {
    matcher.on({ order: (push, o) => this.queueOrder(push, o), account: (c) => this.queueAccount(c) });
  }

  private queueOrder(push: OrderPush, o: SimOrder): void {
    this.orders.push({ push, o });
    this.schedule();
  }

  private queueAccount(c: AccountChange): void {
    if (c.eventType === "filled" || c.eventType === "funding_fee") {
      // One balance_and_position push names one event: send what is queued for the other first.
      if (this.bapEvent && this.bapEvent !== c.eventType) this.flush(Date.now());
      this.bapEvent = c.eventType;
    }
    for (const x of c.ccys) this.ccys.add(x);
    for (const x of c.instIds) this.instIds.add(x);
    this.trades.push(...c.trades);
    this.schedule();
  }

  /**
   * A change made outside the matcher (a funding settlement), pushed now rather than after the
   * current turn, so the pushes show the marks it was made at, before the market steps on.
   */
  pushNow(c: AccountChange, now: number): void {
    this.queueAccount(c);
    this.flush(now);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush(Date.now()));
  }

  /** Topic keys of a private channel (one per distinct subscription filter). */
  private keys(channel: string): string[] {
    return [...this.hub.keys()].filter((k) => k === channel || k.startsWith(`${channel}|`));
  }

  private flush(now: number): void {
    this.scheduled = false;
    const orders = this.orders;
    this.orders = [];
    for (const key of this.keys("orders")) {
      for (const { push, o } of orders) {
        this.hub.push(key, JSON.stringify([push]), "", (s) =>
          privateMatches(s.arg, o.inst.instType, o.inst.instId, o.inst.wire.instFamily),
        );
      }
    }
    if (this.ccys.size === 0 && this.instIds.size === 0) return;
    const ccys = [...this.ccys];
    const instIds = [...this.instIds];
    const trades = this.trades;
    const bapEvent = this.bapEvent;
    this.ccys.clear();
    this.instIds.clear();
    this.trades = [];
    this.bapEvent = undefined;
    for (const key of this.keys("account")) {
      for (const sub of this.hub.subscribers(key)) {
        const list = typeof sub.arg.ccy === "string" && sub.arg.ccy ? ccys.filter((c) => c === sub.arg.ccy) : ccys;
        if (list.length === 0) continue;
        this.send(
          sub,
          JSON.stringify([this.account.balance(list, now)]),
          `"eventType":"event_update","curPage":1,"lastPage":true,`,
        );
      }
    }
    if (instIds.length > 0) {
      const rows = this.account.positionRows({ instIds, includeFlat: true }, now);
      for (const key of this.keys("positions")) {
        for (const sub of this.hub.subscribers(key)) {
          const mine = rows.filter((r) =>
            privateMatches(sub.arg, r.instType, r.instId, r.instId.replace(/-SWAP$/, "")),
          );
          if (mine.length > 0) this.send(sub, JSON.stringify(mine), `"eventType":"event_update",`);
        }
      }
    }
    if (bapEvent) {
      const data = JSON.stringify([this.account.balanceAndPosition(bapEvent, ccys, instIds, trades, now)]);
      for (const key of this.keys("balance_and_position")) this.hub.push(key, data);
    }
  }

  private send(sub: Sub, data: string, head: string): void {
    sub.session.sendData(`{"arg":${sub.argJson},${head}"data":${data}}`);
  }

  /** The account channel's regular push: each subscriber its account as of now. */
  pushAccount(now: number): void {
    for (const key of this.keys("account"))
      for (const sub of this.hub.subscribers(key)) this.sendAccount(sub, "event_update", now);
  }

  private sendAccount(sub: Sub, eventType: string, now: number): void {
    const ccy = typeof sub.arg.ccy === "string" && sub.arg.ccy ? [sub.arg.ccy] : [];
    this.send(
      sub,
      JSON.stringify([this.account.balance(ccy, now)]),
      `"eventType":"${eventType}","curPage":1,"lastPage":true,`,
    );
  }

  /** Snapshots sent right after a private subscribe (nothing for orders). */
  onSubscribe(sub: Sub, channel: string, now: number): void {
    if (channel === "account") this.sendAccount(sub, "snapshot", now);
    else if (channel === "positions") {
      const rows = this.account
        .positionRows({}, now)
        .filter((r) => privateMatches(sub.arg, r.instType, r.instId, r.instId.replace(/-SWAP$/, "")));
      this.send(sub, JSON.stringify(rows), `"eventType":"snapshot","curPage":1,"lastPage":true,`);
    } else if (channel === "balance_and_position") {
      this.send(sub, JSON.stringify([this.account.balanceAndPosition("snapshot", [], [], [], now)]), "");
    }
  }
}

/** The private topic key: one per distinct filter, so two `orders` subscriptions can coexist. */
export function privateKey(channel: string, arg: WsChannelArg): string {
  const f = [arg.instType, arg.instFamily, arg.instId, arg.ccy].map((x) => (typeof x === "string" ? x : "")).join("|");
  return f.replace(/\|/g, "") === "" ? channel : `${channel}|${f}`;
}
