import { expect, test } from "bun:test";
import type { Fill, Order, Position } from "../../domain/events.ts";
import { RecordingContext } from "./recording-context.ts";
import stop, { reached, type StopLogic } from "./stop.ts";

const BTC = { instId: "BTC-USDT", instType: "SPOT", ctVal: 1, minSz: 0.001, lotSz: 0.001, tickSz: 0.1 };
const SWAP = { instId: "BTC-USDT-SWAP", instType: "SWAP", ctVal: 0.01, minSz: 1, lotSz: 1, tickSz: 0.1 };
const fill = (clOrdId: string, sz: string, px: string): Fill => ({
  ordId: "1",
  clOrdId,
  instId: "BTC-USDT",
  tradeId: "1",
  side: "sell",
  fillPx: px,
  fillSz: sz,
  fee: "0",
  feeCcy: "USDT",
  execType: "T",
  ts: 0,
});
const ended = (clOrdId: string, state: Order["state"]) => ({ clOrdId, state }) as Order;
const start = (params: Record<string, unknown>, spec: typeof BTC = BTC, bid = 39999.9, ask = 40000.1) => {
  const ctx = new RecordingContext([spec.instId], { [spec.instId]: spec });
  const logic = stop.create(ctx, stop.params.parse(params)) as StopLogic;
  ctx.setTicker(spec.instId, bid, ask);
  logic.onStart();
  return { ctx, logic, tick: (b: number, a: number) => logic.onTicker(ctx.setTicker(spec.instId, b, a)) };
};
const shown = (ctx: RecordingContext) => ctx.placed.map((o) => `${o.side} ${o.sz} ${o.px} ${o.ordType}`);

test("params: a trigger is required, and a sell's stop is under its take profit (a buy's over)", () => {
  const bad = stop.params.safeParse({ side: "sell", size: 1 });
  expect(bad.success).toBe(false);
  expect(bad.error?.issues[0]).toMatchObject({
    path: ["stopPx"],
    message: "set a stop price, a take-profit price or a trailing stop",
  });
  const crossed = stop.params.safeParse({ side: "sell", size: 1, stopPx: 41000, takeProfitPx: 40000 });
  expect(crossed.error?.issues[0]?.path).toEqual(["takeProfitPx"]);
  expect(stop.params.safeParse({ side: "buy", size: 1, stopPx: 41000, takeProfitPx: 40000 }).success).toBe(true);
  expect(stop.params.safeParse({ side: "sell", size: 1, trailPct: 1 }).success).toBe(true);
  expect(stop.params.safeParse({ side: "sell", size: 1, trailPct: 0 }).error?.issues[0]?.path).toEqual(["trailPct"]);
  expect(stop.params.parse({ side: "sell", size: 1, stopPx: 1 })).toMatchObject({
    maxSlippagePct: 0.5,
    reduceOnly: true,
  });
});

test("reached: a sell's stop at or below, its take profit at or above; a buy the other way", () => {
  const sell = { side: "sell" as const, stopPx: 39000, takeProfitPx: 42000 };
  expect(reached(sell, 39500)).toBeNull();
  expect(reached(sell, 39000)).toBe("stop 39000");
  expect(reached(sell, 38000)).toBe("stop 39000");
  expect(reached(sell, 42000)).toBe("take profit 42000");
  const buy = { side: "buy" as const, stopPx: 42000, takeProfitPx: 39000 };
  expect(reached(buy, 41000)).toBeNull();
  expect(reached(buy, 42100)).toBe("stop 42000");
  expect(reached(buy, 38900)).toBe("take profit 39000");
  expect(reached({ side: "sell", stopPx: 39000 }, 45000)).toBeNull();
  expect(reached({ side: "sell", stopPx: 39000 }, Number.NaN)).toBeNull();
});

