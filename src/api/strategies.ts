// Strategy routes: kinds, list, create, read (with live figures, and its PnL over the run), update,
// delete, start, stop.
// Thin: validate, authorize (the service decides whose strategy is whose), call, shape the answer.
import { createRoute, z } from "@hono/zod-openapi";
import { TRADERS } from "../auth/types.ts";
import { InstId } from "../domain/inst-id.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, reads, routes } from "../http/openapi.ts";
import type { StrategyService } from "../services/strategies.ts";
import type { StrategyView } from "../services/strategy-types.ts";
import { LimitsSchema, STATES } from "../strategies/model.ts";

/** Roles that may change strategies (the service checks whose each one is). */
const MANAGERS = ["trader", "admin", "engine"] as const;
const tags = ["strategies"];
const IdParam = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "a strategy id")
    .openapi({ param: { name: "id", in: "path" }, example: "k3v9x0a1bq" }),
});
const Params = z.record(z.string(), z.unknown()).openapi({
  description: "the kind's params (GET /api/strategies/kinds has each kind's JSON Schema)",
  example: { levels: 5, spacingPct: 0.1, size: 0.001 },
});
const LimitsIn = LimitsSchema.partial().openapi({
  description: "per-strategy risk limits; omitted fields take their defaults",
});

const CreateBody = z
  .object({
    name: z.string().min(1).max(64),
    kind: z.string().min(1).max(64).openapi({ example: "grid" }),
    instruments: z
      .array(InstId)
      .min(1)
      .max(20)
      .openapi({ example: ["BTC-USDT"] }),
    params: Params.optional(),
    limits: LimitsIn.optional(),
  })
  .strict()
  .openapi("StrategyCreate");
const UpdateBody = z
  .object({
    name: z.string().min(1).max(64).optional(),
    instruments: z.array(InstId).min(1).max(20).optional(),
    params: Params.optional().openapi({
      description:
        "merged into the current params (null removes one), then validated whole; while running only the kind's liveParams may change (409 not_live names the others)",
    }),
    limits: LimitsIn.optional().openapi({
      description: "applied at once, running or not",
    }),
  })
  .strict()
  .openapi("StrategyUpdate");
const StopBody = z
  .object({
    keepOrders: z.boolean().default(false).openapi({
      description: "leave its open orders on the exchange (default: cancel them)",
    }),
  })
  .strict();
const ListQuery = z.object({
  state: z.enum(STATES).optional(),
  kind: z.string().max(64).optional(),
  owner: z.string().max(128).optional(),
});

const LogLineSchema = z.object({
  ts: z.number(),
  level: z.enum(["info", "warn", "error"]),
  msg: z.string(),
});
const Strategy = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    owner: z.string(),
    instruments: z.array(z.string()),
    params: z.record(z.string(), z.unknown()),
    limits: z
      .object({
        maxPosition: z.number(),
        maxOrderNotional: z.number(),
        maxOrdersPerSecond: z.number(),
      })
      .nullable(),
    state: z.enum(STATES),
    reason: z.string().nullable().openapi({
      description:
        "why it is in this state (an error's message, who stopped it, `service restarted while it was running`, `kill switch`)",
    }),
    createdAt: z.number(),
    updatedAt: z.number(),
    liveParams: z.array(z.string()).openapi({
      description: "params that apply while it runs; the others only while stopped",
    }),
    figures: z.record(z.string(), z.unknown()).openapi({
      description:
        "live: positions (pos, avgPx, realizedPnl, fees, lastPx, unrealizedPnl per instrument), pnl {realized, unrealized, fees, total}, openOrders, counters {ordersPlaced, ordersRejected, ordersCanceled, fills} of this run, lastError, startedAt — the same as on `strategy:<id>`",
    }),
    logs: z.array(LogLineSchema).openapi({ description: "its recent log lines, oldest first" }),
    paramsSchema: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        "external strategies: the JSON Schema of `params` their engine sent, if any (built-in kinds: GET /api/strategies/kinds)",
    }),
  })
  .openapi("Strategy");
const PnlCurveSchema = z
  .object({
    everyMs: z.number().openapi({ description: "one point per this many ms: the latest total in it" }),
    data: z
      .array(
        z.object({ ts: z.number().openapi({ description: "the bucket's start, ms since 1970" }), total: z.number() }),
      )
      .openapi({ description: "oldest first; a day at most" }),
  })
  .openapi("StrategyPnl");
const PnlQuery = z
  .object({
    from: z.coerce.number().int().min(0).optional().describe("points from this time on (ms since 1970)"),
  })
  .strict();
const KindSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    instruments: z.object({ min: z.number(), max: z.number() }),
    liveParams: z.array(z.string()),
    params: z.record(z.string(), z.unknown()).openapi({
      description: "JSON Schema of the params, with defaults and descriptions",
    }),
  })
  .openapi("StrategyKind");

