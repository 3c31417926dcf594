// Where the compiled binary finds chDB's native part (chdb_node.node and the 566 MB libchdb.so it
// links to through its $ORIGIN runpath): shipped beside the binary, not inside it. scripts/build.ts
// puts this module in place of chdb's own loader (chdb/dist/loader.js), which looks in node_modules.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The files of @chdb/lib-<platform> the binary needs, kept together in one directory. */
export const CHDB_NATIVE_FILES = ["chdb_node.node", "libchdb.so"] as const;

export class ChdbLibraryMissing extends Error {
  override name = "ChdbLibraryMissing";
}

/**
 * Directories to look in, in order: CHDB_LIB_DIR alone when set; else `lib/chdb` beside the
 * executable (what `npm run build` leaves in dist/) and `../lib/tradewire/chdb` from it (an
 * installed /usr/local/bin/tradewire with /usr/local/lib/tradewire/chdb).
 * @example chdbLibDirs(undefined, "/usr/local/bin/tradewire")[1] // "/usr/local/lib/tradewire/chdb"
 */
export function chdbLibDirs(configured: string | undefined, execPath: string): string[] {
  if (configured) return [resolve(configured)];
  const here = dirname(execPath);
  return [join(here, "lib", "chdb"), join(here, "..", "lib", "tradewire", "chdb")];
}

let configuredDir: string | undefined;
let cached: unknown;

/** CHDB_LIB_DIR from the configuration; read by the next loadNative(). */
export function useChdbLibDir(dir: string | undefined): void {
  configuredDir = dir;
}

/** The contract of chdb's loader: its platform key. */
export function platformKey(): string {
  return `${process.platform}-${process.arch}`;
}

/** The contract of chdb's loader: the native addon, loaded once by absolute path. */
export function loadNative(): unknown {
  if (cached) return cached;
  const dirs = chdbLibDirs(configuredDir, process.execPath);
  const dir = dirs.find((d) => existsSync(join(d, CHDB_NATIVE_FILES[0])));
  const how = configuredDir ? "CHDB_LIB_DIR" : "the default; set CHDB_LIB_DIR to put it elsewhere";
  if (!dir)
    throw new ChdbLibraryMissing(
      `chDB's native library (${CHDB_NATIVE_FILES.join(", ")}) is not in ${dirs.join(" nor ")} (${how})`,
    );
  const file = join(dir, CHDB_NATIVE_FILES[0]);
  const mod = { exports: {} as unknown };
  try {
    process.dlopen(mod, file);
  } catch (err) {
    // Typically libchdb.so missing beside it, or a copy for another platform or chdb version.
    throw new ChdbLibraryMissing(`chDB's native library in ${dir} cannot load: ${(err as Error).message}`);
  }
  cached = mod.exports;
  return cached;
}
