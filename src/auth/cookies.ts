// Cookie credentials for browsers (EventSource and WebSocket cannot set headers): their names,
// attributes, reading them from a bare Request, and the origin check that makes them safe.
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { parse } from "hono/utils/cookie";
import { Forbidden } from "../domain/errors.ts";

export const ACCESS_COOKIE = "tw_access";
export const REFRESH_COOKIE = "tw_refresh";
const REFRESH_PATH = "/api/auth";

/** https directly, or behind a proxy that says so (a false claim only makes cookies stricter). */
export function isHttps(req: Request): boolean {
  if (new URL(req.url).protocol === "https:") return true;
  return req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.get("cookie");
  if (!header) return undefined;
  const value = parse(header, name)[name];
  return value ? value : undefined;
}

export function setSessionCookies(
  c: Context,
  tokens: { accessToken: string; refreshToken: string },
  ttl: { accessS: number; refreshS: number },
): void {
  const secure = isHttps(c.req.raw);
  setCookie(c, ACCESS_COOKIE, tokens.accessToken, {
    httpOnly: true,
    secure,
    sameSite: "Strict",
    path: "/",
    maxAge: ttl.accessS,
  });
  setCookie(c, REFRESH_COOKIE, tokens.refreshToken, {
    httpOnly: true,
    secure,
    sameSite: "Strict",
    path: REFRESH_PATH,
    maxAge: ttl.refreshS,
  });
}

export function clearSessionCookies(c: Context): void {
  const secure = isHttps(c.req.raw);
  deleteCookie(c, ACCESS_COOKIE, { path: "/", httpOnly: true, secure, sameSite: "Strict" });
  deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_PATH, httpOnly: true, secure, sameSite: "Strict" });
}

/**
 * Cookies ride along with any request the browser makes, so when one is the credential and the
 * browser says where the request comes from (Origin), that must be this host or a configured
 * CORS origin. SameSite=Strict already stops other sites; this also stops sibling subdomains
 * and cross-site WebSocket handshakes. Clients without an Origin header are not browsers.
 * A "*" in CORS_ORIGINS matches no origin here: cookies are only for origins named exactly.
 */
export function assertSameOrigin(req: Request, allowedOrigins: readonly string[]): void {
  const origin = req.headers.get("origin");
  if (origin === null || allowedOrigins.includes(origin)) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== undefined && host === new URL(req.url).host) return;
  throw new Forbidden("cookie credentials are not accepted from another origin");
}
