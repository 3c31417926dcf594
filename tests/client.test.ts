// A typed client built from the app's own type (`hc<AppType>`, what the dashboard uses): logs in
// and reads, against a running server. The expectTypeOf lines are checked by `tsc`: if the type
// stopped flowing through createApp, they (and the @ts-expect-error lines) would fail to compile.
import { afterAll, beforeAll, expect, expectTypeOf, test } from "bun:test";
import { hc } from "hono/client";
import type { AppType } from "../src/http/app-type.ts";
import { ADMIN_PASSWORD, exchangeEvent, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

test("hc<AppType>: login, me, publish, read a ticker, typed end to end", async () => {
  const api = hc<AppType>(s.url);
  const res = await api.api.auth.login.$post({ json: { name: "admin", password: ADMIN_PASSWORD } });
  expect(res.status).toBe(200);
  if (res.status !== 200) throw new Error(`login: ${res.status}`);
  const session = await res.json();
  expectTypeOf(session.accessToken).toEqualTypeOf<string>();
  expectTypeOf(session.user.role).toEqualTypeOf<"viewer" | "trader" | "admin" | "engine">();
  // @ts-expect-error the answer has no such field
  void session.password;

  const headers = { Authorization: `Bearer ${session.accessToken}` };
  const me = await api.api.auth.me.$get({}, { headers });
  if (me.status !== 200) throw new Error(`me: ${me.status}`);
  const who = await me.json();
  expectTypeOf(who).toEqualTypeOf<{ name: string; role: "viewer" | "trader" | "admin" | "engine" }>();
  expect(who).toEqual({ name: "admin", role: "admin" });

  const ticker = {
    instId: "BTC-USDT",
    last: "43000.1",
    lastSz: "0.1",
    bidPx: "43000",
    bidSz: "1",
    askPx: "43000.2",
    askSz: "2",
    open24h: "42000",
    high24h: "44000",
    low24h: "41000",
    vol24h: "10",
    volCcy24h: "430000",
    ts: 1,
  };
  const published = await api.api.events.$post(
    { json: { type: "strategy", channel: "strategy:demo", data: { state: "running" } } },
    { headers },
  );
  if (published.status !== 201) throw new Error(`publish: ${published.status}`);
  expectTypeOf<Awaited<ReturnType<typeof published.json>>["seq"]>().toEqualTypeOf<number>();
  exchangeEvent(s, { type: "ticker", channel: "tickers:BTC-USDT", data: ticker }); // tickers come from the exchange

  const tickers = await api.api.market.tickers.$get({}, { headers });
  if (tickers.status !== 200) throw new Error(`tickers: ${tickers.status}`);
  const { data } = await tickers.json();
  expectTypeOf<(typeof data)[number]["last"]>().toEqualTypeOf<string>();
  expect(data).toEqual([ticker]);

  // Error answers are typed as the one error shape.
  const denied = await api.api.auth.me.$get();
  expect(denied.status).toBe(401);
  if (denied.status === 401) {
    const body = await denied.json();
    expectTypeOf(body.error.code).toEqualTypeOf<string>();
    expect(body.error.code).toBe("unauthorized");
  }

  // Inputs are typed too: a wrong field does not compile.
  // @ts-expect-error `role` must be one of the roles
  void (() => api.api.users.$post({ json: { name: "x", password: "long-enough", role: "root" } }));
});
