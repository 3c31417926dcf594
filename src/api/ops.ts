// Operations routes: liveness, readiness (each dependency named), Prometheus metrics.
import { createRoute, z } from "@hono/zod-openapi";
import { json, routes } from "../http/openapi.ts";
import type { Registry } from "../ops/metrics.ts";

/** A dependency /ready asks about; `ok: false` makes /ready answer 503. */
export type ReadinessCheck = () => { name: string; ok: boolean; detail?: string };

const tags = ["ops"];
const Health = z.object({ status: z.literal("ok"), uptimeS: z.number(), version: z.string() }).openapi("Health");
const Ready = z
  .object({
    status: z.enum(["ready", "not_ready"]),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string().optional() })),
  })
  .openapi("Ready");

const health = createRoute({
  method: "get",
  path: "/health",
  summary: "Liveness",
  tags,
  responses: { 200: json(Health, "alive") },
});
const ready = createRoute({
  method: "get",
  path: "/ready",
  summary: "Readiness: every dependency and whether it is usable",
  tags,
  responses: { 200: json(Ready, "ready"), 503: json(Ready, "not ready; `checks` says which part") },
});
const metrics = createRoute({
  method: "get",
  path: "/metrics",
  summary: "Prometheus metrics",
  tags,
  responses: {
    200: { description: "Prometheus text format 0.0.4", content: { "text/plain": { schema: z.string() } } },
  },
});

export function opsRoutes(deps: { registry: Registry; checks: ReadinessCheck[]; started: number; version: string }) {
  return routes()
    .openapi(health, (c) =>
      c.json(
        { status: "ok" as const, uptimeS: Math.round((Date.now() - deps.started) / 1000), version: deps.version },
        200,
      ),
    )
    .openapi(ready, (c) => {
      const checks = deps.checks.map((f) => f());
      const ok = checks.every((x) => x.ok);
      return ok
        ? c.json({ status: "ready" as const, checks }, 200)
        : c.json({ status: "not_ready" as const, checks }, 503);
    })
    .openapi(metrics, (c) => c.text(deps.registry.render(), 200, { "Content-Type": "text/plain; version=0.0.4" }));
}
