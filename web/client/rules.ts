// An instrument's trading rules applied before an order goes out (GET /api/market/instruments):
// prices on the tick grid, sizes on the lot grid and at least the minimum, with the same words
// as the server's risk check; stepping a value by whole ticks or lots. Pure.

export interface Rules {
  tickSz: number;
  lotSz: number;
  minSz: number;
}

/** Digits after the point a step needs: 0.1 -> 1, 1e-8 -> 8, 0.25 -> 2, 5 -> 0. */
export function stepDecimals(step: number): number {
  if (!(step > 0)) return 0;
  for (let d = 0; d < 15; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 15;
}

/** A step as a plain decimal ("0.00000001", never "1e-8"). */
export const fmtStep = (step: number): string => step.toFixed(stepDecimals(step));

/** Whether `v` is a whole number of steps (the server's tolerance). */
export function onStep(v: number, step: number): boolean {
  if (!(step > 0)) return true;
  const q = v / step;
  return Math.abs(q - Math.round(q)) < 1e-7;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** What is wrong with a limit price, or null. */
export function checkPx(px: string, r: Rules): string | null {
  const s = px.trim();
  if (s === "") return null;
  if (!DECIMAL.test(s) || !(Number(s) > 0)) return "a positive decimal";
  if (!onStep(Number(s), r.tickSz)) return `px must be a multiple of ${fmtStep(r.tickSz)}`;
  return null;
}

/** What is wrong with a size, or null. */
export function checkSz(sz: string, r: Rules): string | null {
  const s = sz.trim();
  if (s === "") return null;
  if (!DECIMAL.test(s) || !(Number(s) > 0)) return "a positive decimal";
  const n = Number(s);
  if (n < r.minSz) return `sz below the minimum ${fmtStep(r.minSz)}`;
  if (!onStep(n, r.lotSz)) return `sz must be a multiple of ${fmtStep(r.lotSz)}`;
  return null;
}

/**
 * `value` moved by `n` steps and put on the grid (rounded to the nearest step first), never
 * below `min`; an empty or unreadable value starts from `from` (e.g. the best price).
 */
export function stepBy(value: string, step: number, n: number, min = step, from?: string): string {
  if (!(step > 0)) return value;
  const start = Number(value.trim() === "" ? (from ?? min) : value);
  if (!Number.isFinite(start)) return value;
  const steps = Math.round(start / step) + (value.trim() === "" && from === undefined ? 0 : n);
  const v = Math.max(min, steps * step);
  return v.toFixed(stepDecimals(step));
}

/**
 * The size that uses `share` (0..1] of what is available, down to the lot grid: a buy spends the
 * quote currency at `px`, a sell sells the base. It may be under the minimum (the field then says
 * so); "" when nothing is available or there is no price to buy at.
 */
export function sizeForShare(share: number, side: "buy" | "sell", avail: number, px: number, r: Rules): string {
  const raw = side === "buy" ? (px > 0 ? (avail * share) / px : 0) : avail * share;
  if (!(raw > 0) || !(r.lotSz > 0)) return "";
  const lots = Math.floor(raw / r.lotSz + 1e-9);
  return lots > 0 ? (lots * r.lotSz).toFixed(stepDecimals(r.lotSz)) : "";
}

/**
 * A swap's size (contracts on the lot grid) whose margin at `lever` is a share of what is available:
 * share x avail x lever / (px x ctVal), less 1% the exchange keeps back for fees.
 */
export function contractsForShare(
  share: number,
  avail: number,
  lever: number,
  px: number,
  ctVal: number,
  r: Rules,
): string {
  const raw = px > 0 && ctVal > 0 ? (avail * share * lever) / (px * ctVal * 1.01) : 0;
  if (!(raw > 0) || !(r.lotSz > 0)) return "";
  const lots = Math.floor(raw / r.lotSz + 1e-9);
  return lots > 0 ? (lots * r.lotSz).toFixed(stepDecimals(r.lotSz)) : "";
}

/** A price rounded to the nearest tick, written with the tick's decimals (43012.34, tick 0.1 -> "43012.3"). */
export function toTick(price: number, tick: number): string {
  if (!(tick > 0)) return String(price);
  return (Math.round(price / tick) * tick).toFixed(stepDecimals(tick));
}
