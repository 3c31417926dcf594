// History routes (ClickHouse): orders and fills history, market trades and candles, the account's
// equity over time, the audit log.
// Thin: validate, authorize, ask the history store (candles: the candle service), shape a page { data, next }.
import { createRoute, z } from "@hono/zod-openapi";
import type { Resource } from "../auth/types.ts";
import { StoreUnavailable, ValidationFailed } from "../domain/errors.ts";
import { InstId } from "../domain/inst-id.ts";
import { OrderState } from "../domain/orders.ts";
import { errors, GUARDED, type Guard, json, reads, routes } from "../http/openapi.ts";
import type { CandleHistory } from "../services/candles.ts";
import { type History, type HistoryPage, type HistoryQuery, HistoryUnavailable } from "../store/clickhouse/index.ts";
import {
  AuditRowSchema,
  CandleRowSchema,
  EquityRowSchema,
  FillRowSchema,
  OrderRowSchema,
  pageOf,
  TradeRowSchema,
} from "./schemas.ts";

/** Bar name -> seconds (OKX's names). */
export const BARS: Record<string, number> = {
  "1m": 60,
  "3m": 180,
  "5m": 300,
  "15m": 900,
  "30m": 1800,
  "1H": 3600,
  "2H": 7200,
  "4H": 14400,
  "6H": 21600,
  "12H": 43200,
  "1D": 86400,
};

const time = z.coerce.number().int().min(0).max(8.64e15);
const page = {
  from: time.optional().describe("from this time (ms since 1970, inclusive)"),
  to: time.optional().describe("up to this time (ms since 1970, exclusive)"),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe("rows per page (1-1000, default 100)"),
  cursor: z.string().max(400).optional().describe("the `next` of the previous page"),
};
const span = (q: { from?: number; to?: number }) => q.from === undefined || q.to === undefined || q.from < q.to;
const spanIssue = { message: "from must be before to", path: ["from"] };

const OrdersQuery = z
  .object({
    ...page,
    instId: InstId.optional(),
    state: OrderState.optional(),
    ordId: z
      .string()
      .regex(/^[A-Za-z0-9]{1,64}$/)
      .optional(),
  })
  .strict()
  .refine(span, spanIssue);
const FillsQuery = z
  .object({
    ...page,
    instId: InstId.optional(),
    ordId: z
      .string()
      .regex(/^[A-Za-z0-9]{1,64}$/)
      .optional(),
  })
  .strict()
  .refine(span, spanIssue);
const TradesQuery = z
  .object({ ...page, instId: InstId })
  .strict()
  .refine(span, spanIssue);
const bar = z.enum(Object.keys(BARS) as [string, ...string[]]).default("1m");
const CandlesQuery = z
  .object({ ...page, instId: InstId, bar })
  .strict()
  .refine(span, spanIssue);
const EquityQuery = z
  .object({
    ...page,
    bar: bar.describe("bucket size (1m..1D, default 1m): a point per bucket, its first and last push"),
  })
  .strict()
  .refine(span, spanIssue);
const AuditQuery = z
  .object({
    ...page,
    user: z.string().min(1).max(128).optional(),
    action: z
      .string()
      .regex(/^[a-z_.]{1,64}$/)
      .optional(),
  })
  .strict()
  .refine(span, spanIssue);

type Kind = HistoryQuery["kind"];

/** The cursor is opaque to clients: base64url of the kind and the (ts, id) to continue before. */
export function encodeCursor(kind: Kind, key: { ts: number; id: string }): string {
  return Buffer.from(JSON.stringify([kind, key.ts, key.id])).toString("base64url");
}

const CursorShape = z.tuple([z.string(), z.number().int().min(0), z.string().max(200)]);

