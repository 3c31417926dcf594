import { afterEach, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal, readSegment } from "./journal.ts";

const dirs: string[] = [];
const fresh = () => {
  const d = join(mkdtempSync(join(tmpdir(), "tw-journal-")), "journal");
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(join(d, ".."), { recursive: true, force: true });
});

test("appended records are read back from the segment a later process finds sealed", async () => {
  const dir = fresh();
  const a = new Journal<{ n: number; s: string }>(dir);
  await a.append({ n: 1, s: "é ✓" });
  await a.append({ n: 2, s: "" });
  expect(a.sealed()).toEqual([]);
  // No close(): the process died. The next one starts its own segment and sees this one sealed.
  const b = new Journal<{ n: number; s: string }>(dir);
  const [old] = b.sealed();
  expect(old).toBeDefined();
  expect(b.read(old!)).toEqual({
    records: [
      { n: 1, s: "é ✓" },
      { n: 2, s: "" },
    ],
    torn: false,
  });
  await b.close();
});

test("appends waiting together share one write and one fdatasync (group commit)", async () => {
  const j = new Journal<{ i: number }>(fresh());
  await Promise.all(Array.from({ length: 100 }, (_, i) => j.append({ i })));
  expect(j.syncs).toBe(1);
  await j.append({ i: 100 });
  expect(j.syncs).toBe(2);
  j.roll();
  const [seg] = j.sealed();
  expect(j.read(seg!).records.map((r) => r.i)).toEqual(Array.from({ length: 101 }, (_, i) => i));
  await j.close();
});

test("a torn last line (a crash mid-write) ends the segment; the records before it stand", async () => {
  const dir = fresh();
  const j = new Journal<{ i: number }>(dir);
  await j.append({ i: 1 });
  await j.append({ i: 2 });
  const seg = readdirSync(dir)[0]!;
  appendFileSync(join(dir, seg), '0badc0de {"i":3}\n{"i":4');
  expect(readSegment(join(dir, seg))).toEqual({ records: [{ i: 1 }, { i: 2 }], torn: true });
  appendFileSync(join(dir, seg), "\n");
  expect(readSegment(join(dir, seg)).records).toHaveLength(2);
  await j.close();
});

test("segments roll by size and on demand; sealed ones can be removed, the current one cannot", async () => {
  const dir = fresh();
  const j = new Journal<{ pad: string }>(dir, { segmentBytes: 200 });
  for (let i = 0; i < 5; i++) await j.append({ pad: "x".repeat(100) });
  const sealed = j.sealed();
  expect(sealed.length).toBeGreaterThanOrEqual(2);
  expect(sealed.flatMap((s) => j.read(s).records)).toHaveLength(5 - j.size().records);
  j.roll();
  expect(j.sealed().flatMap((s) => j.read(s).records)).toHaveLength(5);
  for (const s of j.sealed()) j.remove(s);
  expect(j.sealed()).toEqual([]);
  const current = readdirSync(dir)[0]!;
  expect(() => j.remove(current)).toThrow("being written");
  await j.close();
  expect(readdirSync(dir)).toEqual([]); // an empty last segment is not left behind
});

test("the directory and its segments are owner-only", async () => {
  const dir = fresh();
  const j = new Journal<{ x: number }>(dir);
  await j.append({ x: 1 });
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  expect(statSync(join(dir, readdirSync(dir)[0]!)).mode & 0o777).toBe(0o600);
  await j.close();
  await expect(j.append({ x: 2 })).rejects.toThrow("closed");
});

test("sync: false writes without fdatasync (the records are still read back)", async () => {
  const dir = fresh();
  const j = new Journal<{ i: number }>(dir, { sync: false });
  await Promise.all([j.append({ i: 1 }), j.append({ i: 2 })]);
  expect(j.syncs).toBe(0);
  const later = new Journal<{ i: number }>(dir);
  expect(later.read(later.sealed()[0]!).records).toEqual([{ i: 1 }, { i: 2 }]);
  await later.close();
});
