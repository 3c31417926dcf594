// The API reference of the running service: /docs and every file it loads come from tradewire
// itself, and /openapi.json documents every route the app serves (walked from the app, so a
// new route without a definition fails here) with its answers and errors.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createRequire } from "node:module";
import { startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let spec: any;
beforeAll(async () => {
  s = await startTestServer();
  spec = await (await fetch(`${s.url}/openapi.json`)).json();
});
afterAll(() => s.close());

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** method + OpenAPI path of every route the app serves (middleware, registered for ALL, left out). */
function served(): Set<string> {
  const out = new Set<string>();
  for (const r of s.app.routes) {
    if (!METHODS.has(r.method)) continue;
    if (r.path === "/*") continue; // the dashboard's own files and paths (src/http/static.ts), not the API
    out.add(`${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
  }
  return out;
}

test("/openapi.json documents exactly the routes the app serves", () => {
  const documented = new Set<string>();
  for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(ops)) documented.add(`${method} ${path}`);
  }
  const routes = served();
  expect(routes.size).toBeGreaterThan(30);
  expect([...routes].filter((r) => !documented.has(r))).toEqual([]);
  expect([...documented].filter((r) => !routes.has(r))).toEqual([]);
});

test("every operation documents its success answer with a schema, and its errors in the one shape", () => {
  for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method} ${path}`;
      const statuses = Object.keys(op.responses);
      const ok = statuses.filter((st) => /^[12]\d\d$/.test(st));
      expect({ where, ok: ok.length > 0 }).toEqual({ where, ok: true });
      for (const st of ok) {
        if (st === "204" || st === "101") continue;
        const content = op.responses[st].content ?? {};
        expect({ where, st, media: Object.keys(content).length > 0 }).toEqual({ where, st, media: true });
        for (const media of Object.values(content) as Array<{ schema?: unknown }>)
          expect({ where, st, schema: media.schema !== undefined }).toEqual({ where, st, schema: true });
      }
      for (const st of statuses.filter((x) => /^[45]\d\d$/.test(x))) {
        if (where === "get /ready" && st === "503") continue; // a readiness answer, not an error: {status, checks}
        expect({ where, st, schema: op.responses[st].content?.["application/json"]?.schema }).toEqual({
          where,
          st,
          schema: { $ref: "#/components/schemas/Error" },
        });
      }
      if (op.security) {
        // Guarded: roles stated, 401 documented.
        expect({
          where,
          roles: Array.isArray(op["x-roles"]) && op["x-roles"].length > 0,
          has401: "401" in op.responses,
        }).toEqual({ where, roles: true, has401: true });
      }
      if (op.requestBody || op.parameters?.length)
        expect({ where, has400: "400" in op.responses }).toEqual({ where, has400: true });
    }
  }
  expect(spec.paths["/api/events/stream"].get.responses["200"].content["text/event-stream"]).toBeDefined();
  expect(spec.paths["/api/events/ws"].get.responses["101"]).toBeDefined();
  expect(spec.paths["/api/events/poll"].get.responses["200"].content["application/json"].schema).toEqual({
    $ref: "#/components/schemas/PollAnswer",
  });
  expect(spec.paths["/api/orders"].post.parameters).toContainEqual(
    expect.objectContaining({ name: "idempotency-key", in: "header" }),
  );
  const placeErrors = spec.paths["/api/orders"].post.responses;
  expect(placeErrors["409"].description).toContain("`conflict`");
  expect(placeErrors["422"].description).toContain("`idempotency_conflict`");
  expect(placeErrors["503"].description).toContain("`audit_unavailable`");
  expect(spec.paths["/ready"].get.responses["503"].content["application/json"].schema).toEqual({
    $ref: "#/components/schemas/Ready",
  });
  expect(spec.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
});

test("/docs and every file it references are served by tradewire, the same bytes as swagger-ui-dist's", async () => {
  const res = await fetch(`${s.url}/docs`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/html");
  const html = await res.text();
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, `${s.url}/docs`));
  expect(refs.length).toBeGreaterThanOrEqual(4);
  const dist = createRequire(import.meta.url)
    .resolve("swagger-ui-dist/package.json")
    .replace(/package\.json$/, "");
  for (const url of refs) {
    expect(url.origin).toBe(s.url);
    const r = await fetch(url);
    expect({ url: url.pathname, status: r.status }).toEqual({ url: url.pathname, status: 200 });
    const bytes = new Uint8Array(await r.arrayBuffer());
    const name = url.pathname.split("/").pop()!;
    const file = Bun.file(dist + name);
    if (await file.exists()) expect(Buffer.compare(bytes, await file.bytes())).toBe(0);
    else expect(new TextDecoder().decode(bytes)).toContain("SwaggerUIBundle(");
  }
});

test("/ is an HTML page (the dashboard, src/http/static.test.ts); unknown /api paths stay a JSON 404", async () => {
  const home = await fetch(`${s.url}/`, { headers: { Accept: "text/html" } });
  expect(home.status).toBe(200);
  expect(home.headers.get("content-type")).toContain("text/html");
  const missing = await fetch(`${s.url}/api/nothing-here`, { headers: { Accept: "text/html" } });
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ error: { code: "not_found", message: "no route for GET /api/nothing-here" } });
});
