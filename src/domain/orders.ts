// The order vocabulary inside tradewire, one type each: what a user or strategy asks for
// (OrderRequest), which order it means (OrderRef), a change to it (OrderAmend), the exchange's
// per-order answer (OrderAck) and an order's state. Each schema is the type's definition, so the
// API and strategies validate the same way. The OKX wire shapes stay at the OKX edge (exchange/okx).
import { z } from "zod";
import { InstId } from "./inst-id.ts";

/** Every state an order can be in; "rejected" is OKX's `order_failed` (refused after it was accepted). */
export const ORDER_STATES = ["live", "partially_filled", "filled", "canceled", "mmp_canceled", "rejected"] as const;
export type OrderState = (typeof ORDER_STATES)[number];
export const OrderState = z.enum(ORDER_STATES);
/** States an order ends in: nothing more of it fills. */
export const ENDED_STATES: ReadonlySet<string> = new Set<OrderState>([
  "filled",
  "canceled",
  "mmp_canceled",
  "rejected",
]);

/** A positive decimal, kept as the exact string (numbers are accepted and turned into strings). */
const positiveDecimal = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => /^(0|[1-9]\d{0,15})(\.\d{1,12})?$/.test(v) && Number(v) > 0, 'a positive decimal, e.g. "0.01"');

/** The client's own order id (OKX's rule: 1-32 letters and digits). */
export const ClOrdId = z.string().regex(/^[A-Za-z0-9]{1,32}$/, "1-32 letters and digits");
/** The exchange's order id: digits only, which is how an ordId is told from a clOrdId. */
export const OrdId = z.string().regex(/^\d{1,32}$/, "an OKX order id (digits)");

/**
 * An order someone asks for. `px` is required for every type but market; `clOrdId` is optional
 * (the order service assigns one). tdMode defaults to cash.
 * @example OrderRequest.parse({ instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "40000" })
 */
export const OrderRequest = z
  .object({
    instId: InstId,
    side: z.enum(["buy", "sell"]),
    ordType: z.enum(["market", "limit", "post_only", "ioc", "fok"]),
    sz: positiveDecimal,
    px: positiveDecimal.optional(),
    tdMode: z.enum(["cash", "cross", "isolated"]).default("cash"),
    posSide: z.enum(["long", "short", "net"]).optional(),
    reduceOnly: z.boolean().optional(),
    clOrdId: ClOrdId.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.ordType !== "market" && o.px === undefined)
      ctx.addIssue({ code: "custom", path: ["px"], message: `required for ${o.ordType} orders` });
    if (o.ordType === "market" && o.px !== undefined)
      ctx.addIssue({ code: "custom", path: ["px"], message: "not allowed for market orders" });
  });
export type OrderRequest = z.output<typeof OrderRequest>;

const namesOrder = (r: { ordId?: string | undefined; clOrdId?: string | undefined }) =>
  r.ordId !== undefined || r.clOrdId !== undefined;
const refIssue = { message: "ordId or clOrdId is required", path: ["ordId"] };

/** One order: its instrument and its ordId or clOrdId (or both). */
export const OrderRef = z
  .object({ instId: InstId, ordId: OrdId.optional(), clOrdId: ClOrdId.optional() })
  .strict()
  .refine(namesOrder, refIssue);
export type OrderRef = z.output<typeof OrderRef>;

/**
 * What an amend changes: a new size, a new price, or both. The API takes this as the body (the
 * order comes from the path); OrderAmend adds the order it applies to.
 */
export const OrderChange = z
  .object({ newSz: positiveDecimal.optional(), newPx: positiveDecimal.optional() })
  .strict()
  .refine((a) => a.newSz !== undefined || a.newPx !== undefined, {
    message: "newSz or newPx is required",
    path: ["newSz"],
  });
export type OrderChange = z.output<typeof OrderChange>;

/** A change to one order. */
export const OrderAmend = OrderChange.extend({
  instId: InstId,
  ordId: OrdId.optional(),
  clOrdId: ClOrdId.optional(),
}).refine(namesOrder, refIssue);
export type OrderAmend = z.output<typeof OrderAmend>;

/**
 * The exchange's answer about one order to a place, cancel or amend: `code` "0" means accepted,
 * anything else is the exchange's reason (OKX's sCode/sMsg).
 */
export const OrderAck = z.object({
  ordId: z.string(),
  clOrdId: z.string(),
  code: z.string(),
  message: z.string(),
});
export type OrderAck = z.output<typeof OrderAck>;
