// The main thread's handle on the OKX client: spawns the ingest Workers on the shared ring (market
// data; the private connection and trade ops), forwards trade ops (one postMessage each way) and
// keeps their merged status.
import { MAIN_PRODUCER, type RingHandle, releaseClaim } from "../bus/ring.ts";
import type { Candle, Order } from "../domain/events.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";
import type { OrderAck, OrderAmend, OrderRef, OrderRequest } from "../domain/orders.ts";
import type { Logger } from "../log.ts";
import { keepWorker } from "../ops/kept-worker.ts";
import type { IngestConfig } from "./config.ts";
import { type CandlesQuery, fetchCandles } from "./okx/candles.ts";
import { fromErrorShape, isUnknownOrder, OkxError, OkxUnavailableError } from "./okx/errors.ts";
import { instrumentSpec, instTypeOf } from "./okx/instruments.ts";
import { refArgs } from "./okx/order-wire.ts";
import { parseOrder } from "./okx/parse-private.ts";
import { type ExchangeListing, listSince } from "./okx/records.ts";
import { OkxRest } from "./okx/rest.ts";
import type { LeverageRow } from "./okx/rest-types.ts";
import type { FromWorker, IngestRole, IngestStatus, ToWorker, TradeOp, TradeRequest } from "./protocol.ts";
import type { TradeMetrics } from "./trade-metrics.ts";

export interface IngestOptions {
  /** The bus the Worker publishes into. */
  ring: RingHandle;
  config: IngestConfig;
  log?: Logger;
  /** Where each answered trade op's time went (/metrics). */
  metrics?: TradeMetrics;
  /** Where the Worker script is; the default suits `bun` runs and the compiled binary. */
  workerUrl?: string;
}

// In a `bun build --compile` binary built from src/main.ts with src/exchange/worker.ts as a
// second entrypoint, modules live under /$bunfs/root/ (laid out as under src/), and
// import.meta.url names the binary, so the Worker is found by its path from the root.
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./exchange/worker.ts"
  : new URL("./worker.ts", import.meta.url).href;

export interface Ingest {
  /** Resolves with OKX's answer (code "0" = accepted; otherwise code/message say why not). Rejects with
   * OkxError (request refused as a whole) or OkxUnavailableError (no answer; `stateUnknown` when it may have gone out). */
  placeOrder(o: OrderRequest): Promise<OrderAck>;
  cancelOrder(ref: OrderRef): Promise<OrderAck>;
  amendOrder(a: OrderAmend): Promise<OrderAck>;
  /** The order as OKX knows it now (REST, from this thread), or null when OKX has no such order. */
  getOrder(ref: OrderRef): Promise<Order | null>;
  /** Orders (current state) and fills OKX lists since `since` (ms), plus the `open` ones by id (REST, from this thread). */
  records(since: number, open: Array<{ ordId: string; instId: string }>): Promise<ExchangeListing>;
  /** Bars of the exchange's own candles, newest first (public REST, from this thread): see fetchCandles. */
  candles(q: CandlesQuery): Promise<Candle[]>;
  /** A swap's cross-margin leverage (REST, from this thread). */
  leverage(instId: string): Promise<number>;
  /** Sets a swap's cross-margin leverage; resolves with what OKX set. Rejects with OkxError when OKX refuses. */
  setLeverage(instId: string, lever: number): Promise<number>;
  /** Rules of a configured instrument, once loaded from OKX (retried until it is). */
  instrument(instId: string): InstrumentSpec | undefined;
  /** The latest status the Worker reported (at least once a second, and soon after any change). */
  status(): IngestStatus;
  /** Called on every status report; returns an unsubscribe function. */
  onStatus(cb: (s: IngestStatus) => void): () => void;
  /** Closes the connections and ends the Worker. Pending ops fail with OkxUnavailableError. */
  stop(): Promise<void>;
}

