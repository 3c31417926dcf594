// History routes (ClickHouse): orders and fills history, market trades and candles, the audit log.
// Thin: validate, authorize, ask the history store, shape a page { data, next }.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Guard } from "./events.ts";
import { ApiError } from "../http/errors.ts";
import { doc } from "../http/openapi.ts";
import { validate } from "../http/validate.ts";
import { HistoryUnavailable, type History, type HistoryPage, type HistoryQuery } from "../store/clickhouse/index.ts";
import { ADMINS, PRIVATE_READERS, ROLES } from "../auth/types.ts";
import { InstId } from "../domain/inst-id.ts";
import { OrderState } from "../domain/orders.ts";


/** Bar name -> seconds (OKX's names). */
export const BARS: Record<string, number> = { "1m": 60, "3m": 180, "5m": 300, "15m": 900, "30m": 1800, "1H": 3600, "2H": 7200, "4H": 14400, "6H": 21600, "12H": 43200, "1D": 86400 };

const time = z.coerce.number().int().min(0).max(8.64e15);
const page = {
  from: time.optional().describe("from this time (ms since 1970, inclusive)"),
  to: time.optional().describe("up to this time (ms since 1970, exclusive)"),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe("rows per page (1-1000, default 100)"),
  cursor: z.string().max(400).optional().describe("the `next` of the previous page"),
};
const span = (q: { from?: number; to?: number }) => q.from === undefined || q.to === undefined || q.from < q.to;
const spanIssue = { message: "from must be before to", path: ["from"] };

const OrdersQuery = z.object({ ...page, instId: InstId.optional(), state: OrderState.optional(), ordId: z.string().regex(/^[A-Za-z0-9]{1,64}$/).optional() }).strict().refine(span, spanIssue);
const FillsQuery = z.object({ ...page, instId: InstId.optional(), ordId: z.string().regex(/^[A-Za-z0-9]{1,64}$/).optional() }).strict().refine(span, spanIssue);
const TradesQuery = z.object({ ...page, instId: InstId }).strict().refine(span, spanIssue);
const CandlesQuery = z
  .object({ ...page, instId: InstId, bar: z.enum(Object.keys(BARS) as [string, ...string[]]).default("1m") })
  .strict()
  .refine(span, spanIssue);
const AuditQuery = z.object({ ...page, user: z.string().min(1).max(128).optional(), action: z.string().regex(/^[a-z_.]{1,64}$/).optional() }).strict().refine(span, spanIssue);

type Kind = HistoryQuery["kind"];

/** The cursor is opaque to clients: base64url of the kind and the (ts, id) to continue before. */
export function encodeCursor(kind: Kind, key: { ts: number; id: string }): string {
  return Buffer.from(JSON.stringify([kind, key.ts, key.id])).toString("base64url");
}

const CursorShape = z.tuple([z.string(), z.number().int().min(0), z.string().max(200)]);

export function decodeCursor(kind: Kind, cursor: string): { ts: number; id: string } {
  const bad = () => new ApiError(400, "validation_failed", "query.cursor: not a cursor from this endpoint", [{ field: "query.cursor", message: "not a cursor from this endpoint" }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const r = CursorShape.safeParse(parsed);
  if (!r.success || r.data[0] !== kind) throw bad();
  return { ts: r.data[1], id: r.data[2] };
}

const pageDoc = (what: string) => ({ 200: { description: `{ data: [${what}], next: cursor | null } newest first` }, 503: { description: "history_unavailable: ClickHouse is off, missing or unreachable" } });

export function historyRoutes(d: { history: History; guard: Guard }): Hono {
  const app = new Hono();
  const run = async (c: Context, q: HistoryQuery & { cursor?: string }) => {
    const { cursor, ...rest } = q;
    const query: HistoryQuery = { ...rest, ...(cursor ? { before: decodeCursor(q.kind, cursor) } : {}) };
    let p: HistoryPage;
    try {
      p = await d.history.query(query);
    } catch (err) {
      if (err instanceof HistoryUnavailable) throw new ApiError(503, "history_unavailable", `history is unavailable: ${err.message}`);
      throw err;
    }
    return c.json({ data: p.data, next: p.next ? encodeCursor(q.kind, p.next) : null });
  };

  doc({ method: "get", path: "/api/orders/history", summary: "Order history: one row per order state change", tags: ["history"], roles: [...PRIVATE_READERS], query: OrdersQuery, responses: pageDoc("order") });
  app.get("/orders/history", d.guard({ roles: PRIVATE_READERS }), validate("query", OrdersQuery), (c) => run(c, { kind: "orders", ...c.req.valid("query") }));

  doc({ method: "get", path: "/api/fills", summary: "Fills", tags: ["history"], roles: [...PRIVATE_READERS], query: FillsQuery, responses: pageDoc("fill") });
  app.get("/fills", d.guard({ roles: PRIVATE_READERS }), validate("query", FillsQuery), (c) => run(c, { kind: "fills", ...c.req.valid("query") }));

  doc({ method: "get", path: "/api/market/trades", summary: "Public trades of an instrument", tags: ["history", "market"], roles: [...ROLES], query: TradesQuery, responses: pageDoc("trade") });
  app.get("/market/trades", d.guard(), validate("query", TradesQuery), (c) => run(c, { kind: "trades", ...c.req.valid("query") }));

  doc({ method: "get", path: "/api/market/candles", summary: "OHLCV candles aggregated from recorded trades (bar: 1m..1D)", tags: ["history", "market"], roles: [...ROLES], query: CandlesQuery, responses: pageDoc("candle") });
  app.get("/market/candles", d.guard(), validate("query", CandlesQuery), (c) => {
    const { bar, ...q } = c.req.valid("query");
    return run(c, { kind: "candles", ...q, barSeconds: BARS[bar]! });
  });

  doc({ method: "get", path: "/api/audit", summary: "Audit log: every order request and command (who, what, result, latency)", tags: ["history"], roles: [...ADMINS], query: AuditQuery, responses: pageDoc("audit entry") });
  app.get("/audit", d.guard({ roles: ADMINS }), validate("query", AuditQuery), (c) => run(c, { kind: "audit", ...c.req.valid("query") }));
  return app;
}
