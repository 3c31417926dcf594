// The dashboard in headless Chromium (Debian's, driven by playwright-core) against the real
// service on its embedded default (OKX simulator, chDB): login, live tickers, an order placed
// from the ticket and canceled, a risk rejection on its field, two tabs on one connection, a
// viewer without a ticket, the latency panel. Every step waits for a condition, not a time.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import type { BookFrame, BookLine } from "../web/app/book/frame.ts";
import { lineTop, ROW_PX } from "../web/app/book/geometry.ts";
import { fmtPx, fmtQty, fmtSz, fmtTime } from "../web/app/format.ts";
import { sizeForShare } from "../web/client/rules.ts";
import { anOrder } from "./fixtures/order.ts";
import {
  ADMIN_PASSWORD,
  cancelOrder,
  eventually,
  exchangeEvent,
  metric,
  placeOrder,
  type TestServer,
} from "./helpers.ts";
import { closeTabs, signIn as signInAt, startDashboard, textMatches, WAIT } from "./web-helpers.ts";

let s: TestServer;
let browser: Browser;
let tina: string;

let close = async () => {};

beforeAll(async () => {
  ({ s, browser, close } = await startDashboard("BTC-USDT,ETH-USDT"));
  tina = await s.userToken("tina", "trader");
  await s.userToken("vic", "viewer");
}, 120_000);

afterAll(() => close());
afterEach(() => closeTabs(browser));
/** Orders a test left open (a failed one above all) are cancelled, so they cannot fail the tests after it. */
afterEach(() => s.commands.run("admin", { type: "cancel_all" }));
/** Price alerts too: a chart draws those of its user. */
afterEach(async () => {
  for (const a of s.alerts.list()) await s.alerts.remove({ user: "admin", role: "admin" }, a.id);
});

/** A fresh browser profile (cookies, storage) with one page signed in as `user`. */
const signIn = (user: string, password: string) => signInAt(browser, s.url, user, password);

const LAST = '[data-testid="ticker-BTC-USDT"] [data-testid="last"]';
/** BTC-USDT's decimals on the simulator: tick 0.1, lot 0.00000001 (the ticket test reads both on screen). */
const BTC = { px: 1, sz: 8 };
const PX = /^\d+\.\d$/;
const SZ = /^\d+\.\d{8}$/;
/** The frame the order book's canvas last drew (web/app/parts/OrderBook.tsx). */
const FRAME = `document.querySelector('[data-testid="book"] canvas')?.bookFrame`;
/** What the test reads of the chart's area (ChartArea in web/app/parts/CandleChart.tsx): its volume series. */
type ChartArea = { volume?: { data(): readonly { time: number; value: number }[] } };
const lastPrice = (page: Page) => page.textContent(LAST);
const streamClients = () => metric(s.url, "tradewire_stream_clients");
/** Waits until the text at `selector` is no longer `was` (the page's code runs in the browser). */
const changes = (page: Page, selector: string, was: string | null) =>
  page.waitForFunction(
    `document.querySelector(${JSON.stringify(selector)})?.textContent !== ${JSON.stringify(was)}`,
    null,
    { timeout: WAIT },
  );
/** This tab's part in sharing the stream: leader, follower or direct. */
const role = (page: Page) => page.evaluate("window.tradewire.client.info.role") as Promise<string>;

test("log in, and the tickers change on screen", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="ticker-BTC-USDT"]');
  const first = await lastPrice(page);
  expect(Number(first)).toBeGreaterThan(0);
  await changes(page, LAST, first);
  await textMatches(page, LAST, PX); // in the tick's decimals, whatever the exchange's string
  await page.waitForFunction(`${FRAME}?.bids[0]`, null, { timeout: WAIT });
  await ctx.close();
}, 60_000);

test("the instrument list: a filter narrows it by name and the keyboard picks from it, a header sorts by its column (again: the other way); the tab's title carries the selected price", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="ticker-ETH-USDT"]');
  const order = () =>
    page.evaluate(
      `[...document.querySelectorAll('[data-testid="tickers"] tbody tr')].map((tr) => tr.dataset.testid)`,
    ) as Promise<string[]>;
  const becomes = (ids: string[]) =>
    page.waitForFunction(
      `JSON.stringify([...document.querySelectorAll('[data-testid="tickers"] tbody tr')].map((tr) => tr.dataset.testid)) === ${JSON.stringify(JSON.stringify(ids))}`,
      null,
      { timeout: WAIT },
    );
  expect(await order()).toEqual(["ticker-BTC-USDT", "ticker-ETH-USDT"]); // by name at first
  await page.fill('[data-testid="ticker-filter"]', "eth");
  await becomes(["ticker-ETH-USDT"]);
  // From the filter the keyboard picks: Enter the first match, Escape clears, the arrows move.
  const FILTER = '[data-testid="ticker-filter"]';
  await page.press(FILTER, "Enter");
  await page.waitForSelector('[data-testid="ticker-ETH-USDT"].selected');
  await page.waitForSelector('[data-testid="chart"] h2:text-is("ETH-USDT")');
  await page.press(FILTER, "Escape");
  await becomes(["ticker-BTC-USDT", "ticker-ETH-USDT"]);
  expect(await page.inputValue(FILTER)).toBe("");
  await page.press(FILTER, "ArrowUp");
  await page.waitForSelector('[data-testid="ticker-BTC-USDT"].selected');
  await page.fill(FILTER, "xrp");
  await textMatches(page, '[data-testid="tickers"] tbody', /No instrument matches/);
  await page.fill(FILTER, "");
  // By last price, the highest first (BTC about 43,000, ETH about 2,300), then the other way.
  await page.click('[data-testid="sort-last"]');
  await becomes(["ticker-BTC-USDT", "ticker-ETH-USDT"]);
  expect(await page.getAttribute('th:has([data-testid="sort-last"])', "aria-sort")).toBe("descending");
  await page.click('[data-testid="sort-last"]');
  await becomes(["ticker-ETH-USDT", "ticker-BTC-USDT"]);
  // Kept for the next visit.
  await page.reload();
  await page.waitForSelector('[data-testid="ticker-ETH-USDT"]');
  await becomes(["ticker-ETH-USDT", "ticker-BTC-USDT"]);
  await page.waitForFunction(`/^\\d+\\.\\d BTC-USDT · tradewire$/.test(document.title)`, null, { timeout: WAIT });
  await ctx.close();
}, 60_000);

/**
 * The order book on the Trading page: the frame it drew is a book (asks above the spread, bids
 * below, totals growing away from it), the canvas shows it and changes, and a click on a line
 * fills the ticket with that line's price.
 */
async function checkBook(page: Page) {
  await page.click('[data-testid="nav-trading"]');
  await page.waitForSelector('[data-testid="ticket"]');
  await page.waitForFunction(`${FRAME}?.bids[1] && ${FRAME}?.asks.at(-2)`, null, { timeout: WAIT });
  const f = (await page.evaluate(FRAME)) as BookFrame;
  const depth = f.asks.length;
  expect(f.bids.length).toBe(depth);
  const lines = (xs: (BookLine | null)[]) => xs.filter((l): l is BookLine => l !== null);
  const px = (xs: (BookLine | null)[]) => lines(xs).map((l) => Number(l.px));
  const total = (xs: (BookLine | null)[]) => lines(xs).map((l) => Number(l.total));
  const falling = (xs: number[]) => xs.every((x, i) => i === 0 || x < xs[i - 1]!);
  expect(falling(px(f.asks))).toBe(true); // the worst ask on top, the best next to the spread
  expect(falling(px(f.bids))).toBe(true); // the best bid next to the spread
  expect(px(f.asks).at(-1)!).toBeGreaterThan(px(f.bids)[0]!);
  expect(falling(total(f.asks))).toBe(true);
  expect(falling(total(f.bids).reverse())).toBe(true);
  expect(f.spread).toMatch(/^\d/);
  expect(Math.max(...[...f.asks, ...f.bids].map((l) => l?.depth ?? 0))).toBe(1);
  // Every price in the tick's decimals, every size and total in the lot's: the columns line up.
  for (const l of lines([...f.asks, ...f.bids])) {
    expect(l.px).toMatch(PX);
    expect(l.sz).toMatch(SZ);
    expect(l.total).toMatch(SZ);
  }

  // The canvas shows it: its pixels are not blank, and they change as the book moves.
  const canvas = page.locator('[data-testid="book"] canvas');
  const first = await canvas.screenshot();
  const box = (await canvas.boundingBox())!;
  await canvas.evaluate((el: { style: { visibility: string } }) => (el.style.visibility = "hidden"));
  const blank = await page.screenshot({ clip: box });
  await canvas.evaluate((el: { style: { visibility: string } }) => (el.style.visibility = ""));
  expect(first.length).toBeGreaterThan(4 * blank.length); // text and bars compress far less than a plain panel
  await eventually(async () => !(await canvas.screenshot()).equals(first), WAIT);

  // The book keeps moving: each line's price is read and the line clicked in one task of the page,
  // and the ticket must then hold that price. The best bid, then the top ask shown (the worst).
  for (const [side, i] of [
    ["bid", 0],
    ["ask", f.asks.findIndex((l) => l !== null)],
  ] as const) {
    const clicked = (await page.evaluate(`(() => {
      const el = document.querySelector('[data-testid="book"] canvas');
      const px = el.bookFrame.${side}s[${i}].px;
      const r = el.getBoundingClientRect();
      const y = r.top + ${lineTop(side, i, depth) + ROW_PX / 2};
      el.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: r.left + r.width / 6, clientY: y }));
      return px;
    })()`)) as string;
    await page.waitForFunction(
      `document.querySelector('[data-testid="ticket-px"]')?.value === ${JSON.stringify(clicked)}`,
      null,
      { timeout: WAIT },
    );
  }
}

/** The page's book-drawing Workers (web/app/book/book-worker.ts, built as /assets/book-worker-<hash>.js). */
const bookWorkers = (page: Page) => page.workers().filter((w) => /\/assets\/book-worker-[\w-]+\.js$/.test(w.url()));

test("the order book, drawn by a Worker of its own: levels in order, on screen, a click on a price fills the ticket", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await checkBook(page);
  expect(bookWorkers(page).length).toBe(1);
  await ctx.close();
}, 60_000);

/** Clicks the best bid of the book on screen (its price read in the same task); returns that price. */
const clickBestBid = (page: Page, depth: number) =>
  page.evaluate(`(() => {
    const el = document.querySelector('[data-testid="book"] canvas');
    const px = el.bookFrame.bids[0].px;
    const r = el.getBoundingClientRect();
    const y = r.top + ${lineTop("bid", 0, depth) + ROW_PX / 2};
    el.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: r.left + r.width / 6, clientY: y }));
    return px;
  })()`) as Promise<string>;

