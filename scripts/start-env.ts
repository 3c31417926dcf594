// The runtime settings `npm start` gives the service (package.json's start script, `env K=V ...
// bun src/main.ts`), read from there so the benchmarks and tests start it the same way.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dir, "..");

/**
 * The KEY=VALUE pairs of a start script whose last command is `env K=V ... <command>`.
 * @example startEnvOf("bun scripts/dashboard.ts && env A=1 B=x bun src/main.ts") // { A: "1", B: "x" }
 */
export function startEnvOf(script: string): Record<string, string> {
  const words = (script.split("&&").at(-1) ?? "").trim().split(/\s+/);
  if (words[0] !== "env") return {};
  const out: Record<string, string> = {};
  for (const w of words.slice(1)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(w);
    if (!m) break;
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** The variables package.json's start script sets. */
export function startEnv(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  return startEnvOf(pkg.scripts?.start ?? "");
}
