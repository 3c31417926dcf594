// Each injected fault, switched through the programmatic API and through POST /sim/faults.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { type Simulator, startSimulator } from "../src/sim/index.ts";
import { get, isPush, type Json, OkxWsProbe, sleep } from "./sim-helpers.ts";

let sim: Simulator;
const probes: OkxWsProbe[] = [];
async function open(path = "public"): Promise<OkxWsProbe> {
  const p = await OkxWsProbe.open(`${sim.wsUrl}/${path}`);
  probes.push(p);
  return p;
}
async function tickers(): Promise<OkxWsProbe> {
  const p = await open();
  p.send({
    op: "subscribe",
    args: [
      { channel: "tickers", instId: "BTC-USDT" },
      { channel: "tickers", instId: "ETH-USDT" },
    ],
  });
  await p.next(isPush("tickers"));
  return p;
}
const admin = async (body: unknown) => {
  const r = await fetch(`${sim.url}/sim/faults`, { method: "POST", body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Json };
};
const dataFrames = (p: OkxWsProbe) =>
  p.frames.filter((f) => f !== "pong" && !(typeof f === "object" && f.event)).length;

beforeAll(async () => {
  sim = await startSimulator({ seed: 9, tickMs: 30 });
});
afterEach(() => {
  sim.faults.reset();
  for (const p of probes.splice(0)) p.close();
});
afterAll(() => sim.stop());

describe("faults (programmatic)", () => {
  test("dropAll closes every connection without a close frame", async () => {
    const a = await tickers();
    const b = await open("private");
    expect(sim.faults.dropAll()).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 100 && !(a.closed && b.closed); i++) await sleep(20);
    expect(a.closed && b.closed).toBe(true);
    expect(a.closeCode).not.toBe(1000);
  });

  test("dropConnections refuses new connections until switched off", async () => {
    const a = await tickers();
    sim.faults.set({ dropConnections: true });
    for (let i = 0; i < 100 && !a.closed; i++) await sleep(20);
    expect(a.closed).toBe(true);
    await expect(OkxWsProbe.open(`${sim.wsUrl}/public`)).rejects.toThrow();
    sim.faults.set({ dropConnections: false });
    const b = await open();
    b.send("ping");
    await b.next((f) => f === "pong");
  });

  test("pausePushes stops data but keeps the socket answering; resume brings data back", async () => {
    const p = await tickers();
    sim.faults.pausePushes(true);
    await sleep(50);
    const n = dataFrames(p);
    await sleep(300);
    expect(dataFrames(p)).toBe(n);
    p.send("ping");
    await p.wait((f) => f === "pong");
    expect(p.closed).toBe(false);
    sim.faults.resumePushes();
    await p.wait(isPush("tickers"));
  });

  test("pausePushes(ms) resumes by itself", async () => {
    const p = await tickers();
    sim.faults.pausePushes(300);
    expect(sim.faults.get().pausePushes).toBe(true);
    await sleep(100); // frames already in flight when the pause began
    await p.wait(isPush("tickers"), 5_000, "pushes after the pause");
    expect(sim.faults.get().pausePushes).toBe(false);
  });

  test("mute silences even pong", async () => {
    const p = await open();
    sim.faults.mute(true);
    p.send("ping");
    await sleep(300);
    expect(p.frames).not.toContain("pong");
    sim.faults.mute(false);
    p.send("ping");
    await p.wait((f) => f === "pong");
  });

  test("delay holds WS frames and REST answers back", async () => {
    const p = await open();
    sim.faults.delay(250);
    let t = performance.now();
    p.send("ping");
    await p.wait((f) => f === "pong");
    expect(performance.now() - t).toBeGreaterThanOrEqual(200);
    t = performance.now();
    await get(sim, "/api/v5/market/ticker?instId=BTC-USDT");
    expect(performance.now() - t).toBeGreaterThanOrEqual(200);
  });

  test("sequenceGap drops one books update so prevSeqId no longer chains", async () => {
    const p = await open();
    p.send({ op: "subscribe", args: [{ channel: "books", instId: "BTC-USDT" }] });
    const snap = await p.next(isPush("books"));
    let last = snap.data[0].seqId as number;
    const first = await p.wait((f) => isPush("books")(f) && f.action === "update");
    expect(first.data[0].prevSeqId).toBe(last);
    last = first.data[0].seqId;
    sim.faults.sequenceGap("BTC-USDT");
    const next = await p.wait((f) => isPush("books")(f) && f.action === "update");
    expect(next.data[0].prevSeqId).not.toBe(last);
    expect(next.data[0].prevSeqId).toBeGreaterThan(last);
  });

  test("malformedFrames(n) breaks the next n pushes, then frames are whole again", async () => {
    const p = await tickers();
    sim.faults.malformedFrames(2);
    const broken = await p.wait<string>((f) => typeof f === "string" && f !== "pong");
    expect(() => JSON.parse(broken)).toThrow();
    await p.wait(isPush("tickers"), 5_000, "a whole push after the broken ones");
    expect(p.frames.filter((f) => typeof f === "string" && f !== "pong").length).toBe(2);
  });

  test("refuseLogins answers 60009", async () => {
    sim.faults.refuseLogins(true);
    const p = await open("private");
    expect(await p.login(sim.credentials)).toMatchObject({ event: "error", code: "60009" });
    sim.faults.refuseLogins(false);
    const q = await open("private");
    expect(await q.login(sim.credentials)).toMatchObject({ event: "login", code: "0" });
  });

  test("noticeUpgrade sends the 64008 notice", async () => {
    const p = await open();
    sim.faults.noticeUpgrade();
    expect(await p.next((f) => f.event === "notice")).toMatchObject({ code: "64008" });
  });
});

