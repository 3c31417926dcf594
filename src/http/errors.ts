// The one error shape of the API, { error: { code, message, details? } } for every 4xx/5xx, and
// the one table that says which status each domain error gets.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import {
  Busy,
  Conflict,
  DomainError,
  type ErrorDetail,
  ExchangeError,
  ExchangeRejected,
  ExchangeUnavailable,
  Forbidden,
  IdempotencyConflict,
  NotFound,
  RateLimited,
  RiskRejected,
  StoreUnavailable,
  TooLarge,
  Unauthorized,
  Unavailable,
  ValidationFailed,
} from "../domain/errors.ts";
import type { Logger } from "../log.ts";

export type { ErrorDetail } from "../domain/errors.ts";

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/** An error that only exists in HTTP terms (no route, body too large, upgrade required). */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

/** Domain error class -> status; the first class an error is an instance of wins. */
const STATUS_OF: ReadonlyArray<readonly [abstract new (...a: never[]) => DomainError, ContentfulStatusCode]> = [
  [ValidationFailed, 400],
  [Unauthorized, 401],
  [Forbidden, 403],
  [NotFound, 404],
  [Conflict, 409],
  [TooLarge, 413],
  [IdempotencyConflict, 422],
  [RiskRejected, 422],
  [ExchangeRejected, 422],
  [RateLimited, 429],
  [ExchangeError, 502],
  [ExchangeUnavailable, 503],
  [StoreUnavailable, 503],
  [Unavailable, 503],
  [Busy, 503],
];

/** The answer an error becomes: status, code, message, details, headers; undefined for a bug (500). */
export function answerOf(
  err: unknown,
): { status: ContentfulStatusCode; body: ErrorBody; headers?: Record<string, string> } | undefined {
  if (err instanceof DomainError) {
    const status = STATUS_OF.find(([cls]) => err instanceof cls)?.[1] ?? 500;
    const headers = err.retryAfterS !== undefined ? { "Retry-After": String(err.retryAfterS) } : undefined;
    return { status, body: errorBody(err.code, err.message, err.details), ...(headers ? { headers } : {}) };
  }
  if (err instanceof ApiError) return { status: err.status, body: errorBody(err.code, err.message, err.details) };
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    let message = err.message || "request failed";
    if (/json/i.test(message)) message = "body is not valid JSON";
    return { status, body: errorBody(HTTP_CODES[status] ?? "error", message) };
  }
  if (err instanceof SyntaxError) return { status: 400, body: errorBody("bad_request", "body is not valid JSON") };
  return undefined;
}

/**
 * How a failed call ends for the audit log: the status and code the caller got.
 * @example const { status, code } = outcomeOf(new RiskRejected("kill switch is on")) // 422 risk_rejected
 */
export function outcomeOf(err: unknown): { status: number; code: string } {
  const a = answerOf(err);
  return a ? { status: a.status, code: a.body.error.code } : { status: 500, code: "internal" };
}

/** zod issues to details with a dotted field path; each unknown key of a strict object is its own field. */
export function zodDetails(error: z.ZodError, prefix?: string): ErrorDetail[] {
  const detail = (path: PropertyKey[], message: string): ErrorDetail => {
    const field = [prefix, path.map(String).join(".")].filter(Boolean).join(".") || undefined;
    return field ? { field, message } : { message };
  };
  return error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((k) => detail([...i.path, k], "unknown field"))
      : [detail(i.path, i.message)],
  );
}

/** A failed zod check of one request part (`json` fields unprefixed, others `query.x`, `param.x`, `header.x`). */
export function validationError(error: z.ZodError, where: string): ValidationFailed {
  const details = zodDetails(error, where === "json" ? undefined : where);
  const first = details[0];
  const msg = first ? `${first.field ?? where}: ${first.message}` : "invalid input";
  return new ValidationFailed(msg, { details });
}

export function errorBody(code: string, message: string, details?: ErrorDetail[]): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

/** Codes of errors Hono itself raises (malformed JSON, unsupported media type, ...). */
const HTTP_CODES: Record<number, string> = {
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
    const a = answerOf(err);
    if (a) return c.json(a.body, a.status, a.headers);
    log.error("unhandled error", { err, path: c.req.path, requestId: c.get("requestId") });
    return c.json(errorBody("internal", "internal error"), 500);
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
