// Helpers of the browser tests: Debian's Chromium through playwright-core, a fresh profile signed
// in through the login page, and waits on what the page shows (never on time).
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { ensureDashboard } from "../scripts/dashboard.ts";
import { eventually, startTestServer, type TestServer } from "./helpers.ts";

export const WAIT = 30_000;
const CHROMIUM = "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * The service on its embedded default (simulator, chDB) streaming `instruments`, with the
 * dashboard built, once /ready says so; and a browser beside it. `close` ends both.
 */
export async function startDashboard(
  instruments: string,
): Promise<{ s: TestServer; browser: Browser; close(): Promise<void> }> {
  await ensureDashboard();
  const s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: instruments });
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, WAIT);
  const browser = await launchChromium();
  return {
    s,
    browser,
    close: async () => {
      await browser.close();
      await s.close();
    },
  };
}

/**
 * A fresh browser profile (cookies, storage) with one page signed in as `user`, the stream live;
 * `init` runs in each page before the page's own scripts (e.g. to take an ability away).
 */
export async function signIn(
  browser: Browser,
  url: string,
  user: string,
  password: string,
  path = "/",
  init?: string,
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (init) await ctx.addInitScript(init);
  const page = await ctx.newPage();
  page.setDefaultTimeout(WAIT);
  await page.goto(`${url}${path}`);
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="stream-status"].status-live');
  return { ctx, page };
}

/**
 * Closes every browser profile a test left open. Run after each test: a test that fails before
 * its own `ctx.close()` would otherwise leave its tabs streaming, and the next test that counts
 * the server's stream clients would fail too.
 */
export async function closeTabs(browser: Browser | undefined): Promise<void> {
  await Promise.all((browser?.contexts() ?? []).map((c) => c.close().catch(() => {})));
}

/** Waits until the text at `selector` satisfies `re`. */
export const textMatches = (page: Page, selector: string, re: RegExp) =>
  page.waitForFunction(`${re}.test(document.querySelector(${JSON.stringify(selector)})?.textContent ?? "")`, null, {
    timeout: WAIT,
  });
