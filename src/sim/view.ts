// Read-only views of the market in OKX shapes, shared by REST answers and WS pushes: the public
// book (synthetic liquidity plus resting user orders), tickers and trades.
import type { BookLevel, Ticker, Trade } from "../okx/types.ts";
import type { Level } from "./book.ts";
import type { InstrumentMarket, PublicTrade } from "./market.ts";
import type { Matcher } from "./matching.ts";
import { unitsToStr } from "./num.ts";
import { remainingLots } from "./orders.ts";

export interface DisplayBook {
  /** Best first. */
  bids: Level[];
  asks: Level[];
}

/** The book a client sees: synthetic levels merged with the resting user orders, `depth` per side. */
export function displayBook(m: InstrumentMarket, matcher: Matcher, depth: number): DisplayBook {
  const own = matcher.openOrders(m.inst.instId);
  if (own.length === 0)
    return { bids: m.book.bids.slice(0, depth).map(copy), asks: m.book.asks.slice(0, depth).map(copy) };
  const side = (levels: Level[], s: "buy" | "sell", desc: boolean): Level[] => {
    const map = new Map<number, Level>();
    for (const l of levels) map.set(l[0], copy(l));
    for (const o of own) {
      if (o.side !== s || o.px === undefined) continue;
      const l = map.get(o.px);
      if (l) {
        l[1] += remainingLots(o);
        l[2] += 1;
      } else map.set(o.px, [o.px, remainingLots(o), 1]);
    }
    return [...map.values()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).slice(0, depth);
  };
  return { bids: side(m.book.bids, "buy", true), asks: side(m.book.asks, "sell", false) };
}

function copy(l: Level): Level {
  return [l[0], l[1], l[2]];
}

export function fmtLevels(m: InstrumentMarket, levels: Level[]): BookLevel[] {
  return levels.map((l) => [unitsToStr(l[0], m.inst.pxDec), unitsToStr(l[1], m.inst.szDec), "0", String(l[2])]);
}

export function ticker(m: InstrumentMarket, book: DisplayBook, now: number): Ticker {
  const px = (t: number) => unitsToStr(t, m.inst.pxDec);
  const sz = (l: number) => unitsToStr(l, m.inst.szDec);
  const b = book.bids[0];
  const a = book.asks[0];
  const spot = m.inst.instType === "SPOT";
  // vol24h: base (spot) or contracts; volCcy24h: quote (spot) or base (swaps).
  const volCcy = spot ? m.volQuote : m.volLots * 10 ** -m.inst.szDec * m.inst.ctVal;
  return {
    instType: m.inst.instType,
    instId: m.inst.instId,
    last: px(m.last.px),
    lastSz: sz(m.last.lots),
    askPx: a ? px(a[0]) : "",
    askSz: a ? sz(a[1]) : "",
    bidPx: b ? px(b[0]) : "",
    bidSz: b ? sz(b[1]) : "",
    open24h: px(m.open24h),
    high24h: px(m.high24h),
    low24h: px(m.low24h),
    volCcy24h: volCcy.toFixed(spot ? 2 : 4),
    vol24h: sz(m.volLots),
    sodUtc0: px(m.open24h),
    sodUtc8: px(m.open24h),
    ts: String(now),
  };
}

export function tradeRow(m: InstrumentMarket, t: PublicTrade): Trade {
  return {
    instId: t.instId,
    tradeId: t.tradeId,
    px: unitsToStr(t.px, m.inst.pxDec),
    sz: unitsToStr(t.lots, m.inst.szDec),
    side: t.side,
    ts: String(t.ts),
    count: "1",
  };
}
