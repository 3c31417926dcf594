// Messages between the main thread (startIngest) and the ingest Worker. Requests carry an id
// chosen by the main thread; trade ops reuse it as the OKX WS request id, so no second map.
import type { RingHandle } from "../bus/ring.ts";
import type { OrderAck, OrderAmend, OrderRef, OrderRequest } from "../domain/orders.ts";
import type { IngestConfig } from "./config.ts";
import type { ErrorShape } from "./okx/errors.ts";
import type { ConnName, ConnState } from "./okx/socket.ts";

/**
 * What an ingest thread runs: "market" the public and business connections (tickers, books,
 * trades, candles); "trade" the private connection (orders, positions, account pushes,
 * reconciliation) and the trade ops; "all" both (one thread, OKX_TRADE_THREAD=false or no
 * credentials).
 */
export type IngestRole = "market" | "trade" | "all";

/** A trade op in our terms, named by its OKX WS op; the Worker turns it into OKX's arguments (okx/order-wire.ts). */
export type TradeRequest =
  | { op: "order"; args: OrderRequest }
  | { op: "cancel-order"; args: OrderRef }
  | { op: "amend-order"; args: OrderAmend };
export type TradeOp = TradeRequest["op"];

/** How a trade op went, measured on the ingest thread (for /metrics; not part of the answer). */
export interface OpTiming {
  /** Which path carried it: the private WebSocket, or REST when that was down. */
  via: "ws" | "rest";
  /** Request sent -> answer received (ms). */
  roundtripMs: number;
  /** OKX's own time for it: outTime - inTime of a WS answer (ms; absent when OKX sends none). */
  exchangeMs?: number;
}

export interface ConnStatus {
  state: ConnState;
  /** When the current (or last) socket opened, ms since 1970. */
  connectedAt: number | null;
  lastMessageAt: number | null;
  reconnects: number;
  lastError: string | null;
}

export interface IngestStatus {
  /** Only the connections this configuration uses (private needs credentials). */
  connections: Partial<Record<ConnName, ConnStatus>>;
  /** Frames that could not be parsed (skipped). */
  malformed: number;
  /** Books dropped and refetched (gap, checksum, or a lost connection). */
  resyncs: number;
  /** Instruments whose book is being refetched now (no book events until the snapshot). */
  resyncing: string[];
  /** Reconciliations of open orders done after (re)connecting the private connection. */
  reconciliations: number;
  events: number;
  tradeOps: { ws: number; rest: number; failed: number };
  updatedAt: number;
  /** False once the Worker died or was stopped. */
  running: boolean;
}

export type ToWorker =
  | {
      t: "init";
      ring: RingHandle;
      config: IngestConfig /** The Worker's ring claim id (see releaseClaim). */;
      producerId: number;
      role: IngestRole;
    }
  | { t: "op"; id: string; req: TradeRequest }
  | { t: "stop" };

export type FromWorker =
  | { t: "op"; id: string; answer: OrderAck; timing: OpTiming }
  | { t: "op"; id: string; error: ErrorShape }
  | { t: "status"; status: IngestStatus }
  | { t: "log"; level: "debug" | "info" | "warn" | "error"; msg: string; fields?: Record<string, unknown> }
  | { t: "stopped" };