test("a trader's click on a price in the Markets book opens Trading with that price in the ticket; a viewer's does nothing", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForFunction(`${FRAME}?.bids[0]`, null, { timeout: WAIT });
  const depth = ((await page.evaluate(FRAME)) as BookFrame).asks.length;
  const clicked = await clickBestBid(page, depth);
  await page.waitForSelector('[data-testid="ticket"]', { timeout: WAIT });
  expect(new URL(page.url()).pathname).toBe("/trading");
  expect(await page.inputValue('[data-testid="ticket-px"]')).toBe(clicked);
  await ctx.close();

  const viewer = await signIn("vic", "vic-password-1");
  await viewer.page.waitForFunction(`${FRAME}?.bids[0]`, null, { timeout: WAIT });
  await clickBestBid(viewer.page, depth); // a trader's click moves to /trading in the click's own task
  expect(new URL(viewer.page.url()).pathname).toBe("/");
  expect(await viewer.page.locator('[data-testid="chart"]').count()).toBe(1);
  await viewer.ctx.close();
}, 60_000);

test("where a canvas cannot be handed to a Worker, the page draws the book itself, the same way", async () => {
  const { ctx, page } = await signInAt(
    browser,
    s.url,
    "tina",
    "tina-password-1",
    "/",
    "delete HTMLCanvasElement.prototype.transferControlToOffscreen",
  );
  await checkBook(page);
  expect(bookWorkers(page).length).toBe(0);
  await ctx.close();
}, 60_000);

test("the trades tape: newest first, each as recorded (GET /api/market/trades), coloured by the taker's side; new trades come in on screen", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  const ROWS = '[data-testid="trades"] tbody tr';
  await page.waitForFunction(`document.querySelectorAll(${JSON.stringify(ROWS)}).length >= 5`, null, { timeout: WAIT });
  const shown = (await page.evaluate(
    `[...document.querySelectorAll(${JSON.stringify(ROWS)})].map((tr) => [...tr.cells].map((td) => td.textContent).concat(tr.cells[1].className))`,
  )) as string[][];
  type Row = { ts: number; tradeId: string; px: string; sz: string; side: string };
  const onScreen = (t: Row) => [
    fmtTime(t.ts),
    fmtPx(t.px, BTC.px),
    fmtSz(t.sz, BTC.sz),
    `num ${t.side === "buy" ? "up" : "down"}`,
  ];
  // The recorder writes in batches: wait until the history holds the newest trade shown.
  let recorded: Row[] = [];
  let at = -1;
  await eventually(async () => {
    const r = await fetch(`${s.url}/api/market/trades?instId=BTC-USDT&limit=200`, {
      headers: { Authorization: `Bearer ${tina}` },
    });
    recorded = ((await r.json()) as { data: Row[] }).data.sort(
      (a, b) => b.ts - a.ts || Number(b.tradeId) - Number(a.tradeId),
    );
    at = recorded.findIndex((t) => Bun.deepEquals(onScreen(t), shown[0]));
    return at >= 0 && recorded.length - at >= 5;
  }, WAIT);
  const n = Math.min(shown.length, recorded.length - at);
  expect(shown.slice(0, n)).toEqual(recorded.slice(at, at + n).map(onScreen));
  const first = shown[0]!.slice(0, 3).join("");
  await page.waitForFunction(
    `document.querySelector(${JSON.stringify(ROWS)})?.textContent !== ${JSON.stringify(first)}`,
    null,
    {
      timeout: WAIT,
    },
  );
  await ctx.close();
}, 60_000);

test("the candle chart: history from /api/market/candles, drawn with each bar's volume, moving with live trades; another bar size loads its own, and is kept", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  const histories: { bar: string; rows: number; data: { ts: number; vol: string }[] }[] = [];
  page.on("response", async (r) => {
    const u = new URL(r.url());
    if (u.pathname !== "/api/market/candles" || r.status() !== 200) return;
    const body = (await r.json().catch(() => null)) as { data: { ts: number; vol: string }[] } | null;
    if (!body) return; // a response of the page before the reload: its body is gone
    histories.push({ bar: u.searchParams.get("bar") ?? "", rows: body.data.length, data: body.data });
  });
  await page.reload();
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  // A full chart at once: before tradewire recorded any trade, the exchange's bars.
  await eventually(() => histories.some((h) => h.bar === "1m" && h.rows === 300), WAIT);
  const area = page.locator('[data-testid="chart"] .chart-area');
  const box = (await area.boundingBox())!;
  const drawn = await page.screenshot({ clip: box });
  await area.evaluate((el: { style: { visibility: string } }) => (el.style.visibility = "hidden"));
  const blank = await page.screenshot({ clip: box });
  await area.evaluate((el: { style: { visibility: string } }) => (el.style.visibility = ""));
  expect(drawn.length).toBeGreaterThan(2 * blank.length); // bars, grid and axes compress far less than a plain panel
  // Each bar's volume as the history gives it (the chart's times are local: UTC shifted by the offset).
  const history = histories.find((h) => h.bar === "1m")!.data;
  const local = (ms: number) => (ms - new Date(ms).getTimezoneOffset() * 60_000) / 1000;
  const volumes = new Map(
    (await area.evaluate((el) => (el as unknown as ChartArea).volume!.data().map((d) => [d.time, d.value]))) as [
      number,
      number,
    ][],
  );
  const settled = history.toSorted((a, b) => a.ts - b.ts).slice(0, -2); // the newest may have grown since
  expect(settled.length).toBeGreaterThan(100);
  for (const row of settled) expect(volumes.get(local(row.ts))).toBe(Number(row.vol));
  expect(settled.some((row) => Number(row.vol) > 0)).toBe(true);
  const newest = () =>
    area.evaluate((el) => {
      const d = (el as unknown as ChartArea).volume!.data().at(-1)!;
      return [d.time, d.value];
    });
  const [t0, v0] = await newest();
  // The newest bar's volume grows with the trades (or a new bar begins).
  await eventually(async () => {
    const [t, v] = await newest();
    return t! > t0! || v! > v0!;
  }, WAIT);
  // The live bar moves with the trades.
  await eventually(async () => !(await page.screenshot({ clip: box })).equals(drawn), WAIT);
  await page.click('[data-testid="chart"] button:has-text("5m")');
  await eventually(() => histories.some((h) => h.bar === "5m"), WAIT);
  await page.waitForSelector('[data-testid="chart"] button.active:has-text("5m")');
  expect(await page.locator('[data-testid="chart"] .error').count()).toBe(0);
  // The choice is kept: a reload opens the chart in 5m bars.
  const before = histories.length;
  await page.reload();
  await page.waitForSelector('[data-testid="chart"] button.active:has-text("5m")');
  await eventually(() => histories.length > before, WAIT);
  expect(histories.slice(before).map((h) => h.bar)).toEqual(["5m"]);
  await ctx.close();
}, 60_000);

test("the candle chart scrolled back to its first bar loads the bars before it", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  const pages: { cursor: boolean; first: number; rows: number }[] = [];
  page.on("response", async (r) => {
    const u = new URL(r.url());
    if (u.pathname !== "/api/market/candles" || r.status() !== 200 || u.searchParams.get("bar") !== "1m") return;
    const body = (await r.json().catch(() => null)) as { data: { ts: number }[] } | null;
    if (!body) return; // a response of the page before the reload: its body is gone
    pages.push({ cursor: u.searchParams.has("cursor"), first: body.data.at(-1)?.ts ?? 0, rows: body.data.length });
  });
  await page.reload();
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  await eventually(() => pages.some((p) => !p.cursor && p.rows === 300), WAIT);
  const box = (await page.locator('[data-testid="chart"] .chart-area').boundingBox())!;
  // Drag the bars to the right, as a trader looks back, until the chart asks for older ones.
  for (let i = 0; i < 10 && !pages.some((p) => p.cursor); i++) {
    await page.mouse.move(box.x + 40, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 80, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(200);
  }
  await eventually(() => pages.some((p) => p.cursor && p.rows > 0), WAIT);
  const first = pages.find((p) => !p.cursor)!;
  const older = pages.find((p) => p.cursor)!;
  expect(older.first).toBeLessThan(first.first); // bars before the first page's oldest
  expect(await page.locator('[data-testid="chart"] .error').count()).toBe(0);
  await ctx.close();
}, 60_000);

test("the candle chart's legend shows the bar under the pointer: open, high, low, close in the tick's decimals, its change and volume", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  const box = (await page.locator('[data-testid="chart"] .chart-area').boundingBox())!;
  const LEGEND = '[data-testid="chart-legend"]';
  await page.mouse.move(1, 1); // the pointer off the chart (the sign-in left it over the page's middle)
  await page.waitForSelector(LEGEND, { state: "detached" });
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector(LEGEND);
  const text = (await page.textContent(LEGEND))!.replace(/\s+/g, " ").trim();
  expect(text).toMatch(/^O \d+\.\d H \d+\.\d L \d+\.\d C \d+\.\d [+-]\d+\.\d\d% V [\d.]+k?$/);
  const [o, h, l, c] = [...text.matchAll(/[OHLC] (\d+\.\d)/g)].map((m) => Number(m[1]));
  expect(h).toBeGreaterThanOrEqual(Math.max(o!, c!));
  expect(l).toBeLessThanOrEqual(Math.min(o!, c!));
  await page.mouse.move(box.x - 20, box.y - 20); // off the chart
  await page.waitForSelector(LEGEND, { state: "detached" });
  await ctx.close();
}, 60_000);

