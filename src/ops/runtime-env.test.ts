// The process gives itself the runtime settings by executing itself again (same PID, same
// arguments), once, keeping values already set, and not at all with RUNTIME_TUNING=off.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { missingRuntimeEnv, RUNTIME_ENV } from "./runtime-env.ts";

const PROBE = join(import.meta.dir, "../../tests/fixtures/runtime-env-probe.ts");

function run(extra: Record<string, string>, stderr?: string[]) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !(k in RUNTIME_ENV) && k !== "RUNTIME_TUNING") env[k] = v;
  const r = Bun.spawnSync([process.execPath, PROBE, "a b", "c"], { env: { ...env, ...extra }, stdout: "pipe", stderr: "pipe" });
  expect(r.exitCode).toBe(0);
  stderr?.push(r.stderr.toString());
  return r.stdout.toString().trim().split("\n").map((l) => JSON.parse(l) as Record<string, { pid: number; ftl: string | null; purge: string | null; args: string[] } | string | null>);
}

test("missing settings are the ones not in the environment", () => {
  expect(missingRuntimeEnv({})).toEqual({ ...RUNTIME_ENV });
  const { BUN_JSC_useFTLJIT: _, ...others } = RUNTIME_ENV;
  expect(missingRuntimeEnv({ BUN_JSC_useFTLJIT: "true" })).toEqual(others);
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

// mimalloc reads its options once, at process start: it must see them in the image that runs.
// MIMALLOC_VERBOSE=1 makes it print each option's value when it starts (to stderr).
test.skipIf(process.platform !== "linux")("mimalloc runs with the settings (its own account of its options)", () => {
  const err: string[] = [];
  run({ MIMALLOC_VERBOSE: "1" }, err);
  const images = err[0]!.split("process init").slice(1); // one per image: before and after the re-exec
  expect(images).toHaveLength(2);
  const option = (text: string, name: string) => new RegExp(`option '${name}': (-?\\d+)`).exec(text)?.[1];
  expect(option(images[0]!, "purge_delay")).not.toBe(RUNTIME_ENV.MIMALLOC_PURGE_DELAY);
  expect(option(images[1]!, "purge_delay")).toBe(RUNTIME_ENV.MIMALLOC_PURGE_DELAY);
  expect(option(images[1]!, "purge_holes_min_interval")).toBe(RUNTIME_ENV.MIMALLOC_PURGE_HOLES_MIN_INTERVAL);
});
