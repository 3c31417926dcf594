// The durable user store: reads from its cache, every change written through with a growing version.
import { expect, test } from "bun:test";
import type { UserRow } from "./protocol.ts";
import { ClickHouseUserStore } from "./users.ts";

function table(initial: UserRow[] = []) {
  const written: UserRow[] = [];
  return {
    written,
    loadUsers: async () => initial,
    putUser: async (u: UserRow) => {
      written.push(u);
      return { written: true };
    },
  };
}

test("loads users, answers from the cache, and writes every change through with a growing version", async () => {
  const t = table([
    { name: "admin", role: "admin", hash: "h0", createdAt: 1, updatedAt: 1, deleted: false, version: 5e15 },
  ]);
  const s = await ClickHouseUserStore.open(t);
  expect(await s.get("admin")).toMatchObject({ role: "admin", hash: "h0" });
  expect(await s.create({ name: "bo", role: "viewer", hash: "h1", createdAt: 2, updatedAt: 2 })).toBe(true);
  expect(await s.create({ name: "bo", role: "viewer", hash: "h1", createdAt: 2, updatedAt: 2 })).toBe(false);
  await s.update("bo", { role: "trader" });
  expect(await s.delete("bo")).toBe(true);
  expect(await s.delete("bo")).toBe(false);
  expect(t.written.map((u) => [u.name, u.role, u.deleted])).toEqual([
    ["bo", "viewer", false],
    ["bo", "trader", false],
    ["bo", "trader", true],
  ]);
  const versions = t.written.map((u) => u.version);
  expect(versions[0]).toBeGreaterThan(5e15); // past the loaded one, even with a clock behind it
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(3);
  expect((await s.list()).map((u) => u.name)).toEqual(["admin"]);
});

test("a change that cannot reach ClickHouse is reported, and the cache still has it", async () => {
  const errors: string[] = [];
  const s = await ClickHouseUserStore.open(
    { loadUsers: async () => [], putUser: () => Promise.reject(new Error("worker gone")) },
    (name, err) => errors.push(`${name}: ${err.message}`),
  );
  expect(await s.create({ name: "cy", role: "viewer", hash: "h", createdAt: 1, updatedAt: 1 })).toBe(true);
  expect(errors).toEqual(["cy: worker gone"]);
  expect(await s.get("cy")).toBeDefined();
});
