import { describe, expect, test } from "bun:test";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { createLogger } from "../log.ts";
import { docsRoutes } from "./docs.ts";
import { errorHandler } from "./errors.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, openApiDocument, routes } from "./openapi.ts";

// A made-up route group, defined the way real ones are; the guard only records what it was given.
const given: unknown[] = [];
const guard: Guard = (opts) => {
  given.push(opts);
  const pass: MiddlewareHandler = async (_c, next) => next();
  return pass;
};
const place = createRoute({
  method: "post",
  path: "/{widgetId}/orders",
  summary: "Place a test order",
  tags: ["docs-test"],
  ...access(guard, ["trader", "admin"]),
  request: {
    params: z.object({ widgetId: z.string().min(3) }),
    query: z.object({ dryRun: z.enum(["0", "1"]).optional() }),
    body: jsonBody(
      z.object({
        instId: z.string().describe("instrument, e.g. BTC-USDT"),
        side: z.enum(["buy", "sell"]),
        sz: z.number().positive(),
        legs: z.array(z.object({ px: z.number(), note: z.string().optional() })).max(4),
      }),
    ),
  },
  responses: {
    201: json(z.object({ id: z.string() }), "placed"),
    ...errors(...BODY, ...GUARDED, [404, "no such widget"]),
  },
});
const group = routes().openapi(place, (c) =>
  c.json({ id: `${c.req.valid("param").widgetId}-${c.req.valid("json").side}` }, 201),
);

const app = routes();
app.onError(errorHandler(createLogger("silent")));
app.route("/api/widgets", group).route(
  "/",
  docsRoutes(() => openApiDocument(app, { title: "tradewire", version: "0.0.0-test" })),
);

const post = (path: string, body: unknown) =>
  app.request(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("routes that document themselves", () => {
  test("/openapi.json holds the mounted route: params, query, body, answers, errors, roles", async () => {
    const res = await app.request("/openapi.json");
    expect(res.status).toBe(200);
    const spec = (await res.json()) as any;
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.info).toEqual({ title: "tradewire", version: "0.0.0-test" });
    const op = spec.paths["/api/widgets/{widgetId}/orders"].post;
    expect(op.summary).toBe("Place a test order");
    expect(op.description).toBe("Roles: trader, admin.");
    expect(op["x-roles"]).toEqual(["trader", "admin"]);
    expect(op.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(op.parameters).toContainEqual({
      name: "widgetId",
      in: "path",
      required: true,
      schema: { type: "string", minLength: 3 },
    });
    expect(op.parameters).toContainEqual({
      name: "dryRun",
      in: "query",
      required: false,
      schema: { type: "string", enum: ["0", "1"] },
    });
    const body = op.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["instId", "side", "sz", "legs"]);
    expect(body.properties.instId.description).toBe("instrument, e.g. BTC-USDT");
    expect(body.properties.legs.items.properties.px).toEqual({ type: "number" });
    expect(op.responses["201"].content["application/json"].schema.properties.id).toEqual({ type: "string" });
    expect(Object.keys(op.responses).sort()).toEqual(["201", "400", "401", "403", "404", "413", "415", "503"]);
    expect(op.responses["404"].description).toBe("no such widget");
    expect(op.responses["404"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
    expect(spec.components.schemas.Error.properties.error.required).toEqual(["code", "message"]);
    expect(Object.keys(spec.components.securitySchemes).sort()).toEqual(["bearer", "cookie", "ticket"]);
    expect(spec.components.securitySchemes.cookie).toMatchObject({ type: "apiKey", in: "cookie", name: "tw_access" });
    expect(given).toContainEqual({ roles: ["trader", "admin"] });
  });

  test("the reference routes document themselves too", async () => {
    const spec = (await (await app.request("/openapi.json")).json()) as any;
    expect(spec.paths["/openapi.json"].get.tags).toEqual(["ops"]);
    expect(spec.paths["/docs"].get.responses["200"].content["text/html"]).toBeDefined();
    expect(spec.paths["/docs/{file}"].get.responses["404"]).toBeDefined();
  });

  test("the route's schemas validate: failures are 400 validation_failed naming each field", async () => {
    expect(await (await post("/api/widgets/abc/orders", { instId: "X", side: "buy", sz: 1, legs: [] })).json()).toEqual(
      { id: "abc-buy" },
    );
    const bad = await post("/api/widgets/abc/orders?dryRun=2", { instId: "X", side: "hold", sz: 1, legs: [] });
    expect(bad.status).toBe(400);
    const e = ((await bad.json()) as any).error;
    expect(e.code).toBe("validation_failed");
    expect(e.details.map((d: { field: string }) => d.field)).toEqual(["query.dryRun"]);
    const body = (
      (await (await post("/api/widgets/abc/orders", { instId: "X", side: "hold", sz: -1, legs: [{}] })).json()) as any
    ).error;
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual(["legs.0.px", "side", "sz"]);
    expect(body.message).toMatch(/^(side|sz|legs\.0\.px): /);
    const param = ((await (await post("/api/widgets/ab/orders", {})).json()) as any).error;
    expect(param.details[0].field).toBe("param.widgetId");
  });

  test("a body that is not JSON: 415 in the error shape", async () => {
    const r = await app.request("/api/widgets/abc/orders", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "hi",
    });
    expect(r.status).toBe(415);
    expect(((await r.json()) as any).error.code).toBe("unsupported_media_type");
  });

  test("/docs is Swagger UI from our own files: every file it loads is served here", async () => {
    const res = await app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs).toContain("./docs/swagger-ui-bundle.js");
    expect(refs).toContain("./docs/swagger-ui.css");
    for (const ref of refs) {
      const r = await app.request(new URL(ref, "http://x/docs").pathname);
      expect(r.status).toBe(200);
      expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    const start = await (await app.request("/docs/start.js")).text();
    expect(start).toContain('url: "./openapi.json"');
    expect(start).toContain("validatorUrl: null");
    expect((await app.request("/docs/swagger-ui-bundle.js")).headers.get("content-type")).toContain("javascript");
    expect((await app.request("/docs/nothing.js")).status).toBe(404);
  });
});
