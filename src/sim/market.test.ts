// The market's walk, stepped whole or in time slices (the timer spreads a tick over slices).
import { expect, test } from "bun:test";
import { InstrumentTable } from "./instruments.ts";
import { Market } from "./market.ts";
import { resolveOptions } from "./options.ts";

const INSTS = ["BTC-USDT", "ETH-USDT", "SOL-USDT", "XRP-USDT", "DOGE-USDT"];

function market() {
  const opts = resolveOptions({ seed: 11, instruments: INSTS });
  return new Market(new InstrumentTable(opts.instruments, opts.startPrices), opts, 0);
}

test("a sliced tick steps every instrument exactly once, a pair (spot + swap) together", () => {
  const m = market();
  expect(m.pairCount).toBe(INSTS.length);
  const slices = 3;
  const seen: string[][] = [];
  for (let k = 0; k < slices; k++) seen.push(m.step(k, k, slices).map((x) => x.inst.instId));
  const all = seen.flat();
  expect(new Set(all).size).toBe(all.length);
  expect(all.sort()).toEqual(INSTS.flatMap((i) => [i, `${i}-SWAP`]).sort());
  for (const ids of seen) for (const id of ids) if (!id.endsWith("-SWAP")) expect(ids).toContain(`${id}-SWAP`);
  expect(seen.every((ids) => ids.length > 0 && ids.length < all.length)).toBe(true);
});

test("stepping in slices walks the same prices as whole steps (same seed)", () => {
  const whole = market();
  const sliced = market();
  for (let t = 0; t < 20; t++) {
    whole.step(t);
    for (let k = 0; k < 4; k++) sliced.step(t, k, 4);
  }
  for (const id of INSTS) expect(sliced.get(id)!.midPx()).toBe(whole.get(id)!.midPx());
});
