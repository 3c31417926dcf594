// Strategies in the dashboard, in headless Chromium against the real service (simulator, chDB):
// a grid created from the form its kind's JSON Schema generates (a 400 lands on its field),
// started, its state, open orders and log live on the page, a live param applied, stopped,
// deleted; a viewer reads it all and changes nothing; another trader duplicates one.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { ensureDashboard } from "../scripts/dashboard.ts";
import { eventually, startTestServer, type TestServer } from "./helpers.ts";
import { client, marketReady } from "./strategies-helpers.ts";
import { closeTabs, launchChromium, signIn, textMatches, WAIT } from "./web-helpers.ts";

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  await ensureDashboard();
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT" });
  await s.userToken("tom", "trader");
  await s.userToken("vera", "viewer");
  await marketReady(s, "BTC-USDT");
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});
afterEach(() => closeTabs(browser));

test("a grid from the generated form: a bad param on its field, created, started live, a live param, stopped, deleted", async () => {
  const { ctx, page } = await signIn(browser, s.url, "tom", "tom-password-1", "/strategies");
  await page.click('[data-testid="strategy-new-open"]');
  await page.selectOption('[data-testid="new-kind"]', "grid");
  // The form is the kind's schema: levels (integer, default 5, 1-50), size (required), ...
  expect(await page.getAttribute('[data-testid="new-param-levels"]', "placeholder")).toBe("5");
  expect(await page.getAttribute('[data-testid="new-param-levels"]', "max")).toBe("50");
  // The kind's description names its params as code.
  expect(await page.locator('label:has([data-testid="new-kind"]) .hint code').allTextContents()).toContain(
    "spacingPct",
  );
  await page.fill('[data-testid="new-name"]', "grid-ui");
  await page.check('[data-testid="new-inst-BTC-USDT"]');
  await page.click('[data-testid="new-submit"]');
  expect(await page.textContent('[data-testid="new-param-size-error"]')).toBe("required"); // checked here
  await page.fill('[data-testid="new-param-size"]', "0.0001");
  await page.fill('[data-testid="new-param-levels"]', "500");
  await page.click('[data-testid="new-submit"]');
  // The server's 400 names params.levels: the message is under that field.
  await textMatches(page, '[data-testid="new-param-levels-error"]', /50/);
  await page.fill('[data-testid="new-param-levels"]', "2");
  await page.click('[data-testid="new-submit"]');

  const card = await page.waitForSelector(
    '[data-testid^="strategy-"][class*="strategy"] [data-testid="strategy-state"]',
  );
  expect(await card.textContent()).toBe("stopped");
  const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  expect(id).toMatch(/^[a-z0-9]{10}$/);
  expect(await page.textContent(`[data-testid="strategy-row-${id}"]`)).toContain("grid-ui");

  await page.click('[data-testid="strategy-start"]');
  await textMatches(page, '[data-testid="strategy-state"]', /^running$/);
  // Its four orders rest (two levels each side), live from strategy:<id>; the log says so.
  await textMatches(page, '[data-testid="strategy-counters"]', /^4 open · 4 placed/);
  await page.waitForSelector('[data-testid="strategy-orders"] tbody tr:nth-child(4)');
  // A ladder: the highest price first, each in the tick's decimals, sizes in the lot's (BTC-USDT: 0.1, 0.00000001).
  const ladder = (await page.evaluate(
    `[...document.querySelectorAll('[data-testid="strategy-orders"] tbody tr')].map((tr) => [tr.cells[2].textContent, tr.cells[3].textContent])`,
  )) as [string, string][];
  expect(ladder.map(([px]) => px)).toEqual(ladder.map(([px]) => px).sort((a, b) => Number(b) - Number(a)));
  for (const [px, sz] of ladder) {
    expect(px).toMatch(/^\d+\.\d$/);
    expect(sz).toBe("0.00010000");
  }
  await textMatches(page, '[data-testid="strategy-log"]', /\S/);
  // At 1280 px the strategy takes the page's width: params and log beside its figures and orders.
  const live = (await page.locator(".strategy-live").boundingBox())!;
  const setup = (await page.locator(".strategy-setup").boundingBox())!;
  expect(setup.x).toBeGreaterThanOrEqual(live.x + live.width);
  expect(setup.y).toBeLessThan(live.y + live.height);
  await textMatches(page, `[data-testid="strategy-row-${id}"] [data-testid="row-state"]`, /^running$/);

  // While it runs: size applies live, levels only when stopped (its input is locked and says so).
  expect(await page.isDisabled('[data-testid="param-levels"]')).toBe(true);
  expect(await page.textContent('label[for="param-levels"] .tag')).toContain("when stopped");
  await page.fill('[data-testid="param-size"]', "0.0002");
  await page.click('[data-testid="strategy-save-params"]');
  const c = client(s, await s.token("tom", "tom-password-1"));
  await eventually(async () => (await c.get(id)).body.params.size === 0.0002, WAIT);
  expect((await c.get(id)).body.state).toBe("running");

  await page.click('[data-testid="strategy-stop"]');
  await textMatches(page, '[data-testid="strategy-state"]', /^stopped$/);
  await textMatches(page, '[data-testid="strategy-counters"]', /^0 open/);
  await page.click('[data-testid="strategy-delete"]');
  await page.click('[data-testid="confirm-yes"]');
  await page.waitForSelector(`[data-testid="strategy-row-${id}"]`, { state: "detached" });
  expect((await c.get(id)).status).toBe(404);
  await ctx.close();
}, 90_000);

