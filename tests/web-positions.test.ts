// Positions on the Trading page in headless Chromium against the service on its embedded default,
// with a swap configured: a position opened at market shows, and its Close (confirmed) takes it
// to nothing with a reduce-only market order.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { placeOrder, type TestServer } from "./helpers.ts";
import { signIn as signInAt, startDashboard, WAIT } from "./web-helpers.ts";

let s: TestServer;
let browser: Browser;
let tina: string;
let close = async () => {};

beforeAll(async () => {
  ({ s, browser, close } = await startDashboard("BTC-USDT,BTC-USDT-SWAP"));
  tina = await s.userToken("tina", "trader");
}, 120_000);

afterAll(() => close());

const signIn = (user: string, password: string) => signInAt(browser, s.url, user, password);

test("a position closes from its row: after the confirmation, a reduce-only market order takes it to nothing", async () => {
  const order = { instId: "BTC-USDT-SWAP", side: "buy", ordType: "market", sz: "3", tdMode: "cross" };
  await placeOrder(s.url, tina, order, "swap-open-1");
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.click('[data-testid="nav-trading"]');
  const ROW = '[data-testid="position-BTC-USDT-SWAP:net"]';
  await page.waitForSelector(`${ROW} td:nth-child(2):text-is("3")`, { timeout: WAIT });
  await page.click(`${ROW} [data-testid="position-close"]`);
  expect(await page.locator('[role="dialog"]').textContent()).toContain("Sell 3 BTC-USDT-SWAP at market, reduce only");
  await page.click('[data-testid="confirm-yes"]');
  await page.waitForSelector(ROW, { state: "detached", timeout: WAIT });
  const positions = (await (
    await fetch(`${s.url}/api/account/positions`, { headers: { Authorization: `Bearer ${tina}` } })
  ).json()) as { data: { instId: string; pos: string }[] };
  expect(positions.data.filter((p) => p.instId === "BTC-USDT-SWAP" && Number(p.pos) !== 0)).toEqual([]);
  await ctx.close();
}, 60_000);
