// Configuration from the environment, validated once at start: a bad value stops the start
// with a message naming the variable and what it expected.
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);
const optionalUrl = z.string().url().optional();

export const envSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  JWT_SECRET: z.string().min(32, "at least 32 characters").optional(),
  ADMIN_PASSWORD: z.string().min(8, "at least 8 characters").optional(),
  CORS_ORIGINS: list.default([]),
  TRUST_PROXY_HOPS: int(0, 10).default(0),
  OKX_API_KEY: z.string().optional(),
  OKX_SECRET_KEY: z.string().optional(),
  OKX_PASSPHRASE: z.string().optional(),
  OKX_DEMO: bool.default(false),
  OKX_TRADE_THREAD: bool.default(true),
  OKX_REST_URL: optionalUrl,
  OKX_WS_URL: optionalUrl,
  OKX_INSTRUMENTS: list.default(["BTC-USDT", "ETH-USDT"]),
  /** false: no exchange connection (events come only from POST /api/events, e.g. an engine). */
  OKX_ENABLED: bool.default(true),
  CLICKHOUSE_URL: optionalUrl,
  /** false: no ClickHouse at all (history answers 503, users live in memory). */
  CLICKHOUSE_ENABLED: bool.default(true),
  /** The compiled binary's chDB native library (chdb_node.node, libchdb.so); unset: beside the binary. */
  CHDB_LIB_DIR: z.string().min(1).optional(),
  // The recorder (bus -> ClickHouse): batch size and interval, buffer bounds while ClickHouse is down
  RECORDER_BATCH_ROWS: int(1, 1_000_000).default(10_000),
  RECORDER_FLUSH_MS: int(10, 60_000).default(500),
  RECORDER_MARKET_BUFFER_ROWS: int(1, 50_000_000).default(200_000),
  RECORDER_KEPT_BUFFER_ROWS: int(1, 50_000_000).default(1_000_000),
  RECORDER_NICE: int(0, 19).default(10),
  /**
   * Audit entries are journaled under DATA_DIR before the answer. false (default): written without
   * fdatasync, which survives a killed process; true: fdatasync'd too (survives a power cut, ~0.5 ms
   * p50 / ~5 ms p99 more per acknowledged request on the development VM).
   */
  AUDIT_JOURNAL_FSYNC: bool.default(false),
  REDIS_URL: optionalUrl,
  // The external engine bridge (Redis Streams, with REDIS_URL; docs/engine-protocol.md)
  /** false: no engine bridge even with REDIS_URL (no Worker, no connections for it). */
  ENGINE_BRIDGE: bool.default(true),
  /** Engines /ready requires to be heartbeating. */
  ENGINE_IDS: list.default([]),
  ENGINE_COMMAND_TIMEOUT_MS: int(100, 300_000).default(10_000),
  /** Where fired price alerts are POSTed (a chat's incoming webhook, a receiver of the desk's own); unset: nowhere. */
  NOTIFY_WEBHOOK_URL: optionalUrl,
  /** Signs each webhook body (X-Tradewire-Signature: sha256=<HMAC>) so the receiver can tell it is ours. */
  NOTIFY_WEBHOOK_SECRET: z.string().min(16, "at least 16 characters").optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  // Event bus and streams
  BUS_CAPACITY: int(16, 1 << 24)
    .default(32768)
    .refine((n) => (n & (n - 1)) === 0, "a power of two"),
  BUS_BYTES: int(1 << 16, 1 << 30).default(4 << 20),
  // What an outside publisher (POST /api/events, an engine) may put on the bus: so that none can
  // push the others' events out of the replay window. At most BUS_BYTES/16 and BUS_BYTES/4.
  /** Largest `data` of one event (its JSON, bytes). */
  MAX_EVENT_BYTES: int(256, 1 << 20).default(64 << 10),
  /** Per publisher (a user over HTTP, an engine): bytes per second, and at once. */
  PUBLISH_BYTES_PER_S: int(1024, 1 << 30).default(512 << 10),
  PUBLISH_BURST_BYTES: int(1024, 1 << 30).default(1 << 20),
  HEARTBEAT_MS: int(100, 120_000).default(10_000),
  STREAM_COALESCE_MS: z.coerce.number().min(0).max(100).default(20),
  STREAM_BATCH_LOAD: z.coerce.number().min(0).max(0.95).default(0.3),
  // Opt-in host tuning (src/ops/host-tuning/; README "Tuning a host for latency")
  HOST_TUNING_HELPER_THREAD_NICE: int(0, 19).default(0),
  HOST_TUNING_CPU_DMA_LATENCY_US: int(0, 2_000_000_000).optional(),
  IDLE_TIMEOUT_S: int(0, 255).default(30),
  SSE_RETRY_MS: int(100, 600_000).default(2_000),
  CLIENT_MAX_PENDING_BYTES: int(4096, 1 << 30).default(1 << 20),
  MAX_SUBSCRIPTIONS: int(1, 10_000).default(100),
  /** Open streams (SSE, WebSocket, waiting polls) per user at once; 0: no cap. */
  MAX_STREAMS_PER_USER: int(0, 1_000_000).default(20),
  /** Messages a WebSocket client may send per second on average (0: no limit), and at once. */
  WS_MAX_MSGS_PER_S: int(0, 100_000).default(20),
  WS_MSG_BURST: int(1, 100_000).default(50),
  /** How often open streams' sessions are re-checked (ends made on another instance). */
  STREAM_AUTH_CHECK_MS: int(100, 60_000).default(2_000),
  MAX_BODY_BYTES: int(1024, 64 << 20).default(256 << 10),
  /** Request line and headers: beyond it a 431 with the JSON error (Bun's own limit must be higher). */
  MAX_HEADER_BYTES: int(1024, 1 << 20).default(16 << 10),
  POLL_MAX_WAIT_MS: int(0, 120_000).default(30_000),
  // Auth
  ACCESS_TOKEN_TTL_S: int(10, 86_400).default(900),
  REFRESH_TOKEN_TTL_S: int(60, 90 * 86_400).default(7 * 86_400),
  /**
   * A rotated refresh token presented again this soon after its first use gets the same successor
   * as that first use instead of revoking the session (two browser tabs refreshing with one
   * cookie); 0: never.
   */
  REFRESH_REUSE_GRACE_S: int(0, 300).default(10),
  STREAM_TICKET_TTL_S: int(1, 600).default(30),
  /** Failed logins per window: per (user, address), per address, per user from addresses she never signed in from. */
  LOGIN_MAX_ATTEMPTS: int(1, 1000).default(5),
  LOGIN_IP_MAX_ATTEMPTS: int(1, 100_000).default(20),
  LOGIN_USER_MAX_ATTEMPTS: int(1, 100_000).default(50),
  LOGIN_WINDOW_S: int(1, 86_400).default(60),
  /** Password verifications (argon2id) at once (0: half the cores, at least 1), and how many may wait (503 beyond). */
  LOGIN_VERIFY_CONCURRENCY: int(0, 1024).default(0),
  LOGIN_VERIFY_QUEUE: int(0, 100_000).default(16),
  SHUTDOWN_GRACE_MS: int(0, 60_000).default(3_000),
  // Risk checks before an order leaves
  RISK_INSTRUMENTS: list.optional(),
  RISK_MAX_NOTIONAL: z.coerce.number().positive().default(100_000),
  RISK_MAX_OPEN_ORDERS: int(1, 100_000).default(200),
  RISK_ORDERS_PER_S: int(1, 100_000).default(20),
  /**
   * Strategy Worker threads (Linux): `idle` under SCHED_IDLE, run only on what every other thread
   * of the host leaves (the stream never waits for them; on a host whose cores are all busy they
   * stall); `nice` at STRATEGY_NICE, a small guaranteed share.
   */
  STRATEGY_THREADS: z.enum(["idle", "nice"]).default("idle"),
  STRATEGY_NICE: int(0, 19).default(10),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Variables that were renamed: a start that sets one stops and names the new one (and what else to know). */
