// Which channels exist, which URL serves them and what they need (login, instId, instType):
// turns a subscribe arg into a topic key or the OKX error code (OKX.md §1.2, §3.2).
import { isBusinessChannel, type WsChannelArg, type WsKind } from "../../okx/types.ts";
import { parseBar } from "../candles.ts";
import type { InstrumentTable } from "../instruments.ts";

export type ChannelClass = "market" | "private" | "business";

export interface ChannelSpec {
  key: string;
  cls: ChannelClass;
  channel: string;
  instId?: string;
}

export interface ChannelError {
  code: string;
  args: string[];
}

export const MARKET_CHANNELS = new Set([
  "tickers",
  "books",
  "books5",
  "bbo-tbt",
  "books-l2-tbt",
  "books50-l2-tbt",
  "trades",
  "mark-price",
  "funding-rate",
]);
export const BOOK_CHANNELS = new Set(["books", "books-l2-tbt", "books50-l2-tbt"]);
const LOGIN_MARKET = new Set(["books-l2-tbt", "books50-l2-tbt"]);
/** Channels only perpetual swaps have; another instId answers as an unknown one does (60018). */
const SWAP_ONLY = new Set(["funding-rate"]);
const PRIVATE = new Set(["orders", "positions", "account", "balance_and_position"]);
const INST_TYPES = new Set(["SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION", "ANY"]);

export function isChannelError(x: ChannelSpec | ChannelError): x is ChannelError {
  return "code" in x;
}

/**
 * Checks one subscribe arg on a connection of `kind`.
 * @example classify({ channel: "candle1m", instId: "BTC-USDT" }, "public", false, false, table) // { code: "64001" }
 */
export function classify(
  arg: WsChannelArg,
  kind: WsKind,
  loggedIn: boolean,
  lenient: boolean,
  table: InstrumentTable,
): ChannelSpec | ChannelError {
  const channel = arg.channel;
  const instId = typeof arg.instId === "string" ? arg.instId : "";
  const unknown: ChannelError = { code: "60018", args: [channel, instId] };
  const cls: ChannelClass | undefined = PRIVATE.has(channel)
    ? "private"
    : isBusinessChannel(channel)
      ? "business"
      : MARKET_CHANNELS.has(channel)
        ? "market"
        : undefined;
  if (!cls) return unknown;
  if (!lenient) {
    if (cls === "business" && kind !== "business") return { code: "64001", args: [] };
    if (cls !== "business" && kind === "business") return { code: "64002", args: [] };
    if (cls === "private" && kind === "public") return unknown;
  }
  if ((cls === "private" || LOGIN_MARKET.has(channel)) && !loggedIn) return { code: "60011", args: [] };
  if (cls === "private") {
    if (channel === "orders" || channel === "positions") {
      if (typeof arg.instType !== "string" || !INST_TYPES.has(arg.instType))
        return { code: "60018", args: [channel, String(arg.instType ?? "")] };
      if (arg.instId !== undefined && !table.get(String(arg.instId))) return unknown;
    }
    return { key: channel, cls, channel };
  }
  if (cls === "business") {
    const m = /^candle(.+)$/.exec(channel);
    if (!m || !parseBar(m[1]!)) return unknown;
  }
  const inst = table.get(instId);
  if (!inst || (SWAP_ONLY.has(channel) && inst.instType !== "SWAP")) return unknown;
  return { key: `${channel}:${instId}`, cls, channel, instId };
}

/** Whether a private push about `instType`/`instId` matches an orders/positions subscription. */
export function privateMatches(arg: WsChannelArg, instType: string, instId: string, instFamily: string): boolean {
  if (arg.instType && arg.instType !== "ANY" && arg.instType !== instType) return false;
  if (arg.instId && arg.instId !== instId) return false;
  if (arg.instFamily && arg.instFamily !== instFamily) return false;
  return true;
}
