// A perpetual swap's funding in headless Chromium against the service on its embedded default:
// the chart's header and the ticket say the swap's rate and count down to when it is paid (a spot
// pair has none), live as the exchange changes it; from 1600 px a position's row says what it
// will pay or receive then.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { fmtCountdown, fmtFundingRate, fundingPayment } from "../web/app/funding.ts";
import { contractValue, eventually, placeOrder, type TestServer } from "./helpers.ts";
import { closeTabs, signIn as signInAt, startDashboard, textMatches, WAIT } from "./web-helpers.ts";

let s: TestServer;
let browser: Browser;
let tina: string;
let close = async () => {};

beforeAll(async () => {
  ({ s, browser, close } = await startDashboard("BTC-USDT,BTC-USDT-SWAP"));
  tina = await s.userToken("tina", "trader");
}, 120_000);
afterAll(() => close());
afterEach(() => closeTabs(browser), 30_000);

const signIn = (user: string, password: string) => signInAt(browser, s.url, user, password);
const H = () => ({ Authorization: `Bearer ${tina}` });
interface FundingRow {
  instId: string;
  fundingRate: string;
  fundingTime: number;
  nextFundingTime: number;
}
const latestFunding = async (): Promise<FundingRow[]> =>
  ((await (await fetch(`${s.url}/api/market/funding`, { headers: H() })).json()) as { data: FundingRow[] }).data;
/** Sets the swap's rate on the simulator (its admin route), which pushes it at once. */
const setRate = async (rate: number) => {
  const r = await fetch(`${s.sim!.url}/sim/funding`, {
    method: "POST",
    body: JSON.stringify({ instId: "BTC-USDT-SWAP", rate }),
  });
  expect(r.status).toBe(200);
};

test("the swap's funding rate and the time left until it is paid, in the chart's header and the ticket; live; none for spot", async () => {
  await eventually(async () => (await latestFunding()).some((f) => f.instId === "BTC-USDT-SWAP"), WAIT);
  const [f] = await latestFunding();
  expect(f!.instId).toBe("BTC-USDT-SWAP");
  expect(f!.fundingTime).toBeGreaterThan(Date.now());
  expect(f!.nextFundingTime).toBeGreaterThan(f!.fundingTime);

  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.click('[data-testid="ticker-BTC-USDT"]');
  await page.waitForSelector('[data-testid="chart"] h2:text-is("BTC-USDT")');
  expect(await page.$('[data-testid="chart"] [data-testid="funding"]')).toBeNull();

  await page.click('[data-testid="ticker-BTC-USDT-SWAP"]');
  await page.waitForSelector('[data-testid="chart"] h2:text-is("BTC-USDT-SWAP")');
  const RATE = '[data-testid="chart"] [data-testid="funding-rate"]';
  await textMatches(page, RATE, /%$/);
  expect(await page.textContent(RATE)).toBe(fmtFundingRate(f!.fundingRate));
  // The countdown is the time left until fundingTime, and it moves each second.
  const left = (await page.textContent('[data-testid="chart"] [data-testid="funding-countdown"]'))!;
  const secs = (t: string) => t.split(":").reduce((n, p) => n * 60 + Number(p), 0);
  expect(Math.abs(secs(left) - secs(fmtCountdown(f!.fundingTime, Date.now())))).toBeLessThanOrEqual(2);
  await page.waitForFunction(
    `document.querySelector('[data-testid="chart"] [data-testid="funding-countdown"]')?.textContent !== ${JSON.stringify(left)}`,
  );

  // The exchange changes the rate: the header follows, coloured by who pays.
  await setRate(-0.00042);
  await textMatches(page, RATE, /^-0\.0420%$/);
  expect(await page.getAttribute(RATE, "class")).toContain("down");
  await setRate(0.00075);
  await textMatches(page, RATE, /^0\.0750%$/);
  expect(await page.getAttribute(RATE, "class")).toContain("up");
  expect(await page.getAttribute('[data-testid="chart"] [data-testid="funding"]', "title")).toContain(
    "longs pay shorts",
  );

  // The ticket on a swap says it too; on a spot pair it does not.
  await page.click('[data-testid="nav-trading"]');
  await page.selectOption('[data-testid="ticket-inst"]', "BTC-USDT-SWAP");
  await textMatches(page, '[data-testid="ticket"] [data-testid="funding-rate"]', /^0\.0750%$/);
  await page.selectOption('[data-testid="ticket-inst"]', "BTC-USDT");
  await page.waitForSelector('[data-testid="ticket"] [data-testid="funding"]', { state: "detached" });
  await ctx.close();
}, 90_000);

test("from 1600 px a swap position's row says what it pays or receives at the next funding, at the mark and the rate", async () => {
  await setRate(0.001);
  await placeOrder(
    s.url,
    tina,
    { instId: "BTC-USDT-SWAP", side: "buy", ordType: "market", sz: "3", tdMode: "cross" },
    "funding-long",
  );
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.setViewportSize({ width: 1700, height: 900 });
  await page.click('[data-testid="nav-trading"]');
  const CELL = '[data-testid="position-BTC-USDT-SWAP:net"] [data-testid="position-funding"]';
  await textMatches(page, CELL, /^-\d+\.\d\d$/); // a long pays when the rate is positive
  const ctVal = await contractValue(s.url, tina, "BTC-USDT-SWAP");
  const mark = async () =>
    Number(
      (
        (await (await fetch(`${s.url}/api/account/positions`, { headers: H() })).json()) as {
          data: { instId: string; markPx: string }[];
        }
      ).data.find((p) => p.instId === "BTC-USDT-SWAP")!.markPx,
    );
  // The mark moves with the market: the shown figure lies between what it was just before and just after.
  const before = fundingPayment(3, ctVal, await mark(), 0.001);
  const shown = Number(await page.textContent(CELL));
  const after = fundingPayment(3, ctVal, await mark(), 0.001);
  expect(shown).toBeGreaterThanOrEqual(Math.min(before, after) * 1.01 - 0.01);
  expect(shown).toBeLessThanOrEqual(Math.max(before, after) * 0.99 + 0.01);

  // Short now: it receives.
  await placeOrder(
    s.url,
    tina,
    { instId: "BTC-USDT-SWAP", side: "sell", ordType: "market", sz: "5", tdMode: "cross" },
    "funding-short",
  );
  await textMatches(page, CELL, /^\+\d+\.\d\d$/);
  await s.commands.run("admin", { type: "close_all" });
  await page.waitForSelector(CELL, { state: "detached" });
  await ctx.close();
}, 90_000);
