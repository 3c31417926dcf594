// The browser client library (web/client) against the real server, run under Bun: events by
// pattern, resume without gap or duplicate on every transport, reset -> snapshots refetched,
// backoff bounds, token refresh and revocation.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { Session } from "../web/client/auth.ts";
import { type ClientInfo, EventClient, type Notice } from "../web/client/client.ts";
import { restApi } from "../web/client/rest.ts";
import type { TransportName } from "../web/client/types.ts";
import { ADMIN_PASSWORD, eventually, publish, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ BUS_CAPACITY: "64", SSE_RETRY_MS: "100", HEARTBEAT_MS: "1000" });
  admin = await s.token();
});
afterAll(() => s.close());

const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function signedIn(user = "admin", password = ADMIN_PASSWORD, base = s.url): Promise<Session> {
  const session = new Session({ base, shareAcrossTabs: false });
  await session.login(user, password);
  closers.push(() => session.close());
  return session;
}

function client(
  session: Session,
  transport: "auto" | TransportName = "auto",
  extra: Partial<ConstructorParameters<typeof EventClient>[0]> = {},
) {
  const c = new EventClient({ session, transport, shareTabs: false, backoff: { baseMs: 50, maxMs: 400 }, ...extra });
  closers.push(() => c.close());
  return c;
}

const live = (c: EventClient) => eventually(() => c.status === "live", 10_000);

test("events reach handlers by type, channel and pattern, with every latency leg measured", async () => {
  const c = client(await signedIn());
  const byType: number[] = [];
  const byHead: string[] = [];
  let all = 0;
  c.on("ticker", (ev) => byType.push(Number(ev.data.last)));
  c.on("tickers:*", (ev) => byHead.push(ev.channel));
  c.on("*", () => all++);
  c.subscribe(["tickers:*"]);
  c.start();
  await live(c);
  for (let i = 1; i <= 5; i++)
    await publish(s.url, admin, {
      type: "ticker",
      channel: "tickers:T-USDT",
      data: { instId: "T-USDT", last: String(i) },
      exTs: Date.now() - 2, // as if the exchange stamped it 2 ms ago
    });
  await eventually(() => byType.length === 5);
  expect(byType).toEqual([1, 2, 3, 4, 5]);
  expect(byHead).toEqual(Array(5).fill("tickers:T-USDT"));
  expect(all).toBe(5);
  const r = c.stats.report();
  expect(r.legs.ingest.count).toBe(5);
  expect(r.legs.page.count).toBe(5);
  expect(r.legs.page.p99!).toBeGreaterThanOrEqual(0);
  expect(r.legs.page.p99!).toBeLessThan(5_000);
  expect(r.legs.exchange.count).toBe(5);
  expect(r.legs.total.count).toBe(5); // exchange -> handed to the page
  expect(r.legs.total.p50!).toBeGreaterThanOrEqual(r.legs.exchange.p50!);
  expect(c.info.transport).toBe("sse");
  expect(c.info.lastEventId).toMatch(/^[0-9a-z]+-\d+$/);
});

test("events of unknown types are counted and ignored", async () => {
  const c = client(await signedIn());
  let seen = 0;
  c.on("*", () => seen++);
  c.subscribe(["system"]);
  c.start();
  await live(c);
  await publish(s.url, admin, { type: "weather", channel: "system", data: { sky: "grey" } });
  await publish(s.url, admin, { type: "system", channel: "system", data: { kind: "note" } });
  await eventually(() => seen === 1);
  await eventually(() => c.stats.counts.unknown === 1);
  expect(c.stats.counts.malformed).toBe(0);
});

const ticks = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const transport of ["sse", "ws", "poll"] as const) {
  test(`${transport}: after a drop the stream continues from the last id, no gap and no duplicate`, async () => {
    const c = client(await signedIn(), transport);
    const inst = `R${transport.toUpperCase()}-USDT`;
    const got: number[] = [];
    c.on(`tickers:${inst}`, (ev) => got.push(Number(ev.data.last)));
    c.subscribe([`tickers:${inst}`]);
    c.start();
    await live(c);
    const send = async (from: number, to: number) => {
      for (const i of ticks(from, to))
        await publish(s.url, admin, {
          type: "ticker",
          channel: `tickers:${inst}`,
          data: { instId: inst, last: String(i) },
        });
    };
    await send(1, 20);
    await eventually(() => got.length === 20);
    // The server ends every stream (as on shutdown, with a retry hint); a waiting poll just goes on.
    s.hub.shutdown(100);
    await send(21, 40);
    await eventually(() => got.length >= 40 && c.status === "live", 10_000);
    expect(got).toEqual(ticks(1, 40));
    expect(c.stats.counts.resets).toBe(0);
    expect(c.info.transport).toBe(transport);
    if (transport !== "poll") expect(c.stats.counts.reconnects).toBeGreaterThanOrEqual(1);
  }, 30_000);
}