test("a sell stop waits above its price, then sells its size with IOCs until done, and stops itself", () => {
  const { ctx, logic, tick } = start({ side: "sell", size: 0.01, stopPx: 39000, maxSlippagePct: 0.5 });
  expect(ctx.logs[0]).toBe("armed: sell 0.01 BTC-USDT at stop <= 39000");
  expect(ctx.timers.map((t) => t.ms)).toEqual([500]);
  tick(39100, 39100.2);
  expect(ctx.placed).toHaveLength(0);
  tick(38999.9, 39000.1); // last 39000: reached
  expect(shown(ctx)).toEqual(["sell 0.010 38805.0 ioc"]); // the bid less 0.5%, on the tick (rounded up)
  expect(ctx.placed[0]!.reduceOnly).toBeUndefined(); // spot
  tick(38990, 38990.2);
  expect(ctx.placed).toHaveLength(1); // one order at a time
  const first = ctx.placed[0]!.clOrdId;
  logic.onFill(fill(first, "0.004", "38999.9"));
  logic.onOrder(ended(first, "canceled")); // the IOC filled 0.004, the rest canceled: the rest goes again
  expect(shown(ctx).at(-1)).toBe("sell 0.006 38795.1 ioc");
  tick(39500, 39500.2); // back above the stop: a fired stop goes on all the same
  const second = ctx.placed.at(-1)!.clOrdId;
  logic.onFill(fill(second, "0.006", "38989.9"));
  logic.onOrder(ended(second, "filled"));
  expect(ctx.finished).toBe("stop 39000: sold 0.01 BTC-USDT at 38993.9 on average");
  tick(38000, 38000.2);
  expect(ctx.placed).toHaveLength(2);
});

test("a buy's take profit below the market; reduce-only on a derivative", () => {
  const { ctx, tick } = start({ side: "buy", size: 3, takeProfitPx: 39000 }, SWAP);
  tick(38900, 38900.2);
  expect(ctx.placed.at(-1)).toMatchObject({
    instId: "BTC-USDT-SWAP",
    side: "buy",
    sz: "3",
    px: "39094.7", // the ask plus 0.5%, on the tick (rounded down)
    ordType: "ioc",
    reduceOnly: true,
  });
  const { ctx: open } = start({ side: "buy", size: 3, takeProfitPx: 39000, reduceOnly: false }, SWAP, 38900, 38900.2);
  expect(open.placed[0]!.reduceOnly).toBeUndefined();
});

test("a trigger already past at start fires at once (a stop resumed after the service was down)", () => {
  const { ctx } = start({ side: "sell", size: 0.01, stopPx: 41000 });
  expect(ctx.logs[1]).toBe("stop 41000 reached at 40000: selling 0.01");
  expect(shown(ctx)).toEqual(["sell 0.010 39800.0 ioc"]);
});

test("refusals: tried again no sooner than 2 s after each, given up after five in a row", async () => {
  const { ctx, logic } = start({ side: "sell", size: 0.01, stopPx: 41000 });
  ctx.answer = (_o, clOrdId) => ({ ok: false, clOrdId, code: "risk_rejected", message: "kill_switch" });
  ctx.placed.length = 0;
  logic.onOrder(ended(`s${ctx.id}t1`, "canceled")); // the first went unfilled
  for (let i = 1; i <= 5; i++) {
    await Bun.sleep(0);
    expect(ctx.placed).toHaveLength(i);
    ctx.clock += 1000;
    await ctx.timers[0]!.fn();
    expect(ctx.placed).toHaveLength(i); // waiting after the refusal
    ctx.clock += 1000;
    await ctx.timers[0]!.fn();
  }
  await Bun.sleep(0);
  expect(ctx.finished).toBe("stop 41000: gave up after 5 refusals in a row (last: risk_rejected kill_switch)");
});

test("live params move an armed stop and change its size; once fired, new prices do not apply", () => {
  const { ctx, logic, tick } = start({ side: "sell", size: 0.01, stopPx: 39000 });
  logic.onParams({ size: 0.02, stopPx: 39500, maxSlippagePct: 0.1 }); // the position grew
  expect(ctx.logs.at(-1)).toBe("re-armed: sell 0.02 BTC-USDT at stop <= 39500, slippage 0.1%");
  tick(39499.9, 39500.1);
  expect(shown(ctx)).toEqual(["sell 0.020 39460.5 ioc"]);
  logic.onParams({ size: 0.02, stopPx: 30000, maxSlippagePct: 0.1 });
  expect(ctx.logs.at(-1)).toBe("already fired (stop 39500): new prices do not apply");
});

const held = (pos: string, posSide = "net") => ({ instId: "BTC-USDT-SWAP", posSide, pos }) as Position;

