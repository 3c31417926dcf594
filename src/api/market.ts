// Market and account state routes: answered from the latest-state store, no exchange round trip.
import { createRoute, z } from "@hono/zod-openapi";
import { NotFound } from "../domain/errors.ts";
import type { Account, Balance, Book, Funding, Position, Ticker } from "../domain/events.ts";
import { InstId } from "../domain/inst-id.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";
import { errors, GUARDED, type Guard, json, reads, routes } from "../http/openapi.ts";
import type { StateStore } from "../state/store.ts";
import {
  AccountSchema,
  asState,
  asStateOne,
  BalanceSchema,
  BookSchema,
  FundingSchema,
  PositionSchema,
  TickerSchema,
} from "./schemas.ts";

const InstParam = z.object({ instId: InstId });
const step = (what: string) => z.number().min(0).openapi({ description: what });
const InstrumentSchema = z
  .object({
    instId: z.string(),
    instType: z.string().openapi({ example: "SPOT" }),
    tickSz: step("price step: a price is a multiple of it"),
    lotSz: step("size step: a size is a multiple of it"),
    minSz: step("smallest size"),
    ctVal: step("contract value in base currency (1 for spot)"),
    maxLever: z.number().min(1).optional().openapi({ description: "the most leverage the exchange allows (swaps)" }),
  })
  .openapi("Instrument") satisfies z.ZodType<InstrumentSpec>;

/** The instruments this service trades and the order gateway's rules for each (loaded from the exchange). */
export interface TradedInstruments {
  ids: readonly string[];
  rules(instId: string): InstrumentSpec | undefined;
}

export function marketRoutes(d: { state: StateStore; guard: Guard; instruments: TradedInstruments }) {
  const { state } = d;
  const tags = ["market"];
  const instruments = createRoute({
    method: "get",
    path: "/instruments",
    summary: "Trading rules of each instrument: tick size, lot size, minimum size, contract value",
    tags,
    ...reads(d.guard, "market"),
    responses: {
      200: json(
        z.object({
          data: z.array(InstrumentSchema),
          pending: z.array(z.string()).openapi({
            description:
              "configured instruments without rules yet (not listed by the exchange yet, or no exchange connection)",
          }),
        }),
        "the rules, as the order service checks orders against them",
      ),
      ...errors(...GUARDED),
    },
  });
  const tickers = createRoute({
    method: "get",
    path: "/tickers",
    summary: "Latest ticker of every instrument",
    tags,
    ...reads(d.guard, "market"),
    responses: {
      200: json(z.object({ data: z.array(TickerSchema) }), "the latest ticker per instrument"),
      ...errors(...GUARDED),
    },
  });
  const funding = createRoute({
    method: "get",
    path: "/funding",
    summary: "Latest funding rate of every perpetual swap, with when it is paid",
    tags,
    ...reads(d.guard, "market"),
    responses: {
      200: json(
        z.object({ data: z.array(FundingSchema) }),
        "the latest funding per swap (none until the exchange pushed it)",
      ),
      ...errors(...GUARDED),
    },
  });
  const book = createRoute({
    method: "get",
    path: "/books/{instId}",
    summary: "Latest book of an instrument",
    tags,
    ...reads(d.guard, "market"),
    request: { params: InstParam },
    responses: {
      200: json(BookSchema, "the book"),
      ...errors(400, ...GUARDED, [404, "no book for this instrument yet"]),
    },
  });
  return routes()
    .openapi(instruments, (c) => {
      const data: InstrumentSpec[] = [];
      const pending: string[] = [];
      for (const id of d.instruments.ids) {
        const r = d.instruments.rules(id);
        if (r) data.push(r);
        else pending.push(id);
      }
      return c.json({ data, pending }, 200);
    })
    .openapi(tickers, (c) => c.json({ data: asState<Ticker>(state.list("ticker")) }, 200))
    .openapi(funding, (c) => c.json({ data: asState<Funding>(state.list("funding")) }, 200))
    .openapi(book, (c) => {
      const { instId } = c.req.valid("param");
      const b = state.get(`books:${instId}`);
      if (!b) throw new NotFound(`no book for ${instId}`);
      return c.json(asStateOne<Book>(b), 200);
    });
}

export function accountRoutes(d: { state: StateStore; guard: Guard }) {
  const { state } = d;
  const tags = ["account"];
  const summary = createRoute({
    method: "get",
    path: "/",
    summary: "Account summary, balances and positions",
    tags,
    ...reads(d.guard, "account"),
    responses: {
      200: json(
        z.object({
          account: AccountSchema.nullable(),
          balances: z.array(BalanceSchema),
          positions: z.array(PositionSchema),
        }),
        "the account",
      ),
      ...errors(...GUARDED),
    },
  });
  const balances = createRoute({
    method: "get",
    path: "/balances",
    summary: "Balances per currency",
    tags,
    ...reads(d.guard, "balances"),
    responses: { 200: json(z.object({ data: z.array(BalanceSchema) }), "the balances"), ...errors(...GUARDED) },
  });
  const positions = createRoute({
    method: "get",
    path: "/positions",
    summary: "Open positions",
    tags,
    ...reads(d.guard, "positions"),
    responses: { 200: json(z.object({ data: z.array(PositionSchema) }), "the open positions"), ...errors(...GUARDED) },
  });
  return routes()
    .openapi(summary, (c) => {
      const account = state.get("account");
      return c.json(
        {
          account: account ? asStateOne<Account>(account) : null,
          balances: asState<Balance>(state.list("balance")),
          positions: asState<Position>(state.list("position")),
        },
        200,
      );
    })
    .openapi(balances, (c) => c.json({ data: asState<Balance>(state.list("balance")) }, 200))
    .openapi(positions, (c) => c.json({ data: asState<Position>(state.list("position")) }, 200));
}
