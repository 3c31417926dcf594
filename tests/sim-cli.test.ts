// `bun src/sim/main.ts` as its own process: prints its URLs and credentials, serves, stops on SIGTERM.
import { expect, test } from "bun:test";

async function runSim(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn([process.execPath, "src/sim/main.ts", ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
  });
  const reader = proc.stdout.getReader();
  let out = "";
  const deadline = Date.now() + 15_000;
  while (!out.includes("instruments") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { proc, out };
}

test("prints URLs and default credentials, serves the configured instruments, exits on SIGTERM", async () => {
  const { proc, out } = await runSim(["--port", "0", "--seed", "4", "--instruments", "SOL-USDT", "--checksum", "off"]);
  try {
    const url = /REST\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/v5/.exec(out)?.[1];
    expect(url).toBeDefined();
    expect(out).toContain("tw-sim-key");
    expect(out).toContain("tw-sim-secret");
    expect(out).toMatch(/ws:\/\/127\.0\.0\.1:\d+\/ws\/v5\/public/);
    const r = (await (await fetch(`${url}/api/v5/public/instruments?instType=SPOT`)).json()) as {
      data: { instId: string }[];
    };
    expect(r.data.map((i) => i.instId)).toEqual(["SOL-USDT"]);
  } finally {
    proc.kill("SIGTERM");
  }
  expect(await proc.exited).toBe(0);
});

test("credentials from SIM_* env: the key is printed, a non-default secret is not", async () => {
  const { proc, out } = await runSim(["--port", "0"], {
    SIM_API_KEY: "env-key",
    SIM_SECRET_KEY: "env-secret-value",
    SIM_PASSPHRASE: "env-pass",
  });
  try {
    expect(out).toContain("env-key");
    expect(out).not.toContain("env-secret-value");
    expect(out).not.toContain("env-pass");
  } finally {
    proc.kill("SIGTERM");
  }
  await proc.exited;
});
