// Flags and SIM_* environment variables of `npm run sim`.
import { expect, test } from "bun:test";
import { parseArgs } from "./main.ts";

test("flags win over env; env fills the rest", () => {
  const o = parseArgs(["--port", "9000", "--checksum", "off", "--instruments=SOL-USDT,BTC-USDT"], {
    SIM_SEED: "7",
    SIM_PORT: "1",
    SIM_API_KEY: "k",
  });
  expect(o).toMatchObject({ port: 9000, seed: 7, checksum: false, instruments: ["SOL-USDT", "BTC-USDT"] });
  expect(o.credentials).toMatchObject({ apiKey: "k" });
});

test("bad values stop with a message naming the flag", () => {
  expect(() => parseArgs(["--port", "x"], {})).toThrow(/--port/);
  expect(() => parseArgs(["--checksum", "maybe"], {})).toThrow(/--checksum/);
  expect(() => parseArgs(["stray"], {})).toThrow(/unexpected argument/);
  expect(() => parseArgs([], { SIM_SEED: "-1" })).toThrow(/SIM_SEED/);
});

test("funding period and push cadence from flags or env", () => {
  expect(parseArgs(["--funding-interval-ms", "2000"], { SIM_FUNDING_PUSH_MS: "500" })).toMatchObject({
    fundingIntervalMs: 2000,
    fundingPushMs: 500,
  });
  expect(() => parseArgs(["--funding-push-ms", "soon"], {})).toThrow(/--funding-push-ms/);
});
