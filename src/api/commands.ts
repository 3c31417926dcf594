// Command routes: run a command (kill switch, cancel all, strategy and engine commands), follow
// its life (pending -> accepted -> done | failed | timed_out), list them, the kill switch's state;
// the engines' states.
import { createRoute, z } from "@hono/zod-openapi";
import { ADMINS, type Role, TRADERS } from "../auth/types.ts";
import { Forbidden, NotFound } from "../domain/errors.ts";
import type { EngineInfo } from "../engine/index.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, reads, routes } from "../http/openapi.ts";
import {
  COMMAND_STATUSES,
  CommandInputSchema,
  type CommandService,
  FINISHED,
  type CommandRecord as Record_,
} from "../services/commands.ts";

/** The command types, as the input's union names them. */
const TYPES = CommandInputSchema.options.map((o) => o.shape.type.value);
const ADMIN_ONLY = new Set(["kill_switch", "engine"]);

const CommandError = z.object({ code: z.string(), message: z.string() });
const CommandRecord = z
  .object({
    id: z.uuid(),
    type: z.enum(TYPES),
    by: z.string().openapi({ description: "the user who ran it" }),
    status: z.enum(COMMAND_STATUSES),
    params: z.record(z.string(), z.unknown()).openapi({ description: "the command's fields other than its type" }),
    engineId: z.string().optional().openapi({ description: "the engine it went to" }),
    name: z
      .string()
      .optional()
      .openapi({ description: "the command the engine was sent (`strategy.stop`, a pass-through name)" }),
    result: z.record(z.string(), z.unknown()),
    error: CommandError.optional(),
    late: z
      .object({
        status: z.enum(["done", "failed"]),
        result: z.record(z.string(), z.unknown()),
        error: CommandError.optional(),
        at: z.number(),
      })
      .optional()
      .openapi({ description: "a result that came after the command timed out (the status stays timed_out)" }),
    parent: z.string().optional().openapi({ description: "the command that caused this one" }),
    createdAt: z.number().openapi({ description: "ms since 1970" }),
    updatedAt: z.number(),
    acceptedAt: z.number().optional(),
    finishedAt: z.number().optional(),
    timeoutMs: z.number().optional(),
    ms: z.number().openapi({ description: "creation to finish (or to the latest change while unfinished)" }),
  })
  .openapi("CommandRecord");
const KillSwitch = z
  .object({
    on: z.boolean().openapi({ description: "on: every new order is refused" }),
    since: z
      .number()
      .nullable()
      .openapi({ description: "when it was last switched (ms since 1970); null: never since start" }),
    by: z.string().nullable().openapi({ description: "who switched it; null: never since start, or not by a command" }),
  })
  .openapi("KillSwitch");