test("chart indicators: picked from their menu, drawn over the candles (MA 20 the mean of the last 20 closes, the bands 2 deviations either side), following the live bar, kept across a reload, shown in the legend", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  const AREA = `document.querySelector('[data-testid="chart"] .chart-area')`;
  await page.click('[data-testid="indicators-toggle"]');
  await page.check('[data-testid="indicator-ma20"]');
  await page.check('[data-testid="indicator-bb20"]');
  await page.click('[data-testid="indicators-toggle"]');
  // Drawn once the candles are in (a loaded page under load may still be reading them).
  await page.waitForFunction(
    `${AREA}.indicators?.lines().length === 4 && ${AREA}.candles.data().length >= 20 && ${AREA}.indicators.lines().every((l) => l.series.data().length > 0)`,
    null,
    { timeout: WAIT },
  );
  expect(await page.evaluate(`${AREA}.indicators.lines().map((l) => l.name)`)).toEqual([
    "MA 20",
    "BB up",
    "BB mid",
    "BB low",
  ]);
  // The newest values against the candles' closes, read at one moment.
  const newest = `(() => {
    const a = ${AREA};
    const closes = a.candles.data().map((d) => d.close).slice(-20);
    const [ma, up, mid, low] = a.indicators.lines().map((l) => l.series.data().at(-1));
    const mean = closes.reduce((x, y) => x + y, 0) / 20;
    const sd = Math.sqrt(closes.reduce((x, y) => x + (y - mean) ** 2, 0) / 20);
    return { time: a.candles.data().at(-1).time, maTime: ma.time, ma: ma.value, mean, up: up.value - mid.value, low: mid.value - low.value, sd };
  })()`;
  const first = (await page.evaluate(newest)) as Record<string, number>;
  expect(first.maTime).toBe(first.time!);
  expect(first.ma).toBeCloseTo(first.mean!, 6);
  expect(first.up).toBeCloseTo(2 * first.sd!, 6);
  expect(first.low).toBeCloseTo(2 * first.sd!, 6);
  // The live bar moves the newest values (a new bar or a new close), and they still agree.
  await page.waitForFunction(
    `(() => { const n = ${newest}; return n.time !== ${first.time} || n.ma !== ${first.ma}; })()`,
    null,
    { timeout: WAIT },
  );
  const later = (await page.evaluate(newest)) as Record<string, number>;
  expect(later.ma).toBeCloseTo(later.mean!, 6);
  // In the legend of the bar under the pointer, in the tick's decimals.
  const box = (await page.locator('[data-testid="chart"] .chart-area').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const legend = (await page.textContent('[data-testid="chart-legend"] .indicators'))!.replace(/\s+/g, " ").trim();
  expect(legend).toMatch(/^MA 20 \d+\.\d BB up \d+\.\d BB mid \d+\.\d BB low \d+\.\d$/);
  // Kept across a reload; taken away when unchecked.
  await page.reload();
  await page.waitForFunction(`${AREA}?.indicators?.lines().length === 4`, null, { timeout: WAIT });
  expect(await page.textContent('[data-testid="indicators-toggle"]')).toBe("Indicators 2");
  await page.click('[data-testid="indicators-toggle"]');
  await page.uncheck('[data-testid="indicator-ma20"]');
  await page.uncheck('[data-testid="indicator-bb20"]');
  await page.waitForFunction(`${AREA}.indicators.lines().length === 0`, null, { timeout: WAIT });
  await ctx.close();
}, 60_000);

test("the order book knows where the user's own orders rest (the marks on its lines: unit-tested)", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForFunction(`${FRAME}?.bids[0]`, null, { timeout: WAIT });
  // Far under the market, so it rests (the lines' marks are unit-tested: web/app/book/frame.test.ts;
  // the simulator's market moves too fast to keep a level in sight for a browser test).
  const order = { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.0013", px: "1234.5", tdMode: "cash" };
  const ordId = await placeOrder(s.url, tina, order, "book-mine-1");
  const MINE = `document.querySelector('[data-testid="book"] canvas')?.bookMine`;
  await page.waitForFunction(`${MINE}?.bids.get(1234.5) === 0.0013`, null, { timeout: WAIT });
  expect(await page.evaluate(`${MINE}.asks.size`)).toBe(0);
  await cancelOrder(s.url, tina, ordId, "BTC-USDT");
  await page.waitForFunction(`${MINE}?.bids.size === 0`, null, { timeout: WAIT });
  await ctx.close();
}, 60_000);

test("the candle chart marks the user's own fills: an arrow up under the bar of a buy, with the size bought", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  const order = { instId: "BTC-USDT", side: "buy", ordType: "market", sz: "0.0042", tdMode: "cash" };
  await placeOrder(s.url, tina, order, "chart-fill-1");
  const AREA = `document.querySelector('[data-testid="chart"] .chart-area')`;
  await page.waitForFunction(
    `(${AREA}.fillMarkers ?? []).some((m) => m.shape === "arrowUp" && m.position === "belowBar" && /^B /.test(m.text) && parseFloat(m.text.slice(2)) >= 0.0042)`,
    null,
    { timeout: WAIT },
  );
  // Hovering the newest bar (just left of the price scale), the legend names the fills on it.
  const box = (await page.locator('[data-testid="chart"] .chart-area').boundingBox())!;
  const scale = (await page.evaluate(
    `[...${AREA}.querySelectorAll("canvas")].reduce((w, c) => Math.max(w, c.getBoundingClientRect().right > ${AREA}.getBoundingClientRect().right - 2 ? c.getBoundingClientRect().width : 0), 0)`,
  )) as number;
  await page.mouse.move(box.x + box.width - scale - 4, box.y + box.height / 2);
  await textMatches(page, '[data-testid="chart-legend"]', /your fills B \d/);
  await ctx.close();
}, 60_000);

test("what happens to the trader's orders is told on any page: a fill, a cancel; a toast goes when dismissed, Activity keeps it", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas'); // on Markets, no ticket in sight
  const place = (key: string, body: object) =>
    placeOrder(s.url, tina, { instId: "BTC-USDT", tdMode: "cash", ...body }, key);
  await place("toast-fill-1", { side: "buy", ordType: "market", sz: "0.0031" });
  const TOAST = '[data-testid="toast"]';
  await page.waitForSelector(`${TOAST}:has-text("Bought"):has-text("BTC-USDT")`, { timeout: WAIT });
  const bought = await page.locator(`${TOAST}:has-text("Bought")`).first().textContent();
  expect(bought).toMatch(/Bought\s+0\.0031\d* BTC-USDT at \d+\.\d/);
  const ordId = await place("toast-cancel-1", { side: "buy", ordType: "limit", sz: "0.001", px: "1000" });
  await cancelOrder(s.url, tina, ordId, "BTC-USDT");
  const canceled = page.locator(`${TOAST}:has-text("Canceled")`);
  await canceled.waitFor({ timeout: WAIT });
  expect(await canceled.textContent()).toContain("buy 0.00100000 BTC-USDT at 1000.0");
  await canceled.locator('button[aria-label="Dismiss"]').click();
  await page.waitForFunction(
    `![...document.querySelectorAll('${TOAST}')].some((t) => t.textContent.includes("Canceled"))`,
    null,
    { timeout: WAIT },
  );
  // Activity keeps what the toasts told, newest first, counted until opened.
  expect(Number(await page.textContent('[data-testid="activity-unread"]'))).toBeGreaterThanOrEqual(2);
  await page.click('[data-testid="activity-toggle"]');
  const items = await page.locator('[data-testid="activity-item"]').allTextContents();
  expect(items[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} Canceled buy 0\.00100000 BTC-USDT at 1000\.0$/);
  expect(items.some((t) => /Bought 0\.0031\d* BTC-USDT/.test(t))).toBe(true);
  expect(await page.locator('[data-testid="activity-unread"]').count()).toBe(0);
  await page.click('[data-testid="activity-clear"]');
  await page.waitForSelector('[data-testid="activity-item"]', { state: "detached" });
  await ctx.close();
}, 60_000);

test("desktop alerts, once turned on, tell a fill while the tab is hidden, and nothing while it is in sight", async () => {
  // The page's Notification and visibility stand in for the desktop's (headless Chromium shows none).
  const init = `
    window.__notes = [];
    window.Notification = class {
      static permission = "default";
      static requestPermission() { window.Notification.permission = "granted"; return Promise.resolve("granted"); }
      constructor(title, opts) { window.__notes.push({ title, body: opts.body }); }
    };
    Object.defineProperty(document, "hidden", { get: () => window.__hidden === true, configurable: true });`;
  const { ctx, page } = await signInAt(browser, s.url, "tina", "tina-password-1", "/", init);
  const toggle = '[data-testid="desktop-notices"]';
  await page.click('[data-testid="activity-toggle"]'); // the switch is in the Activity menu
  expect(await page.textContent(toggle)).toBe("Desktop alerts off");
  await page.click(toggle);
  await textMatches(page, toggle, /^Desktop alerts on$/);
  const market = (sz: string) => ({ instId: "BTC-USDT", side: "buy", ordType: "market", sz, tdMode: "cash" });
  await placeOrder(s.url, tina, market("0.0021"), "desktop-seen-1");
  await page.waitForSelector('[data-testid="toast"]:has-text("0.0021")');
  expect(await page.evaluate("window.__notes.length")).toBe(0); // in sight: the toast is enough
  await page.evaluate("window.__hidden = true");
  await placeOrder(s.url, tina, market("0.0022"), "desktop-hidden-1");
  // A market order may fill in parts: each part's toast goes to the desktop, the last saying all of it.
  await page.waitForFunction(`window.__notes.some((n) => n.body.startsWith("0.0022"))`, null, { timeout: WAIT });
  const notes = (await page.evaluate("window.__notes")) as { title: string; body: string }[];
  expect(notes.every((n) => n.title === "Bought")).toBe(true);
  expect(notes.at(-1)!.body).toMatch(/^0\.0022\d* BTC-USDT at \d+\.\d/);
  await ctx.close();
}, 60_000);

test("sound, once turned on, plays a fill's tone (higher for a buy, lower for a sell) in one tab only: the one opened or looked at last", async () => {
  // The page's AudioContext stands in for the speakers: each note started is written down.
  const init = `
    window.__tones = [];
    window.AudioContext = class {
      constructor() { this.currentTime = 0; this.destination = {}; }
      createOscillator() {
        const o = { frequency: { value: 0 }, connect() {}, start() { window.__tones.push(o.frequency.value); }, stop() {} };
        return o;
      }
      createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect() {} }; }
    };`;
  const { ctx, page } = await signInAt(browser, s.url, "tina", "tina-password-1", "/", init);
  await page.click('[data-testid="activity-toggle"]');
  await textMatches(page, '[data-testid="sound"]', /^Sound off$/);
  await page.click('[data-testid="sound"]');
  await textMatches(page, '[data-testid="sound"]', /^Sound on$/);
  const market = (side: string, sz: string) => ({ instId: "BTC-USDT", side, ordType: "market", sz, tdMode: "cash" });
  await placeOrder(s.url, tina, market("buy", "0.0023"), "sound-buy-1");
  await page.waitForFunction("window.__tones.includes(880)", null, { timeout: WAIT });
  // A second tab of the same browser, opened later, is the one that plays from now on.
  const other = await ctx.newPage();
  await other.goto(`${s.url}/markets`);
  await other.waitForSelector('[data-testid="stream-status"].status-live', { timeout: WAIT });
  const before = (await page.evaluate("window.__tones.length")) as number;
  await placeOrder(s.url, tina, market("sell", "0.0023"), "sound-sell-1");
  await other.waitForFunction("window.__tones.includes(660)", null, { timeout: WAIT });
  await other.waitForTimeout(300);
  expect(await page.evaluate("window.__tones.length")).toBe(before);
  await ctx.close();
}, 60_000);

