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

/** An authenticated caller, put on the Hono context as `c.var.principal`. */
export interface Principal {
  user: string;
  role: Role;
  /** How the caller proved it: a bearer access token, the access cookie, or a stream ticket. */
  via: "bearer" | "cookie" | "ticket";
  /** Refresh-token family of the session, when there is one. */
  family?: string;
}

/** Channels a role may subscribe to: market data for all, private channels for PRIVATE_READERS. */
export function mayRead(role: Role, channel: string): boolean {
  const head = channel.split(":", 1)[0]!;
  if (PRIVATE_CHANNELS.has(head)) return (PRIVATE_READERS as readonly Role[]).includes(role);
  return true;
}

export const PRIVATE_CHANNELS = new Set(["orders", "positions", "account", "balances", "commands", "fills"]);

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
    requestId: string;
  }
}
