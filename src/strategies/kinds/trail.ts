// A trailing stop's price: it follows the best last price since the trail was (re)armed, `pct`
// behind it on the tick grid; a sell's stop only rises and a buy's only falls. Pure.
import { fmtStep, onStep } from "./steps.ts";

export class Trail {
  /** The highest last price (a sell's trail) or the lowest (a buy's) since it was armed. */
  private best: number | undefined;

  constructor(
    private readonly side: "buy" | "sell",
    readonly pct: number,
    private readonly tickSz: number,
  ) {}

  /** The stop once `last` is seen: moved toward the market when the trail has passed `stop`, else `stop`. */
  follow(last: number, stop: number | undefined): number | undefined {
    if (!(last > 0)) return stop;
    const sell = this.side === "sell";
    this.best = this.best === undefined ? last : sell ? Math.max(this.best, last) : Math.min(this.best, last);
    const raw = this.best * (sell ? 1 - this.pct / 100 : 1 + this.pct / 100);
    const at = Number(fmtStep(onStep(raw, this.tickSz, sell ? "down" : "up"), this.tickSz));
    if (!(at > 0)) return stop;
    return stop === undefined || (sell ? at > stop : at < stop) ? at : stop;
  }
}