test("a client that falls out of the replay window is reset: it says so and its snapshots are loaded again", async () => {
  const session = await signedIn();
  const rest = restApi(session.fetch);
  const c = client(session, "sse");
  let loads = 0;
  const notices: Notice[] = [];
  const statuses: string[] = [];
  const got: number[] = [];
  c.onNotice((n) => notices.push(n));
  c.onStatus((i: ClientInfo) => statuses.push(i.status));
  c.on("tickers:W-USDT", (ev) => got.push(Number(ev.data.last)));
  c.subscribe(["tickers:W-USDT"], async () => {
    await rest.market.tickers();
    loads++;
  });
  c.start();
  await eventually(() => loads === 1 && c.status === "live", 10_000);
  s.hub.shutdown(1_500); // come back in 1.5 s: meanwhile more than the ring holds is published
  for (const i of ticks(1, 100))
    await publish(s.url, admin, {
      type: "ticker",
      channel: "tickers:W-USDT",
      data: { instId: "W-USDT", last: String(i) },
    });
  await eventually(() => loads === 2 && c.status === "live", 10_000);
  expect(notices).toContainEqual({ kind: "resync", reason: "outside_window" });
  expect(notices).toContainEqual({ kind: "resynced", reason: "outside_window" });
  expect(statuses).toContain("resyncing");
  expect(c.stats.counts).toMatchObject({ resets: 1, gaps: 1 });
  // The snapshot stands in for what was missed; what comes after the reset arrives.
  await publish(s.url, admin, { type: "ticker", channel: "tickers:W-USDT", data: { instId: "W-USDT", last: "101" } });
  await eventually(() => got.at(-1) === 101);
}, 30_000);

test("reconnect delays: full jitter above the server's retry hint, growing to the cap; offline after failures", async () => {
  const other = await startTestServer({ SSE_RETRY_MS: "100" });
  const session = await signedIn("admin", ADMIN_PASSWORD, other.url);
  const c = client(session, "sse", { backoff: { baseMs: 50, maxMs: 400 } });
  const waits: number[] = [];
  let lastRetryAt: number | null = null;
  c.onStatus((i) => {
    if (i.retryAt !== null && i.retryAt !== lastRetryAt) waits.push(i.retryAt - Date.now());
    lastRetryAt = i.retryAt;
  });
  c.start();
  await live(c);
  await other.close(); // the server goes away; every attempt now fails
  await eventually(() => waits.length >= 8, 15_000);
  // First the drop (attempt 0), then failures 1, 2, ...: ceilings 50, 50, 100, 200, 400, 400, ...
  const ceilings = [50, 50, 100, 200, 400, 400, 400, 400];
  waits.slice(0, 8).forEach((w, i) => {
    expect(w).toBeGreaterThanOrEqual(100 - 5);
    expect(w).toBeLessThanOrEqual(100 + ceilings[i]! + 5);
  });
  expect(new Set(waits.map((w) => Math.round(w))).size).toBeGreaterThan(3);
  expect(c.status).toBe("offline");
  expect(c.info.error?.code).toBe("network");
}, 30_000);

