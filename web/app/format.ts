// Formatting for the screen: prices stay the exchange's exact decimals, changes as percents,
// times local, latencies in ms with sensible precision.

export function pctChange(last: string | undefined, open: string | undefined): number | null {
  const l = Number(last);
  const o = Number(open);
  return Number.isFinite(l) && Number.isFinite(o) && o > 0 ? ((l - o) / o) * 100 : null;
}

export const fmtPct = (p: number | null): string => (p === null ? "–" : `${p >= 0 ? "+" : ""}${p.toFixed(2)}%`);

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Local time of day with ms, 24 h ("14:03:07.250"); by hand: toLocaleTimeString builds a formatter per call. */
export function fmtTime(ms: number | null | undefined): string {
  if (!ms) return "–";
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (Math.abs(v) < 1) return `${v.toFixed(2)} ms`;
  if (Math.abs(v) < 100) return `${v.toFixed(1)} ms`;
  return `${Math.round(v)} ms`;
}

/** Big numbers short: 1234567 -> 1.23M. */
export function fmtQty(s: string | number | undefined): string {
  const n = Number(s);
  if (!Number.isFinite(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Number(n.toPrecision(8)));
}

/** Digits after the point in a decimal string. */
export const decimals = (s: string | undefined): number => (s?.includes(".") ? s.length - s.indexOf(".") - 1 : 0);
