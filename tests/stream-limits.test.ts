// Limits on what one user and one WebSocket may take (issue 13 item 10): at most
// MAX_STREAMS_PER_USER open streams per user across SSE, WebSocket and waiting polls (beyond:
// 429 with the error shape, a WebSocket refused before the upgrade), and a message budget per
// WebSocket (beyond: close 4429) while the server goes on answering others.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConnection } from "node:net";
import { eventually, openSse, startTestServer, type TestServer } from "./helpers.ts";
import { call, login, WsProbe, wsUrl } from "./stream-helpers.ts";

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ MAX_STREAMS_PER_USER: "3", WS_MAX_MSGS_PER_S: "20", WS_MSG_BURST: "50" });
  admin = await s.token();
});
afterAll(() => s.close());

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

/** A WebSocket upgrade request over a plain socket: the status line and body the server answered. */
function upgrade(token: string): Promise<{ status: number; body: string }> {
  const u = new URL(s.url);
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: u.hostname, port: Number(u.port) });
    let text = "";
    sock.on("data", (d) => {
      text += d.toString();
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const len = Number(/content-length: *(\d+)/i.exec(text)?.[1] ?? 0);
      if (text.length < end + 4 + len) return;
      sock.destroy();
      resolve({ status: Number(text.split(" ")[1]), body: text.slice(end + 4, end + 4 + len) });
    });
    sock.on("error", reject);
    sock.write(
      `GET /api/events/ws HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${token}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

async function userToken(name: string): Promise<string> {
  expect(
    (await call(s.url, "POST", "/api/users", admin, { name, password: `${name}-password-1`, role: "trader" })).status,
  ).toBe(201);
  return (await login(s.url, name, `${name}-password-1`)).accessToken;
}

describe("streams per user", () => {
  test("a user holds at most MAX_STREAMS_PER_USER streams; one more SSE, WebSocket or waiting poll is 429; others are not affected", async () => {
    const t = await userToken("capped");
    const sse = await openSse(`${s.url}/api/events/stream`, bearer(t));
    await sse.next();
    const ws = await WsProbe.open(wsUrl(s.url), t);
    await ws.next((m) => m.type === "connected");
    const head = ((await (await fetch(`${s.url}/api/events/poll`, { headers: bearer(t) })).json()) as { next: string })
      .next;
    const stopPoll = new AbortController();
    const waiting = fetch(`${s.url}/api/events/poll?after=${head}&channels=bench&wait=10000`, {
      headers: bearer(t),
      signal: stopPoll.signal,
    });
    await eventually(() => s.hub.count() >= 2);
    await Bun.sleep(50); // the waiting poll holds its seat

    const refused = await fetch(`${s.url}/api/events/stream`, { headers: bearer(t) });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error).toMatchObject({ code: "too_many_streams" });
    const up = await upgrade(t);
    expect(up.status).toBe(429);
    expect(JSON.parse(up.body).error.code).toBe("too_many_streams");
    const poll = await fetch(`${s.url}/api/events/poll?after=${head}&wait=1000`, { headers: bearer(t) });
    expect(poll.status).toBe(429);
    // A poll that does not wait is a plain request, not a stream.
    expect((await fetch(`${s.url}/api/events/poll?after=${head}`, { headers: bearer(t) })).status).toBe(200);
    // Another user is not affected.
    const other = await openSse(`${s.url}/api/events/stream`, bearer(admin));
    expect((await other.next()).event).toBe("connected");
    other.close();

    // A stream that closes gives its place back.
    sse.close();
    let again: Response | undefined;
    await eventually(async () => {
      const r = await fetch(`${s.url}/api/events/stream`, { headers: bearer(t) });
      if (r.status === 200) again = r;
      else await r.body?.cancel();
      return r.status === 200;
    });
    await again!.body?.cancel();
    ws.ws.close();
    stopPoll.abort();
    await waiting.catch(() => {});
  }, 20_000);
});

describe("WebSocket message budget", () => {
  test("a socket that floods is closed with 4429 after its burst; /health keeps answering", async () => {
    const t = await userToken("flooder");
    const flood = await WsProbe.open(wsUrl(s.url, "?channels=system"), t);
    await flood.next((m) => m.type === "connected");
    for (let i = 0; i < 2000; i++) flood.ws.send('{"op":"ping"}');
    const health = await Promise.race([fetch(`${s.url}/health`), Bun.sleep(5000).then(() => undefined)]);
    expect(health?.status).toBe(200);
    const closed = await flood.closedBy();
    expect(closed).toEqual({ code: 4429, reason: "rate_limited" });
    const pongs = flood.msgs.filter((m) => m.type === "pong").length;
    expect(pongs).toBeGreaterThanOrEqual(50);
    expect(pongs).toBeLessThan(100);
    expect(flood.msgs.find((m) => m.type === "error")?.error.code).toBe("rate_limited");
    await eventually(() => !s.hub.principals().some((p) => p.user === "flooder"));
  }, 20_000);

  test("a socket within its budget stays open", async () => {
    const t = await userToken("polite");
    const ws = await WsProbe.open(wsUrl(s.url, "?channels=system"), t);
    await ws.next((m) => m.type === "connected");
    for (let i = 0; i < 30; i++) {
      ws.send({ op: "ping" });
      await ws.next((m) => m.type === "pong");
      await Bun.sleep(40); // ~15 a second, under 20
    }
    ws.send({ op: "subscribe", channels: ["tickers:*"] });
    expect((await ws.next((m) => m.type === "subscribed")).channels).toEqual(["system", "tickers:*"]);
    expect(ws.closed).toBeUndefined();
    ws.ws.close();
  });
});
