// The HTTP application: middleware, every route group mounted with its types kept (AppType, for
// `hc<AppType>`), the OpenAPI document made from them, one error shape.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { alertRoutes } from "../api/alerts.ts";
import { authRoutes } from "../api/auth.ts";
import { backtestRoutes } from "../api/backtest.ts";
import { commandRoutes, engineRoutes } from "../api/commands.ts";
import { type EventDeps, eventRoutes } from "../api/events.ts";
import { historyRoutes } from "../api/history.ts";
import { leverageRoutes } from "../api/leverage.ts";
import { accountRoutes, marketRoutes } from "../api/market.ts";
import { opsRoutes } from "../api/ops.ts";
import { orderRoutes } from "../api/orders.ts";
import { strategyRoutes } from "../api/strategies.ts";
import { usersRoutes } from "../api/users.ts";
import type { Auth } from "../auth/index.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { docsRoutes } from "./docs.ts";
import { ApiError, errorHandler, notFoundHandler } from "./errors.ts";
import { accessLog, headerLimit, requestId } from "./middleware.ts";
import { openApiDocument, routes } from "./openapi.ts";
import { dashboardRoutes } from "./static.ts";

type DepsOf<F extends (d: never) => unknown> = Parameters<F>[0];

export interface AppDeps {
  config: Config;
  log: Logger;
  version: string;
  auth: Pick<Auth, "requireAuth" | "authenticateRequest" | "sessions" | "accounts">;
  ops: Omit<DepsOf<typeof opsRoutes>, "version">;
  state: DepsOf<typeof marketRoutes>["state"];
  orders: DepsOf<typeof orderRoutes>["orders"];
  leverage: DepsOf<typeof leverageRoutes>["leverage"];
  commands: DepsOf<typeof commandRoutes>["commands"];
  strategies: DepsOf<typeof strategyRoutes>["strategies"];
  backtests: DepsOf<typeof backtestRoutes>["backtests"];
  alerts: DepsOf<typeof alertRoutes>["alerts"];
  /** The external engines the bridge knows (none without it). */
  engines?: DepsOf<typeof commandRoutes>["engines"];
  history: DepsOf<typeof historyRoutes>["history"];
  candles: DepsOf<typeof historyRoutes>["candles"];
  events: Omit<EventDeps, "config" | "guard">;
  /** Where the built dashboard is (default web/dist; embedded in the binary). */
  dashboard?: { dir?: string };
}

/**
 * CORS for CORS_ORIGINS: an origin named there may send credentials (cookies); `*` lets any other
 * origin call the API with a bearer token, never with credentials (a browser then sends no
 * cookies, and refuses an answer to a request made with them).
 */
function corsFor(origins: readonly string[]): MiddlewareHandler {
  const common = {
    allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID", "Idempotency-Key", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id", "Retry-After"],
    maxAge: 600,
  };
  const named = new Set(origins.filter((o) => o !== "*"));
  const withCredentials = cors({ ...common, origin: (o) => (named.has(o) ? o : null), credentials: true });
  const anyOrigin = origins.includes("*") ? cors({ ...common, origin: "*" }) : undefined;
  return function corsMiddleware(c, next) {
    const origin = c.req.header("origin");
    return anyOrigin && !(origin && named.has(origin)) ? anyOrigin(c, next) : withCredentials(c, next);
  };
}

/** The app with middleware and error handling, before any route. */
function base(config: Config, log: Logger): OpenAPIHono {
  const app = routes();
  app.use("*", requestId());
  app.use("*", accessLog(log));
  app.use("*", headerLimit(config.MAX_HEADER_BYTES));
  if (config.CORS_ORIGINS.length > 0) app.use("*", corsFor(config.CORS_ORIGINS));
  // Content-Length over the limit is refused before reading; a streamed body stops at the limit.
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: config.MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `body larger than ${config.MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  return app;
}

/**
 * Builds the app: every route group mounted on one chain, so its type (AppType) carries each
 * route's input and answers. /api/orders/history is mounted before /api/orders/{id}.
 * @example Bun.serve({ fetch: createApp(deps).fetch })
 */
export function createApp(d: AppDeps) {
  const { config, auth } = d;
  const guard = auth.requireAuth;
  const app = base(config, d.log);
  const info = {
    title: "tradewire",
    version: d.version,
    description: "REST API and event streams of tradewire. Every error is `{ error: { code, message, details? } }`.",
  };
  return app
    .route(
      "/",
      docsRoutes(() => openApiDocument(app, info)),
    )
    .route("/", opsRoutes({ ...d.ops, version: d.version }))
    .route(
      "/api/auth",
      authRoutes({
        config,
        sessions: auth.sessions,
        authenticateRequest: auth.authenticateRequest,
        requireAuth: guard,
      }),
    )
    .route("/api/users", usersRoutes({ accounts: auth.accounts, requireAuth: guard }))
    .route("/api", historyRoutes({ history: d.history, candles: d.candles, guard }))
    .route("/api/orders", orderRoutes({ orders: d.orders, guard }))
    .route(
      "/api/market",
      marketRoutes({
        state: d.state,
        guard,
        instruments: { ids: config.OKX_INSTRUMENTS, rules: (i) => d.orders.instrument(i) },
      }),
    )
    .route("/api/account", accountRoutes({ state: d.state, guard }))
    .route("/api/account/leverage", leverageRoutes({ leverage: d.leverage, guard }))
    .route(
      "/api/commands",
      commandRoutes({
        commands: d.commands,
        guard,
        authorizeStrategy: (actor, id) => d.strategies.authorize(actor, id),
        ...(d.engines ? { engines: d.engines } : {}),
      }),
    )
    .route("/api/engines", engineRoutes({ commands: d.commands, guard, ...(d.engines ? { engines: d.engines } : {}) }))
    .route("/api/strategies", strategyRoutes({ strategies: d.strategies, guard }))
    .route("/api/backtests", backtestRoutes({ backtests: d.backtests, guard }))
    .route("/api/alerts", alertRoutes({ alerts: d.alerts, guard }))
    .route("/api/events", eventRoutes({ ...d.events, config, guard }))
    .route("/", dashboardRoutes(d.dashboard)); // last: the dashboard at / and its own paths
}
