// DATA_DIR holds the JWT secret and chDB's files (argon2id password hashes among them): after a
// start, it and everything tradewire created or found in it are owner-only (dirs 700, files 600),
// whatever the umask the process started with, and also when an older run left them readable.
import { afterAll, afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "./helpers.ts";

const parents: string[] = [];
let server: TestServer | undefined;
let umask = 0;
beforeEach(() => {
  umask = process.umask(0o022); // the usual default, whatever an earlier test left
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  process.umask(umask);
});
afterAll(() => {
  for (const p of parents) rmSync(p, { recursive: true, force: true });
});

const mode = (path: string) => lstatSync(path).mode & 0o777;

/** Every entry under `root` (itself included) with its mode and depth below root; not symlinks (always 777, never followed). */
function walk(root: string, depth = 0, out: Array<{ path: string; mode: number; dir: boolean; depth: number }> = []) {
  const st = lstatSync(root);
  if (st.isSymbolicLink()) return out;
  out.push({ path: root, mode: st.mode & 0o777, dir: st.isDirectory(), depth });
  if (st.isDirectory()) for (const name of readdirSync(root)) walk(join(root, name), depth + 1, out);
  return out;
}

/** Entries that group or others may read, write or enter. */
const exposed = (root: string) =>
  walk(root)
    .filter((e) => e.mode & 0o077)
    .map((e) => `${e.path} ${e.mode.toString(8)}`);

function freshParent(): string {
  const p = mkdtempSync(join(tmpdir(), "tw-datadir-"));
  parents.push(p);
  return p;
}

test("a new DATA_DIR, the JWT secret and chDB's files are owner-only", async () => {
  const dataDir = join(freshParent(), "data"); // created by the start
  server = await startTestServer({ DATA_DIR: dataDir });
  expect(server.history.status()).toMatchObject({ mode: "chdb", ready: true });
  const admin = await server.token();
  expect(admin.length).toBeGreaterThan(0); // a login: the users table has a row with a hash now
  await server.history.flush();

  expect(mode(dataDir)).toBe(0o700);
  expect(mode(join(dataDir, "jwt-secret"))).toBe(0o600);
  expect(mode(join(dataDir, "clickhouse"))).toBe(0o700);
  const files = walk(join(dataDir, "clickhouse")).filter((e) => !e.dir);
  expect(files.some((e) => e.depth >= 3)).toBe(true); // parts deep inside the store
  expect(exposed(dataDir)).toEqual([]);
});

test("an existing DATA_DIR that an older run left readable is made owner-only at start", async () => {
  const dataDir = join(freshParent(), "data");
  const deep = join(dataDir, "clickhouse", "store", "abc", "part_1");
  mkdirSync(deep, { recursive: true, mode: 0o755 });
  writeFileSync(join(deep, "data.bin"), "hashes", { mode: 0o644 });
  writeFileSync(join(dataDir, "notes.txt"), "x", { mode: 0o644 });
  for (const d of [
    dataDir,
    join(dataDir, "clickhouse"),
    join(dataDir, "clickhouse", "store"),
    join(dataDir, "clickhouse", "store", "abc"),
    deep,
  ])
    chmodSync(d, 0o755);
  expect(exposed(dataDir).length).toBe(7);

  server = await startTestServer({ DATA_DIR: dataDir, CLICKHOUSE_ENABLED: "false" });
  expect(exposed(dataDir)).toEqual([]);
  expect(mode(dataDir)).toBe(0o700);
  expect(mode(join(deep, "data.bin"))).toBe(0o600);
  expect(mode(deep)).toBe(0o700);
});
