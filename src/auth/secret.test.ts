// The JWT secret comes from the environment or is generated once and reused from DATA_DIR.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../log.ts";
import { loadJwtSecret, SecretError } from "./secret.ts";

const log = createLogger("silent");
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "tw-secret-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("JWT_SECRET wins and nothing is written", async () => {
  const dir = join(tempDir(), "data");
  const s = await loadJwtSecret({ JWT_SECRET: "x".repeat(32), DATA_DIR: dir }, log);
  expect(s.source).toBe("env");
  expect(new TextDecoder().decode(s.key)).toBe("x".repeat(32));
});

test("generated once with mode 0600 in a created dir, then reused", async () => {
  const dir = join(tempDir(), "nested", "data");
  const first = await loadJwtSecret({ DATA_DIR: dir }, log);
  expect(first.source).toBe("generated");
  const file = join(dir, "jwt-secret");
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, "utf8").trim().length).toBeGreaterThanOrEqual(32);
  const second = await loadJwtSecret({ DATA_DIR: dir }, log);
  expect(second.source).toBe("file");
  expect(second.key).toEqual(first.key);
});

test("concurrent starts agree on one secret", async () => {
  const dir = tempDir();
  const all = await Promise.all(Array.from({ length: 8 }, () => loadJwtSecret({ DATA_DIR: dir }, log)));
  for (const s of all) expect(s.key).toEqual(all[0]!.key);
  expect(all.filter((s) => s.source === "generated").length).toBe(1);
});

test("a too-short secret file stops the start instead of being replaced", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "jwt-secret"), "short\n", { mode: 0o600 });
  await expect(loadJwtSecret({ DATA_DIR: dir }, log)).rejects.toBeInstanceOf(SecretError);
});
