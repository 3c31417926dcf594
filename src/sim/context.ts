// Builds the simulator's parts once and wires them together; REST, WS and admin handlers receive
// this context instead of importing each other.
import { Account } from "./account.ts";
import { Faults } from "./faults.ts";
import { Funding } from "./funding.ts";
import { InstrumentTable } from "./instruments.ts";
import { Market } from "./market.ts";
import { Matcher } from "./matching.ts";
import type { ResolvedOptions } from "./options.ts";
import { OkxRateLimits } from "./ratelimit.ts";
import { TradeService } from "./trade.ts";
import { Feed } from "./ws/feed.ts";
import { Hub } from "./ws/hub.ts";
import { PrivateFeed } from "./ws/private.ts";

export interface SimContext {
  opts: ResolvedOptions;
  instruments: InstrumentTable;
  market: Market;
  account: Account;
  matcher: Matcher;
  funding: Funding;
  faults: Faults;
  limiter: OkxRateLimits;
  trade: TradeService;
  hub: Hub;
  feed: Feed;
  privateFeed: PrivateFeed;
}

export function createContext(opts: ResolvedOptions, now = Date.now()): SimContext {
  const instruments = new InstrumentTable(opts.instruments, opts.startPrices);
  const market = new Market(instruments, opts, now);
  const account = new Account(instruments, market, opts, now);
  const matcher = new Matcher(instruments, market, account, opts);
  const funding = new Funding(instruments, market, opts, now);
  const faults = new Faults();
  const limiter = new OkxRateLimits(opts.rateLimits);
  const hub = new Hub();
  return {
    opts,
    instruments,
    market,
    account,
    matcher,
    funding,
    faults,
    limiter,
    hub,
    trade: new TradeService(matcher, limiter, instruments),
    feed: new Feed(hub, market, matcher, faults, funding, opts),
    privateFeed: new PrivateFeed(hub, matcher, account),
  };
}

/**
 * One market step (or one slice of it): settle the funding periods that ended, walk, fill crossed
 * resting orders, push what changed, move the swaps' funding rates.
 */
export function step(ctx: SimContext, now = Date.now(), slice = 0, slices = 1): void {
  settleFunding(ctx, now);
  for (const m of ctx.market.step(now, slice, slices)) {
    ctx.matcher.cross(m, now);
    ctx.feed.publish(m, now);
    ctx.funding.step(m);
  }
}

/**
 * Before the market steps past a period's end: positions pay or receive funding at the marks and
 * rates as they stood, pushed at once on the private channels (as fills are, with eventType
 * funding_fee), and funding-rate subscribers get the next period.
 */
function settleFunding(ctx: SimContext, now: number): void {
  const { instIds, change } = ctx.funding.settle(ctx.account, now);
  if (change) ctx.privateFeed.pushNow(change, now);
  if (instIds.length > 0) ctx.feed.publishFunding(now, instIds);
}

/** Pins a swap's funding rate (null: lets it walk again) and pushes it at once, as OKX does when a rate changes. */
export function setFundingRate(ctx: SimContext, instId: string, rate: number | null, now = Date.now()): boolean {
  if (!ctx.funding.set(instId, rate)) return false;
  ctx.feed.publishFunding(now, [instId]);
  return true;
}
