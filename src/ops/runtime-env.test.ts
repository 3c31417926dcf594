// The process gives itself the runtime settings by executing itself again (same PID, same
// arguments), once, keeping values already set, and not at all with RUNTIME_TUNING=off.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { missingRuntimeEnv, RUNTIME_ENV } from "./runtime-env.ts";

const PROBE = join(import.meta.dir, "../../tests/fixtures/runtime-env-probe.ts");

function run(extra: Record<string, string>) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !(k in RUNTIME_ENV) && k !== "RUNTIME_TUNING") env[k] = v;
  const r = Bun.spawnSync([process.execPath, PROBE, "a b", "c"], { env: { ...env, ...extra }, stdout: "pipe", stderr: "pipe" });
  expect(r.exitCode).toBe(0);
  return r.stdout.toString().trim().split("\n").map((l) => JSON.parse(l) as Record<string, { pid: number; ftl: string | null; purge: string | null; args: string[] } | string | null>);
}

test("missing settings are the ones not in the environment", () => {
  expect(missingRuntimeEnv({})).toEqual({ ...RUNTIME_ENV });
  expect(missingRuntimeEnv({ BUN_JSC_useFTLJIT: "true" })).toEqual({ MIMALLOC_PURGE_DELAY: RUNTIME_ENV.MIMALLOC_PURGE_DELAY! });
  expect(missingRuntimeEnv({ ...RUNTIME_ENV })).toEqual({});
});

test.skipIf(process.platform !== "linux")("without them: the same process runs again, once, with them and its arguments", () => {
  const lines = run({});
  expect(lines).toHaveLength(3); // before (first image), before + after (second image)
  const [first, second, last] = lines as Array<Record<string, any>>;
  expect(first!.before).toMatchObject({ ftl: null, purge: null, args: ["a b", "c"] });
  // Same process, same name (the kernel names it after the path given to execve).
  expect(second!.before).toEqual({ pid: first!.before.pid, comm: first!.before.comm, ftl: "false", purge: RUNTIME_ENV.MIMALLOC_PURGE_DELAY, args: ["a b", "c"] });
  expect(last).toEqual({ after: second!.before, result: null });
});

test.skipIf(process.platform !== "linux")("a value already set is kept; only the missing one is added", () => {
  const lines = run({ BUN_JSC_useFTLJIT: "true" }) as Array<Record<string, any>>;
  expect(lines).toHaveLength(3);
  expect(lines[2]!.after).toMatchObject({ ftl: "true", purge: RUNTIME_ENV.MIMALLOC_PURGE_DELAY });
});

test("RUNTIME_TUNING=off: no second run, nothing added", () => {
  const lines = run({ RUNTIME_TUNING: "off" }) as Array<Record<string, any>>;
  expect(lines).toHaveLength(2);
  expect(lines[1]).toEqual({ after: lines[0]!.before, result: null });
  expect(lines[1]!.after).toMatchObject({ ftl: null, purge: null });
});