export function decodeCursor(kind: Kind, cursor: string): { ts: number; id: string } {
  const bad = () =>
    new ValidationFailed("query.cursor: not a cursor from this endpoint", {
      details: [{ field: "query.cursor", message: "not a cursor from this endpoint" }],
    });
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

const historyErrors = [
  400,
  ...GUARDED,
  [503, "history is unavailable (`history_unavailable`): ClickHouse is off, missing or unreachable"],
] as const;

export function historyRoutes(d: { history: History; candles: Pick<CandleHistory, "query">; guard: Guard }) {
  /** A page of rows of the kind asked for; the rows are the shape the history store answers with. */
  const run = async <Row>(q: HistoryQuery & { cursor?: string }): Promise<{ data: Row[]; next: string | null }> => {
    const { cursor, ...rest } = q;
    const query: HistoryQuery = { ...rest, ...(cursor ? { before: decodeCursor(q.kind, cursor) } : {}) };
    let p: HistoryPage;
    try {
      p = await (query.kind === "candles" ? d.candles : d.history).query(query);
    } catch (err) {
      if (err instanceof HistoryUnavailable)
        throw new StoreUnavailable(`history is unavailable: ${err.message}`, {
          code: "history_unavailable",
          cause: err,
        });
      throw err;
    }
    return { data: p.data as unknown as Row[], next: p.next ? encodeCursor(q.kind, p.next) : null };
  };
  const get = <R extends z.ZodType>(summary: string, resource: Resource, row: R, what: string, tags = ["history"]) => ({
    method: "get" as const,
    summary,
    tags,
    ...reads(d.guard, resource),
    responses: { 200: json(pageOf(row), `{ data: [${what}], next } newest first`), ...errors(...historyErrors) },
  });
  const orders = createRoute({
    path: "/orders/history",
    request: { query: OrdersQuery },
    ...get("Order history: one row per order state change", "orders", OrderRowSchema, "order state change"),
  });
  const fills = createRoute({
    path: "/fills",
    request: { query: FillsQuery },
    ...get("Fills", "fills", FillRowSchema, "fill"),
  });
  const trades = createRoute({
    path: "/market/trades",
    request: { query: TradesQuery },
    ...get("Public trades of an instrument", "market", TradeRowSchema, "trade", ["history", "market"]),
  });
  const candles = createRoute({
    path: "/market/candles",
    request: { query: CandlesQuery },
    ...get(
      "OHLCV candles aggregated from recorded trades (bar: 1m..1D); where the recording has none, the exchange's bars",
      "market",
      CandleRowSchema,
      "candle",
      ["history", "market"],
    ),
  });
  const equity = createRoute({
    path: "/account/equity",
    request: { query: EquityQuery },
    ...get(
      "The account's total equity over time, recorded at each account push (on events and every few seconds)",
      "account",
      EquityRowSchema,
      "equity point",
      ["history", "account"],
    ),
  });
  const audit = createRoute({
    path: "/audit",
    request: { query: AuditQuery },
    ...get(
      "Audit log: every order request and command (who, what, result, latency)",
      "audit",
      AuditRowSchema,
      "audit entry",
    ),
  });

  type Row<S extends z.ZodType> = z.infer<S>;
  return routes()
    .openapi(orders, async (c) =>
      c.json(await run<Row<typeof OrderRowSchema>>({ kind: "orders", ...c.req.valid("query") }), 200),
    )
    .openapi(fills, async (c) =>
      c.json(await run<Row<typeof FillRowSchema>>({ kind: "fills", ...c.req.valid("query") }), 200),
    )
    .openapi(trades, async (c) =>
      c.json(await run<Row<typeof TradeRowSchema>>({ kind: "trades", ...c.req.valid("query") }), 200),
    )
    .openapi(candles, async (c) => {
      const { bar, ...q } = c.req.valid("query");
      return c.json(await run<Row<typeof CandleRowSchema>>({ kind: "candles", ...q, barSeconds: BARS[bar]! }), 200);
    })
    .openapi(equity, async (c) => {
      const { bar, ...q } = c.req.valid("query");
      return c.json(await run<Row<typeof EquityRowSchema>>({ kind: "equity", ...q, barSeconds: BARS[bar]! }), 200);
    })
    .openapi(audit, async (c) =>
      c.json(await run<Row<typeof AuditRowSchema>>({ kind: "audit", ...c.req.valid("query") }), 200),
    );
}