test("a backtest from the form: the settings over the last hours' bars, its PnL, orders, curve, fills and log; nothing created; a refusal on its field", async () => {
  const { ctx, page } = await signIn(browser, s.url, "tom", "tom-password-1", "/strategies");
  const before = (await client(s, await s.token("tom", "tom-password-1")).list()).body.data.length;
  await page.click('[data-testid="strategy-new-open"]');
  await page.selectOption('[data-testid="new-kind"]', "grid");
  await page.check('[data-testid="new-inst-BTC-USDT"]');
  await page.fill('[data-testid="new-param-size"]', "0.01");
  await page.fill('[data-testid="new-param-spacingPct"]', "0.05");
  await page.selectOption('[data-testid="backtest-period"]', "6");
  await page.click('[data-testid="backtest-run"]');
  await page.waitForSelector('[data-testid="backtest"]', { timeout: WAIT });
  expect(await page.textContent('[data-testid="backtest"] h3')).toMatch(/^Backtest: BTC-USDT, 3\d\d bars of 1m/);
  await textMatches(
    page,
    '[data-testid="backtest-orders"]',
    /^\d+ placed · 0 refused · \d+ filled · \d+ canceled · volume [\d.]+$/,
  );
  expect(Number(await page.textContent('[data-testid="backtest-pnl"]'))).not.toBeNaN();
  await page.waitForSelector('[data-testid="backtest-curve"] canvas', { timeout: WAIT });
  // Its fills as arrows over the price: one per point of the curve and side.
  await page.waitForFunction(`document.querySelector('[data-testid="backtest-curve"]').marks?.length > 0`, null, {
    timeout: WAIT,
  });
  expect(await page.locator('[data-testid="backtest-fills"] tbody tr').count()).toBe(20);
  expect(await page.textContent('[data-testid="backtest-log"] li')).toMatch(
    /laying 5 levels each side of [\d.]+ every 0.05%/,
  );
  expect((await client(s, await s.token("tom", "tom-password-1")).list()).body.data.length).toBe(before);
  // A trailing stop on a holding at the start: it sells it when the market falls back from a high.
  await page.selectOption('[data-testid="new-kind"]', "stop");
  await page.selectOption('[data-testid="new-param-side"]', "sell");
  await page.fill('[data-testid="new-param-size"]', "0.01");
  await page.fill('[data-testid="new-param-trailPct"]', "0.05");
  await page.fill('[data-testid="backtest-start-position"]', "0.01");
  await page.click('[data-testid="backtest-run"]');
  await textMatches(
    page,
    '[data-testid="backtest-ended"]',
    /^finished: stop [\d.]+: sold 0.01 BTC-USDT at [\d.]+ on average$/,
  );
  await page.selectOption('[data-testid="new-kind"]', "grid");
  await page.fill('[data-testid="new-param-size"]', "0.01");
  // The server's refusal lands on the field it names.
  await page.click('[data-testid="strategy-new"] summary');
  await page.fill('[data-testid="new-limits-maxPosition"]', "-1");
  await page.click('[data-testid="backtest-run"]');
  await textMatches(page, '[data-testid="new-limits-maxPosition-error"]', /./);
  await ctx.close();
}, 60_000);

