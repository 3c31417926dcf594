import { expect, test } from "bun:test";
import type { Order } from "../../domain/events.ts";
import grid, { counterOrder, type GridLogic, initialLevels, levelPrice } from "./grid.ts";
import { RecordingContext } from "./recording-context.ts";

const BTC = { instId: "BTC-USDT", instType: "SPOT", ctVal: 1, minSz: 0.0001, lotSz: 0.0001, tickSz: 0.1 };
const order = (clOrdId: string, state: Order["state"]): Order =>
  ({
    ordId: "1",
    clOrdId,
    instId: "BTC-USDT",
    instType: "SPOT",
    side: "buy",
    ordType: "limit",
    tdMode: "cash",
    posSide: "",
    px: "0",
    sz: "0",
    state,
    accFillSz: "0",
    avgPx: "",
    fillPx: "",
    fillSz: "",
    fillTime: null,
    tradeId: "",
    execType: "",
    fee: "0",
    feeCcy: "",
    reduceOnly: false,
    cTime: 0,
    uTime: 0,
  }) as Order;
const start = (params: Record<string, unknown>) => {
  const ctx = new RecordingContext(["BTC-USDT"], { "BTC-USDT": BTC });
  const p = grid.params.parse(params);
  const logic = grid.create(ctx, p) as GridLogic;
  return { ctx, logic };
};

test("lattice prices: buys rounded down, sells up, on the tick", () => {
  expect(levelPrice(40000, 0.1, -1, "buy", 0.1)).toBeCloseTo(39960, 6);
  expect(levelPrice(40000.05, 0.1, 1, "sell", 0.1)).toBeCloseTo(40040.1, 6);
  expect(levelPrice(100, 1, -2, "buy", 0.01)).toBeCloseTo(98, 6);
  expect(counterOrder("buy", -2)).toEqual({ side: "sell", level: -1 });
  expect(counterOrder("sell", 1)).toEqual({ side: "buy", level: 0 });
  expect(initialLevels(2)).toEqual([
    { side: "buy", level: -1 },
    { side: "sell", level: 1 },
    { side: "buy", level: -2 },
    { side: "sell", level: 2 },
  ]);
});

test("params: defaults filled in, size required, unknown fields refused", () => {
  expect(grid.params.parse({ size: 0.01 })).toEqual({ levels: 5, spacingPct: 0.1, size: 0.01 });
  expect(grid.params.safeParse({}).success).toBe(false);
  expect(grid.params.safeParse({ size: 1, levels: 0 }).success).toBe(false);
  expect(grid.params.safeParse({ size: 1, colour: "red" }).success).toBe(false);
});

test("lays the grid around the mid at the first ticker, once", () => {
  const { ctx, logic } = start({ size: 0.01, levels: 2, spacingPct: 0.5 });
  logic.onStart();
  expect(ctx.placed).toEqual([]);
  logic.onTicker(ctx.setTicker("BTC-USDT", 39990, 40010));
  logic.onTicker(ctx.setTicker("BTC-USDT", 39990, 40010));
  expect(ctx.placed.map((o) => `${o.side} ${o.px} ${o.sz} ${o.ordType}`)).toEqual([
    "buy 39800.0 0.0100 limit",
    "sell 40200.0 0.0100 limit",
    "buy 39600.0 0.0100 limit",
    "sell 40400.0 0.0100 limit",
  ]);
});

test("the grid's centre is logged as a price, without floating-point noise", () => {
  const { ctx, logic } = start({ size: 0.01, levels: 1, spacingPct: 0.5 });
  logic.onTicker(ctx.setTicker("BTC-USDT", 43050.6, 43050.7)); // their mid is 43050.649999999994 in binary
  expect(ctx.logs.find((l) => l.startsWith("laying"))).toBe("laying 1 levels each side of 43050.65 every 0.5%");
});

test("a filled buy is replaced by a sell one level up; a filled sell by a buy one level down", () => {
  const { ctx, logic } = start({ size: 0.01, levels: 2, spacingPct: 0.5, center: 40000 });
  logic.onTicker(ctx.setTicker("BTC-USDT", 39990, 40010));
  const buy1 = ctx.placed[0]!;
  ctx.setTicker("BTC-USDT", 39700, 39710);
  logic.onOrder(order(buy1.clOrdId, "partially_filled"));
  expect(ctx.placed).toHaveLength(4);
  logic.onOrder(order(buy1.clOrdId, "filled"));
  expect(ctx.placed.at(-1)).toMatchObject({ side: "sell", px: "40000.0" }); // level 0, above the touch
  const sell0 = ctx.placed.at(-1)!;
  ctx.setTicker("BTC-USDT", 40050, 40060);
  logic.onOrder(order(sell0.clOrdId, "filled"));
  expect(ctx.placed.at(-1)).toMatchObject({ side: "buy", px: "39800.0" }); // back to level -1
  expect(logic.resting().map((r) => r.level)).toEqual([-2, -1, 1, 2]);
});

test("levels that would cross the touch, or beyond the grid, stay empty; refusals free the level", async () => {
  const { ctx, logic } = start({ size: 0.01, levels: 1, spacingPct: 0.5, center: 40000 });
  ctx.answer = (_o, clOrdId) =>
    ctx.placed.length === 1
      ? { ok: false, clOrdId, code: "risk_rejected", message: "max position" }
      : { ok: true, clOrdId, ordId: "9" };
  logic.onTicker(ctx.setTicker("BTC-USDT", 40250, 40260)); // the sell at 40200 would cross
  expect(ctx.placed.map((o) => o.side)).toEqual(["buy"]);
  expect(ctx.logs.some((l) => l.includes("would cross"))).toBe(true);
  await Bun.sleep(0);
  expect(logic.resting()).toEqual([]);
  expect(ctx.logs.at(-1)).toContain("refused: risk_rejected max position");
});

test("size applies live to new orders; an order the exchange cancels frees its level", () => {
  const { ctx, logic } = start({ size: 0.01, levels: 1, spacingPct: 0.5, center: 40000 });
  logic.onTicker(ctx.setTicker("BTC-USDT", 39990, 40010));
  logic.onParams({ size: 0.02, levels: 1, spacingPct: 0.5 });
  logic.onOrder(order(ctx.placed[0]!.clOrdId, "filled"));
  expect(ctx.placed.at(-1)).toMatchObject({ side: "sell", sz: "0.0200" });
  logic.onOrder(order(ctx.placed[1]!.clOrdId, "canceled"));
  expect(logic.resting().map((r) => r.level)).toEqual([0]);
});

test("a level's price in the log is written in the tick's decimals (no binary noise: 43046.600000000006)", () => {
  const { ctx, logic } = start({ size: 0.01, levels: 1, spacingPct: 0.01, center: 43042.25 });
  logic.onTicker(ctx.setTicker("BTC-USDT", 43050, 43051)); // the sell one level up would cross
  expect(ctx.logs.find((l) => l.includes("would cross"))).toContain("(sell 43046.6) would cross");
});
