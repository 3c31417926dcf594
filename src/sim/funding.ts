// Perpetual swap funding: each swap's rate, its funding periods and the settlement at each
// period's end, written in OKX's funding-rate shape (REST and the `funding-rate` channel).
// The rate is a seeded mean-reverting walk around the interest rate, not derived from the
// premium: a simulated swap and its spot follow one walk, so their premium is only touch noise.
import type { FundingRatePush } from "../okx/types.ts";
import type { Account } from "./account.ts";
import type { InstrumentTable, SimInstrument } from "./instruments.ts";
import type { InstrumentMarket, Market } from "./market.ts";
import type { AccountChange } from "./matching.ts";
import { fmt } from "./num.ts";
import type { ResolvedOptions } from "./options.ts";
import { createRng, deriveSeed, type Rng } from "./rng.ts";

/** The level the rate returns to: OKX's interest rate per period (0.01%). */
export const INTEREST_RATE = 0.0001;
/** The rate's cap; its floor is the negative. */
export const MAX_FUNDING_RATE = 0.00375;
/** Each market step the rate moves this share of the way back to the interest rate (half-life ~70,000 steps: 2 h at 10 a second). */
const REVERSION_PER_STEP = 0.00001;
/** Standard deviation of the rate's move per step; with the reversion the rate keeps ~0.0001 of spread. */
const SIGMA_PER_STEP = 0.0000005;
/** Spread of the walk around its level (SIGMA / sqrt(2 × REVERSION)): where a rate starts. */
const SPREAD = SIGMA_PER_STEP / Math.sqrt(2 * REVERSION_PER_STEP);
/** Rates live on a 1e-16 grid, so the 16-decimal string pushed is exactly the number settled. */
const GRID = 1e16;

interface SwapFunding {
  inst: SimInstrument;
  rng: Rng;
  rate: number;
  /** Set through the admin route: the walk leaves the rate alone until it is released. */
  pinned: boolean;
  /** End of the current period (ms): when its funding is paid. */
  fundingTime: number;
  /** The rate paid at the last period end (before the first one: the starting rate). */
  settled: number;
}

export class Funding {
  private readonly swaps = new Map<string, SwapFunding>();

  constructor(
    instruments: InstrumentTable,
    private readonly market: Market,
    private readonly opts: ResolvedOptions,
    now = Date.now(),
  ) {
    for (const inst of instruments.ofType("SWAP")) {
      // A stream of its own, so funding does not change the market a seed replays.
      const rng = createRng(deriveSeed(opts.seed, `funding:${inst.instId}`));
      const rate = onGrid(INTEREST_RATE + SPREAD * rng.normal());
      const fundingTime = periodEnd(now, opts.fundingIntervalMs);
      this.swaps.set(inst.instId, { inst, rng, rate, pinned: false, fundingTime, settled: rate });
    }
  }

  /** The current rate of a swap (undefined for other instruments). */
  rate(instId: string): number | undefined {
    return this.swaps.get(instId)?.rate;
  }

  /** One market step of a swap's rate; other instruments and pinned rates do not move. */
  step(m: InstrumentMarket): void {
    const f = this.swaps.get(m.inst.instId);
    if (!f || f.pinned) return;
    f.rate = onGrid(f.rate + (INTEREST_RATE - f.rate) * REVERSION_PER_STEP + SIGMA_PER_STEP * f.rng.normal());
  }

  /**
   * Pins a swap's rate (the admin route, for tests), or with null lets it walk on from where it
   * is; false for an instrument that is not a swap or a rate beyond ±MAX_FUNDING_RATE.
   */
  set(instId: string, rate: number | null): boolean {
    const f = this.swaps.get(instId);
    if (!f) return false;
    if (rate === null) {
      f.pinned = false;
      return true;
    }
    if (!Number.isFinite(rate) || Math.abs(rate) > MAX_FUNDING_RATE) return false;
    f.rate = onGrid(rate);
    f.pinned = true;
    return true;
  }

  /**
   * Ends the periods that are over by `now`, at the rates and marks as they stand (the caller runs
   * this before the market steps past the end): every open position in those swaps pays or
   * receives its funding, the rate becomes `settFundingRate` and the next period begins. After a
   * pause longer than a period (a sleeping machine) the missed ends are settled once, not each.
   * Returns the swaps whose period ended and, if a position paid, the change to push.
   */
  settle(account: Account, now: number): { instIds: string[]; change?: AccountChange } {
    const instIds: string[] = [];
    const paid: SimInstrument[] = [];
    for (const f of this.swaps.values()) {
      if (now < f.fundingTime) continue;
      instIds.push(f.inst.instId);
      if (account.payFunding(f.inst, f.rate, now) !== undefined) paid.push(f.inst);
      f.settled = f.rate;
      f.fundingTime = periodEnd(now, this.opts.fundingIntervalMs);
    }
    if (paid.length === 0) return { instIds };
    const change: AccountChange = {
      eventType: "funding_fee",
      ccys: [...new Set(paid.map((i) => i.quoteCcy))],
      instIds: paid.map((i) => i.instId),
      trades: [],
    };
    return { instIds, change };
  }

  /** The funding state of a swap as the channel pushes it and REST answers it. */
  view(instId: string, now: number): FundingRatePush | undefined {
    const f = this.swaps.get(instId);
    if (!f) return undefined;
    const interval = this.opts.fundingIntervalMs;
    return {
      instType: "SWAP",
      instId,
      fundingRate: fmt(f.rate, 16),
      nextFundingRate: "",
      fundingTime: String(f.fundingTime),
      nextFundingTime: String(f.fundingTime + interval),
      method: "current_period",
      formulaType: "noRate",
      maxFundingRate: fmt(MAX_FUNDING_RATE, 16),
      minFundingRate: fmt(-MAX_FUNDING_RATE, 16),
      premium: fmt(this.premium(f.inst), 16),
      settFundingRate: fmt(f.settled, 16),
      settState: "settled",
      interestRate: "",
      impactValue: "",
      sz: "",
      ts: String(now),
    };
  }

  /** (swap mid − spot mid) / spot mid: informative only, the rate does not follow it. */
  private premium(inst: SimInstrument): number {
    const swap = this.market.get(inst.instId)?.midPx() ?? 0;
    const spot = this.market.get(inst.wire.uly)?.midPx() ?? 0;
    return spot > 0 ? (swap - spot) / spot : 0;
  }
}

/** End of the period holding `t`: the next multiple of `interval` since 1970 after it. */
export function periodEnd(t: number, interval: number): number {
  return (Math.floor(t / interval) + 1) * interval;
}

function onGrid(rate: number): number {
  const r = Math.min(MAX_FUNDING_RATE, Math.max(-MAX_FUNDING_RATE, rate));
  return Math.round(r * GRID) / GRID;
}
