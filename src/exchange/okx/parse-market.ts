// Pure parsers for OKX public pushes (tickers, trades, candles, funding, order-book messages) into
// tradewire's normalized values (src/domain/events.ts). Throw MalformedError on bad input.
import type { Candle, Funding, Normalized, Ticker, Trade } from "../../domain/events.ts";
import { instIdOf, int, MalformedError, ms, ne, obj, os, s, side } from "./parse-fields.ts";
import type { Obj } from "./parse-frame.ts";

export function parseTicker(item: unknown, arg: Obj): Ticker {
  const o = obj(item, "ticker");
  return {
    instId: instIdOf(o, arg),
    last: s(o, "last"),
    lastSz: s(o, "lastSz"),
    bidPx: s(o, "bidPx"),
    bidSz: s(o, "bidSz"),
    askPx: s(o, "askPx"),
    askSz: s(o, "askSz"),
    open24h: s(o, "open24h"),
    high24h: s(o, "high24h"),
    low24h: s(o, "low24h"),
    vol24h: s(o, "vol24h"),
    volCcy24h: s(o, "volCcy24h"),
    ts: ms(o, "ts"),
  };
}

export function parseTrade(item: unknown, arg: Obj): Trade {
  const o = obj(item, "trade");
  return {
    instId: instIdOf(o, arg),
    tradeId: ne(o, "tradeId"),
    px: ne(o, "px"),
    sz: ne(o, "sz"),
    side: side(o),
    ts: ms(o, "ts"),
  };
}

/** A `funding-rate` push item (perpetual swaps). */
export function parseFunding(item: unknown, arg: Obj): Funding {
  const o = obj(item, "funding");
  const fundingRate = ne(o, "fundingRate");
  if (!Number.isFinite(Number(fundingRate))) throw new MalformedError("fundingRate: not a number");
  return {
    instId: instIdOf(o, arg),
    fundingRate,
    fundingTime: ms(o, "fundingTime"),
    nextFundingTime: ms(o, "nextFundingTime"),
    settFundingRate: os(o, "settFundingRate"),
    ts: ms(o, "ts"),
  };
}

/** A candle row `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]` of channel `candle<bar>`. */
export function parseCandle(row: unknown, arg: Obj): Candle {
  if (!Array.isArray(row) || row.length < 7 || !row.every((x) => typeof x === "string")) {
    throw new MalformedError("candle: expected a row of at least 7 strings");
  }
  const channel = String(arg.channel ?? "");
  const r = row as string[];
  const ts = Number(r[0]);
  if (!Number.isSafeInteger(ts) || r[0] === "") throw new MalformedError("candle: bad ts");
  return {
    instId: instIdOf({}, arg),
    bar: channel.startsWith("candle") ? channel.slice(6) : channel,
    ts,
    o: r[1]!,
    h: r[2]!,
    l: r[3]!,
    c: r[4]!,
    vol: r[5]!,
    volCcy: r[6]!,
    confirmed: r[8] === "1",
  };
}

/** [price, size, orders] as received (strings kept byte for byte, for the checksum). */
export type RawLevel = [px: string, sz: string, orders: string];

/** One order-book message, before it meets the local book. */
export interface BookMsg {
  instId: string;
  /** "snapshot" | "update"; books5/bbo-tbt pushes have none and are full snapshots. */
  action: "snapshot" | "update";
  asks: RawLevel[];
  bids: RawLevel[];
  ts: number;
  /** null when the channel sends none (books5 may). */
  seqId: number | null;
  prevSeqId: number | null;
  /** 0 = not sent / deprecated (OKX.md §4.2): do not verify. */
  checksum: number;
}

function levels(v: unknown, what: string): RawLevel[] {
  if (!Array.isArray(v)) throw new MalformedError(`${what}: expected an array`);
  return v.map((l) => {
    if (
      !Array.isArray(l) ||
      l.length < 2 ||
      typeof l[0] !== "string" ||
      typeof l[1] !== "string" ||
      l[0] === "" ||
      l[1] === ""
    ) {
      throw new MalformedError(`${what}: bad level`);
    }
    return [l[0], l[1], typeof l[3] === "string" ? l[3] : "0"];
  });
}

export function parseBookMsg(item: unknown, arg: Obj, action: string | null): BookMsg {
  const o = obj(item, "book");
  if (action !== null && action !== "snapshot" && action !== "update")
    throw new MalformedError(`book: unknown action ${action}`);
  const has = (k: string) => o[k] !== undefined && o[k] !== null;
  return {
    instId: instIdOf({}, arg),
    action: action ?? "snapshot",
    asks: levels(o.asks, "asks"),
    bids: levels(o.bids, "bids"),
    ts: ms(o, "ts"),
    seqId: has("seqId") ? int(o, "seqId") : null,
    prevSeqId: has("prevSeqId") ? int(o, "prevSeqId") : null,
    checksum: has("checksum") ? int(o, "checksum") : 0,
  };
}

/** Normalized events of a tickers / trades / funding-rate / candle* push (one per data item). */
export function parseMarketPush(channel: string, arg: Obj, data: unknown[]): Normalized[] {
  if (channel === "tickers") {
    return data.map((d) => {
      const t = parseTicker(d, arg);
      return { type: "ticker", channel: `tickers:${t.instId}`, data: t, exTs: t.ts };
    });
  }
  if (channel === "trades" || channel === "trades-all") {
    return data.map((d) => {
      const t = parseTrade(d, arg);
      return { type: "trade", channel: `trades:${t.instId}`, data: t, exTs: t.ts };
    });
  }
  if (channel === "funding-rate") {
    return data.map((d) => {
      const f = parseFunding(d, arg);
      return { type: "funding", channel: `funding:${f.instId}`, data: f, exTs: f.ts };
    });
  }
  if (channel.startsWith("candle")) {
    return data.map((d) => {
      const c = parseCandle(d, arg);
      return { type: "candle", channel: `candles:${c.instId}`, data: c };
    });
  }
  throw new MalformedError(`unexpected market channel ${channel}`);
}
