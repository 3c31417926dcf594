// Swap funding: the seeded rate walk and its periods, and over real sockets the funding-rate
// channel, the REST answer, the admin knob and the settlement of positions at a period's end.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { get, isPush, type Json, OkxWsProbe, signed, sleep } from "../../tests/sim-helpers.ts";
import { Account } from "./account.ts";
import { Funding, MAX_FUNDING_RATE, periodEnd } from "./funding.ts";
import { type Simulator, startSimulator } from "./index.ts";
import { InstrumentTable } from "./instruments.ts";
import { Market } from "./market.ts";
import { resolveOptions } from "./options.ts";

const INTERVAL = 2_000;
const FIELDS = [
  "instType",
  "instId",
  "fundingRate",
  "nextFundingRate",
  "fundingTime",
  "nextFundingTime",
  "method",
  "formulaType",
  "maxFundingRate",
  "minFundingRate",
  "premium",
  "settFundingRate",
  "settState",
  "interestRate",
  "impactValue",
  "sz",
  "ts",
];

function walk(seed: number, steps: number): number[] {
  const opts = resolveOptions({ seed });
  const table = new InstrumentTable(opts.instruments, opts.startPrices);
  const market = new Market(table, opts, 0);
  const funding = new Funding(table, market, opts, 0);
  const m = market.get("BTC-USDT-SWAP")!;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    funding.step(m);
    out.push(funding.rate("BTC-USDT-SWAP")!);
  }
  return out;
}

describe("rate and periods", () => {
  test("the rate walks a little each step, the same for the same seed, within the cap", () => {
    const a = walk(3, 20_000);
    expect(walk(3, 20_000)).toEqual(a);
    expect(walk(4, 20_000)).not.toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1000);
    for (let i = 1; i < a.length; i++) expect(Math.abs(a[i]! - a[i - 1]!)).toBeLessThan(0.00002);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(MAX_FUNDING_RATE);
    // Around the interest rate, not drifting away.
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(Math.abs(mean - 0.0001)).toBeLessThan(0.0003);
  });

  test("periods end at multiples of the interval since 1970", () => {
    const h8 = 8 * 3_600_000;
    expect(periodEnd(Date.UTC(2024, 0, 1, 9, 30), h8)).toBe(Date.UTC(2024, 0, 1, 16));
    expect(periodEnd(Date.UTC(2024, 0, 1, 16), h8)).toBe(Date.UTC(2024, 0, 2, 0));
    expect(periodEnd(Date.UTC(2024, 0, 1, 23, 59), h8)).toBe(Date.UTC(2024, 0, 2, 0));
  });

  test("settlement: only at the period's end, -pos × ctVal × mark × rate into cash and realizedPnl", () => {
    const opts = resolveOptions({ seed: 9, fundingIntervalMs: INTERVAL, balances: { USDT: 10_000 } });
    const table = new InstrumentTable(opts.instruments, opts.startPrices);
    const market = new Market(table, opts, 1_000);
    const account = new Account(table, market, opts, 1_000);
    const funding = new Funding(table, market, opts, 1_000);
    const inst = table.get("ETH-USDT-SWAP")!;
    account.applySwapFill(inst, -3, 2300, 0, "1", 1_000);
    expect(funding.set("ETH-USDT-SWAP", 0.0002)).toBe(true);
    expect(funding.settle(account, 1_999)).toEqual({ instIds: [] });
    const mark = market.get("ETH-USDT-SWAP")!.midPx();
    const out = funding.settle(account, 2_000);
    expect(out.instIds.sort()).toEqual(["BTC-USDT-SWAP", "ETH-USDT-SWAP"]);
    expect(out.change).toEqual({
      eventType: "funding_fee",
      ccys: ["USDT"],
      instIds: ["ETH-USDT-SWAP"],
      trades: [],
    });
    const pay = 3 * inst.ctVal * mark * 0.0002;
    expect(account.cash("USDT")).toBeCloseTo(10_000 + pay, 9);
    expect(account.positions.get("ETH-USDT-SWAP")!.realizedPnl).toBeCloseTo(pay, 12);
    const v = funding.view("ETH-USDT-SWAP", 2_000)!;
    expect([v.settFundingRate, v.fundingTime, v.nextFundingTime]).toEqual(["0.0002", "4000", "6000"]);
    // The next period has not ended yet.
    expect(funding.settle(account, 3_999)).toEqual({ instIds: [] });
  });
});

