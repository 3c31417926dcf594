import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { docsRoutes, renderDocs, typeLabel } from "./docs.ts";
import { doc } from "./openapi.ts";

// A made-up route, recorded the way real routes are.
doc({
  method: "post",
  path: "/api/docs-test/:widgetId/orders",
  summary: "Place a <test> order",
  tags: ["docs-test"],
  roles: ["trader", "admin"],
  params: z.object({ widgetId: z.string().min(3) }),
  query: z.object({ dryRun: z.enum(["0", "1"]).optional() }),
  body: z.object({
    instId: z.string().describe("instrument, e.g. BTC-USDT"),
    side: z.enum(["buy", "sell"]),
    sz: z.number().positive(),
    legs: z.array(z.object({ px: z.number(), note: z.string().optional() })).max(4),
  }),
  responses: { 201: { description: "placed", schema: z.object({ id: z.string() }) } },
});

const app = docsRoutes({ title: "tradewire", version: "0.0.0-test" });

describe("docs", () => {
  test("/openapi.json holds a recorded route with its params, query and body schema", async () => {
    const res = await app.request("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const spec = (await res.json()) as any;
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.info).toEqual({ title: "tradewire", version: "0.0.0-test" });
    const op = spec.paths["/api/docs-test/{widgetId}/orders"].post;
    expect(op.summary).toBe("Place a <test> order");
    expect(op.description).toBe("Roles: trader, admin");
    expect(op.parameters).toContainEqual({ name: "widgetId", in: "path", required: true, schema: { type: "string", minLength: 3 } });
    expect(op.parameters).toContainEqual({ name: "dryRun", in: "query", required: false, schema: { type: "string", enum: ["0", "1"] } });
    const body = op.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["instId", "side", "sz", "legs"]);
    expect(body.properties.side).toEqual({ type: "string", enum: ["buy", "sell"] });
    expect(body.properties.legs.items.properties.px).toEqual({ type: "number" });
    expect(op.responses["201"].content["application/json"].schema.properties.id).toEqual({ type: "string" });
  });

  test("the two docs routes are recorded too", async () => {
    const spec = (await (await app.request("/openapi.json")).json()) as any;
    expect(spec.paths["/openapi.json"].get.tags).toEqual(["ops"]);
    expect(spec.paths["/docs"].get.responses["200"].content["text/html"]).toBeDefined();
  });

  test("/docs answers a self-contained HTML page listing the route", async () => {
    const res = await app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("/api/docs-test/{widgetId}/orders");
    expect(html).toContain("Roles: trader, admin");
    expect(html).toContain("widgetId");
    expect(html).toContain("instrument, e.g. BTC-USDT");
    expect(html).toContain("&quot;buy&quot; | &quot;sell&quot;");
    // Text from route docs is escaped, and nothing is loaded from elsewhere.
    expect(html).toContain("Place a &lt;test&gt; order");
    expect(html).not.toContain("<test>");
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
  });

  test("a route recorded after the first request still shows up", async () => {
    await app.request("/docs");
    doc({ method: "get", path: "/api/docs-test/late", summary: "late", tags: ["docs-test"], responses: { 200: { description: "ok" } } });
    expect(await (await app.request("/docs")).text()).toContain("/api/docs-test/late");
  });

  test("type labels", () => {
    expect(typeLabel({ type: "array", items: { type: "integer" } })).toBe("array<integer>");
    expect(typeLabel({ type: ["string", "null"] })).toBe("string | null");
    expect(typeLabel({ anyOf: [{ type: "string" }, { const: 1 }] })).toBe("string | 1");
    expect(typeLabel({})).toBe("any");
  });

  test("an empty document renders", () => {
    expect(renderDocs({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths: {} })).toContain("No routes are documented.");
  });
});
