// The one error shape of the API: { error: { code, message, details? } } for every 4xx/5xx.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { Logger } from "../log.ts";
import { RedisUnavailable } from "../store/redis/errors.ts";

export interface ErrorDetail {
  field?: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/** Thrown anywhere below a route; onError turns it into the error body. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, field?: string) =>
  new ApiError(400, "bad_request", message, field ? [{ field, message }] : undefined);
export const unauthorized = (message = "authentication required") => new ApiError(401, "unauthorized", message);
export const forbidden = (message = "not allowed for this role") => new ApiError(403, "forbidden", message);
export const notFound = (message = "not found") => new ApiError(404, "not_found", message);

/** zod issues to details with a dotted field path. */
export function zodDetails(error: z.ZodError, prefix?: string): ErrorDetail[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join(".");
    const field = [prefix, path].filter(Boolean).join(".") || undefined;
    return field ? { field, message: i.message } : { message: i.message };
  });
}

export function validationError(error: z.ZodError, where: string): ApiError {
  const details = zodDetails(error, where === "json" ? undefined : where);
  const first = details[0];
  const msg = first ? `${first.field ?? where}: ${first.message}` : "invalid input";
  return new ApiError(400, "validation_failed", msg, details);
}

export function errorBody(code: string, message: string, details?: ErrorDetail[]): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

const statusCodes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  408: "timeout",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
  503: "unavailable",
};

export function errorHandler(log: Logger): ErrorHandler {
  return function onError(err: Error, c: Context) {
    if (err instanceof ApiError) {
      if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(errorBody(err.code, err.message, err.details), err.status);
    }
    // A shared store is down: the request may succeed in a moment (the outage is logged once).
    if (err instanceof RedisUnavailable) return c.json(errorBody(err.code, err.message), 503, { "Retry-After": "1" });
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      let message = err.message || "request failed";
      if (/malformed json/i.test(message) || /json/i.test(message)) message = "body is not valid JSON";
      return c.json(errorBody(statusCodes[status] ?? "error", message), status);
    }
    if (err instanceof SyntaxError) return c.json(errorBody("bad_request", "body is not valid JSON"), 400);
    log.error("unhandled error", { err, path: c.req.path, requestId: c.get("requestId") });
    return c.json(errorBody("internal", "internal error"), 500);
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
