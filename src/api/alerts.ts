// Price alert routes: list, read, set, move, remove. Thin: validate, authorize (the service decides
// whose alert is whose), call.
import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../auth/types.ts";
import { MAX_ALERT_NOTE } from "../domain/alerts.ts";
import { InstId } from "../domain/inst-id.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, reads, routes } from "../http/openapi.ts";
import type { AlertService } from "../services/alerts.ts";

const tags = ["alerts"];
const IdParam = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9]{1,32}$/, "an alert id")
    .openapi({ param: { name: "id", in: "path" }, example: "q7x2m0c9ab" }),
});
const ListQuery = z
  .object({
    owner: z.string().max(128).optional().openapi({ description: "one user's alerts (default: everyone's)" }),
    state: z.enum(["waiting", "fired"]).optional(),
  })
  .strict();
const CreateBody = z
  .object({
    instId: InstId,
    price: z.number().positive().finite().openapi({
      description: "fires when the last price reaches it: rising to it if it is above the last price now, else falling",
      example: 45000,
    }),
    note: z.string().max(MAX_ALERT_NOTE).optional().openapi({ description: "your own words for it" }),
  })
  .strict()
  .openapi("AlertCreate");
const UpdateBody = z
  .object({
    price: CreateBody.shape.price.optional(),
    note: CreateBody.shape.note,
  })
  .strict()
  .openapi("AlertUpdate");
const Alert = z
  .object({
    id: z.string(),
    owner: z.string(),
    instId: z.string(),
    price: z.number(),
    up: z.boolean().openapi({ description: "true: fires when the last price rises to `price`; false: falls to it" }),
    note: z.string(),
    createdAt: z.number(),
    firedAt: z.number().nullable().openapi({ description: "when the last price reached it (null: waiting)" }),
    firedPx: z.number().nullable().openapi({ description: "the last price that reached it" }),
  })
  .openapi("PriceAlert");

export function alertRoutes(d: { alerts: AlertService; guard: Guard }) {
  const list = createRoute({
    method: "get",
    path: "/",
    summary: "Price alerts, waiting and fired (filters: owner, state), oldest first",
    tags,
    ...reads(d.guard, "alerts"),
    request: { query: ListQuery },
    responses: {
      200: json(z.object({ data: z.array(Alert) }), "the alerts"),
      ...errors(400, ...GUARDED),
    },
  });
  const get = createRoute({
    method: "get",
    path: "/{id}",
    summary: "One price alert",
    tags,
    ...reads(d.guard, "alerts"),
    request: { params: IdParam },
    responses: {
      200: json(Alert, "the alert"),
      ...errors(400, ...GUARDED, [404, "no such alert"]),
    },
  });
  const create = createRoute({
    method: "post",
    path: "/",
    summary: "Set a price alert: it fires once, when the last price reaches `price` (published on `alerts:<id>`)",
    tags,
    ...access(d.guard, ROLES),
    request: { body: jsonBody(CreateBody) },
    responses: {
      201: json(Alert, "set, waiting"),
      ...errors(
        ...BODY,
        ...GUARDED,
        [
          400,
          "invalid input (`validation_failed`): an instrument this service does not stream (`instId`), no last price yet, or the last price at `price` now (`price`)",
        ],
        [
          409,
          "an alert of yours waits at that price on that instrument (`alert_exists`), or 50 of yours wait already (`too_many_alerts`)",
        ],
      ),
    },
  });
  const update = createRoute({
    method: "patch",
    path: "/{id}",
    summary: "Move a waiting price alert (a new price: where it fires from is worked out again) or change its note",
    tags,
    ...access(d.guard, ROLES),
    request: { params: IdParam, body: jsonBody(UpdateBody) },
    responses: {
      200: json(Alert, "the alert now"),
      ...errors(
        ...BODY,
        ...GUARDED,
        [400, "invalid input (`validation_failed`): no last price yet, or the last price at `price` now (`price`)"],
        [403, "someone else's alert"],
        [404, "no such alert"],
        [409, "it has fired (`alert_fired`), or one of yours waits at that price (`alert_exists`)"],
      ),
    },
  });
  const remove = createRoute({
    method: "delete",
    path: "/{id}",
    summary: "Remove a price alert, waiting or fired (yours; an admin's any)",
    tags,
    ...access(d.guard, ROLES),
    request: { params: IdParam },
    responses: {
      204: { description: "removed" },
      ...errors(400, ...GUARDED, [403, "someone else's alert"], [404, "no such alert"]),
    },
  });
  return routes()
    .openapi(list, (c) => c.json({ data: d.alerts.list(c.req.valid("query")) }, 200))
    .openapi(get, (c) => c.json(d.alerts.get(c.req.valid("param").id), 200))
    .openapi(create, async (c) => {
      const p = c.var.principal;
      return c.json(await d.alerts.create({ user: p.user, role: p.role }, c.req.valid("json")), 201);
    })
    .openapi(update, async (c) => {
      const p = c.var.principal;
      return c.json(
        await d.alerts.update({ user: p.user, role: p.role }, c.req.valid("param").id, c.req.valid("json")),
        200,
      );
    })
    .openapi(remove, async (c) => {
      const p = c.var.principal;
      await d.alerts.remove({ user: p.user, role: p.role }, c.req.valid("param").id);
      return c.body(null, 204);
    });
}
