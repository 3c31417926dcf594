// The browser code takes the server's types, never its code with side effects (ARCHITECTURE.md
// Boundaries): every import of src/ from web/ is type-only or of a module that imports nothing but
// types (src/domain/strategy-orders.ts, src/domain/positions.ts: one rule each, shared), and the built bundle carries none of the server's
// strings (route descriptions, log lines, validation messages of the modules it types against).
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { buildDashboard, DIST, WEB } from "../scripts/dashboard.ts";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === "dist" || name === "node_modules") return [];
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** A module the browser may run: it imports nothing but types, so it can bring no server code along. */
const standalone = (path: string) =>
  !/^(import|export)\s(?!type\s)[^;]*?\bfrom\s*["']/m.test(readFileSync(path, "utf8"));

test("web/ imports the server's modules for their types only, or code from modules that import nothing", () => {
  const sources = walk(WEB).filter((p) => /\.tsx?$/.test(p) && !/\.test\.ts$/.test(p) && !p.endsWith("vite.config.ts"));
  expect(sources.length).toBeGreaterThan(20);
  const bad: string[] = [];
  for (const file of sources) {
    const code = readFileSync(file, "utf8");
    for (const m of code.matchAll(/^(import|export)\s+(type\s+)?[^;]*?\bfrom\s*["']([^"']+)["']/gm)) {
      const spec = m[3]!;
      if (spec.includes("/src/") && !m[2] && !standalone(join(dirname(file), spec)))
        bad.push(`${relative(WEB, file)}: ${m[0].replace(/\s+/g, " ")}`);
    }
    for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g))
      if (m[1]!.includes("/src/")) bad.push(`${relative(WEB, file)}: import(${m[1]})`);
  }
  expect(bad).toEqual([]);
});

test("the dashboard builds for production from the tests too, and holds no server code", async () => {
  expect(process.env.NODE_ENV).toBe("test"); // what bun test sets, and a build must not inherit
  await buildDashboard();
  const assets = join(DIST, "assets");
  expect(readdirSync(assets).filter((f) => f.includes("development"))).toEqual([]);
  const js = readdirSync(assets)
    .filter((f) => f.endsWith(".js"))
    .map((f) => readFileSync(join(assets, f), "utf8"))
    .join("\n");
  expect(js.length).toBeGreaterThan(10_000);
  // Strings the server's route, schema and startup modules hold at run time.
  for (const s of [
    "the latest ticker per instrument", // src/api/market.ts
    "1-128 visible ASCII characters", // src/api/orders.ts
    "tradewire listening", // src/server.ts
    "OpenAPIHono", // @hono/zod-openapi
    "history unavailable", // src/store/clickhouse
  ])
    expect(js.includes(s)).toBe(false);
  // ...while the typed client is there (hono/client builds each request's path from its parts).
  expect(js).toContain("/api");
});