test("the bar shows a trader the account's equity, live, as the account states it", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  const shown = async () => (await page.textContent('[data-testid="equity"]'))?.replace(/\s+/g, " ").trim();
  const stated = async () => {
    const a = (await (
      await fetch(`${s.url}/api/account`, { headers: { Authorization: `Bearer ${tina}` } })
    ).json()) as {
      account: { totalEq: string };
    };
    return Number(a.account.totalEq).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  };
  await page.waitForSelector('[data-testid="equity"]');
  await eventually(async () => (await shown())?.startsWith(`Equity ${await stated()}`) === true, WAIT);
  await ctx.close();
  const viewer = await signIn("vic", "vic-password-1");
  expect(await viewer.page.locator('[data-testid="equity"]').count()).toBe(0);
  await viewer.ctx.close();
}, 60_000);

test("a viewer gets no order toasts (the order channels are not theirs) while a trader's fill is told to the trader", async () => {
  const viewer = await signIn("vic", "vic-password-1");
  const trader = await signIn("tina", "tina-password-1");
  for (const { page } of [viewer, trader]) await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  await placeOrder(
    s.url,
    tina,
    { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "market", sz: "0.0013" },
    "viewer-toast-1",
  );
  await trader.page.waitForSelector('[data-testid="toast"]:has-text("Bought")', { timeout: WAIT });
  expect(await viewer.page.locator('[data-testid="toast"]').count()).toBe(0);
  await viewer.ctx.close();
  await trader.ctx.close();
}, 60_000);

test("price alerts: set from the chart, drawn as lines and marked in the list; one the market reaches is told once and listed as fired; held by the service, they show on another device and are removed with ×", async () => {
  const { ctx, page } = await signIn("vic", "vic-password-1"); // anyone who watches a market may set them
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  const LINES = `(document.querySelector('[data-testid="chart"] .chart-area').alertLines ?? [])`;
  const lines = () => page.evaluate(LINES) as Promise<number[]>;
  await page.click('[data-testid="alerts-toggle"]');
  const PRICE = '[data-testid="alert-price"]';
  await page.waitForFunction(`Number(document.querySelector('${PRICE}')?.value) > 0`, null, { timeout: WAIT });
  const last = Number(await page.inputValue(PRICE)); // the form starts from the last price
  const set = async (price: number) => {
    await page.fill(PRICE, String(price));
    await page.keyboard.press("Enter");
  };
  const far = Math.round(last * 3);
  await set(far);
  await page.waitForFunction(`${LINES}.includes(${far})`, null, { timeout: WAIT });
  await textMatches(page, '[data-testid="alerts-toggle"]', /^Alerts 1$/);
  // The instrument list marks the instruments with an alert.
  await page.waitForSelector('[data-testid="ticker-BTC-USDT"] [data-testid="alert-mark"]', { timeout: WAIT });
  expect(await page.locator('[data-testid="ticker-ETH-USDT"] [data-testid="alert-mark"]').count()).toBe(0);
  // One set already is refused by the service, on the form.
  await set(far);
  await textMatches(page, '[data-testid="alerts"] .error', /^an alert is set at that price$/);
  // One just above the last price, which the market then goes through.
  const now = Number(s.state.get("tickers:BTC-USDT")!.last);
  const near = Number((now * 1.002).toFixed(1));
  await page.fill('[data-testid="alert-note"]', "breakout");
  await set(near);
  await page.waitForFunction(`${LINES}.includes(${near})`, null, { timeout: WAIT });
  expect(await page.locator('[data-testid="alerts"] .error').count()).toBe(0);
  // A price of 0 is refused, on the form.
  await page.fill(PRICE, "0");
  await page.keyboard.press("Enter");
  await textMatches(page, '[data-testid="alerts"] .error', /above 0/);
  expect(await s.sim!.setPrice("BTC-USDT", now * 1.01)).toBe(true);

  const told = page.locator('[data-testid="toast"]:has-text("Price alert")').first();
  await told.waitFor({ timeout: WAIT });
  expect(await told.textContent()).toMatch(new RegExp(`BTC-USDT rose to ${near.toFixed(1)} \\(last \\d+\\.\\d\\)`));
  await page.waitForFunction(`${LINES}.length === 1`, null, { timeout: WAIT });
  expect(await lines()).toEqual([far]);
  // Fired, it is listed as such (when, at what price) until dismissed.
  await textMatches(page, '[data-testid="alerts-toggle"]', /^Alerts 1 · 1 fired$/);
  expect(await page.textContent('[data-testid="alert-fired"]')).toMatch(
    new RegExp(`^rose to ${near.toFixed(1)}\\d\\d:\\d\\d:\\d\\d at \\d+\\.\\d, breakout×$`), // when, on a line of its own
  );

  // Another device (a browser profile of its own): the same alerts, from the service.
  const other = await signIn("vic", "vic-password-1");
  await other.page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  await other.page.waitForFunction(`${LINES}.length === 1`, null, { timeout: WAIT });
  expect(await other.page.evaluate(LINES)).toEqual([far]);
  await other.page.click('[data-testid="alerts-toggle"]');
  await other.page
    .locator('[data-testid="alert"]', { hasText: `rises to ${far}` })
    .locator("button")
    .click();
  // Removed there, gone here too (the stream says so).
  await page.waitForFunction(`!${LINES}.includes(${far})`, null, { timeout: WAIT });
  for (const item of await other.page.locator('[data-testid="alert-fired"]').all())
    await item.locator("button").click();
  await textMatches(page, '[data-testid="alerts-toggle"]', /^Alerts$/);
  await other.ctx.close();
  await ctx.close();
}, 90_000);

test("a price alert's line is dragged to a new price (a viewer's too): moved at the service, on the tick grid, and drawn there", async () => {
  const { ctx, page } = await signIn("vic", "vic-password-1");
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  const AREA = `document.querySelector('[data-testid="chart"] .chart-area')`;
  const now = Number(s.state.get("tickers:BTC-USDT")!.last);
  const from = Number((now * 0.996).toFixed(1));
  await page.click('[data-testid="alerts-toggle"]');
  await page.fill('[data-testid="alert-price"]', String(from));
  await page.keyboard.press("Enter");
  await page.waitForFunction(`(${AREA}.alertLines ?? []).includes(${from})`, null, { timeout: WAIT });
  await page.click('[data-testid="alerts-toggle"]');
  const box = (await page.locator('[data-testid="chart"] .chart-area').boundingBox())!;
  const drag = async (a: number, b: number) => {
    await page.waitForFunction(`${AREA}.candles.priceToCoordinate(${a}) > 0`, null, { timeout: WAIT });
    const y = (await page.evaluate(`${AREA}.candles.priceToCoordinate(${a})`)) as number;
    const toY = (await page.evaluate(`${AREA}.candles.priceToCoordinate(${b})`)) as number;
    expect(y).toBeLessThan(box.height * 0.8);
    const x = box.x + box.width * 0.4;
    await page.mouse.move(x, box.y + y);
    await page.mouse.down();
    await page.mouse.move(x, box.y + toY, { steps: 5 });
    await page.mouse.up();
  };
  await page.evaluate(`${AREA}.candles.priceScale().applyOptions({ autoScale: false })`);
  await drag(from, now * 0.993);
  const mine = () => s.alerts.list({ owner: "vic" })[0]!;
  await eventually(() => mine().price !== from, WAIT);
  const moved = mine().price;
  expect(moved).toBeLessThan(from);
  expect(Math.abs(moved * 10 - Math.round(moved * 10))).toBeLessThan(1e-6); // the 0.1 tick
  expect(mine().up).toBe(false);
  await page.waitForFunction(`(${AREA}.alertLines ?? []).includes(${moved})`, null, { timeout: WAIT });
  await ctx.close();
}, 60_000);

test("a price alert fires with no page open: told as fired at the next sign-in; one this browser kept before is handed to the service", async () => {
  const H = { Authorization: `Bearer ${tina}`, "Content-Type": "application/json" };
  const last = Number(s.state.get("tickers:ETH-USDT")!.last);
  const r = await fetch(`${s.url}/api/alerts`, {
    method: "POST",
    headers: H,
    body: JSON.stringify({ instId: "ETH-USDT", price: Math.round(last * 0.9), note: "support" }),
  });
  expect(r.status).toBe(201);
  const { id } = (await r.json()) as { id: string };
  expect(await s.sim!.setPrice("ETH-USDT", last * 0.85)).toBe(true);
  await eventually(async () => {
    const a = (await (await fetch(`${s.url}/api/alerts/${id}`, { headers: H })).json()) as { firedAt: number | null };
    return a.firedAt !== null;
  }, WAIT);
  // A browser that kept an alert itself (before the service held them), seeded once.
  const btc = Number(s.state.get("tickers:BTC-USDT")!.last);
  const keptPx = Math.round(btc * 2);
  const seed = `if (!sessionStorage.getItem("seeded")) {
    sessionStorage.setItem("seeded", "1");
    localStorage.setItem("tradewire.alerts.tina", ${JSON.stringify(
      JSON.stringify([{ id: "old1", instId: "BTC-USDT", price: keptPx, up: true, created: 1 }]),
    )});
  }`;
  const { ctx, page } = await signInAt(browser, s.url, "tina", "tina-password-1", "/", seed);
  // Told at sign-in, once.
  const told = page.locator('[data-testid="toast"]:has-text("Price alert")');
  await told.first().waitFor({ timeout: WAIT });
  expect(await told.allTextContents()).toEqual([
    expect.stringMatching(/ETH-USDT fell to \d+\.\d\d \(last \d+\.\d\d\)/),
  ]);
  await page.click('[data-testid="ticker-ETH-USDT"]');
  await textMatches(page, '[data-testid="alerts-toggle"]', /^Alerts · 1 fired$/);
  await page.click('[data-testid="alerts-toggle"]');
  expect(await page.textContent('[data-testid="alert-fired"]')).toMatch(
    /^fell to \d+\.\d\d\d\d:\d\d:\d\d at \d+\.\d\d, support×$/,
  );
  await page.click('[data-testid="alert-fired"] button');
  await textMatches(page, '[data-testid="alerts-toggle"]', /^Alerts$/);
  // The kept one is the service's now (a click away from here), and the browser's copy is gone.
  await textMatches(page, '[data-testid="alerts-elsewhere"]', /^Also on BTC-USDT \(1 waiting\)$/);
  await page.click('[data-testid="alerts-elsewhere"] button');
  await textMatches(page, '[data-testid="alerts-toggle"]', /^Alerts 1$/);
  expect(await page.evaluate(`localStorage.getItem("tradewire.alerts.tina")`)).toBeNull();
  const mine = (await (await fetch(`${s.url}/api/alerts?owner=tina`, { headers: H })).json()) as { data: any[] };
  expect(mine.data.map((a) => [a.instId, a.price, a.up])).toEqual([["BTC-USDT", keptPx, true]]);
  await fetch(`${s.url}/api/alerts/${mine.data[0].id}`, { method: "DELETE", headers: H });
  await ctx.close();
}, 60_000);

