// OKX v5 request signing (OKX.md §2), shared by the client that signs and the simulator that
// verifies: pure functions, no I/O. sign = Base64(HMAC-SHA256(secret, prehash)).
import { createHmac } from "node:crypto";
import type { WsLoginArg } from "./types.ts";

export interface OkxCredentials {
  apiKey: string;
  secretKey: string;
  passphrase: string;
}

/** Base64 of HMAC-SHA256 over UTF-8 bytes: always 44 characters ending in "=". */
export function hmacSha256Base64(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message, "utf8").digest("base64");
}

/**
 * REST prehash: timestamp + METHOD + requestPath (with "?query" for GET) + body ("" for GET).
 * @example restPrehash("2024-01-01T00:00:00.000Z", "GET", "/api/v5/account/balance?ccy=BTC")
 */
export function restPrehash(timestamp: string, method: string, requestPath: string, body = ""): string {
  return timestamp + method.toUpperCase() + requestPath + body;
}

export function signRest(secret: string, timestamp: string, method: string, requestPath: string, body = ""): string {
  return hmacSha256Base64(secret, restPrehash(timestamp, method, requestPath, body));
}

/** The OK-ACCESS-TIMESTAMP format: ISO-8601 UTC with milliseconds and Z. */
export function okxTimestamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString();
}

/**
 * Headers for a private REST call. `requestPath` includes the query string exactly as sent.
 * @example fetch(base + path, { method: "GET", headers: restAuthHeaders(creds, "GET", path) })
 */
export function restAuthHeaders(
  creds: OkxCredentials,
  method: string,
  requestPath: string,
  body = "",
  opts: { nowMs?: number; demo?: boolean } = {},
): Record<string, string> {
  const ts = okxTimestamp(opts.nowMs);
  const headers: Record<string, string> = {
    "OK-ACCESS-KEY": creds.apiKey,
    "OK-ACCESS-SIGN": signRest(creds.secretKey, ts, method, requestPath, body),
    "OK-ACCESS-TIMESTAMP": ts,
    "OK-ACCESS-PASSPHRASE": creds.passphrase,
    "Content-Type": "application/json",
  };
  if (opts.demo) headers["x-simulated-trading"] = "1";
  return headers;
}

/** WS login prehash: Unix seconds + "GET" + "/users/self/verify". */
export function wsLoginPrehash(timestampSeconds: string): string {
  return `${timestampSeconds}GET/users/self/verify`;
}

export function signWsLogin(secret: string, timestampSeconds: string): string {
  return hmacSha256Base64(secret, wsLoginPrehash(timestampSeconds));
}

/** The single `args` item of a WS `login` op. */
export function wsLoginArg(creds: OkxCredentials, nowMs: number = Date.now()): WsLoginArg {
  const timestamp = Math.floor(nowMs / 1000).toString();
  return {
    apiKey: creds.apiKey,
    passphrase: creds.passphrase,
    timestamp,
    sign: signWsLogin(creds.secretKey, timestamp),
  };
}
