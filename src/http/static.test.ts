import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { dashboardRoutes } from "./static.ts";

const root = mkdtempSync(join(tmpdir(), "tw-static-"));
const dir = join(root, "dist");
mkdirSync(join(dir, "assets"), { recursive: true });
writeFileSync(join(dir, "index.html"), "<!doctype html><title>tw</title>");
writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log('x');".repeat(100));
writeFileSync(join(root, "secret.txt"), "beside the folder, not in it");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const app = new Hono();
app.get("/health", (c) => c.json({ ok: true }));
app.route("/", dashboardRoutes({ dir }));
app.notFound((c) => c.json({ error: { code: "not_found", message: "no route" } }, 404));

test("index.html at / and at any app path, never cached; other routes first", async () => {
  for (const path of ["/", "/markets", "/trading/BTC-USDT"]) {
    const r = await app.request(path);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect(r.headers.get("cache-control")).toBe("no-cache");
    expect(await r.text()).toContain("<title>tw</title>");
  }
  expect(await (await app.request("/health")).json()).toEqual({ ok: true });
});

test("hashed assets are cached for a year, gzipped when asked", async () => {
  const plain = await app.request("/assets/index-abc123.js");
  expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  expect(plain.headers.get("content-type")).toContain("javascript");
  const body = await plain.text();
  const gz = await app.request("/assets/index-abc123.js", { headers: { "Accept-Encoding": "gzip, br" } });
  expect(gz.headers.get("content-encoding")).toBe("gzip");
  const bytes = new Uint8Array(await gz.arrayBuffer());
  expect(bytes.length).toBeLessThan(body.length);
  expect(new TextDecoder().decode(Bun.gunzipSync(bytes))).toBe(body);
});

test("API paths, missing files and paths out of the folder are not the dashboard's", async () => {
  for (const path of [
    "/api/nope",
    "/api",
    "/assets/gone-123.js",
    "/favicon.ico",
    "/..%2fsecret.txt",
    "/%2e%2e/secret.txt",
  ]) {
    const r = await app.request(path);
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toContain("json");
  }
});

test("without a built dashboard, / points a person to /docs and other paths fall through", async () => {
  const bare = new Hono();
  bare.route("/", dashboardRoutes({ dir: join(root, "no-such-dist") }));
  bare.notFound((c) => c.json({ error: { code: "not_found", message: "no route" } }, 404));
  const home = await bare.request("/");
  expect(home.status).toBe(200);
  expect(home.headers.get("content-type")).toContain("text/html");
  expect(await home.text()).toContain('href="./docs"');
  expect((await bare.request("/markets")).status).toBe(404);
});