test("Alt+click on the chart sets a price alert at that price (on the tick grid); a trader's Shift+click opens Trading with it in the ticket", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  const AREA = `document.querySelector('[data-testid="chart"] .chart-area')`;
  const area = page.locator('[data-testid="chart"] .chart-area');
  const box = (await area.boundingBox())!;
  const x = box.width * 0.4;
  const y = Math.round(box.height * 0.3); // above the middle: above the last price, most likely
  /** The price at y as the click takes it: the chart's, rounded to the 0.1 tick. */
  const priceAt = async () =>
    Math.round(((await page.evaluate(`${AREA}.candles.coordinateToPrice(${y})`)) as number) * 10) / 10;
  /** What 3 pixels are worth on the price scale: the scale follows the live prices, and may move between two reads. */
  const slack = async () =>
    Math.abs(
      (await page.evaluate(
        `${AREA}.candles.coordinateToPrice(${y}) - ${AREA}.candles.coordinateToPrice(${y + 3})`,
      )) as number,
    ) + 0.1;
  // The candles drawn (a click on an empty plot is no price), then the scale held still: it
  // follows the live prices and moved between a read and the click.
  await page.waitForFunction(`${AREA}.candles?.coordinateToPrice(${y}) > 0`, null, { timeout: WAIT });
  await page.evaluate(`${AREA}.candles.priceScale().applyOptions({ autoScale: false })`);
  const before = await priceAt();
  await area.click({ modifiers: ["Alt"], position: { x, y } });
  // Set at the service (near the last price the market may reach it at once: then it is listed as fired).
  await eventually(() => s.alerts.list({ owner: "tina" }).length === 1, WAIT);
  const alertPx = s.alerts.list({ owner: "tina" })[0]!.price;
  expect(Math.abs(alertPx - before)).toBeLessThanOrEqual(await slack());
  expect(Math.abs(alertPx * 10 - Math.round(alertPx * 10))).toBeLessThan(1e-6); // on the tick grid
  // Removed again (it would fire later on).
  await page.click('[data-testid="alerts-toggle"]');
  await page.click('[data-testid="alerts"] li button');
  await eventually(() => s.alerts.list({ owner: "tina" }).length === 0, WAIT);
  await page.click('[data-testid="alerts-toggle"]');
  const handed = await priceAt();
  const handSlack = await slack();
  await area.click({ modifiers: ["Shift"], position: { x, y } });
  await page.waitForSelector('[data-testid="ticket"]', { timeout: WAIT });
  const px = Number(await page.inputValue('[data-testid="ticket-px"]'));
  expect(Math.abs(px - handed)).toBeLessThanOrEqual(handSlack);
  await ctx.close();
}, 60_000);

test("the candle chart draws the user's open orders as lines at their prices, and takes one away when it is canceled", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  const order = { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.0012", px: "1234.5", tdMode: "cash" };
  const ordId = await placeOrder(s.url, tina, order, "chart-line-1");
  const LINES = `(document.querySelector('[data-testid="chart"] .chart-area').orderLines ?? [])`;
  await page.waitForFunction(`${LINES}.some((l) => l.ordId === ${JSON.stringify(ordId)})`, null, { timeout: WAIT });
  const line = await page.evaluate(`${LINES}.find((l) => l.ordId === ${JSON.stringify(ordId)})`);
  expect(line).toEqual({ ordId, price: 1234.5, title: "Buy 0.0012" });
  await cancelOrder(s.url, tina, ordId, "BTC-USDT");
  await page.waitForFunction(`!${LINES}.some((l) => l.ordId === ${JSON.stringify(ordId)})`, null, { timeout: WAIT });
  await ctx.close();
}, 60_000);

test("a trader drags an open order's line on the chart to a new price: the order is amended there (on the tick grid), the chart does not pan, and a partial fill meanwhile does not snap the line back", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="chart"] .chart-area canvas');
  const tickers = (await (
    await fetch(`${s.url}/api/market/tickers`, { headers: { Authorization: `Bearer ${tina}` } })
  ).json()) as {
    data: { instId: string; last: string }[];
  };
  const last = Number(tickers.data.find((t) => t.instId === "BTC-USDT")!.last);
  const px = (last * 0.998).toFixed(1); // in sight on the chart, below the market
  const ordId = await placeOrder(
    s.url,
    tina,
    { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.0012", px, tdMode: "cash" },
    "chart-drag-1",
  );
  const AREA = `document.querySelector('[data-testid="chart"] .chart-area')`;
  const LINE = `${AREA}.orderLines?.find((l) => l.ordId === ${JSON.stringify(ordId)})`;
  await page.waitForFunction(`${LINE}`, null, { timeout: WAIT });
  // The bars loaded (a line may be drawn before them, with no price scale to place it on yet).
  await page.waitForFunction(`${AREA}.candles.priceToCoordinate(${px}) !== null`, null, { timeout: WAIT });
  const box = (await page.locator('[data-testid="chart"] .chart-area').boundingBox())!;
  const y = (await page.evaluate(`${AREA}.candles.priceToCoordinate(${px})`)) as number;
  expect(y).toBeGreaterThan(0);
  expect(y).toBeLessThan(box.height * 0.8);
  const x = box.x + box.width * 0.4;
  const range = `${AREA}.chart.timeScale().getVisibleLogicalRange()`;
  const before = (await page.evaluate(range)) as { from: number; to: number };
  await page.mouse.move(x, box.y + y);
  await page.mouse.down();
  await page.mouse.move(x + 120, box.y + y + 30, { steps: 6 }); // sideways too: the chart would pan
  // A partial fill of the order while its line is held: the line stays where the pointer put it.
  const held = `${AREA}.candles.priceLines().map((l) => l.options()).find((o) => o.title.startsWith("Buy 0.0012 →"))?.price`;
  const before0 = (await page.evaluate(held)) as number;
  expect(before0).toBeLessThan(Number(px));
  exchangeEvent(s, {
    type: "order",
    channel: "orders",
    data: anOrder(ordId, { px, sz: "0.0012", accFillSz: "0.0002", state: "partially_filled", uTime: Date.now() }),
  });
  await page.waitForFunction(`${LINE}?.title === "Buy 0.001"`, null, { timeout: WAIT }); // the state has it
  expect(await page.evaluate(held)).toBe(before0);
  await page.mouse.up();
  const after = (await page.evaluate(range)) as { from: number; to: number };
  expect(after.to - after.from).toBeCloseTo(before.to - before.from, 6);
  expect(Math.abs(after.from - before.from)).toBeLessThanOrEqual(1); // a new bar may have begun
  // The order's new price, from the exchange: lower, on the tick grid; the chart's line follows it.
  const get = async () =>
    (await (
      await fetch(`${s.url}/api/orders/${ordId}?instId=BTC-USDT`, { headers: { Authorization: `Bearer ${tina}` } })
    ).json()) as {
      px: string;
    };
  await eventually(async () => (await get()).px !== px, WAIT);
  const moved = (await get()).px;
  expect(Number(moved)).toBeLessThan(Number(px));
  const ticks = Number(moved) / 0.1; // on the grid of the 0.1 tick (the simulator writes 42883.0 as "42883")
  expect(Math.abs(ticks - Math.round(ticks))).toBeLessThan(1e-6);
  await page.waitForFunction(`${LINE}?.price === ${Number(moved)}`, null, { timeout: WAIT });
  expect(await page.locator('[data-testid="chart-drag-error"]').count()).toBe(0);
  await cancelOrder(s.url, tina, ordId, "BTC-USDT");
  await ctx.close();
}, 60_000);

test("the order history pages back to the oldest closed order (dated, being from another day) and narrows to one instrument", async () => {
  // 60 orders filled two days ago, recorded: more than the 50 newest the panel starts with.
  const t0 = Date.now() - 2 * 86_400_000;
  for (let i = 0; i < 60; i++)
    exchangeEvent(s, {
      type: "order",
      channel: "orders",
      data: anOrder(`90${String(i).padStart(3, "0")}`, {
        state: "filled",
        accFillSz: "1",
        avgPx: "100",
        cTime: t0 + i * 1000,
        uTime: t0 + i * 1000,
      }),
    });
  await s.history.flush();
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.click('[data-testid="nav-trading"]');
  const OLD = '[data-testid="order-history"] tr[data-testid^="closed-90"]';
  await page.waitForSelector('[data-testid="history-older"]', { timeout: WAIT });
  expect(await page.locator(OLD).count()).toBeLessThan(60);
  while ((await page.locator('[data-testid="history-end"]').count()) === 0) {
    await page.click('[data-testid="history-older"]:not([disabled])', { timeout: WAIT });
    await page.waitForSelector('[data-testid="history-older"]:not([disabled]), [data-testid="history-end"]', {
      timeout: WAIT,
    });
  }
  expect(await page.locator(OLD).count()).toBe(60);
  // Newest first, each with its date (it is not today's).
  const first = (await page.textContent(`${OLD} td:first-child`))!;
  const d = new Date(t0 + 59_000);
  const two = (n: number) => String(n).padStart(2, "0");
  expect(first).toBe(
    `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`,
  );
  await page.selectOption('[data-testid="history-inst"]', "ETH-USDT");
  await eventually(async () => (await page.locator(OLD).count()) === 0, WAIT);
  await ctx.close();
}, 60_000);

