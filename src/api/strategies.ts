// Strategy routes: kinds, list, create, read (with live figures), update, delete, start, stop.
// Thin: validate, authorize (the service decides whose strategy is whose), call, shape the answer.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { BlankEnv } from "hono/types";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Role } from "../auth/types.ts";
import { ApiError, validationError } from "../http/errors.ts";
import type { StrategyService, StrategyView } from "../services/strategies.ts";
import { StrategyConflict, StrategyError, StrategyForbidden, StrategyInvalid, StrategyNotFound, StrategyUnavailable } from "../strategies/errors.ts";
import { LimitsSchema, STATES } from "../strategies/model.ts";
import type { Guard } from "./events.ts";

const ALL: readonly Role[] = ["viewer", "trader", "admin", "engine"];
const MANAGERS: readonly Role[] = ["trader", "admin", "engine"];
const tags = ["strategies"];

/** The status each refusal of the strategy service is answered with (and audited with). */
export function strategyOutcome(err: unknown): { status: ContentfulStatusCode; code: string } {
  if (err instanceof StrategyNotFound) return { status: 404, code: err.code };
  if (err instanceof StrategyForbidden) return { status: 403, code: err.code };
  if (err instanceof StrategyConflict) return { status: 409, code: err.code };
  if (err instanceof StrategyInvalid) return { status: 400, code: err.code };
  if (err instanceof StrategyUnavailable) return { status: 503, code: err.code };
  if (err instanceof ApiError) return { status: err.status, code: err.code };
  return { status: 500, code: "internal" };
}

/** Runs a service call; its refusals become the API's error answers. */
async function call<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (!(err instanceof StrategyError)) throw err;
    const { status, code } = strategyOutcome(err);
    throw new ApiError(status, code, err.message, err.details);
  }
}

const instId = z.string().regex(/^[A-Z0-9]{1,12}(-[A-Z0-9]{1,12}){1,3}$/, "an OKX instrument id, e.g. BTC-USDT");
const IdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a strategy id").openapi({ param: { name: "id", in: "path" }, example: "k3v9x0a1bq" }) });
const Params = z.record(z.string(), z.unknown()).openapi({ description: "the kind's params (GET /api/strategies/kinds has each kind's JSON Schema)", example: { levels: 5, spacingPct: 0.1, size: 0.001 } });
const LimitsIn = LimitsSchema.partial().openapi({ description: "per-strategy risk limits; omitted fields take their defaults" });

const CreateBody = z
  .object({
    name: z.string().min(1).max(64),
    kind: z.string().min(1).max(64).openapi({ example: "grid" }),
    instruments: z.array(instId).min(1).max(20).openapi({ example: ["BTC-USDT"] }),
    params: Params.optional(),
    limits: LimitsIn.optional(),
  })
  .strict()
  .openapi("StrategyCreate");
const UpdateBody = z
  .object({
    name: z.string().min(1).max(64).optional(),
    instruments: z.array(instId).min(1).max(20).optional(),
    params: Params.optional().openapi({ description: "merged into the current params (null removes one), then validated whole; while running only the kind's liveParams may change (409 not_live names the others)" }),
    limits: LimitsIn.optional().openapi({ description: "applied at once, running or not" }),
  })
  .strict()
  .openapi("StrategyUpdate");
const StopBody = z.object({ keepOrders: z.boolean().default(false).openapi({ description: "leave its open orders on the exchange (default: cancel them)" }) }).strict();
const ListQuery = z.object({
  state: z.enum(STATES).optional(),
  kind: z.string().max(64).optional(),
  owner: z.string().max(128).optional(),
});

const LogLineSchema = z.object({ ts: z.number(), level: z.enum(["info", "warn", "error"]), msg: z.string() });
const Strategy = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    owner: z.string(),
    instruments: z.array(z.string()),
    params: z.record(z.string(), z.unknown()),
    limits: z.object({ maxPosition: z.number(), maxOrderNotional: z.number(), maxOrdersPerSecond: z.number() }).nullable(),
    state: z.enum(STATES),
    reason: z.string().nullable().openapi({ description: "why it is in this state (an error's message, who stopped it, `service restarted while it was running`, `kill switch`)" }),
    createdAt: z.number(),
    updatedAt: z.number(),
    liveParams: z.array(z.string()).openapi({ description: "params that apply while it runs; the others only while stopped" }),
    figures: z.record(z.string(), z.unknown()).openapi({
      description: "live: positions (pos, avgPx, realizedPnl, fees, lastPx, unrealizedPnl per instrument), pnl {realized, unrealized, fees, total}, openOrders, counters {ordersPlaced, ordersRejected, ordersCanceled, fills} of this run, lastError, startedAt — the same as on `strategy:<id>`",
    }),
    logs: z.array(LogLineSchema).openapi({ description: "its recent log lines, oldest first" }),
  })
  .openapi("Strategy");
const KindSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    instruments: z.object({ min: z.number(), max: z.number() }),
    liveParams: z.array(z.string()),
    params: z.record(z.string(), z.unknown()).openapi({ description: "JSON Schema of the params, with defaults and descriptions" }),
  })
  .openapi("StrategyKind");

const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.array(z.object({ field: z.string().optional(), message: z.string() })).optional() }) }).openapi("StrategyError");
const err = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });
const json = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { "application/json": { schema } } });
const GUARDED = { 401: err("not signed in"), 403: err("the role may not do this, or the strategy is another trader's (`forbidden`)") };
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];
const access = (guard: Guard, roles: readonly Role[]) => ({ middleware: guard({ roles }), security, description: `Roles: ${roles.join(", ")}.` });

