// INTERIM: OKX HMAC signing (OKX.md §2) until the shared src/okx/sign.ts lands; then this file
// goes and its callers import the shared module instead.
import { createHmac } from "node:crypto";

/** base64(HMAC-SHA256(secret, prehash)). */
export const hmacBase64 = (secret: string, prehash: string): string => createHmac("sha256", secret).update(prehash).digest("base64");

/** REST: timestamp (ISO ms) + METHOD + path-with-query + body. */
export const signRest = (secret: string, ts: string, method: string, path: string, body: string): string =>
  hmacBase64(secret, ts + method.toUpperCase() + path + body);

/** WS login: epoch seconds + "GET" + "/users/self/verify". */
export const signWsLogin = (secret: string, tsSeconds: string): string => hmacBase64(secret, `${tsSeconds}GET/users/self/verify`);
