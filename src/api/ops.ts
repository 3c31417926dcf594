// Operations routes: liveness, readiness (each dependency named), Prometheus metrics.
import { Hono } from "hono";
import { z } from "zod";
import { doc } from "../http/openapi.ts";
import type { Registry } from "../ops/metrics.ts";

/** A dependency /ready asks about; `ok: false` makes /ready answer 503. */
export type ReadinessCheck = () => { name: string; ok: boolean; detail?: string };

export function opsRoutes(deps: { registry: Registry; checks: ReadinessCheck[]; started: number; version: string }): Hono {
  const app = new Hono();
  const Health = z.object({ status: z.literal("ok"), uptimeS: z.number(), version: z.string() });

  doc({ method: "get", path: "/health", summary: "Liveness", tags: ["ops"], responses: { 200: { description: "alive", schema: Health } } });
  app.get("/health", (c) =>
    c.json({ status: "ok", uptimeS: Math.round((Date.now() - deps.started) / 1000), version: deps.version }),
  );

  doc({
    method: "get",
    path: "/ready",
    summary: "Readiness: every dependency and whether it is usable",
    tags: ["ops"],
    responses: { 200: { description: "ready" }, 503: { description: "not ready; `checks` says which part" } },
  });
  app.get("/ready", (c) => {
    const checks = deps.checks.map((f) => f());
    const ok = checks.every((x) => x.ok);
    return c.json({ status: ok ? "ready" : "not_ready", checks }, ok ? 200 : 503);
  });

  doc({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics",
    tags: ["ops"],
    responses: { 200: { description: "text/plain; version=0.0.4", contentType: "text/plain" } },
  });
  app.get("/metrics", (c) => c.body(deps.registry.render(), 200, { "Content-Type": "text/plain; version=0.0.4" }));
  return app;
}