test("reduce-only on a derivative: no more than the position holds; a position closed some other way ends it", () => {
  const { ctx, logic, tick } = start({ side: "sell", size: 3, stopPx: 39000 }, SWAP);
  logic.onPosition(held("2")); // the position shrank under the stop's size
  tick(38900, 38900.2);
  expect(ctx.placed.map((o) => o.sz)).toEqual(["2"]);
  const first = ctx.placed[0]!.clOrdId;
  logic.onFill(fill(first, "2", "38890"));
  logic.onPosition(held("0"));
  logic.onOrder(ended(first, "filled"));
  expect(ctx.finished).toBe("stop 39000: sold 2 BTC-USDT-SWAP at 38890 on average; the position is closed");

  const other = start({ side: "sell", size: 3, stopPx: 39000 }, SWAP);
  other.logic.onPosition(held("3"));
  other.logic.onPosition(held("-1", "long")); // another side in long/short mode: not its position
  expect(other.ctx.finished).toBeNull();
  other.logic.onPosition(held("0")); // closed by hand before the stop fired
  expect(other.ctx.finished).toBe("the position it guards is closed: nothing left to protect");
  other.tick(38900, 38900.2);
  expect(other.ctx.placed).toEqual([]);
});

test("positions do not concern a spot stop or one that may open a position", () => {
  const spot = start({ side: "sell", size: 0.01, stopPx: 39000 });
  spot.logic.onPosition({ ...held("0"), instId: "BTC-USDT" });
  expect(spot.ctx.finished).toBeNull();
  const open = start({ side: "sell", size: 3, stopPx: 39000, reduceOnly: false }, SWAP);
  open.logic.onPosition(held("0"));
  expect(open.ctx.finished).toBeNull();
});

test("transient refusals (the exchange unreachable) are tried through without giving up, logged every 30 s", async () => {
  const { ctx, logic } = start({ side: "sell", size: 0.01, stopPx: 41000 });
  ctx.answer = (_o, clOrdId) => ({ ok: false, clOrdId, code: "exchange_unavailable", message: "no answer" });
  logic.onOrder(ended(`s${ctx.id}t1`, "canceled"));
  for (let i = 0; i < 20; i++) {
    await Bun.sleep(0);
    ctx.clock += 2000;
    await ctx.timers[0]!.fn();
  }
  await Bun.sleep(0);
  expect(ctx.finished).toBeNull();
  expect(ctx.placed).toHaveLength(22); // the first, then one every 2 s
  const warned = ctx.logs.filter((l) => l.includes("exchange_unavailable"));
  expect(warned).toEqual([
    "order for 0.010 refused: exchange_unavailable no answer (trying again every 2 s)",
    "order for 0.010 refused: exchange_unavailable no answer (trying again every 2 s)",
  ]);
});

test("a trailing sell stop: set under the last, raised with the high and told to the service at most every 2 s, fired on the way down", async () => {
  const { ctx, tick } = start({ side: "sell", size: 0.01, trailPct: 1 });
  expect(ctx.logs[0]).toBe("armed: sell 0.01 BTC-USDT at a stop trailing 1% under the high");
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted).toEqual([{ stopPx: 39600 }]); // 40000 less 1%
  expect(ctx.logs.at(-1)).toBe("trailing 1%: stop set to 39600");
  tick(40999.9, 41000.1);
  tick(40799.9, 40800.1); // down from the high: the stop stays at 40590
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted).toHaveLength(1); // told 2 s ago at most
  ctx.clock += 2000;
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted.at(-1)).toEqual({ stopPx: 40590 });
  expect(ctx.logs.at(-1)).toBe("trailing 1%: stop set to 39600"); // moves are logged once a minute
  expect(ctx.placed).toHaveLength(0);
  tick(40589.9, 40590.1);
  expect(ctx.logs.at(-1)).toBe("stop 40590 reached at 40590: selling 0.01");
  expect(shown(ctx)).toEqual(["sell 0.010 40387.0 ioc"]); // the bid less 0.5%, on the tick
  ctx.clock += 2000;
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted).toHaveLength(2); // fired: nothing more to tell
});

