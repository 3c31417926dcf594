// The matcher: places, cancels and amends orders against the synthetic book (market,
// limit, post_only, ioc, fok; partial fills; self-trade prevention cancel_maker) and fills
// resting orders when the random walk crosses them. Every change is reported to listeners.
import type { OrderOpResult, OrderPush } from "../okx/types.ts";
import type { Account } from "./account.ts";
import { type ItemError, itemError } from "./errors.ts";
import { need, releaseAll, settleFill } from "./funds.ts";
import type { InstrumentTable } from "./instruments.ts";
import type { InstrumentMarket, Market } from "./market.ts";
import { strToUnits, unitsToStr } from "./num.ts";
import type { ResolvedOptions } from "./options.ts";
import { type FillInfo, isOpen, orderPush, remainingLots, type SimOrder } from "./orders.ts";
import { bool, isItemError, type ParsedRef, parsePlace, parseRef, str } from "./validate.ts";

export interface AccountChange {
  /** "funding_fee" comes from the funding settlement (funding.ts), the others from the matcher. */
  eventType: "filled" | "order" | "set_leverage" | "funding_fee";
  ccys: string[];
  instIds: string[];
  trades: { instId: string; tradeId: string }[];
}

/** One fill of an order, as GET /trade/fills lists it. */
export interface FillRecord {
  o: SimOrder;
  info: FillInfo;
  billId: string;
}

export interface MatcherListener {
  order?(push: OrderPush, o: SimOrder): void;
  /** Called before the `order` push that reports the fill. */
  fill?(f: FillRecord): void;
  account?(change: AccountChange): void;
}

const MAX_PENDING = 500;
const KEEP_CLOSED = 20_000;
const KEEP_FILLS = 5_000;

/** Cancel reasons (cancelSource); UNCONFIRMED numbering, see the report. */
const CANCEL = { user: "1", fok: "13", ioc: "14", postOnly: "31", stp: "32" } as const;

export class Matcher {
  readonly orders = new Map<string, SimOrder>();
  /** Recent fills, oldest first (GET /trade/fills). */
  readonly fills: FillRecord[] = [];
  private open = new Map<string, SimOrder>();
  private listeners: MatcherListener[] = [];
  private seq = 0;
  private nextOrdId = 680_800_000_000_000_000n;
  private billSeq = 700_000_000_000_000_000n;

  constructor(
    private readonly instruments: InstrumentTable,
    private readonly market: Market,
    private readonly account: Account,
    private readonly opts: ResolvedOptions,
  ) {
    this.nextOrdId += BigInt(opts.seed % 1000) * 1_000_000_000n;
  }

  on(l: MatcherListener): () => void {
    this.listeners.push(l);
    return () => (this.listeners = this.listeners.filter((x) => x !== l));
  }

  /** Orders and fills kept from an earlier run (persist.ts): ids go on after theirs; open orders rest again, their funds frozen. */
  restore(orders: SimOrder[], fills: FillRecord[], now: number): void {
    for (const o of orders) {
      this.orders.set(o.ordId, o);
      this.seq = Math.max(this.seq, o.seq);
      if (BigInt(o.ordId) >= this.nextOrdId) this.nextOrdId = BigInt(o.ordId) + 1n;
      if (!isOpen(o)) continue;
      this.open.set(o.ordId, o);
      if (o.frozen > 0) this.account.freeze(o.frozenCcy, o.frozen, now);
    }
    for (const f of fills) {
      this.fills.push(f);
      if (BigInt(f.billId) > this.billSeq) this.billSeq = BigInt(f.billId);
    }
  }

  openOrders(instId?: string): SimOrder[] {
    const all = [...this.open.values()];
    return instId ? all.filter((o) => o.inst.instId === instId) : all;
  }

  find(ref: ParsedRef): SimOrder | undefined {
    let o: SimOrder | undefined;
    if (ref.ordId !== undefined) o = this.orders.get(ref.ordId);
    else {
      for (const x of this.orders.values()) if (x.clOrdId === ref.clOrdId && (!o || x.seq > o.seq)) o = x;
    }
    if (o && ref.inst && o.inst !== ref.inst) return undefined;
    if (o && ref.ordId !== undefined && ref.clOrdId !== undefined && o.clOrdId !== ref.clOrdId) return undefined;
    return o;
  }

