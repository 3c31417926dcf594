// What the exchange says of an instrument that orders must respect: its type, contract value and
// the tick, lot and minimum size (risk checks, the order ticket's rules, strategies' limits).

export interface InstrumentSpec {
  instId: string;
  instType: string;
  /** Contract value in base currency (1 for spot). */
  ctVal: number;
  minSz: number;
  lotSz: number;
  tickSz: number;
  /** The most leverage the exchange allows on it (swaps and futures; absent for spot). */
  maxLever?: number;
}
