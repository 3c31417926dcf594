// The REST API as typed calls: auth, market, account, orders, history, commands, users, ops.
// Every endpoint is one line over `get`/`send`; answers and errors have explicit types.
//
// Hono RPC: once the server exports its `AppType`, `restApi` is the one place to change:
// build the same object over `hc<AppType>(base, { fetch: fetcher })` and the types below that
// mirror the server's answers can go.
import type { Account, Balance, Book, Fill, Order, Position, Ticker, Trade } from "../../src/domain/events.ts";

export type Role = "viewer" | "trader" | "admin" | "engine";
export interface PublicUser {
  name: string;
  role: Role;
}
export interface TokenPair {
  accessToken: string;
  tokenType: "Bearer";
  /** Seconds the access token lives. */
  expiresIn: number;
  refreshToken: string;
  user: PublicUser;
}
export interface StreamTicket {
  ticket: string;
  expiresIn: number;
}
export interface UserView extends PublicUser {
  createdAt: string;
  updatedAt: string;
}

export type OrdType = "market" | "limit" | "post_only" | "ioc" | "fok";
export interface NewOrder {
  instId: string;
  side: "buy" | "sell";
  ordType: OrdType;
  sz: string;
  px?: string;
  tdMode?: "cash" | "cross" | "isolated";
  posSide?: "long" | "short" | "net";
  reduceOnly?: boolean;
  clOrdId?: string;
}
export interface PlaceAnswer {
  ordId: string;
  clOrdId: string;
  instId: string;
  /** The exchange's per-order code ("0": accepted) and message. */
  code: string;
  message: string;
  replayed?: boolean;
}
export interface OrderAck {
  ordId: string;
  clOrdId: string;
  code: string;
  message: string;
}
export interface AccountSummary {
  account: Account | null;
  balances: Balance[];
  positions: Position[];
}
export interface CommandRecord {
  id: string;
  type: "kill_switch" | "cancel_all";
  by: string;
  status: "done" | "failed";
  result: Record<string, unknown>;
  createdAt: number;
  ms: number;
}
export type Command = { type: "kill_switch"; on: boolean } | { type: "cancel_all"; instId?: string };

/** A history page, newest first; `next` continues it. */
export interface Page<T> {
  data: T[];
  next: string | null;
}
export interface CandleRow {
  instId: string;
  ts: number;
  o: string;
  h: string;
  l: string;
  c: string;
  vol: string;
  volCcy: string;
  trades: number;
  confirmed: boolean;
}
export type TradeRow = Trade & { id: string };
export type OrderRow = Omit<Order, "fillTime"> & { id: string; fillTime: number | null };
export type FillRow = Omit<Fill, "ts"> & { id: string; ts: number };
export interface AuditRow {
  id: string;
  ts: number;
  user: string;
  action: string;
  target: string;
  status: number;
  code: string;
  ms: number;
  detail: unknown;
}
export interface PageQuery {
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string;
}
export interface ReadyAnswer {
  status: "ready" | "not_ready";
  checks: Array<{ name: string; ok: boolean; detail?: string }>;
}
export interface HealthAnswer {
  status: "ok";
  uptimeS: number;
  version: string;
}

export interface ErrorDetail {
  field?: string;
  message: string;
}