  place(raw: unknown, now: number): OrderOpResult {
    const a = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const base = { ordId: "", clOrdId: str(a.clOrdId) ?? "", tag: str(a.tag) ?? "", ts: String(now) };
    const p = parsePlace(raw, this.instruments);
    if (isItemError(p)) return { ...base, ...p };
    const m = this.market.get(p.inst.instId)!;
    const fail = (e: ItemError): OrderOpResult => ({ ...base, ...e });
    if (p.clOrdId && [...this.open.values()].some((o) => o.clOrdId === p.clOrdId)) return fail(itemError("51016"));
    if (this.openOrders(p.inst.instId).length >= MAX_PENDING) return fail(itemError("51174", p.inst.instId));
    if (p.px !== undefined) {
      const mid = m.mid();
      if ((p.side === "buy" && p.px > mid * 1.2) || (p.side === "sell" && p.px < mid * 0.8))
        return fail(itemError("51006"));
    }
    if (p.reduceOnly && p.inst.instType === "SWAP") {
      const pos = this.account.position(p.inst.instId);
      const contracts = p.lots * 10 ** -p.inst.szDec;
      if (pos === 0 || (p.side === "buy") === pos > 0 || contracts > Math.abs(pos) + 1e-9)
        return fail(itemError("51169"));
    }
    const lever = this.account.lever(p.inst.instId);
    const n = need(p, m, lever);
    if (n.amount > 0 && this.account.available(n.ccy) + 1e-9 < n.amount) return fail(itemError("51008", n.ccy));

    const o: SimOrder = {
      seq: ++this.seq,
      ordId: String(this.nextOrdId++),
      clOrdId: p.clOrdId,
      tag: p.tag,
      inst: p.inst,
      side: p.side,
      ordType: p.ordType,
      tdMode: p.tdMode,
      posSide: p.inst.instType === "SPOT" ? "" : "net",
      reduceOnly: p.reduceOnly,
      tgtCcy: p.tgtCcy,
      stpMode: p.stpMode,
      px: p.px,
      lots: p.lots,
      quoteSz: p.quoteSz,
      szStr: p.szStr,
      filledLots: 0,
      filledTicksLots: 0,
      filledQuote: 0,
      fee: 0,
      feeCcy: p.inst.instType === "SPOT" && p.side === "buy" ? p.inst.baseCcy : p.inst.quoteCcy,
      pnl: 0,
      state: "live",
      cTime: now,
      uTime: now,
      frozen: 0,
      frozenCcy: n.ccy,
      ...(p.inst.instType === "SWAP" ? { lever } : {}),
      cancelSource: "",
      amendResult: "",
      reqId: "",
      code: "0",
      msg: "",
    };
    this.orders.set(o.ordId, o);
    this.trim();
    if (n.freeze > 0) {
      this.account.freeze(n.ccy, n.freeze, now);
      o.frozen = n.freeze;
    }
    this.execute(o, m, now);
    return { ordId: o.ordId, clOrdId: o.clOrdId, tag: o.tag, ts: String(now), sCode: "0", sMsg: "Order placed" };
  }

  /** Matches a new (or re-priced) order as taker, then rests, cancels or completes it. */
  private execute(o: SimOrder, m: InstrumentMarket, now: number, amended = false): void {
    const takeSide = o.side === "buy" ? "asks" : "bids";
    const limit = o.px;
    const best = m.book.best(takeSide);
    // Self-trade prevention (cancel_maker): own resting orders this one would meet first are canceled.
    const reach = limit ?? best;
    for (const r of this.openOrders(o.inst.instId)) {
      if (r === o || r.side === o.side || r.px === undefined || reach === undefined) continue;
      if (o.side === "buy" ? r.px <= reach : r.px >= reach) this.finish(r, "canceled", CANCEL.stp, now);
    }
    const crosses = best !== undefined && (limit === undefined || (o.side === "buy" ? best <= limit : best >= limit));
    if (o.ordType === "post_only" && crosses) {
      return amended ? undefined : this.finish(o, "canceled", CANCEL.postOnly, now);
    }
    if (o.ordType === "fok" && m.book.available(takeSide, limit) < remainingLots(o))
      return this.finish(o, "canceled", CANCEL.fok, now);
    if (crosses) {
      const fills =
        o.quoteSz !== undefined && o.side === "buy"
          ? m.book.takeValue("asks", o.quoteSz, m.valuePerTickLot)
          : m.book.take(takeSide, o.quoteSz !== undefined ? this.quoteToLots(o, m) : remainingLots(o), limit);
      for (const f of fills) this.fill(o, m, f.px, f.lots, false, now);
    }
    if (o.quoteSz !== undefined)
      return o.filledLots > 0 ? this.finish(o, "filled", "", now) : this.finish(o, "canceled", CANCEL.ioc, now);
    if (remainingLots(o) <= 0) return;
    if (o.ordType === "limit" || o.ordType === "post_only") {
      this.open.set(o.ordId, o);
      if (o.filledLots === 0 && !amended) this.emit(o);
      if (o.frozen > 0) this.emitAccount({ eventType: "order", ccys: [o.frozenCcy], instIds: [], trades: [] });
      return;
    }
    this.finish(o, "canceled", CANCEL.ioc, now);
  }

