// Order routes: place (idempotent), list open, get, amend, cancel. Thin: validate, authorize, call.
import { createRoute, z } from "@hono/zod-openapi";
import { TRADERS } from "../auth/types.ts";
import { NotFound } from "../domain/errors.ts";
import type { Order } from "../domain/events.ts";
import { InstId } from "../domain/inst-id.ts";
import { OrderChange, OrderRequest } from "../domain/orders.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, reads, routes } from "../http/openapi.ts";
import type { OrderService } from "../services/orders.ts";
import { asState, asStateOne, OrderSchema } from "./schemas.ts";

const AmendBody = OrderChange.extend({ instId: InstId.optional() });
const IdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,32}$/, "an ordId or clOrdId") });
const InstQuery = z.object({ instId: InstId.optional() });
const IdemKey = z.string().regex(/^[\x21-\x7e]{1,128}$/, "1-128 visible ASCII characters");
// Header names arrive in lower case.
const PlaceHeaders = z.object({
  "idempotency-key": IdemKey.optional().openapi({
    description: "retries with the same key place the order once (it becomes the clOrdId)",
  }),
});

const Ack = z
  .object({
    ordId: z.string(),
    clOrdId: z.string(),
    code: z.string().openapi({ description: 'the exchange\'s per-order code; "0" accepted' }),
    message: z.string().openapi({ description: "the exchange's per-order message" }),
  })
  .openapi("OrderAck", { description: "OKX's answer for one order" });
const Placed = Ack.extend({
  instId: z.string(),
  side: z.enum(["buy", "sell"]),
  ordType: z.string(),
  sz: z.string(),
  px: z.string().nullable(),
}).openapi("Placed");
const Replayed = z
  .looseObject({ ordId: z.string(), clOrdId: z.string(), replayed: z.literal(true) })
  .openapi("Replayed", {
    description:
      "the first answer to this clOrdId / Idempotency-Key (or the order as OKX has it, when OKX already knew the clOrdId)",
  });
const tags = ["orders"];
const exchangeErrors = [
  429,
  502,
  [
    503,
    "the exchange is unreachable or did not answer (`exchange_unavailable`); retrying with the same Idempotency-Key is safe",
  ],
] as const;
/** Place, amend and cancel are audited before they are answered: done but not audited is a 503 too. */
const auditedErrors = [
  429,
  502,
  [
    503,
    "the exchange is unreachable or did not answer (`exchange_unavailable`; retrying with the same Idempotency-Key is safe), or it was done but its audit entry could not be kept (`audit_unavailable`; the message says what was done)",
  ],
] as const;

export function orderRoutes(d: { orders: OrderService; guard: Guard }) {
  const { orders } = d;
  const traders = access(d.guard, TRADERS);

  /** The instrument of an order we know is open, or the one the caller named. */
  const instOf = async (id: string, given?: string): Promise<string> => {
    const o = await orders.find(id, given);
    if (!o) throw new NotFound(given ? `no order ${id} on ${given}` : `no open order ${id} (pass instId for others)`);
    return String(o.instId);
  };
  const ref = (id: string, inst: string) =>
    /^\d+$/.test(id) ? { instId: inst, ordId: id } : { instId: inst, clOrdId: id };

  const place = createRoute({
    method: "post",
    path: "/",
    summary: "Place an order (Idempotency-Key header maps to clOrdId)",
    tags,
    ...traders,
    request: { headers: PlaceHeaders, body: jsonBody(OrderRequest) },
    responses: {
      201: json(Placed, "accepted by OKX"),
      200: json(Replayed, "a retry of an earlier request: its answer"),
      ...errors(
        ...BODY,
        ...GUARDED,
        [
          409,
          "the clOrdId belongs to another user's order, or is taken by an order that cannot be read back (`conflict`)",
        ],
        [
          422,
          "refused (`risk_rejected`, `exchange_rejected`, `insufficient_balance`), or the Idempotency-Key or clOrdId was used for a different order (`idempotency_conflict`; `details` name each field that differs)",
        ],
        ...auditedErrors,
      ),
    },
  });
  const list = createRoute({
    method: "get",
    path: "/",
    summary: "Open orders (from the stream's state)",
    tags,
    ...reads(d.guard, "orders"),
    request: { query: InstQuery },
    responses: { 200: json(z.object({ data: z.array(OrderSchema) }), "the open orders"), ...errors(400, ...GUARDED) },
  });
  const get = createRoute({
    method: "get",
    path: "/{id}",
    summary: "One order by ordId or clOrdId (instId needed for closed ones)",
    tags,
    ...reads(d.guard, "orders"),
    request: { params: IdParam, query: InstQuery },
    responses: {
      200: json(OrderSchema, "the order"),
      ...errors(400, ...GUARDED, [404, "no such order"], ...exchangeErrors),
    },
  });
  const amend = createRoute({
    method: "patch",
    path: "/{id}",
    summary: "Amend size or price",
    tags,
    ...traders,
    request: { params: IdParam, body: jsonBody(AmendBody) },
    responses: {
      200: json(Ack, "OKX's answer"),
      ...errors(...BODY, ...GUARDED, [404, "no such open order"], 422, ...auditedErrors),
    },
  });
  const cancel = createRoute({
    method: "delete",
    path: "/{id}",
    summary: "Cancel an order",
    tags,
    ...traders,
    request: { params: IdParam, query: InstQuery },
    responses: {
      200: json(Ack, "OKX's answer"),
      ...errors(400, ...GUARDED, [404, "no such open order"], 422, ...auditedErrors),
    },
  });

  return routes()
    .openapi(place, async (c) => {
      const key = c.req.valid("header")["idempotency-key"];
      const r = await orders.place(c.var.principal.user, c.req.valid("json"), key);
      return r.status === 201
        ? c.json(r.body as z.infer<typeof Placed>, 201)
        : c.json(r.body as z.infer<typeof Replayed>, 200);
    })
    .openapi(list, (c) => c.json({ data: asState<Order>(orders.open(c.req.valid("query").instId)) }, 200))
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const o = await orders.find(id, c.req.valid("query").instId);
      if (!o) throw new NotFound(`no order ${id}`);
      return c.json(asStateOne<Order>(o), 200);
    })
    .openapi(amend, async (c) => {
      const { id } = c.req.valid("param");
      const b = c.req.valid("json");
      const inst = await instOf(id, b.instId);
      const ack = await orders.amend(
        { ...ref(id, inst), ...(b.newSz ? { newSz: b.newSz } : {}), ...(b.newPx ? { newPx: b.newPx } : {}) },
        c.var.principal.user,
      );
      return c.json(ack, 200);
    })
    .openapi(cancel, async (c) => {
      const { id } = c.req.valid("param");
      const inst = await instOf(id, c.req.valid("query").instId);
      return c.json(await orders.cancel(ref(id, inst), c.var.principal.user), 200);
    });
}
