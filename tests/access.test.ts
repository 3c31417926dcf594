// One read rule per resource over every transport: walks auth's READERS table through every
// guarded GET route of the OpenAPI document (REST) and every channel head (SSE, WebSocket by URL
// and by subscribe message, polling), for every role. A new route or channel head that does not
// name its resource fails here.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CHANNEL_RESOURCE, READERS, type Resource, ROLES, type Role } from "../src/auth/types.ts";
import { eventually, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
const tokens = {} as Record<Role, string>;
const mayRead = (role: Role, r: Resource) => (READERS[r] as readonly Role[]).includes(role);

beforeAll(async () => {
  s = await startTestServer();
  tokens.admin = await s.token();
  for (const role of ROLES) if (role !== "admin") tokens[role] = await s.userToken(`walk-${role}`, role);
  // Something to read at each `{id}`: an open order and a book (from tradewire's own producer), a command.
  const order = { ordId: "101", clOrdId: "c101", instId: "BTC-USDT", side: "buy", ordType: "limit", state: "live" };
  s.producer.publish({ type: "order", channel: "orders", dataJson: JSON.stringify(order) });
  const book = { instId: "BTC-USDT", bids: [["1", "1", 1]], asks: [["2", "1", 1]], ts: 1, seqId: 1, depth: 5 };
  s.producer.publish({ type: "book", channel: "books:BTC-USDT", dataJson: JSON.stringify(book) });
  command = (await s.commands.run("admin", { type: "kill_switch", on: false })).id;
  const made = await s.strategies.create(
    { user: "admin", role: "admin" },
    {
      name: "walk",
      kind: "twap",
      instruments: ["BTC-USDT"],
      params: { side: "buy", quantity: 0.001, durationSec: 60 },
    },
  );
  strategy = made.id;
  const ticker = { instId: "BTC-USDT", last: "100" };
  s.producer.publish({ type: "ticker", channel: "tickers:BTC-USDT", dataJson: JSON.stringify(ticker) });
  alert = (await s.alerts.create({ user: "admin", role: "admin" }, { instId: "BTC-USDT", price: 110 })).id;
}, 30_000);
afterAll(() => s?.close());
let command = "";
let strategy = "";
let alert = "";

/** What to read at a route's `{id}`, by its group (`/api/<group>/...`). */
const idOf = (path: string) =>
  (({ commands: command, strategies: strategy, alerts: alert }) as Record<string, string>)[path.split("/")[2]!] ??
  "101";
/** Path parameters and required queries, so that an allowed role gets 200. */
const fill = (path: string) =>
  path.replace("{id}", idOf(path)).replace("{instId}", "BTC-USDT").replace("{name}", "admin");
const QUERY: Record<string, string> = {
  "/api/market/trades": "?instId=BTC-USDT",
  "/api/market/candles": "?instId=BTC-USDT&bar=1m",
};
/** Routes the exchange answers: this server has none, so a role that may read them gets 503. */
const EXCHANGE: Record<string, number> = { "/api/account/leverage/{instId}": 503 };
/** Routes that are walked per channel instead (their resource is `events`). */
const STREAMS = new Set(["/api/events/stream", "/api/events/ws", "/api/events/poll"]);

interface Op {
  path: string;
  resource: Resource;
  roles: string[];
}
async function guardedGets(): Promise<Op[]> {
  const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { security?: unknown[]; "x-resource"?: Resource; "x-roles"?: string[] }>>;
  };
  const out: Op[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    const op = ops.get;
    if (!op?.security) continue;
    expect({ path, resource: op["x-resource"] }).toEqual({ path, resource: expect.any(String) });
    out.push({ path, resource: op["x-resource"]!, roles: op["x-roles"] ?? [] });
  }
  return out;
}

describe("REST", () => {
  test("every guarded GET names its resource and allows exactly that resource's readers", async () => {
    const ops = await guardedGets();
    expect(ops.map((o) => o.path)).toEqual(
      expect.arrayContaining(["/api/orders", "/api/orders/{id}", "/api/orders/history", "/api/fills"]),
    );
    for (const op of ops)
      expect({ path: op.path, roles: op.roles }).toEqual({ path: op.path, roles: [...READERS[op.resource]] });
  });

  test("each role: 403 where the table says no, 200 where it says yes", async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const op of await guardedGets()) {
      if (STREAMS.has(op.path)) continue;
      const url = `${s.url}${fill(op.path)}${QUERY[op.path] ?? ""}`;
      for (const role of ROLES) {
        const r = await fetch(url, { headers: { Authorization: `Bearer ${tokens[role]}` } });
        got.push(`${role} GET ${op.path} ${r.status}`);
        want.push(`${role} GET ${op.path} ${mayRead(role, op.resource) ? (EXCHANGE[op.path] ?? 200) : 403}`);
      }
    }
    expect(got).toEqual(want);
  });

  test("found by issue 13: a viewer may not read orders or fills, a trader may", async () => {
    for (const path of ["/api/orders", "/api/orders/101", "/api/orders/history", "/api/fills"]) {
      const viewer = await fetch(`${s.url}${path}`, { headers: { Authorization: `Bearer ${tokens.viewer}` } });
      expect(`${path} ${viewer.status}`).toBe(`${path} 403`);
      expect(((await viewer.json()) as any).error.code).toBe("forbidden");
      const trader = await fetch(`${s.url}${path}`, { headers: { Authorization: `Bearer ${tokens.trader}` } });
      expect(`${path} ${trader.status}`).toBe(`${path} 200`);
    }
  });
});

