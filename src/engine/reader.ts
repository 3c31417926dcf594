// Reads Redis streams with a blocking XREAD loop on a connection of its own (a blocked
// connection can serve nothing else), from the last id read, through reconnects; a stream whose
// newest id falls below the last one read was emptied (Redis restarted without its data) and is
// read again from its start.

import type { Logger } from "../log.ts";
import type { RedisConn } from "../store/redis/connection.ts";

export type Entry = [id: string, fields: string[]];

/** -1, 0, 1 as stream id a is before, equal to, after b (`<ms>-<seq>`). */
export function compareIds(a: string, b: string): number {
  const [am = "0", as = "0"] = a.split("-");
  const [bm = "0", bs = "0"] = b.split("-");
  const d = Number(am) - Number(bm) || Number(as) - Number(bs);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

export interface StreamReaderOptions {
  conn: RedisConn;
  log: Logger;
  /** The keys to read, in the order given. */
  keys: string[];
  /**
   * Where to start, asked once Redis first answers (and again until it succeeds): key -> the id
   * to read after ("0-0": from the start).
   */
  init: () => Promise<Map<string, string>>;
  /** Called with each key's new entries, in order. May not throw (its errors are logged). */
  handle: (key: string, entries: Entry[]) => void;
  blockMs?: number;
  count?: number;
}

export class StreamReader {
  private last = new Map<string, string>();
  private initialized = false;
  private ready?: () => void;
  /** Resolves once the start positions are known. */
  readonly started = new Promise<void>((resolve) => (this.ready = resolve));
  private running = false;
  private loop?: Promise<void>;
  private readonly blockMs: number;
  private readonly count: number;

  constructor(private readonly o: StreamReaderOptions) {
    this.blockMs = o.blockMs ?? 500;
    this.count = o.count ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.o.conn.client.disconnect(); // ends a blocked XREAD at once
    await this.loop;
    await this.o.conn.close();
  }

  /** The id last read per key (for tests and logs). */
  position(key: string): string | undefined {
    return this.last.get(key);
  }

  private async run(): Promise<void> {
    const { conn, log } = this.o;
    const keys = this.o.keys;
    let checkResets = false;
    let failing = false;
    while (this.running) {
      if (!conn.isReady()) {
        checkResets = true;
        await conn.waitReady(this.blockMs);
        continue;
      }
      try {
        if (!this.initialized) {
          this.last = await this.o.init();
          for (const k of keys) if (!this.last.has(k)) this.last.set(k, "0-0");
          this.initialized = true;
          checkResets = false;
          this.ready?.();
        }
        if (checkResets) {
          await this.resets(keys);
          checkResets = false;
        }
        const ids = keys.map((k) => this.last.get(k)!);
        const res = (await conn.client.xread(
          "COUNT",
          this.count,
          "BLOCK",
          this.blockMs,
          "STREAMS",
          ...keys,
          ...ids,
        )) as Array<[string, Entry[]]> | null;
        failing = false;
        if (!res) continue;
        for (const [key, entries] of res) {
          const lastEntry = entries[entries.length - 1];
          if (!lastEntry) continue;
          this.last.set(key, lastEntry[0]);
          try {
            this.o.handle(key, entries);
          } catch (err) {
            log.error("engine stream handler failed", { key, err });
          }
        }
      } catch (err) {
        if (!this.running) break;
        if (!failing) log.warn("engine stream read failed; retrying", { err: (err as Error).message });
        failing = true;
        checkResets = true;
        await Bun.sleep(100);
      }
    }
  }

  /** After a reconnect: a stream whose newest entry is older than what we read was recreated. */
  private async resets(keys: string[]): Promise<void> {
    for (const key of keys) {
      const last = this.last.get(key)!;
      if (last === "0-0") continue;
      const top = (await this.o.conn.client.xrevrange(key, "+", "-", "COUNT", 1)) as Entry[];
      const topId = top[0]?.[0];
      if (topId === undefined || compareIds(topId, last) < 0) {
        this.o.log.info("engine stream was emptied (Redis restarted without its data?); reading it from its start", {
          key,
          last,
          top: topId ?? null,
        });
        this.last.set(key, "0-0");
      }
    }
  }
}
