// The HTTP application: middleware, every route group, one error shape.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { ApiError, errorHandler, notFoundHandler } from "./errors.ts";
import { accessLog, requestId } from "./middleware.ts";

export interface Mount {
  path: string;
  app: Hono;
}

/** Builds the app from route groups; each group is a Hono sub-app mounted at its path. */
export function createApp(opts: { config: Config; log: Logger; mounts: Mount[] }): Hono {
  const { config, log } = opts;
  const app = new Hono();
  app.use("*", requestId());
  app.use("*", accessLog(log));
  if (config.CORS_ORIGINS.length > 0) {
    const allowed = new Set(config.CORS_ORIGINS);
    app.use(
      "*",
      cors({
        origin: (o) => (allowed.has("*") || allowed.has(o) ? o : null),
        credentials: true,
        allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID", "Idempotency-Key", "X-Request-Id"],
        exposeHeaders: ["X-Request-Id", "Retry-After"],
        maxAge: 600,
      }),
    );
  }
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: config.MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `body larger than ${config.MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  for (const m of opts.mounts) app.route(m.path, m.app);
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  return app;
}