test("a strategy's fills are told on any page, as one toast under the strategy's name", async () => {
  const c = client(s, await s.token("tom", "tom-password-1"));
  // A tight grid: the simulator's market crosses its levels within seconds.
  const made = await c.create({
    name: "grid-toast",
    kind: "grid",
    instruments: ["BTC-USDT"],
    params: { levels: 3, spacingPct: 0.01, size: 0.0001 },
  });
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  const { ctx, page } = await signIn(browser, s.url, "tom", "tom-password-1", "/markets");
  expect((await c.start(id)).status).toBe(200);
  const toast = page.locator('[data-testid="toast"]:has-text("Strategy grid-toast")');
  await toast.waitFor({ timeout: WAIT });
  expect(await toast.textContent()).toMatch(/Strategy grid-toast\s*(filled: |\d+ fills, the last )(buy|sell) 0\.0001/);
  expect(await toast.locator("a").getAttribute("href")).toBe(`/strategies/${id}`);
  await c.stop(id);
  await ctx.close();
}, 60_000);

test("a viewer sees strategies live but no form and no controls", async () => {
  const c = client(s, await s.token("tom", "tom-password-1"));
  const made = await c.create({
    name: "twap-ro",
    kind: "twap",
    instruments: ["BTC-USDT"],
    params: { side: "buy", quantity: 0.001 },
  });
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  const { ctx, page } = await signIn(browser, s.url, "vera", "vera-password-1", `/strategies/${id}`);
  await textMatches(page, '[data-testid="strategy-state"]', /^stopped$/);
  expect(await page.locator('[data-testid="strategy-new-open"]').count()).toBe(0);
  expect(await page.locator('[data-testid="strategy-controls"], [data-testid="strategy-save-params"]').count()).toBe(0);
  expect(await page.isDisabled('[data-testid="param-quantity"]')).toBe(true);
  // Started by its owner: the viewer's page follows.
  expect((await c.start(id)).status).toBe(200);
  await textMatches(page, '[data-testid="strategy-state"]', /^running$/);
  await textMatches(page, `[data-testid="strategy-row-${id}"] [data-testid="row-state"]`, /^running$/);
  expect((await c.stop(id)).status).toBe(200);
  await textMatches(page, '[data-testid="strategy-state"]', /^stopped$/);
  await ctx.close();
}, 60_000);

test("another trader duplicates a strategy: the form holds its kind, instruments, params and limits, and the copy is theirs", async () => {
  const c = client(s, await s.token("tom", "tom-password-1"));
  const made = await c.create({
    name: "twap-src",
    kind: "twap",
    instruments: ["BTC-USDT"],
    params: { side: "sell", quantity: 0.002 },
    limits: { maxOrdersPerSecond: 3 },
  });
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  await s.userToken("tess", "trader");
  const { ctx, page } = await signIn(browser, s.url, "tess", "tess-password-1", `/strategies/${id}`);
  await page.waitForSelector('[data-testid="strategy-duplicate"]', { timeout: WAIT });
  // Not hers: no start, stop or delete.
  expect(await page.locator('[data-testid="strategy-start"], [data-testid="strategy-delete"]').count()).toBe(0);
  await page.click('[data-testid="strategy-duplicate"]');
  const form = '[data-testid="strategy-new"]';
  await textMatches(page, `${form} h2`, /^New strategy like twap-src$/);
  expect(await page.inputValue('[data-testid="new-kind"]')).toBe("twap");
  expect(await page.inputValue('[data-testid="new-name"]')).toBe("twap-src-copy");
  expect(await page.isChecked('[data-testid="new-inst-BTC-USDT"]')).toBe(true);
  expect(await page.inputValue('[data-testid="new-param-side"]')).toBe("sell");
  expect(await page.inputValue('[data-testid="new-param-quantity"]')).toBe("0.002");
  expect(await page.inputValue('[data-testid="new-limits-maxOrdersPerSecond"]')).toBe("3");
  await page.click('[data-testid="new-submit"]');
  await page.waitForURL((u) => u.pathname.startsWith("/strategies/") && !u.pathname.endsWith(id), { timeout: WAIT });
  const copyId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  const copy = (await (
    await fetch(`${s.url}/api/strategies/${copyId}`, {
      headers: { Authorization: `Bearer ${await s.token("tess", "tess-password-1")}` },
    })
  ).json()) as {
    name: string;
    owner: string;
    kind: string;
    params: Record<string, unknown>;
    limits: { maxOrdersPerSecond: number };
  };
  expect(copy).toMatchObject({ name: "twap-src-copy", owner: "tess", kind: "twap", limits: { maxOrdersPerSecond: 3 } });
  expect(copy.params).toMatchObject({ side: "sell", quantity: 0.002 });
  await ctx.close();
}, 60_000);

