// Command routes: POST a command (kill switch: admin; cancel all: traders), GET its record.
import { Hono } from "hono";
import { z } from "zod";
import type { Guard } from "./events.ts";
import { ApiError, forbidden } from "../http/errors.ts";
import { doc } from "../http/openapi.ts";
import { validate } from "../http/validate.ts";
import type { CommandService } from "../services/commands.ts";
import { TRADERS } from "../auth/types.ts";
import { InstId } from "../domain/inst-id.ts";

const CommandBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("kill_switch"), on: z.boolean() }).strict(),
  z.object({ type: z.literal("cancel_all"), instId: InstId.optional() }).strict(),
]);
const IdParam = z.object({ id: z.uuid() });

export function commandRoutes(d: { commands: CommandService; guard: Guard }): Hono {
  const app = new Hono();
  doc({ method: "post", path: "/api/commands", summary: "Run a command: kill_switch {on} (admin), cancel_all {instId?} (trader, admin)", tags: ["commands"], roles: [...TRADERS], body: CommandBody, responses: { 201: { description: "the command record" } } });
  app.post("/", d.guard({ roles: TRADERS }), validate("json", CommandBody), async (c) => {
    const cmd = c.req.valid("json");
    const p = c.var.principal;
    if (cmd.type === "kill_switch" && p.role !== "admin") throw forbidden("only admins switch the kill switch");
    return c.json(await d.commands.run(p.user, cmd), 201);
  });
  doc({ method: "get", path: "/api/commands/:id", summary: "A command's record", tags: ["commands"], roles: [...TRADERS], params: IdParam, responses: { 200: { description: "the record" }, 404: { description: "unknown id" } } });
  app.get("/:id", d.guard({ roles: TRADERS }), validate("param", IdParam), (c) => {
    const rec = d.commands.get(c.req.valid("param").id);
    if (!rec) throw new ApiError(404, "not_found", "no such command");
    return c.json(rec);
  });
  return app;
}
