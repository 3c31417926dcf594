// Versioned schema migrations, run at start by the ClickHouse Worker.
//
// Rules: a migration is a list of statements that are each idempotent (IF NOT EXISTS, ADD COLUMN
// IF NOT EXISTS, ...), so running one twice changes nothing. `schema_migrations` records each
// version once applied; it is a ReplacingMergeTree read with FINAL, so two processes that migrate
// at the same moment may both run a migration (harmless, see the rule) and both record it (the
// duplicates collapse). Never edit a released migration: add a new version.
import type { ClickHouseClient } from "@clickhouse/client";

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const D = "Decimal(38, 12)";
const T = "DateTime64(3, 'UTC')";
/** Lets a retried batch (same insert_deduplication_token) be written once, MVs included. */
const DEDUP = "SETTINGS non_replicated_deduplication_window = 1000";

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "orders: one row per order event",
    statements: [
      `CREATE TABLE IF NOT EXISTS orders (
        id String, ts ${T}, ord_id String, cl_ord_id String, inst_id LowCardinality(String),
        inst_type LowCardinality(String), side LowCardinality(String), ord_type LowCardinality(String),
        td_mode LowCardinality(String), pos_side LowCardinality(String), px Nullable(${D}), sz ${D},
        state LowCardinality(String), acc_fill_sz ${D}, avg_px Nullable(${D}), fill_px Nullable(${D}),
        fill_sz Nullable(${D}), fill_time Nullable(${T}), trade_id String, exec_type LowCardinality(String),
        fee Nullable(${D}), fee_ccy LowCardinality(String), reduce_only Bool, c_time ${T},
        recorded_at ${T} DEFAULT now64(3)
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (ts, id) ${DEDUP}`,
    ],
  },
  {
    version: 2,
    name: "fills",
    statements: [
      `CREATE TABLE IF NOT EXISTS fills (
        id String, ts ${T}, ord_id String, cl_ord_id String, inst_id LowCardinality(String), trade_id String,
        side LowCardinality(String), fill_px ${D}, fill_sz ${D}, fee Nullable(${D}), fee_ccy LowCardinality(String),
        exec_type LowCardinality(String), recorded_at ${T} DEFAULT now64(3)
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (ts, id) ${DEDUP}`,
    ],
  },
  {
    version: 3,
    name: "trades and tickers",
    statements: [
      `CREATE TABLE IF NOT EXISTS trades (
        id String, ts ${T}, inst_id LowCardinality(String), trade_id String, px ${D}, sz ${D},
        side LowCardinality(String)
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (inst_id, ts, id) ${DEDUP}`,
      `CREATE TABLE IF NOT EXISTS tickers (
        id String, ts ${T}, inst_id LowCardinality(String), last ${D}, last_sz Nullable(${D}),
        bid_px Nullable(${D}), bid_sz Nullable(${D}), ask_px Nullable(${D}), ask_sz Nullable(${D}),
        open24h Nullable(${D}), high24h Nullable(${D}), low24h Nullable(${D}), vol24h Nullable(${D}),
        vol_ccy24h Nullable(${D})
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (inst_id, ts, id) ${DEDUP}`,
    ],
  },
  {
    version: 4,
    name: "candles: 1m OHLCV from trades (materialized view)",
    statements: [
      `CREATE TABLE IF NOT EXISTS candles_1m (
        inst_id LowCardinality(String), ts DateTime('UTC'),
        o AggregateFunction(argMin, ${D}, ${T}), h SimpleAggregateFunction(max, ${D}),
        l SimpleAggregateFunction(min, ${D}), c AggregateFunction(argMax, ${D}, ${T}),
        vol SimpleAggregateFunction(sum, ${D}), vol_ccy SimpleAggregateFunction(sum, Decimal(76, 24)),
        trades SimpleAggregateFunction(sum, UInt64)
      ) ENGINE = AggregatingMergeTree ORDER BY (inst_id, ts) ${DEDUP}`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS candles_1m_mv TO candles_1m AS
        SELECT inst_id, toStartOfMinute(trades.ts) AS ts,
          argMinState(px, trades.ts) AS o, max(px) AS h, min(px) AS l, argMaxState(px, trades.ts) AS c,
          sum(sz) AS vol, sum(toDecimal256(px, 12) * sz) AS vol_ccy, toUInt64(count()) AS trades
        FROM trades GROUP BY inst_id, ts`,
    ],
  },
  {
    version: 5,
    name: "users (latest version wins)",
    statements: [
      `CREATE TABLE IF NOT EXISTS users (
        name String, role LowCardinality(String), hash String, created_at ${T}, updated_at ${T},
        deleted UInt8, version UInt64
      ) ENGINE = ReplacingMergeTree(version) ORDER BY name`,
    ],
  },
  {
    version: 6,
    name: "strategies (table only)",
    statements: [
      `CREATE TABLE IF NOT EXISTS strategies (
        id String, name String, config String, state LowCardinality(String), created_at ${T},
        updated_at ${T}, deleted UInt8 DEFAULT 0, version UInt64
      ) ENGINE = ReplacingMergeTree(version) ORDER BY id`,
    ],
  },
  {
    version: 7,
    name: "audit: every order request and command",
    statements: [
      `CREATE TABLE IF NOT EXISTS audit (
        id String, ts ${T}, user String, action LowCardinality(String), target String, status UInt16,
        code LowCardinality(String), ms Float64, detail String
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (ts, id) ${DEDUP}`,
    ],
  },
  {
    version: 8,
    name: "strategies: kind, owner, reason and figures as columns",
    statements: [
      "ALTER TABLE strategies ADD COLUMN IF NOT EXISTS kind LowCardinality(String) DEFAULT '' AFTER name",
      "ALTER TABLE strategies ADD COLUMN IF NOT EXISTS owner String DEFAULT '' AFTER kind",
      "ALTER TABLE strategies ADD COLUMN IF NOT EXISTS reason String DEFAULT '' AFTER state",
      "ALTER TABLE strategies ADD COLUMN IF NOT EXISTS figures String DEFAULT '' AFTER config",
    ],
  },
  {
    version: 9,
    name: "equity: the account's total equity at each account push",
    statements: [
      `CREATE TABLE IF NOT EXISTS equity (
        id String, ts ${T}, total_eq ${D}, upl Nullable(${D})
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (ts, id) ${DEDUP}`,
    ],
  },
  {
    version: 10,
    name: "alerts: price alerts (latest version wins)",
    statements: [
      `CREATE TABLE IF NOT EXISTS alerts (
        id String, owner String, inst_id String, price Float64, up UInt8, note String, created_at ${T},
        fired_at ${T}, fired_px Float64, deleted UInt8 DEFAULT 0, version UInt64
      ) ENGINE = ReplacingMergeTree(version) ORDER BY id`,
    ],
  },
  {
    version: 11,
    name: "fills: the PnL each fill realized",
    statements: [`ALTER TABLE fills ADD COLUMN IF NOT EXISTS fill_pnl Nullable(${D}) AFTER fee_ccy`],
  },
];

/** Applies every migration not yet recorded; returns the versions it applied. */
export async function migrate(client: ClickHouseClient, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at ${T} DEFAULT now64(3))
      ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const rows = await (
    await client.query({ query: "SELECT version FROM schema_migrations FINAL", format: "JSONEachRow" })
  ).json<{ version: number }>();
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    for (const query of m.statements) await client.command({ query });
    await client.insert({
      table: "schema_migrations",
      values: [{ version: m.version, name: m.name }],
      format: "JSONEachRow",
    });
    applied.push(m.version);
  }
  return applied;
}
