// Private trade endpoints: place/cancel/amend (single and batch) through the shared trade service,
// and the order queries (one order, pending, history, fills).

import { fmt, unitsToStr } from "../num.ts";
import { isOpen, orderDetails, type SimOrder } from "../orders.ts";
import { MAX_BATCH, micros, type TradeKind } from "../trade.ts";
import { isItemError, parseRef } from "../validate.ts";
import { fail, type Handler, ok, q, type RestReply, type RestRequest, tooMany } from "./respond.ts";

function tradeCall(kind: TradeKind, batch: boolean): Handler {
  return function trade(r: RestRequest): RestReply {
    const inTime = micros();
    const body = r.body;
    if (body === undefined || body === null || (Array.isArray(body) && body.length === 0)) return fail("50000");
    const items = Array.isArray(body) ? body : [body];
    if (!batch && items.length > 1) return fail("51000", "body");
    if (items.length > MAX_BATCH) return fail("51111", String(MAX_BATCH));
    const out = r.ctx.trade.run(kind, items, batch, r.now);
    if (out.rateLimited) return tooMany();
    return {
      status: 200,
      body: { code: out.code, msg: out.code === "0" ? "" : out.msg, data: out.data, inTime, outTime: micros() },
    };
  };
}

export const placeOrder = tradeCall("place", false);
export const placeBatch = tradeCall("place", true);
export const cancelOrder = tradeCall("cancel", false);
export const cancelBatch = tradeCall("cancel", true);
export const amendOrder = tradeCall("amend", false);
export const amendBatch = tradeCall("amend", true);

export const getOrder: Handler = (r) => {
  const instId = q(r, "instId");
  if (!instId) return fail("50014", "instId");
  const ref = parseRef({ instId, ordId: q(r, "ordId"), clOrdId: q(r, "clOrdId") }, r.ctx.instruments);
  if (isItemError(ref)) return { status: 200, body: { code: ref.sCode, msg: ref.sMsg, data: [] } };
  const o = r.ctx.matcher.find(ref);
  return o ? ok([orderDetails(o)]) : fail("51603");
};

function list(r: RestRequest, open: boolean): RestReply {
  const instType = q(r, "instType");
  const instId = q(r, "instId");
  const family = q(r, "instFamily") ?? q(r, "uly");
  const ordType = q(r, "ordType")?.split(",");
  const state = q(r, "state");
  const after = q(r, "after");
  const before = q(r, "before");
  const begin = Number(q(r, "begin") ?? 0);
  const end = Number(q(r, "end") ?? Infinity);
  const limit = Math.min(100, Math.max(1, Number(q(r, "limit") ?? 100) || 100));
  const rows: SimOrder[] = [];
  for (const o of r.ctx.matcher.orders.values()) {
    if (isOpen(o) !== open) continue;
    if (instType && o.inst.instType !== instType) continue;
    if (instId && o.inst.instId !== instId) continue;
    if (family && o.inst.wire.instFamily !== family) continue;
    if (ordType && !ordType.includes(o.ordType)) continue;
    if (state && o.state !== state) continue;
    if (after && BigInt(o.ordId) >= BigInt(after)) continue;
    if (before && BigInt(o.ordId) <= BigInt(before)) continue;
    if (o.uTime < begin || o.uTime > end) continue;
    rows.push(o);
  }
  rows.sort((a, b) => b.seq - a.seq);
  return ok(rows.slice(0, limit).map(orderDetails));
}

export const pending: Handler = (r) => list(r, true);

export const history: Handler = (r) => (q(r, "instType") ? list(r, false) : fail("50014", "instType"));

export const fills: Handler = (r) => {
  const instType = q(r, "instType");
  const instId = q(r, "instId");
  const ordId = q(r, "ordId");
  const after = q(r, "after");
  const before = q(r, "before");
  const begin = Number(q(r, "begin") ?? 0);
  const end = Number(q(r, "end") ?? Infinity);
  const limit = Math.min(100, Math.max(1, Number(q(r, "limit") ?? 100) || 100));
  const rows = r.ctx.matcher.fills
    .filter(
      (f) =>
        (!instType || f.o.inst.instType === instType) &&
        (!instId || f.o.inst.instId === instId) &&
        (!ordId || f.o.ordId === ordId),
    )
    // billId cursors (after: older, before: newer) and a time range on the fill's ts, as OKX pages fills.
    .filter(
      (f) =>
        (!after || BigInt(f.billId) < BigInt(after)) &&
        (!before || BigInt(f.billId) > BigInt(before)) &&
        f.info.ts >= begin &&
        f.info.ts <= end,
    )
    .slice(-limit)
    .reverse()
    .map((f) => ({
      instType: f.o.inst.instType,
      instId: f.o.inst.instId,
      tradeId: f.info.tradeId,
      ordId: f.o.ordId,
      clOrdId: f.o.clOrdId,
      billId: f.billId,
      subType: f.o.side === "buy" ? "1" : "2",
      tag: f.o.tag,
      fillPx: unitsToStr(f.info.px, f.o.inst.pxDec),
      fillSz: unitsToStr(f.info.lots, f.o.inst.szDec),
      fillIdxPx: "",
      fillPnl: fmt(f.info.pnl),
      fillPxVol: "",
      fillPxUsd: "",
      fillMarkVol: "",
      fillFwdPx: "",
      fillMarkPx: "",
      side: f.o.side,
      posSide: f.o.posSide,
      execType: f.info.execType,
      feeCcy: f.o.feeCcy,
      fee: fmt(f.info.fee),
      ts: String(f.info.ts),
      fillTime: String(f.info.ts),
      feeRate: "",
    }));
  return ok(rows);
};
