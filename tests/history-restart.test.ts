// A restart keeps what ClickHouse holds: orders and fills (through the built-in OKX simulator),
// users with their roles and passwords, and the audit log, read back over HTTP after the second
// start on the same DATA_DIR.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_PASSWORD, eventually, startTestServer, type TestServer } from "./helpers.ts";

const dataDir = mkdtempSync(join(tmpdir(), "tw-restart-"));
const overrides = { OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT", DATA_DIR: dataDir, RECORDER_FLUSH_MS: "50" };
let live: TestServer | undefined;
afterAll(async () => {
  await live?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const json = async (r: Response) => (await r.json()) as any;
const login = (s: TestServer, username: string, password: string) =>
  fetch(`${s.url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });

test("orders, fills, users and audit written before a restart are there after it", async () => {
  // First life: a trader places a market order (fills) and a limit order it then cancels.
  let s = (live = await startTestServer(overrides));
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 15_000);
  const rita = await s.userToken("rita", "trader");
  await s.userToken("vera", "trader");
  const admin = await s.token();
  const patch = await fetch(`${s.url}/api/users/vera`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
    body: JSON.stringify({ role: "viewer", password: "vera-new-password" }),
  });
  expect(patch.status).toBe(200);
  const H = { Authorization: `Bearer ${rita}`, "Content-Type": "application/json" };
  const market = await json(
    await fetch(`${s.url}/api/orders`, {
      method: "POST",
      headers: H,
      body: JSON.stringify({ instId: "BTC-USDT", side: "buy", ordType: "market", sz: "0.001" }),
    }),
  );
  const limit = await json(
    await fetch(`${s.url}/api/orders`, {
      method: "POST",
      headers: H,
      body: JSON.stringify({ instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "1000" }),
    }),
  );
  expect(market.ordId).toMatch(/^\d+$/);
  await eventually(() => s.orders.open().some((o) => o.ordId === limit.ordId), 5_000);
  expect((await fetch(`${s.url}/api/orders/${limit.ordId}`, { method: "DELETE", headers: H })).status).toBe(200);
  // Wait until the exchange's answers (filled, canceled) are recorded.
  const states = async (t: TestServer, token: string) => {
    const r = await json(
      await fetch(`${t.url}/api/orders/history?limit=1000`, { headers: { Authorization: `Bearer ${token}` } }),
    );
    return r.data.map((o: any) => `${o.ordId}:${o.state}`) as string[];
  };
  await eventually(async () => {
    await s.history.flush();
    const st = await states(s, rita);
    return st.includes(`${market.ordId}:filled`) && st.includes(`${limit.ordId}:canceled`);
  }, 10_000);
  const before = await states(s, rita);
  await s.close();

  // Second life on the same DATA_DIR.
  s = live = await startTestServer({ ...overrides, ADMIN_PASSWORD: "another-admin-password" });
  expect((await login(s, "admin", ADMIN_PASSWORD)).status).toBe(200); // the first admin stands
  const again = await json(await login(s, "rita", "rita-password-1"));
  expect(again.accessToken).toBeString();
  const vera = await login(s, "vera", "vera-new-password");
  expect(vera.status).toBe(200);
  const me = await json(
    await fetch(`${s.url}/api/auth/me`, { headers: { Authorization: `Bearer ${(await json(vera)).accessToken}` } }),
  );
  expect(me).toEqual({ name: "vera", role: "viewer" });

  const token = again.accessToken as string;
  expect(await states(s, token)).toEqual(before);
  const fills = await json(
    await fetch(`${s.url}/api/fills?ordId=${market.ordId}`, { headers: { Authorization: `Bearer ${token}` } }),
  );
  expect(fills.data.length).toBeGreaterThan(0);
  expect(fills.data[0]).toMatchObject({ ordId: market.ordId, instId: "BTC-USDT", side: "buy" });
  const admin2 = (await json(await login(s, "admin", ADMIN_PASSWORD))).accessToken;
  const audit = await json(
    await fetch(`${s.url}/api/audit?user=rita`, { headers: { Authorization: `Bearer ${admin2}` } }),
  );
  expect(audit.data.map((a: any) => [a.action, a.status, a.code])).toEqual([
    ["order.cancel", 200, "ok"],
    ["order.place", 201, "ok"],
    ["order.place", 201, "ok"],
  ]);
  expect(audit.data[1].detail).toMatchObject({ ordId: limit.ordId });
}, 60_000);
