// Backtest routes: a strategy kind's logic over an instrument's past bars, against a paper
// exchange. Thin: validate, authorize, call.
import { createRoute, z } from "@hono/zod-openapi";
import { TRADERS } from "../auth/types.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, routes } from "../http/openapi.ts";
import { BARS, type BacktestService, MAX_BARS } from "../services/backtest.ts";
import { LimitsSchema } from "../strategies/model.ts";

const Input = z
  .object({
    kind: z.string().min(1).max(64).openapi({ example: "grid" }),
    instruments: z
      .array(z.string())
      .min(1)
      .max(8)
      .openapi({ example: ["BTC-USDT"] }),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "the kind's params, as for a strategy" }),
    limits: LimitsSchema.partial().optional(),
    bar: z.enum(Object.keys(BARS) as [keyof typeof BARS]).default("1m"),
    from: z.number().int().positive().optional().openapi({ description: "ms since 1970; default: a day before `to`" }),
    to: z.number().int().positive().optional().openapi({ description: "ms since 1970; default: now" }),
    makerFeePct: z.number().min(0).max(1).default(0.08),
    takerFeePct: z.number().min(0).max(1).default(0.1),
    startPosition: z.number().min(-1e9).max(1e9).optional().openapi({
      description:
        "held at the start (signed: a short < 0; contracts for swaps), at the first bar's open: a stop's position; default flat",
    }),
  })
  .strict();

const Result = z
  .object({
    instId: z.string(),
    bar: z.string(),
    from: z.number(),
    to: z.number(),
    bars: z.number(),
    curve: z.array(z.object({ ts: z.number(), total: z.number(), px: z.number() })),
    pnl: z.object({ realized: z.number(), unrealized: z.number(), fees: z.number(), total: z.number() }),
    maxDrawdown: z.number(),
    position: z.object({ pos: z.number(), avgPx: z.number(), lastPx: z.number() }),
    orders: z.object({ placed: z.number(), refused: z.number(), filled: z.number(), canceled: z.number() }),
    volume: z.number(),
    fills: z.array(
      z.object({
        ts: z.number(),
        side: z.enum(["buy", "sell"]),
        px: z.number(),
        sz: z.number(),
        fee: z.number(),
        maker: z.boolean(),
      }),
    ),
    fillCount: z.number(),
    logs: z.array(z.object({ ts: z.number(), level: z.string(), msg: z.string() })),
    ended: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    elapsedMs: z.number(),
  })
  .openapi("BacktestResult");

export function backtestRoutes(d: { backtests: BacktestService; guard: Guard }) {
  const run = createRoute({
    method: "post",
    path: "/",
    summary: "Backtest a strategy kind over an instrument's past bars",
    ...access(d.guard, TRADERS, {
      description: `The kind's own logic over the bars of \`from\`-\`to\` (at most ${MAX_BARS}), each walked open, low, high, close (open, high, low, close when it closed down), against a paper exchange: an order that crosses fills at once at the touch (taker), a resting limit at its price once the path reaches it (maker), whole, with the fees given; the strategy's limits apply. One at a time, at most 30 s. Nothing reaches the exchange or is kept.`,
    }),
    tags: ["strategies"],
    request: { body: jsonBody(Input) },
    responses: {
      200: json(Result, "what the strategy did, its PnL and its log"),
      ...errors(
        ...BODY,
        ...GUARDED,
        [
          400,
          "unknown kind, instruments, params, limits or period (`validation_failed`, naming the field); longer than 30 s to run (`backtest_too_long`)",
        ],
        [503, "another backtest is running (`busy`), or the instrument's rules are not loaded yet"],
      ),
    },
  });
  return routes().openapi(run, async (c) => c.json(await d.backtests.run(c.req.valid("json")), 200));
}
