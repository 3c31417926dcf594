// An instrument's 24h turnover in its quote currency, so the list compares and sorts spot and
// derivatives alike: OKX gives a spot ticker's volCcy24h in the quote currency but a derivative's
// in the base currency (../shared/OKX.md, tickers), which is priced here at the last price. A spot
// instId is BASE-QUOTE; every derivative's has more parts (BTC-USDT-SWAP, BTC-USD-250328). Pure.

/** A decimal string's value; an empty one (a figure not given) is not a number rather than 0. */
const num = (s: string) => (s === "" ? Number.NaN : Number(s));

export function turnover24h(t: { instId: string; last: string; volCcy24h: string }): number {
  const vol = num(t.volCcy24h);
  const spot = t.instId.split("-").length === 2;
  return spot ? vol : vol * num(t.last);
}