  private quoteToLots(o: SimOrder, m: InstrumentMarket): number {
    const bid = m.book.best("bids") ?? m.last.px;
    return Math.floor((o.quoteSz ?? 0) / (bid * m.valuePerTickLot));
  }

  private fill(o: SimOrder, m: InstrumentMarket, px: number, lots: number, maker: boolean, now: number): void {
    const takerSide = maker ? (o.side === "buy" ? "sell" : "buy") : o.side;
    const trade = m.recordTrade(px, lots, takerSide, now);
    const { fee, pnl } = settleFill(o, px, lots, maker, trade.tradeId, this.account, this.opts, now);
    const full = o.quoteSz === undefined && remainingLots(o) <= 0;
    o.state = full ? "filled" : "partially_filled";
    o.uTime = now;
    const info: FillInfo = { px, lots, tradeId: trade.tradeId, ts: now, fee, pnl, execType: maker ? "M" : "T" };
    o.lastFill = info;
    const record: FillRecord = { o, info, billId: String(++this.billSeq) };
    this.fills.push(record);
    if (this.fills.length > KEEP_FILLS) this.fills.splice(0, this.fills.length - KEEP_FILLS);
    for (const l of this.listeners) l.fill?.(record);
    if (full) {
      releaseAll(o, this.account, now);
      this.open.delete(o.ordId);
    }
    this.emit(o, info);
    const ccys = o.inst.instType === "SPOT" ? [o.inst.baseCcy, o.inst.quoteCcy] : [o.inst.quoteCcy];
    this.emitAccount({
      eventType: "filled",
      ccys,
      instIds: o.inst.instType === "SWAP" ? [o.inst.instId] : [],
      trades: [{ instId: o.inst.instId, tradeId: trade.tradeId }],
    });
  }

  private finish(o: SimOrder, state: "filled" | "canceled", source: string, now: number): void {
    o.state = state;
    o.cancelSource = source;
    o.uTime = now;
    const hadFrozen = o.frozen > 0;
    releaseAll(o, this.account, now);
    this.open.delete(o.ordId);
    this.emit(o);
    if (hadFrozen) this.emitAccount({ eventType: "order", ccys: [o.frozenCcy], instIds: [], trades: [] });
  }

  cancel(raw: unknown, now: number): OrderOpResult {
    const ref = parseRef(raw, this.instruments);
    const a = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const base = { ordId: str(a.ordId) ?? "", clOrdId: str(a.clOrdId) ?? "", ts: String(now) };
    if (isItemError(ref)) return { ...base, ...ref };
    const o = this.find(ref);
    if (!o) return { ...base, ...itemError("51400") };
    const ids = { ordId: o.ordId, clOrdId: o.clOrdId, ts: String(now) };
    if (o.state === "canceled" || o.state === "mmp_canceled") return { ...ids, ...itemError("51401") };
    if (o.state === "filled") return { ...ids, ...itemError("51402") };
    o.code = "0";
    o.msg = "";
    this.finish(o, "canceled", CANCEL.user, now);
    return { ...ids, sCode: "0", sMsg: "" };
  }

