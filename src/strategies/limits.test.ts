import { expect, test } from "bun:test";
import { checkLimits } from "./limits.ts";

const limits = { maxPosition: 1, maxOrderNotional: 5000, maxOrdersPerSecond: 3 };
const ctx = { exposure: 0, rate: 1, ctVal: 1, px: 4000 };

test("within every limit", () => {
  expect(checkLimits({ side: "buy", sz: "1" }, limits, ctx)).toBeNull();
  expect(checkLimits({ side: "sell", sz: "1" }, limits, ctx)).toBeNull();
});

test("rate, notional (with the contract value) and position are each enforced", () => {
  expect(checkLimits({ side: "buy", sz: "0.1" }, limits, { ...ctx, rate: 4 })?.code).toBe("strategy_order_rate");
  expect(checkLimits({ side: "buy", sz: "1.5" }, limits, { ...ctx, px: 4000 })?.code).toBe("strategy_max_notional");
  expect(checkLimits({ side: "buy", sz: "100" }, { ...limits, maxPosition: 1000 }, { ...ctx, ctVal: 0.01 })).toBeNull();
  expect(checkLimits({ side: "buy", sz: "0.6" }, limits, { ...ctx, exposure: 0.5 })).toMatchObject({
    code: "strategy_max_position",
    field: "sz",
  });
  expect(checkLimits({ side: "sell", sz: "0.6" }, limits, { ...ctx, exposure: -0.5 })?.code).toBe(
    "strategy_max_position",
  );
});

test("an order that reduces an exposure already over the limit may go; without a price only notional is skipped", () => {
  expect(checkLimits({ side: "sell", sz: "0.5" }, limits, { ...ctx, exposure: 2 })).toBeNull();
  expect(checkLimits({ side: "buy", sz: "0.1" }, limits, { ...ctx, exposure: 2 })?.code).toBe("strategy_max_position");
  expect(checkLimits({ side: "buy", sz: "0.5" }, limits, { ...ctx, px: undefined })).toBeNull();
});

test("a derivative's reduce-only order (closes) is held only to the order rate", () => {
  const closes = { ...ctx, closes: true };
  expect(checkLimits({ side: "sell", sz: "3" }, limits, closes)).toBeNull(); // over maxPosition and the notional
  expect(checkLimits({ side: "sell", sz: "3" }, limits, { ...closes, exposure: -1 })).toBeNull();
  expect(checkLimits({ side: "sell", sz: "3" }, limits, { ...closes, rate: 4 })?.code).toBe("strategy_order_rate");
  expect(checkLimits({ side: "sell", sz: "3" }, limits, ctx)?.code).toBe("strategy_max_notional");
});