export function strategyRoutes(d: { strategies: StrategyService; guard: Guard }) {
  const s = d.strategies;
  const view = (v: StrategyView) => v as unknown as z.infer<typeof Strategy>;

  const kinds = createRoute({
    method: "get",
    path: "/kinds",
    summary: "Strategy kinds and their params as JSON Schema",
    tags,
    ...reads(d.guard, "strategies"),
    responses: {
      200: json(z.object({ data: z.array(KindSchema) }), "every kind this service runs"),
      ...errors(...GUARDED),
    },
  });

  const list = createRoute({
    method: "get",
    path: "/",
    summary: "Strategies (filters: state, kind, owner), with live figures",
    tags,
    ...reads(d.guard, "strategies"),
    request: { query: ListQuery },
    responses: {
      200: json(z.object({ data: z.array(Strategy) }), "strategies, oldest first, external ones included"),
      ...errors(400, ...GUARDED),
    },
  });

  const create = createRoute({
    method: "post",
    path: "/",
    summary: "Create a strategy (stopped); params validated against its kind",
    tags,
    ...access(d.guard, TRADERS),
    request: { body: jsonBody(CreateBody) },
    responses: {
      201: json(Strategy, "created, stopped"),
      ...errors(...BODY, ...GUARDED, [
        400,
        "invalid input: unknown kind (`kind`), params failing the kind's schema (`params.<field>`), bad limits (`limits.<field>`)",
      ]),
    },
  });

  const get = createRoute({
    method: "get",
    path: "/{id}",
    summary: "One strategy with its live figures and recent log lines",
    tags,
    ...reads(d.guard, "strategies"),
    request: { params: IdParam },
    responses: {
      200: json(Strategy, "the strategy"),
      ...errors(400, ...GUARDED, [404, "no such strategy"]),
    },
  });

  const pnl = createRoute({
    method: "get",
    path: "/{id}/pnl",
    summary:
      "Its total PnL over the current (or last) run, for a chart (a new start begins a new curve; an engine's strategy: none here)",
    tags,
    ...reads(d.guard, "strategies"),
    request: { params: IdParam, query: PnlQuery },
    responses: {
      200: json(PnlCurveSchema, "the curve"),
      ...errors(400, ...GUARDED, [404, "no such strategy"]),
    },
  });

  const update = createRoute({
    method: "patch",
    path: "/{id}",
    summary: "Change name, params, limits or instruments",
    tags,
    ...access(d.guard, MANAGERS),
    request: { params: IdParam, body: jsonBody(UpdateBody) },
    responses: {
      200: json(Strategy, "changed (live params reach a running strategy at once)"),
      ...errors(
        ...BODY,
        ...GUARDED,
        [404, "no such strategy"],
        [409, "running: a param its kind applies only while stopped (`not_live`, details name them)"],
      ),
    },
  });

  const remove = createRoute({
    method: "delete",
    path: "/{id}",
    summary: "Delete a stopped strategy",
    tags,
    ...access(d.guard, MANAGERS),
    request: { params: IdParam },
    responses: {
      204: { description: "deleted" },
      ...errors(400, ...GUARDED, [404, "no such strategy"], [409, "not stopped (`running`), or an external strategy"]),
    },
  });

  const start = createRoute({
    method: "post",
    path: "/{id}/start",
    summary: "Start a strategy; answers once it runs (or failed to)",
    tags,
    ...access(d.guard, MANAGERS),
    request: { params: IdParam },
    responses: {
      200: json(Strategy, "running (or `error` with the reason, when its code failed at start)"),
      ...errors(
        400,
        ...GUARDED,
        [404, "no such strategy"],
        [
          409,
          "already running (`already_running`), the kill switch is on (`kill_switch`), or no instrument rules from the exchange (`instrument_unavailable`)",
        ],
        [503, "the external engine is not there, or a store is unreachable (`audit_unavailable`: done, not audited)"],
      ),
    },
  });

  const stop = createRoute({
    method: "post",
    path: "/{id}/stop",
    summary: "Stop a strategy; its open orders are cancelled unless keepOrders",
    tags,
    ...access(d.guard, MANAGERS),
    request: {
      params: IdParam,
      body: {
        required: false,
        content: { "application/json": { schema: StopBody } },
      },
    },
    responses: {
      200: json(Strategy, "stopped; the reason says how many orders were cancelled"),
      ...errors(
        ...BODY,
        ...GUARDED,
        [404, "no such strategy"],
        [409, "not running (`not_running`)"],
        [503, "the external engine is not there, or a store is unreachable (`audit_unavailable`: done, not audited)"],
      ),
    },
  });
  return routes()
    .openapi(kinds, (c) => c.json({ data: s.kinds() }, 200))
    .openapi(list, (c) => c.json({ data: s.list(c.req.valid("query")).map(view) }, 200))
    .openapi(create, async (c) => {
      const p = c.var.principal;
      const v = await s.create({ user: p.user, role: p.role }, c.req.valid("json"));
      return c.json(view(v), 201);
    })
    .openapi(get, async (c) => c.json(view(await s.get(c.req.valid("param").id)), 200))
    .openapi(pnl, (c) => c.json(s.pnl(c.req.valid("param").id, c.req.valid("query").from), 200))
    .openapi(update, async (c) => {
      const p = c.var.principal;
      return c.json(
        view(await s.update({ user: p.user, role: p.role }, c.req.valid("param").id, c.req.valid("json"))),
        200,
      );
    })
    .openapi(remove, async (c) => {
      const p = c.var.principal;
      await s.remove({ user: p.user, role: p.role }, c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(start, async (c) => {
      const p = c.var.principal;
      return c.json(view(await s.start({ user: p.user, role: p.role }, c.req.valid("param").id)), 200);
    })
    .openapi(stop, async (c) => {
      const p = c.var.principal;
      const body = c.req.valid("json") as { keepOrders?: boolean };
      return c.json(
        view(
          await s.stop({ user: p.user, role: p.role }, c.req.valid("param").id, {
            keepOrders: body.keepOrders ?? false,
          }),
        ),
        200,
      );
    });
}
