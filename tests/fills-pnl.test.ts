// What a fill realized, against the simulator over real sockets: a swap's opening fills realize
// nothing, its closing fills (their price - the entry) x size x the contract's value, on the live
// `fill` events and in the recorded history (GET /api/fills); a spot fill has none.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { contractValue, eventually, openSse, placeOrder, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let tina: string;

beforeAll(async () => {
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT,BTC-USDT-SWAP" });
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 30_000);
  tina = await s.userToken("tina", "trader");
}, 60_000);
afterAll(() => s.close());

const H = () => ({ Authorization: `Bearer ${tina}` });
const market = (instId: string, side: "buy" | "sell", sz: string, key: string, reduceOnly = false) =>
  placeOrder(
    s.url,
    tina,
    {
      instId,
      side,
      ordType: "market",
      sz,
      tdMode: instId.endsWith("SWAP") ? "cross" : "cash",
      ...(reduceOnly ? { reduceOnly } : {}),
    },
    key,
  );
interface FillRow {
  ordId: string;
  instId: string;
  side: string;
  fillPx: string;
  fillSz: string;
  fillPnl: string | null;
}
const recorded = async (ordId: string): Promise<FillRow[]> =>
  ((await (await fetch(`${s.url}/api/fills?ordId=${ordId}`, { headers: H() })).json()) as { data: FillRow[] }).data;

test("a swap's closing fills say what they realized, live and recorded; opening and spot fills realize nothing", async () => {
  const ctVal = await contractValue(s.url, tina, "BTC-USDT-SWAP");
  const sse = await openSse(`${s.url}/api/events/stream?channels=fills`, H());
  try {
    const opened = await market("BTC-USDT-SWAP", "buy", "2", "pnl-open");
    let entry = 0;
    await eventually(async () => {
      const held = (await (await fetch(`${s.url}/api/account/positions`, { headers: H() })).json()) as {
        data: { instId: string; pos: string; avgPx: string }[];
      };
      entry = Number(held.data.find((p) => p.instId === "BTC-USDT-SWAP" && Number(p.pos) === 2)?.avgPx ?? 0);
      return entry > 0;
    }, 10_000);
    const last = Number((s.state.get("tickers:BTC-USDT-SWAP") as { last: string }).last);
    expect(await s.sim!.setPrice("BTC-USDT-SWAP", last * 1.01)).toBe(true);
    await eventually(
      () => Number((s.state.get("tickers:BTC-USDT-SWAP") as { last: string }).last) > last * 1.005,
      10_000,
    );
    const closed = await market("BTC-USDT-SWAP", "sell", "2", "pnl-close", true);
    const spot = await market("BTC-USDT", "buy", "0.001", "pnl-spot");

    // Live: every fill event up to the spot order's, the closing ones with their PnL.
    const live: FillRow[] = [];
    while (!live.some((f) => f.ordId === spot)) {
      const ev = await sse.nextEvent(10_000);
      if (ev.event === "fill") live.push(ev.json<{ data: FillRow }>().data);
    }
    const of = (fills: FillRow[], ordId: string) => fills.filter((f) => f.ordId === ordId);
    const check = (fills: FillRow[]) => {
      expect(of(fills, opened).length).toBeGreaterThan(0);
      for (const f of of(fills, opened)) expect(Number(f.fillPnl)).toBe(0);
      expect(of(fills, closed).reduce((n, f) => n + Number(f.fillSz), 0)).toBeCloseTo(2, 9);
      for (const f of of(fills, closed))
        expect(Number(f.fillPnl)).toBeCloseTo((Number(f.fillPx) - entry) * Number(f.fillSz) * ctVal, 6);
      expect(of(fills, closed).reduce((n, f) => n + Number(f.fillPnl), 0)).toBeGreaterThan(0); // sold 1% higher
      for (const f of of(fills, spot)) expect(Number(f.fillPnl || 0)).toBe(0);
    };
    check(live);
    // Recorded: the same figures from ClickHouse.
    await eventually(async () => (await recorded(spot)).length > 0 && (await recorded(closed)).length > 0, 10_000);
    check([...(await recorded(opened)), ...(await recorded(closed)), ...(await recorded(spot))]);
  } finally {
    sse.close();
  }
}, 60_000);
