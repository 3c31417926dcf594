// Builds the dashboard (web/ -> web/dist with Vite) when the build is missing or older than
// its sources; `npm start` runs it first, so the service serves the current dashboard. It
// costs a few stat calls when the build is fresh.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..");
export const WEB = join(ROOT, "web");
export const DIST = join(WEB, "dist");
const SOURCES = ["index.html", "vite.config.ts", "app", "client", "vue"];
const VITE = join(ROOT, "node_modules", "vite", "bin", "vite.js");

/** Newest modification time (ms) of the dashboard's sources (tests excluded). */
export function newestSource(): number {
  let newest = 0;
  const walk = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else if (!p.endsWith(".test.ts")) newest = Math.max(newest, st.mtimeMs);
  };
  for (const s of SOURCES) walk(join(WEB, s));
  return newest;
}

/** When web/dist was built (its index.html), 0 when it was not. */
export function builtAt(): number {
  return statSync(join(DIST, "index.html"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

export class DashboardBuildError extends Error {
  override name = "DashboardBuildError";
}

/** Runs `vite build`; throws DashboardBuildError when Vite is missing or the build fails. */
export async function buildDashboard(): Promise<void> {
  if (!existsSync(VITE)) throw new DashboardBuildError("vite is not installed (run npm install)");
  const p = Bun.spawn([process.execPath, VITE, "build", "--config", join(WEB, "vite.config.ts")], {
    cwd: ROOT,
    // A production build whoever asks (bun test sets NODE_ENV=test, which would pick the
    // development builds of dependencies such as lightweight-charts).
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if ((await p.exited) !== 0) throw new DashboardBuildError(`vite build failed (exit ${p.exitCode})`);
}

/** Builds when stale; says what it did. */
export async function ensureDashboard(): Promise<"fresh" | "built"> {
  if (builtAt() >= newestSource()) return "fresh";
  await buildDashboard();
  return "built";
}

if (import.meta.main) {
  const started = performance.now();
  try {
    if ((await ensureDashboard()) === "built")
      process.stderr.write(`dashboard built into web/dist in ${Math.round(performance.now() - started)} ms\n`);
  } catch (err) {
    if (!(err instanceof DashboardBuildError)) throw err;
    process.stderr.write(`dashboard: ${err.message}; the service starts without it (the API is unaffected)\n`);
    // A broken build of a present toolchain is a developer's error: say so with the exit code.
    if (existsSync(VITE)) process.exit(1);
  }
}
