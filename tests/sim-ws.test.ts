// The simulator's WebSocket API over real sockets: keepalive, public channels (books chain and
// checksum), URL rules, login, private channels and trade ops.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { wsLoginArg } from "../src/okx/sign.ts";
import { bookChecksum } from "../src/sim/checksum.ts";
import { type Simulator, startSimulator } from "../src/sim/index.ts";
import { get, isPush, type Json, OkxWsProbe } from "./sim-helpers.ts";

let sim: Simulator;
let simNoChecksum: Simulator;
const probes: OkxWsProbe[] = [];
async function open(path: string, s = sim): Promise<OkxWsProbe> {
  const p = await OkxWsProbe.open(`${s.wsUrl}/${path}`);
  probes.push(p);
  return p;
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, tickMs: 40, candleMs: 100, checksum: true });
  simNoChecksum = await startSimulator({ seed: 5, tickMs: 40, checksum: false });
});
afterAll(async () => {
  for (const p of probes) p.close();
  await sim.stop();
  await simNoChecksum.stop();
});

/** Applies a books push to a local book (price -> [px, sz]) as a client would. */
function apply(book: Map<string, [string, string]>, levels: string[][]): void {
  for (const [px, sz] of levels) {
    if (sz === "0") book.delete(px!);
    else book.set(px!, [px!, sz!]);
  }
}
function sorted(book: Map<string, [string, string]>, desc: boolean): [string, string][] {
  return [...book.values()].sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
}

describe("keepalive and request errors", () => {
  test("text ping is answered with text pong", async () => {
    const p = await open("public");
    p.send("ping");
    expect(await p.next<string>((f) => f === "pong")).toBe("pong");
  });

  test("bad JSON 60012, unknown op 60019, unknown instrument 60018, wrong URL 64001/64002", async () => {
    const p = await open("public?brokerId=9999");
    p.send("{not json");
    expect(await p.next((f) => f.code === "60012")).toMatchObject({
      event: "error",
      msg: "Illegal request: {not json",
    });
    p.send({ id: "u1", op: "dance", args: [] });
    expect(await p.next((f) => f.id === "u1")).toMatchObject({ event: "error", code: "60019" });
    p.send({ id: "u2", op: "subscribe", args: [{ channel: "tickers", instId: "NOPE-USDT" }] });
    expect(await p.next((f) => f.id === "u2")).toMatchObject({ event: "error", code: "60018" });
    p.send({ id: "u3", op: "subscribe", args: [{ channel: "candle1m", instId: "BTC-USDT" }] });
    expect(await p.next((f) => f.id === "u3")).toMatchObject({ event: "error", code: "64001" });
    const b = await open("business");
    b.send({ id: "u4", op: "subscribe", args: [{ channel: "tickers", instId: "BTC-USDT" }] });
    expect(await b.next((f) => f.id === "u4")).toMatchObject({ event: "error", code: "64002" });
  });
});

