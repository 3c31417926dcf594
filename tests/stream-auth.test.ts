// Streams need auth: bearer, cookie or a single-use ticket; never an access token in the URL.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openSse, publish, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
let viewer: string;
beforeAll(async () => {
  s = await startTestServer();
  admin = await s.token();
  viewer = await s.userToken("vera", "viewer");
});
afterAll(() => s.close());

const errorOf = async (r: Response) => ((await r.json()) as any).error;

test("no credentials: 401 with the error shape", async () => {
  for (const path of ["stream", "poll", "ws"]) {
    const r = await fetch(`${s.url}/api/events/${path}`);
    expect(r.status).toBe(401);
    expect((await errorOf(r)).code).toBe("unauthorized");
  }
});

test("an access token in the URL is refused", async () => {
  for (const q of [`access_token=${admin}`, `token=${admin}`]) {
    const r = await fetch(`${s.url}/api/events/stream?${q}`);
    expect(r.status).toBe(401);
  }
});

test("a stream ticket works once", async () => {
  const r = await fetch(`${s.url}/api/auth/stream-ticket`, {
    method: "POST",
    headers: { Authorization: `Bearer ${admin}` },
  });
  expect(r.status).toBe(200);
  const { ticket } = (await r.json()) as { ticket: string };
  const sse = await openSse(`${s.url}/api/events/stream?ticket=${encodeURIComponent(ticket)}`);
  expect((await sse.next()).event).toBe("connected");
  sse.close();
  const again = await fetch(`${s.url}/api/events/stream?ticket=${encodeURIComponent(ticket)}`);
  expect(again.status).toBe(401);
});

test("the access cookie authenticates a stream (what a browser EventSource sends)", async () => {
  const login = await fetch(`${s.url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "vera", password: "vera-password-1" }),
  });
  const cookies = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  expect(cookies).toContain("tw_access=");
  const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, { Cookie: cookies });
  expect((await sse.next()).event).toBe("connected");
  sse.close();
});

test("viewers see market channels, not private ones, and cannot publish", async () => {
  const r = await fetch(`${s.url}/api/events/stream?channels=orders`, {
    headers: { Authorization: `Bearer ${viewer}` },
  });
  expect(r.status).toBe(403);
  expect((await errorOf(r)).details[0].field).toBe("channels");
  const p = await fetch(`${s.url}/api/events`, {
    method: "POST",
    headers: { Authorization: `Bearer ${viewer}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "ticker", channel: "tickers:BTC-USDT", data: {} }),
  });
  expect(p.status).toBe(403);

  // A viewer on "*" gets market data but private channels are left out.
  const sse = await openSse(`${s.url}/api/events/stream`, { Authorization: `Bearer ${viewer}` });
  await sse.next();
  await publish(s.url, admin, { type: "order", channel: "orders", data: { secret: 1 } });
  const pub = await publish(s.url, admin, { type: "ticker", channel: "tickers:BTC-USDT", data: { last: "1" } });
  expect((await sse.nextEvent()).id).toBe(pub.id);
  sse.close();
});

test("a forged token is refused", async () => {
  const [h, p] = admin.split(".");
  const forged = `${h}.${p}.${"A".repeat(43)}`;
  const r = await fetch(`${s.url}/api/events/stream`, { headers: { Authorization: `Bearer ${forged}` } });
  expect(r.status).toBe(401);
});
