// Field readers shared by the OKX push parsers: they check what OKX promises (numbers as
// strings, ms timestamps) and throw MalformedError on anything else, so a bad frame is
// skipped and counted instead of becoming a wrong event.
import type { Obj } from "./parse-frame.ts";

export class MalformedError extends Error {
  override name = "MalformedError";
}

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new MalformedError(`${what}: not an object`);
  return v;
}

/** A required string field (may be ""). */
export function s(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new MalformedError(`${key}: expected a string`);
  return v;
}

/** An optional string field: absent or null is "". */
export function os(o: Obj, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new MalformedError(`${key}: expected a string`);
  return v;
}

/** A required non-empty string field. */
export function ne(o: Obj, key: string): string {
  const v = s(o, key);
  if (v === "") throw new MalformedError(`${key}: empty`);
  return v;
}

/** A millisecond timestamp sent as a decimal string. */
export function ms(o: Obj, key: string): number {
  const v = o[key];
  const n = typeof v === "string" && v !== "" ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new MalformedError(`${key}: expected a ms timestamp string`);
  return n;
}

/** An optional ms timestamp: "" or absent is null. */
export function oms(o: Obj, key: string): number | null {
  const v = o[key];
  if (v === undefined || v === null || v === "") return null;
  return ms(o, key);
}

/** A JSON integer (seqId, prevSeqId, checksum). */
export function int(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v)) throw new MalformedError(`${key}: expected an integer`);
  return v;
}

export function side(o: Obj, key = "side"): "buy" | "sell" {
  const v = o[key];
  if (v !== "buy" && v !== "sell") throw new MalformedError(`${key}: expected buy or sell`);
  return v;
}

/** The instId of a push: data[i].instId when present, else arg.instId (books put it in arg only). */
export function instIdOf(item: Obj, arg: Obj): string {
  const v = item.instId ?? arg.instId;
  if (typeof v !== "string" || v === "") throw new MalformedError("instId missing");
  return v;
}
