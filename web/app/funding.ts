// A perpetual swap's funding as a trader reads it: the rate in percent, the time left until it
// is paid, and what a position pays or receives then (longs pay shorts when the rate is positive).

/** The rate as a percent with four decimals and its sign: "0.0100%", "-0.0250%". */
export function fmtFundingRate(rate: string | undefined): string {
  const r = Number(rate);
  if (rate === undefined || rate === "" || !Number.isFinite(r)) return "–";
  const pct = (r * 100).toFixed(4);
  return `${pct === "-0.0000" ? "0.0000" : pct}%`;
}

/** Time left until `at`, as h:mm:ss ("0:00:00" once it is past). */
export function fmtCountdown(at: number, now: number): string {
  const s = Math.max(0, Math.floor((at - now) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${h}:${two(m)}:${two(s % 60)}`;
}

/**
 * What a position gets at the next funding, in the settlement currency (negative: it pays):
 * -contracts x contract value x mark price x rate, contracts signed (short negative).
 * @example fundingPayment(2, 0.01, 43000, 0.0001) // -0.086
 */
export function fundingPayment(contracts: number, ctVal: number, markPx: number, rate: number): number {
  const v = -contracts * ctVal * markPx * rate;
  return v === 0 ? 0 : v;
}