test("a trailing buy stop falls with the low and never rises; a stop already past the trail is kept", async () => {
  const { ctx, tick } = start({ side: "buy", size: 1, stopPx: 40100, trailPct: 0.5 }, SWAP);
  expect(ctx.logs[0]).toBe("armed: buy 1 BTC-USDT-SWAP at stop >= 40100, trailing 0.5% over the low");
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted).toEqual([]); // 40000 plus 0.5% is 40200, over its stop
  tick(38999.9, 39000.1);
  ctx.clock += 2000;
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted).toEqual([{ stopPx: 39195 }]);
  tick(39149.9, 39150.1);
  expect(ctx.placed).toHaveLength(0);
  tick(39194.9, 39195.1);
  expect(ctx.placed.at(-1)).toMatchObject({ side: "buy", reduceOnly: true });
});

test("live params and a trail: a change of something else keeps the trailed stop; a stop the user moves restarts the trail from there", async () => {
  const { ctx, logic, tick } = start({ side: "sell", size: 0.01, stopPx: 39000, trailPct: 1 });
  tick(40999.9, 41000.1); // trailed to 40590, not told yet
  tick(40799.9, 40800.1);
  logic.onParams({ size: 0.01, stopPx: 39000, takeProfitPx: 45000, trailPct: 1, maxSlippagePct: 0.5 });
  expect(ctx.logs.at(-1)).toBe(
    "re-armed: sell 0.01 BTC-USDT at stop <= 40590, trailing 1% under the high or take profit >= 45000, slippage 0.5%",
  );
  logic.onParams({ size: 0.01, stopPx: 39500, takeProfitPx: 45000, trailPct: 1, maxSlippagePct: 0.5 });
  expect(ctx.logs.at(-1)).toContain("at stop <= 39500,");
  ctx.clock += 2000;
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted.at(-1)).toEqual({ stopPx: 40392 }); // the trail starts again from the last, 40800
});

test("all of the position: the size follows it while armed (told to the service), and the stop closes all of it", async () => {
  const { ctx, logic, tick } = start({ side: "sell", size: 1, stopPx: 39000, entirePosition: true }, SWAP);
  expect(ctx.logs[0]).toBe("armed: sell all of the position (1) BTC-USDT-SWAP at stop <= 39000");
  logic.onPosition(held("3")); // grown
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted).toEqual([{ size: 3 }]);
  expect(ctx.logs.at(-1)).toBe("all of the position: size 3");
  logic.onPosition(held("2")); // partly closed by hand
  ctx.clock += 2000;
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted.at(-1)).toEqual({ size: 2 });
  logic.onPosition(held("4"));
  tick(38900, 38900.2);
  expect(ctx.placed.map((o) => o.sz)).toEqual(["4"]);
  // Fired: the size stays what it was, whatever the position does now.
  logic.onPosition(held("5"));
  ctx.clock += 2000;
  await ctx.timers[0]!.fn();
  expect(ctx.adjusted.at(-1)).toEqual({ size: 2 });

  // Without it the size stays as set: a grown position is guarded for what was asked.
  const fixed = start({ side: "sell", size: 1, stopPx: 39000 }, SWAP);
  fixed.logic.onPosition(held("3"));
  await fixed.ctx.timers[0]!.fn();
  expect(fixed.ctx.adjusted).toEqual([]);
  fixed.tick(38900, 38900.2);
  expect(fixed.ctx.placed.map((o) => o.sz)).toEqual(["1"]);
});

test("the position it starts with: its own side is what it may close, the other side is left alone, a flat one ends it", () => {
  const make = () => {
    const ctx = new RecordingContext([SWAP.instId], { [SWAP.instId]: SWAP });
    const logic = stop.create(ctx, stop.params.parse({ side: "sell", size: 5, stopPx: 39000 })) as StopLogic;
    ctx.setTicker(SWAP.instId, 39999.9, 40000.1);
    return { ctx, logic };
  };
  // A long of 2: no more than 2 is sold.
  const a = make();
  a.logic.onPosition(held("2"));
  a.logic.onStart();
  a.logic.onTicker(a.ctx.setTicker(SWAP.instId, 38900, 38900.2));
  expect(a.ctx.placed.map((o) => o.sz)).toEqual(["2"]);
  // A short before it started (the order that flips it to a long may be on its way): not its
  // position, so it does not end; the long that comes after is.
  const b = make();
  b.logic.onPosition(held("-3"));
  b.logic.onStart();
  expect(b.ctx.finished).toBeNull();
  b.logic.onPosition(held("4"));
  b.logic.onTicker(b.ctx.setTicker(SWAP.instId, 38900, 38900.2));
  expect(b.ctx.placed.map((o) => o.sz)).toEqual(["4"]);
  // Flat before it started (resumed after a restart): it ends, never armed.
  const c = make();
  c.logic.onPosition(held("0"));
  c.logic.onStart();
  expect(c.ctx.finished).toBe("the position it guards is closed: nothing left to protect");
  expect(c.ctx.logs.some((l) => l.startsWith("armed"))).toBe(false);
});

