import { expect, test } from "bun:test";
import { instrumentSpec, instTypeOf } from "./instruments.ts";

test("instType from the instId", () => {
  expect(instTypeOf("BTC-USDT")).toBe("SPOT");
  expect(instTypeOf("BTC-USDT-SWAP")).toBe("SWAP");
  expect(instTypeOf("BTC-USD-250328")).toBe("FUTURES");
  expect(instTypeOf("BTC-USD-250328-60000-C")).toBe("OPTION");
});

test("instrument rules as numbers; spot has ctVal 1", () => {
  expect(
    instrumentSpec({
      instId: "BTC-USDT",
      instType: "SPOT",
      ctVal: "",
      minSz: "0.00001",
      lotSz: "0.00000001",
      tickSz: "0.1",
    }),
  ).toEqual({
    instId: "BTC-USDT",
    instType: "SPOT",
    ctVal: 1,
    minSz: 0.00001,
    lotSz: 0.00000001,
    tickSz: 0.1,
  });
  expect(
    instrumentSpec({ instId: "BTC-USDT-SWAP", instType: "SWAP", ctVal: "0.01", minSz: "1", lotSz: "1", tickSz: "0.1" })
      .ctVal,
  ).toBe(0.01);
});

test("a swap's most leverage from its lever; none for spot (its lever is margin trading's)", () => {
  const swap = {
    instId: "BTC-USDT-SWAP",
    instType: "SWAP" as const,
    ctVal: "0.01",
    minSz: "1",
    lotSz: "1",
    tickSz: "0.1",
  };
  expect(instrumentSpec({ ...swap, lever: "100" }).maxLever).toBe(100);
  expect(instrumentSpec({ ...swap, lever: "" }).maxLever).toBeUndefined();
  expect(
    instrumentSpec({ ...swap, instId: "BTC-USDT", instType: "SPOT" as const, lever: "10" }).maxLever,
  ).toBeUndefined();
});
