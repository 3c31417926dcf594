// tradewire restarts under an open dashboard (headless Chromium): the exchange (the simulator,
// its own program here) and the session store (test Redis, DB 15) carry on, tradewire comes back
// on the same port and DATA_DIR, and the page resumes by itself: it says it resynced, and the
// open orders it shows are exactly those /api/orders/history says are open, each once, including
// orders placed and canceled while the page was catching up.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ensureDashboard } from "../scripts/dashboard.ts";
import { type Simulator, startSimulator } from "../src/sim/index.ts";
import { eventually, startTestServer, type TestServer } from "./helpers.ts";
import { NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";
import { closeTabs, launchChromium, signIn, WAIT } from "./web-helpers.ts";

noteSkip("web-restart");
const dataDir = mkdtempSync(join(tmpdir(), "tw-web-restart-"));
let sim: Simulator;
let browser: Browser;
let live: TestServer | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  if (NO_REDIS) return;
  await ensureDashboard();
  sim = await startSimulator({ port: 0, seed: 21, instruments: ["BTC-USDT"] });
  env = {
    REDIS_URL: await testRedisUrl(15),
    DATA_DIR: dataDir,
    OKX_ENABLED: "true",
    OKX_INSTRUMENTS: "BTC-USDT",
    OKX_REST_URL: sim.url,
    OKX_WS_URL: sim.wsUrl,
    OKX_API_KEY: sim.credentials.apiKey,
    OKX_SECRET_KEY: sim.credentials.secretKey,
    OKX_PASSPHRASE: sim.credentials.passphrase,
    SSE_RETRY_MS: "200",
    RECORDER_FLUSH_MS: "50",
  };
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await live?.close();
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(() => closeTabs(browser));

const ready = (s: TestServer) => eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, WAIT);

/** ordIds of the open orders on the page, in DOM order (duplicates kept, to be seen). */
const shownOrders = (page: Page) =>
  page.$$eval('[data-testid="open-orders"] tr[data-testid^="order-"]', (rows) =>
    rows.map((r) => r.getAttribute("data-testid")!.slice("order-".length)),
  );

/** ordIds whose latest recorded state is open, from the history routes. */
async function openInHistory(s: TestServer, token: string): Promise<string[]> {
  const r = await fetch(`${s.url}/api/orders/history?limit=1000`, { headers: { Authorization: `Bearer ${token}` } });
  const rows = ((await r.json()) as { data: Array<{ ordId: string; state: string; uTime: number }> }).data;
  const latest = new Map<string, { state: string; uTime: number }>();
  for (const row of rows) {
    const had = latest.get(row.ordId);
    if (!had || row.uTime >= had.uTime) latest.set(row.ordId, row);
  }
  return [...latest]
    .filter(([, v]) => v.state === "live" || v.state === "partially_filled")
    .map(([id]) => id)
    .sort();
}

describe.skipIf(NO_REDIS)("a restart under the dashboard", () => {
  test("the page resumes with no gap: its open orders are the history's, once each", async () => {
    let s = (live = await startTestServer(env));
    await ready(s);
    const trader = await s.userToken("rob", "trader");
    const place = async (t: TestServer, px: string) => {
      const r = await fetch(`${t.url}/api/orders`, {
        method: "POST",
        headers: { Authorization: `Bearer ${trader}`, "Content-Type": "application/json" },
        body: JSON.stringify({ instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.001", px }),
      });
      expect(r.status).toBe(201);
      return ((await r.json()) as { ordId: string }).ordId;
    };
    const cancel = async (t: TestServer, ordId: string) =>
      expect(
        (
          await fetch(`${t.url}/api/orders/${ordId}?instId=BTC-USDT`, {
            method: "DELETE",
            headers: { Authorization: `Bearer ${trader}` },
          })
        ).status,
      ).toBe(200);

    const { ctx, page } = await signIn(browser, s.url, "rob", "rob-password-1", "/trading");
    const a = await place(s, "1000");
    const b = await place(s, "1001");
    await page.waitForSelector(`[data-testid="order-${b}"]`);
    expect((await shownOrders(page)).sort()).toEqual([a, b].sort());

    // Down, and back on the same port and data: the exchange kept the orders, Redis the session.
    const port = new URL(s.url).port;
    await s.stop();
    live = undefined;
    s = live = await startTestServer({ ...env, PORT: port });
    // While the page is catching up: one order canceled, one placed.
    await cancel(s, a);
    const c = await place(s, "1002");
    await ready(s);

    await page.waitForSelector('[data-testid="stream-status"].status-live');
    await page.waitForSelector(`[data-testid="order-${c}"]`);
    await page.waitForSelector(`[data-testid="order-${a}"]`, { state: "detached" });
    // After it is live again, one more from the stream.
    const d = await place(s, "1003");
    await page.waitForSelector(`[data-testid="order-${d}"]`);
    const notices = (await page.evaluate("window.tradewire.client.stats.report().counts")) as { resets: number };
    expect(notices.resets).toBeGreaterThanOrEqual(1); // it knew the stream could not simply continue

    await eventually(
      async () => JSON.stringify(await openInHistory(s, trader)) === JSON.stringify([b, c, d].sort()),
      WAIT,
    );
    const shown = await shownOrders(page);
    expect(shown.length).toBe(new Set(shown).size); // no duplicate rows
    expect(shown.sort()).toEqual(await openInHistory(s, trader));
    await ctx.close();
  }, 120_000);
});