test("the access token is refreshed before it expires while the stream stays up; a revoked session ends unauthorized", async () => {
  const t = await startTestServer({ ACCESS_TOKEN_TTL_S: "10" });
  closers.push(() => void t.close());
  await t.userToken("rita", "trader");
  const session = await signedIn("rita", "rita-password-1", t.url);
  const rest = restApi(session.fetch);
  const c = client(session);
  c.subscribe(["orders"]);
  c.start();
  await live(c);
  const first = await session.token();
  await eventually(async () => (await session.token()) !== first, 15_000);
  expect(session.state.status).toBe("authenticated");
  expect(await rest.auth.me()).toEqual({ name: "rita", role: "trader" });
  expect(c.status).toBe("live");
  expect(c.stats.counts.reconnects).toBe(0);

  // An admin changes rita's role: her sessions end, the next refresh is refused.
  const r = await fetch(`${t.url}/api/users/rita`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await t.token()}` },
    body: JSON.stringify({ role: "viewer" }),
  });
  expect(r.status).toBe(200);
  await session.refresh().catch(() => {});
  expect(session.state.status).toBe("unauthorized");
  await eventually(() => c.status === "offline" && c.info.error?.code === "unauthorized");
}, 30_000);

for (const transport of ["sse", "ws", "poll"] as const)
  test(`a session the server ends (user deleted) ends the ${transport} stream at once: unauthorized, the session ended with the reason`, async () => {
    const name = `gone-${transport}`;
    await s.userToken(name, "trader");
    const session = await signedIn(name, `${name}-password-1`);
    const c = client(session, transport);
    c.subscribe(["orders"]);
    c.start();
    await live(c);
    const r = await fetch(`${s.url}/api/users/${name}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${admin}` },
    });
    expect(r.status).toBe(204);
    // No refresh is due for minutes: the stream's end is what tells the client.
    await eventually(() => c.status === "offline" && c.info.error?.code === "unauthorized", 5_000);
    expect(session.state.status).toBe("unauthorized");
    // A stream says why; a poll between two waits meets the plain 401 of an ended session.
    expect(session.state.reason).toMatch(transport === "poll" ? /user_deleted|revoked/ : /^user_deleted$/);
    expect(c.stats.counts.malformed).toBe(0); // the revoked frame is understood, not counted as garbage
  });

test("auto mode falls back to polling when neither SSE nor WebSocket opens but the API answers", async () => {
  // A proxy that buffers event streams forever and refuses WebSocket upgrades.
  const proxy = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const u = new URL(req.url);
      if (u.pathname === "/api/events/stream")
        return new Response(new ReadableStream({}), { headers: { "Content-Type": "text/event-stream" } });
      if (u.pathname === "/api/events/ws") return new Response("no WebSocket here", { status: 502 });
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
      return fetch(`${s.url}${u.pathname}${u.search}`, { method: req.method, headers: req.headers, body });
    },
  });
  closers.push(() => void proxy.stop(true));
  const session = await signedIn("admin", ADMIN_PASSWORD, `http://127.0.0.1:${proxy.port}`);
  const c = client(session, "auto", { connectTimeoutMs: 500 });
  const got: string[] = [];
  c.on("tickers:F-USDT", (ev) => got.push(ev.data.last));
  c.subscribe(["tickers:F-USDT"]);
  c.start();
  await eventually(() => c.status === "live", 20_000);
  expect(c.info.transport).toBe("poll");
  await publish(s.url, admin, { type: "ticker", channel: "tickers:F-USDT", data: { instId: "F-USDT", last: "7" } });
  await eventually(() => got.includes("7"));
}, 30_000);

test.skipIf(!process.env.REDIS_TEST_URL)(
  "the server restarts: the client comes back by itself, hears of the new epoch, reloads its snapshots, and goes on",
  async () => {
    // Sessions in Redis and one signing secret: the same login works across the restart.
    const env = {
      REDIS_URL: process.env.REDIS_TEST_URL!,
      JWT_SECRET: "web-client-restart-test-secret-0123456789",
      SSE_RETRY_MS: "200",
    };
    const a = await startTestServer(env);
    const port = new URL(a.url).port;
    const session = await signedIn("admin", ADMIN_PASSWORD, a.url);
    const c = client(session, "sse");
    let loads = 0;
    const notices: Notice[] = [];
    const got: string[] = [];
    c.onNotice((n) => notices.push(n));
    c.on("tickers:E-USDT", (ev, meta) => meta.snapshot || got.push(ev.data.last));
    c.subscribe(["tickers:E-USDT"], async () => {
      loads++;
    });
    c.start();
    await eventually(() => loads === 1 && c.status === "live", 10_000);
    await publish(a.url, await a.token(), {
      type: "ticker",
      channel: "tickers:E-USDT",
      data: { instId: "E-USDT", last: "1" },
    });
    await eventually(() => got.includes("1"));
    const epochBefore = c.info.lastEventId!.split("-")[0];

    await a.close();
    const b = await startTestServer({ ...env, PORT: port });
    closers.push(() => void b.close());
    await eventually(() => loads === 2 && c.status === "live", 20_000);
    expect(notices).toContainEqual({ kind: "resync", reason: "epoch" });
    expect(c.info.lastEventId!.split("-")[0]).not.toBe(epochBefore);
    await publish(b.url, await b.token(), {
      type: "ticker",
      channel: "tickers:E-USDT",
      data: { instId: "E-USDT", last: "2" },
    });
    await eventually(() => got.at(-1) === "2");
    expect(got).toEqual(["1", "2"]);
  },
  40_000,
);

