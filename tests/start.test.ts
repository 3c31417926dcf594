// A plain `bun src/main.ts` starts once, with the environment it was given: no re-execution of
// itself with variables added (the kernel's /proc/<pid>/environ and cmdline are what exec saw).
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/free-port.ts";
import { REPO_ROOT, startEnv } from "../scripts/start-env.ts";

const nulList = (file: string) =>
  readFileSync(file, "latin1")
    .split("\0")
    .filter((s) => s !== "");

test.skipIf(process.platform !== "linux")(
  "bun src/main.ts runs as started: same environment, same command line",
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tw-start-"));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      PORT: String(await freePort()),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: "start-test-password",
      OKX_ENABLED: "false",
      CLICKHOUSE_ENABLED: "false",
      LOG_LEVEL: "warn",
    };
    const proc = Bun.spawn([process.execPath, "src/main.ts"], { cwd: REPO_ROOT, env, stdout: "pipe", stderr: "pipe" });
    try {
      const deadline = Date.now() + 20_000;
      let health: Response | null = null;
      while (Date.now() < deadline && proc.exitCode === null) {
        health = await fetch(`http://127.0.0.1:${env.PORT}/health`).catch(() => null);
        if (health?.status === 200) break;
        await Bun.sleep(50);
      }
      expect(health?.status).toBe(200);
      const seen = Object.fromEntries(
        nulList(`/proc/${proc.pid}/environ`).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
      );
      expect(seen).toEqual(env);
      for (const k of Object.keys(startEnv())) expect(seen[k]).toBeUndefined();
      expect(nulList(`/proc/${proc.pid}/cmdline`)).toEqual([process.execPath, "src/main.ts"]);
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