const RENAMED: Readonly<Record<string, [keyof Config, string]>> = {
  BACKGROUND_THREAD_NICE: ["HOST_TUNING_HELPER_THREAD_NICE", " (off by default)"],
  CPU_DMA_LATENCY_US: ["HOST_TUNING_CPU_DMA_LATENCY_US", " (off by default)"],
  ENGINE_MAX_EVENT_BYTES: ["MAX_EVENT_BYTES", ", which limits every outside publisher's events"],
};

/**
 * Limits that depend on BUS_BYTES: an outside publisher's event and burst stay well inside the
 * replay window. A value set too high is an error; a default is lowered to fit a small ring.
 */
const WINDOW_SHARES: Array<[keyof Config, number]> = [
  ["MAX_EVENT_BYTES", 16],
  ["PUBLISH_BURST_BYTES", 4],
];
function fitWindow(c: Config, given: Record<string, string>): string[] {
  const bad: string[] = [];
  for (const [name, share] of WINDOW_SHARES) {
    const max = Math.floor(c.BUS_BYTES / share);
    if ((c[name] as number) <= max) continue;
    if (given[name] !== undefined)
      bad.push(`  ${name}=${JSON.stringify(given[name])}: at most BUS_BYTES/${share} (${max})`);
    else (c as Record<keyof Config, unknown>)[name] = max;
  }
  return bad;
}

/** Parses the environment; throws ConfigError naming every bad variable. */
/**
 * Instruments orders may name: RISK_INSTRUMENTS, or each of OKX_INSTRUMENTS with a spot pair's
 * linear swap. Their rules are loaded for the risk checks; market data is OKX_INSTRUMENTS'.
 * @example tradableInstruments(loadConfig({ OKX_INSTRUMENTS: "BTC-USDT" })) // ["BTC-USDT", "BTC-USDT-SWAP"]
 */
export function tradableInstruments(c: Pick<Config, "RISK_INSTRUMENTS" | "OKX_INSTRUMENTS">): string[] {
  return c.RISK_INSTRUMENTS ?? c.OKX_INSTRUMENTS.flatMap((i) => (i.split("-").length === 2 ? [i, `${i}-SWAP`] : [i]));
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, so `FOO= npm start` means "default".
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== "") cleaned[key] = v;
  }
  const renamed = Object.entries(RENAMED)
    .filter(([old]) => env[old] !== undefined && env[old] !== "")
    .map(([old, [now, note]]) => `  ${old}=${JSON.stringify(env[old])}: renamed ${now}${note}`);
  const parsed = envSchema.safeParse(cleaned);
  const window = parsed.success ? fitWindow(parsed.data, cleaned) : [];
  if (!parsed.success || renamed.length > 0 || window.length > 0) {
    const lines = (parsed.error?.issues ?? []).map((i) => {
      const name = String(i.path[0] ?? "?");
      return `  ${name}=${JSON.stringify(cleaned[name] ?? "")}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${[...renamed, ...lines, ...window].join("\n")}`);
  }
  return parsed.data;
}

/** The test/bench helper: defaults plus overrides, no process.env. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", OKX_ENABLED: "false", ...overrides });
}
