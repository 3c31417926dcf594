// Order routes: place (idempotent), list open, get, amend, cancel. Thin: validate, authorize, call.
import { Hono } from "hono";
import { z } from "zod";
import type { Guard } from "./events.ts";
import { ApiError } from "../http/errors.ts";
import { doc } from "../http/openapi.ts";
import { validate } from "../http/validate.ts";
import type { OrderService } from "../services/orders.ts";

const TRADERS = ["trader", "admin"] as const;
const ALL = ["viewer", "trader", "admin", "engine"] as const;
const decimal = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => /^(0|[1-9]\d{0,15})(\.\d{1,12})?$/.test(v) && Number(v) > 0, "a positive decimal, e.g. \"0.01\"");
const instId = z.string().regex(/^[A-Z0-9]{1,12}(-[A-Z0-9]{1,12}){1,3}$/, "an OKX instrument id, e.g. BTC-USDT");

export const OrderBody = z
  .object({
    instId,
    side: z.enum(["buy", "sell"]),
    ordType: z.enum(["market", "limit", "post_only", "ioc", "fok"]),
    sz: decimal,
    px: decimal.optional(),
    tdMode: z.enum(["cash", "cross", "isolated"]).default("cash"),
    posSide: z.enum(["long", "short", "net"]).optional(),
    reduceOnly: z.boolean().optional(),
    clOrdId: z.string().regex(/^[A-Za-z0-9]{1,32}$/, "1-32 letters and digits").optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.ordType !== "market" && o.px === undefined) ctx.addIssue({ code: "custom", path: ["px"], message: `required for ${o.ordType} orders` });
    if (o.ordType === "market" && o.px !== undefined) ctx.addIssue({ code: "custom", path: ["px"], message: "not allowed for market orders" });
  });
const AmendBody = z
  .object({ newSz: decimal.optional(), newPx: decimal.optional(), instId: instId.optional() })
  .strict()
  .refine((a) => a.newSz !== undefined || a.newPx !== undefined, { message: "newSz or newPx is required", path: ["newSz"] });
const IdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,32}$/, "an ordId or clOrdId") });
const InstQuery = z.object({ instId: instId.optional() });
const IdemKey = z.string().regex(/^[\x21-\x7e]{1,128}$/, "1-128 visible ASCII characters");

export function orderRoutes(d: { orders: OrderService; guard: Guard }): Hono {
  const app = new Hono();
  const { orders } = d;

  /** The instrument of an order we know is open, or the one the caller named. */
  const instOf = async (id: string, given?: string): Promise<string> => {
    const o = await orders.find(id, given);
    if (!o) throw new ApiError(404, "not_found", given ? `no order ${id} on ${given}` : `no open order ${id} (pass instId for others)`);
    return String(o.instId);
  };
  const ref = (id: string, inst: string) => (/^\d+$/.test(id) ? { instId: inst, ordId: id } : { instId: inst, clOrdId: id });

  doc({ method: "post", path: "/api/orders", summary: "Place an order (Idempotency-Key header maps to clOrdId)", tags: ["orders"], roles: [...TRADERS], body: OrderBody, responses: { 201: { description: "accepted by OKX: ordId, clOrdId (where the time went: tradewire_order_seconds in /metrics)" }, 200: { description: "a retry of an earlier request: its answer" }, 422: { description: "refused by a risk check or by OKX" } } });
  app.post("/", d.guard({ roles: TRADERS }), validate("json", OrderBody), async (c) => {
    const key = c.req.header("idempotency-key");
    if (key !== undefined) {
      const ok = IdemKey.safeParse(key);
      if (!ok.success) throw new ApiError(400, "validation_failed", "Idempotency-Key: 1-128 visible ASCII characters", [{ field: "header.Idempotency-Key", message: ok.error.issues[0]!.message }]);
    }
    const r = await orders.place(c.var.principal.user, c.req.valid("json"), key);
    return c.json(r.body, r.status);
  });

  doc({ method: "get", path: "/api/orders", summary: "Open orders (from the stream's state)", tags: ["orders"], roles: [...ALL], query: InstQuery, responses: { 200: { description: "{ data: [...] }" } } });
  app.get("/", d.guard(), validate("query", InstQuery), (c) => c.json({ data: orders.open(c.req.valid("query").instId) }));

  doc({ method: "get", path: "/api/orders/:id", summary: "One order by ordId or clOrdId (instId needed for closed ones)", tags: ["orders"], roles: [...ALL], params: IdParam, query: InstQuery, responses: { 200: { description: "the order" }, 404: { description: "unknown" } } });
  app.get("/:id", d.guard(), validate("param", IdParam), validate("query", InstQuery), async (c) => {
    const { id } = c.req.valid("param");
    const o = await orders.find(id, c.req.valid("query").instId);
    if (!o) throw new ApiError(404, "not_found", `no order ${id}`);
    return c.json(o);
  });

  doc({ method: "patch", path: "/api/orders/:id", summary: "Amend size or price", tags: ["orders"], roles: [...TRADERS], params: IdParam, body: AmendBody, responses: { 200: { description: "OKX's answer" } } });
  app.patch("/:id", d.guard({ roles: TRADERS }), validate("param", IdParam), validate("json", AmendBody), async (c) => {
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    const inst = await instOf(id, b.instId);
    const ack = await orders.amend({ ...ref(id, inst), ...(b.newSz ? { newSz: b.newSz } : {}), ...(b.newPx ? { newPx: b.newPx } : {}) }, c.var.principal.user);
    return c.json(ack);
  });

  doc({ method: "delete", path: "/api/orders/:id", summary: "Cancel an order", tags: ["orders"], roles: [...TRADERS], params: IdParam, query: InstQuery, responses: { 200: { description: "OKX's answer" } } });
  app.delete("/:id", d.guard({ roles: TRADERS }), validate("param", IdParam), validate("query", InstQuery), async (c) => {
    const { id } = c.req.valid("param");
    const inst = await instOf(id, c.req.valid("query").instId);
    return c.json(await orders.cancel(ref(id, inst), c.var.principal.user));
  });
  return app;
}
