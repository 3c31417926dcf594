import { expect, test } from "bun:test";
import { listSince, parseFill } from "./records.ts";
import { OkxRest } from "./rest.ts";

const order = (ordId: string, state: string, extra: Record<string, unknown> = {}) => ({
  instType: "SPOT",
  instId: "BTC-USDT",
  ordId,
  clOrdId: `c${ordId}`,
  side: "buy",
  ordType: "limit",
  tdMode: "cash",
  px: "100",
  sz: "1",
  state,
  accFillSz: state === "filled" ? "1" : "0",
  cTime: "1000",
  uTime: "2000",
  ...extra,
});
const fill = (billId: string, ordId: string) => ({
  instType: "SPOT",
  instId: "BTC-USDT",
  tradeId: `t${billId}`,
  ordId,
  clOrdId: "",
  billId,
  side: "buy",
  fillPx: "100",
  fillSz: "1",
  fee: "-0.1",
  feeCcy: "BTC",
  fillPnl: "0",
  execType: "M",
  ts: "3000",
});

/** An exchange over fake fetch: paths -> pages by `after`; every request is kept. */
function exchange(routes: Record<string, (q: URLSearchParams) => { status?: number; body: unknown }>) {
  const seen: string[] = [];
  const fakeFetch = (async (url: string) => {
    const u = new URL(url);
    seen.push(u.pathname + u.search);
    const r = routes[u.pathname]?.(u.searchParams) ?? { body: { code: "0", msg: "", data: [] } };
    return new Response(JSON.stringify(r.body), { status: r.status ?? 200 });
  }) as unknown as typeof fetch;
  return {
    rest: new OkxRest({
      baseUrl: "http://okx.test",
      credentials: { apiKey: "k", secretKey: "s", passphrase: "p" },
      fetch: fakeFetch,
    }),
    seen,
  };
}
const ok = (data: unknown[]) => ({ body: { code: "0", msg: "", data } });

test("pages through orders-history, orders-pending and fills-history; asks for orders only a fill or the open list names", async () => {
  const history = Array.from({ length: 150 }, (_, i) => order(String(1000 - i), "filled"));
  let limited = 1;
  const { rest, seen } = exchange({
    "/api/v5/trade/orders-history": (q) => {
      const after = q.get("after");
      const from = after ? history.findIndex((o) => o.ordId === after) + 1 : 0;
      return ok(q.get("instType") === "SPOT" ? history.slice(from, from + 100) : []);
    },
    "/api/v5/trade/orders-pending": (q) =>
      ok(q.get("instType") === "SPOT" ? [order("2000", "live"), { ordId: "bad" }] : []),
    "/api/v5/trade/fills-history": (q) => {
      if (limited-- > 0) return { status: 429, body: { code: "50011", msg: "Rate limit reached", data: [] } };
      return ok(q.get("instType") === "SPOT" ? [fill("9", "1000"), fill("8", "5")] : []);
    },
    "/api/v5/trade/order": (q) =>
      q.get("ordId") === "5"
        ? ok([order("5", "filled", { cTime: "10", uTime: "2500" })])
        : { body: { code: "51603", msg: "Order does not exist", data: [] } },
  });
  const r = await listSince(rest, {
    instTypes: ["SPOT", "SWAP"],
    since: 1500,
    open: [{ ordId: "77", instId: "BTC-USDT" }],
  });
  expect(r.complete).toBe(true);
  expect(r.malformed).toBe(1);
  expect(r.orders.map((o) => o.ordId).sort()).toEqual([...history.map((o) => o.ordId), "2000", "5"].sort());
  expect(r.fills.map((f) => [f.ordId, f.tradeId])).toEqual([
    ["1000", "t9"],
    ["5", "t8"],
  ]);
  expect(seen).toContain("/api/v5/trade/orders-history?instType=SPOT&begin=1500&limit=100&after=901");
  expect(seen.filter((p) => p.startsWith("/api/v5/trade/order?")).sort()).toEqual([
    "/api/v5/trade/order?instId=BTC-USDT&ordId=5",
    "/api/v5/trade/order?instId=BTC-USDT&ordId=77",
  ]);
});

test("more pages than maxPages: says the listing is not complete", async () => {
  const { rest } = exchange({
    "/api/v5/trade/orders-pending": () => ok(Array.from({ length: 100 }, (_, i) => order(String(i + 1), "live"))),
  });
  const r = await listSince(rest, { instTypes: ["SPOT"], since: 0, open: [], maxPages: 2 });
  expect(r.complete).toBe(false);
});

test("a fills item becomes tradewire's Fill", () => {
  expect(parseFill(fill("9", "1"))).toEqual({
    ordId: "1",
    clOrdId: "",
    instId: "BTC-USDT",
    tradeId: "t9",
    side: "buy",
    fillPx: "100",
    fillSz: "1",
    fee: "-0.1",
    feeCcy: "BTC",
    fillPnl: "0",
    execType: "M",
    ts: 3000,
  });
  expect(() => parseFill({ ...fill("9", "1"), ts: "soon" })).toThrow("ts");
});
