// Builds the simulator's parts once and wires them together; REST, WS and admin handlers receive
// this context instead of importing each other.
import { Account } from "./account.ts";
import { Faults } from "./faults.ts";
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
  const faults = new Faults();
  const limiter = new OkxRateLimits(opts.rateLimits);
  const hub = new Hub();
  return {
    opts,
    instruments,
    market,
    account,
    matcher,
    faults,
    limiter,
    hub,
    trade: new TradeService(matcher, limiter, instruments),
    feed: new Feed(hub, market, matcher, faults, opts),
    privateFeed: new PrivateFeed(hub, matcher, account),
  };
}

/** One market step (or one slice of it): walk, fill crossed resting orders, push what changed. */
export function step(ctx: SimContext, now = Date.now(), slice = 0, slices = 1): void {
  for (const m of ctx.market.step(now, slice, slices)) {
    ctx.matcher.cross(m, now);
    ctx.feed.publish(m, now);
  }
}
