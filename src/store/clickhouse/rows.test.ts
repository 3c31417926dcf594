// Bus events to rows: exact values kept, unrecorded types skipped, malformed events refused by name.
import { expect, test } from "bun:test";
import { auditRow, toRow } from "./rows.ts";

const ev = (type: string, data: unknown) =>
  JSON.stringify({ id: "k-1", type, channel: "x", ts: { rx: 1, pub: 2 }, data });

test("a trade maps with its decimals as exact strings and its time in ms", () => {
  expect(
    toRow(
      "trade",
      ev("trade", {
        instId: "BTC-USDT",
        tradeId: "9",
        px: "43000.123456789",
        sz: "0.001",
        side: "sell",
        ts: 1700000000123,
      }),
    ),
  ).toEqual({
    table: "trades",
    row: {
      id: "k-1",
      ts: 1700000000123,
      inst_id: "BTC-USDT",
      trade_id: "9",
      px: "43000.123456789",
      sz: "0.001",
      side: "sell",
    },
  });
});

test("an order keeps empty OKX fields as null and its state", () => {
  const m = toRow(
    "order",
    ev("order", {
      ordId: "1",
      clOrdId: "c",
      instId: "BTC-USDT",
      side: "buy",
      ordType: "market",
      px: "",
      sz: "1",
      state: "live",
      accFillSz: "0",
      avgPx: "",
      fillPx: "",
      fillSz: "",
      fillTime: null,
      fee: "",
      uTime: 5,
      cTime: 4,
    }),
  );
  expect(m).toMatchObject({
    table: "orders",
    row: { ord_id: "1", px: null, avg_px: null, fill_time: null, state: "live", ts: 5, c_time: 4 },
  });
});

test("types that are not recorded are skipped; malformed recorded events are errors naming the field", () => {
  expect(toRow("book", ev("book", {}))).toBeUndefined();
  expect(toRow("bench", "not json")).toBeUndefined();
  const bad = toRow("trade", ev("trade", { instId: "BTC-USDT", px: "12abc", sz: "1", side: "buy", ts: 1 }));
  expect(bad).toBeInstanceOf(Error);
  expect((bad as Error).message).toContain("px");
  expect(
    toRow("fill", ev("fill", { ordId: "1", instId: "X-Y", side: "up", fillPx: "1", fillSz: "1", ts: 1 })),
  ).toBeInstanceOf(Error);
  expect(toRow("ticker", "{broken")).toBeInstanceOf(Error);
});

test("audit rows are clamped and their detail is JSON", () => {
  const r = auditRow("a1", {
    ts: 10.7,
    user: "ann",
    action: "order.place",
    target: "BTC-USDT",
    status: 201,
    code: "ok",
    ms: 1.5,
    detail: { ordId: "7" },
  });
  expect(r).toEqual({
    id: "a1",
    ts: 10,
    user: "ann",
    action: "order.place",
    target: "BTC-USDT",
    status: 201,
    code: "ok",
    ms: 1.5,
    detail: '{"ordId":"7"}',
  });
});

test("an account push maps to an equity row (its total and unrealized PnL); a bad total is refused by name", () => {
  expect(toRow("account", ev("account", { totalEq: "202199.2231", upl: "", imr: "0", mmr: "0", uTime: 5 }))).toEqual({
    table: "equity",
    row: { id: "k-1", ts: 5, total_eq: "202199.2231", upl: null },
  });
  expect((toRow("account", ev("account", { totalEq: "NaN", upl: "0", uTime: 5 })) as Error).message).toBe(
    "totalEq: not a decimal",
  );
});
