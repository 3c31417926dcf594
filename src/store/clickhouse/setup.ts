// History from the configuration: which ClickHouse (CLICKHOUSE_URL or chDB under DATA_DIR), the
// recorder's batch and buffer sizes, and the durable user store when ClickHouse answers.

import { type AlertStore, MemoryAlertStore } from "../../alerts/store.ts";
import type { UserStore } from "../../auth/stores.ts";
import type { RingHandle } from "../../bus/ring.ts";
import type { Config } from "../../config.ts";
import type { Logger } from "../../log.ts";
import type { Registry } from "../../ops/metrics.ts";
import { MemoryStrategyStore, type StrategyStore } from "../../strategies/store.ts";
import { ClickHouseAlertStore } from "./alerts.ts";
import { type History, startHistory } from "./index.ts";
import { ClickHouseStrategyStore } from "./strategies.ts";
import { ClickHouseUserStore } from "./users.ts";

export function startHistoryFromConfig(
  config: Config,
  ring: RingHandle,
  log: Logger,
  registry: Registry,
): Promise<History> {
  return startHistory({
    ring,
    log,
    registry,
    enabled: config.CLICKHOUSE_ENABLED,
    ...(config.CLICKHOUSE_URL ? { url: config.CLICKHOUSE_URL } : {}),
    dataDir: config.DATA_DIR,
    ...(config.CHDB_LIB_DIR ? { chdbLibDir: config.CHDB_LIB_DIR } : {}),
    batchRows: config.RECORDER_BATCH_ROWS,
    flushMs: config.RECORDER_FLUSH_MS,
    marketBufferRows: config.RECORDER_MARKET_BUFFER_ROWS,
    keptBufferRows: config.RECORDER_KEPT_BUFFER_ROWS,
    nice: config.RECORDER_NICE,
    // A server that is down should not hold the start for long; chDB opens in well under this.
    startWaitMs: config.CLICKHOUSE_URL ? 5_000 : 30_000,
    stopGraceMs: Math.max(1_000, config.SHUTDOWN_GRACE_MS),
  });
}

/**
 * Users kept in ClickHouse, or undefined when it cannot be read now: then this run keeps users in
 * memory only (said loudly), rather than starting from an empty table and creating a fresh admin
 * over the real one.
 */
export async function durableUsers(history: History, log: Logger): Promise<UserStore | undefined> {
  if (!history.status().ready) {
    if (history.status().mode !== "off")
      log.warn("users are NOT durable this run: ClickHouse is unavailable", { error: history.status().error });
    return undefined;
  }
  try {
    return await ClickHouseUserStore.open(history, (user, err) =>
      log.error("user change not handed to ClickHouse", { user, error: err.message }),
    );
  } catch (err) {
    log.warn("users are NOT durable this run: cannot load them from ClickHouse", { error: (err as Error).message });
    return undefined;
  }
}

/** Strategies kept in ClickHouse, or in memory for this run only (said loudly) when it cannot be read now. */
export function durableStrategies(history: History, log: Logger): StrategyStore {
  if (history.status().ready) return new ClickHouseStrategyStore(history);
  if (history.status().mode !== "off")
    log.warn("strategies are NOT durable this run: ClickHouse is unavailable", { error: history.status().error });
  return new MemoryStrategyStore();
}

/** Price alerts kept in ClickHouse, or in memory for this run only (said loudly) when it cannot be read now. */
export function durableAlerts(history: History, log: Logger): AlertStore {
  if (history.status().ready) return new ClickHouseAlertStore(history);
  if (history.status().mode !== "off")
    log.warn("price alerts are NOT durable this run: ClickHouse is unavailable", { error: history.status().error });
  return new MemoryAlertStore();
}
