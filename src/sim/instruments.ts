// The instrument table: a SPOT and a linear SWAP per configured pair, with tick/lot steps chosen
// from the price so that every price and size on the wire is an exact decimal.
import type { Instrument, InstType } from "../okx/types.ts";
import { decimalsOf } from "./num.ts";

export interface SimInstrument {
  wire: Instrument;
  instId: string;
  instType: InstType;
  baseCcy: string;
  quoteCcy: string;
  /** Contract value in base currency (1 for spot: a "contract" is one base unit). */
  ctVal: number;
  tickSz: string;
  lotSz: string;
  pxDec: number;
  szDec: number;
  /** Minimum size in lots. */
  minLots: number;
  startPx: number;
}

export class InstrumentTable {
  readonly all: SimInstrument[] = [];
  private byId = new Map<string, SimInstrument>();
  private byCode = new Map<number, SimInstrument>();

  constructor(pairs: string[], startPrices: Record<string, number>) {
    let code = 1;
    for (const pair of pairs) {
      const [base, quote] = pair.toUpperCase().split("-");
      if (!base || !quote) throw new Error(`instrument "${pair}" is not BASE-QUOTE`);
      const px = startPrices[`${base}-${quote}`] ?? startPrices[base] ?? 100;
      this.add(spot(base, quote, px, code++));
      this.add(swap(base, quote, px, code++ + 10_000));
    }
  }

  get(instId: string | undefined): SimInstrument | undefined {
    return instId === undefined ? undefined : this.byId.get(instId);
  }

  byInstIdCode(code: unknown): SimInstrument | undefined {
    const n = typeof code === "string" ? Number(code) : code;
    return typeof n === "number" ? this.byCode.get(n) : undefined;
  }

  ofType(t: string): SimInstrument[] {
    return this.all.filter((i) => i.instType === t);
  }

  /** The spot pair whose mid prices a currency in USDT ("BTC" -> "BTC-USDT"). */
  usdPair(ccy: string): SimInstrument | undefined {
    return this.byId.get(`${ccy}-USDT`) ?? this.byId.get(`${ccy}-USDC`);
  }

  currencies(): string[] {
    const set = new Set<string>();
    for (const i of this.all) set.add(i.baseCcy).add(i.quoteCcy);
    return [...set];
  }

  private add(i: SimInstrument): void {
    this.all.push(i);
    this.byId.set(i.instId, i);
    if (i.wire.instIdCode !== undefined) this.byCode.set(i.wire.instIdCode, i);
  }
}

/** A power-of-ten step about 1e-5 of the price ("0.1" for 43000, "0.01" for 2300). */
function tickFor(px: number): string {
  const exp = Math.floor(Math.log10(px)) - 5;
  return exp >= 0 ? "1" : (10 ** exp).toFixed(-exp);
}

const LIST_TIME = "1606468572000";

function base(instType: InstType, instId: string, code: number): Instrument {
  return {
    instType,
    instId,
    instIdCode: code,
    uly: "",
    instFamily: "",
    category: "1",
    baseCcy: "",
    quoteCcy: "",
    settleCcy: "",
    ctVal: "",
    ctMult: "",
    ctValCcy: "",
    ctType: "",
    optType: "",
    stk: "",
    listTime: LIST_TIME,
    expTime: "",
    lever: "",
    tickSz: "",
    lotSz: "",
    minSz: "",
    alias: "",
    state: "live",
    maxLmtSz: "9999999999",
    maxMktSz: "1000000",
    maxLmtAmt: "20000000",
    maxMktAmt: "1000000",
    maxTwapSz: "9999999999",
    maxIcebergSz: "9999999999",
    maxTriggerSz: "9999999999",
    maxStopSz: "1000000",
    ruleType: "normal",
    auctionEndTime: "",
  };
}

function spot(b: string, q: string, px: number, code: number): SimInstrument {
  const instId = `${b}-${q}`;
  const tickSz = tickFor(px);
  const lotSz = px >= 1000 ? "0.00000001" : "0.000001";
  const minSz = px >= 1000 ? "0.00001" : "0.0001";
  const wire = { ...base("SPOT", instId, code), baseCcy: b, quoteCcy: q, tickSz, lotSz, minSz, lever: "10" };
  return finish(wire, b, q, 1, px);
}

function swap(b: string, q: string, px: number, code: number): SimInstrument {
  const instId = `${b}-${q}-SWAP`;
  const ctVal = 10 ** Math.round(Math.log10(400 / px));
  const ctValStr = ctVal >= 1 ? String(ctVal) : ctVal.toFixed(Math.round(-Math.log10(ctVal)));
  const wire: Instrument = {
    ...base("SWAP", instId, code),
    uly: `${b}-${q}`,
    instFamily: `${b}-${q}`,
    settleCcy: q,
    ctVal: ctValStr,
    ctMult: "1",
    ctValCcy: b,
    ctType: "linear",
    lever: "100",
    tickSz: tickFor(px),
    lotSz: "0.01",
    minSz: "0.01",
    maxMktSz: "10000",
  };
  return finish(wire, b, q, ctVal, px);
}

function finish(wire: Instrument, baseCcy: string, quoteCcy: string, ctVal: number, startPx: number): SimInstrument {
  const pxDec = decimalsOf(wire.tickSz);
  const szDec = decimalsOf(wire.lotSz);
  const minLots = Math.round(Number(wire.minSz) * 10 ** szDec);
  return {
    wire,
    instId: wire.instId,
    instType: wire.instType,
    baseCcy,
    quoteCcy,
    ctVal,
    tickSz: wire.tickSz,
    lotSz: wire.lotSz,
    pxDec,
    szDec,
    minLots,
    startPx,
  };
}
