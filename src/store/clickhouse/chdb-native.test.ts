import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChdbLibraryMissing, chdbLibDirs, loadNative, useChdbLibDir } from "./chdb-native.ts";

const dir = mkdtempSync(join(tmpdir(), "tw-chdb-native-"));
afterAll(() => {
  useChdbLibDir(undefined);
  rmSync(dir, { recursive: true, force: true });
});

test("CHDB_LIB_DIR alone when set (relative to the working directory), else beside the binary", () => {
  expect(chdbLibDirs("/opt/chdb", "/usr/local/bin/tradewire")).toEqual(["/opt/chdb"]);
  expect(chdbLibDirs("libs", "/x/tradewire")).toEqual([join(process.cwd(), "libs")]);
  expect(chdbLibDirs(undefined, "/usr/local/bin/tradewire")).toEqual([
    "/usr/local/bin/lib/chdb",
    "/usr/local/lib/tradewire/chdb",
  ]);
  expect(chdbLibDirs(undefined, "/src/dist/tradewire")[0]).toBe("/src/dist/lib/chdb");
});

test("a missing library says where it looked; one that cannot load says why", () => {
  useChdbLibDir(join(dir, "absent"));
  expect(() => loadNative()).toThrow(
    new ChdbLibraryMissing(
      `chDB's native library (chdb_node.node, libchdb.so) is not in ${join(dir, "absent")} (CHDB_LIB_DIR)`,
    ),
  );
  writeFileSync(join(dir, "chdb_node.node"), "not an ELF file");
  useChdbLibDir(dir);
  expect(() => loadNative()).toThrow(ChdbLibraryMissing);
  expect(() => loadNative()).toThrow(`chDB's native library in ${dir} cannot load: `);
});
