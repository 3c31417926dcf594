// The REST API as typed calls, built from the server app's own type (Hono RPC: `hc<AppType>`):
// every path, input and answer below is the route's own schema, so a change to a route is a
// type error here and in the dashboard, never a surprise at run time. Types only: nothing of
// the server is bundled (`import type`).
import { type ClientResponse, hc, type InferRequestType } from "hono/client";
import type { AppType } from "../../src/http/app-type.ts";
import { answer, type Fetcher, sent } from "./http.ts";

/** The typed client of the whole app over `fetcher` (paths start at the origin: `/api/...`). */
function client(fetcher: Fetcher) {
  const viaFetcher = (input: RequestInfo | URL, init?: RequestInit) => fetcher(String(input), init);
  return hc<AppType>("", { fetch: viaFetcher as typeof fetch });
}
type Api = ReturnType<typeof client>["api"];

/** The body of the 2xx answers of a typed response (the error answers are thrown). */
export type Ok<R> =
  R extends ClientResponse<infer T, infer S, infer _F> ? (`${S}` extends `2${string}` ? T : never) : never;

/** The answer's body, or ApiRequestError from the error shape (status 0: no answer). */
async function ok<R>(req: Promise<R>): Promise<Ok<R>> {
  return answer<Ok<R>>(await sent(req as unknown as Promise<Response>));
}

type Input<F> = InferRequestType<F>;
type Bearer = { headers: { Authorization: string } } | undefined;
const bearer = (token?: string): Bearer => (token ? { headers: { Authorization: `Bearer ${token}` } } : undefined);

/** The calls that come before a session (login, refresh) or end it; used by Session. */
export function authApi(fetcher: Fetcher) {
  const auth = client(fetcher).api.auth;
  return {
    login: (name: string, password: string) => ok(auth.login.$post({ json: { name, password } })),
    /** Without a token the httpOnly refresh cookie is used. */
    refresh: (refreshToken?: string) => ok(auth.refresh.$post({ json: refreshToken ? { refreshToken } : {} })),
    logout: (accessToken?: string, refreshToken?: string) =>
      ok(auth.logout.$post({ json: refreshToken ? { refreshToken } : {} }, bearer(accessToken))),
    streamTicket: (accessToken: string) => ok(auth["stream-ticket"].$post(undefined, bearer(accessToken))),
  };
}

export type NewOrder = Input<Api["orders"]["$post"]>["json"];
export type OrderChange = Omit<Input<Api["orders"][":id"]["$patch"]>["json"], "instId">;
export type Command = Input<Api["commands"]["$post"]>["json"];
export type NewStrategy = Input<Api["strategies"]["$post"]>["json"];
export type NewBacktest = Input<Api["backtests"]["$post"]>["json"];
export type StrategyChange = Input<Api["strategies"][":id"]["$patch"]>["json"];
export type NewUser = Input<Api["users"]["$post"]>["json"];
export type UserChange = Input<Api["users"][":name"]["$patch"]>["json"];
type Q<F> = Input<F> extends { query?: infer T } ? NonNullable<T> : never;
export type CandlesQuery = Q<Api["market"]["candles"]["$get"]>;
export type TradesQuery = Q<Api["market"]["trades"]["$get"]>;
export type OrdersQuery = Q<Api["orders"]["history"]["$get"]>;
export type FillsQuery = Q<Api["fills"]["$get"]>;
export type EquityQuery = Q<Api["account"]["equity"]["$get"]>;
export type AuditQuery = Q<Api["audit"]["$get"]>;
export type CommandsQuery = Q<Api["commands"]["$get"]>;
export type StrategiesQuery = Q<Api["strategies"]["$get"]>;
export type AlertsQuery = Q<Api["alerts"]["$get"]>;
export type NewAlert = Input<Api["alerts"]["$post"]>["json"];
export type AlertChange = Input<Api["alerts"][":id"]["$patch"]>["json"];

