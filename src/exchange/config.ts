// What the OKX client needs to run (URLs, credentials, subscriptions, timings), derived from the
// service configuration; plain data so it can be posted to the ingest Worker.
import { type Config, tradableInstruments } from "../config.ts";
import type { OkxCredentials } from "../okx/sign.ts";

export type { OkxCredentials };

export type PrivateChannel = "orders" | "positions" | "account" | "balance_and_position";

export interface IngestTiming {
  /** Send a text `ping` after this long without any inbound message (OKX cuts at 30 s). */
  pingIntervalMs: number;
  /** Reconnect when no message (the `pong` or anything else) arrives this long after a ping. */
  pongTimeoutMs: number;
  /** Reconnect backoff: base delay, doubled per failed attempt up to max, with jitter. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Give up waiting for a login answer after this long (then reconnect). */
  loginTimeoutMs: number;
  /** A WS trade op without an answer after this long fails (state unknown). */
  opTimeoutMs: number;
  /** Per REST request. */
  restTimeoutMs: number;
}

export interface IngestConfig {
  /** e.g. https://www.okx.com or http://127.0.0.1:9000 (paths start with /api/v5). */
  restUrl: string;
  /** Base, e.g. ws://127.0.0.1:9000/ws/v5; /public, /private, /business are appended. */
  wsUrl: string;
  /** Without credentials there is no private connection and trade ops fail. */
  credentials: OkxCredentials | null;
  /** Demo trading: `x-simulated-trading: 1` on REST. */
  demo: boolean;
  /** Market data: tickers, books, trades, candles. */
  instruments: string[];
  /** Whose rules (tick, lot, minimum size) are loaded for orders: see tradableInstruments. */
  tradable: string[];
  /** `books` (400 levels, snapshot + updates, seq/checksum checks) or `books5` (5-level snapshots). */
  book: "books" | "books5";
  /** Levels per side in each published `book` event. */
  publishDepth: number;
  /** Business-connection candle channel (e.g. candle1m), or null for none. */
  candle: string | null;
  privateChannels: PrivateChannel[];
  /** The private connection and trade ops in a Worker of their own (with credentials). */
  tradeThread: boolean;
  timing: IngestTiming;
}

export const DEFAULT_TIMING: IngestTiming = {
  pingIntervalMs: 15_000,
  pongTimeoutMs: 3_000,
  backoffBaseMs: 250,
  backoffMaxMs: 30_000,
  loginTimeoutMs: 10_000,
  opTimeoutMs: 5_000,
  restTimeoutMs: 10_000,
};

const OKX_REST = "https://www.okx.com";
const OKX_WS = "wss://ws.okx.com:8443/ws/v5";
const OKX_WS_DEMO = "wss://wspap.okx.com:8443/ws/v5";

/** Where to connect when OKX_* names no endpoint (the main thread's built-in simulator). */
export interface IngestFallback {
  restUrl: string;
  wsUrl: string;
  credentials: OkxCredentials | null;
}

/**
 * From the environment: OKX_* when set; otherwise the fallback (the simulator) for whatever the
 * environment leaves open. With keys but no URLs, the real OKX (demo hosts when OKX_DEMO).
 * @example ingestConfigFromEnv(loadConfig(), { restUrl: sim.url, wsUrl: sim.wsUrl, credentials: sim.credentials })
 */
export function ingestConfigFromEnv(
  env: Config,
  fallback?: IngestFallback,
  overrides: Partial<IngestConfig> = {},
): IngestConfig {
  const envCreds =
    env.OKX_API_KEY && env.OKX_SECRET_KEY && env.OKX_PASSPHRASE
      ? { apiKey: env.OKX_API_KEY, secretKey: env.OKX_SECRET_KEY, passphrase: env.OKX_PASSPHRASE }
      : null;
  const useOkx = envCreds !== null || !fallback;
  const restUrl = env.OKX_REST_URL ?? (useOkx ? OKX_REST : fallback.restUrl);
  const wsUrl = env.OKX_WS_URL ?? (useOkx ? (env.OKX_DEMO ? OKX_WS_DEMO : OKX_WS) : fallback.wsUrl);
  return {
    restUrl: restUrl.replace(/\/+$/, ""),
    wsUrl: wsUrl.replace(/\/+$/, ""),
    credentials: envCreds ?? fallback?.credentials ?? null,
    demo: env.OKX_DEMO,
    instruments: env.OKX_INSTRUMENTS,
    tradable: tradableInstruments(env),
    book: "books",
    publishDepth: 25,
    candle: "candle1m",
    privateChannels: ["orders", "positions", "account"],
    tradeThread: env.OKX_TRADE_THREAD,
    timing: DEFAULT_TIMING,
    ...overrides,
  };
}