/** A channel of each head, as a client would name it. */
const channels = Object.keys(CHANNEL_RESOURCE).map((head) =>
  ["tickers", "books", "books5", "bbo", "trades", "candles", "leverage"].includes(head)
    ? `${head}:BTC-USDT`
    : head === "strategy" || head === "alerts"
      ? `${head}:s1`
      : head,
);
const resourceOf = (ch: string) => CHANNEL_RESOURCE[ch.split(":")[0] as keyof typeof CHANNEL_RESOURCE];

describe("streams", () => {
  test("SSE and polling: 403 for a channel the role may not read, 200 otherwise", async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const ch of channels)
      for (const role of ROLES)
        for (const path of ["stream", "poll"]) {
          const abort = new AbortController();
          const r = await fetch(`${s.url}/api/events/${path}?channels=${ch}`, {
            headers: { Authorization: `Bearer ${tokens[role]}` },
            signal: abort.signal,
          });
          got.push(`${role} ${path} ${ch} ${r.status}`);
          want.push(`${role} ${path} ${ch} ${mayRead(role, resourceOf(ch)) ? 200 : 403}`);
          abort.abort();
          await r.body?.cancel().catch(() => {});
        }
    expect(got).toEqual(want);
  });

  test("WebSocket: the URL's channels and a subscribe message follow the same table", async () => {
    const wsUrl = (q: string) => `${s.url.replace("http", "ws")}/api/events/ws${q}`;
    const got: string[] = [];
    const want: string[] = [];
    for (const role of ROLES) {
      const headers = { Authorization: `Bearer ${tokens[role]}` };
      // One socket per role, subscribing to each channel in turn.
      const ws = new WebSocket(wsUrl("?channels=system"), { headers } as never);
      const msgs: any[] = [];
      ws.onmessage = (e) => msgs.push(JSON.parse(String(e.data)));
      await new Promise((res, rej) => {
        ws.onopen = res;
        ws.onerror = rej;
      });
      for (const ch of channels) {
        msgs.length = 0;
        ws.send(JSON.stringify({ op: "subscribe", channels: [ch] }));
        await eventually(() => msgs.some((m) => m.type === "subscribed" || m.type === "error"));
        const m = msgs.find((x) => x.type === "subscribed" || x.type === "error");
        got.push(`${role} subscribe ${ch} ${m.type === "error" ? m.error.code : "ok"}`);
        want.push(`${role} subscribe ${ch} ${mayRead(role, resourceOf(ch)) ? "ok" : "forbidden"}`);
      }
      ws.close();
      // And the channels named on the URL: the upgrade is refused (403) before any socket exists.
      for (const ch of channels) {
        const opened = await new Promise<boolean>((res) => {
          const w = new WebSocket(wsUrl(`?channels=${ch}`), { headers } as never);
          w.onopen = () => {
            w.close();
            res(true);
          };
          w.onerror = () => res(false);
        });
        got.push(`${role} ws ${ch} ${opened ? "open" : "refused"}`);
        want.push(`${role} ws ${ch} ${mayRead(role, resourceOf(ch)) ? "open" : "refused"}`);
      }
    }
    expect(got).toEqual(want);
  }, 30_000);
});

test("docs/api.md's 'Who may read what' lists every resource with its REST reads, channels and roles", async () => {
  const readme = await Bun.file(new URL("../docs/api.md", import.meta.url)).text();
  const section = readme.slice(readme.indexOf("### Who may read what"), readme.indexOf("### Streams"));
  const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();
  const rows: Record<string, { rest: string[]; channels: string[]; roles: string }> = {};
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const name = /^`([a-z]+)`$/.exec(cells[1] ?? "")?.[1];
    if (name) rows[name] = { rest: ticked(cells[2] ?? ""), channels: ticked(cells[3] ?? ""), roles: cells[4] ?? "" };
  }
  const ops = await guardedGets();
  const keyed = new Set([
    "tickers",
    "books",
    "books5",
    "bbo",
    "trades",
    "candles",
    "funding",
    "strategy",
    "alerts",
    "leverage",
  ]);
  const want: typeof rows = {};
  for (const [resource, roles] of Object.entries(READERS)) {
    want[resource] = {
      rest: ops
        .filter((o) => o.resource === resource)
        .map((o) => o.path.replace(/\{(\w+)\}/g, ":$1"))
        .sort(),
      channels: Object.entries(CHANNEL_RESOURCE)
        .filter(([, r]) => r === resource)
        .map(([h]) => (keyed.has(h) ? `${h}:*` : h))
        .sort(),
      roles: roles.join(", "),
    };
  }
  expect(rows).toEqual(want);
});