const entryOrder = (clOrdId: string, state: Order["state"], accFillSz: string, fee = "0", feeCcy = "USDT") =>
  ({ clOrdId, state, accFillSz, avgPx: "39000", fee, feeCcy }) as Order;

test("params: an entry's stop is beyond it and its take profit on the other side; not with all of the position", () => {
  const ok = { side: "sell", size: 1, entryPx: 40000, stopPx: 39000, takeProfitPx: 42000 };
  expect(stop.params.safeParse(ok).success).toBe(true);
  expect(stop.params.safeParse({ ...ok, stopPx: 40000 }).error?.issues[0]?.path).toEqual(["stopPx"]);
  expect(stop.params.safeParse({ ...ok, takeProfitPx: 40000 }).error?.issues[0]?.path).toEqual(["takeProfitPx"]);
  expect(stop.params.safeParse({ ...ok, side: "buy", stopPx: 41000, takeProfitPx: 38000 }).success).toBe(true);
  expect(stop.params.safeParse({ ...ok, entirePosition: true }).error?.issues[0]?.path).toEqual(["entirePosition"]);
});

test("an entry: a limit order on the other side first; what it fills is guarded as it fills, the rest cancelled when it fires", () => {
  const { ctx, logic, tick } = start({ side: "sell", size: 0.01, entryPx: 39000, stopPx: 38000, takeProfitPx: 41000 });
  expect(shown(ctx)).toEqual(["buy 0.010 39000.0 limit"]);
  expect(ctx.logs[0]).toBe(
    "entry: buy 0.010 BTC-USDT at 39000.0; what it fills is guarded: sell 0.01 BTC-USDT at stop <= 38000 or take profit >= 41000",
  );
  const entry = ctx.placed[0]!.clOrdId;
  tick(41000, 41000.2); // the take profit's price, nothing bought yet: nothing to do
  tick(37000, 37000.2);
  expect(ctx.placed).toHaveLength(1);
  tick(38999.9, 39000.1);
  // 0.004 bought, the fee taken from it (spot): 0.003 left to sell, kept as its size, the entry dropped
  logic.onOrder(entryOrder(entry, "partially_filled", "0.004", "-0.000004", "BTC"));
  expect(ctx.adjusted).toEqual([{ size: 0.003, entryPx: undefined }]);
  logic.onFill(fill(entry, "0.004", "39000")); // the entry's fill is not a sale
  logic.onParams({ side: "sell", size: 0.003, stopPx: 38000, takeProfitPx: 41000, maxSlippagePct: 0.5 }); // as kept
  expect(ctx.logs.at(-1)).toBe("re-armed: sell 0.01 BTC-USDT at stop <= 38000 or take profit >= 41000, slippage 0.5%");
  logic.onParams({ side: "sell", size: 0.02, stopPx: 38000, takeProfitPx: 41000, maxSlippagePct: 0.5 });
  expect(ctx.logs.at(-2)).toBe("the entry is under way: it guards what the entry fills (placed for 0.01)");
  tick(37999.9, 38000.1); // the stop: the entry's rest is cancelled, what it bought is sold
  expect(ctx.canceled).toEqual([entry]);
  expect(shown(ctx).at(-1)).toBe("sell 0.003 37810.0 ioc");
  const exit = ctx.placed.at(-1)!.clOrdId;
  logic.onFill(fill(exit, "0.003", "37999.9"));
  logic.onOrder(ended(exit, "filled"));
  expect(ctx.finished).toBeNull(); // the entry's rest is not cancelled yet: more may have filled
  logic.onOrder(entryOrder(entry, "canceled", "0.006", "-0.000006", "BTC")); // 0.002 more bought meanwhile
  expect(shown(ctx).at(-1)).toBe("sell 0.002 37810.0 ioc");
  const last = ctx.placed.at(-1)!.clOrdId;
  logic.onFill(fill(last, "0.002", "37999.9"));
  logic.onOrder(ended(last, "filled"));
  expect(ctx.finished).toBe("stop 38000: sold 0.005 BTC-USDT at 37999.9 on average");
});