describe("faults over HTTP (POST /sim/faults)", () => {
  test("set, read back, reset", async () => {
    const set = await admin({
      pausePushes: true,
      delayMs: 10,
      refuseLogins: true,
      sequenceGap: ["ETH-USDT"],
      malformedFrames: 1,
    });
    expect(set.json).toMatchObject({
      pausePushes: true,
      delayMs: 10,
      refuseLogins: true,
      sequenceGaps: ["ETH-USDT"],
      malformedFrames: 1,
    });
    expect(((await (await fetch(`${sim.url}/sim/faults`)).json()) as Json).pausePushes).toBe(true);
    expect((await admin({ reset: true })).json).toMatchObject({
      pausePushes: false,
      delayMs: 0,
      refuseLogins: false,
      sequenceGaps: [],
    });
    expect((await admin([1, 2])).status).toBe(400);
    const typo = await admin({ pausePush: true });
    expect(typo.status).toBe(400);
    expect(typo.json.error).toContain("pausePush");
  });

  test("dropAll and refuseLogins over HTTP act on live connections", async () => {
    const p = await tickers();
    await admin({ dropAll: true });
    for (let i = 0; i < 100 && !p.closed; i++) await sleep(20);
    expect(p.closed).toBe(true);
    await admin({ refuseLogins: true });
    const q = await open("private");
    expect((await q.login(sim.credentials)).code).toBe("60009");
  });

  test("POST /sim/price moves the market", async () => {
    const r = await fetch(`${sim.url}/sim/price`, {
      method: "POST",
      body: JSON.stringify({ instId: "ETH-USDT", px: 3000 }),
    });
    expect(r.status).toBe(200);
    let mid = 0;
    for (let i = 0; i < 100; i++) {
      const b = (await get(sim, "/api/v5/market/books?instId=ETH-USDT&sz=1")).json.data[0];
      mid = (Number(b.bids[0][0]) + Number(b.asks[0][0])) / 2;
      if (Math.abs(mid - 3000) < 30) break;
      await sleep(30);
    }
    expect(Math.abs(mid - 3000)).toBeLessThan(30);
    expect(
      (await fetch(`${sim.url}/sim/price`, { method: "POST", body: JSON.stringify({ instId: "NOPE", px: 1 }) })).status,
    ).toBe(400);
  });
});
