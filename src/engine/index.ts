// Starts the engine bridge on an instance's Redis and bus (server.ts calls this when REDIS_URL is set).
import type { RingProducer } from "../bus/ring.ts";
import type { Logger } from "../log.ts";
import type { Registry } from "../ops/metrics.ts";
import { connectRedis, type RedisConn } from "../store/redis/connection.ts";
import { EngineBridge } from "./bridge.ts";

export { EngineBridge, type BusSink } from "./bridge.ts";
export type { EngineInfo, EngineState, ExternalStrategy } from "./registry.ts";

export interface EngineBridgeSetup {
  url: string;
  /** The instance's shared connection (commands are written with it). */
  redis: RedisConn;
  producer: RingProducer;
  /** Wakes the stream hub after a batch. */
  kick: () => void;
  /** Counts what the bridge published (the stream's per-source counter). */
  published: (n: number) => void;
  log: Logger;
  metrics: Registry;
  expected: readonly string[];
  maxEventBytes: number;
}

/**
 * @example const engines = await startEngineBridge({ url, redis: conn, producer, kick: () => hub.kick(), ... })
 */
export async function startEngineBridge(s: EngineBridgeSetup): Promise<EngineBridge> {
  const log = s.log.child({ component: "engine" });
  // Blocking reads need a connection of their own; its commands may take the block time.
  const reader = connectRedis(s.url, log, { prefix: s.redis.prefix, commandTimeoutMs: 3_000, pingEveryMs: 0 });
  let pending = 0;
  const bridge = new EngineBridge({
    redis: s.redis,
    reader,
    log,
    metrics: s.metrics,
    expected: s.expected,
    maxEventBytes: s.maxEventBytes,
    sink: {
      publish: (ev) => {
        s.producer.publish(ev);
        pending++;
      },
      flush: () => {
        s.published(pending);
        pending = 0;
        s.kick();
      },
    },
  });
  await bridge.start();
  return bridge;
}
