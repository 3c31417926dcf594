// Request-scoped middleware: request ids and access logs.
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../log.ts";

const ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Takes a sane X-Request-Id from the caller or makes one; echoes it on the answer. */
export function requestId(): MiddlewareHandler {
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header("x-request-id");
    const id = given && ID.test(given) ? given : crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  };
}

/** One JSON line per request (stream requests log when they start). */
export function accessLog(log: Logger): MiddlewareHandler {
  return async function accessLogMiddleware(c, next) {
    const t0 = performance.now();
    await next();
    const status = c.res.status;
    const fields = {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - t0) * 100) / 100,
      user: c.get("principal")?.user,
    };
    if (status >= 500) log.error("request", fields);
    else log.debug("request", fields);
  };
}