test("open orders fit the panel at 1280 px; its Cancel all, after a confirmation, cancels every open order", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  const limit = (px: string) => ({
    instId: "BTC-USDT",
    side: "buy",
    ordType: "limit",
    sz: "0.001",
    px,
    tdMode: "cash",
  });
  const ids = [await placeOrder(s.url, tina, limit("1001")), await placeOrder(s.url, tina, limit("1002"))];
  await page.click('[data-testid="nav-trading"]');
  for (const id of ids) await page.waitForSelector(`[data-testid="order-${id}"]`);
  // At 1280 px every column shows, the row's Cancel included: no sideways scrolling.
  const fits = await page.evaluate(`(() => {
    const box = document.querySelector('[data-testid="open-orders"] .scroll');
    return box.scrollWidth <= box.clientWidth;
  })()`);
  expect(fits).toBe(true);
  await page.click('[data-testid="cancel-all-orders"]');
  expect(await page.locator('[role="dialog"]').textContent()).toContain("will be canceled");
  await page.click('[data-testid="confirm-yes"]');
  await page.waitForSelector('[data-testid="open-orders"] td.empty', { timeout: WAIT });
  const open = (await (
    await fetch(`${s.url}/api/orders`, { headers: { Authorization: `Bearer ${tina}` } })
  ).json()) as {
    data: unknown[];
  };
  expect(open.data).toEqual([]);
  await ctx.close();
}, 60_000);

/** Places an order from the Trading page's ticket (the fields given filled in) and returns its ordId. */
async function placeFromTicket(page: Page, sz: string, px?: string): Promise<string> {
  const DONE = '[data-testid="ticket-done"]';
  const before = await page.evaluate(`document.querySelector('${DONE}')?.textContent ?? ""`);
  if (px !== undefined) await page.fill('[data-testid="ticket-px"]', px);
  await page.fill('[data-testid="ticket-sz"]', sz);
  await page.click('[data-testid="ticket-submit"]');
  await page.waitForFunction(
    `/Placed \\d+/.test(document.querySelector('${DONE}')?.textContent ?? "") && document.querySelector('${DONE}').textContent !== ${JSON.stringify(before)}`,
    null,
    { timeout: WAIT },
  );
  const ordId = /Placed (\d+)/.exec((await page.textContent(DONE)) ?? "")?.[1];
  expect(ordId).toBeDefined();
  return ordId!;
}

test("the Fills panel exports the period's fills as a CSV file, oldest first, the newest one among them", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  const ordId = await placeOrder(
    s.url,
    tina,
    { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "market", sz: "0.0017" },
    "export-fill-1",
  );
  await page.waitForSelector('[data-testid="toast"]:has-text("Bought")', { timeout: WAIT }); // its fill is in
  await page.click('[data-testid="nav-trading"]');
  const EXPORT = '[data-testid="export-fills"]';
  await page.selectOption(`${EXPORT} select`, { label: "last 24 h" });
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(`${EXPORT} button`)]);
  expect(file.suggestedFilename()).toMatch(/^tradewire-fills-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
  const lines = (await Bun.file((await file.path())!).text()).trimEnd().split("\r\n");
  expect(lines[0]).toBe("time,instId,side,price,size,fee,feeCcy,pnl,execType,ordId,clOrdId,tradeId");
  const rows = lines.slice(1).map((l) => l.split(","));
  const mine = rows.filter((r) => r[9] === ordId);
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.reduce((a, r) => a + Number(r[4]), 0)).toBeCloseTo(0.0017, 9);
  for (const r of mine) expect([...r.slice(1, 3), r[7]]).toEqual(["BTC-USDT", "buy", "0"]); // a spot fill realizes nothing
  const times = rows.map((r) => Date.parse(r[0]!));
  expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  await textMatches(page, `${EXPORT} small`, new RegExp(`^${rows.length} fills$`));
  await ctx.close();
}, 60_000);

test("the ticket shows what the order spends and what it is worth, and sets a size as a share of what is available", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.click('[data-testid="nav-trading"]');
  await page.waitForSelector('[data-testid="ticket"]');
  const H = { Authorization: `Bearer ${tina}` };
  const available = async (ccy: string) => {
    const r = (await (await fetch(`${s.url}/api/account/balances`, { headers: H })).json()) as {
      data: { ccy: string; availBal: string }[];
    };
    return r.data.find((b) => b.ccy === ccy)?.availBal ?? "";
  };
  const AVAIL = '[data-testid="ticket-avail"]';
  const shows = (text: string) =>
    page.waitForFunction(`document.querySelector('${AVAIL}')?.textContent === ${JSON.stringify(text)}`, null, {
      timeout: WAIT,
    });
  // A buy spends USDT, a sell BTC: each as the account has it.
  await shows(`${await available("USDT")} USDT`);
  await page.click('[data-testid="ticket-sell"]');
  const btc = await available("BTC");
  await shows(`${btc} BTC`);
  // Half of it, down to the lot.
  await page.click('[data-testid="ticket-share-50"]');
  const sz = await page.inputValue('[data-testid="ticket-sz"]');
  expect(sz).toBe(sizeForShare(0.5, "sell", Number(btc), 0, { tickSz: 0.1, lotSz: 1e-8, minSz: 1e-5 }));
  expect(Number(sz)).toBeGreaterThan(0);
  // What it is worth at the limit price typed.
  await page.fill('[data-testid="ticket-px"]', "50000");
  expect(await page.textContent('[data-testid="ticket-value"]')).toBe(`≈ ${(Number(sz) * 50000).toFixed(2)} USDT`);
  await ctx.close();
}, 60_000);

test("a limit order from the ticket shows in open orders from the stream; canceled, it goes; the instrument's rules apply as typed; a risk rejection lands on its field", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.click('[data-testid="nav-trading"]');
  await page.waitForSelector('[data-testid="ticket"]');
  // Far below the market: the order rests.
  const ordId = await placeFromTicket(page, "0.01", "1000");
  const row = await page.waitForSelector(`[data-testid="order-${ordId}"]`);
  expect(await row.textContent()).toContain("live");
  await page.click(`[data-testid="order-${ordId}"] [data-testid="cancel"]`);
  await page.waitForSelector(`[data-testid="order-${ordId}"]`, { state: "detached" });

  // The instrument's rules (GET /api/market/instruments): shown, applied as typed (the order is
  // not sent), and the arrow keys step by them.
  expect(await page.textContent('[data-testid="ticket-px-rule"]')).toBe("tick 0.1");
  expect(await page.textContent('[data-testid="ticket-sz-rule"]')).toBe("lot 0.00000001 · min 0.00001");
  await page.fill('[data-testid="ticket-px"]', "1000.04");
  expect(await page.textContent('[data-testid="ticket-px-error"]')).toBe("px must be a multiple of 0.1");
  await page.fill('[data-testid="ticket-sz"]', "0.000001");
  expect(await page.textContent('[data-testid="ticket-sz-error"]')).toBe("sz below the minimum 0.00001");
  await page.press('[data-testid="ticket-px"]', "ArrowUp");
  expect(await page.inputValue('[data-testid="ticket-px"]')).toBe("1000.1");
  await page.press('[data-testid="ticket-sz"]', "ArrowUp");
  expect(await page.inputValue('[data-testid="ticket-sz"]')).toBe("0.00001000");
  expect(await page.locator('[data-testid="ticket-px-error"], [data-testid="ticket-sz-error"]').count()).toBe(0);
  // A risk rejection by the server (worth more than RISK_MAX_NOTIONAL): the message under the size.
  await page.fill('[data-testid="ticket-sz"]', "1000");
  await page.click('[data-testid="ticket-submit"]');
  const err = await page.waitForSelector('[data-testid="ticket-sz-error"]');
  expect(await err.textContent()).toContain("notional_too_large");
  await ctx.close();
}, 60_000);

test("an order amended from open orders shows its new price from the stream; canceled or filled, it is in the order history; a market order's fill lands in fills, and balances follow the account", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.click('[data-testid="nav-trading"]');
  await page.waitForSelector('[data-testid="ticket"]');
  const ordId = await placeFromTicket(page, "0.01", "1000");
  const row = `[data-testid="order-${ordId}"]`;
  await page.waitForSelector(row);
  await page.click(`${row} [data-testid="amend"]`);
  await page.fill(`${row} td.num input >> nth=0`, "1100");
  await page.click(`${row} [data-testid="amend-save"]`);
  await textMatches(page, `${row} td.num`, /^1100\.0$/);
  await page.click(`${row} [data-testid="cancel"]`);
  await page.waitForSelector(row, { state: "detached" });
  // Canceled, it is in the order history, at its amended price.
  await textMatches(page, `[data-testid="closed-${ordId}"] [data-testid="state"]`, /^canceled$/);
  expect(await page.textContent(`[data-testid="closed-${ordId}"]`)).toContain("1100.0");

  // A market buy fills at once: its fill shows, and the balances shown are the account's.
  const H = { Authorization: `Bearer ${tina}` };
  const balance = async (ccy: string) => {
    const b = (await (await fetch(`${s.url}/api/account/balances`, { headers: H })).json()) as {
      data: { ccy: string; availBal: string }[];
    };
    return b.data.find((x) => x.ccy === ccy)?.availBal;
  };
  const btcBefore = Number(await balance("BTC"));
  await page.selectOption('[data-testid="ticket-type"]', "market");
  const filled = await placeFromTicket(page, "0.01");
  // The fill as recorded (GET /api/fills): the one the fills table shows first.
  let fillPx = "";
  await eventually(async () => {
    const r = (await (await fetch(`${s.url}/api/fills?ordId=${filled}`, { headers: H })).json()) as {
      data: { fillPx: string }[];
    };
    fillPx = r.data[0]?.fillPx ?? "";
    return fillPx !== "";
  }, WAIT);
  await eventually(async () => Number(await balance("BTC")) > btcBefore, WAIT);
  const fillRow = '[data-testid="fills"] tbody tr:first-child';
  await textMatches(page, fillRow, /BTC-USDT\s*buy/);
  await textMatches(page, `[data-testid="closed-${filled}"] [data-testid="state"]`, /^filled$/);
  // After a reload the order history comes from the recorded history (the recorder writes in batches).
  const shows = (id: string) =>
    page.waitForSelector(`[data-testid="closed-${id}"]`, { timeout: 2_000 }).then(
      () => true,
      () => false,
    );
  await eventually(async () => {
    await page.reload();
    return (await shows(filled)) && (await shows(ordId));
  }, WAIT);
  expect(await page.textContent(fillRow)).toContain(fmtPx(fillPx, BTC.px));
  const shownBtc = () => page.textContent('[data-testid="balance-BTC"] td:nth-child(3)') as Promise<string>;
  await eventually(async () => (await shownBtc()) === fmtQty((await balance("BTC")) ?? ""), WAIT);
  expect(Number(await shownBtc())).toBeGreaterThan(btcBefore);
  await ctx.close();
}, 60_000);