export function strategyRoutes(d: { strategies: StrategyService; guard: Guard }): OpenAPIHono<BlankEnv> {
  const app = new OpenAPIHono<BlankEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error as unknown as import("zod").ZodError, result.target);
    },
  });
  const s = d.strategies;
  const view = (v: StrategyView) => v as unknown as z.infer<typeof Strategy>;

  const kinds = createRoute({ method: "get", path: "/kinds", summary: "Strategy kinds and their params as JSON Schema", tags, ...access(d.guard, ALL), responses: { 200: json(z.object({ data: z.array(KindSchema) }), "every kind this service runs"), ...GUARDED } });
  app.openapi(kinds, (c) => c.json({ data: s.kinds() }, 200));

  const list = createRoute({ method: "get", path: "/", summary: "Strategies (filters: state, kind, owner), with live figures", tags, ...access(d.guard, ALL), request: { query: ListQuery }, responses: { 200: json(z.object({ data: z.array(Strategy) }), "strategies, oldest first, external ones included"), 400: err("bad filter"), ...GUARDED } });
  app.openapi(list, (c) => c.json({ data: s.list(c.req.valid("query")).map(view) }, 200));

  const create = createRoute({
    method: "post",
    path: "/",
    summary: "Create a strategy (stopped); params validated against its kind",
    tags,
    ...access(d.guard, ["trader", "admin"]),
    request: { body: { required: true, content: { "application/json": { schema: CreateBody } } } },
    responses: { 201: json(Strategy, "created, stopped"), 400: err("invalid input: unknown kind (`kind`), params failing the kind's schema (`params.<field>`), bad limits (`limits.<field>`)"), ...GUARDED },
  });
  app.openapi(create, async (c) => {
    const p = c.var.principal;
    const v = await call(() => s.create({ user: p.user, role: p.role }, c.req.valid("json")));
    return c.json(view(v), 201);
  });

  const get = createRoute({ method: "get", path: "/{id}", summary: "One strategy with its live figures and recent log lines", tags, ...access(d.guard, ALL), request: { params: IdParam }, responses: { 200: json(Strategy, "the strategy"), 404: err("no such strategy"), ...GUARDED } });
  app.openapi(get, async (c) => c.json(view(await call(() => s.get(c.req.valid("param").id))), 200));

  const update = createRoute({
    method: "patch",
    path: "/{id}",
    summary: "Change name, params, limits or instruments",
    tags,
    ...access(d.guard, MANAGERS),
    request: { params: IdParam, body: { required: true, content: { "application/json": { schema: UpdateBody } } } },
    responses: { 200: json(Strategy, "changed (live params reach a running strategy at once)"), 400: err("invalid params or limits"), 404: err("no such strategy"), 409: err("running: a param its kind applies only while stopped (`not_live`, details name them)"), ...GUARDED },
  });
  app.openapi(update, async (c) => {
    const p = c.var.principal;
    return c.json(view(await call(() => s.update({ user: p.user, role: p.role }, c.req.valid("param").id, c.req.valid("json")))), 200);
  });

  const remove = createRoute({ method: "delete", path: "/{id}", summary: "Delete a stopped strategy", tags, ...access(d.guard, MANAGERS), request: { params: IdParam }, responses: { 204: { description: "deleted" }, 404: err("no such strategy"), 409: err("not stopped (`running`), or an external strategy"), ...GUARDED } });
  app.openapi(remove, async (c) => {
    const p = c.var.principal;
    await call(() => s.remove({ user: p.user, role: p.role }, c.req.valid("param").id));
    return c.body(null, 204);
  });

  const start = createRoute({
    method: "post",
    path: "/{id}/start",
    summary: "Start a strategy; answers once it runs (or failed to)",
    tags,
    ...access(d.guard, MANAGERS),
    request: { params: IdParam },
    responses: { 200: json(Strategy, "running (or `error` with the reason, when its code failed at start)"), 404: err("no such strategy"), 409: err("already running (`already_running`), the kill switch is on (`kill_switch`), or no instrument rules from the exchange (`instrument_unavailable`)"), 503: err("the external engine is not there"), ...GUARDED },
  });
  app.openapi(start, async (c) => {
    const p = c.var.principal;
    return c.json(view(await call(() => s.start({ user: p.user, role: p.role }, c.req.valid("param").id))), 200);
  });

  const stop = createRoute({
    method: "post",
    path: "/{id}/stop",
    summary: "Stop a strategy; its open orders are cancelled unless keepOrders",
    tags,
    ...access(d.guard, MANAGERS),
    request: { params: IdParam, body: { required: false, content: { "application/json": { schema: StopBody } } } },
    responses: { 200: json(Strategy, "stopped; the reason says how many orders were cancelled"), 404: err("no such strategy"), 409: err("not running (`not_running`)"), 503: err("the external engine is not there"), ...GUARDED },
  });
  app.openapi(stop, async (c) => {
    const p = c.var.principal;
    const body = c.req.valid("json") as { keepOrders?: boolean };
    return c.json(view(await call(() => s.stop({ user: p.user, role: p.role }, c.req.valid("param").id, { keepOrders: body.keepOrders ?? false }))), 200);
  });
  return app;
}
