// The simulator with a data directory: a second simulator started on it (after the first stopped,
// or died with its process) lists the first one's orders and fills, rests its open orders again
// and numbers new orders after the old ones. Fills page by billId and time as on OKX.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Simulator, startSimulator } from "../src/sim/index.ts";
import { signed } from "./sim-helpers.ts";

const dir = join(mkdtempSync(join(tmpdir(), "tw-simdata-")), "sim");
const sims: Simulator[] = [];
afterAll(async () => {
  for (const s of sims) await s.stop();
  rmSync(join(dir, ".."), { recursive: true, force: true });
});
const start = async () => {
  const s = await startSimulator({ instruments: ["BTC-USDT"], tickMs: 0, dataDir: dir });
  sims.push(s);
  return s;
};
const place = async (sim: Simulator, o: Record<string, unknown>) => {
  const r = await signed(sim, "POST", "/api/v5/trade/order", { instId: "BTC-USDT", tdMode: "cash", side: "buy", ...o });
  expect(r.json.data[0].sCode).toBe("0");
  return r.json.data[0].ordId as string;
};
const frozenUsdt = async (sim: Simulator) =>
  Number((await signed(sim, "GET", "/api/v5/account/balance?ccy=USDT")).json.data[0].details[0].frozenBal);

test("orders, fills and open orders outlive the simulator; new ids go on after the old ones", async () => {
  const a = await start();
  const market = await place(a, { ordType: "market", sz: "0.01", tgtCcy: "base_ccy", clOrdId: "keep1" });
  const resting = await place(a, { ordType: "limit", sz: "0.01", px: "20000", clOrdId: "keep2" });
  const canceled = await place(a, { ordType: "limit", sz: "0.01", px: "21000" });
  expect(
    (await signed(a, "POST", "/api/v5/trade/cancel-order", { instId: "BTC-USDT", ordId: canceled })).json.data[0].sCode,
  ).toBe("0");
  const fillsBefore = (await signed(a, "GET", "/api/v5/trade/fills-history?instType=SPOT")).json.data;
  expect(fillsBefore.length).toBeGreaterThan(0);
  expect(await frozenUsdt(a)).toBeGreaterThan(0);
  // No stop(): the file is written before each answer, as if the process had been killed here.
  const b = await start();
  const history = (await signed(b, "GET", "/api/v5/trade/orders-history?instType=SPOT")).json.data;
  expect(history.map((o: any) => [o.ordId, o.state])).toEqual([
    [canceled, "canceled"],
    [market, "filled"],
  ]);
  const pending = (await signed(b, "GET", "/api/v5/trade/orders-pending?instType=SPOT")).json.data;
  expect(pending.map((o: any) => [o.ordId, o.clOrdId, o.state])).toEqual([[resting, "keep2", "live"]]);
  expect((await signed(b, "GET", "/api/v5/trade/order?instId=BTC-USDT&clOrdId=keep1")).json.data[0]).toMatchObject({
    ordId: market,
    state: "filled",
    accFillSz: "0.01",
  });
  expect((await signed(b, "GET", "/api/v5/trade/fills-history?instType=SPOT")).json.data).toEqual(fillsBefore);
  expect(await frozenUsdt(b)).toBeCloseTo(0.01 * 20000, 6); // the resting order's funds, frozen again
  const next = await place(b, { ordType: "limit", sz: "0.01", px: "20000" });
  expect(BigInt(next)).toBeGreaterThan(BigInt(canceled));
  // A resting order that the market crosses after the restart fills as before.
  b.setPrice("BTC-USDT", 19_000);
  b.step(2);
  expect((await signed(b, "GET", `/api/v5/trade/order?instId=BTC-USDT&ordId=${resting}`)).json.data[0].state).toBe(
    "filled",
  );
  expect(statSync(join(dir, "orders.jsonl")).mode & 0o777).toBe(0o600);
  expect(readFileSync(join(dir, "orders.jsonl"), "utf8")).not.toContain("tw-sim-secret");
}, 30_000);

test("fills-history pages by billId (after: older, before: newer) and by time (begin, end)", async () => {
  const s = sims.at(-1)!;
  for (let i = 0; i < 4; i++) await place(s, { ordType: "market", sz: "0.001", tgtCcy: "base_ccy" });
  const all = (await signed(s, "GET", "/api/v5/trade/fills-history?instType=SPOT")).json.data as any[];
  const ids = all.map((f) => BigInt(f.billId));
  expect(ids).toEqual([...ids].sort((x, y) => (x > y ? -1 : 1)));
  const page = (await signed(s, "GET", `/api/v5/trade/fills-history?instType=SPOT&limit=2&after=${all[1].billId}`)).json
    .data as any[];
  expect(page.map((f) => f.billId)).toEqual([all[2].billId, all[3].billId]);
  const newer = (await signed(s, "GET", `/api/v5/trade/fills-history?instType=SPOT&before=${all[2].billId}`)).json
    .data as any[];
  expect(newer.map((f) => f.billId)).toEqual([all[0].billId, all[1].billId]);
  const ts = Number(all[0].ts);
  const inRange = (await signed(s, "GET", `/api/v5/trade/fills-history?instType=SPOT&begin=${ts}&end=${ts}`)).json
    .data as any[];
  expect(inRange.length).toBeGreaterThan(0);
  expect(inRange.every((f) => Number(f.ts) === ts)).toBe(true);
});
