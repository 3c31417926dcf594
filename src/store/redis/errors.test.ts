import { expect, test } from "bun:test";
import { StoreUnavailable } from "../../domain/errors.ts";
import { call, RedisUnavailable } from "./errors.ts";

test("an unreachable Redis is a StoreUnavailable (redis_unavailable, retry in 1 s); Redis's own errors pass through", async () => {
  const lost = new Error("Connection is closed.");
  const err = await call(() => Promise.reject(lost)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RedisUnavailable);
  expect(err).toBeInstanceOf(StoreUnavailable);
  expect(err).toMatchObject({ code: "redis_unavailable", retryAfterS: 1, cause: lost });
  const reply = Object.assign(new Error("WRONGTYPE"), { name: "ReplyError" });
  expect(await call(() => Promise.reject(reply)).catch((e: unknown) => e)).toBe(reply);
});
