// What an amount of a currency is worth in USD, from the live tickers: USD stablecoins at 1,
// others at the last price of their USDT (or USDC) pair; unknown without one. Pure.

const DOLLARS = new Set(["USD", "USDT", "USDC"]);

/** The USD price of one unit of `ccy`, or null when no ticker prices it. */
export function usdPrice(ccy: string, tickers: ReadonlyMap<string, { last: string }>): number | null {
  if (DOLLARS.has(ccy)) return 1;
  for (const quote of ["USDT", "USDC"]) {
    const last = Number(tickers.get(`${ccy}-${quote}`)?.last);
    if (last > 0) return last;
  }
  return null;
}