/**
 * A proxy in front of the server: requests pass through, and each event stream's body is what
 * `relay` makes of the server's (`n` counts the streams opened through it, from 0).
 */
function streamProxy(
  relay: (reader: ReadableStreamDefaultReader<Uint8Array>, n: number) => ReadableStream<Uint8Array>,
) {
  let streams = 0;
  const proxy = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      const u = new URL(req.url);
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
      const res = await fetch(`${s.url}${u.pathname}${u.search}`, { method: req.method, headers: req.headers, body });
      if (u.pathname !== "/api/events/stream" || !res.body) return res;
      return new Response(relay(res.body.getReader(), streams++), { headers: res.headers });
    },
  });
  closers.push(() => void proxy.stop(true));
  return { port: proxy.port, streams: () => streams };
}

test("malformed events in the stream are counted and ignored; the events around them arrive, the link stays up", async () => {
  // A proxy that slips two broken frames into the event stream right after it opens.
  const garbage = 'event: ticker\ndata: {"id":"x-1","type":\n\nevent: order\ndata: [1,2,3]\n\n';
  const proxy = streamProxy((reader) => {
    let injected = false;
    return new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        const { done, value } = await reader.read();
        if (done) return ctrl.close();
        ctrl.enqueue(value);
        if (!injected && new TextDecoder().decode(value).includes("event: connected")) {
          injected = true;
          ctrl.enqueue(new TextEncoder().encode(garbage));
        }
      },
      cancel: () => reader.cancel(),
    });
  });
  const c = client(await signedIn("admin", ADMIN_PASSWORD, `http://127.0.0.1:${proxy.port}`), "sse");
  const got: number[] = [];
  c.on("tickers:M-USDT", (ev) => got.push(Number(ev.data.last)));
  c.subscribe(["tickers:M-USDT"]);
  c.start();
  await live(c);
  for (const i of ticks(1, 3))
    await publish(s.url, admin, {
      type: "ticker",
      channel: "tickers:M-USDT",
      data: { instId: "M-USDT", last: String(i) },
    });
  await eventually(() => got.length === 3);
  expect(got).toEqual([1, 2, 3]);
  expect(c.stats.counts.malformed).toBe(2);
  expect(c.stats.counts.handlerErrors).toBe(0);
  expect(c.stats.counts.reconnects).toBe(0);
  expect(c.status).toBe("live");
});

test("a link that goes silent is declared dead after 2.5 heartbeat intervals, and resumed without a gap", async () => {
  // A proxy whose first event stream stops passing bytes on demand, the socket left open.
  let freeze = false;
  let beats = 0;
  const proxy = streamProxy((reader, n) => {
    const first = n === 0;
    return new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        if (first && freeze) return new Promise<void>(() => {}); // silence
        const { done, value } = await reader.read();
        if (done) return ctrl.close();
        if (first && new TextDecoder().decode(value).includes("event: heartbeat")) beats++;
        ctrl.enqueue(value);
      },
      cancel: () => reader.cancel(),
    });
  });
  const c = client(await signedIn("admin", ADMIN_PASSWORD, `http://127.0.0.1:${proxy.port}`), "sse");
  const got: number[] = [];
  c.on("tickers:D-USDT", (ev) => got.push(Number(ev.data.last)));
  c.subscribe(["tickers:D-USDT"]);
  c.start();
  await live(c);
  await eventually(() => beats >= 3, 10_000); // the client has seen the interval (HEARTBEAT_MS=1000)
  freeze = true;
  const frozenAt = Date.now();
  for (const i of ticks(1, 10))
    await publish(s.url, admin, {
      type: "ticker",
      channel: "tickers:D-USDT",
      data: { instId: "D-USDT", last: String(i) },
    });
  await eventually(() => got.length === 10, 15_000);
  expect(got).toEqual(ticks(1, 10));
  expect(c.stats.counts.reconnects).toBe(1);
  expect(proxy.streams()).toBe(2);
  // Not before the silence lasted 2.5 intervals (at least 3 s) after the last frame.
  expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(1_900);
}, 30_000);
