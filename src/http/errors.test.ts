import { expect, test } from "bun:test";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import {
  Conflict,
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
  ValidationFailed,
} from "../domain/errors.ts";
import { createLogger } from "../log.ts";
import { ApiError, answerOf, errorHandler, outcomeOf, validationError } from "./errors.ts";

test("each domain error gets its status from the one table, with its code and details", () => {
  const cases: Array<[Error, number, string]> = [
    [
      new ValidationFailed("px: required", { details: [{ field: "px", message: "required" }] }),
      400,
      "validation_failed",
    ],
    [new Unauthorized(), 401, "unauthorized"],
    [new Unauthorized("access token expired", { code: "token_expired" }), 401, "token_expired"],
    [new Forbidden(), 403, "forbidden"],
    [new NotFound("no user bob"), 404, "not_found"],
    [new Conflict("taken"), 409, "conflict"],
    [new TooLarge("event too large for the bus"), 413, "payload_too_large"],
    [
      new IdempotencyConflict("key used for a different order", {
        details: [{ field: "sz", message: "was 1, now 2" }],
      }),
      422,
      "idempotency_conflict",
    ],
    [new RiskRejected("kill switch is on"), 422, "risk_rejected"],
    [new ExchangeRejected("OKX refused", { code: "insufficient_balance" }), 422, "insufficient_balance"],
    [new RateLimited("slow down", { retryAfterS: 7 }), 429, "rate_limited"],
    [new ExchangeError("OKX refused the request"), 502, "exchange_error"],
    [new ExchangeUnavailable("OKX is not reachable"), 503, "exchange_unavailable"],
    [new StoreUnavailable("history is unavailable", { code: "history_unavailable" }), 503, "history_unavailable"],
    [new StoreUnavailable("placed but not audited", { code: "audit_unavailable" }), 503, "audit_unavailable"],
    [
      new StoreUnavailable("Redis is unreachable; retry shortly", { code: "redis_unavailable", retryAfterS: 1 }),
      503,
      "redis_unavailable",
    ],
    [new ApiError(426, "upgrade_required", "WebSocket only"), 426, "upgrade_required"],
    [new HTTPException(415, { message: "Unsupported Media Type" }), 415, "unsupported_media_type"],
  ];
  for (const [err, status, code] of cases) {
    const a = answerOf(err);
    expect<unknown[]>([a?.status, a?.body.error.code, a?.body.error.message]).toEqual([status, code, err.message]);
    expect(outcomeOf(err)).toEqual({ status, code });
  }
  expect(
    answerOf(new ValidationFailed("px: required", { details: [{ field: "px", message: "required" }] }))?.body.error
      .details,
  ).toEqual([{ field: "px", message: "required" }]);
  expect(answerOf(new RateLimited("slow down", { retryAfterS: 7 }))?.headers).toEqual({ "Retry-After": "7" });
  expect(answerOf(new StoreUnavailable("down", { retryAfterS: 1 }))?.headers).toEqual({ "Retry-After": "1" });
  expect(answerOf(new NotFound("x"))?.headers).toBeUndefined();
  expect(answerOf(new Error("a bug"))).toBeUndefined();
  expect(outcomeOf(new Error("a bug"))).toEqual({ status: 500, code: "internal" });
});

test("zod failures name dotted fields, prefixed by the request part except the JSON body", () => {
  const r = z.object({ a: z.object({ b: z.number() }), c: z.string() }).safeParse({ a: { b: "x" }, c: 1 });
  if (r.success) throw new Error("expected a failure");
  expect(validationError(r.error, "json").details?.map((d) => d.field)).toEqual(["a.b", "c"]);
  const q = validationError(r.error, "query");
  expect(q.details?.map((d) => d.field)).toEqual(["query.a.b", "query.c"]);
  expect(q.message).toMatch(/^query\.a\.b: /);
  const strict = z.strictObject({ a: z.strictObject({ b: z.number() }) }).safeParse({ a: { b: 1, c: 2 }, d: 3, e: 4 });
  if (strict.success) throw new Error("expected a failure");
  expect(validationError(strict.error, "json").details).toEqual([
    { field: "a.c", message: "unknown field" },
    { field: "d", message: "unknown field" },
    { field: "e", message: "unknown field" },
  ]);
});

test("the handler answers the one shape; anything else is a logged 500 without its message", async () => {
  const lines: string[] = [];
  const app = new Hono();
  app.onError(errorHandler(createLogger("error", {}, (l) => lines.push(l))));
  app.get("/limited", () => {
    throw new RateLimited("too many login attempts; retry later", { retryAfterS: 30 });
  });
  app.get("/bug", () => {
    throw new Error("secret internals");
  });
  const limited = await app.request("/limited");
  expect(limited.status).toBe(429);
  expect(limited.headers.get("retry-after")).toBe("30");
  expect(await limited.json()).toEqual({
    error: { code: "rate_limited", message: "too many login attempts; retry later" },
  });
  const bug = await app.request("/bug");
  expect(bug.status).toBe(500);
  expect(await bug.json()).toEqual({ error: { code: "internal", message: "internal error" } });
  expect(lines.some((l) => l.includes("unhandled error"))).toBe(true);
});