const IdParam = z.object({ id: z.uuid() });
const RunQuery = z.object({
  wait: z.coerce.number().int().min(0).max(30_000).optional().openapi({
    description: "ms to wait for an engine command to finish before answering (202 with the record as it is then)",
  }),
});
const ListQuery = z
  .object({
    status: z.enum(COMMAND_STATUSES).optional(),
    type: z.enum(TYPES).optional(),
    engineId: z.string().max(64).optional(),
    by: z.string().max(64).optional(),
    since: z.coerce.number().int().min(0).optional().openapi({ description: "created at or after (ms since 1970)" }),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
const EngineSchema = z
  .object({
    engineId: z.string(),
    state: z.enum(["up", "silent", "stopped"]),
    since: z.number(),
    lastSeen: z.number(),
    heartbeatMs: z.number(),
    instances: z.array(z.string()),
    commands: z.array(z.string()),
    info: z.record(z.string(), z.unknown()),
    strategies: z.number(),
  })
  .openapi("Engine");
const tags = ["commands"];

export interface CommandRouteDeps {
  commands: CommandService;
  /** Who may change which strategy (strategy_* commands): throws NotFound or Forbidden. */
  authorizeStrategy?: (actor: { user: string; role: Role }, strategyId: string) => void;
  guard: Guard;
  /** The engines the bridge knows (absent without Redis or with ENGINE_BRIDGE=false). */
  engines?: () => EngineInfo[];
}

export function commandRoutes(d: CommandRouteDeps) {
  const run = createRoute({
    method: "post",
    path: "/",
    summary: "Run a command: kill_switch and engine (admin); cancel_all, close_all and strategy_* (trader, admin)",
    tags,
    ...access(d.guard, TRADERS, { description: "The kill switch and engine commands are for admins only." }),
    request: { query: RunQuery, body: jsonBody(CommandInputSchema) },
    responses: {
      201: json(CommandRecord, "finished here (done or failed)"),
      202: json(CommandRecord, "sent to an engine: follow it at GET /api/commands/{id} or on the `commands` channel"),
      ...errors(
        ...BODY,
        ...GUARDED,
        [404, "no such strategy"],
        [409, "the strategy's state does not allow it"],
        [
          503,
          "the engine is not heartbeating, or Redis is unreachable (`engine_unavailable`, `redis_unavailable`); or the command ran but its audit entry could not be kept (`audit_unavailable`; the message says what was done)",
        ],
      ),
    },
  });
  const list = createRoute({
    method: "get",
    path: "/",
    summary: "Commands, newest first",
    tags,
    ...reads(d.guard, "commands"),
    request: { query: ListQuery },
    responses: { 200: json(z.object({ data: z.array(CommandRecord) }), "the records"), ...errors(400, ...GUARDED) },
  });
  const killSwitch = createRoute({
    method: "get",
    path: "/kill-switch",
    summary: "The kill switch now: on or off, since when, by whom (switch it with POST kill_switch)",
    tags,
    ...reads(d.guard, "commands"),
    responses: { 200: json(KillSwitch, "its state"), ...errors(...GUARDED) },
  });
  const get = createRoute({
    method: "get",
    path: "/{id}",
    summary: "A command's record",
    tags,
    ...reads(d.guard, "commands"),
    request: { params: IdParam },
    responses: { 200: json(CommandRecord, "the record"), ...errors(400, ...GUARDED, [404, "unknown id"]) },
  });

  return routes()
    .openapi(run, async (c) => {
      const cmd = c.req.valid("json");
      const p = c.var.principal;
      if (ADMIN_ONLY.has(cmd.type) && !(ADMINS as readonly string[]).includes(p.role))
        throw new Forbidden(`only admins run ${cmd.type}`);
      if ("strategyId" in cmd) d.authorizeStrategy?.({ user: p.user, role: p.role }, cmd.strategyId);
      let rec: Record_ | undefined = await d.commands.run(p.user, cmd);
      const wait = c.req.valid("query").wait;
      if (wait && !FINISHED.has(rec.status)) rec = (await d.commands.settled(rec.id, wait)) ?? rec;
      return FINISHED.has(rec.status) ? c.json(rec, 201) : c.json(rec, 202);
    })
    .openapi(list, (c) => c.json({ data: d.commands.list(c.req.valid("query")) }, 200))
    .openapi(killSwitch, (c) => c.json(d.commands.killSwitchState(), 200)) // before /{id}
    .openapi(get, (c) => {
      const rec = d.commands.get(c.req.valid("param").id);
      if (!rec) throw new NotFound("no such command");
      return c.json(rec, 200);
    });
}

export function engineRoutes(d: CommandRouteDeps) {
  const list = createRoute({
    method: "get",
    path: "/",
    summary: "External engines: state (up, silent, stopped), last heartbeat, instances, commands they accept",
    tags: ["engines"],
    ...reads(d.guard, "engines"),
    responses: {
      200: json(z.object({ data: z.array(EngineSchema) }), "the engines the bridge has heard from"),
      ...errors(...GUARDED),
    },
  });
  return routes().openapi(list, (c) => c.json({ data: d.engines?.() ?? [] }, 200));
}
