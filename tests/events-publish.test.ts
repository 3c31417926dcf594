// POST /api/events: validated publishing, the assigned id, and one error shape for bad input.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { metric, openSse, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
let engine: string;
beforeAll(async () => {
  s = await startTestServer({ MAX_BODY_BYTES: "4096", MAX_SUBSCRIPTIONS: "3" });
  admin = await s.token();
  engine = await s.userToken("eng", "engine");
});
afterAll(() => s.close());

const post = (body: string, token = admin, type = "application/json") =>
  fetch(`${s.url}/api/events`, {
    method: "POST",
    headers: { "Content-Type": type, Authorization: `Bearer ${token}` },
    body,
  });

test("an engine publishes; the answer carries the id the stream uses", async () => {
  const sse = await openSse(`${s.url}/api/events/stream?channels=strategy:*`, { Authorization: `Bearer ${admin}` });
  await sse.next();
  const r = await post(
    JSON.stringify({ type: "strategy", channel: "strategy:grid-1", data: { state: "running" }, exTs: 1 }),
    engine,
  );
  expect(r.status).toBe(201);
  const out = (await r.json()) as any;
  expect(out).toMatchObject({ type: "strategy", channel: "strategy:grid-1" });
  expect(out.id).toBe(`${s.hub.epoch}-${out.seq}`);
  const ev = await sse.nextEvent();
  expect(ev.id).toBe(out.id);
  expect(ev.json().ts.ex).toBe(1);
  expect(await metric(s.url, "tradewire_events_published_total")).toBeGreaterThanOrEqual(1);
  sse.close();
});

const cases: Array<[string, string, number, string | undefined]> = [
  ["malformed JSON", "{not json", 400, undefined],
  ["wrong type for type", JSON.stringify({ type: 5, channel: "system", data: {} }), 400, "type"],
  ["unknown field", JSON.stringify({ type: "system", channel: "system", data: {}, extra: 1 }), 400, ""],
  ["reserved type", JSON.stringify({ type: "heartbeat", channel: "system", data: {} }), 400, "type"],
  // the stream's own message names: a client would end its stream (revoked), reconnect (shutdown)
  // or take the event as latest state (snapshot)
  ["reserved type revoked", JSON.stringify({ type: "revoked", channel: "system", data: {} }), 400, "type"],
  ["reserved type shutdown", JSON.stringify({ type: "shutdown", channel: "system", data: {} }), 400, "type"],
  ["reserved type snapshot", JSON.stringify({ type: "snapshot", channel: "system", data: {} }), 400, "type"],
  ["unknown channel", JSON.stringify({ type: "ticker", channel: "nope:X", data: {} }), 400, "channel"],
  ["bad channel key", JSON.stringify({ type: "ticker", channel: "tickers:a b", data: {} }), 400, "channel"],
  ["missing data", JSON.stringify({ type: "ticker", channel: "tickers:BTC-USDT" }), 400, "data"],
  ["oversized body", JSON.stringify({ type: "ticker", channel: "tickers:X", data: "y".repeat(5000) }), 413, undefined],
];
for (const [name, body, status, field] of cases) {
  test(`bad input: ${name} -> ${status}`, async () => {
    const r = await post(body);
    expect(r.status).toBe(status);
    const e = ((await r.json()) as any).error;
    expect(typeof e.code).toBe("string");
    expect(typeof e.message).toBe("string");
    if (field) expect(e.details.map((d: any) => d.field)).toContain(field);
    if (field === "") expect(e.message).toMatch(/unrecognized|unknown/i);
  });
}

test("bad stream queries: unknown channel, too many subscriptions, bad poll args", async () => {
  const h = { Authorization: `Bearer ${admin}` };
  const checks: Array<[string, string]> = [
    ["/api/events/stream?channels=bogus", "channels"],
    ["/api/events/stream?channels=tickers:a,tickers:b,tickers:c,tickers:d", "channels"],
    ["/api/events/poll?after=xyz", "query.after"],
    ["/api/events/poll?wait=-1", "query.wait"],
    ["/api/events/poll?limit=0", "query.limit"],
  ];
  for (const [path, field] of checks) {
    const r = await fetch(s.url + path, { headers: h });
    expect(r.status).toBe(400);
    const e = ((await r.json()) as any).error;
    expect(e.details[0].field).toBe(field);
  }
});

test("unknown routes and methods get the error shape, never a 500", async () => {
  const r = await fetch(`${s.url}/api/nothing`);
  expect(r.status).toBe(404);
  expect(((await r.json()) as any).error.code).toBe("not_found");
});
