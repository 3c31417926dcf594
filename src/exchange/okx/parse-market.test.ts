// Recorded OKX-shaped public pushes (tests/fixtures/okx, from the OKX.md samples) → exact normalized values.
import { expect, test } from "bun:test";
import { push } from "../../../tests/fixtures/okx/push.ts";
import snapshot from "../../../tests/fixtures/okx/ws_books_snapshot.json";
import books5 from "../../../tests/fixtures/okx/ws_books5.json";
import candle from "../../../tests/fixtures/okx/ws_candle1m.json";
import funding from "../../../tests/fixtures/okx/ws_funding_rate.json";
import tickers from "../../../tests/fixtures/okx/ws_tickers.json";
import trades from "../../../tests/fixtures/okx/ws_trades.json";
import { MalformedError } from "./parse-fields.ts";
import { parseBookMsg, parseMarketPush } from "./parse-market.ts";

test("tickers → ticker on tickers:<instId>, exTs = OKX ts", () => {
  const f = push(tickers);
  expect(parseMarketPush(f.channel, f.arg, f.data)).toEqual([
    {
      type: "ticker",
      channel: "tickers:BTC-USDT",
      exTs: 1704067200123,
      data: {
        instId: "BTC-USDT",
        last: "43000.1",
        lastSz: "0.01",
        bidPx: "43000",
        bidSz: "0.8",
        askPx: "43000.2",
        askSz: "1.2",
        open24h: "42000",
        high24h: "43500",
        low24h: "41500",
        vol24h: "1000.2",
        volCcy24h: "43000000.5",
        ts: 1704067200123,
      },
    },
  ]);
});

test("trades → trade with the taker side", () => {
  const f = push(trades);
  expect(parseMarketPush(f.channel, f.arg, f.data)).toEqual([
    {
      type: "trade",
      channel: "trades:BTC-USDT",
      exTs: 1626531038288,
      data: {
        instId: "BTC-USDT",
        tradeId: "216970876",
        px: "31684.5",
        sz: "0.00001186",
        side: "buy",
        ts: 1626531038288,
      },
    },
  ]);
});

test("candle1m row → candle (bar from the channel name, confirm flag), no exTs", () => {
  const f = push(candle);
  expect(parseMarketPush(f.channel, f.arg, f.data)).toEqual([
    {
      type: "candle",
      channel: "candles:BTC-USDT",
      data: {
        instId: "BTC-USDT",
        bar: "1m",
        ts: 1704067200000,
        o: "43000",
        h: "43010",
        l: "42990",
        c: "43005",
        vol: "12.5",
        volCcy: "537500.1",
        confirmed: false,
      },
    },
  ]);
});

test("books snapshot message keeps the strings and sequence fields; instId comes from arg", () => {
  const f = push(snapshot);
  expect(parseBookMsg(f.data[0], f.arg, f.action)).toEqual({
    instId: "ETH-USDT",
    action: "snapshot",
    asks: [
      ["3366.8", "9", "3"],
      ["3368", "8", "1"],
    ],
    bids: [
      ["3366.1", "7", "2"],
      ["3366", "6", "5"],
    ],
    ts: 1704067200123,
    seqId: 123456,
    prevSeqId: -1,
    checksum: -1881014294,
  });
});

test("books5 has no action: a full snapshot, no checksum", () => {
  const f = push(books5);
  const m = parseBookMsg(f.data[0], f.arg, f.action);
  expect(m.action).toBe("snapshot");
  expect(m.checksum).toBe(0);
  expect(m.seqId).toBe(123471);
  expect(m.prevSeqId).toBeNull();
});

test("funding-rate → funding on funding:<instId>, exTs = OKX ts", () => {
  const f = push(funding);
  expect(parseMarketPush(f.channel, f.arg, f.data)).toEqual([
    {
      type: "funding",
      channel: "funding:BTC-USDT-SWAP",
      exTs: 1700724675402,
      data: {
        instId: "BTC-USDT-SWAP",
        fundingRate: "0.0001875391284828",
        fundingTime: 1700726400000,
        nextFundingTime: 1700755200000,
        settFundingRate: "0.0001699799259033",
        ts: 1700724675402,
      },
    },
  ]);
  const item = f.data[0] as Record<string, unknown>;
  const { settFundingRate: _, ...noSettled } = item;
  expect(parseMarketPush(f.channel, f.arg, [noSettled])[0]!.data).toMatchObject({ settFundingRate: "" });
  for (const bad of [
    { ...item, fundingRate: "" },
    { ...item, fundingRate: "abc" },
    { ...item, fundingTime: "" },
    { ...item, nextFundingTime: 1700755200000 },
  ])
    expect(() => parseMarketPush(f.channel, f.arg, [bad])).toThrow(MalformedError);
});

test("bad values are MalformedError, not a wrong event", () => {
  const f = push(tickers);
  const bad = [
    { ...(f.data[0] as object), ts: 1704067200123 }, // number instead of string
    { ...(f.data[0] as object), last: undefined },
    "x",
  ];
  for (const item of bad) expect(() => parseMarketPush("tickers", f.arg, [item])).toThrow(MalformedError);
  expect(() => parseMarketPush("trades", f.arg, [{ tradeId: "1", px: "1", sz: "1", side: "up", ts: "1" }])).toThrow(
    MalformedError,
  );
  expect(() => parseBookMsg({ asks: [["1"]], bids: [], ts: "1" }, { instId: "X" }, "snapshot")).toThrow(MalformedError);
  expect(() => parseBookMsg({ asks: [], bids: [], ts: "1", seqId: "5" }, { instId: "X" }, "update")).toThrow(
    MalformedError,
  );
  expect(() => parseMarketPush("candle1m", { channel: "candle1m", instId: "X" }, [["1", "2"]])).toThrow(MalformedError);
});
