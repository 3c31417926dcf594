// Pure mapping from bus events to ClickHouse rows: which events are recorded, in which table,
// with every value checked so one malformed event can never poison a batch insert.
import type { AlertRow, AuditInput, Row, StrategyRow, Table, UserRow } from "./protocol.ts";

/** Event types the recorder keeps; every other type is skipped without parsing its JSON. */
export const RECORDED_TYPES = new Set(["order", "fill", "trade", "ticker", "account"]);

export interface Mapped {
  table: Table;
  row: Row;
}

const DEC = /^-?\d{1,26}(\.\d{1,12})?$/;

class Malformed extends Error {
  override name = "Malformed";
}

/** A required decimal string. */
function dec(v: unknown, field: string): string {
  if (typeof v === "number" && Number.isFinite(v)) v = String(v);
  if (typeof v !== "string" || !DEC.test(v)) throw new Malformed(`${field}: not a decimal`);
  return v;
}

/** An optional decimal: "" and missing become null. */
function decOpt(v: unknown, field: string): string | null {
  return v === "" || v === undefined || v === null ? null : dec(v, field);
}

function str(v: unknown, field: string, max = 256): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string" && typeof v !== "number") throw new Malformed(`${field}: not a string`);
  const s = String(v);
  if (s.length > max) throw new Malformed(`${field}: too long`);
  return s;
}

function need(v: unknown, field: string, max = 256): string {
  const s = str(v, field, max);
  if (s === "") throw new Malformed(`${field}: missing`);
  return s;
}

/** Milliseconds since 1970 as an integer (DateTime64(3) takes raw ticks). */
function ms(v: unknown, field: string): number {
  const n = typeof v === "string" && v !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || n > 8.64e15)
    throw new Malformed(`${field}: not a time in ms`);
  return Math.floor(n);
}

function msOpt(v: unknown, field: string): number | null {
  return v === null || v === undefined || v === "" || v === 0 ? null : ms(v, field);
}

const side = (v: unknown) => {
  if (v !== "buy" && v !== "sell") throw new Malformed("side: buy or sell");
  return v;
};

type Data = Record<string, unknown>;

const mappers: Record<string, (id: string, d: Data) => Mapped> = {
  order: (id, d) => ({
    table: "orders",
    row: {
      id,
      ts: ms(d.uTime, "uTime"),
      ord_id: need(d.ordId, "ordId", 64),
      cl_ord_id: str(d.clOrdId, "clOrdId", 64),
      inst_id: need(d.instId, "instId", 64),
      inst_type: str(d.instType, "instType", 32),
      side: side(d.side),
      ord_type: str(d.ordType, "ordType", 32),
      td_mode: str(d.tdMode, "tdMode", 32),
      pos_side: str(d.posSide, "posSide", 32),
      px: decOpt(d.px, "px"),
      sz: dec(d.sz, "sz"),
      state: need(d.state, "state", 32),
      acc_fill_sz: decOpt(d.accFillSz, "accFillSz") ?? "0",
      avg_px: decOpt(d.avgPx, "avgPx"),
      fill_px: decOpt(d.fillPx, "fillPx"),
      fill_sz: decOpt(d.fillSz, "fillSz"),
      fill_time: msOpt(d.fillTime, "fillTime"),
      trade_id: str(d.tradeId, "tradeId", 64),
      exec_type: str(d.execType, "execType", 8),
      fee: decOpt(d.fee, "fee"),
      fee_ccy: str(d.feeCcy, "feeCcy", 32),
      reduce_only: d.reduceOnly === true,
      c_time: ms(d.cTime ?? d.uTime, "cTime"),
    },
  }),
  fill: (id, d) => ({
    table: "fills",
    row: {
      id,
      ts: ms(d.ts, "ts"),
      ord_id: need(d.ordId, "ordId", 64),
      cl_ord_id: str(d.clOrdId, "clOrdId", 64),
      inst_id: need(d.instId, "instId", 64),
      trade_id: str(d.tradeId, "tradeId", 64),
      side: side(d.side),
      fill_px: dec(d.fillPx, "fillPx"),
      fill_sz: dec(d.fillSz, "fillSz"),
      fee: decOpt(d.fee, "fee"),
      fee_ccy: str(d.feeCcy, "feeCcy", 32),
      fill_pnl: decOpt(d.fillPnl, "fillPnl"),
      exec_type: str(d.execType, "execType", 8),
    },
  }),
  trade: (id, d) => ({
    table: "trades",
    row: {
      id,
      ts: ms(d.ts, "ts"),
      inst_id: need(d.instId, "instId", 64),
      trade_id: str(d.tradeId, "tradeId", 64),
      px: dec(d.px, "px"),
      sz: dec(d.sz, "sz"),
      side: side(d.side),
    },
  }),
  ticker: (id, d) => ({
    table: "tickers",
    row: {
      id,
      ts: ms(d.ts, "ts"),
      inst_id: need(d.instId, "instId", 64),
      last: dec(d.last, "last"),
      last_sz: decOpt(d.lastSz, "lastSz"),
      bid_px: decOpt(d.bidPx, "bidPx"),
      bid_sz: decOpt(d.bidSz, "bidSz"),
      ask_px: decOpt(d.askPx, "askPx"),
      ask_sz: decOpt(d.askSz, "askSz"),
      open24h: decOpt(d.open24h, "open24h"),
      high24h: decOpt(d.high24h, "high24h"),
      low24h: decOpt(d.low24h, "low24h"),
      vol24h: decOpt(d.vol24h, "vol24h"),
      vol_ccy24h: decOpt(d.volCcy24h, "volCcy24h"),
    },
  }),
  account: (id, d) => ({
    table: "equity",
    row: { id, ts: ms(d.uTime, "uTime"), total_eq: dec(d.totalEq, "totalEq"), upl: decOpt(d.upl, "upl") },
  }),
};

