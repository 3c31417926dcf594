// Starts the engine bridge on an instance's Redis and bus (server.ts calls this when REDIS_URL is set).
import type { Publisher } from "../bus/dispatcher.ts";
import type { RingHandle } from "../bus/ring.ts";
import type { Logger } from "../log.ts";
import type { Registry } from "../ops/metrics.ts";
import { connectRedis, type RedisConn } from "../store/redis/connection.ts";
import { EngineBridge } from "./bridge.ts";
import { startEventsThread } from "./events-thread.ts";

export { EngineBridge } from "./bridge.ts";
export type { EngineInfo, EngineState, EngineStrategy } from "./registry.ts";

export interface EngineBridgeSetup {
  url: string;
  /** The instance's shared connection (commands are written with it). */
  redis: RedisConn;
  /** The bus the events intake publishes into (from its own thread: the reader wakes through the ring). */
  ring: RingHandle;
  /** The main thread's publisher, for the bridge's own `system` events. */
  publisher: Publisher;
  /** Counts what the bridge published (the stream's per-source counter). */
  published: (n: number) => void;
  log: Logger;
  metrics: Registry;
  expected: readonly string[];
  maxEventBytes: number;
  /** Each engine's byte budget on the bus (events beyond it are refused as `over_budget`). */
  budget: { bytesPerS: number; burstBytes: number };
}

/**
 * @example const engines = await startEngineBridge({ url, redis: conn, ring, publisher: bus.publisher(producer), ... })
 */
export async function startEngineBridge(s: EngineBridgeSetup): Promise<EngineBridge> {
  const log = s.log.child({ component: "engine" });
  // Blocking reads of the control stream need a connection of their own (the events intake Worker
  // has another); its commands may take the block time.
  const reader = connectRedis(s.url, log, { prefix: s.redis.prefix, commandTimeoutMs: 3_000, pingEveryMs: 0 });
  const bridge = new EngineBridge({
    redis: s.redis,
    reader,
    log,
    metrics: s.metrics,
    expected: s.expected,
    sink: s.publisher,
    intake: (report) =>
      startEventsThread({
        url: s.url,
        prefix: s.redis.prefix,
        ring: s.ring,
        maxEventBytes: s.maxEventBytes,
        budget: s.budget,
        log,
        onReport: (events, rejected) => {
          if (events > 0) s.published(events);
          report(events, rejected);
        },
      }),
  });
  await bridge.start();
  return bridge;
}
