import { expect, test } from "bun:test";
import type { StrategyView } from "../client/rest.ts";
import type { Position } from "../client/types.ts";
import {
  checkProtect,
  guardedHolding,
  guardedPosition,
  guardsOf,
  guardText,
  outcomeAt,
  pnlText,
  protectStrategy,
  trailStart,
} from "./protect.ts";

const R = { tickSz: 0.1, lotSz: 1, minSz: 1 };
const long = { side: "sell" as const, last: 43000, stopPx: "", takeProfitPx: "", trailPct: "", size: "3" };

test("a long's stop is under the last price and its take profit over; a short's the other way", () => {
  expect(checkProtect({ ...long, stopPx: "42000", takeProfitPx: "45000" }, R)).toEqual({});
  expect(checkProtect({ ...long, stopPx: "43500" }, R)).toEqual({
    stopPx: "a stop for a long is under the last price 43000",
  });
  expect(checkProtect({ ...long, takeProfitPx: "42000" }, R)).toEqual({
    takeProfitPx: "a take profit for a long is over the last price 43000",
  });
  const short = { ...long, side: "buy" as const };
  expect(checkProtect({ ...short, stopPx: "44000", takeProfitPx: "41000" }, R)).toEqual({});
  expect(checkProtect({ ...short, stopPx: "42000" }, R).stopPx).toBe("a stop for a short is over the last price 43000");
});

test("a trigger is needed, prices on the tick, the size on the lot", () => {
  expect(checkProtect(long, R)).toEqual({ stopPx: "set a stop loss, a take profit or a trailing stop" });
  expect(checkProtect({ ...long, trailPct: "1" }, R)).toEqual({});
  expect(checkProtect({ ...long, trailPct: "0" }, R)).toEqual({ trailPct: "a percent from 0.01 to 50" });
  expect(checkProtect({ ...long, trailPct: "x" }, R).trailPct).toBe("a percent from 0.01 to 50");
  expect(checkProtect({ ...long, stopPx: "42000.05", size: "1.5" }, R)).toEqual({
    stopPx: "px must be a multiple of 0.1",
    size: "sz must be a multiple of 1",
  });
  expect(checkProtect({ ...long, takeProfitPx: "45000", size: "" }, R)).toEqual({ size: "required" });
});

test("the strategy: the closing side and size, the prices given, limits for that size alone", () => {
  expect(protectStrategy("BTC-USDT-SWAP", { ...long, stopPx: "42000" }, 0.01)).toEqual({
    name: "TP/SL BTC-USDT-SWAP",
    kind: "stop",
    instruments: ["BTC-USDT-SWAP"],
    params: { side: "sell", size: 3, stopPx: 42000 },
    limits: { maxPosition: 3, maxOrderNotional: 3870 },
  });
  expect(protectStrategy("BTC-USDT-SWAP", { ...long, trailPct: "1.5" }, 0.01).params).toEqual({
    side: "sell",
    size: 3,
    trailPct: 1.5,
  });
  // All of the position: its size follows the position (the stop's entirePosition).
  expect(protectStrategy("BTC-USDT-SWAP", { ...long, stopPx: "42000", entire: true }, 0.01).params).toEqual({
    side: "sell",
    size: 3,
    stopPx: 42000,
    entirePosition: true,
  });
});

test("a trailing stop starts behind the last on the tick grid, or at a stop given nearer the market", () => {
  expect(trailStart("sell", 43000, "1", "", 0.1)).toBeCloseTo(42570, 9);
  expect(trailStart("sell", 43000.05, "1", "", 0.1)).toBeCloseTo(42570, 9); // 42570.0495 rounded down
  expect(trailStart("buy", 43000.05, "1", "", 0.1)).toBeCloseTo(43430.1, 9); // 43430.0505 rounded up
  expect(trailStart("sell", 43000, "1", "42800", 0.1)).toBe(42800);
  expect(trailStart("buy", 43000, "1", "43100", 0.1)).toBe(43100);
  expect(trailStart("sell", 43000, "", "", 0.1)).toBeNull();
  expect(trailStart("sell", 43000, "60", "", 0.1)).toBeNull();
});

test("guards: the running or starting stops, each with its instrument", () => {
  const v = (id: string, kind: string, instId: string, state: string, params: object) =>
    ({ id, kind, instruments: [instId], state, params }) as unknown as StrategyView;
  const list = [
    v("a", "stop", "BTC-USDT-SWAP", "running", { side: "sell", size: 3, stopPx: 42000 }),
    v("b", "stop", "BTC-USDT-SWAP", "stopped", { side: "sell", size: 3, stopPx: 41000 }),
    v("c", "grid", "BTC-USDT-SWAP", "running", { size: 1 }),
    v("d", "stop", "ETH-USDT-SWAP", "running", { side: "sell", size: 1, stopPx: 2000 }),
    v("e", "stop", "BTC-USDT-SWAP", "starting", { side: "buy", size: 1, takeProfitPx: 45000 }),
    v("f", "stop", "BTC-USDT-SWAP", "running", { side: "sell", size: 2, stopPx: 41000, trailPct: 1 }),
  ];
  expect(guardsOf(list)).toEqual([
    { id: "a", instId: "BTC-USDT-SWAP", side: "sell", size: 3, stopPx: 42000 },
    { id: "d", instId: "ETH-USDT-SWAP", side: "sell", size: 1, stopPx: 2000 },
    { id: "e", instId: "BTC-USDT-SWAP", side: "buy", size: 1, takeProfitPx: 45000 },
    { id: "f", instId: "BTC-USDT-SWAP", side: "sell", size: 2, stopPx: 41000, trailPct: 1 },
  ]);
});

