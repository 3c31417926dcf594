import { expect, test } from "bun:test";
import events from "../../../tests/fixtures/okx/ws_events.json";
import opOk from "../../../tests/fixtures/okx/ws_op_order.json";
import opFailed from "../../../tests/fixtures/okx/ws_op_order_failed.json";
import tickers from "../../../tests/fixtures/okx/ws_tickers.json";
import { parseFrame, safeMsg } from "./parse-frame.ts";
import { exchangeMsOf } from "./trade-ops.ts";

const f = (j: unknown) => parseFrame(JSON.stringify(j));

test("frames are told apart as OKX.md §3.3 says", () => {
  expect(parseFrame("pong")).toEqual({ kind: "pong" });
  expect(f(events.login_ok)).toEqual({ kind: "login", code: "0", msg: "" });
  expect(f(events.login_failed)).toEqual({ kind: "error", code: "60009", msg: "Login failed.", id: null });
  expect(f(events.subscribed)).toEqual({ kind: "subscribe", arg: { channel: "tickers", instId: "BTC-USDT" } });
  expect(f(events.sub_error)).toMatchObject({ kind: "error", code: "60012", id: "1512" });
  expect(f(events.notice)).toMatchObject({ kind: "notice", code: "64008" });
  expect(f(events.conn_count)).toEqual({ kind: "other", event: "channel-conn-count" });
  expect(f(opOk)).toEqual({
    kind: "op",
    id: "1512",
    op: "order",
    code: "0",
    msg: "",
    data: opOk.data,
    inTime: opOk.inTime,
    outTime: opOk.outTime,
  });
  expect(f(opFailed)).toMatchObject({ kind: "op", id: "2", code: "1" });
  expect(f(tickers)).toMatchObject({ kind: "push", channel: "tickers", action: null });
});

test("anything else is malformed, never a throw", () => {
  for (const text of ["", "{", "[1,2]", "null", "42", '{"arg":{"channel":1},"data":[]}', '{"foo":1}', "ping"]) {
    expect(parseFrame(text).kind).toBe("malformed");
  }
});

test("error messages lose the echoed request (it may hold login secrets) before they are logged", () => {
  expect(safeMsg('Invalid request: {"op":"login","args":[{"apiKey":"k","passphrase":"p","sign":"s"}]}')).toBe(
    "Invalid request: {…}",
  );
  expect(safeMsg("Login failed.")).toBe("Login failed.");
});

test("OKX's processing time of a trade op comes from its inTime/outTime (µs), nothing when they are missing or wrong", () => {
  expect(exchangeMsOf(opOk.inTime, opOk.outTime)).toBe(1.333);
  expect(exchangeMsOf("", opOk.outTime)).toBeUndefined();
  expect(exchangeMsOf("x", "y")).toBeUndefined();
  expect(exchangeMsOf(opOk.outTime, opOk.inTime)).toBeUndefined();
});
