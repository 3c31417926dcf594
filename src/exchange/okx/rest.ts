// Signed OKX REST client over fetch: one method per endpoint, each one line over get/post.
// A non-zero `code` (or HTTP error) becomes an OkxError; no answer at all an OkxUnavailableError.

import { restAuthHeaders } from "../../okx/sign.ts";
import type { OkxCredentials } from "../config.ts";
import { OkxError, OkxUnavailableError } from "./errors.ts";
import type * as T from "./rest-types.ts";

export interface RestOptions {
  baseUrl: string;
  credentials: OkxCredentials | null;
  demo?: boolean;
  timeoutMs?: number;
  /** For tests. */
  fetch?: typeof fetch;
  /** Clock for the signature timestamp (ms), for tests. */
  now?: () => number;
}

type Query = object;

/** `?k=v&...` with empty values dropped and keys in the given order (signed exactly as sent). */
export function queryString(q: Query | undefined): string {
  if (!q) return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === "") continue;
    parts.push(`${k}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

export class OkxRest {
  private readonly fetchFn: typeof fetch;
  constructor(private readonly opts: RestOptions) {
    this.fetchFn = opts.fetch ?? fetch;
  }

  // ---- public ----
  serverTime = () => this.get<T.ServerTime>("/api/v5/public/time", undefined, false);
  instruments = (q: T.InstrumentsRequest) => this.get<T.Instrument>("/api/v5/public/instruments", q, false);
  tickers = (q: T.TickersRequest) => this.get<T.TickerRow>("/api/v5/market/tickers", q, false);
  books = (q: T.BooksRequest) => this.get<T.BookSnapshotRow>("/api/v5/market/books", q, false);
  /** The latest 1,440 bars (up to 300 a request). */
  candles = (q: T.CandlesRequest) => this.get<T.CandleRow>("/api/v5/market/candles", q, false);
  /** Older bars (up to 100 a request). */
  historyCandles = (q: T.CandlesRequest) => this.get<T.CandleRow>("/api/v5/market/history-candles", q, false);
  // ---- trade ----
  placeOrder = (b: T.PlaceOrderRequest) => this.post<T.OrderOpResult>("/api/v5/trade/order", b);
  placeBatchOrders = (b: T.PlaceOrderRequest[]) => this.post<T.OrderOpResult>("/api/v5/trade/batch-orders", b);
  cancelOrder = (b: T.CancelOrderRequest) => this.post<T.OrderOpResult>("/api/v5/trade/cancel-order", b);
  amendOrder = (b: T.AmendOrderRequest) => this.post<T.OrderOpResult>("/api/v5/trade/amend-order", b);
  getOrder = (q: T.GetOrderRequest) => this.get<T.OrderDetails>("/api/v5/trade/order", q);
  ordersPending = (q: T.OrdersPendingRequest = {}) => this.get<T.OrderDetails>("/api/v5/trade/orders-pending", q);
  ordersHistory = (q: T.OrdersHistoryRequest) => this.get<T.OrderDetails>("/api/v5/trade/orders-history", q);
  fillsHistory = (q: T.FillsHistoryRequest) => this.get<T.FillRow>("/api/v5/trade/fills-history", q);
  // ---- account ----
  balance = (q: T.BalanceRequest = {}) => this.get<T.AccountBalance>("/api/v5/account/balance", q);
  positions = (q: T.PositionsRequest = {}) => this.get<T.PositionRow>("/api/v5/account/positions", q);
  leverageInfo = (q: T.LeverageInfoRequest) => this.get<T.LeverageRow>("/api/v5/account/leverage-info", q);
  setLeverage = (b: T.SetLeverageRequest) => this.post<T.LeverageRow>("/api/v5/account/set-leverage", b);

  get<R>(path: string, query?: Query, signed = true): Promise<R[]> {
    return this.request<R>("GET", path + queryString(query), "", signed);
  }

  post<R>(path: string, body: unknown): Promise<R[]> {
    return this.request<R>("POST", path, JSON.stringify(body), true);
  }

  private async request<R>(method: "GET" | "POST", target: string, body: string, signed: boolean): Promise<R[]> {
    const demo = this.opts.demo ?? false;
    let headers: Record<string, string>;
    if (signed) {
      const c = this.opts.credentials;
      if (!c) throw new OkxUnavailableError("OKX credentials are not configured");
      headers = restAuthHeaders(c, method, target, body, { nowMs: this.opts.now?.() ?? Date.now(), demo });
    } else {
      headers = { "Content-Type": "application/json", ...(demo ? { "x-simulated-trading": "1" } : {}) };
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.opts.baseUrl + target, {
        method,
        headers,
        ...(method === "POST" ? { body } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      // A POST that may have reached OKX leaves the order state unknown.
      throw new OkxUnavailableError(
        `OKX ${method} ${target.split("?")[0]}: ${(err as Error).message}`,
        method === "POST",
      );
    }
    const text = await res.text();
    let env: { code?: unknown; msg?: unknown; data?: unknown };
    try {
      env = JSON.parse(text);
    } catch {
      throw new OkxUnavailableError(
        `OKX ${method} ${target.split("?")[0]}: HTTP ${res.status}, not JSON`,
        method === "POST",
      );
    }
    if (res.status !== 200 || String(env.code) !== "0") throw OkxError.fromEnvelope(env, res.status);
    return Array.isArray(env.data) ? (env.data as R[]) : [];
  }
}