test("the strategies list sorts by a column on a click of its header, the other way on the next", async () => {
  const c = client(s, await s.token("tom", "tom-password-1"));
  for (const name of ["srt-b", "srt-a", "srt-c"])
    expect(
      (await c.create({ name, kind: "twap", instruments: ["BTC-USDT"], params: { side: "buy", quantity: 0.001 } }))
        .status,
    ).toBe(201);
  const { ctx, page } = await signIn(browser, s.url, "tom", "tom-password-1", "/strategies");
  const names = async () =>
    (await page.locator('[data-testid="strategy-list"] tbody tr td:first-child').allTextContents()).filter((n) =>
      n.startsWith("srt-"),
    );
  await eventually(async () => (await names()).length === 3, WAIT);
  await page.click('[data-testid="strategy-sort-name"]');
  expect(await names()).toEqual(["srt-a", "srt-b", "srt-c"]);
  expect(await page.getAttribute('th:has([data-testid="strategy-sort-name"])', "aria-sort")).toBe("ascending");
  await page.click('[data-testid="strategy-sort-name"]');
  expect(await names()).toEqual(["srt-c", "srt-b", "srt-a"]);
  expect(await page.getAttribute('th:has([data-testid="strategy-sort-name"])', "aria-sort")).toBe("descending");
  await ctx.close();
}, 60_000);

test("a running strategy's page draws its PnL over the run, the curve's newest point following its figures", async () => {
  const c = client(s, await s.token("tom", "tom-password-1"));
  const mid = Number(s.state.get("tickers:BTC-USDT")!.last);
  const { id } = (
    await c.create({
      name: "grid-curve",
      kind: "grid",
      instruments: ["BTC-USDT"],
      params: { levels: 2, spacingPct: 0.2, size: 0.001 },
    })
  ).body;
  expect((await c.start(id)).status).toBe(200);
  const { ctx, page } = await signIn(browser, s.url, "tom", "tom-password-1", `/strategies/${id}`);
  const SERIES = `document.querySelector('[data-testid="strategy-pnl-chart"]')?.pnl`;
  await page.waitForFunction(`${SERIES}?.data().length > 0`, null, { timeout: WAIT });
  // The market drops 0.3%: a buy fills, the PnL moves (fees, then the price), and the curve with it.
  expect(await s.sim!.setPrice("BTC-USDT", mid * 0.997)).toBe(true);
  await eventually(async () => (await c.get(id)).body.figures.counters.fills > 0, WAIT);
  await page.waitForFunction(
    `(() => {
      const last = ${SERIES}.data().at(-1)?.value;
      const shown = Number(document.querySelector('[data-testid="strategy-pnl"]')?.textContent);
      return last !== 0 && Math.abs(last - shown) < 0.006;
    })()`,
    null,
    { timeout: WAIT },
  );
  expect((await c.stop(id)).status).toBe(200);
  await ctx.close();
}, 60_000);

test("a strategy's orders in Open orders carry its name, linked to its page; a person's carry none", async () => {
  const c = client(s, await s.token("tom", "tom-password-1"));
  const { id } = (
    await c.create({
      name: "tagged-grid",
      kind: "grid",
      instruments: ["BTC-USDT"],
      params: { levels: 1, spacingPct: 2, size: 0.001 },
    })
  ).body;
  expect((await c.start(id)).status).toBe(200);
  await eventually(async () => (await c.get(id)).body.figures.openOrders.length === 2, WAIT);
  const mine = await c.call("POST", "/api/orders", {
    instId: "BTC-USDT",
    tdMode: "cash",
    side: "buy",
    ordType: "limit",
    sz: "0.001",
    px: "1000",
  });
  expect(mine.status).toBe(201);
  const { ctx, page } = await signIn(browser, s.url, "tom", "tom-password-1", "/trading");
  const ROWS = '[data-testid="open-orders"] tbody tr';
  await page.waitForFunction(
    `[...document.querySelectorAll('${ROWS}')].filter((tr) => tr.querySelector('[data-testid="strategy-tag"]')?.textContent === "tagged-grid").length === 2`,
    null,
    { timeout: WAIT },
  );
  const rows = page.locator(ROWS);
  expect(await rows.count()).toBe(3);
  expect(await page.locator(`${ROWS} [data-testid="strategy-tag"]`).count()).toBe(2);
  await page.locator(`${ROWS} [data-testid="strategy-tag"]`).first().click();
  await page.waitForSelector(`[data-testid="strategy-${id}"]`, { timeout: WAIT });
  expect(new URL(page.url()).pathname).toBe(`/strategies/${id}`);
  expect((await c.stop(id)).status).toBe(200);
  await c.call("DELETE", `/api/orders/${mine.body.ordId}?instId=BTC-USDT`);
  await ctx.close();
}, 60_000);

