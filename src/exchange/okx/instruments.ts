// Instrument rules (tick, lot, minimum size, contract value) from OKX /public/instruments, for
// pre-trade checks on the main thread. Pure helpers; the fetching is in ingest.ts.
import type { InstrumentSpec } from "../../domain/instruments.ts";
import type { Instrument, InstType } from "../../okx/types.ts";

/** The instType OKX needs to list an instId: BTC-USDT-SWAP, BTC-USD-250328, BTC-USD-250328-60000-C, BTC-USDT. */
export function instTypeOf(instId: string): InstType {
  if (/-SWAP$/.test(instId)) return "SWAP";
  if (/-\d{6}-[\d.]+-[CP]$/.test(instId)) return "OPTION";
  if (/-\d{6}$/.test(instId)) return "FUTURES";
  return "SPOT";
}

export function instrumentSpec(
  row: Pick<Instrument, "instId" | "instType" | "ctVal" | "minSz" | "lotSz" | "tickSz"> & { lever?: string },
): InstrumentSpec {
  const num = (s: string, dflt: number) => (s === "" || !Number.isFinite(Number(s)) ? dflt : Number(s));
  const maxLever = row.instType === "SWAP" || row.instType === "FUTURES" ? num(row.lever ?? "", 0) : 0;
  return {
    instId: row.instId,
    instType: row.instType,
    ctVal: num(row.ctVal, 1),
    minSz: num(row.minSz, 0),
    lotSz: num(row.lotSz, 0),
    tickSz: num(row.tickSz, 0),
    ...(maxLever > 0 ? { maxLever } : {}),
  };
}
