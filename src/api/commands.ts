// Command routes: POST a command (kill switch: admin; cancel all: traders), GET its record.
import { createRoute, z } from "@hono/zod-openapi";
import { TRADERS } from "../auth/types.ts";
import { Forbidden, NotFound } from "../domain/errors.ts";
import { InstId } from "../domain/inst-id.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, routes } from "../http/openapi.ts";
import type { CommandService } from "../services/commands.ts";

const CommandBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("kill_switch"), on: z.boolean() }).strict(),
  z.object({ type: z.literal("cancel_all"), instId: InstId.optional() }).strict(),
]);
const IdParam = z.object({ id: z.uuid() });
const CommandRecord = z
  .object({
    id: z.uuid(),
    type: z.enum(["kill_switch", "cancel_all"]),
    by: z.string().openapi({ description: "the user who ran it" }),
    status: z.enum(["done", "failed"]),
    result: z
      .record(z.string(), z.unknown())
      .openapi({ description: "kill_switch: {killSwitch}; cancel_all: {requested, canceled, failed}" }),
    createdAt: z.number().openapi({ description: "ms since 1970" }),
    ms: z.number().openapi({ description: "how long it took" }),
  })
  .openapi("CommandRecord");
const tags = ["commands"];

export function commandRoutes(d: { commands: CommandService; guard: Guard }) {
  const run = createRoute({
    method: "post",
    path: "/",
    summary: "Run a command: kill_switch {on} (admin), cancel_all {instId?} (trader, admin)",
    tags,
    ...access(d.guard, TRADERS, { description: "The kill switch is for admins only." }),
    request: { body: jsonBody(CommandBody) },
    responses: { 201: json(CommandRecord, "the command record"), ...errors(...BODY, ...GUARDED) },
  });
  const get = createRoute({
    method: "get",
    path: "/{id}",
    summary: "A command's record",
    tags,
    ...access(d.guard, TRADERS),
    request: { params: IdParam },
    responses: { 200: json(CommandRecord, "the record"), ...errors(400, ...GUARDED, [404, "unknown id"]) },
  });
  return routes()
    .openapi(run, async (c) => {
      const cmd = c.req.valid("json");
      const p = c.var.principal;
      if (cmd.type === "kill_switch" && p.role !== "admin") throw new Forbidden("only admins switch the kill switch");
      return c.json(await d.commands.run(p.user, cmd), 201);
    })
    .openapi(get, (c) => {
      const rec = d.commands.get(c.req.valid("param").id);
      if (!rec) throw new NotFound("no such command");
      return c.json(rec, 200);
    });
}
