// Prices and sizes on an instrument's grid (tick, lot) as the decimal strings orders carry. Pure.

/** Decimals a step needs: 0.1 -> 1, 0.00001 -> 5, 1e-8 -> 8, 5 -> 0. */
export function decimalsOf(step: number): number {
  if (!(step > 0)) return 8;
  for (let d = 0; d <= 12; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 12;
}

/** `v` on the step's grid, rounded down, up or to the nearest; a tiny epsilon absorbs float error (0.3/0.1). */
export function onStep(v: number, step: number, how: "down" | "up" | "nearest"): number {
  if (!(step > 0)) return v;
  const q = v / step;
  const n = how === "down" ? Math.floor(q + 1e-9) : how === "up" ? Math.ceil(q - 1e-9) : Math.round(q);
  return n * step;
}

/** A number as the decimal string of its step: 43012.300000001 with step 0.1 -> "43012.3". */
export function fmtStep(v: number, step: number): string {
  return v.toFixed(decimalsOf(step));
}
