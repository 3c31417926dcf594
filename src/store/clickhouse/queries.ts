// History queries as SQL text plus bound parameters ({name:Type}): no value is ever pasted into
// the SQL. Pure; the Worker runs them. Newest first, keyset-paginated on (ts, id).
import type { HistoryPage, HistoryQuery } from "./protocol.ts";

export interface Built {
  query: string;
  params: Record<string, unknown>;
  /** Turns one result row into the API's shape and says where it sits in the keyset order. */
  map(row: Record<string, unknown>): { out: Record<string, unknown>; key: { ts: number; id: string } };
}

const ms = (col: string) => `toUnixTimestamp64Milli(${col})`;

const COLUMNS: Record<Exclude<HistoryQuery["kind"], "candles" | "equity">, string> = {
  orders: `id, ${ms("ts")} AS uTime, ord_id AS ordId, cl_ord_id AS clOrdId, inst_id AS instId, inst_type AS instType,
    side, ord_type AS ordType, td_mode AS tdMode, pos_side AS posSide, px, sz, state, acc_fill_sz AS accFillSz,
    avg_px AS avgPx, fill_px AS fillPx, fill_sz AS fillSz, ${ms("fill_time")} AS fillTime, trade_id AS tradeId,
    exec_type AS execType, fee, fee_ccy AS feeCcy, reduce_only AS reduceOnly, ${ms("c_time")} AS cTime`,
  fills: `id, ${ms("ts")} AS ts_ms, ord_id AS ordId, cl_ord_id AS clOrdId, inst_id AS instId, trade_id AS tradeId, side,
    fill_px AS fillPx, fill_sz AS fillSz, fee, fee_ccy AS feeCcy, fill_pnl AS fillPnl, exec_type AS execType`,
  trades: `id, ${ms("ts")} AS ts_ms, inst_id AS instId, trade_id AS tradeId, px, sz, side`,
  audit: `id, ${ms("ts")} AS ts_ms, user, action, target, status, code, ms, detail`,
};

/** The time column each kind answers with (the rest are `ts`). */
const TIME_FIELD: Record<string, string> = { orders: "uTime" };

/**
 * @example build({ kind: "trades", instId: "BTC-USDT", limit: 100 })
 */
export function build(q: HistoryQuery): Built {
  if (q.kind === "candles") return buildCandles(q);
  if (q.kind === "equity") return buildEquity(q);
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: q.limit + 1 };
  if (q.instId !== undefined) {
    where.push("inst_id = {instId:String}");
    params.instId = q.instId;
  }
  if (q.from !== undefined) {
    where.push("ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')");
    params.from = q.from;
  }
  if (q.to !== undefined) {
    where.push("ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')");
    params.to = q.to;
  }
  if (q.before) {
    where.push("(ts, id) < (fromUnixTimestamp64Milli({cts:Int64}, 'UTC'), {cid:String})");
    params.cts = q.before.ts;
    params.cid = q.before.id;
  }
  if (q.kind === "orders" && q.state !== undefined) {
    where.push("state = {state:String}");
    params.state = q.state;
  }
  if ((q.kind === "orders" || q.kind === "fills") && q.ordId !== undefined) {
    where.push("(ord_id = {ordId:String} OR cl_ord_id = {ordId:String})");
    params.ordId = q.ordId;
  }
  if (q.kind === "audit" && q.user !== undefined) {
    where.push("user = {user:String}");
    params.user = q.user;
  }
  if (q.kind === "audit" && q.action !== undefined) {
    where.push("action = {action:String}");
    params.action = q.action;
  }
  const query = `SELECT ${COLUMNS[q.kind]} FROM ${q.kind} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY ts DESC, id DESC LIMIT {limit:UInt32}`;
  const timeField = TIME_FIELD[q.kind] ?? "ts";
  return {
    query,
    params,
    map(row) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) out[k === "ts_ms" ? "ts" : k] = v;
      if (q.kind === "audit" && typeof out.detail === "string") out.detail = parseJson(out.detail);
      return { out, key: { ts: Number(out[timeField]), id: String(out.id) } };
    },
  };
}

/**
 * Conditions that keep buckets of `bar` seconds (of the `ts` column) inside [from, to) and before
 * the cursor, with their parameters: a bucket is inside when its start is.
 */
function bucketed(q: HistoryQuery, where: string[], params: Record<string, unknown>): string {
  const bucket = "toStartOfInterval(ts, toIntervalSecond({bar:UInt32}))";
  params.bar = q.barSeconds ?? 60;
  params.limit = q.limit + 1;
  const at = (p: string) => `toDateTime(intDiv({${p}:Int64}, 1000), 'UTC')`;
  if (q.from !== undefined) {
    where.push(`${bucket} >= ${at("from")}`);
    params.from = q.from;
  }
  if (q.to !== undefined) {
    where.push(`${bucket} < ${at("to")}`);
    params.to = q.to;
  }
  if (q.before) {
    where.push(`${bucket} < ${at("cts")}`);
    params.cts = q.before.ts;
  }
  return bucket;
}

function buildCandles(q: HistoryQuery): Built {
  const bar = q.barSeconds ?? 60;
  const where = ["inst_id = {instId:String}"];
  const params: Record<string, unknown> = { instId: q.instId ?? "" };
  // candles_1m.ts is a DateTime (seconds).
  const bucket = bucketed(q, where, params);
  const query = `SELECT toUnixTimestamp(${bucket}) * 1000 AS bucket_ms, argMinMerge(o) AS o, max(h) AS h, min(l) AS l,
      argMaxMerge(c) AS c, sum(vol) AS vol, sum(vol_ccy) AS volCcy, sum(trades) AS trades
    FROM candles_1m WHERE ${where.join(" AND ")}
    GROUP BY bucket_ms ORDER BY bucket_ms DESC LIMIT {limit:UInt32}`;
  return {
    query,
    params,
    map(row) {
      const ts = Number(row.bucket_ms);
      const out = {
        instId: q.instId,
        ts,
        o: row.o,
        h: row.h,
        l: row.l,
        c: row.c,
        vol: row.vol,
        volCcy: row.volCcy,
        trades: Number(row.trades),
        confirmed: ts + bar * 1000 <= Date.now(),
      };
      return { out, key: { ts, id: "" } };
    },
  };
}

/** The account's equity per bucket: at its first push, and at its last (with the unrealized PnL then). */
function buildEquity(q: HistoryQuery): Built {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const bucket = bucketed(q, where, params);
  const query = `SELECT toUnixTimestamp(${bucket}) * 1000 AS bucket_ms, argMin(total_eq, ts) AS openEq,
      argMax(total_eq, ts) AS totalEq, argMax(upl, ts) AS upl
    FROM equity ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    GROUP BY bucket_ms ORDER BY bucket_ms DESC LIMIT {limit:UInt32}`;
  return {
    query,
    params,
    map(row) {
      const ts = Number(row.bucket_ms);
      return { out: { ts, openEq: row.openEq, totalEq: row.totalEq, upl: row.upl ?? null }, key: { ts, id: "" } };
    },
  };
}

/** Cuts the extra row fetched to learn whether there is a next page. */
export function page(q: HistoryQuery, b: Built, rows: Record<string, unknown>[]): HistoryPage {
  const mapped = rows.slice(0, q.limit).map((r) => b.map(r));
  const last = mapped.at(-1);
  return { data: mapped.map((m) => m.out), next: rows.length > q.limit && last ? last.key : null };
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
