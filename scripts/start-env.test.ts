// The runtime settings are set where the service is started (npm start, the Dockerfile, the
// systemd unit), the same in all three, and each is a name the runtime recognizes.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXEC_ARGV } from "./build.ts";
import { REPO_ROOT, startEnv, startEnvOf, startFlags, startFlagsOf } from "./start-env.ts";

const START_ENV = startEnv();

/** KEY=VALUE pairs of every line starting with `prefix` (Dockerfile `ENV `, systemd `Environment=`). */
function pairsOf(file: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(REPO_ROOT, file), "utf8").split("\n")) {
    if (!line.startsWith(prefix)) continue;
    for (const w of line.slice(prefix.length).trim().split(/\s+/)) {
      const i = w.indexOf("=");
      if (i > 0) out[w.slice(0, i)] = w.slice(i + 1);
    }
  }
  return out;
}
const only = (all: Record<string, string>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => k in all).map((k) => [k, all[k]!]));

test("the start script's env prefix is read as KEY=VALUE pairs up to the command", () => {
  expect(startEnvOf("env A=1 B_2=x=y bun src/main.ts C=3")).toEqual({ A: "1", B_2: "x=y" });
  expect(startEnvOf("bun src/main.ts")).toEqual({});
});

test("npm start sets JavaScriptCore's and mimalloc's settings", () => {
  expect(Object.keys(START_ENV).sort()).toEqual([
    "BUN_JSC_useFTLJIT",
    "BUN_JSC_usePollingTraps",
    "BUN_JSC_useWarmUpMarkedBlocks",
    "MIMALLOC_PURGE_DELAY",
    "MIMALLOC_PURGE_HOLES_MIN_INTERVAL",
  ]);
});

test("the Dockerfile and the systemd unit set the same values", () => {
  const keys = Object.keys(START_ENV);
  expect(only(pairsOf("Dockerfile", "ENV "), keys)).toEqual(START_ENV);
  expect(only(pairsOf("deploy/tradewire.service", "Environment="), keys)).toEqual(START_ENV);
});

// A misspelt name would be ignored by mimalloc and refused by Bun; a value that did not parse
// would show the default. Each runtime prints its own account of what it read.
test("the runtime reads each of them with its value", () => {
  const r = Bun.spawnSync([process.execPath, "-e", "0"], {
    env: { PATH: process.env.PATH ?? "", ...START_ENV, BUN_JSC_dumpOptions: "1", MIMALLOC_VERBOSE: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(r.exitCode).toBe(0);
  const said = r.stdout.toString() + r.stderr.toString();
  for (const [k, v] of Object.entries(START_ENV)) {
    if (k.startsWith("BUN_JSC_")) {
      // dumpOptions lists options that differ from their default as `name=value (default: ...)`
      expect(said).toMatch(new RegExp(`\\b${k.slice("BUN_JSC_".length)}=${v} \\(default: `));
    } else {
      expect(k.startsWith("MIMALLOC_")).toBe(true);
      expect(said).toContain(`option '${k.slice("MIMALLOC_".length).toLowerCase()}': ${v}`);
    }
  }
});

test("bun's own flags: npm start gives them, and the compiled binary (npm run build) carries the same", () => {
  expect(startFlagsOf("env A=1 bun --max-http-header-size=9 --x src/main.ts --y")).toEqual([
    "--max-http-header-size=9",
    "--x",
  ]);
  const flags = startFlags();
  expect(flags).toEqual(["--max-http-header-size=262144"]);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  expect(EXEC_ARGV).toEqual(flags);
  expect(pkg.scripts.dev).toContain(flags.join(" "));
});
