// The same SSE semantics through Hono's streamSSE writer (kept for comparison in the benchmark).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openSse, publish, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({}, { sseWriter: "hono" });
  admin = await s.token();
});
afterAll(() => s.close());

test("streamSSE writer: connected, ordered events, resume", async () => {
  const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, { Authorization: `Bearer ${admin}` });
  expect(sse.res.headers.get("x-accel-buffering")).toBe("no");
  expect((await sse.next()).event).toBe("connected");
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push((await publish(s.url, admin, { type: "ticker", channel: "tickers:A", data: { i } })).id);
  expect((await sse.take(20)).map((e) => e.id)).toEqual(ids);
  sse.close();
  const again = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, { Authorization: `Bearer ${admin}`, "Last-Event-ID": ids[9]! });
  await again.next();
  expect((await again.take(10)).map((e) => e.id)).toEqual(ids.slice(10));
  again.close();
});
