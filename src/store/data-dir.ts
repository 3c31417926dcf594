// DATA_DIR holds secrets (the JWT signing key, chDB's files with argon2id password hashes), so it
// and everything in it is owner-only: new files through the process umask, old ones fixed at start.
import { chmodSync, lstatSync, readdirSync, type Stats } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log.ts";

/** Bits that let the group or others read, write or enter. */
const SHARED = 0o077;

/**
 * Sets the process umask to 077, so whatever this process creates from now on (the JWT secret,
 * chDB's directories and parts, written by its own threads) is 700 / 600; then removes group and
 * other bits from DATA_DIR and everything already in it (a directory made by an older run or by
 * hand). Symlinks are left alone. Returns how many entries were changed.
 * @example secureDataDir(config.DATA_DIR, log)   // first thing at start, before anything writes
 */
export function secureDataDir(dir: string, log: Logger): number {
  process.umask(0o077);
  let fixed = 0;
  let failed = 0;
  const visit = (path: string, st: Stats) => {
    if (st.isSymbolicLink()) return;
    if (st.mode & SHARED) {
      try {
        chmodSync(path, st.mode & 0o7777 & ~SHARED);
        fixed++;
      } catch {
        failed++; // not ours (EPERM): reported below, the start goes on
      }
    }
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      failed++;
      return;
    }
    for (const name of names) {
      const child = join(path, name);
      try {
        visit(child, lstatSync(child));
      } catch {
        // removed while we looked (chDB merging parts of another process): nothing to fix
      }
    }
  };
  let root: Stats;
  try {
    root = lstatSync(dir);
  } catch {
    return 0; // not there yet: whoever creates it does so under the umask
  }
  visit(dir, root);
  if (fixed > 0) log.warn("DATA_DIR was readable by other users; made owner-only", { dir, entries: fixed });
  if (failed > 0) log.warn("could not make every entry in DATA_DIR owner-only", { dir, entries: failed });
  return fixed;
}
