// Revoked means revoked for open streams (issue 13 item 1): a logout, a reused refresh token, a
// role or password change or a deletion ends the caller's open SSE and WebSocket streams and
// waiting polls at once (the periodic re-check is set to a minute here, so it is not what ends
// them), private events published afterwards are not delivered, and the token opens no new one.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openSse, publish, startTestServer, type TestServer } from "./helpers.ts";
import { call, login, untilEnd, WsProbe, wsUrl } from "./stream-helpers.ts";

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ STREAM_AUTH_CHECK_MS: "60000", REFRESH_REUSE_GRACE_S: "0" });
  admin = await s.token();
});
afterAll(() => s.close());

const order = (n: number) =>
  publish(s.url, admin, { type: "order", channel: "orders", data: { ordId: `o${n}`, state: "live" } });
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

/** A trader with a password of its own; returns its password. */
async function trader(name: string): Promise<string> {
  const r = await call(s.url, "POST", "/api/users", admin, { name, password: `${name}-password-1`, role: "trader" });
  expect(r.status).toBe(201);
  return `${name}-password-1`;
}

/** An SSE stream and a WebSocket on `orders` for `token`, both past their greeting. */
async function streams(token: string) {
  const sse = await openSse(`${s.url}/api/events/stream?channels=orders`, bearer(token));
  expect((await sse.next()).event).toBe("connected");
  const ws = await WsProbe.open(wsUrl(s.url, "?channels=orders"), token);
  await ws.next((m) => m.type === "connected");
  return { sse, ws };
}

/** Both streams end: SSE with `event: revoked` {reason} and nothing after it, WebSocket with a revoked message and 4401. */
async function expectEnded(st: Awaited<ReturnType<typeof streams>>, reason: string) {
  const frames = await untilEnd(st.sse);
  expect(frames.at(-1)).toEqual({ event: "revoked", data: JSON.stringify({ reason }) });
  expect(frames.filter((f) => f.event === "revoked").length).toBe(1);
  expect((await st.ws.next((m) => m.type === "revoked")).reason).toBe(reason);
  expect(await st.ws.closedBy()).toEqual({ code: 4401, reason });
}

describe("streams end with their session", () => {
  test("logout: that session's SSE and WebSocket end at once, later events do not reach them, the token opens no stream", async () => {
    const pw = await trader("tom");
    const one = await login(s.url, "tom", pw);
    const other = await login(s.url, "tom", pw); // a second session of the same user stays
    const a = await streams(one.accessToken);
    const b = await streams(other.accessToken);
    const first = await order(1);
    expect((await a.sse.nextEvent()).id).toBe(first.id);
    expect((await a.ws.next((m) => m.type === "order")).id).toBe(first.id);

    expect((await call(s.url, "POST", "/api/auth/logout", one.accessToken, {})).status).toBe(204);
    await expectEnded(a, "logout");
    const after = await order(2);
    expect(a.ws.msgs.filter((m) => m.type === "order")).toEqual([]);
    // The other session goes on and gets both events.
    expect((await b.sse.nextEvent()).id).toBe(first.id);
    expect((await b.sse.nextEvent()).id).toBe(after.id);

    // The access token has not expired, but its session has: no stream, no poll.
    const sse = await fetch(`${s.url}/api/events/stream?channels=orders`, { headers: bearer(one.accessToken) });
    expect(sse.status).toBe(401);
    expect(((await sse.json()) as any).error.code).toBe("session_revoked");
    const up = await fetch(`${s.url}/api/events/ws`, {
      headers: { ...bearer(one.accessToken), Upgrade: "websocket", Connection: "Upgrade" },
    });
    expect(up.status).toBe(401);
    expect((await fetch(`${s.url}/api/events/poll?channels=orders`, { headers: bearer(one.accessToken) })).status).toBe(
      401,
    );
    const ws = new WsProbe(
      new WebSocket(wsUrl(s.url, "?channels=orders"), { headers: bearer(one.accessToken) } as unknown as string[]),
    );
    await ws.closedBy();
    expect(ws.msgs).toEqual([]);
    b.sse.close();
    b.ws.ws.close();
  });

  test("a reused refresh token ends the session's streams", async () => {
    const pw = await trader("rita");
    const l = await login(s.url, "rita", pw);
    const st = await streams(l.accessToken);
    const r1 = await fetch(`${s.url}/api/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken: l.refreshToken }),
    });
    expect(r1.status).toBe(200);
    const r2 = await fetch(`${s.url}/api/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken: l.refreshToken }),
    });
    expect(r2.status).toBe(401);
    await expectEnded(st, "token_reused");
  });

  test("a role change ends every stream of the user; as a viewer she cannot subscribe to private channels", async () => {
    const pw = await trader("dora");
    const one = await streams((await login(s.url, "dora", pw)).accessToken);
    const two = await streams((await login(s.url, "dora", pw)).accessToken);
    expect((await call(s.url, "PATCH", "/api/users/dora", admin, { role: "viewer" })).status).toBe(200);
    await expectEnded(one, "role_changed");
    await expectEnded(two, "role_changed");
    const viewer = await login(s.url, "dora", pw);
    const ws = await WsProbe.open(wsUrl(s.url, "?channels=tickers:*"), viewer.accessToken);
    await ws.next((m) => m.type === "connected");
    for (const ch of ["positions", "balances", "account", "commands", "orders"]) {
      ws.send({ op: "subscribe", channels: [ch] });
      expect((await ws.next((m) => m.type === "error")).error.code).toBe("forbidden");
    }
    ws.send({ op: "subscribe", channels: ["trades:*"] });
    expect((await ws.next((m) => m.type === "subscribed")).channels).toEqual(["tickers:*", "trades:*"]);
    ws.ws.close();
  });

  test("a password change and a deletion end the user's streams", async () => {
    const pw = await trader("pete");
    const st = await streams((await login(s.url, "pete", pw)).accessToken);
    expect((await call(s.url, "PATCH", "/api/users/pete", admin, { password: "another-password-2" })).status).toBe(200);
    await expectEnded(st, "password_changed");
    const again = await streams((await login(s.url, "pete", "another-password-2")).accessToken);
    expect((await call(s.url, "DELETE", "/api/users/pete", admin)).status).toBe(204);
    await expectEnded(again, "user_deleted");
  });

  test("a poll waiting when its session ends answers 401 session_revoked at once", async () => {
    const pw = await trader("paul");
    const l = await login(s.url, "paul", pw);
    const head = (await (await fetch(`${s.url}/api/events/poll`, { headers: bearer(l.accessToken) })).json()) as {
      next: string;
    };
    const waiting = fetch(`${s.url}/api/events/poll?channels=orders&after=${head.next}&wait=20000`, {
      headers: bearer(l.accessToken),
    });
    await Bun.sleep(100);
    expect((await call(s.url, "POST", "/api/auth/logout", l.accessToken, {})).status).toBe(204);
    const r = await Promise.race([waiting, Bun.sleep(5000).then(() => undefined)]);
    expect(r?.status).toBe(401);
    expect(((await r!.json()) as any).error.code).toBe("session_revoked");
  });
});
