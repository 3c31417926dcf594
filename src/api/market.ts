// Market and account state routes: answered from the latest-state store, no exchange round trip.
import { Hono } from "hono";
import { z } from "zod";
import type { Guard } from "./events.ts";
import { ApiError } from "../http/errors.ts";
import { doc } from "../http/openapi.ts";
import { validate } from "../http/validate.ts";
import type { StateStore } from "../state/store.ts";
import { PRIVATE_READERS, ROLES } from "../auth/types.ts";
import { InstId } from "../domain/inst-id.ts";

const InstParam = z.object({ instId: InstId });

export function marketRoutes(d: { state: StateStore; guard: Guard }): Hono {
  const app = new Hono();
  const { state } = d;
  doc({ method: "get", path: "/api/market/tickers", summary: "Latest ticker of every instrument", tags: ["market"], roles: [...ROLES], responses: { 200: { description: "{ data: [ticker] }" } } });
  app.get("/tickers", d.guard(), (c) => c.json({ data: state.list("ticker") }));

  doc({ method: "get", path: "/api/market/books/:instId", summary: "Latest book of an instrument", tags: ["market"], roles: [...ROLES], params: InstParam, responses: { 200: { description: "the book" }, 404: { description: "no book yet" } } });
  app.get("/books/:instId", d.guard(), validate("param", InstParam), (c) => {
    const { instId } = c.req.valid("param");
    const book = state.get(`books:${instId}`);
    if (!book) throw new ApiError(404, "not_found", `no book for ${instId}`);
    return c.json(book);
  });
  return app;
}

export function accountRoutes(d: { state: StateStore; guard: Guard }): Hono {
  const app = new Hono();
  const { state } = d;
  const guard = d.guard({ roles: PRIVATE_READERS });
  doc({ method: "get", path: "/api/account", summary: "Account summary, balances and positions", tags: ["account"], roles: [...PRIVATE_READERS], responses: { 200: { description: "{ account, balances, positions }" } } });
  app.get("/", guard, (c) =>
    c.json({ account: state.get("account") ?? null, balances: state.list("balance"), positions: state.list("position") }),
  );
  doc({ method: "get", path: "/api/account/balances", summary: "Balances per currency", tags: ["account"], roles: [...PRIVATE_READERS], responses: { 200: { description: "{ data: [balance] }" } } });
  app.get("/balances", guard, (c) => c.json({ data: state.list("balance") }));
  doc({ method: "get", path: "/api/account/positions", summary: "Open positions", tags: ["account"], roles: [...PRIVATE_READERS], responses: { 200: { description: "{ data: [position] }" } } });
  app.get("/positions", guard, (c) => c.json({ data: state.list("position") }));
  return app;
}