test("the outcome at a price: its distance from the last, and the PnL of closing there against the entry", () => {
  const long = { side: "sell" as const, last: 43000, avgPx: 42000, size: 3, ctVal: 0.01 };
  const at = outcomeAt("41580", long)!;
  expect(at.pct).toBeCloseTo(-3.302, 3);
  expect(at.pnl).toBeCloseTo(-12.6, 9); // (41580 - 42000) x 3 contracts x 0.01 BTC
  const short = { ...long, side: "buy" as const };
  expect(outcomeAt("41580", short)!.pnl).toBeCloseTo(12.6, 9);
  expect(outcomeAt("", long)).toBeNull();
  expect(outcomeAt("abc", long)).toBeNull();
});

test("what a TP/SL guards: a position (closed by the other side, with its entry) or a spot holding (what is available, on the lot)", () => {
  const p = { instId: "BTC-USDT-SWAP", posSide: "net", pos: "-3", avgPx: "43000.5", markPx: "43010", mgnMode: "cross" };
  expect(guardedPosition(p as Position)).toEqual({
    instId: "BTC-USDT-SWAP",
    side: "buy",
    size: "3",
    entry: 43000.5,
    markPx: "43010",
    what: "short position",
    spot: false,
  });
  const lot = { tickSz: 0.1, lotSz: 0.0001, minSz: 0.001 };
  expect(guardedHolding("BTC", "1.23456789", "BTC-USDT", lot)).toEqual({
    instId: "BTC-USDT",
    side: "sell",
    size: "1.2345",
    what: "BTC holding",
    spot: true,
  });
  expect(guardedHolding("BTC", "0.0009", "BTC-USDT", lot)).toBeNull(); // under the minimum
  expect(guardedHolding("BTC", "0", "BTC-USDT", lot)).toBeNull();
});

test("a guard in a few characters", () => {
  const g = { id: "a", instId: "X", side: "sell" as const, size: 1 };
  expect(guardText({ ...g, stopPx: 42000, takeProfitPx: 45000 })).toBe("SL 42000 · TP 45000");
  expect(guardText({ ...g, stopPx: 42000, trailPct: 1 })).toBe("SL 42000 trail 1%");
  expect(guardText({ ...g, trailPct: 1 })).toBe("SL trail 1%"); // before its first stop is kept
  expect(guardText({ ...g, takeProfitPx: 45000 })).toBe("TP 45000");
  expect(guardText({ ...g, stopPx: 42000 }, 3)).toBe("SL 42000 · 1 of 3"); // the position grew since
  expect(guardText({ ...g, stopPx: 42000 }, 1)).toBe("SL 42000");
  expect(guardText({ ...g, stopPx: 42000, entire: true }, 3)).toBe("SL 42000"); // it follows the position
  expect(guardText({ ...g, stopPx: 42000, entryPx: 43000 }, 3)).toBe("SL 42000 · on entry 1 at 43000");
});

test("a limit order's TP/SL is checked against its price, and its stop places the order (entryPx)", () => {
  const entry = { ...long, entryPx: "42000" };
  expect(checkProtect({ ...entry, stopPx: "41000", takeProfitPx: "42500" }, R)).toEqual({});
  expect(checkProtect({ ...entry, stopPx: "42500" }, R)).toEqual({
    stopPx: "a stop for a long is under the entry price 42000",
  });
  expect(checkProtect({ ...entry, takeProfitPx: "41500" }, R).takeProfitPx).toBe(
    "a take profit for a long is over the entry price 42000",
  );
  const s = protectStrategy("BTC-USDT-SWAP", { ...entry, stopPx: "41000" }, 0.01);
  expect(s.params).toEqual({ side: "sell", size: 3, stopPx: 41000, entryPx: 42000 });
  expect(s.limits).toEqual({ maxPosition: 3, maxOrderNotional: 3870 }); // at the higher of last and entry
});

test("a PnL in words in its quote currency; none for an inverse (USD-quoted) contract or an unknown one", () => {
  expect(pnlText({ pnl: -7.4 }, "BTC-USDT-SWAP")).toBe("PnL -7.40 USDT");
  expect(pnlText({ pnl: 12 }, "BTC-USDC")).toBe("PnL 12.00 USDC");
  expect(pnlText({ pnl: 12 }, "BTC-USD-SWAP")).toBeNull();
  expect(pnlText({ pnl: Number.NaN }, "BTC-USDT")).toBeNull();
  expect(pnlText(null, "BTC-USDT")).toBeNull();
});