/**
 * The row for one bus event (its JSON as the stream sends it), undefined when the type is not
 * recorded, or an Error naming the bad field when it is recorded but malformed.
 * @example toRow("trade", '{"id":"k1-5","data":{"instId":"BTC-USDT","px":"1","sz":"2","side":"buy","ts":1}}')
 */
export function toRow(type: string, json: string): Mapped | Error | undefined {
  if (!mappers[type]) return undefined;
  try {
    const ev = JSON.parse(json) as { id?: unknown; data?: unknown };
    if (typeof ev.id !== "string" || typeof ev.data !== "object" || ev.data === null)
      throw new Malformed("no id or data");
    return rowOf(type, ev.id, ev.data as Data);
  } catch (err) {
    return err instanceof Error ? err : new Malformed(String(err));
  }
}

/** The row for an event's `data` under a given row id (what toRow does once the JSON is parsed). */
export function rowOf(type: string, id: string, data: Data): Mapped | Error | undefined {
  const map = mappers[type];
  if (!map) return undefined;
  try {
    return map(id, data);
  } catch (err) {
    return err instanceof Error ? err : new Malformed(String(err));
  }
}

/** An audit row; `id` must be unique (the keyset cursor orders by ts, id). */
export function auditRow(id: string, a: AuditInput): Row {
  return {
    id,
    ts: Math.floor(a.ts),
    user: a.user.slice(0, 128),
    action: a.action.slice(0, 64),
    target: a.target.slice(0, 256),
    status: Math.max(0, Math.min(65535, Math.trunc(a.status))),
    code: a.code.slice(0, 64),
    ms: Number.isFinite(a.ms) ? a.ms : 0,
    detail: JSON.stringify(a.detail ?? {}).slice(0, 8192),
  };
}

export function strategyRow(s: StrategyRow): Row {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    owner: s.owner,
    state: s.state,
    reason: s.reason,
    config: s.config,
    figures: s.figures,
    created_at: Math.floor(s.createdAt),
    updated_at: Math.floor(s.updatedAt),
    deleted: s.deleted ? 1 : 0,
    version: s.version,
  };
}

export function alertRow(a: AlertRow): Row {
  return {
    id: a.id,
    owner: a.owner,
    inst_id: a.instId,
    price: a.price,
    up: a.up ? 1 : 0,
    note: a.note,
    created_at: Math.floor(a.createdAt),
    fired_at: Math.floor(a.firedAt),
    fired_px: a.firedPx,
    deleted: a.deleted ? 1 : 0,
    version: a.version,
  };
}

export function userRow(u: UserRow): Row {
  return {
    name: u.name,
    role: u.role,
    hash: u.hash,
    created_at: Math.floor(u.createdAt),
    updated_at: Math.floor(u.updatedAt),
    deleted: u.deleted ? 1 : 0,
    version: u.version,
  };
}