  amend(raw: unknown, now: number): OrderOpResult {
    const a = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const reqId = str(a.reqId) ?? "";
    const base = { ordId: str(a.ordId) ?? "", clOrdId: str(a.clOrdId) ?? "", reqId, ts: String(now) };
    const ref = parseRef(raw, this.instruments);
    if (isItemError(ref)) return { ...base, ...ref };
    const newSzStr = str(a.newSz);
    const newPxStr = str(a.newPx);
    if (newSzStr === undefined && newPxStr === undefined) return { ...base, ...itemError("51500") };
    const o = this.find(ref);
    if (!o) return { ...base, ...itemError("51503") };
    const ids = { ordId: o.ordId, clOrdId: o.clOrdId, reqId, ts: String(now) };
    if (o.state === "canceled" || o.state === "mmp_canceled") return { ...ids, ...itemError("51509") };
    if (o.state === "filled") return { ...ids, ...itemError("51510") };
    const failed = (e: ItemError): OrderOpResult => {
      if (bool(a.cxlOnFail)) this.finish(o, "canceled", CANCEL.user, now);
      return { ...ids, ...e };
    };
    const newLots = newSzStr === undefined ? o.lots : strToUnits(newSzStr, o.inst.szDec);
    if (newLots === undefined || newLots <= o.filledLots) return failed(itemError("51000", "newSz"));
    const newPx = newPxStr === undefined ? o.px : strToUnits(newPxStr, o.inst.pxDec);
    if (newPx === undefined || newPx <= 0) return failed(itemError("51000", "newPx"));
    const m = this.market.get(o.inst.instId)!;
    const opp = m.book.best(o.side === "buy" ? "asks" : "bids");
    if (o.ordType === "post_only" && opp !== undefined && (o.side === "buy" ? newPx >= opp : newPx <= opp))
      return failed(itemError("51511"));
    // Re-reserve for the new size and price.
    const n = need({ ...o, px: newPx, lots: newLots - o.filledLots }, m, o.lever ?? this.account.lever(o.inst.instId));
    if (n.freeze - o.frozen > 0 && this.account.available(n.ccy) + 1e-9 < n.freeze - o.frozen)
      return failed(itemError("51502"));
    releaseAll(o, this.account, now);
    this.account.freeze(n.ccy, n.freeze, now);
    o.frozen = n.freeze;
    o.px = newPx;
    o.lots = newLots;
    if (newSzStr !== undefined) o.szStr = unitsToStr(newLots, o.inst.szDec);
    o.amendResult = "0";
    o.reqId = reqId;
    o.uTime = now;
    this.emit(o);
    o.amendResult = "";
    this.execute(o, m, now, true);
    return { ...ids, sCode: "0", sMsg: "" };
  }

  /**
   * Sets a swap's leverage (cross margin, net mode): its position's margin and what new orders
   * reserve follow it; resting orders keep what they reserved. Refused (59103) when the position's
   * margin at the new leverage would be more than the account has.
   */
  setLeverage(instId: string, lever: number): ItemError | null {
    const inst = this.instruments.get(instId);
    if (!inst) return itemError("51001");
    if (inst.instType !== "SWAP") return itemError("51000", "instId");
    if (lever > Number(inst.wire.lever || "100")) return itemError("59102");
    const before = this.account.lever(instId);
    this.account.setLever(instId, lever);
    if (lever < before && this.account.available(inst.quoteCcy) < -1e-9) {
      this.account.setLever(instId, before);
      return itemError("59103");
    }
    if (this.account.position(instId) !== 0)
      this.emitAccount({ eventType: "set_leverage", ccys: [inst.quoteCcy], instIds: [instId], trades: [] });
    return null;
  }

  /** Fills resting orders that the market now crosses, as maker, at their own price. */
  cross(m: InstrumentMarket, now: number): void {
    const resting = this.openOrders(m.inst.instId).filter((o) => o.px !== undefined);
    resting.sort((x, y) =>
      x.side === y.side ? (x.side === "buy" ? y.px! - x.px! : x.px! - y.px!) || x.seq - y.seq : 0,
    );
    for (const o of resting) {
      if (!isOpen(o)) continue;
      const side = o.side === "buy" ? "asks" : "bids";
      const fills = m.book.take(side, remainingLots(o), o.px);
      const lots = fills.reduce((s, f) => s + f.lots, 0);
      if (lots > 0) this.fill(o, m, o.px!, lots, true, now);
    }
  }

  private emit(o: SimOrder, fill?: FillInfo): void {
    const push = orderPush(o, fill);
    for (const l of this.listeners) l.order?.(push, o);
  }

  private emitAccount(c: AccountChange): void {
    for (const l of this.listeners) l.account?.(c);
  }

  private trim(): void {
    if (this.orders.size <= KEEP_CLOSED + this.open.size) return;
    for (const [id, o] of this.orders) {
      if (this.orders.size <= KEEP_CLOSED + this.open.size) break;
      if (!isOpen(o)) this.orders.delete(id);
    }
  }
}
