// Who is calling, and what each role may do: the contract between auth and everything else.

/** Every role. "engine" is the external trading engine's login. */
export const ROLES = ["viewer", "trader", "admin", "engine"] as const;
export type Role = (typeof ROLES)[number];

// The role groups routes allow, named once.
/** Who may place, amend and cancel orders and run commands. */
export const TRADERS = ["trader", "admin"] as const satisfies readonly Role[];
/** Who may read private data (account, orders, fills): every role but viewer. */
export const PRIVATE_READERS = ["trader", "admin", "engine"] as const satisfies readonly Role[];
/** Who may manage users and read the audit log. */
export const ADMINS = ["admin"] as const satisfies readonly Role[];
/** Who may publish onto the bus over HTTP (POST /api/events). */
export const PUBLISHERS = ["engine", "admin"] as const satisfies readonly Role[];

/**
 * Who may read each resource, over every transport: the REST routes that answer with it are
 * guarded with these roles (`reads()` in src/http/openapi.ts) and its stream channels (SSE,
 * WebSocket, polling) are checked against them (`mayRead`). README "Who may read what" lists it.
 */
export const READERS = {
  /** Tickers, books, public trades, candles. */
  market: ROLES,
  /** Connectivity and data-quality notices. */
  system: ROLES,
  /** Strategies and their status. */
  strategies: ROLES,
  /** Price alerts: the desk's, each changed by its own user. */
  alerts: ROLES,
  /** The benchmark's synthetic events. */
  bench: ROLES,
  /** The stream endpoints themselves; each channel is checked against its own resource. */
  events: ROLES,
  /** The caller's own identity (GET /api/auth/me). */
  self: ROLES,
  orders: PRIVATE_READERS,
  fills: PRIVATE_READERS,
  positions: PRIVATE_READERS,
  balances: PRIVATE_READERS,
  account: PRIVATE_READERS,
  commands: PRIVATE_READERS,
  /** The external engines' states. */
  engines: PRIVATE_READERS,
  audit: ADMINS,
  users: ADMINS,
} as const satisfies Record<string, readonly Role[]>;
export type Resource = keyof typeof READERS;

/** The resource each stream channel head carries (`tickers:BTC-USDT` -> market): every head the service knows. */
export const CHANNEL_RESOURCE = {
  tickers: "market",
  books: "market",
  books5: "market",
  bbo: "market",
  trades: "market",
  candles: "market",
  funding: "market",
  orders: "orders",
  fills: "fills",
  positions: "positions",
  leverage: "positions",
  balances: "balances",
  account: "account",
  strategy: "strategies",
  alerts: "alerts",
  commands: "commands",
  system: "system",
  bench: "bench",
} as const satisfies Record<string, Resource>;

/** Per role, the channel heads it may read. */
const READABLE_HEADS = new Map<Role, ReadonlySet<string>>(
  ROLES.map((role) => [
    role,
    new Set(
      Object.entries(CHANNEL_RESOURCE)
        .filter(([, res]) => (READERS[res] as readonly Role[]).includes(role))
        .map(([head]) => head),
    ),
  ]),
);

/** Whether a role may read a channel (`orders`, `tickers:BTC-USDT`, `orders:*`); unknown heads: no. */
export function mayRead(role: Role, channel: string): boolean {
  const i = channel.indexOf(":");
  return READABLE_HEADS.get(role)?.has(i < 0 ? channel : channel.slice(0, i)) ?? false;
}

/**
 * The same string for roles that may read the same channels: stream clients of such roles can
 * share one filter (and one encoded batch).
 */
export function readClass(role: Role): string {
  return READ_CLASS.get(role) ?? role;
}

const sameHeads = (a: Role, b: Role) => {
  const x = READABLE_HEADS.get(a)!;
  const y = READABLE_HEADS.get(b)!;
  return x.size === y.size && [...x].every((h) => y.has(h));
};
const READ_CLASS = new Map<Role, string>(ROLES.map((r) => [r, ROLES.find((o) => sameHeads(o, r)) ?? r]));

/** An authenticated caller, put on the Hono context as `c.var.principal`. */
export interface Principal {
  user: string;
  role: Role;
  /** How the caller proved it: a bearer access token, the access cookie, or a stream ticket. */
  via: "bearer" | "cookie" | "ticket";
  /** Refresh-token family of the session, when there is one. */
  family?: string;
}

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
    requestId: string;
  }
}
