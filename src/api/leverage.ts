// Leverage routes: a swap's leverage (cross margin), read from and set at the exchange.
// Thin: validate, authorize, call.
import { createRoute, z } from "@hono/zod-openapi";
import { TRADERS } from "../auth/types.ts";
import { InstId } from "../domain/inst-id.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, reads, routes } from "../http/openapi.ts";
import type { LeverageService } from "../services/leverage.ts";

const Lever = z
  .number()
  .min(1)
  .max(1000)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, "at most 2 decimals")
  .openapi({ example: 20 });
const LeverageSchema = z
  .object({
    instId: z.string(),
    lever: z.number().openapi({ description: "the leverage set (cross margin)" }),
    maxLever: z.number().nullable().openapi({ description: "the most the exchange allows on this instrument" }),
  })
  .openapi("Leverage");
const exchangeErrors = [
  429,
  502,
  [
    503,
    "the exchange is unreachable, did not answer, or its rules for the instrument are not loaded yet (`exchange_unavailable`); asking again is safe",
  ],
] as const;
const tags = ["account"];

export function leverageRoutes(d: { leverage: LeverageService; guard: Guard }) {
  const get = createRoute({
    method: "get",
    path: "/{instId}",
    summary: "A swap's leverage (cross margin), as the exchange has it",
    tags,
    ...reads(d.guard, "positions"),
    request: { params: z.object({ instId: InstId }) },
    responses: {
      200: json(LeverageSchema, "its leverage"),
      ...errors(
        [400, "not a swap this service trades (`validation_failed` on `instId`)"],
        ...GUARDED,
        ...exchangeErrors,
      ),
    },
  });
  const set = createRoute({
    method: "post",
    path: "/",
    summary: "Set a swap's leverage (cross margin; audited)",
    tags,
    ...access(d.guard, TRADERS),
    request: { body: jsonBody(z.object({ instId: InstId, lever: Lever }).strict()) },
    responses: {
      200: json(LeverageSchema, "the leverage now set"),
      ...errors(
        ...BODY,
        ...GUARDED,
        [
          422,
          "the exchange refused it (`exchange_rejected` on `lever`: over its most, or too low for the margin the position holds)",
        ],
        ...exchangeErrors,
      ),
    },
  });
  return routes()
    .openapi(get, async (c) => c.json(await d.leverage.get(c.req.valid("param").instId), 200))
    .openapi(set, async (c) => {
      const { instId, lever } = c.req.valid("json");
      return c.json(await d.leverage.set(c.var.principal.user, instId, lever), 200);
    });
}
