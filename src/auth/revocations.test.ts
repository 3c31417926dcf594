// The in-process notice of ended sessions: every listener hears it, a failing one does not stop it.
import { expect, test } from "bun:test";
import { type Revocation, Revocations } from "./revocations.ts";

test("every listener hears each revocation until it stops listening; a failing listener is logged, not fatal", () => {
  const errors: string[] = [];
  const r = new Revocations({ error: (msg) => errors.push(msg) });
  const a: Revocation[] = [];
  const b: Revocation[] = [];
  r.on(() => {
    throw new Error("listener bug");
  });
  const offA = r.on((x) => a.push(x));
  r.on((x) => b.push(x));
  const logout: Revocation = { kind: "session", family: "f1", reason: "logout" };
  r.emit(logout);
  offA();
  const deleted: Revocation = { kind: "user", user: "bob", reason: "user_deleted" };
  r.emit(deleted);
  expect(a).toEqual([logout]);
  expect(b).toEqual([logout, deleted]);
  expect(errors).toEqual(["revocation listener failed", "revocation listener failed"]);
});
