// The REST route table and the pipeline every call goes through: find the route, check the
// signature of private calls, apply the OKX rate limit, parse the body, run the handler.
import { verifyRest } from "../auth.ts";
import type { SimContext } from "../context.ts";
import * as account from "./account.ts";
import * as pub from "./public.ts";
import { type Handler, json, type RestReply, tooMany, unauthorized } from "./respond.ts";
import * as trade from "./trade.ts";

interface Route {
  handler: Handler;
  private: boolean;
  /** Requests per 2 s and what they are counted by (OKX.md §8); trade ops count per order instead. */
  limit?: { n: number; by: "ip" | "user" };
}

const P = (handler: Handler, n: number): Route => ({ handler, private: false, limit: { n, by: "ip" } });
const U = (handler: Handler, n?: number): Route => ({
  handler,
  private: true,
  limit: n ? { n, by: "user" } : undefined,
});

const ROUTES: Record<string, Route> = {
  "GET /api/v5/public/time": P(pub.time, 10),
  "GET /api/v5/public/instruments": P(pub.instruments, 20),
  "GET /api/v5/public/mark-price": P(pub.markPrice, 10),
  "GET /api/v5/public/funding-rate": P(pub.fundingRate, 10),
  "GET /api/v5/system/status": P(pub.status, 1),
  "GET /api/v5/market/tickers": P(pub.tickers, 20),
  "GET /api/v5/market/ticker": P(pub.oneTicker, 20),
  "GET /api/v5/market/books": P(pub.books, 40),
  "GET /api/v5/market/candles": P(pub.candles, 40),
  "GET /api/v5/market/history-candles": P(pub.candles, 20),
  "GET /api/v5/market/trades": P(pub.trades, 100),
  "GET /api/v5/market/history-trades": P(pub.trades, 20),
  "GET /api/v5/account/balance": U(account.balance, 10),
  "GET /api/v5/account/positions": U(account.positions, 10),
  "GET /api/v5/account/config": U(account.config, 5),
  "GET /api/v5/account/trade-fee": U(account.tradeFee, 5),
  "GET /api/v5/account/leverage-info": U(account.leverageInfo, 20),
  "POST /api/v5/account/set-leverage": U(account.setLeverage, 20),
  "GET /api/v5/asset/currencies": U(account.currencies, 12),
  "GET /api/v5/asset/balances": U(account.assetBalances, 12),
  "POST /api/v5/trade/order": U(trade.placeOrder),
  "POST /api/v5/trade/batch-orders": U(trade.placeBatch),
  "POST /api/v5/trade/cancel-order": U(trade.cancelOrder),
  "POST /api/v5/trade/cancel-batch-orders": U(trade.cancelBatch),
  "POST /api/v5/trade/amend-order": U(trade.amendOrder),
  "POST /api/v5/trade/amend-batch-orders": U(trade.amendBatch),
  "GET /api/v5/trade/order": U(trade.getOrder, 60),
  "GET /api/v5/trade/orders-pending": U(trade.pending, 60),
  "GET /api/v5/trade/orders-history": U(trade.history, 40),
  "GET /api/v5/trade/orders-history-archive": U(trade.history, 20),
  "GET /api/v5/trade/fills": U(trade.fills, 60),
  "GET /api/v5/trade/fills-history": U(trade.fills, 10),
};

/** Answers one /api/v5 request. `rawTarget` is the path and query exactly as received. */
export async function handleRest(req: Request, rawTarget: string, ip: string, ctx: SimContext): Promise<Response> {
  const reply = await route(req, rawTarget, ip, ctx);
  if (ctx.faults.delayMs > 0) await Bun.sleep(ctx.faults.delayMs);
  return json(reply);
}

async function route(req: Request, rawTarget: string, ip: string, ctx: SimContext): Promise<RestReply> {
  const q = rawTarget.indexOf("?");
  const path = q < 0 ? rawTarget : rawTarget.slice(0, q);
  const r = ROUTES[`${req.method} ${path}`];
  if (!r) {
    const known = Object.keys(ROUTES).some((k) => k.endsWith(` ${path}`));
    return known
      ? { status: 405, body: { code: "50115", msg: "Invalid request method", data: [] } }
      : { status: 404, body: { code: "404", msg: "Not Found", data: [] } };
  }
  const now = Date.now();
  const bodyText = req.method === "GET" ? "" : await req.text();
  if (r.private) {
    const failure = verifyRest(req.headers, req.method, rawTarget, bodyText, ctx.opts.credentials, {
      nowMs: now,
      maxSkewMs: ctx.opts.maxClockSkewMs,
      requireDemoHeader: ctx.opts.requireDemoHeader,
    });
    if (failure) return unauthorized(failure.code);
  }
  if (r.limit && !ctx.limiter.take(`${r.limit.by === "ip" ? ip : "user"}:${path}`, r.limit.n, 2_000, 1, now))
    return tooMany();
  let body: unknown;
  if (bodyText !== "") {
    try {
      body = JSON.parse(bodyText);
    } catch {
      return { status: 400, body: { code: "50002", msg: "Json data format error", data: [] } };
    }
  }
  return r.handler({ ctx, query: new URL(rawTarget, "http://x").searchParams, body, now, ip });
}
