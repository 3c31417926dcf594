// Keeps the latest-state snapshot in Redis so a restarted instance serves snapshots at once:
// changed keys are written in one pipeline at most every `intervalMs` (never per event), and
// the saved entries are loaded at start, before the server accepts clients.
//
// Key: prefix+"state", a hash {state key -> JSON {run, seq, channel, type, text}}; `run` (the
// start time of the run that wrote it) and `seq` order the entries when they are loaded.
import type { Logger } from "../../log.ts";
import type { SavedEntry, StateStore } from "../../state/store.ts";
import type { RedisConn } from "./connection.ts";
import { call } from "./errors.ts";

interface Saved {
  run: number;
  seq: number;
  channel: string;
  type: string;
  text: string;
}

export interface StatePersistenceOptions {
  /** At most one write per interval (default 250 ms). */
  intervalMs?: number;
  /** The hash expires this long after the last write (default 7 days). */
  ttlMs?: number;
  /** Wait after a failed write before trying again (default 1 s). */
  retryMs?: number;
}

export class StatePersistence {
  private readonly key: string;
  private readonly run = Date.now();
  private readonly intervalMs: number;
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;
  /** Writes run one after another, each taking the changes as of its start. */
  private chain: Promise<void> = Promise.resolve();
  private loaded = false;
  private stopped = false;

  constructor(
    private readonly redis: RedisConn,
    private readonly state: StateStore,
    private readonly log: Logger,
    opts: StatePersistenceOptions = {},
  ) {
    this.key = `${redis.prefix}state`;
    this.intervalMs = opts.intervalMs ?? 250;
    this.ttlMs = opts.ttlMs ?? 7 * 86_400_000;
    this.retryMs = opts.retryMs ?? 1_000;
  }

  /**
   * Tracks changes from now on and loads what an earlier run saved. When Redis is not there
   * within `waitMs`, the state starts empty and is loaded once Redis comes back.
   * @example await persistence.start(3000); bus.onBatch(() => persistence.poke())
   */
  async start(waitMs: number): Promise<void> {
    this.state.trackChanges();
    let first = !this.redis.isReady(); // the next 'ready' is the first connect, not a reconnect
    this.redis.onReady(() => {
      // After an outage Redis may have lost the hash (restarted empty): write it all again.
      if (!first && this.loaded) this.state.requeue();
      first = false;
      if (!this.loaded) void this.load().then(() => this.poke());
      else this.poke();
    });
    if (await this.redis.waitReady(waitMs)) await this.load();
    else this.log.warn("redis not reachable at start; state snapshot starts empty", { waitMs });
  }

  /** Reads the saved entries into the state; false when Redis could not be read. */
  async load(): Promise<boolean> {
    let raw: Record<string, string>;
    try {
      raw = await call(() => this.redis.client.hgetall(this.key));
    } catch (err) {
      this.log.warn("could not load the saved state from redis", { err: (err as Error).message });
      return false;
    }
    if (this.loaded) return true;
    this.loaded = true;
    const saved: Array<SavedEntry & { run: number; seq: number }> = [];
    for (const [key, json] of Object.entries(raw)) {
      try {
        const s = JSON.parse(json) as Saved;
        if (typeof s.text === "string" && typeof s.channel === "string" && typeof s.type === "string") {
          saved.push({
            key,
            run: Number(s.run) || 0,
            seq: Number(s.seq) || 0,
            channel: s.channel,
            type: s.type,
            text: s.text,
          });
        }
      } catch {
        this.log.warn("skipping an unreadable saved state entry", { key });
      }
    }
    saved.sort((a, b) => a.run - b.run || a.seq - b.seq);
    const n = this.state.restore(saved);
    this.log.info("state snapshot loaded from redis", { entries: n, saved: saved.length });
    return true;
  }

  /** Something changed: write within `intervalMs`. Cheap; the bus reader calls it once per batch. */
  poke(): void {
    if (this.timer || this.stopped) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
  }

  /** Writes every changed key in one pipeline; on failure the keys wait for the next try. */
  flush(): Promise<void> {
    return (this.chain = this.chain.then(() => this.write()).catch(() => {}));
  }

  private async write(): Promise<void> {
    this.lastFlush = Date.now();
    const changes = this.state.takeChanges();
    if (changes.length === 0) return;
    if (!this.redis.isReady()) return this.retry(changes.map(([k]) => k));
    const set: Record<string, string> = {};
    const del: string[] = [];
    for (const [key, e] of changes) {
      if (!e) del.push(key);
      else
        set[key] = JSON.stringify({
          run: this.run,
          seq: e.seq,
          channel: e.channel,
          type: e.type,
          text: e.text,
        } satisfies Saved);
    }
    try {
      const p = this.redis.client.pipeline();
      if (Object.keys(set).length > 0) p.hset(this.key, set);
      if (del.length > 0) p.hdel(this.key, ...del);
      p.pexpire(this.key, this.ttlMs);
      const results = await call(() => p.exec());
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    } catch (err) {
      this.log.warn("state snapshot not saved to redis; will retry", {
        keys: changes.length,
        err: (err as Error).message,
      });
      this.retry(changes.map(([k]) => k));
    }
  }

  private retry(keys: string[]): void {
    this.state.requeue(keys);
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.retryMs);
  }

  /** Writes what is pending (when Redis is there) and stops. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.redis.isReady()) await this.flush();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
