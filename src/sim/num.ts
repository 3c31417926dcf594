// Exact decimal strings for the wire: prices live as integer ticks and sizes as integer lots, so
// "43000.1" is written from 430001 ticks of 0.1 without floating-point noise.

/** Number of decimals of a step such as "0.01" (2) or "1" (0). */
export function decimalsOf(step: string): number {
  const dot = step.indexOf(".");
  return dot < 0 ? 0 : step.length - dot - 1;
}

/** units × 10^-decimals as a plain decimal string without trailing zeros. */
export function unitsToStr(units: number, decimals: number): string {
  if (!Number.isSafeInteger(units)) units = Math.round(units);
  const neg = units < 0;
  let a = neg ? -units : units;
  // Trailing zeros go in integer arithmetic (this runs for every level of every book push).
  let d = decimals;
  while (d > 0 && a % 10 === 0 && a !== 0) {
    a /= 10;
    d--;
  }
  if (a === 0) return "0";
  let s = String(a);
  if (d > 0) {
    if (s.length <= d) s = "0".repeat(d - s.length + 1) + s;
    s = `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`;
  }
  return neg ? `-${s}` : s;
}

/**
 * Parses a decimal string into integer units of `decimals`, or undefined if it is not a
 * non-negative decimal or has more precision than `decimals` allows.
 * @example strToUnits("0.015", 2) // undefined (not a multiple of 0.01)
 */
export function strToUnits(s: string, decimals: number): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(s) && !/^\.\d+$/.test(s)) return undefined;
  const [int = "0", frac = ""] = s.split(".");
  const trimmed = frac.replace(/0+$/, "");
  if (trimmed.length > decimals) return undefined;
  const units = Number(int || "0") * 10 ** decimals + Number(trimmed.padEnd(decimals, "0") || "0");
  return Number.isSafeInteger(units) ? units : undefined;
}

/** A float for amounts that are not on a grid (balances, fees, averages): at most `dp` decimals. */
export function fmt(x: number, dp = 8): string {
  if (!Number.isFinite(x)) return "0";
  const s = x.toFixed(dp).replace(/\.?0+$/, "");
  return s === "-0" || s === "" ? "0" : s;
}

/** A decimal string field that may be "", null, a number or a string (client quirks). */
export function parseDec(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