test("the balances show each currency's value in USD at the last price, largest first", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.click('[data-testid="nav-trading"]');
  await page.waitForSelector('[data-testid="balance-BTC"] [data-testid="balance-usd"]:not(:text-is("–"))', {
    timeout: WAIT,
  });
  const H = { Authorization: `Bearer ${tina}` };
  const [balances, tickers] = (await Promise.all(
    ["/api/account/balances", "/api/market/tickers"].map(async (p) =>
      (await fetch(`${s.url}${p}`, { headers: H })).json(),
    ),
  )) as [{ data: { ccy: string; eq: string }[] }, { data: { instId: string; last: string }[] }];
  const k = (t: string) => Number(t.replace(/k$/, "")) * (t.endsWith("k") ? 1000 : 1);
  const shown = async (ccy: string) =>
    k((await page.textContent(`[data-testid="balance-${ccy}"] [data-testid="balance-usd"]`))!);
  const eq = (ccy: string) => Number(balances.data.find((b) => b.ccy === ccy)!.eq);
  const last = Number(tickers.data.find((t) => t.instId === "BTC-USDT")!.last);
  expect(Math.abs((await shown("BTC")) / (eq("BTC") * last) - 1)).toBeLessThan(0.01); // prices move meanwhile
  expect(Math.abs((await shown("USDT")) / eq("USDT") - 1)).toBeLessThan(0.01);
  const order = await page.locator('[data-testid="balances"] [data-testid="balance-usd"]').allTextContents();
  const values = order.filter((t) => t !== "–").map(k);
  expect(values).toEqual([...values].sort((a, b) => b - a));
  await ctx.close();
}, 60_000);

test("at phone width the Markets, Trading, System, Users and Audit pages fit the screen: nothing scrolls sideways, every page's link in sight, an open order's buttons too", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.setViewportSize({ width: 390, height: 844 });
  const wide = () => page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") as Promise<number>;
  await page.waitForFunction(`${FRAME}?.bids[0]`, null, { timeout: WAIT });
  expect(await wide()).toBeLessThanOrEqual(0);
  // The navigation wraps instead of hiding its last links in a strip that scrolls.
  const links = (await page.evaluate(
    `[...document.querySelectorAll('.top nav a')].map((a) => a.getBoundingClientRect().right)`,
  )) as number[];
  expect(links.length).toBeGreaterThanOrEqual(5);
  for (const right of links) expect(right).toBeLessThanOrEqual(390);
  const resting = await placeOrder(
    s.url,
    tina,
    { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.001", px: "1000", tdMode: "cash" },
    "phone-open-1",
  );
  await page.click('[data-testid="nav-trading"]');
  await page.waitForSelector('[data-testid="ticket"]');
  await page.waitForSelector('[data-testid="balances"] tbody tr');
  expect(await wide()).toBeLessThanOrEqual(0);
  // An open order's buttons are in sight: its row does not run out of the panel.
  await page.waitForSelector(`[data-testid="order-${resting}"] [data-testid="cancel"]`, { timeout: WAIT });
  const orders = await page.evaluate(`(() => {
    const box = document.querySelector('[data-testid="open-orders"] .scroll');
    return box.scrollWidth - box.clientWidth;
  })()`);
  expect(orders).toBeLessThanOrEqual(1);
  await cancelOrder(s.url, tina, resting, "BTC-USDT");
  // The System page's service panel: its reasons wrap instead of running out of the panel.
  await page.click('[data-testid="nav-system"]');
  await page.waitForSelector('[data-testid="check-redis"]');
  const spill = await page.evaluate(`(() => {
    const panel = document.querySelector('[data-testid="readiness"]');
    return panel.scrollWidth - panel.clientWidth;
  })()`);
  expect(spill).toBeLessThanOrEqual(1);
  await ctx.close();
  // An admin's Users page too: each user's buttons wrap rather than widen the table.
  const other = await signIn("admin", ADMIN_PASSWORD);
  await other.page.setViewportSize({ width: 390, height: 844 });
  await other.page.click('[data-testid="nav-users"]');
  await other.page.waitForSelector('[data-testid="user-list"] tbody tr');
  const users = await other.page.evaluate(`(() => {
    const panel = document.querySelector('[data-testid="user-list"]').closest(".card");
    return panel.scrollWidth - panel.clientWidth;
  })()`);
  expect(users).toBeLessThanOrEqual(1);
  // An admin has the most links (Users, Audit): all in sight; the Audit page scrolls inside its panel.
  const adminLinks = (await other.page.evaluate(
    `[...document.querySelectorAll('.top nav a')].map((a) => a.getBoundingClientRect().right)`,
  )) as number[];
  expect(adminLinks.length).toBe(7);
  for (const right of adminLinks) expect(right).toBeLessThanOrEqual(390);
  await other.page.click('[data-testid="nav-audit"]');
  await other.page.waitForSelector('[data-testid="audit"] tbody tr', { timeout: WAIT }); // rows, or "No entries."
  expect(await other.page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
  await other.ctx.close();
}, 60_000);

test("at 1280x800 the Markets page is one screen: the list, chart, book and tape all inside it, nothing below the fold", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForFunction(`${FRAME}?.bids[0]`, null, { timeout: WAIT });
  await page.waitForSelector('[data-testid="trades"] tbody tr');
  expect(await page.evaluate("document.scrollingElement.scrollHeight - window.innerHeight")).toBeLessThanOrEqual(0);
  for (const panel of [".instruments", '[data-testid="chart"]', '[data-testid="book"]', '[data-testid="trades"]']) {
    const box = (await page.locator(`.markets ${panel}`).boundingBox())!;
    expect(box.height).toBeGreaterThan(100);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
  }
  await ctx.close();
}, 60_000);

test("at 1280 px the bar holds every page's link an admin has, none scrolled out of sight", async () => {
  const { ctx, page } = await signIn("admin", ADMIN_PASSWORD);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForSelector('[data-testid="nav-audit"]');
  expect(await page.locator(".top nav a").count()).toBe(7);
  expect(
    await page.evaluate(
      `(() => { const n = document.querySelector(".top nav"); return n.scrollWidth - n.clientWidth; })()`,
    ),
  ).toBe(0);
  await ctx.close();
}, 60_000);

test("the tape's rows scroll under its header, which stays in sight", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.setViewportSize({ width: 1280, height: 800 });
  const TAPE = '.markets [data-testid="trades"]';
  await page.waitForFunction(`document.querySelectorAll('${TAPE} tbody tr').length >= 20`, null, { timeout: WAIT });
  const head = page.locator(`${TAPE} thead th >> nth=0`);
  const before = (await head.boundingBox())!;
  const scrolled = await page.evaluate(`(() => {
    const rows = document.querySelector('${TAPE} .rows');
    rows.scrollTop = 120;
    return rows.scrollTop;
  })()`);
  expect(scrolled).toBeGreaterThan(50); // the panel is shorter than its rows
  const after = (await head.boundingBox())!;
  expect(after.y).toBe(before.y);
  // And nothing of the rows shows above it: the first row in sight starts under the header.
  const firstShown = await page.evaluate(`(() => {
    const head = document.querySelector('${TAPE} thead').getBoundingClientRect();
    const rows = [...document.querySelectorAll('${TAPE} tbody tr')].map((r) => r.getBoundingClientRect());
    const top = document.querySelector('${TAPE} .rows').getBoundingClientRect().top;
    return rows.filter((r) => r.bottom > top).every((r) => r.bottom > head.bottom);
  })()`);
  expect(firstShown).toBe(true);
  await ctx.close();
}, 60_000);

