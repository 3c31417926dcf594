// Simulator options with their defaults, in one place, so the CLI, the embedded start and the
// tests agree on what "default" means.
import type { OkxCredentials } from "../okx/sign.ts";

export const DEFAULT_CREDENTIALS: OkxCredentials = {
  apiKey: "tw-sim-key",
  secretKey: "tw-sim-secret",
  passphrase: "tw-sim-pass",
};

export interface SimOptions {
  /** 0 = any free port. */
  port?: number;
  /** Bind address; loopback unless told otherwise. */
  host?: string;
  /** Seed of the random walk, the books and the ids: the same seed replays the same market. */
  seed?: number;
  /** Spot pairs such as "BTC-USDT"; each also gets a linear swap "BTC-USDT-SWAP". */
  instruments?: string[];
  /** true: books carry the real CRC32 (OKX.md §4.2); false: checksum 0, as OKX since 2026-06. */
  checksum?: boolean;
  credentials?: Partial<OkxCredentials>;
  /** Account uid shown on private pushes and /account/config. */
  uid?: string;
  /** Market step: random walk, book changes, pushes of tickers/books/books5/bbo-tbt/trades. */
  tickMs?: number;
  /** Candle push cadence. */
  candleMs?: number;
  /** The `account` channel's regular push (OKX pushes on events and periodically); 0 = on events only. */
  accountPushMs?: number;
  /** Length of a swap funding period (at least 1000); periods end at multiples of it since 1970 (8 h: 00:00, 08:00, 16:00 UTC). */
  fundingIntervalMs?: number;
  /** The `funding-rate` channel's regular push (OKX: every 30-90 s); 0 = only on subscribe and after a settlement. */
  fundingPushMs?: number;
  /** Standard deviation of the mid per step, as a fraction of the price. */
  volatility?: number;
  /** Synthetic book levels per side (books shows up to 400). */
  bookLevels?: number;
  /** Starting mid prices by base currency or spot instId; unknown pairs start at 100. */
  startPrices?: Record<string, number>;
  /** Starting cash balances by currency; default 100000 per quote currency and ~50000 USDT worth per base. */
  balances?: Record<string, number>;
  /** Enforce the OKX REST/WS request limits (OKX.md §8). */
  rateLimits?: boolean;
  /** Answer 50101 (HTTP 401) to private REST calls without `x-simulated-trading: 1`. */
  requireDemoHeader?: boolean;
  /** Allow REST and WS-login timestamps this far from the sim clock (OKX: 30 s). */
  maxClockSkewMs?: number;
  /** Close a WS connection with no subscription and no traffic for this long (OKX: 30 s); 0 = never. */
  idleCloseMs?: number;
  /** Accept every channel on every /ws/v5/* path (for clients that use one URL for all). */
  lenientWsPaths?: boolean;
  /** Maker and taker fee rates (positive numbers; fees are written negative). */
  fees?: { spotMaker: number; spotTaker: number; swapMaker: number; swapTaker: number };
  /** Leverage used for swap margin. */
  leverage?: number;
  /** Log one line per connection event to stderr. */
  verbose?: boolean;
  /** Keep orders and fills in this directory across restarts (persist.ts); unset: in memory only. */
  dataDir?: string;
}

export type ResolvedOptions = Required<Omit<SimOptions, "credentials" | "balances" | "startPrices" | "dataDir">> & {
  credentials: OkxCredentials;
  balances?: Record<string, number>;
  dataDir?: string;
  startPrices: Record<string, number>;
};

export function resolveOptions(o: SimOptions = {}): ResolvedOptions {
  return {
    port: o.port ?? 0,
    host: o.host ?? "127.0.0.1",
    seed: o.seed ?? 1,
    instruments: o.instruments?.length ? o.instruments : ["BTC-USDT", "ETH-USDT"],
    checksum: o.checksum ?? true,
    credentials: { ...DEFAULT_CREDENTIALS, ...stripUndefined(o.credentials ?? {}) },
    uid: o.uid ?? "44012345678901234",
    tickMs: o.tickMs ?? 100,
    candleMs: o.candleMs ?? 500,
    accountPushMs: o.accountPushMs ?? 5_000,
    fundingIntervalMs: Math.max(1_000, o.fundingIntervalMs ?? 8 * 3_600_000),
    fundingPushMs: o.fundingPushMs ?? 30_000,
    volatility: o.volatility ?? 0.0001,
    bookLevels: Math.min(400, Math.max(5, o.bookLevels ?? 100)),
    startPrices: { BTC: 43000, ETH: 2300, SOL: 100, XRP: 0.5, DOGE: 0.08, LTC: 70, ...(o.startPrices ?? {}) },
    balances: o.balances,
    rateLimits: o.rateLimits ?? true,
    requireDemoHeader: o.requireDemoHeader ?? false,
    maxClockSkewMs: o.maxClockSkewMs ?? 30_000,
    idleCloseMs: o.idleCloseMs ?? 30_000,
    lenientWsPaths: o.lenientWsPaths ?? false,
    fees: o.fees ?? { spotMaker: 0.0008, spotTaker: 0.001, swapMaker: 0.0002, swapTaker: 0.0005 },
    leverage: o.leverage ?? 10,
    verbose: o.verbose ?? false,
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as Partial<T>;
}