describe("over sockets", () => {
  let sim: Simulator;
  let still: Simulator;
  const probes: OkxWsProbe[] = [];
  const open = async (s: Simulator, path: string) => {
    const p = await OkxWsProbe.open(`${s.wsUrl}/${path}`);
    probes.push(p);
    return p;
  };
  const setRate = (s: Simulator, instId: string, rate: unknown) =>
    fetch(`${s.url}/sim/funding`, { method: "POST", body: JSON.stringify({ instId, rate }) });
  const fundingPush = (instId: string) => (f: Json) => isPush("funding-rate", instId)(f);
  /** The first frame after `frame` that passes `test`, already received or still to come. */
  const nextAfter = (p: OkxWsProbe, frame: Json, test: (f: Json) => boolean, timeoutMs: number) => {
    const seen = p.frames.slice(p.frames.indexOf(frame) + 1).find((f) => typeof f === "object" && test(f));
    return seen ? Promise.resolve(seen as Json) : p.wait(test, timeoutMs);
  };

  beforeAll(async () => {
    // Funding pushes only on subscribe, on an admin change and after a settlement.
    sim = await startSimulator({ seed: 21, tickMs: 20, fundingIntervalMs: INTERVAL, fundingPushMs: 0 });
    // A market that does not move (tickMs 0) and pushes funding every 200 ms.
    still = await startSimulator({ seed: 22, tickMs: 0, fundingPushMs: 200 });
  });
  afterAll(async () => {
    for (const p of probes) p.close();
    await sim.stop();
    await still.stop();
  });

  test("subscribe: the current state at once, in OKX's shape", async () => {
    const p = await open(sim, "public");
    p.send({ id: "f1", op: "subscribe", args: [{ channel: "funding-rate", instId: "BTC-USDT-SWAP" }] });
    expect(await p.next((f) => f.event === "subscribe")).toMatchObject({
      id: "f1",
      arg: { channel: "funding-rate", instId: "BTC-USDT-SWAP" },
    });
    const push = await p.next(fundingPush("BTC-USDT-SWAP"));
    expect(push.arg).toEqual({ channel: "funding-rate", instId: "BTC-USDT-SWAP" });
    const d = push.data[0] as Record<string, string>;
    expect(Object.keys(d)).toEqual(FIELDS);
    for (const k of FIELDS) expect(typeof d[k]).toBe("string");
    expect(d).toMatchObject({
      instType: "SWAP",
      instId: "BTC-USDT-SWAP",
      nextFundingRate: "",
      method: "current_period",
      formulaType: "noRate",
      maxFundingRate: "0.00375",
      minFundingRate: "-0.00375",
      settState: "settled",
      interestRate: "",
      impactValue: "",
      sz: "",
    });
    const ts = Number(d.ts);
    const fundingTime = Number(d.fundingTime);
    expect(Math.abs(ts - Date.now())).toBeLessThan(1_000);
    expect(fundingTime % INTERVAL).toBe(0);
    // The end of the current period (settled within a step of it).
    expect(fundingTime - ts).toBeGreaterThan(-100);
    expect(fundingTime - ts).toBeLessThanOrEqual(INTERVAL);
    expect(Number(d.nextFundingTime)).toBe(fundingTime + INTERVAL);
    expect(Math.abs(Number(d.fundingRate))).toBeLessThanOrEqual(MAX_FUNDING_RATE);
    expect(Number.isFinite(Number(d.premium))).toBe(true);
    expect(Number.isFinite(Number(d.settFundingRate))).toBe(true);
  });

  test("after a settlement: the next period at once, the rate set through the admin route settled", async () => {
    const p = await open(sim, "public");
    p.send({ op: "subscribe", args: [{ channel: "funding-rate", instId: "ETH-USDT-SWAP" }] });
    const first = (await p.next(fundingPush("ETH-USDT-SWAP"))).data[0];
    expect(first.fundingRate).not.toBe("-0.00042");
    const set = await setRate(sim, "ETH-USDT-SWAP", "-0.00042");
    expect(await set.json()).toEqual({ ok: true, instId: "ETH-USDT-SWAP", rate: -0.00042, pinned: true });
    // The change is pushed at once.
    const changed = await p.next((f) => fundingPush("ETH-USDT-SWAP")(f) && f.data[0].fundingRate === "-0.00042");
    const end = Number(changed.data[0].fundingTime);
    const settled = await nextAfter(
      p,
      changed,
      (f) => fundingPush("ETH-USDT-SWAP")(f) && Number(f.data[0].fundingTime) !== end,
      INTERVAL + 2_000,
    );
    const d = settled.data[0];
    expect(Number(d.fundingTime)).toBe(end + INTERVAL);
    expect(Number(d.nextFundingTime)).toBe(end + 2 * INTERVAL);
    expect(d.settFundingRate).toBe("-0.00042");
    expect(d.fundingRate).toBe("-0.00042");
    // Pushed right at the period's end (the simulator steps every 20 ms; no regular pushes here).
    expect(Number(d.ts) - end).toBeGreaterThanOrEqual(0);
    expect(Number(d.ts) - end).toBeLessThan(500);
    expect((await setRate(sim, "ETH-USDT-SWAP", null)).status).toBe(200);
  });

  test("settlement pays -pos × ctVal × markPx × rate: a long pays, a short receives; private pushes", async () => {
    const RATES: Record<string, number> = { "BTC-USDT-SWAP": 0.0005, "ETH-USDT-SWAP": 0.0003 };
    const ctVal = (instId: string) => Number(sim.instruments.find((i) => i.instId === instId)!.ctVal);
    const priv = await open(sim, "private");
    expect(await priv.login(sim.credentials)).toMatchObject({ event: "login", code: "0" });
    priv.send({
      op: "subscribe",
      args: [
        { channel: "positions", instType: "SWAP" },
        { channel: "account", ccy: "USDT" },
        { channel: "balance_and_position" },
      ],
    });
    await priv.next(isPush("balance_and_position"));
    for (const [instId, rate] of Object.entries(RATES)) expect((await setRate(sim, instId, rate)).status).toBe(200);
    // Start right after a settlement, so the whole next period is ahead.
    const pub = await open(sim, "public");
    pub.send({ op: "subscribe", args: [{ channel: "funding-rate", instId: "BTC-USDT-SWAP" }] });
    const snap = await pub.next(fundingPush("BTC-USDT-SWAP"));
    await nextAfter(
      pub,
      snap,
      (f) => fundingPush("BTC-USDT-SWAP")(f) && f.data[0].fundingTime !== snap.data[0].fundingTime,
      INTERVAL + 2_000,
    );
    const order = (instId: string, side: string, sz: string) =>
      signed(sim, "POST", "/api/v5/trade/order", { instId, tdMode: "cross", side, ordType: "market", sz });
    expect((await order("BTC-USDT-SWAP", "buy", "2")).json.code).toBe("0");
    expect((await order("ETH-USDT-SWAP", "sell", "3")).json.code).toBe("0");
    const positions = (await signed(sim, "GET", "/api/v5/account/positions?instType=SWAP")).json.data as Json[];
    const pnlBefore = Object.fromEntries(positions.map((r) => [r.instId, Number(r.realizedPnl)]));
    const cashBefore = Number(
      (await signed(sim, "GET", "/api/v5/account/balance?ccy=USDT")).json.data[0].details[0].cashBal,
    );
    const mark = priv.frames.length;
    const bap = await priv.wait(
      (f) => isPush("balance_and_position")(f) && f.data[0].eventType === "funding_fee",
      INTERVAL + 2_000,
      "funding_fee balance_and_position",
    );
    // Account, positions and balance_and_position go out together, in that order.
    const after = priv.frames.slice(mark, priv.frames.indexOf(bap)) as Json[];
    const pos = after.filter(isPush("positions")).pop()!;
    const acct = after.filter(isPush("account")).pop()!;
    expect(pos.eventType).toBe("event_update");
    expect(bap.data[0].posData.map((r: Json) => r.instId).sort()).toEqual(Object.keys(RATES));
    expect(bap.data[0].trades).toEqual([]);
    let total = 0;
    for (const [instId, rate] of Object.entries(RATES)) {
      const row = pos.data.find((r: Json) => r.instId === instId);
      const pay = -Number(row.pos) * ctVal(instId) * Number(row.markPx) * rate;
      total += pay;
      expect(Number(row.realizedPnl) - pnlBefore[instId]!).toBeCloseTo(pay, 7);
    }
    expect(pos.data.find((r: Json) => r.instId === "BTC-USDT-SWAP").pos).toBe("2");
    expect(pos.data.find((r: Json) => r.instId === "ETH-USDT-SWAP").pos).toBe("-3");
    const cashAfter = Number(bap.data[0].balData.find((b: Json) => b.ccy === "USDT").cashBal);
    expect(cashAfter - cashBefore).toBeCloseTo(total, 7);
    expect(Number(acct.data[0].details[0].cashBal)).toBe(cashAfter);
    // With positive rates the long paid and the short received.
    const btc = pos.data.find((r: Json) => r.instId === "BTC-USDT-SWAP");
    const eth = pos.data.find((r: Json) => r.instId === "ETH-USDT-SWAP");
    expect(Number(btc.realizedPnl)).toBeLessThan(pnlBefore["BTC-USDT-SWAP"]!);
    expect(Number(eth.realizedPnl)).toBeGreaterThan(pnlBefore["ETH-USDT-SWAP"]!);
  }, 15_000);

  test("REST answers the channel's object", async () => {
    const p = await open(still, "public");
    p.send({ op: "subscribe", args: [{ channel: "funding-rate", instId: "BTC-USDT-SWAP" }] });
    await p.next(fundingPush("BTC-USDT-SWAP"));
    // A regular push (fundingPushMs 200), then REST: the market stands still, only ts differs.
    const pushed = (await p.wait(fundingPush("BTC-USDT-SWAP"), 2_000, "regular push")).data[0];
    const rest = await get(still, "/api/v5/public/funding-rate?instId=BTC-USDT-SWAP");
    expect(rest.json.code).toBe("0");
    expect(rest.json.data).toHaveLength(1);
    expect(Object.keys(rest.json.data[0])).toEqual(FIELDS);
    expect({ ...rest.json.data[0], ts: "" }).toEqual({ ...pushed, ts: "" });
    // The pinned rate shows in both.
    expect((await setRate(still, "BTC-USDT-SWAP", 0.00123)).status).toBe(200);
    const again = await get(still, "/api/v5/public/funding-rate?instId=BTC-USDT-SWAP");
    expect(again.json.data[0].fundingRate).toBe("0.00123");
    const next = await p.wait(fundingPush("BTC-USDT-SWAP"), 2_000);
    expect({ ...again.json.data[0], ts: "" }).toEqual({ ...next.data[0], ts: "" });
  });

  test("a spot or unknown instId: 60018 on the channel, an error on REST and the admin route", async () => {
    const p = await open(sim, "public");
    p.send({ id: "s1", op: "subscribe", args: [{ channel: "funding-rate", instId: "BTC-USDT" }] });
    expect(await p.next((f) => f.id === "s1")).toMatchObject({
      event: "error",
      code: "60018",
      msg: expect.stringContaining("funding-rate,instId:BTC-USDT doesn't exist"),
    });
    p.send({ id: "s2", op: "subscribe", args: [{ channel: "funding-rate", instId: "NOPE-USDT-SWAP" }] });
    expect(await p.next((f) => f.id === "s2")).toMatchObject({ event: "error", code: "60018" });
    p.send({ id: "s3", op: "subscribe", args: [{ channel: "funding-rate" }] });
    expect(await p.next((f) => f.id === "s3")).toMatchObject({ event: "error", code: "60018" });
    await sleep(100);
    expect(p.frames.some((f) => isPush("funding-rate")(f))).toBe(false);
    expect((await get(sim, "/api/v5/public/funding-rate?instId=BTC-USDT")).json).toMatchObject({ code: "51000" });
    expect((await get(sim, "/api/v5/public/funding-rate?instId=NOPE-USDT-SWAP")).json).toMatchObject({
      code: "51001",
    });
    expect((await setRate(sim, "BTC-USDT", 0.0001)).status).toBe(400);
    expect((await setRate(sim, "BTC-USDT-SWAP", 0.01)).status).toBe(400);
    expect((await setRate(sim, "BTC-USDT-SWAP", "x")).status).toBe(400);
  });
});
