// Password hashing and the random values auth hands out.
import { expect, test } from "bun:test";
import { hashPassword, randomToken, successorTokens, tokenHash, verifyPassword } from "./password.ts";

test("argon2id hashes verify only with the right password", async () => {
  const hash = await hashPassword("correct horse");
  expect(hash.startsWith("$argon2id$")).toBe(true);
  expect(await verifyPassword("correct horse", hash)).toBe(true);
  expect(await verifyPassword("wrong horse", hash)).toBe(false);
});

test("no hash (unknown user) and a malformed hash are a mismatch, not a throw", async () => {
  expect(await verifyPassword("anything", undefined)).toBe(false);
  expect(await verifyPassword("anything", "not-a-phc-string")).toBe(false);
});

test("random tokens are url-safe and distinct; hashes are stable hex", () => {
  const a = randomToken();
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(randomToken()).not.toBe(a);
  expect(tokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
  expect(tokenHash(a)).toBe(tokenHash(a));
});

test("hashes use OWASP's argon2id cost (19 MiB, 2 passes), and Bun's default-cost hashes still verify", async () => {
  const { hashPassword, verifyPassword } = await import("./password.ts");
  expect(await hashPassword("pw-123456")).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  const old = await Bun.password.hash("pw-123456", { algorithm: "argon2id" });
  expect(old).toContain("m=65536");
  expect(await verifyPassword("pw-123456", old)).toBe(true);
});

test("a refresh token's successor is fixed by the server key and the old token, and looks like a random token", () => {
  const key = new TextEncoder().encode("k".repeat(32));
  const parent = tokenHash(randomToken());
  const next = successorTokens(key)(parent);
  expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(successorTokens(key)(parent)).toBe(next);
  expect(successorTokens(new TextEncoder().encode("K".repeat(32)))(parent)).not.toBe(next);
  expect(successorTokens(key)(tokenHash(randomToken()))).not.toBe(next);
});