describe("public channels", () => {
  test("books: snapshot, then updates whose prevSeqId is the previous seqId, with a correct checksum", async () => {
    const p = await open("public");
    p.send({ id: "b1", op: "subscribe", args: [{ channel: "books", instId: "BTC-USDT" }] });
    expect(await p.next((f) => f.event === "subscribe")).toMatchObject({
      id: "b1",
      arg: { channel: "books", instId: "BTC-USDT" },
    });
    expect(typeof (await p.next((f) => f.event === "subscribe")).connId).toBe("string");
    const snap = await p.next(isPush("books"));
    expect(snap.action).toBe("snapshot");
    expect(snap.data[0].prevSeqId).toBe(-1);
    const bids = new Map<string, [string, string]>();
    const asks = new Map<string, [string, string]>();
    apply(bids, snap.data[0].bids);
    apply(asks, snap.data[0].asks);
    expect(bookChecksum(sorted(bids, true), sorted(asks, false))).toBe(snap.data[0].checksum);
    let last = snap.data[0].seqId as number;
    let updates = 0;
    for (let i = p.frames.indexOf(snap) + 1; updates < 8; i++) {
      while (p.frames.length <= i) await p.wait(isPush("books"), 5_000, "books update");
      const f = p.frames[i] as Json;
      if (!isPush("books")(f)) continue;
      expect(f.action).toBe("update");
      const d = f.data[0];
      expect(d.prevSeqId).toBe(last);
      expect(d.seqId).toBeGreaterThan(last);
      last = d.seqId;
      apply(bids, d.bids);
      apply(asks, d.asks);
      expect(bookChecksum(sorted(bids, true), sorted(asks, false))).toBe(d.checksum);
      expect(Number(sorted(bids, true)[0]![0])).toBeLessThan(Number(sorted(asks, false)[0]![0]));
      updates++;
    }
  });

  test("checksum is 0 when turned off", async () => {
    const p = await open("public", simNoChecksum);
    p.send({ op: "subscribe", args: [{ channel: "books", instId: "ETH-USDT" }] });
    const snap = await p.next(isPush("books"));
    expect(snap.data[0].checksum).toBe(0);
    const upd = await p.next((f) => isPush("books")(f) && f.action === "update");
    expect(upd.data[0].checksum).toBe(0);
  });

  test("tickers, books5, bbo-tbt and trades push in OKX shapes; candles on /business", async () => {
    const p = await open("public");
    p.send({
      op: "subscribe",
      args: ["tickers", "books5", "bbo-tbt", "trades"].map((channel) => ({ channel, instId: "BTC-USDT-SWAP" })),
    });
    const tk = await p.next(isPush("tickers"));
    expect(Object.keys(tk.data[0]).sort()).toEqual(
      [
        "instType",
        "instId",
        "last",
        "lastSz",
        "askPx",
        "askSz",
        "bidPx",
        "bidSz",
        "open24h",
        "high24h",
        "low24h",
        "volCcy24h",
        "vol24h",
        "sodUtc0",
        "sodUtc8",
        "ts",
      ].sort(),
    );
    expect(tk.event).toBeUndefined();
    const b5 = await p.next(isPush("books5"));
    expect(b5.data[0].asks.length).toBe(5);
    expect(b5.action).toBeUndefined();
    const bbo = await p.next(isPush("bbo-tbt"));
    expect(bbo.data[0].bids.length).toBe(1);
    const tr = await p.next(isPush("trades"), 10_000, "a trade");
    expect(tr.data[0]).toMatchObject({ instId: "BTC-USDT-SWAP" });
    expect(["buy", "sell"]).toContain(tr.data[0].side);
    const b = await open("business");
    b.send({ op: "subscribe", args: [{ channel: "candle1m", instId: "BTC-USDT" }] });
    const c = await b.next(isPush("candle1m"));
    expect(c.data[0].length).toBe(9);
    expect(c.data[0][8]).toBe("0");
  });
});