interface Pending {
  op: TradeOp;
  /** performance.now() when it was handed to the Worker. */
  sentAt: number;
  resolve(a: OrderAck): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const initialStatus = (): IngestStatus => ({
  connections: {},
  malformed: 0,
  resyncs: 0,
  resyncing: [],
  reconciliations: 0,
  events: 0,
  tradeOps: { ws: 0, rest: 0, failed: 0 },
  updatedAt: Date.now(),
  running: true,
});

/** One status for the threads: connections side by side, counters added up. */
export function mergeStatus(parts: IngestStatus[]): IngestStatus {
  if (parts.length === 1) return parts[0]!;
  const out = initialStatus();
  out.updatedAt = 0;
  for (const p of parts) {
    Object.assign(out.connections, p.connections);
    out.malformed += p.malformed;
    out.resyncs += p.resyncs;
    out.resyncing.push(...p.resyncing);
    out.reconciliations += p.reconciliations;
    out.events += p.events;
    out.tradeOps.ws += p.tradeOps.ws;
    out.tradeOps.rest += p.tradeOps.rest;
    out.tradeOps.failed += p.tradeOps.failed;
    out.updatedAt = Math.max(out.updatedAt, p.updatedAt);
    out.running &&= p.running;
  }
  return out;
}

/** The leverage of leverage-info's or set-leverage's first row. */
function leverOf(rows: LeverageRow[]): number {
  const lever = Number(rows[0]?.lever);
  if (!(lever > 0)) throw new OkxError({ code: "0", msg: "OKX's answer holds no leverage" });
  return lever;
}

/**
 * @example
 *   const ingest = startIngest({ ring, config: ingestConfigFromEnv(env, sim) , log });
 *   const answer = await ingest.placeOrder({ instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.01", px: "40000" });
 */
export function startIngest(opts: IngestOptions): Ingest {
  const { log } = opts;
  const { config } = opts;
  let stopped: Promise<void> | null = null;
  const rest = new OkxRest({
    baseUrl: config.restUrl,
    credentials: config.credentials,
    demo: config.demo,
    timeoutMs: config.timing.restTimeoutMs,
  });
  const instruments = new Map<string, InstrumentSpec>();
  /** Tradable instruments OKX does not list (a pair without a swap): not asked again. */
  const unlisted = new Set<string>();
  let instrumentsRetry: ReturnType<typeof setTimeout> | null = null;
  const loadInstruments = async () => {
    instrumentsRetry = null;
    for (const instId of config.tradable) {
      if (instruments.has(instId) || unlisted.has(instId)) continue;
      try {
        const [row] = await rest.instruments({ instType: instTypeOf(instId), instId });
        if (row) instruments.set(instId, instrumentSpec(row));
        else {
          unlisted.add(instId);
          log?.warn("okx does not list an instrument orders may name", { instId });
        }
      } catch (err) {
        log?.warn("okx instruments not loaded yet", { instId, error: (err as Error).message });
      }
    }
    if (!stopped && instruments.size + unlisted.size < config.tradable.length)
      instrumentsRetry = setTimeout(loadInstruments, 5_000);
  };
  void loadInstruments();
  const pending = new Map<string, Pending>();
  const listeners = new Set<(s: IngestStatus) => void>();
  let nextId = 1;
  // The Worker answers every op itself (WS timeout, REST timeout); this only guards against a dead Worker.
  const guardMs = config.timing.opTimeoutMs + config.timing.restTimeoutMs + 2_000;

  const failAll = (why: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new OkxUnavailableError(why, true));
      pending.delete(id);
    }
  };

  // One Worker per role: market data, and (with credentials) the private connection with the
  // trade ops, so an order's answer is read by a thread that is not parsing a burst of books.
  const roles: IngestRole[] = config.credentials && config.tradeThread ? ["market", "trade"] : ["all"];
  interface Slot {
    role: IngestRole;
    producerId: number;
    status: IngestStatus;
  }
  let nextProducer = MAIN_PRODUCER;
  let current = initialStatus();
  const report = () => {
    current = mergeStatus(slots.map((s) => s.status));
    for (const cb of listeners) cb(current);
  };

  const onMessage = (slot: Slot, m: FromWorker) => {
    switch (m.t) {
      case "op": {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        clearTimeout(p.timer);
        if ("answer" in m) {
          opts.metrics?.answered(p.op, m.timing, performance.now() - p.sentAt);
          p.resolve(m.answer);
        } else p.reject(fromErrorShape(m.error));
        return;
      }
      case "status":
        slot.status = m.status;
        report();
        return;
      case "log":
        log?.[m.level](m.msg, { component: "okx", thread: slot.role, ...m.fields });
        return;
    }
  };
  // A dead Worker's connections are down with its error; its pending ops fail (their answers are unknown).
  const onDeath = (slot: Slot, error: string, inMs: number, restarts: number) => {
    releaseClaim(opts.ring, slot.producerId);
    const connections: IngestStatus["connections"] = {};
    for (const [name, conn] of Object.entries(slot.status.connections))
      if (conn)
        connections[name as keyof typeof connections] = {
          ...conn,
          state: "down",
          lastError: error.split("\n")[0] ?? error,
        };
    slot.status = { ...slot.status, connections, running: false, updatedAt: Date.now() };
    if (slot === opSlot) failAll("ingest worker failed");
    report();
    log?.error("ingest worker failed; restarting", { thread: slot.role, error, inMs, restarts });
  };
  const slots = roles.map((role) => {
    const slot: Slot = { role, producerId: 0, status: initialStatus() };
    const worker = keepWorker<FromWorker>({
      url: opts.workerUrl ?? WORKER_URL,
      name: "the ingest worker",
      init: () => {
        slot.producerId = ++nextProducer;
        return { t: "init", ring: opts.ring, config, producerId: slot.producerId, role } satisfies ToWorker;
      },
      onMessage: (m) => onMessage(slot, m),
      onDeath: (error, d) => onDeath(slot, error, d.inMs, d.restarts),
      isStopped: (m) => m.t === "stopped",
    });
    return Object.assign(slot, { worker });
  });
  const opSlot = slots[slots.length - 1]!; // "trade" or "all"

  const op = (req: TradeRequest): Promise<OrderAck> => {
    if (stopped) return Promise.reject(new OkxUnavailableError("ingest stopped"));
    if (opSlot.worker.restarting) return Promise.reject(new OkxUnavailableError("the OKX client is restarting"));
    const id = String(nextId++);
    return new Promise<OrderAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new OkxUnavailableError(`no answer from the ingest worker within ${guardMs} ms`, true));
      }, guardMs);
      pending.set(id, { op: req.op, sentAt: performance.now(), resolve, reject, timer });
      opSlot.worker.post({ t: "op", id, req } satisfies ToWorker);
    });
  };

  return {
    placeOrder: (args) => op({ op: "order", args }),
    cancelOrder: (args) => op({ op: "cancel-order", args }),
    amendOrder: (args) => op({ op: "amend-order", args }),
    async getOrder(ref) {
      try {
        const [row] = await rest.getOrder(refArgs(ref));
        return row ? parseOrder(row) : null;
      } catch (err) {
        if (isUnknownOrder(err)) return null;
        throw err;
      }
    },
    records: (since, open) =>
      listSince(rest, {
        instTypes: [...new Set(["SPOT", "SWAP", ...config.instruments.map(instTypeOf)] as const)],
        since,
        open,
      }),
    candles: (q) => fetchCandles(rest, q),
    leverage: async (instId) => leverOf(await rest.leverageInfo({ instId, mgnMode: "cross" })),
    setLeverage: async (instId, lever) =>
      leverOf(await rest.setLeverage({ instId, lever: String(lever), mgnMode: "cross" })),
    instrument: (instId) => instruments.get(instId),
    status: () => current,
    onStatus(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    stop() {
      stopped ??= (async () => {
        if (instrumentsRetry) clearTimeout(instrumentsRetry);
        await Promise.all(
          slots.map(async (slot) => {
            await slot.worker.stop({ t: "stop" } satisfies ToWorker);
            releaseClaim(opts.ring, slot.producerId);
            slot.status = { ...slot.status, running: false, updatedAt: Date.now() };
          }),
        );
        failAll("ingest stopped");
        current = mergeStatus(slots.map((s) => s.status));
      })();
      return stopped;
    },
  };
}