test("the Audit page (admins): order requests newest first with who and the answer, narrowed by user and action; older pages on demand", async () => {
  const ordId = await placeOrder(
    s.url,
    tina,
    { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.001", px: "1000" },
    "audit-page-1",
  );
  await cancelOrder(s.url, tina, ordId, "BTC-USDT");
  const { ctx, page } = await signIn("admin", ADMIN_PASSWORD);
  await page.click('[data-testid="nav-audit"]');
  await page.waitForSelector('[data-testid="audit-row"]', { timeout: WAIT });
  const ROWS = '[data-testid="audit-row"]';
  const cells = () =>
    page.evaluate(
      `[...document.querySelectorAll('${ROWS}')].map((tr) => [...tr.cells].map((td) => td.textContent.trim()))`,
    ) as Promise<string[][]>;
  await page.fill('[data-testid="audit-user"]', "tina");
  await page.fill('[data-testid="audit-action"]', "Order.Cancel"); // actions are lower case: typed as it comes
  await page.click('[data-testid="audit"] button[type="submit"]');
  await page.waitForFunction(
    `[...document.querySelectorAll('${ROWS}')].length > 0 && [...document.querySelectorAll('${ROWS}')].every((tr) => tr.cells[1].textContent === "tina" && tr.cells[2].textContent === "order.cancel")`,
    null,
    { timeout: WAIT },
  );
  const [newest] = await cells();
  expect(newest![0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  expect(newest![4]).toBe("200 ok");
  expect(newest![3]).toBe(ordId);
  // Every action of everyone, a page of 100 at a time: "Older" appends the next page.
  await page.fill('[data-testid="audit-user"]', "");
  await page.fill('[data-testid="audit-action"]', "");
  await page.click('[data-testid="audit"] button[type="submit"]');
  await page.waitForFunction(`document.querySelectorAll('${ROWS}').length > 1`, null, { timeout: WAIT });
  const shown = (await cells()).length;
  if (shown === 100) {
    await page.click('[data-testid="audit-older"]');
    await page.waitForFunction(`document.querySelectorAll('${ROWS}').length > 100`, null, { timeout: WAIT });
  } else expect(await page.locator('[data-testid="audit-older"]').count()).toBe(0);
  const times = (await cells()).map((r) => r[0]!);
  expect(times).toEqual(times.toSorted().reverse()); // newest first, across pages
  await ctx.close();
  // Not for traders: no link, and the API refuses them.
  const trader = await signIn("tina", "tina-password-1");
  expect(await trader.page.locator('[data-testid="nav-audit"]').count()).toBe(0);
  await trader.ctx.close();
  expect((await fetch(`${s.url}/api/audit`, { headers: { Authorization: `Bearer ${tina}` } })).status).toBe(403);
}, 60_000);

test("the Users page: an admin creates a user who then signs in, changes its role, and deletes it (its page lands on the login page)", async () => {
  const { ctx, page } = await signIn("admin", ADMIN_PASSWORD);
  await page.click('[data-testid="nav-users"]');
  await page.fill('[data-testid="user-create"] input >> nth=0', "newbie");
  await page.fill('[data-testid="user-create"] input[type="password"]', "newbie-password-1");
  await page.selectOption('[data-testid="user-create"] select', "viewer");
  await page.click('[data-testid="user-create"] button[type="submit"]');
  const role = '[data-testid="user-newbie"] select';
  await page.waitForSelector(role);
  expect(await page.inputValue(role)).toBe("viewer");
  const other = await signIn("newbie", "newbie-password-1");
  expect(await other.page.textContent('[data-testid="user"]')).toContain("newbie");
  expect(await other.page.locator('[data-testid="nav-trading"]').count()).toBe(0); // a viewer does not trade

  const H = { Authorization: `Bearer ${await s.token()}` };
  const stored = async () => {
    const r = (await (await fetch(`${s.url}/api/users`, { headers: H })).json()) as {
      users: { name: string; role: string }[];
    };
    return r.users.find((u) => u.name === "newbie");
  };
  await page.selectOption(role, "trader");
  await eventually(async () => (await stored())?.role === "trader", WAIT);
  await page.click('[data-testid="user-newbie"] button:has-text("Delete")');
  await page.click('[data-testid="confirm-yes"]');
  await page.waitForSelector('[data-testid="user-newbie"]', { state: "detached" });
  expect(await stored()).toBeUndefined();
  await other.page.waitForSelector('[data-testid="login-form"]');
  await other.ctx.close();
  await ctx.close();
}, 60_000);

test("two tabs hold one stream connection; when the leader tab closes the other takes over", async () => {
  await eventually(async () => (await streamClients()) === 0, WAIT); // the earlier profiles are gone
  const { ctx, page: first } = await signIn("tina", "tina-password-1");
  const second = await ctx.newPage();
  second.setDefaultTimeout(WAIT);
  await second.goto(`${s.url}/markets`); // signed in from the refresh cookie
  await second.waitForSelector('[data-testid="stream-status"].status-live');
  await second.waitForSelector('[data-testid="ticker-BTC-USDT"]');
  expect([await role(first), await role(second)].sort()).toEqual(["follower", "leader"]);
  await eventually(async () => (await streamClients()) === 1, WAIT);

  const [leader, follower] = (await role(first)) === "leader" ? [first, second] : [second, first];
  // The follower has no connection of its own: its prices move with what the leader relays.
  await changes(follower, LAST, await lastPrice(follower));
  await leader.close();
  await follower.waitForFunction('window.tradewire.client.info.role === "leader"', null, { timeout: WAIT });
  await follower.waitForSelector('[data-testid="stream-status"].status-live');
  await eventually(async () => (await streamClients()) === 1, WAIT);
  const was = await lastPrice(follower);
  await changes(follower, LAST, was);
  await ctx.close();
}, 90_000);

test("a viewer sees no order ticket and no commands", async () => {
  const { ctx, page } = await signIn("vic", "vic-password-1");
  await page.waitForSelector('[data-testid="ticker-BTC-USDT"]');
  expect(await page.locator('[data-testid="nav-trading"]').count()).toBe(0);
  expect(await page.locator('[data-testid="nav-commands"]').count()).toBe(0);
  await page.goto(`${s.url}/trading`);
  await page.waitForSelector('[data-testid="tickers"]');
  expect(await page.locator('[data-testid="ticket"]').count()).toBe(0);
  await page.goto(`${s.url}/commands`);
  await page.waitForSelector('[data-testid="tickers"]');
  expect(await page.locator('[data-testid="kill-switch"], [data-testid="cancel-all"]').count()).toBe(0);
  await ctx.close();
}, 60_000);

test("the system page: connection states, and the latency panel with figures for each leg", async () => {
  const { ctx, page } = await signIn("admin", ADMIN_PASSWORD);
  await page.click('[data-testid="nav-system"]');
  // This server: the simulator and chDB, no Redis (so no engine bridge).
  const state = (c: string) => page.textContent(`[data-testid="check-${c}"] [data-testid="state"]`);
  await page.waitForFunction(
    `document.querySelector('[data-testid="check-okx"] [data-testid="state"]')?.textContent === "up"`,
    null,
    { timeout: WAIT },
  );
  expect([await state("clickhouse"), await state("redis"), await state("engine")]).toEqual(["up", "n/a", "n/a"]);
  expect(await page.textContent('[data-testid="check-redis"]')).toContain("no REDIS_URL");
  for (const leg of ["exchange", "ingest", "bus", "end"]) {
    const sel = JSON.stringify(`[data-testid="latency-${leg}"] [data-testid="p99"]`);
    await page.waitForFunction(`/\\d/.test(document.querySelector(${sel})?.textContent ?? "")`, null, {
      timeout: WAIT,
    });
  }
  // Opened by a load of its own, the page's own stream is among the clients it shows.
  await page.goto(`${s.url}/system`);
  await page.waitForSelector('[data-testid="stream-status"].status-live', { timeout: WAIT });
  await page.waitForFunction(`Number(document.querySelector('[data-testid="client-count"]')?.textContent) >= 1`, null, {
    timeout: WAIT,
  });
  await ctx.close();
}, 60_000);

test("the kill switch: an admin turns it on (confirmed), a trader's Commands page shows it at once from the stream, and every page of theirs a banner while it is on", async () => {
  const { ctx: tctx, page: trader } = await signIn("tina", "tina-password-1");
  await trader.click('[data-testid="nav-commands"]');
  await trader.waitForSelector('[data-testid="kill-state"].up');
  expect(await trader.textContent('[data-testid="kill-since"]')).toBe("since the service started");
  expect(await trader.locator('[data-testid="kill-on"]').count()).toBe(0); // traders see it, admins switch it

  const { ctx: actx, page: admin } = await signIn("admin", ADMIN_PASSWORD);
  await admin.click('[data-testid="nav-commands"]');
  await admin.click('[data-testid="kill-on"]');
  await admin.click('[data-testid="confirm-yes"]');
  await admin.waitForSelector('[data-testid="kill-state"].down');
  // Only the switch that changes something can be pressed.
  expect(await admin.isDisabled('[data-testid="kill-on"]')).toBe(true);
  expect(await admin.isDisabled('[data-testid="kill-off"]')).toBe(false);
  await trader.waitForSelector('[data-testid="kill-state"].down');
  expect(await trader.textContent('[data-testid="kill-since"]')).toMatch(/^since \d\d:\d\d:\d\d\.\d{3} by admin$/);
  // Every page of a trader says so under the bar.
  await trader.click('[data-testid="nav-markets"]');
  expect(await (await trader.waitForSelector('[data-testid="kill-banner"]')).textContent()).toMatch(
    /^Kill switch ON: new orders are refused \(by admin at \d\d:\d\d:\d\d\.\d{3}\)\. Commands$/,
  );
  await trader.click('[data-testid="nav-commands"]');
  expect(
    await (
      await fetch(`${s.url}/api/commands/kill-switch`, { headers: { Authorization: `Bearer ${await s.token()}` } })
    ).json(),
  ).toMatchObject({ on: true, by: "admin" });
  await admin.click('[data-testid="kill-off"]');
  await admin.click('[data-testid="confirm-yes"]');
  await trader.waitForSelector('[data-testid="kill-state"].up');
  await trader.waitForSelector('[data-testid="kill-banner"]', { state: "detached" });
  await tctx.close();
  await actx.close();
}, 60_000);

test('"/" goes to the instrument filter from anywhere on the page, but not while typing in another field', async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="ticker-ETH-USDT"]');
  await page.click('[data-testid="chart"] h2'); // focus on the page, not a field
  await page.keyboard.type("/ETH");
  expect(await page.inputValue('[data-testid="ticker-filter"]')).toBe("ETH");
  await page.keyboard.press("Escape");
  await page.click('[data-testid="alerts-toggle"]');
  await page.fill('[data-testid="alert-price"]', "");
  await page.keyboard.type("1/2");
  expect(await page.inputValue('[data-testid="alert-price"]')).toBe("1/2");
  expect(await page.inputValue('[data-testid="ticker-filter"]')).toBe("");
  await ctx.close();
}, 60_000);

test("a starred instrument is listed first, across a reload, until unstarred", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  const order = () =>
    page.evaluate(
      `[...document.querySelectorAll('[data-testid="tickers"] tbody tr')].map((tr) => tr.dataset.testid)`,
    ) as Promise<string[]>;
  await page.waitForSelector('[data-testid="ticker-ETH-USDT"]');
  expect(await order()).toEqual(["ticker-BTC-USDT", "ticker-ETH-USDT"]); // by name
  const selected = await page.textContent('[data-testid="chart"] h2');
  await page.click('[data-testid="ticker-ETH-USDT"] [data-testid="star"]');
  await page.waitForFunction(
    `document.querySelector('[data-testid="tickers"] tbody tr')?.dataset.testid === "ticker-ETH-USDT"`,
    null,
    { timeout: WAIT },
  );
  expect(await page.textContent('[data-testid="chart"] h2')).toBe(selected); // the star does not pick
  await page.reload();
  await page.waitForSelector('[data-testid="ticker-BTC-USDT"]');
  expect(await order()).toEqual(["ticker-ETH-USDT", "ticker-BTC-USDT"]);
  expect(await page.getAttribute('[data-testid="ticker-ETH-USDT"] [data-testid="star"]', "aria-pressed")).toBe("true");
  await page.click('[data-testid="ticker-ETH-USDT"] [data-testid="star"]');
  await page.waitForFunction(
    `document.querySelector('[data-testid="tickers"] tbody tr')?.dataset.testid === "ticker-BTC-USDT"`,
    null,
    { timeout: WAIT },
  );
  await ctx.close();
}, 60_000);

test("the instrument list's cells hold their text at 1280, 1600 and 1920 px (the bid and ask columns show from 1900)", async () => {
  const { ctx, page } = await signIn("tina", "tina-password-1");
  await page.waitForSelector('[data-testid="ticker-ETH-USDT"] [data-testid="last"]:not(:empty)');
  for (const [width, columns] of [
    [1280, 4],
    [1600, 4],
    [1920, 6],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    const seen = (await page.evaluate(`(() => {
      const cells = [...document.querySelectorAll('[data-testid="tickers"] th, [data-testid="tickers"] td')]
        .filter((c) => getComputedStyle(c).display !== "none");
      return {
        columns: [...document.querySelectorAll('[data-testid="tickers"] th')].filter((c) => getComputedStyle(c).display !== "none").length,
        cut: cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent),
      };
    })()`)) as { columns: number; cut: string[] };
    expect({ width, ...seen }).toEqual({ width, columns, cut: [] });
  }
  await ctx.close();
}, 60_000);
