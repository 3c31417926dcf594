// The external engine in the dashboard, in headless Chromium against the real service with Redis
// and the reference engine (test Redis DB 14): the System page's connection states and engines,
// an external strategy listed with its engine, started and its params changed from the page (a
// form from the engine's schema), and the engine falling
// silent shown live.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { ensureDashboard } from "../scripts/dashboard.ts";
import { engineState, type RefEngine, startRefEngine } from "./engine-helpers.ts";
import { ADMIN_PASSWORD, eventually, startTestServer, type TestServer } from "./helpers.ts";
import { NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";
import { closeTabs, launchChromium, signIn, textMatches } from "./web-helpers.ts";

noteSkip("web-engine");
let s: TestServer;
let engine: RefEngine;
let browser: Browser;

beforeAll(async () => {
  if (NO_REDIS) return;
  await ensureDashboard();
  const url = await testRedisUrl(14);
  s = await startTestServer({ REDIS_URL: url, ENGINE_IDS: "ref-1" }); // expected: /ready fails while it is not up
  engine = startRefEngine(url);
  await engineState(s, "ref-1", "up");
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await engine?.stop().catch(() => {});
  await s?.close();
});
afterEach(() => closeTabs(browser));

describe.skipIf(NO_REDIS)("the engine in the dashboard", () => {
  test("System shows Redis and the engine up; an external strategy is listed with its engine and started from the page; a killed engine goes silent on screen", async () => {
    const { ctx, page } = await signIn(browser, s.url, "admin", ADMIN_PASSWORD, "/system");
    const state = (c: string) => `[data-testid="check-${c}"] [data-testid="state"]`;
    await textMatches(page, state("engine"), /^up$/);
    await textMatches(page, state("redis"), /^up$/);
    await textMatches(page, '[data-testid="engine-ref-1"]', /ref-1\s*up/);

    await page.goto(`${s.url}/strategies/ref-mm`);
    await textMatches(page, '[data-testid="strategy-row-ref-mm"]', /external · ref-1/);
    expect(await page.textContent('[data-testid="strategy-engine"]')).toBe("ref-1");
    const before = await page.textContent('[data-testid="strategy-state"]');
    expect(before).toBe("stopped");
    await page.click('[data-testid="strategy-start"]');
    await textMatches(page, '[data-testid="strategy-state"]', /^running$/);
    await textMatches(page, '[data-testid="strategy-row-ref-mm"] [data-testid="row-state"]', /^running$/);

    // Its params form comes from the schema its engine sent; a change goes to the engine as a command.
    expect(await page.inputValue('[data-testid="param-spreadBps"]')).toBe("10");
    await page.fill('[data-testid="param-spreadBps"]', "25");
    await page.click('[data-testid="strategy-save-params"]');
    await eventually(() => s.engines!.strategy("ref-mm")?.params.spreadBps === 25, 10_000);
    await eventually(() => s.commands.list({ type: "strategy_update" }).at(-1)?.status === "done", 10_000);

    await page.goto(`${s.url}/system`);
    await textMatches(page, '[data-testid="engine-ref-1"]', /ref-1\s*up/);
    await engine.kill();
    await textMatches(page, '[data-testid="engine-ref-1"]', /ref-1\s*silent/);
    await textMatches(page, state("engine"), /^down$/);
    await ctx.close();
  }, 90_000);
});
