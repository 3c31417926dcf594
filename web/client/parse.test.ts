import { expect, test } from "bun:test";
import { knownTypes, parseEvent } from "./parse.ts";
import { sseMessage } from "./transport.ts";
import { EVENT_TYPES } from "./types.ts";

const known = knownTypes(EVENT_TYPES);
const good = { id: "e1-5", type: "ticker", channel: "tickers:X", ts: { rx: 1, pub: 2 }, data: { instId: "X" } };

test("well-formed events of known types pass; others are malformed or unknown", () => {
  expect(parseEvent(JSON.stringify(good), known)).toEqual({ ok: true, ev: good as never });
  expect(parseEvent("{nope", known)).toEqual({ ok: false, why: "malformed" });
  expect(parseEvent({ ...good, id: "no id" }, known)).toEqual({ ok: false, why: "malformed" });
  expect(parseEvent({ ...good, ts: { rx: "1", pub: 2 } }, known)).toEqual({ ok: false, why: "malformed" });
  expect(parseEvent({ ...good, data: null }, known)).toEqual({ ok: false, why: "malformed" });
  expect(parseEvent({ ...good, type: "weather" }, known)).toEqual({ ok: false, why: "unknown" });
  expect(parseEvent({ ...good, type: "weather" }, knownTypes(EVENT_TYPES, ["weather"])).ok).toBe(true);
});

test("SSE frames become protocol messages; broken control frames are malformed, not thrown", () => {
  expect(sseMessage("heartbeat", '{"t":5,"head":"e1-9"}', known, 10)).toEqual({
    kind: "heartbeat",
    head: "e1-9",
    t: 5,
    at: 10,
  });
  expect(sseMessage("reset", "[]", known, 0)).toEqual({ kind: "bad", why: "malformed" });
  expect(sseMessage("connected", "{}", known, 0)).toEqual({ kind: "bad", why: "malformed" });
  expect(sseMessage("snapshot", JSON.stringify(good), known, 0)).toEqual({ kind: "snapshot", ev: good as never });
  expect(sseMessage("ticker", JSON.stringify(good), known, 3)).toEqual({ kind: "event", ev: good as never, at: 3 });
});
