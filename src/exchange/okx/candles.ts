// Bars from OKX's REST candles: the bar sizes tradewire aggregates (in seconds, aligned to UTC)
// under OKX's names, and the paging across its two endpoints (the latest 1,440 bars, then
// history), each row parsed as the candle channel's are.
import type { Candle } from "../../domain/events.ts";
import { parseCandle } from "./parse-market.ts";
import type { OkxRest } from "./rest.ts";

const UNITS: Array<[number, string]> = [
  [86_400, "D"],
  [3_600, "H"],
  [60, "m"],
];

/**
 * OKX's name for a bar of `seconds`, aligned to UTC as tradewire's buckets are: OKX aligns bars
 * of 6 hours and longer to UTC+8 unless the name ends in "utc".
 * @example okxBar(60) // "1m"; okxBar(86_400) // "1Dutc"
 */
export function okxBar(seconds: number): string | undefined {
  for (const [unit, name] of UNITS) {
    if (seconds % unit !== 0) continue;
    const n = seconds / unit;
    return `${n}${name}${unit >= 3_600 && seconds >= 6 * 3_600 ? "utc" : ""}`;
  }
  return undefined;
}

/** Bars the latest-candles endpoint answers for; older ones come from history-candles. */
const RECENT_BARS = 1_440;
const PAGE = { recent: 300, history: 100 };
/** Requests per call at most (300 bars of history need 3). */
const MAX_REQUESTS = 5;

export interface CandlesQuery {
  instId: string;
  barSeconds: number;
  /** Bars that open before this time (ms); unset: up to the newest, the open one included. */
  before?: number;
  limit: number;
}

/**
 * Up to `limit` bars, newest first. Rejects as the REST client does (OkxError, OkxUnavailableError)
 * or with a MalformedError for a row that is not a candle.
 */
export async function fetchCandles(rest: OkxRest, q: CandlesQuery, now = Date.now()): Promise<Candle[]> {
  const bar = okxBar(q.barSeconds);
  if (!bar) return [];
  const arg = { channel: `candle${bar}`, instId: q.instId };
  const recentFrom = now - RECENT_BARS * q.barSeconds * 1000;
  const out: Candle[] = [];
  let after = q.before;
  let history = after !== undefined && after <= recentFrom;
  for (let i = 0; i < MAX_REQUESTS && out.length < q.limit; i++) {
    const want = Math.min(q.limit - out.length, history ? PAGE.history : PAGE.recent);
    const req = { instId: q.instId, bar, limit: want, ...(after !== undefined ? { after } : {}) };
    const rows = await (history ? rest.historyCandles(req) : rest.candles(req));
    for (const row of rows) out.push(parseCandle(row, arg));
    const oldest = out.at(-1);
    if (rows.length < want) {
      if (history || !oldest) break;
      history = true; // the latest bars ran out: go on in history
    }
    if (oldest) after = oldest.ts;
  }
  return out.slice(0, q.limit);
}