/** A 4xx/5xx answer in the API's one error shape, or a network failure (status 0). */
export class ApiRequestError extends Error {
  override name = "ApiRequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly retryAfterS?: number,
  ) {
    super(message);
  }

  /** The message for a form field (the first detail naming it), if any. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.message;
  }
}

/** How requests go out: a path and init, already authorized when the API needs it. */
export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, q?: Query): string {
  if (!q) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

/** The body of an answer, or an ApiRequestError built from the error shape. */
export async function answer<T>(res: Response): Promise<T> {
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const type = res.headers.get("content-type") ?? "";
    return (type.includes("json") ? await res.json() : await res.text()) as T;
  }
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText}`.trim();
  let details: ErrorDetail[] = [];
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details ?? [];
    }
  } catch {
    // not the error shape: keep the status line
  }
  const retry = Number(res.headers.get("retry-after"));
  throw new ApiRequestError(
    res.status,
    code,
    message,
    details,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}

/** Runs a request; a network failure becomes ApiRequestError(0, "network"). */
export async function call<T>(fetcher: Fetcher, path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetcher(path, init);
  } catch (err) {
    if (err instanceof ApiRequestError) throw err;
    throw new ApiRequestError(0, "network", `cannot reach the server: ${(err as Error).message ?? String(err)}`);
  }
  return answer<T>(res);
}

const json = (method: string, body?: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** The calls that come before a session (login, refresh) or end it; used by Session. */
export function authApi(fetcher: Fetcher) {
  return {
    login: (username: string, password: string) =>
      call<TokenPair>(fetcher, "/api/auth/login", json("POST", { name: username, password })),
    /** Without a token the httpOnly refresh cookie is used. */
    refresh: (refreshToken?: string) =>
      call<TokenPair>(fetcher, "/api/auth/refresh", json("POST", refreshToken ? { refreshToken } : {})),
    logout: (accessToken?: string, refreshToken?: string) =>
      call<void>(
        fetcher,
        "/api/auth/logout",
        json(
          "POST",
          refreshToken ? { refreshToken } : {},
          accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
        ),
      ),
    streamTicket: (accessToken: string) =>
      call<StreamTicket>(
        fetcher,
        "/api/auth/stream-ticket",
        json("POST", undefined, { Authorization: `Bearer ${accessToken}` }),
      ),
  };
}

/** Every authorized endpoint; `fetcher` adds the credentials (Session.fetch). */
export function restApi(fetcher: Fetcher) {
  const get = <T>(path: string, q?: Query) => call<T>(fetcher, withQuery(path, q));
  const send = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call<T>(fetcher, path, json(method, body, headers));
  const page = <T>(path: string, q: Query) => get<Page<T>>(path, q);
  const enc = encodeURIComponent;
  return {
    auth: {
      me: () => get<PublicUser>("/api/auth/me"),
    },
    market: {
      tickers: () => get<{ data: Ticker[] }>("/api/market/tickers"),
      book: (instId: string) => get<Book>(`/api/market/books/${enc(instId)}`),
      candles: (q: PageQuery & { instId: string; bar?: string }) => page<CandleRow>("/api/market/candles", { ...q }),
      trades: (q: PageQuery & { instId: string }) => page<TradeRow>("/api/market/trades", { ...q }),
    },
    account: {
      summary: () => get<AccountSummary>("/api/account"),
      balances: () => get<{ data: Balance[] }>("/api/account/balances"),
      positions: () => get<{ data: Position[] }>("/api/account/positions"),
    },
    orders: {
      /** An Idempotency-Key makes a retry safe: the same key never places a second order. */
      place: (o: NewOrder, idempotencyKey?: string) =>
        send<PlaceAnswer>("POST", "/api/orders", o, idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}),
      open: (instId?: string) => get<{ data: Order[] }>("/api/orders", { instId }),
      get: (id: string, instId?: string) => get<Order>(`/api/orders/${enc(id)}`, { instId }),
      amend: (id: string, change: { newSz?: string; newPx?: string; instId?: string }) =>
        send<OrderAck>("PATCH", `/api/orders/${enc(id)}`, change),
      cancel: (id: string, instId?: string) =>
        send<OrderAck>("DELETE", withQuery(`/api/orders/${enc(id)}`, { instId })),
    },
    history: {
      orders: (q: PageQuery & { instId?: string; state?: string; ordId?: string } = {}) =>
        page<OrderRow>("/api/orders/history", { ...q }),
      fills: (q: PageQuery & { instId?: string; ordId?: string } = {}) => page<FillRow>("/api/fills", { ...q }),
      audit: (q: PageQuery & { user?: string; action?: string } = {}) => page<AuditRow>("/api/audit", { ...q }),
    },
    commands: {
      run: (c: Command) => send<CommandRecord>("POST", "/api/commands", c),
      get: (id: string) => get<CommandRecord>(`/api/commands/${enc(id)}`),
    },
    users: {
      list: () => get<{ users: UserView[] }>("/api/users"),
      create: (u: { name: string; password: string; role: Role }) => send<UserView>("POST", "/api/users", u),
      update: (name: string, change: { password?: string; role?: Role }) =>
        send<UserView>("PATCH", `/api/users/${enc(name)}`, change),
      remove: (name: string) => send<void>("DELETE", `/api/users/${enc(name)}`),
    },
    ops: {
      health: () => get<HealthAnswer>("/health"),
      /** 503 (not ready) is an answer here, with the checks that failed, not an error. */
      ready: () =>
        call<ReadyAnswer>(async (path, init) => {
          const res = await fetcher(path, init);
          return res.status === 503 ? new Response(res.body, { status: 200, headers: res.headers }) : res;
        }, "/ready"),
      metrics: () => get<string>("/metrics"),
    },
  };
}

export type Rest = ReturnType<typeof restApi>;