test("an entry that ends unfilled, or is refused, ends the stop; filled, it is a stop of what it filled", async () => {
  const a = start({ side: "sell", size: 0.01, entryPx: 39000, stopPx: 38000 });
  a.logic.onOrder(entryOrder(a.ctx.placed[0]!.clOrdId, "canceled", "0"));
  expect(a.ctx.finished).toBe("the entry order was canceled: nothing filled, nothing to protect");

  const b = new RecordingContext(["BTC-USDT"], { "BTC-USDT": BTC });
  b.answer = (_o, clOrdId) => ({ ok: false, clOrdId, code: "risk_rejected", message: "kill switch on" });
  b.setTicker("BTC-USDT", 39999.9, 40000.1);
  stop.create(b, stop.params.parse({ side: "sell", size: 0.01, entryPx: 39000, stopPx: 38000 })).onStart?.();
  await Bun.sleep(0);
  expect(b.finished).toBe(
    "the entry order was refused: risk_rejected kill switch on: nothing filled, nothing to protect",
  );

  const c = start({ side: "sell", size: 0.01, entryPx: 39000, stopPx: 38000 });
  c.logic.onOrder(entryOrder(c.ctx.placed[0]!.clOrdId, "filled", "0.01"));
  expect(c.ctx.adjusted.at(-1)).toEqual({ size: 0.01, entryPx: undefined });
  expect(c.ctx.logs.at(-1)).toBe("the entry order was filled: sell 0.01 BTC-USDT at stop <= 38000");
  c.tick(37999.9, 38000.1);
  expect(shown(c.ctx).at(-1)).toBe("sell 0.010 37810.0 ioc");
});

test("an entry on a derivative: a flat position does not end it before the entry fills; after, a closed one does", () => {
  const { ctx, logic } = start({ side: "sell", size: 3, entryPx: 39000, stopPx: 38000 }, SWAP);
  logic.onPosition(held("0"));
  expect(ctx.finished).toBeNull();
  const entry = ctx.placed[0]!.clOrdId;
  expect(ctx.placed[0]!.reduceOnly).toBeUndefined(); // the entry opens
  logic.onOrder(entryOrder(entry, "filled", "3"));
  logic.onPosition(held("3"));
  logic.onTicker(ctx.setTicker("BTC-USDT-SWAP", 37999.9, 38000.1));
  expect(ctx.placed.at(-1)).toMatchObject({ side: "sell", sz: "3", ordType: "ioc", reduceOnly: true });
  const { ctx: other, logic: l2 } = start({ side: "sell", size: 3, entryPx: 39000, stopPx: 38000 }, SWAP);
  l2.onOrder(entryOrder(other.placed[0]!.clOrdId, "filled", "3"));
  l2.onPosition(held("0")); // closed some other way
  expect(other.finished).toBe("the position it guards is closed: nothing left to protect");
});

test("the order's update before its fill (as the exchange's pushes come): no second order for what already filled", () => {
  // A position of 5, a stop guarding 3 of it: the first IOC fills all 3; its update (total filled 3)
  // comes before the fill event. Sized before the fill was known, a second IOC would close 3 more.
  const { ctx, logic } = start({ side: "sell", size: 3, stopPx: 41000 }, SWAP);
  logic.onPosition(held("5"));
  const first = ctx.placed[0]!.clOrdId;
  logic.onOrder({ clOrdId: first, state: "filled", accFillSz: "3", avgPx: "39990" } as Order);
  expect(ctx.placed).toHaveLength(1);
  expect(ctx.finished).toBe("stop 41000: sold 3 BTC-USDT-SWAP at 39990 on average");
  logic.onFill({ ...fill(first, "3", "39990"), instId: "BTC-USDT-SWAP" });
  expect(ctx.placed).toHaveLength(1);
});
