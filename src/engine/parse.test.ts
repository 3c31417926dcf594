import { describe, expect, test } from "bun:test";
import { isRejected, parseControl, parseEvent } from "./parse.ts";

const ev = (over: Record<string, string | undefined> = {}) => {
  const f: Record<string, string | undefined> = {
    engineId: "e1",
    type: "fill",
    channel: "fills",
    data: '{"px":"1.5","sz":"2"}',
    ...over,
  };
  return Object.entries(f).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
};
const m = (o: unknown) => ["m", JSON.stringify(o)];

describe("parseEvent", () => {
  test("marks the engine's data as the engine's and keeps its text otherwise", () => {
    const e = parseEvent(ev({ ts: "1764500004000.5" }), 65536);
    expect(e).toEqual({
      engineId: "e1",
      type: "fill",
      channel: "fills",
      dataJson: '{"px":"1.5","sz":"2","src":"engine","engineId":"e1"}',
      ts: 1764500004000.5,
    });
    expect(JSON.parse((e as { dataJson: string }).dataJson)).toEqual({
      px: "1.5",
      sz: "2",
      src: "engine",
      engineId: "e1",
    });
  });

  test("an empty object, pretty-printed JSON and unknown extra fields", () => {
    expect(parseEvent(ev({ data: " {} " }), 100)).toMatchObject({ dataJson: '{"src":"engine","engineId":"e1"}' });
    const pretty = parseEvent(
      ev({ data: '{\n  "a": [1,\n 2]\n}\n', channel: "strategy:mm-1", type: "signal", extra: "x" }),
      100,
    );
    expect(pretty).toMatchObject({
      channel: "strategy:mm-1",
      type: "signal",
      dataJson: '{"a":[1,2],"src":"engine","engineId":"e1"}',
    });
  });

  test("refuses what breaks a rule, with the kind", () => {
    const kinds: Array<[Record<string, string | undefined>, string]> = [
      [{ engineId: undefined }, "bad_field"],
      [{ engineId: "bad id" }, "bad_field"],
      [{ v: "2" }, "bad_version"],
      [{ type: "Fill" }, "bad_field"],
      [{ type: "ticker", channel: "orders" }, "not_allowed"],
      [{ type: "system" }, "not_allowed"],
      // the names the stream gives its own messages: a client would take such an event as one
      [{ type: "shutdown" }, "not_allowed"],
      [{ type: "revoked" }, "not_allowed"],
      [{ channel: "tickers:BTC-USDT" }, "not_allowed"],
      [{ channel: "commands" }, "not_allowed"],
      [{ channel: "nope" }, "bad_channel"],
      [{ channel: "strategy:a:b" }, "bad_channel"],
      [{ channel: `strategy:${"x".repeat(120)}` }, "bad_channel"],
      [{ data: undefined }, "bad_field"],
      [{ data: "{oops" }, "not_json"],
      [{ data: "[1,2]" }, "bad_field"],
      [{ data: "null" }, "bad_field"],
      [{ data: '"s"' }, "bad_field"],
      [{ data: '{"src":"exchange"}' }, "bad_field"],
      [{ data: '{"engineId":"other"}' }, "bad_field"],
      [{ data: `{"a":"${"x".repeat(200)}"}` }, "too_large"],
      [{ data: `{"a":"${"é".repeat(61)}"}` }, "too_large"],
      [{ ts: "soon" }, "bad_field"],
      [{ ts: "-1" }, "bad_field"],
      [{ ts: "" }, "bad_field"],
    ];
    for (const [over, kind] of kinds) {
      const r = parseEvent(ev(over), 128);
      expect({ over, r: isRejected(r) ? r.reject : r }).toEqual({ over, r: kind as never });
    }
  });
});

describe("parseControl", () => {
  const strategy = { id: "mm-1", name: "MM", instruments: ["BTC-USDT"], params: { size: "0.01" }, state: "running" };

  test("hello, heartbeat, accepted, result, bye", () => {
    const hello = parseControl(
      m({ v: 1, type: "hello", engineId: "e1", instance: "h:1", strategies: [strategy], extra: true }),
    );
    expect(hello).toEqual({
      type: "hello",
      engineId: "e1",
      instance: "h:1",
      heartbeatMs: 1000,
      strategies: [{ ...strategy, reason: null }],
    } as never);
    expect(
      parseControl(m({ v: 1, type: "heartbeat", engineId: "e1", instance: "h:1", heartbeatMs: 200, seq: 3 })),
    ).toMatchObject({ type: "heartbeat", heartbeatMs: 200, strategies: [] });
    const id = "0b9f6f0e-8d8e-4c5e-9d0b-4f9a2c1e7a10";
    expect(parseControl(m({ v: 1, type: "accepted", engineId: "e1", id }))).toEqual({
      type: "accepted",
      engineId: "e1",
      id,
    });
    expect(parseControl(m({ v: 1, type: "result", engineId: "e1", id, status: "done" }))).toEqual({
      type: "result",
      engineId: "e1",
      id,
      status: "done",
      result: {},
    });
    expect(
      parseControl(
        m({
          v: 1,
          type: "result",
          engineId: "e1",
          id,
          status: "failed",
          error: { code: "unknown_strategy", message: "no" },
        }),
      ),
    ).toMatchObject({ status: "failed", error: { code: "unknown_strategy" } });
    expect(parseControl(m({ v: 1, type: "bye", engineId: "e1", instance: "h:1" }))).toEqual({
      type: "bye",
      engineId: "e1",
      instance: "h:1",
    });
  });

  test("refuses what breaks a rule, naming the field", () => {
    const cases: Array<[string[], string, string?]> = [
      [["x", "{}"], "bad_field"],
      [["m", "{"], "not_json"],
      [["m", "[]"], "bad_field"],
      [["m", "x".repeat(300 * 1024)], "too_large"],
      [m({ type: "hello", engineId: "e1", instance: "a" }), "bad_version"],
      [m({ v: 2, type: "hello", engineId: "e1", instance: "a" }), "bad_version"],
      [m({ v: 1, type: "gossip", engineId: "e1" }), "unknown_type"],
      [m({ v: 1, type: "hello", engineId: "e 1", instance: "a" }), "bad_field", "engineId"],
      [m({ v: 1, type: "heartbeat", engineId: "e1", instance: "a", heartbeatMs: 5 }), "bad_field", "heartbeatMs"],
      [
        m({ v: 1, type: "heartbeat", engineId: "e1", instance: "a", strategies: [{ ...strategy, state: "dancing" }] }),
        "bad_field",
        "strategies.0.state",
      ],
      [m({ v: 1, type: "result", engineId: "e1", id: "not-a-uuid", status: "done" }), "bad_field", "id"],
      [
        m({ v: 1, type: "result", engineId: "e1", id: "0b9f6f0e-8d8e-4c5e-9d0b-4f9a2c1e7a10", status: "maybe" }),
        "bad_field",
        "status",
      ],
    ];
    for (const [fields, kind, field] of cases) {
      const r = parseControl(fields);
      expect(isRejected(r) ? r.reject : "parsed").toBe(kind);
      if (field && isRejected(r)) expect(r.reason).toContain(field);
    }
  });
});
