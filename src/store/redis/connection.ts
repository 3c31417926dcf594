// The one Redis connection of an instance: reconnects with backoff on its own, fails commands
// fast while it is down (no offline queue) or known not to answer (a hung server: after a PING or
// a command timed out, until a PING is answered), never crashes on a socket error, and says
// whether it is usable right now (for /ready and for stores that can fall back to what they saw).
import Redis from "ioredis";
import { backoffDelay } from "../../domain/backoff.ts";
import type { Logger } from "../../log.ts";
import { call, RedisUnavailable } from "./errors.ts";

export interface RedisConnOptions {
  /** Key namespace; every key a store writes starts with it. */
  prefix?: string;
  /** A command with no answer after this long fails (Redis hanging counts as Redis down). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Longest wait between reconnect attempts. */
  maxBackoffMs?: number;
  /**
   * How often a PING checks that a connected Redis still answers (a hung server keeps the socket
   * open: without this it would count as ready). Default 2,000; 0 turns it off (and with it the
   * fail-fast after a command timed out: nothing would notice Redis answering again).
   */
  pingEveryMs?: number;
}

export interface RedisConn {
  readonly client: Redis;
  readonly prefix: string;
  /** True while commands can be sent (ioredis status "ready") and the last PING was answered. */
  isReady(): boolean;
  /**
   * Runs Redis calls: RedisUnavailable at once while Redis is not ready (down, or known to hang),
   * never a wait for the command timeout on every call; a call that times out marks Redis as
   * not answering until a PING is answered again.
   * @example const v = await redis.run((c) => c.get(key))
   */
  run<T>(f: (client: Redis) => Promise<T>): Promise<T>;
  /** ioredis status: connecting, ready, reconnecting, end, ... */
  status(): string;
  /** Resolves true once ready, false after `timeoutMs` (the connection keeps trying). */
  waitReady(timeoutMs: number): Promise<boolean>;
  /** Called each time the connection becomes ready (after a start or a reconnect). */
  onReady(fn: () => void): void;
  close(): Promise<void>;
}

/** What ioredis rejects a command with after `commandTimeout` (ioredis/built/Command.js). */
const TIMED_OUT = "Command timed out";

/** host:port/db of a URL, without credentials, for logs. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "?";
  }
}

/**
 * @example
 * const redis = connectRedis(config.REDIS_URL, log)
 * if (!(await redis.waitReady(3000))) log.warn("starting without Redis")
 */
export function connectRedis(url: string, log: Logger, opts: RedisConnOptions = {}): RedisConn {
  const cap = opts.maxBackoffMs ?? 2_000;
  const client = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false, // while down, fail at once instead of queueing requests
    maxRetriesPerRequest: 0, // a command in flight when the socket drops fails, never runs twice
    autoResendUnfulfilledCommands: false,
    commandTimeout: opts.commandTimeoutMs ?? 1_000,
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    // Doubles from 50 ms (times starts at 1) up to the cap, with jitter so instances spread out.
    retryStrategy: (times) => backoffDelay(times, 50, cap),
  });
  const at = where(url);
  let down = false;
  let closing = false;
  let answering = true;
  const readyFns: Array<() => void> = [];

  // Without an 'error' listener an unreachable Redis would be an uncaught exception.
  client.on("error", (err: Error) => {
    if (down) return; // one line per outage, not one per reconnect attempt
    down = true;
    log.warn("redis unreachable; reconnecting", { at, err: err.message });
  });
  client.on("close", () => {
    if (!down && !closing) log.warn("redis connection closed; reconnecting", { at });
    down = true;
  });
  client.on("ready", () => {
    log.info(down ? "redis reconnected" : "redis connected", { at });
    down = false;
    answering = true; // a new connection that has just answered ioredis's ready check
    for (const fn of readyFns) {
      try {
        fn();
      } catch (err) {
        log.error("redis ready handler failed", { err });
      }
    }
  });

  // Connected is not enough: a stopped or overloaded Redis keeps the socket and answers nothing.
  const notAnswering = (err: Error) => {
    if (answering) log.warn("redis connected but not answering", { at, err: err.message });
    answering = false;
  };
  const pingEvery = opts.pingEveryMs ?? 2_000;
  const probe =
    pingEvery > 0
      ? setInterval(() => {
          if (client.status !== "ready") return;
          client.ping().then(() => {
            if (!answering) log.info("redis answers again", { at });
            answering = true;
          }, notAnswering);
        }, pingEvery)
      : undefined;
  probe?.unref?.();
  const isReady = () => client.status === "ready" && answering;

  return {
    client,
    prefix: opts.prefix ?? "tw:",
    isReady,
    async run(f) {
      if (!isReady()) throw new RedisUnavailable(new Error(`redis ${answering ? client.status : "not answering"}`));
      try {
        return await call(() => f(client));
      } catch (e) {
        // Only with a PING to notice the way back; without one, each call waits for its own timeout.
        const timedOut = e instanceof RedisUnavailable && e.cause instanceof Error && e.cause.message === TIMED_OUT;
        if (timedOut && probe) notAnswering(e.cause as Error);
        throw e;
      }
    },
    status: () => client.status,
    onReady: (fn) => void readyFns.push(fn),
    waitReady(timeoutMs) {
      if (client.status === "ready") return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off("ready", onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.on("ready", onReady);
      });
    },
    async close() {
      closing = true;
      clearInterval(probe);
      readyFns.length = 0;
      try {
        if (client.status === "ready") await client.quit();
      } catch {
        // closing anyway
      }
      if (client.status === "end") return;
      const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
      client.disconnect(); // no reconnect after this, whatever quit did
      await Promise.race([ended, Bun.sleep(1_000)]);
    },
  };
}