test("a strategy of the user's that stops without them is told on any page with its reason; one they stop is not; another's is not", async () => {
  const tom = client(s, await s.token("tom", "tom-password-1"));
  await s.userToken("tara", "trader");
  const tara = client(s, await s.token("tara", "tara-password-1"));
  const twap = { kind: "twap", instruments: ["BTC-USDT"], params: { side: "buy", quantity: 0.001, durationSec: 1 } };
  const mine = (await tom.create({ name: "twap-told", ...twap })).body.id as string;
  const stopped = (await tom.create({ name: "twap-stopped", ...twap, params: { ...twap.params, durationSec: 600 } }))
    .body.id as string;
  const theirs = (await tara.create({ name: "twap-theirs", ...twap })).body.id as string;
  const { ctx, page } = await signIn(browser, s.url, "tom", "tom-password-1", "/markets");
  await page.waitForSelector('[data-testid="stream-status"].status-live', { timeout: WAIT });
  expect((await tom.start(stopped)).status).toBe(200);
  expect((await tom.stop(stopped)).body.reason).toBe("stopped by tom");
  expect((await tara.start(theirs)).status).toBe(200);
  expect((await tom.start(mine)).status).toBe(200);
  const told = page.locator('[data-testid="toast"]:has-text("Strategy twap-told"):has-text("stopped:")');
  await told.waitFor({ timeout: WAIT });
  expect(await told.textContent()).toMatch(/stopped: finished: completed: 0\.001 BTC-USDT bought/);
  expect(await told.locator("a").getAttribute("href")).toBe(`/strategies/${mine}`);
  await eventually(async () => (await tara.get(theirs)).body.state === "stopped", WAIT);
  // Once the page shows tara's as stopped, its toasts have seen that event too.
  await page.click('[data-testid="nav-strategies"]');
  await textMatches(page, `[data-testid="strategy-row-${theirs}"] [data-testid="row-state"]`, /^stopped$/);
  const texts = await page.locator('[data-testid="toast"]').allTextContents();
  // (tara's fill is told: traders share the account's orders and fills; her strategy's stop is not tom's news)
  expect(texts.some((t) => /twap-(stopped|theirs) stopped:/.test(t))).toBe(false);
  await ctx.close();
}, 60_000);

test("the form for a stop: the name it gives follows the kind (one typed stays), its reduceOnly a checkbox in sight, a missing trigger on its field", async () => {
  const { ctx, page } = await signIn(browser, s.url, "tom", "tom-password-1", "/strategies");
  await page.click('[data-testid="strategy-new-open"]');
  await page.selectOption('[data-testid="new-kind"]', "grid");
  expect(await page.inputValue('[data-testid="new-name"]')).toBe("grid-1");
  await page.selectOption('[data-testid="new-kind"]', "stop");
  expect(await page.inputValue('[data-testid="new-name"]')).toBe("stop-1");
  const box = (await page.locator('[data-testid="new-param-reduceOnly"]').boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(12);
  expect(await page.isChecked('[data-testid="new-param-reduceOnly"]')).toBe(true); // its default
  await page.fill('[data-testid="new-name"]', "my stop");
  await page.selectOption('[data-testid="new-kind"]', "twap");
  await page.selectOption('[data-testid="new-kind"]', "stop");
  expect(await page.inputValue('[data-testid="new-name"]')).toBe("my stop");
  await page.check('[data-testid="new-inst-BTC-USDT"]');
  await page.fill('[data-testid="new-param-size"]', "0.001");
  await page.click('[data-testid="new-submit"]');
  await textMatches(
    page,
    '[data-testid="new-param-stopPx-error"]',
    /set a stop price, a take-profit price or a trailing stop/,
  );
  await ctx.close();
}, 60_000);
