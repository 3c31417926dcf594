// Part 3 — order round trip: limit buys far below the market (they rest), one at a time on one
// keep-alive connection: POST /api/orders -> the HTTP answer, and -> the `order` event with state
// `live` on an SSE stream (channels=orders), both from the moment the request is written. Every
// `batch` orders a cancel_all command clears them (timed too), so no open-order limit is hit.
// Where tradewire's part of the time went comes from its /metrics (tradewire_order_seconds),
// scraped before and after the measured orders.

import { nowMs } from "../../src/domain/time.ts";
import { Histogram, type Percentiles } from "../lib/hist.ts";
import { sleep } from "../lib/proc.ts";
import { type BucketSummary, delta, type PromHistogram, parseHistogram, summarizeSeconds } from "../lib/prom.ts";
import { HttpConn, SseConn, sseEvents } from "./common.ts";
import type { Rig } from "./rig.ts";

export type OrdersRun = {
  market: boolean;
  orders: number;
  httpMs: Percentiles;
  eventMs: Percentiles;
  /**
   * From tradewire's /metrics over the measured orders (placed over WS), quantiles as fine as its
   * buckets: its main thread's wait for OKX (total), the WS round trip inside it timed on the
   * ingest thread, and the simulator's own inTime -> outTime.
   */
  stagesMs: { total: BucketSummary; exchangeRoundtrip: BucketSummary; exchangeInternal: BucketSummary };
  cancelAllMs: Percentiles;
  failed: Record<string, number>;
  missingEvents: number;
};

export type OrderSpec = { instId: string; px: string; sz: string };

let tag = 0;

const STAGES = {
  total: "total",
  exchangeRoundtrip: "exchange_roundtrip",
  exchangeInternal: "exchange_internal",
} as const;

/** tradewire's order stage histograms (placed over WS) as /metrics has them now. */
async function orderStages(base: string): Promise<Record<keyof typeof STAGES, PromHistogram>> {
  const r = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (r.status !== 200) throw new Error(`/metrics: HTTP ${r.status}`);
  const text = await r.text();
  const of = (stage: string) => parseHistogram(text, "tradewire_order_seconds", { op: "place", stage, via: "ws" });
  return {
    total: of(STAGES.total),
    exchangeRoundtrip: of(STAGES.exchangeRoundtrip),
    exchangeInternal: of(STAGES.exchangeInternal),
  };
}

/**
 * `warmup` orders are placed (and answered) first, unmeasured, as the stream bench warms its
 * servers: the first orders of a fresh process run code JavaScriptCore has not compiled yet.
 * `dump`: a JSON file of one row per measured order [n, sent at (ms, bench clock), HTTP answer,
 * live event (-1: none)], times in ms from the send but `sent at`.
 */
export async function ordersRun(
  rig: Rig,
  o: { orders: number; batch: number; warmup: number; market: boolean; spec: OrderSpec; dump?: string },
  log: (s: string) => void,
): Promise<OrdersRun> {
  const live = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const sse = new SseConn(
    rig.ep,
    "/api/events/stream?channels=orders",
    sseEvents((type, data, at) => {
      if (type !== "order") return;
      const d = (JSON.parse(data) as { data?: { clOrdId?: string; state?: string } }).data;
      if (!d?.clOrdId || d.state !== "live" || live.has(d.clOrdId)) return;
      live.set(d.clOrdId, at);
      waiters.get(d.clOrdId)?.();
    }),
  );
  const http = new HttpConn(rig.ep);
  sse.connect();
  http.connect();
  await Promise.all([sse.ready, http.ready]);
  rig.market(o.market);
  await sleep(500);

  const hHttp = new Histogram();
  const hEvent = new Histogram();
  const hCancel = new Histogram();
  const failed: Record<string, number> = {};
  let missing = 0;
  let open = 0;
  const rows: number[][] = [];
  const cancelAll = async () => {
    const t0 = nowMs();
    const r = await http.call("POST", "/api/commands", { type: "cancel_all" });
    hCancel.recordMs(r.at - t0);
    if (r.status !== 201) log(`  cancel_all: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    for (let i = 0; i < 250; i++) {
      const l = await http.call("GET", "/api/orders");
      if ((JSON.parse(l.body) as { data?: unknown[] }).data?.length === 0) break;
      await sleep(20);
    }
    open = 0;
  };
  const t = ++tag;
  // tradewire loads the instrument rules over REST after start: until then orders get 422.
  for (let i = 0; ; i++) {
    const r = await http.call("POST", "/api/orders", {
      instId: o.spec.instId,
      side: "buy",
      ordType: "limit",
      sz: o.spec.sz,
      px: o.spec.px,
      clOrdId: `probe${t}n${i}`,
    });
    if (r.status === 201) break;
    if (i >= 150) throw new Error(`orders are refused: HTTP ${r.status} ${r.body.slice(0, 300)}`);
    await sleep(200);
  }
  await cancelAll();
  let stagesBefore = await orderStages(rig.base);
  for (let i = 0; i < o.warmup + o.orders; i++) {
    if (i === o.warmup) stagesBefore = await orderStages(rig.base);
    const clOrdId = `bench${t}n${i}`;
    const t0 = nowMs();
    const r = await http.call("POST", "/api/orders", {
      instId: o.spec.instId,
      side: "buy",
      ordType: "limit",
      sz: o.spec.sz,
      px: o.spec.px,
      clOrdId,
    });
    if (r.status !== 201) {
      const why = `HTTP ${r.status} ${/"code":"([^"]+)"/.exec(r.body)?.[1] ?? r.body.slice(0, 80)}`;
      failed[why] = (failed[why] ?? 0) + 1;
      if (Object.values(failed).reduce((a, b) => a + b, 0) > 50)
        throw new Error(`orders keep failing: ${JSON.stringify(failed)}`);
      continue;
    }
    open++;
    if (!live.has(clOrdId)) await Promise.race([new Promise<void>((res) => waiters.set(clOrdId, res)), sleep(3000)]);
    waiters.delete(clOrdId);
    const ev = live.get(clOrdId);
    if (i >= o.warmup) {
      hHttp.recordMs(r.at - t0);
      if (o.dump) rows.push([i - o.warmup, t0, r.at - t0, ev === undefined ? -1 : ev - t0]);
      if (ev === undefined) missing++;
      else hEvent.recordMs(ev - t0);
    }
    if (open >= o.batch) await cancelAll();
  }
  const stagesAfter = await orderStages(rig.base);
  const stage = (k: keyof typeof STAGES) => summarizeSeconds(delta(stagesAfter[k], stagesBefore[k]));
  const stagesMs = {
    total: stage("total"),
    exchangeRoundtrip: stage("exchangeRoundtrip"),
    exchangeInternal: stage("exchangeInternal"),
  };
  await cancelAll();
  if (o.dump) await Bun.write(o.dump, JSON.stringify(rows));
  sse.close();
  http.close();
  return {
    market: o.market,
    orders: hHttp.count,
    httpMs: hHttp.summary(),
    eventMs: hEvent.summary(),
    stagesMs,
    cancelAllMs: hCancel.summary(),
    failed,
    missingEvents: missing,
  };
}
