// A perpetual swap's funding against the simulator over real sockets, its periods shortened to
// 4 s: tradewire subscribes the swap's `funding-rate` and streams it as `funding` events on
// `funding:<instId>` (a snapshot first, for viewers too) and answers the latest on
// GET /api/market/funding; at a period's end a position pays (a long, the rate positive) and its
// realizedPnl says so, and the next period's funding follows. Nobody else may publish funding.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { contractValue, eventually, openSse, placeOrder, startTestServer, type TestServer } from "./helpers.ts";

const PERIOD_MS = 4_000;
let s: TestServer;
let tina: string;
let vera: string;
let eng: string;

beforeAll(async () => {
  s = await startTestServer(
    { OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT,BTC-USDT-SWAP" },
    { simulator: { fundingIntervalMs: PERIOD_MS, fundingPushMs: 0 } },
  );
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 30_000);
  [tina, vera, eng] = await Promise.all([
    s.userToken("tina", "trader"),
    s.userToken("vera", "viewer"),
    s.userToken("eng", "engine"),
  ]);
}, 60_000);
afterAll(() => s.close());

interface FundingData {
  instId: string;
  fundingRate: string;
  fundingTime: number;
  nextFundingTime: number;
  settFundingRate: string;
}
interface PositionData {
  instId: string;
  pos: string;
  markPx: string;
  realizedPnl: string;
}
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

test("a viewer reads the swap's funding: the latest over REST, a snapshot then live on the stream; none for spot", async () => {
  const latest = async () =>
    ((await (await fetch(`${s.url}/api/market/funding`, { headers: bearer(vera) })).json()) as { data: FundingData[] })
      .data;
  await eventually(async () => (await latest()).length > 0, 10_000);
  const [f] = await latest();
  expect(f).toMatchObject({ instId: "BTC-USDT-SWAP" });
  expect(f!.nextFundingTime - f!.fundingTime).toBe(PERIOD_MS);
  expect(f!.fundingTime % PERIOD_MS).toBe(0);

  const sse = await openSse(`${s.url}/api/events/stream?channels=funding:*`, bearer(vera));
  try {
    expect((await sse.next()).event).toBe("connected");
    const snap = await sse.next();
    expect(snap.event).toBe("snapshot");
    // The exchange changes the rate: the stream carries it at once, as the exchange said it.
    expect(await s.sim!.setFundingRate("BTC-USDT-SWAP", 0.00123)).toBe(true);
    for (;;) {
      const ev = await sse.nextEvent(10_000);
      expect(ev.event).toBe("funding");
      const body = ev.json<{ channel: string; src: string; ts: { ex: number }; data: FundingData }>();
      expect(body.channel).toBe("funding:BTC-USDT-SWAP");
      expect(body.src).toBe("exchange");
      expect(body.ts.ex).toBeGreaterThan(0);
      if (Number(body.data.fundingRate) === 0.00123) break;
    }
  } finally {
    sse.close();
  }
  expect((await latest()).map((x) => x.instId)).toEqual(["BTC-USDT-SWAP"]);
}, 30_000);

test("at a period's end a long pays the rate of its value at the mark: its realizedPnl says so, and the next period follows", async () => {
  expect(await s.sim!.setFundingRate("BTC-USDT-SWAP", 0.002)).toBe(true);
  const sse = await openSse(`${s.url}/api/events/stream?channels=positions,funding:BTC-USDT-SWAP`, bearer(tina));
  try {
    await placeOrder(
      s.url,
      tina,
      { instId: "BTC-USDT-SWAP", side: "buy", ordType: "market", sz: "4", tdMode: "cross" },
      "funding-long",
    );
    const ctVal = await contractValue(s.url, tina, "BTC-USDT-SWAP");
    // The position as it was last pushed before the settlement, then the push that settles it.
    let held: PositionData | undefined;
    let settledPeriod: number | undefined;
    let paid: { before: PositionData; after: PositionData } | undefined;
    while (!paid || settledPeriod === undefined) {
      const ev = await sse.nextEvent(PERIOD_MS * 3);
      if (ev.event === "funding") {
        const f = ev.json<{ data: FundingData }>().data;
        if (held && Number(f.settFundingRate) === 0.002) settledPeriod = f.fundingTime;
        continue;
      }
      if (ev.event !== "position") continue;
      const p = ev.json<{ data: PositionData }>().data;
      if (p.instId !== "BTC-USDT-SWAP" || Number(p.pos) !== 4) continue;
      if (held && !paid && p.realizedPnl !== held.realizedPnl) paid = { before: held, after: p };
      else if (!paid) held = p;
    }
    const amount = -4 * ctVal * Number(paid.after.markPx) * 0.002;
    expect(amount).toBeLessThan(0);
    expect(Number(paid.after.realizedPnl) - Number(paid.before.realizedPnl)).toBeCloseTo(amount, 6);
    expect(settledPeriod % PERIOD_MS).toBe(0);
    expect(settledPeriod).toBeGreaterThan(Date.now() - PERIOD_MS);
  } finally {
    sse.close();
    await s.commands.run("admin", { type: "close_all" });
  }
}, 30_000);

test("funding is the exchange's word: an engine may not publish it", async () => {
  const r = await fetch(`${s.url}/api/events`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...bearer(eng) },
    body: JSON.stringify({
      type: "funding",
      channel: "funding:BTC-USDT-SWAP",
      data: { instId: "BTC-USDT-SWAP", fundingRate: "0.5" },
    }),
  });
  expect(r.status).toBe(403);
  const e = ((await r.json()) as { error: { details: { field: string }[] } }).error;
  expect(e.details.map((d) => d.field)).toContain("type");
});
