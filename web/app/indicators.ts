// Chart indicators over the bars' closes: a simple moving average, an exponential one and
// Bollinger bands. Pure; each answers one value per bar, null until it has enough bars.

/** The mean of the last `n` values at each bar. */
export function sma(xs: readonly number[], n: number): Array<number | null> {
  const out: Array<number | null> = new Array(xs.length).fill(null);
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    sum += xs[i]!;
    if (i >= n) sum -= xs[i - n]!;
    if (i >= n - 1) out[i] = sum / n;
  }
  return out;
}

/** Exponential moving average with weight 2/(n+1), started from the mean of the first `n` values. */
export function ema(xs: readonly number[], n: number): Array<number | null> {
  const out: Array<number | null> = new Array(xs.length).fill(null);
  if (xs.length < n) return out;
  const a = 2 / (n + 1);
  let e = 0;
  for (let i = 0; i < n; i++) e += xs[i]! / n;
  out[n - 1] = e;
  for (let i = n; i < xs.length; i++) {
    e = a * xs[i]! + (1 - a) * e;
    out[i] = e;
  }
  return out;
}

/** Bollinger bands: the `n`-bar mean, and `k` population standard deviations above and below it. */
export function bollinger(
  xs: readonly number[],
  n: number,
  k: number,
): { mid: Array<number | null>; upper: Array<number | null>; lower: Array<number | null> } {
  const mid = sma(xs, n);
  const upper: Array<number | null> = new Array(xs.length).fill(null);
  const lower: Array<number | null> = new Array(xs.length).fill(null);
  for (let i = n - 1; i < xs.length; i++) {
    const m = mid[i]!;
    let v = 0;
    for (let j = i - n + 1; j <= i; j++) v += (xs[j]! - m) ** 2;
    const d = k * Math.sqrt(v / n);
    upper[i] = m + d;
    lower[i] = m - d;
  }
  return { mid, upper, lower };
}

/** One line an indicator draws. */
export interface IndicatorLine {
  /** Its name in the legend, e.g. "MA 20", "BB up". */
  name: string;
  color: string;
  values: Array<number | null>;
}

/** The indicators a chart offers: each a label and the lines it draws over a list of closes. */
export const INDICATORS = {
  ma20: { label: "MA 20", lines: (c: readonly number[]) => [{ name: "MA 20", color: "#f0b90b", values: sma(c, 20) }] },
  ema50: {
    label: "EMA 50",
    lines: (c: readonly number[]) => [{ name: "EMA 50", color: "#c77dff", values: ema(c, 50) }],
  },
  bb20: {
    label: "Bollinger 20, 2",
    lines: (c: readonly number[]): IndicatorLine[] => {
      const b = bollinger(c, 20, 2);
      return [
        { name: "BB up", color: "#5b9bd5", values: b.upper },
        { name: "BB mid", color: "rgb(91 155 213 / 55%)", values: b.mid },
        { name: "BB low", color: "#5b9bd5", values: b.lower },
      ];
    },
  },
} as const satisfies Record<string, { label: string; lines: (closes: readonly number[]) => IndicatorLine[] }>;

export type IndicatorId = keyof typeof INDICATORS;
export const INDICATOR_IDS = Object.keys(INDICATORS) as IndicatorId[];
