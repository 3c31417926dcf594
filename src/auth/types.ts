// Who is calling, and what each role may do: the contract between auth and everything else.

export const ROLES = ["viewer", "trader", "admin", "engine"] as const;
export type Role = (typeof ROLES)[number];

/** An authenticated caller, put on the Hono context as `c.var.principal`. */
export interface Principal {
  user: string;
  role: Role;
  /** How the caller proved it: a bearer access token, the access cookie, or a stream ticket. */
  via: "bearer" | "cookie" | "ticket";
  /** Refresh-token family of the session, when there is one. */
  family?: string;
}

/** Channels a role may subscribe to: market data for all, account data for traders and up. */
export function mayRead(role: Role, channel: string): boolean {
  const head = channel.split(":", 1)[0]!;
  if (PRIVATE_CHANNELS.has(head)) return role !== "viewer";
  return true;
}

/** Who may publish onto the bus over HTTP (POST /api/events). */
export const PUBLISHERS: readonly Role[] = ["engine", "admin"];

export const PRIVATE_CHANNELS = new Set(["orders", "positions", "account", "balances", "commands", "fills"]);

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
    requestId: string;
  }
}
