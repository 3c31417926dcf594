// Signature checks exactly as OKX does them: REST headers over the raw request target and body,
// and the WS login op; answers the OKX error code of the first thing that is wrong.

import { timingSafeEqual } from "node:crypto";
import type { OkxCredentials } from "../okx/sign.ts";
import { signRest, signWsLogin } from "../okx/sign.ts";

export interface AuthFailure {
  code: string;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Candidate request paths to check the HMAC against: as received, then percent-decoded (OKX.md §2.2). */
export function targetsToTry(rawTarget: string): string[] {
  const out = [rawTarget];
  const q = rawTarget.indexOf("?");
  if (q >= 0) {
    try {
      const decoded = `${rawTarget.slice(0, q)}?${decodeURIComponent(rawTarget.slice(q + 1).replace(/\+/g, " "))}`;
      if (!out.includes(decoded)) out.push(decoded);
      const plain = `${rawTarget.slice(0, q)}?${decodeURIComponent(rawTarget.slice(q + 1))}`;
      if (!out.includes(plain)) out.push(plain);
    } catch {}
  }
  return out;
}

export function verifyRest(
  headers: Headers,
  method: string,
  rawTarget: string,
  body: string,
  creds: OkxCredentials,
  opts: { nowMs: number; maxSkewMs: number; requireDemoHeader: boolean },
): AuthFailure | undefined {
  const key = headers.get("ok-access-key");
  const sign = headers.get("ok-access-sign");
  const ts = headers.get("ok-access-timestamp");
  const pass = headers.get("ok-access-passphrase");
  if (!key) return { code: "50103" };
  if (!pass) return { code: "50104" };
  if (!sign) return { code: "50106" };
  if (!ts) return { code: "50107" };
  if (!ISO_MS.test(ts) || Number.isNaN(Date.parse(ts))) return { code: "50112" };
  if (Math.abs(opts.nowMs - Date.parse(ts)) > opts.maxSkewMs) return { code: "50102" };
  if (key !== creds.apiKey) return { code: "50111" };
  if (pass !== creds.passphrase) return { code: "50105" };
  const demo = headers.get("x-simulated-trading");
  if (opts.requireDemoHeader && demo !== "1") return { code: "50101" };
  const ok = targetsToTry(rawTarget).some((t) => same(sign, signRest(creds.secretKey, ts, method, t, body)));
  return ok ? undefined : { code: "50113" };
}

/** Checks one WS login arg; returns "0" or the OKX error code. */
export function verifyLogin(arg: unknown, creds: OkxCredentials, opts: { nowMs: number; maxSkewMs: number }): string {
  if (typeof arg !== "object" || arg === null) return "60013";
  const a = arg as Record<string, unknown>;
  const apiKey = typeof a.apiKey === "string" ? a.apiKey : "";
  const sign = typeof a.sign === "string" ? a.sign : "";
  const pass = typeof a.passphrase === "string" ? a.passphrase : "";
  const ts = typeof a.timestamp === "number" ? String(a.timestamp) : typeof a.timestamp === "string" ? a.timestamp : "";
  if (!apiKey) return "60001";
  if (!sign) return "60002";
  if (!pass) return "60003";
  if (!/^\d{1,12}(\.\d+)?$/.test(ts)) return "60004";
  if (Math.abs(opts.nowMs - Number(ts) * 1000) > opts.maxSkewMs) return "60006";
  if (apiKey !== creds.apiKey) return "60005";
  if (pass !== creds.passphrase) return "60024";
  return same(sign, signWsLogin(creds.secretKey, ts)) ? "0" : "60007";
}
