// The simulator's public surface: start a paper OKX v5 exchange (REST + WebSocket on one port)
// in-process and get its URLs, credentials, fault switches and stop().
import type { OkxCredentials } from "../okx/sign.ts";
import type { Instrument } from "../okx/types.ts";
import { createContext, type SimContext, setFundingRate, step } from "./context.ts";
import type { Faults } from "./faults.ts";
import { resolveOptions, type SimOptions } from "./options.ts";
import { OrderFile } from "./persist.ts";
import { closeIdle, serve } from "./server.ts";

export type { FaultPatch, FaultState, Faults } from "./faults.ts";
export type { SimOptions } from "./options.ts";
export { DEFAULT_CREDENTIALS } from "./options.ts";

export interface Simulator {
  /** REST base, e.g. "http://127.0.0.1:40123" (paths start with /api/v5). */
  url: string;
  /** WebSocket base ending in /ws/v5: append /public, /private or /business. */
  wsUrl: string;
  port: number;
  credentials: OkxCredentials;
  /** Fault injection, switchable at run time (also at POST {url}/sim/faults). */
  faults: Faults;
  /** The instruments served, as GET /public/instruments writes them. */
  instruments: Instrument[];
  /** Moves the market of an instrument's pair to `px` (crosses resting orders on the next step). */
  setPrice(instId: string, px: number): boolean;
  /**
   * Pins a swap's funding rate (pushed at once, settled at the period's end), or with null lets it
   * walk again; false for a non-swap or a rate beyond ±0.00375.
   */
  setFundingRate(instId: string, rate: number | null): boolean;
  /** Runs `n` market steps now (with tickMs 0 the market moves only through this). */
  step(n?: number): void;
  stop(): Promise<void>;
}

/**
 * Starts the simulator; port 0 picks a free port, loopback by default.
 * @example
 * const sim = await startSimulator({ seed: 7, instruments: ["BTC-USDT"] });
 * await fetch(`${sim.url}/api/v5/public/time`);
 * await sim.stop();
 */
export async function startSimulator(options: SimOptions = {}): Promise<Simulator> {
  const opts = resolveOptions(options);
  const ctx: SimContext = createContext(opts);
  const file = opts.dataDir ? new OrderFile(opts.dataDir, ctx.matcher, ctx.instruments) : undefined;
  const server = serve(ctx);
  const timers: ReturnType<typeof setInterval>[] = [];
  if (opts.tickMs > 0) {
    // A tick is spread over slices, each stepping its share of the pairs.
    const slices = ctx.market.slicesPerTick(opts.tickMs);
    let slice = 0;
    timers.push(
      setInterval(() => {
        step(ctx, Date.now(), slice, slices);
        slice = (slice + 1) % slices;
      }, opts.tickMs / slices),
    );
  }
  if (opts.candleMs > 0) timers.push(setInterval(() => ctx.feed.publishCandles(Date.now()), opts.candleMs));
  if (opts.fundingPushMs > 0) timers.push(setInterval(() => ctx.feed.publishFunding(Date.now()), opts.fundingPushMs));
  if (opts.accountPushMs > 0)
    timers.push(setInterval(() => ctx.privateFeed.pushAccount(Date.now()), opts.accountPushMs));
  timers.push(setInterval(() => closeIdle(ctx, Date.now()), 1_000));
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host === "0.0.0.0" ? "127.0.0.1" : opts.host;
  const port = server.port ?? opts.port;
  let stopped = false;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws/v5`,
    port,
    credentials: { ...opts.credentials },
    faults: ctx.faults,
    instruments: ctx.instruments.all.map((i) => i.wire),
    setPrice: (instId, px) => ctx.market.setPrice(instId, px),
    setFundingRate: (instId, rate) => setFundingRate(ctx, instId, rate),
    step: (n = 1) => {
      for (let i = 0; i < n; i++) step(ctx);
      ctx.feed.publishCandles(Date.now());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearInterval(t);
      for (const s of ctx.hub.sessions) s.close(1001, "simulator stopping");
      await server.stop(true);
      file?.close();
    },
  };
}
