// Matching rules and their effect on balances and positions, without sockets.
import { describe, expect, test } from "bun:test";
import type { OrderPush } from "../okx/types.ts";
import { Account } from "./account.ts";
import { InstrumentTable } from "./instruments.ts";
import { Market } from "./market.ts";
import { Matcher } from "./matching.ts";
import { unitsToStr } from "./num.ts";
import { resolveOptions } from "./options.ts";

function setup() {
  const opts = resolveOptions({ seed: 3, balances: { USDT: 100_000, BTC: 1 } });
  const table = new InstrumentTable(opts.instruments, opts.startPrices);
  const market = new Market(table, opts);
  const account = new Account(table, market, opts);
  const matcher = new Matcher(table, market, account, opts);
  const pushes: OrderPush[] = [];
  matcher.on({ order: (p) => pushes.push(p) });
  const m = market.get("BTC-USDT")!;
  const px = (ticks: number) => unitsToStr(ticks, 1);
  return { opts, table, market, account, matcher, pushes, m, px };
}

describe("matcher", () => {
  test("limit buy below the market rests and freezes quote", () => {
    const { matcher, account, m, px, pushes } = setup();
    const bid = m.book.best("bids")!;
    const r = matcher.place(
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.1", px: px(bid - 100) },
      1,
    );
    expect(r.sCode).toBe("0");
    expect(pushes.map((p) => p.state)).toEqual(["live"]);
    expect(account.available("USDT")).toBeCloseTo(100_000 - ((bid - 100) / 10) * 0.1, 6);
    expect(matcher.cancel({ instId: "BTC-USDT", ordId: r.ordId }, 2).sCode).toBe("0");
    expect(account.available("USDT")).toBeCloseTo(100_000, 6);
    expect(matcher.cancel({ instId: "BTC-USDT", ordId: r.ordId }, 3).sCode).toBe("51401");
  });

  test("market buy in quote currency fills, pays the fee in base", () => {
    const { matcher, account, pushes } = setup();
    const r = matcher.place({ instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "market", sz: "1000" }, 1);
    expect(r.sCode).toBe("0");
    const last = pushes[pushes.length - 1]!;
    expect(last.state).toBe("filled");
    expect(Number(last.fee)).toBeLessThan(0);
    expect(last.feeCcy).toBe("BTC");
    expect(account.cash("USDT")).toBeGreaterThan(100_000 - 1000 - 1);
    expect(account.cash("USDT")).toBeLessThanOrEqual(100_000 - 990);
    expect(account.cash("BTC")).toBeGreaterThan(1);
  });

  test("crossing limit fills as taker; post_only that would cross is canceled; fok without depth is canceled", () => {
    const { matcher, m, px, pushes } = setup();
    const ask = m.book.best("asks")!;
    matcher.place(
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "post_only", sz: "0.01", px: px(ask) },
      1,
    );
    expect(pushes[pushes.length - 1]!.state).toBe("canceled");
    matcher.place(
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "fok", sz: "1", px: px(m.book.best("asks")!) },
      1,
    );
    expect(pushes[pushes.length - 1]!.state).toBe("canceled");
    expect(pushes[pushes.length - 1]!.accFillSz).toBe("0");
    const avail = m.book.available("asks", m.book.best("asks")!);
    const r = matcher.place(
      {
        instId: "BTC-USDT",
        tdMode: "cash",
        side: "buy",
        ordType: "ioc",
        sz: unitsToStr(avail + 1000, 8),
        px: px(m.book.best("asks")!),
      },
      1,
    );
    expect(r.sCode).toBe("0");
    const states = pushes.filter((p) => p.ordId === r.ordId).map((p) => p.state);
    expect(states[0]).toBe("partially_filled");
    expect(states[states.length - 1]).toBe("canceled");
  });

  test("resting order fills when the walk crosses it", () => {
    const { matcher, market, m, px, pushes, account } = setup();
    const bid = m.book.best("bids")!;
    const r = matcher.place(
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.001", px: px(bid - 50) },
      1,
    );
    market.setPrice("BTC-USDT", (bid - 500) / 10);
    for (let i = 0; i < 5; i++) {
      market.step(10 + i);
      matcher.cross(m, 10 + i);
    }
    const mine = pushes.filter((p) => p.ordId === r.ordId);
    expect(mine[mine.length - 1]!.state).toBe("filled");
    expect(mine[mine.length - 1]!.execType).toBe("M");
    expect(mine[mine.length - 1]!.fillPx).toBe(px(bid - 50));
    expect(account.cash("BTC")).toBeCloseTo(1 + 0.001 * (1 - 0.0008), 10);
  });

  test("errors: duplicate clOrdId, insufficient balance, lot size, unknown instrument", () => {
    const { matcher, m, px } = setup();
    const bid = m.book.best("bids")!;
    const a = {
      instId: "BTC-USDT",
      tdMode: "cash",
      side: "buy",
      ordType: "limit",
      sz: "0.01",
      px: px(bid - 100),
      clOrdId: "abc1",
    };
    expect(matcher.place(a, 1).sCode).toBe("0");
    expect(matcher.place(a, 1).sCode).toBe("51016");
    expect(matcher.place({ ...a, clOrdId: "", sz: "100" }, 1).sCode).toBe("51008");
    expect(matcher.place({ ...a, clOrdId: "", sz: "0.000000001" }, 1).sCode).toBe("51121");
    expect(matcher.place({ ...a, instId: "NOPE-USDT" }, 1).sCode).toBe("51001");
    expect(matcher.place({ ...a, clOrdId: "", side: "sell", sz: "2" }, 1).sCode).toBe("51008");
  });

  test("swap: open long, close with profit, position and pnl follow; each closing fill says what it realized", () => {
    const { matcher, account, market, pushes, m: _m } = setup();
    const sw = market.get("BTC-USDT-SWAP")!;
    expect(
      matcher.place({ instId: "BTC-USDT-SWAP", tdMode: "cross", side: "buy", ordType: "market", sz: "10" }, 1).sCode,
    ).toBe("0");
    expect(account.position("BTC-USDT-SWAP")).toBeCloseTo(10, 9);
    const opening = pushes.filter((p) => p.tradeId !== "");
    expect(opening.length).toBeGreaterThan(0);
    for (const p of opening) expect(Number(p.fillPnl)).toBe(0); // an opening fill realizes nothing
    const entry = Number(opening.at(-1)!.avgPx);
    pushes.length = 0;
    const before = account.cash("USDT");
    market.setPrice("BTC-USDT-SWAP", sw.midPx() + 1000);
    for (let i = 0; i < 3; i++) market.step(i);
    const r = matcher.place(
      { instId: "BTC-USDT-SWAP", tdMode: "cross", side: "sell", ordType: "market", sz: "10", reduceOnly: true },
      2,
    );
    expect(r.sCode).toBe("0");
    expect(account.position("BTC-USDT-SWAP")).toBeCloseTo(0, 9);
    expect(account.cash("USDT")).toBeGreaterThan(before + 90);
    // Each closing fill: (its price - the entry) x its size x the contract's value.
    const closing = pushes.filter((p) => p.tradeId !== "");
    expect(closing.length).toBeGreaterThan(0);
    for (const p of closing)
      expect(Number(p.fillPnl)).toBeCloseTo((Number(p.fillPx) - entry) * Number(p.fillSz) * sw.inst.ctVal, 6);
    const realized = closing.reduce((s, p) => s + Number(p.fillPnl), 0);
    const fees = closing.reduce((s, p) => s + Number(p.fillFee), 0);
    expect(account.cash("USDT") - before).toBeCloseTo(realized + fees, 6);
    expect(
      matcher.place(
        { instId: "BTC-USDT-SWAP", tdMode: "cross", side: "sell", ordType: "market", sz: "1", reduceOnly: "true" },
        3,
      ).sCode,
    ).toBe("51169");
    expect(
      matcher.place({ instId: "BTC-USDT-SWAP", tdMode: "cash", side: "sell", ordType: "market", sz: "1" }, 3).sCode,
    ).toBe("51000");
  });

  test("a swap position's realizedPnl: fees and closing fills since it was opened; a position opened again starts at 0", () => {
    const { matcher, account, market, pushes } = setup();
    const sw = market.get("BTC-USDT-SWAP")!;
    const realized = () => Number(account.positionRows({ instIds: ["BTC-USDT-SWAP"] }, 0)[0]!.realizedPnl);
    const sum = (f: (p: (typeof pushes)[number]) => string) =>
      pushes.filter((p) => p.tradeId !== "").reduce((s, p) => s + Number(f(p)), 0);
    const trade = (side: "buy" | "sell", sz: string, reduceOnly = false) =>
      matcher.place({ instId: "BTC-USDT-SWAP", tdMode: "cross", side, ordType: "market", sz, reduceOnly }, 1);
    trade("buy", "10");
    expect(realized()).toBeCloseTo(
      sum((p) => p.fillFee),
      9,
    ); // the opening fees
    expect(realized()).toBeLessThan(0);
    market.setPrice("BTC-USDT-SWAP", sw.midPx() + 500);
    for (let i = 0; i < 3; i++) market.step(i);
    trade("sell", "4", true);
    expect(realized()).toBeCloseTo(sum((p) => p.fillFee) + sum((p) => p.fillPnl), 9);
    expect(realized()).toBeGreaterThan(0); // 4 sold 500 higher
    trade("sell", "6", true);
    pushes.length = 0;
    trade("buy", "1"); // opened again: only its own fee
    expect(realized()).toBeCloseTo(
      sum((p) => p.fillFee),
      9,
    );
  });

  test("amend changes price and size; amend of an unknown order fails", () => {
    const { matcher, m, px, pushes } = setup();
    const bid = m.book.best("bids")!;
    const r = matcher.place(
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.01", px: px(bid - 100) },
      1,
    );
    const a = matcher.amend(
      { instId: "BTC-USDT", ordId: r.ordId, newSz: "0.02", newPx: px(bid - 200), reqId: "r1" },
      2,
    );
    expect(a).toMatchObject({ sCode: "0", reqId: "r1" });
    const last = pushes[pushes.length - 1]!;
    expect(last).toMatchObject({ sz: "0.02", px: px(bid - 200), amendResult: "0", reqId: "r1", state: "live" });
    expect(matcher.amend({ instId: "BTC-USDT", ordId: "1", newSz: "1" }, 3).sCode).toBe("51503");
    expect(matcher.amend({ instId: "BTC-USDT", ordId: r.ordId }, 3).sCode).toBe("51500");
  });

  test("the random walk alone eventually crosses an order placed at the best bid", () => {
    const { matcher, market, m, px, pushes } = setup();
    const r = matcher.place(
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.001", px: px(m.book.best("bids")!) },
      1,
    );
    for (let i = 0; i < 20_000 && pushes[pushes.length - 1]!.state !== "filled"; i++) {
      market.step(i);
      matcher.cross(m, i);
    }
    expect(pushes.filter((p) => p.ordId === r.ordId).pop()!.state).toBe("filled");
  });
});
