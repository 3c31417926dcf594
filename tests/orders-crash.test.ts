// kill -9 under order load: every order the API acknowledged (201), its audit row and the fills
// of the market orders among them are in history after tradewire starts again on the same
// DATA_DIR. tradewire runs as a child process on the embedded defaults (simulator, chDB).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../scripts/free-port.ts";

const ADMIN_PASSWORD = "admin-password-for-crash-tests";
const dataDir = mkdtempSync(join(tmpdir(), "tw-crash-"));
const procs: Subprocess[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await Promise.all(procs.map((p) => p.exited));
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port: number): Promise<{ proc: Subprocess; url: string }> {
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    OKX_INSTRUMENTS: "BTC-USDT",
    LOG_LEVEL: "warn",
    RUNTIME_TUNING: "off",
    RISK_ORDERS_PER_S: "1000",
  };
  const proc = Bun.spawn([process.execPath, "src/main.ts"], { env, stdout: "ignore", stderr: "inherit" });
  procs.push(proc);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { proc, url };
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error("tradewire did not become ready");
    await Bun.sleep(100);
  }
}

async function login(url: string): Promise<Record<string, string>> {
  const r = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${await r.text()}`);
  return { Authorization: `Bearer ${((await r.json()) as { accessToken: string }).accessToken}` };
}

interface Acked {
  ordId: string;
  clOrdId: string;
  ordType: string;
}

/** Every row of a history route (follows the cursor). */
async function all(url: string, path: string, h: Record<string, string>): Promise<any[]> {
  const out: any[] = [];
  let cursor = "";
  for (;;) {
    const r = await fetch(
      `${url}${path}${path.includes("?") ? "&" : "?"}limit=1000${cursor ? `&cursor=${cursor}` : ""}`,
      { headers: h },
    );
    if (r.status !== 200) return out; // history not ready yet: the caller polls
    const b = (await r.json()) as { data: any[]; next: string | null };
    out.push(...b.data);
    if (!b.next) return out;
    cursor = encodeURIComponent(b.next);
  }
}

test("kill -9 while placing ~16 orders/s: no acknowledged order, audit row or fill is missing after the restart", async () => {
  const port = await freePort();
  let tw = await start(port);
  let h = await login(tw.url);
  const acked: Acked[] = [];
  const inflight = new Set<Promise<void>>();
  const place = (i: number) => {
    const body =
      i % 2 === 0
        ? { instId: "BTC-USDT", side: "buy", ordType: "market", sz: "0.001" }
        : { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.001", px: "1000" };
    const p = fetch(`${tw.url}/api/orders`, {
      method: "POST",
      headers: { ...h, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    })
      .then(async (r) => {
        if (r.status !== 201) throw new Error(`order ${i}: ${r.status} ${await r.text()}`);
        const b = (await r.json()) as { ordId: string; clOrdId: string };
        acked.push({ ordId: b.ordId, clOrdId: b.clOrdId, ordType: body.ordType });
      })
      .catch((err: Error) => {
        // Requests cut by the kill were never acknowledged; anything else is a failure of the run.
        if (!/ECONNRESET|ConnectionRefused|socket|closed|Unable to connect/i.test(err.message)) throw err;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  // ~16 orders/s for a while; then, right as an answer arrives and others are on their way, kill -9.
  const killAt = 40 + Math.floor(Math.random() * 20);
  for (let i = 0; acked.length < killAt; i++) {
    place(i);
    await Bun.sleep(60);
    if (i > 400) throw new Error(`only ${acked.length} orders acknowledged`);
  }
  place(10_001);
  place(10_002);
  tw.proc.kill("SIGKILL");
  await tw.proc.exited;
  await Promise.allSettled([...inflight]);
  const placed = [...acked];
  expect(placed.length).toBeGreaterThanOrEqual(killAt);

  // Second life on the same DATA_DIR: everything acknowledged comes back.
  tw = await start(port);
  h = await login(tw.url);
  const markets = placed.filter((o) => o.ordType === "market");
  let missing: Record<string, string[]> = {};
  const deadline = Date.now() + 45_000;
  for (;;) {
    const [orders, audit, fills] = await Promise.all([
      all(tw.url, "/api/orders/history", h),
      all(tw.url, "/api/audit?action=order.place", h),
      all(tw.url, "/api/fills", h),
    ]);
    const inOrders = new Set(orders.map((o) => o.ordId));
    const inAudit = new Set(audit.filter((a) => a.status === 201).map((a) => a.detail?.ordId));
    const filled = new Set(fills.map((f) => f.ordId));
    missing = {
      orders: placed.filter((o) => !inOrders.has(o.ordId)).map((o) => o.ordId),
      audit: placed.filter((o) => !inAudit.has(o.ordId)).map((o) => o.ordId),
      fills: markets.filter((o) => !filled.has(o.ordId)).map((o) => o.ordId),
    };
    if (Object.values(missing).every((m) => m.length === 0) || Date.now() > deadline) break;
    await Bun.sleep(250);
  }
  expect(missing).toEqual({ orders: [], audit: [], fills: [] });
}, 150_000);