/** Every authorized endpoint; `fetcher` adds the credentials (Session.fetch). */
export function restApi(fetcher: Fetcher) {
  const app = client(fetcher);
  const api = app.api;
  return {
    auth: {
      me: () => ok(api.auth.me.$get()),
    },
    market: {
      /** Tick, lot and minimum size and contract value of each instrument, as orders are checked. */
      instruments: () => ok(api.market.instruments.$get()),
      tickers: () => ok(api.market.tickers.$get()),
      funding: () => ok(api.market.funding.$get()),
      book: (instId: string) => ok(api.market.books[":instId"].$get({ param: { instId } })),
      candles: (query: CandlesQuery) => ok(api.market.candles.$get({ query })),
      trades: (query: TradesQuery) => ok(api.market.trades.$get({ query })),
    },
    account: {
      summary: () => ok(api.account.$get()),
      balances: () => ok(api.account.balances.$get()),
      positions: () => ok(api.account.positions.$get()),
      /** A swap's leverage as the exchange has it, and the most it allows. */
      leverage: (instId: string) => ok(api.account.leverage[":instId"].$get({ param: { instId } })),
      /** Sets a swap's leverage; answers what was set (a refusal on `lever`). */
      setLeverage: (instId: string, lever: number) => ok(api.account.leverage.$post({ json: { instId, lever } })),
      /** The account's total equity over time: a point per bucket, newest first. */
      equity: (query: EquityQuery = {}) => ok(api.account.equity.$get({ query })),
    },
    orders: {
      /** An Idempotency-Key makes a retry safe: the same key never places a second order. */
      place: (json: NewOrder, idempotencyKey?: string) =>
        ok(api.orders.$post({ json, header: idempotencyKey ? { "idempotency-key": idempotencyKey } : {} })),
      open: (instId?: string) => ok(api.orders.$get({ query: instId ? { instId } : {} })),
      get: (id: string, instId?: string) =>
        ok(api.orders[":id"].$get({ param: { id }, query: instId ? { instId } : {} })),
      amend: (id: string, change: OrderChange, instId?: string) =>
        ok(api.orders[":id"].$patch({ param: { id }, json: instId ? { ...change, instId } : change })),
      cancel: (id: string, instId?: string) =>
        ok(api.orders[":id"].$delete({ param: { id }, query: instId ? { instId } : {} })),
    },
    history: {
      orders: (query: OrdersQuery = {}) => ok(api.orders.history.$get({ query })),
      fills: (query: FillsQuery = {}) => ok(api.fills.$get({ query })),
      audit: (query: AuditQuery = {}) => ok(api.audit.$get({ query })),
    },
    commands: {
      run: (json: Command) => ok(api.commands.$post({ json, query: {} })),
      list: (query: CommandsQuery = {}) => ok(api.commands.$get({ query })),
      get: (id: string) => ok(api.commands[":id"].$get({ param: { id } })),
      killSwitch: () => ok(api.commands["kill-switch"].$get()),
    },
    strategies: {
      kinds: () => ok(api.strategies.kinds.$get()),
      list: (query: StrategiesQuery = {}) => ok(api.strategies.$get({ query })),
      get: (id: string) => ok(api.strategies[":id"].$get({ param: { id } })),
      pnl: (id: string) => ok(api.strategies[":id"].pnl.$get({ param: { id }, query: {} })),
      create: (json: NewStrategy) => ok(api.strategies.$post({ json })),
      update: (id: string, json: StrategyChange) => ok(api.strategies[":id"].$patch({ param: { id }, json })),
      remove: (id: string) => ok(api.strategies[":id"].$delete({ param: { id } })),
      start: (id: string) => ok(api.strategies[":id"].start.$post({ param: { id } })),
      stop: (id: string, keepOrders = false) =>
        ok(api.strategies[":id"].stop.$post({ param: { id }, json: { keepOrders } })),
    },
    alerts: {
      /** Price alerts, waiting and fired, oldest first (one user's with `owner`). */
      list: (query: AlertsQuery = {}) => ok(api.alerts.$get({ query })),
      /** Sets one above or below the last price; a refusal on `price` or `instId`. */
      create: (json: NewAlert) => ok(api.alerts.$post({ json })),
      /** Moves a waiting one of the caller's (a new price) or changes its note. */
      update: (id: string, json: AlertChange) => ok(api.alerts[":id"].$patch({ param: { id }, json })),
      /** Removes one of the caller's, waiting or fired. */
      remove: (id: string) => ok(api.alerts[":id"].$delete({ param: { id } })),
    },
    backtests: {
      /** A kind's logic over an instrument's past bars against a paper exchange (nothing reaches the exchange). */
      run: (json: NewBacktest) => ok(api.backtests.$post({ json })),
    },
    engines: {
      list: () => ok(api.engines.$get()),
    },
    users: {
      list: () => ok(api.users.$get()),
      create: (json: NewUser) => ok(api.users.$post({ json })),
      update: (name: string, json: UserChange) => ok(api.users[":name"].$patch({ param: { name }, json })),
      remove: (name: string) => ok(api.users[":name"].$delete({ param: { name } })),
    },
    ops: {
      health: () => ok(app.health.$get()),
      /** 503 (not ready) is an answer here, with the checks that failed, not an error. */
      ready: async () => {
        const res = await sent(app.ready.$get() as unknown as Promise<Response>);
        return answer<Ok<Awaited<ReturnType<typeof app.ready.$get>>>>(
          res.status === 503 ? new Response(res.body, { status: 200, headers: res.headers }) : res,
        );
      },
      metrics: () => ok(app.metrics.$get()),
    },
  };
}

export type Rest = ReturnType<typeof restApi>;
type Answer<F> = F extends (...a: never[]) => Promise<infer T> ? T : never;

export type PublicUser = Answer<Rest["auth"]["me"]>;
export type Role = PublicUser["role"];
export type TokenPair = Answer<ReturnType<typeof authApi>["login"]>;
export type UserView = Answer<Rest["users"]["list"]>["users"][number];
export type OrdType = NewOrder["ordType"];
export type PlaceAnswer = Answer<Rest["orders"]["place"]>;
/** A swap's leverage as the exchange has it, and the most it allows. */
export type Leverage = Answer<Rest["account"]["leverage"]>;
export type CommandRecord = Answer<Rest["commands"]["get"]>;
export type StrategyView = Answer<Rest["strategies"]["get"]>;
export type StrategyKind = Answer<Rest["strategies"]["kinds"]>["data"][number];
export type BacktestResult = Answer<Rest["backtests"]["run"]>;
export type Instrument = Answer<Rest["market"]["instruments"]>["data"][number];
export type KillSwitch = Answer<Rest["commands"]["killSwitch"]>;
export type EngineView = Answer<Rest["engines"]["list"]>["data"][number];
export type CandleRow = Answer<Rest["market"]["candles"]>["data"][number];
export type TradeRow = Answer<Rest["market"]["trades"]>["data"][number];
export type OrderRow = Answer<Rest["history"]["orders"]>["data"][number];
export type FillRow = Answer<Rest["history"]["fills"]>["data"][number];
export type EquityRow = Answer<Rest["account"]["equity"]>["data"][number];
export type AuditRow = Answer<Rest["history"]["audit"]>["data"][number];
export type ReadyAnswer = Answer<Rest["ops"]["ready"]>;
export type HealthAnswer = Answer<Rest["ops"]["health"]>;
