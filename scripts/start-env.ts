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

/**
 * The runtime's own flags in a start script: the `--` words after `bun` (Bun's HTTP limits, which
 * it reads only from its command line or BUN_OPTIONS).
 * @example startFlagsOf("env A=1 bun --max-http-header-size=262144 src/main.ts") // ["--max-http-header-size=262144"]
 */
export function startFlagsOf(script: string): string[] {
  const words = (script.split("&&").at(-1) ?? "").trim().split(/\s+/);
  const i = words.indexOf("bun");
  if (i < 0) return [];
  const out: string[] = [];
  for (const w of words.slice(i + 1)) {
    if (!w.startsWith("--")) break;
    out.push(w);
  }
  return out;
}

/** The runtime flags package.json's start script gives bun. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  return startFlagsOf(pkg.scripts?.start ?? "");
}
