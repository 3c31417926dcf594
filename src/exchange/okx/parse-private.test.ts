// Recorded OKX-shaped private pushes and REST rows → exact normalized values.
import { expect, test } from "bun:test";
import { push } from "../../../tests/fixtures/okx/push.ts";
import pendingRest from "../../../tests/fixtures/okx/rest_orders_pending.json";
import account from "../../../tests/fixtures/okx/ws_account.json";
import bnp from "../../../tests/fixtures/okx/ws_balance_and_position.json";
import orders from "../../../tests/fixtures/okx/ws_orders.json";
import positions from "../../../tests/fixtures/okx/ws_positions.json";
import { MalformedError } from "./parse-fields.ts";
import { parseOrder, parsePrivatePush } from "./parse-private.ts";

test("orders push → order, and its fill → fill", () => {
  const f = push(orders);
  expect(parsePrivatePush(f.channel, f.data)).toEqual([
    {
      type: "order",
      channel: "orders",
      exTs: 1704067200500,
      data: {
        ordId: "680800019749904384",
        clOrdId: "myid1",
        instId: "BTC-USDT",
        instType: "SPOT",
        side: "buy",
        ordType: "limit",
        tdMode: "cash",
        posSide: "",
        px: "43000",
        sz: "0.01",
        state: "partially_filled",
        accFillSz: "0.004",
        avgPx: "43000",
        fillPx: "43000",
        fillSz: "0.004",
        fillTime: 1704067200500,
        tradeId: "12345",
        execType: "M",
        fee: "-0.000004",
        feeCcy: "BTC",
        reduceOnly: false,
        cTime: 1704067200100,
        uTime: 1704067200500,
      },
    },
    {
      type: "fill",
      channel: "fills",
      exTs: 1704067200500,
      data: {
        ordId: "680800019749904384",
        clOrdId: "myid1",
        instId: "BTC-USDT",
        tradeId: "12345",
        side: "buy",
        fillPx: "43000",
        fillSz: "0.004",
        fee: "-0.000004",
        feeCcy: "BTC",
        fillPnl: "", // a spot fill: the push has none
        execType: "M",
        ts: 1704067200500,
      },
    },
  ]);
});

test("an order update that is not a fill gives no fill event", () => {
  const f = push(orders);
  const live = {
    ...(f.data[0] as object),
    state: "live",
    fillPx: "",
    fillSz: "0",
    tradeId: "",
    fillTime: "",
    execType: "",
    accFillSz: "0",
  };
  const evs = parsePrivatePush("orders", [live]);
  expect(evs.map((e) => e.type)).toEqual(["order"]);
  expect(evs[0]!.data).toMatchObject({ state: "live", fillTime: null, accFillSz: "0" });
});

test("positions push → position", () => {
  const f = push(positions);
  expect(parsePrivatePush(f.channel, f.data)).toEqual([
    {
      type: "position",
      channel: "positions",
      exTs: 1693151906023, // its pTime: the position last changed (uTime) minutes before this push
      data: {
        instId: "XRP-USDT-SWAP",
        instType: "SWAP",
        posId: "616057041198907393",
        posSide: "net",
        pos: "1",
        avgPx: "0.52668",
        upl: "0.024",
        lever: "3",
        mgnMode: "cross",
        markPx: "0.52692",
        liqPx: "0.3287",
        uplRatio: "0.00136",
        realizedPnl: "-0.0043",
        uTime: 1693151444408,
      },
    },
  ]);
});

test("account push → account + one balance per currency", () => {
  const f = push(account);
  expect(parsePrivatePush(f.channel, f.data)).toEqual([
    {
      type: "account",
      channel: "account",
      exTs: 1704067200000,
      data: { totalEq: "100942.1", upl: "0", imr: "0", mmr: "0", uTime: 1704067200000 },
    },
    {
      type: "balance",
      channel: "balances",
      exTs: 1704067200000,
      data: { ccy: "USDT", eq: "2900", cashBal: "2900", availBal: "2900", frozenBal: "0", uTime: 1704067200000 },
    },
  ]);
});

test("a regular push dates its events by the push, not by each row's last change (the latency legs measure the push)", () => {
  const [acct, bal] = parsePrivatePush("account", [
    { totalEq: "5", upl: "0", uTime: "2000", details: [{ ccy: "USDT", eq: "5", cashBal: "5", uTime: "1000" }] },
  ]);
  expect([acct!.exTs, bal!.exTs, (bal!.data as { uTime: number }).uTime]).toEqual([2000, 2000, 1000]);
  const [pos] = parsePrivatePush("positions", [
    { instId: "BTC-USDT-SWAP", instType: "SWAP", posSide: "net", pos: "1", avgPx: "1", uTime: "1000", pTime: "3000" },
  ]);
  expect([pos!.exTs, (pos!.data as { uTime: number }).uTime]).toEqual([3000, 1000]);
});

test("balance_and_position → partial balance and position rows", () => {
  const f = push(bnp);
  expect(parsePrivatePush(f.channel, f.data)).toEqual([
    {
      type: "balance",
      channel: "balances",
      exTs: 1597026383085,
      data: { ccy: "BTC", eq: "", cashBal: "1", availBal: "", frozenBal: "", uTime: 1597026383085 },
    },
    {
      type: "position",
      channel: "positions",
      exTs: 1597026383085,
      data: {
        instId: "BTC-USD-191018",
        instType: "FUTURES",
        posId: "1111111111",
        posSide: "long",
        pos: "10",
        avgPx: "3320",
        upl: "",
        lever: "",
        mgnMode: "cross",
        markPx: "",
        liqPx: "",
        uplRatio: "",
        realizedPnl: "",
        uTime: 1597026383085,
      },
    },
  ]);
});

test("REST orders-pending rows parse with the same function", () => {
  const o = parseOrder(pendingRest.data[0]);
  expect(o).toMatchObject({
    ordId: "680800019749904384",
    state: "partially_filled",
    accFillSz: "0.006",
    execType: "",
    uTime: 1704067201000,
  });
});

test("bad private rows are MalformedError", () => {
  const f = push(orders);
  expect(() => parsePrivatePush("orders", [{ ...(f.data[0] as object), state: "weird" }])).toThrow(MalformedError);
  expect(() => parsePrivatePush("orders", [{ ...(f.data[0] as object), uTime: "" }])).toThrow(MalformedError);
  expect(() => parsePrivatePush("positions", [null])).toThrow(MalformedError);
  expect(() => parsePrivatePush("account", [{ totalEq: "1", uTime: "1", details: {} }])).toThrow(MalformedError);
});
