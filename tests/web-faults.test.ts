// Faults a person meets, in headless Chromium against the real service: a session the server
// ends (the user deleted by an admin, a sign-out in another tab) lands on the login page with
// the reason; a flood of updates is written to the page at most once per frame while every
// event is handled.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { ensureDashboard } from "../scripts/dashboard.ts";
import { startTestServer, type TestServer } from "./helpers.ts";
import { closeTabs, launchChromium, signIn, textMatches, WAIT } from "./web-helpers.ts";

let s: TestServer;
let browser: Browser;
let admin: string;

beforeAll(async () => {
  await ensureDashboard();
  s = await startTestServer({});
  admin = await s.token();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});
afterEach(() => closeTabs(browser));

test("an admin deletes the signed-in user: the page lands on the login page and says why", async () => {
  await s.userToken("dora", "trader");
  const { ctx, page } = await signIn(browser, s.url, "dora", "dora-password-1");
  const r = await fetch(`${s.url}/api/users/dora`, { method: "DELETE", headers: { Authorization: `Bearer ${admin}` } });
  expect(r.status).toBe(204);
  // No token refresh is due for minutes: the stream's `revoked` is what brings the page here.
  await page.waitForSelector('[data-testid="login-form"]');
  expect(await page.textContent('[data-testid="session-ended"]')).toContain("your user was deleted");
  await ctx.close();
}, 60_000);

test("signing out in one tab lands every tab of the browser on the login page", async () => {
  await s.userToken("otto", "trader");
  const { ctx, page: first } = await signIn(browser, s.url, "otto", "otto-password-1");
  const second = await ctx.newPage();
  second.setDefaultTimeout(WAIT);
  await second.goto(`${s.url}/trading`); // signed in from the refresh cookie
  await second.waitForSelector('[data-testid="stream-status"].status-live');
  await first.click('[data-testid="logout"]');
  await first.waitForSelector('[data-testid="login-form"]');
  await second.waitForSelector('[data-testid="login-form"]');
  // Signed out for real: a reload does not bring the session back.
  await second.reload();
  await second.waitForSelector('[data-testid="login-form"]');
  await ctx.close();
}, 60_000);

test("thousands of updates a second: a ticker row is written at most once per frame, every event handled, the last one shown", async () => {
  const { ctx, page } = await signIn(browser, s.url, "admin", "admin-password-for-tests", "/markets");
  const inst = "FLOOD-USDT";
  const sel = `[data-testid="ticker-${inst}"] [data-testid="last"]`;
  const publish = (last: number) =>
    s.producer.publish({
      type: "ticker",
      channel: `tickers:${inst}`,
      dataJson: JSON.stringify({ instId: inst, last: String(last), open24h: "1", ts: last }),
    });
  publish(0);
  s.bus.kick();
  await textMatches(page, sel, /^0$/);
  // In the page: count animation frames, and changes to the row's price cell.
  await page.evaluate(`(() => {
    const w = window;
    w.__frames = 0;
    w.__writes = 0;
    const tick = () => { w.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    new MutationObserver((ms) => (w.__writes += ms.length)).observe(document.querySelector(${JSON.stringify(sel)}), {
      childList: true, characterData: true, subtree: true,
    });
    w.__events0 = w.tradewire.client.stats.counts.events;
  })()`);
  // 3,000 updates: 100 every 20 ms (5,000 a second), each batch one bus kick.
  const N = 3000;
  for (let i = 1; i <= N; ) {
    for (const end = i + 100; i < end; i++) publish(i);
    s.bus.kick();
    await Bun.sleep(20);
  }
  await textMatches(page, sel, new RegExp(`^${N}$`));
  const { frames, writes, events } = (await page.evaluate(
    "({ frames: window.__frames, writes: window.__writes, events: window.tradewire.client.stats.counts.events - window.__events0 })",
  )) as { frames: number; writes: number; events: number };
  expect(events).toBeGreaterThanOrEqual(N); // every one reached the client's handlers
  expect(writes).toBeGreaterThan(0);
  expect(writes).toBeLessThanOrEqual(frames + 1); // coalesced: not one DOM write per event
  expect(writes).toBeLessThan(N / 10);
  await ctx.close();
}, 60_000);
