// REST answer shapes (OKX.md §6.1): 200 with {code,msg,data[]} for success and business errors,
// 401 {msg,code} for auth failures, 429 {msg,code} for throttling.
import type { SimContext } from "../context.ts";
import { msg } from "../errors.ts";

export interface RestReply {
  status: number;
  body: unknown;
}

export interface RestRequest {
  ctx: SimContext;
  query: URLSearchParams;
  /** Parsed JSON body (POST), undefined for GET. */
  body: unknown;
  now: number;
  ip: string;
}

export type Handler = (r: RestRequest) => RestReply;

export function ok(data: unknown[], extra: Record<string, string> = {}): RestReply {
  return { status: 200, body: { code: "0", msg: "", data, ...extra } };
}

/** A business error: HTTP 200, non-zero code, empty data. */
export function fail(code: string, ...args: string[]): RestReply {
  return { status: 200, body: { code, msg: msg(code, ...args), data: [] } };
}

export function unauthorized(code: string): RestReply {
  return { status: 401, body: { msg: msg(code), code } };
}

export function tooMany(): RestReply {
  return { status: 429, body: { msg: msg("50011"), code: "50011" } };
}

/** A query parameter; "" counts as absent. */
export function q(r: RestRequest, name: string): string | undefined {
  const v = r.query.get(name);
  return v === null || v === "" ? undefined : v;
}

export function json(reply: RestReply): Response {
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { "Content-Type": "application/json" },
  });
}
