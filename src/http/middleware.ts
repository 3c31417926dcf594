// Request-scoped middleware: request ids, access logs, the header size limit.
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../log.ts";
import { ApiError } from "./errors.ts";

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

/**
 * Refuses a request whose request line and headers are over `maxBytes` with 431 in the JSON error
 * shape. Bun's own limit (--max-http-header-size, higher) answers first with an empty 431 beyond it.
 */
export function headerLimit(maxBytes: number): MiddlewareHandler {
  return async function headerLimitMiddleware(c, next) {
    // "METHOD url HTTP/1.1\r\n" and "name: value\r\n" each; the URL here is absolute, a little more.
    let bytes = c.req.method.length + c.req.url.length + 11;
    for (const [name, value] of c.req.raw.headers) bytes += name.length + value.length + 4;
    if (bytes > maxBytes)
      throw new ApiError(
        431,
        "headers_too_large",
        `request line and headers over ${maxBytes} bytes (MAX_HEADER_BYTES)`,
      );
    await next();
  };
}

/**
 * Bun's own limit on a request's headers (--max-http-header-size on its command line or in
 * BUN_OPTIONS; 16 KiB without), read without loading node:http (7 MB of memory).
 */
export function bunHeaderLimit(): number {
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = a === "--max-http-header-size" ? args[i + 1] : /^--max-http-header-size=(.*)$/.exec(a)?.[1];
    if (v !== undefined && Number(v) > 0) return Number(v);
  }
  return 16 * 1024;
}
