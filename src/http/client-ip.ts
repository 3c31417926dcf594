// The client's address for rate limits and logs: the socket peer, or, behind proxies we trust
// (TRUST_PROXY_HOPS), the address the outermost of them saw, from X-Forwarded-For.
import type { Context } from "hono";

const IP = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * Each trusted proxy appends the address it received the request from, so with `hops` proxies
 * the client is the `hops`-th entry from the right; anything left of it was sent by the client
 * and proves nothing. Without trusted hops, or when the header has fewer entries than hops (the
 * request did not come through them), or the entry is not an address: the socket peer.
 * @example clientAddress("10.0.0.5", "1.2.3.4, 203.0.113.7", 1) // "203.0.113.7"
 */
export function clientAddress(socket: string, forwardedFor: string | null | undefined, hops: number): string {
  if (hops <= 0 || !forwardedFor) return socket;
  const list = forwardedFor.split(",").map((s) => s.trim());
  const i = list.length - hops;
  const candidate = i >= 0 ? list[i] : undefined;
  return candidate && IP.test(candidate) ? candidate : socket;
}

/**
 * The socket peer of a request served by Bun (the server arrives as Hono's env when the app is
 * served with `fetch: app.fetch`); undefined for a request it did not receive (`app.request`).
 */
export function socketAddress(c: Context): string | undefined {
  const server = c.env as { requestIP?: (req: Request) => { address: string } | null } | undefined;
  if (typeof server?.requestIP !== "function") return undefined;
  try {
    return server.requestIP(c.req.raw)?.address ?? undefined;
  } catch {
    return undefined;
  }
}
