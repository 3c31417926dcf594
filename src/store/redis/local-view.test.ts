// The local view of session families: bounded, revocations stick, and nothing seen before a
// change of generation (Redis lost its data) or before a reconnect's generation is read counts.
import { expect, test } from "bun:test";
import { LocalView } from "./local-view.ts";

test("answers what it saw until the family expires; a revocation seen here is never undone", () => {
  const v = new LocalView(10);
  v.observe("g1");
  expect(v.set("f", "alice", "active", 1_000)).toBe("active");
  expect(v.get("f", 500)).toBe("active");
  expect(v.get("f", 1_000)).toBeUndefined();
  v.revoke("f");
  expect(v.set("f", "alice", "active", 2_000)).toBe("revoked");
  v.set("g", "alice", "active", 2_000);
  v.set("h", "bob", "active", 2_000);
  v.revokeUser("alice");
  expect([v.get("g", 0), v.get("h", 0)]).toEqual(["revoked", "active"]);
  v.forget("h");
  expect(v.get("h", 0)).toBeUndefined();
});

test("another generation empties it; the same one keeps it", () => {
  const v = new LocalView(10);
  v.observe("g1");
  v.set("f", "alice", "active", 1_000);
  v.observe("g1");
  expect(v.get("f", 0)).toBe("active");
  v.observe("g2");
  expect(v.get("f", 0)).toBeUndefined();
  expect(v.size()).toBe(0);
});

test("after a reconnect nothing counts until a generation is read again", () => {
  const v = new LocalView(10);
  v.observe("g1");
  v.set("f", "alice", "active", 1_000);
  v.distrust();
  expect(v.get("f", 0)).toBeUndefined();
  v.observe("g1");
  expect(v.get("f", 0)).toBe("active");
});

test("holds at most `max` families, dropping the one seen longest ago", () => {
  const v = new LocalView(2);
  v.observe("g");
  v.set("a", "u", "active", 1_000);
  v.set("b", "u", "active", 1_000);
  v.set("a", "u", "active", 1_000); // seen again: now the newest
  v.set("c", "u", "active", 1_000);
  expect([v.get("a", 0), v.get("b", 0), v.get("c", 0)]).toEqual(["active", undefined, "active"]);
});
