// /docs in a real browser (Debian's chromium through playwright-core): Swagger UI renders under
// its Content-Security-Policy without loading anything from elsewhere, "Authorize" takes a bearer
// token and "Try it out" calls this origin with it. Skipped where no chromium is installed.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { ADMIN_PASSWORD, startTestServer, type TestServer } from "./helpers.ts";

const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
const HAVE = existsSync(CHROMIUM);

let s: TestServer;
let browser: Browser;
beforeAll(async () => {
  if (!HAVE) return;
  s = await startTestServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test.skipIf(!HAVE)(
  "Swagger UI: renders every operation, Authorize with a bearer token, Try it out on GET /api/auth/me",
  async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith(s.url) && !r.url().startsWith("data:")) elsewhere.push(r.url());
    });

    await page.goto(`${s.url}/docs`);
    await page.waitForSelector(".opblock", { timeout: 15_000 });
    // Swagger UI lists an operation under each of its tags.
    const spec = (await (await fetch(`${s.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags: string[] }>>;
    };
    const shown = Object.values(spec.paths)
      .flatMap((ops) => Object.values(ops))
      .reduce((n, op) => n + op.tags.length, 0);
    expect(await page.locator(".opblock").count()).toBe(shown);

    const token = await s.token("admin", ADMIN_PASSWORD);
    await page.click("button.authorize");
    const bearer = page.locator(".modal-ux .auth-container").filter({ hasText: "bearer" });
    await bearer.locator("input").first().fill(token);
    await bearer.locator("button.authorize").click();
    await page.click("button.btn-done");

    const op = page.locator("#operations-auth-get_api_auth_me");
    await op.locator(".opblock-summary").click();
    await op.locator("button.try-out__btn").click();
    await op.locator("button.execute").click();
    const live = op.locator(".live-responses-table tbody .response");
    await live.waitFor({ timeout: 10_000 });
    expect((await live.locator(".response-col_status").textContent())?.trim()).toBe("200");
    expect(JSON.parse((await live.locator(".microlight").first().textContent()) ?? "")).toEqual({
      name: "admin",
      role: "admin",
    });
    expect(await op.locator(".request-url").textContent()).toContain(`${s.url}/api/auth/me`);

    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    await page.close();
  },
  60_000,
);
