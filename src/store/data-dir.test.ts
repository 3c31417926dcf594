// Making DATA_DIR owner-only: group and other bits go, owner bits stay, symlinks are not followed.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../log.ts";
import { secureDataDir } from "./data-dir.ts";

const root = mkdtempSync(join(tmpdir(), "tw-secure-"));
const umask = process.umask();
afterAll(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});
const mode = (p: string) => lstatSync(p).mode & 0o777;

test("strips group and other bits, keeps the owner's, leaves what a symlink points to alone", () => {
  const dir = join(root, "data");
  const outside = join(root, "outside.txt");
  mkdirSync(join(dir, "sub"), { recursive: true });
  writeFileSync(join(dir, "sub", "run.sh"), "#!/bin/sh\n");
  writeFileSync(outside, "not ours to change");
  chmodSync(dir, 0o775);
  chmodSync(join(dir, "sub"), 0o750);
  chmodSync(join(dir, "sub", "run.sh"), 0o755);
  chmodSync(outside, 0o644);
  symlinkSync(outside, join(dir, "link"));
  const lines: string[] = [];

  expect(
    secureDataDir(
      dir,
      createLogger("debug", {}, (l) => lines.push(l)),
    ),
  ).toBe(3);
  expect([mode(dir), mode(join(dir, "sub")), mode(join(dir, "sub", "run.sh"))]).toEqual([0o700, 0o700, 0o700]);
  expect(statSync(outside).mode & 0o777).toBe(0o644);
  expect(lines.some((l) => l.includes("made owner-only") && l.includes('"entries":3'))).toBe(true);
  expect(process.umask()).toBe(0o077);
  expect(secureDataDir(dir, createLogger("silent"))).toBe(0); // nothing left to fix
});

test("a DATA_DIR that does not exist yet is left to whoever creates it (under the umask)", () => {
  expect(secureDataDir(join(root, "missing"), createLogger("silent"))).toBe(0);
});