describe("login and private channels", () => {
  test("private channel before login is refused with 60011", async () => {
    const p = await open("private");
    p.send({ id: "p1", op: "subscribe", args: [{ channel: "orders", instType: "ANY" }] });
    expect(await p.next((f) => f.id === "p1")).toMatchObject({ event: "error", code: "60011" });
    p.send({
      id: "o1",
      op: "order",
      args: [{ instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "market", sz: "10" }],
    });
    expect(await p.next((f) => f.id === "o1")).toMatchObject({ op: "order", code: "60011" });
  });

  test("login ok (also with a numeric timestamp), refused with a bad sign, 60010 when repeated", async () => {
    const p = await open("private");
    expect(await p.login(sim.credentials)).toMatchObject({ event: "login", code: "0", msg: "" });
    p.send({ id: "again", op: "login", args: [{ apiKey: "x", passphrase: "y", timestamp: "1", sign: "z" }] });
    expect(await p.next((f) => f.id === "again")).toMatchObject({ event: "error", code: "60010" });
    const q = await open("private");
    expect(await q.login({ ...sim.credentials, secretKey: "wrong" })).toMatchObject({ event: "error", code: "60007" });
    const n = await open("private");
    const arg = wsLoginArg(sim.credentials);
    n.send({ op: "login", args: [{ ...arg, timestamp: Number(arg.timestamp) }] });
    expect(await n.next((f) => f.event === "login")).toMatchObject({ code: "0" });
  });

  test("WS order op: reply first, then orders pushes; cancel; account and positions snapshots and updates", async () => {
    const p = await open("private");
    await p.login(sim.credentials);
    p.send({
      id: "s1",
      op: "subscribe",
      args: [
        { channel: "orders", instType: "ANY" },
        { channel: "account", ccy: "USDT" },
        { channel: "positions", instType: "ANY" },
        { channel: "balance_and_position" },
      ],
    });
    const acct = await p.next(isPush("account"));
    expect(acct).toMatchObject({ eventType: "snapshot", arg: { channel: "account", ccy: "USDT" } });
    expect(acct.arg.uid).toBeDefined();
    expect(acct.data[0].details[0].ccy).toBe("USDT");
    expect((await p.next(isPush("positions"))).eventType).toBe("snapshot");
    expect((await p.next(isPush("balance_and_position"))).data[0].eventType).toBe("snapshot");
    expect(await p.next((f) => f.event === "channel-conn-count")).toMatchObject({ channel: "orders" });

    const { json } = await get(sim, "/api/v5/market/books?instId=BTC-USDT&sz=1");
    const px = (Number(json.data[0].bids[0][0]) - 100).toFixed(1);
    p.send({
      id: "7",
      op: "order",
      args: [{ instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.01", px, clOrdId: "ws1" }],
    });
    const reply = await p.next((f) => f.id === "7");
    expect(reply).toMatchObject({ op: "order", code: "0", msg: "", data: [{ clOrdId: "ws1", sCode: "0" }] });
    expect(reply.inTime).toMatch(/^\d{16}$/);
    expect(typeof reply.outTime).toBe("string");
    const live = await p.next((f) => isPush("orders")(f) && f.data[0].clOrdId === "ws1");
    expect(p.frames.indexOf(live)).toBeGreaterThan(p.frames.indexOf(reply));
    expect(live.data[0]).toMatchObject({
      state: "live",
      px,
      sz: "0.01",
      instId: "BTC-USDT",
      ordId: reply.data[0].ordId,
    });
    expect(live.arg).toMatchObject({ channel: "orders", instType: "ANY" });
    await p.next((f) => isPush("account")(f) && f.eventType !== "snapshot");

    p.send({
      id: "8",
      op: "amend-order",
      args: [{ instId: "BTC-USDT", ordId: reply.data[0].ordId, newSz: "0.02", reqId: "am1" }],
    });
    expect(await p.next((f) => f.id === "8")).toMatchObject({ code: "0", data: [{ reqId: "am1", sCode: "0" }] });
    expect((await p.next((f) => isPush("orders")(f) && f.data[0].amendResult === "0")).data[0]).toMatchObject({
      sz: "0.02",
      reqId: "am1",
    });

    p.send({ id: "9", op: "cancel-order", args: [{ instId: "BTC-USDT", ordId: reply.data[0].ordId }] });
    expect(await p.next((f) => f.id === "9")).toMatchObject({ op: "cancel-order", code: "0" });
    expect((await p.next((f) => isPush("orders")(f) && f.data[0].state === "canceled")).data[0].ordId).toBe(
      reply.data[0].ordId,
    );

    p.send({
      id: "10",
      op: "batch-orders",
      args: [
        { instId: "BTC-USDT-SWAP", tdMode: "cross", side: "buy", ordType: "market", sz: "1" },
        { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.01", px, clOrdId: "ws1b" },
        { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.01", px, clOrdId: "ws1b" },
      ],
    });
    const batch = await p.next((f) => f.id === "10");
    expect(batch.code).toBe("2");
    expect(batch.data.map((d: any) => d.sCode)).toEqual(["0", "0", "51016"]);
    const filled = await p.next(
      (f) => isPush("orders")(f) && f.data[0].instId === "BTC-USDT-SWAP" && f.data[0].state === "filled",
    );
    expect(filled.data[0]).toMatchObject({ execType: "T", accFillSz: "1" });
    expect(Number(filled.data[0].fillFee)).toBeLessThan(0);
    const pos = await p.next((f) => isPush("positions")(f) && f.eventType !== "snapshot");
    expect(pos.data[0]).toMatchObject({ instId: "BTC-USDT-SWAP", pos: "1" });
    const bp = await p.next((f) => isPush("balance_and_position")(f) && f.data[0].eventType === "filled");
    expect(bp.data[0].posData[0].instId).toBe("BTC-USDT-SWAP");

    p.send({
      id: "11",
      op: "batch-cancel-orders",
      args: [
        { instId: "BTC-USDT", clOrdId: "ws1b" },
        { instId: "BTC-USDT", ordId: "5" },
      ],
    });
    expect((await p.next((f) => f.id === "11")).data.map((d: any) => d.sCode)).toEqual(["0", "51400"]);
  });

  test("a resting order fills when the market crosses it", async () => {
    const p = await open("private");
    await p.login(sim.credentials);
    p.send({ op: "subscribe", args: [{ channel: "orders", instType: "SPOT", instId: "ETH-USDT" }] });
    await p.next((f) => f.event === "subscribe");
    const { json } = await get(sim, "/api/v5/market/books?instId=ETH-USDT&sz=1");
    const px = (Number(json.data[0].asks[0][0]) + 1).toFixed(2);
    p.send({
      id: "r1",
      op: "order",
      args: [{ instId: "ETH-USDT", tdMode: "cash", side: "sell", ordType: "limit", sz: "0.05", px }],
    });
    expect((await p.next((f) => f.id === "r1")).code).toBe("0");
    await p.next((f) => isPush("orders")(f) && f.data[0].state === "live");
    sim.setPrice("ETH-USDT", Number(px) + 20);
    const done = await p.next((f) => isPush("orders")(f) && f.data[0].state === "filled", 10_000, "filled");
    // Compared as numbers: the simulator writes 2300.00 as "2300", as it writes prices of its own.
    expect(done.data[0].execType).toBe("M");
    expect([Number(done.data[0].fillPx), Number(done.data[0].avgPx)]).toEqual([Number(px), Number(px)]);
  });
});

describe("options: idle cut-off and lenient paths", () => {
  test("a silent connection is closed with 60015; lenientWsPaths serves any channel on any path", async () => {
    const s = await startSimulator({ seed: 2, idleCloseMs: 800, lenientWsPaths: true });
    try {
      const idle = await OkxWsProbe.open(`${s.wsUrl}/public`);
      probes.push(idle);
      expect(await idle.next((f) => f.event === "error", 10_000, "60015")).toMatchObject({ code: "60015" });
      for (let i = 0; i < 100 && !idle.closed; i++) await new Promise((r) => setTimeout(r, 20));
      expect(idle.closed).toBe(true);
      const any = await OkxWsProbe.open(`${s.wsUrl}/business`);
      probes.push(any);
      any.send({ id: "l1", op: "subscribe", args: [{ channel: "tickers", instId: "BTC-USDT" }] });
      expect(await any.next((f) => f.id === "l1")).toMatchObject({ event: "subscribe" });
      expect((await any.next(isPush("tickers"))).data[0].instId).toBe("BTC-USDT");
    } finally {
      await s.stop();
    }
  });
});

describe("options: the account's regular push", () => {
  test("accountPushMs pushes the account with no order in between (its equity as of each push); 0 pushes on events only", async () => {
    const on = await startSimulator({ seed: 3, accountPushMs: 60 });
    const off = await startSimulator({ seed: 3, accountPushMs: 0 });
    try {
      const subscribe = async (s: Simulator) => {
        const p = await OkxWsProbe.open(`${s.wsUrl}/private`);
        probes.push(p);
        await p.login(s.credentials);
        p.send({ id: "a1", op: "subscribe", args: [{ channel: "account" }] });
        await p.next((f) => isPush("account")(f) && f.eventType === "snapshot");
        return p;
      };
      const [p, q] = [await subscribe(on), await subscribe(off)];
      const first = await p.next((f) => isPush("account")(f) && f.eventType === "event_update");
      const t0 = Number(first.data[0].uTime);
      const second = await p.next((f) => isPush("account")(f) && Number(f.data[0].uTime) > t0);
      expect(second.eventType).toBe("event_update");
      expect(Number(second.data[0].totalEq)).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(q.frames.filter((f) => isPush("account")(f) && (f as Json).eventType !== "snapshot")).toEqual([]);
    } finally {
      await on.stop();
      await off.stop();
    }
  });
});
