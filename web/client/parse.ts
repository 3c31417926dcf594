// Checks what arrives before anyone sees it: a malformed or unknown event is reported as such
// (and counted by the caller), never thrown at a handler.
import { EVENT_ID } from "./ids.ts";
import type { EventType, StreamEvent } from "./types.ts";

export type Parsed = { ok: true; ev: StreamEvent } | { ok: false; why: "malformed" | "unknown" };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** An event from its JSON text (or already parsed value). */
export function parseEvent(input: unknown, known: ReadonlySet<string>): Parsed {
  let v = input;
  if (typeof input === "string") {
    try {
      v = JSON.parse(input);
    } catch {
      return { ok: false, why: "malformed" };
    }
  }
  if (!isObject(v)) return { ok: false, why: "malformed" };
  const { id, type, channel, ts, data } = v;
  if (typeof id !== "string" || !EVENT_ID.test(id) || typeof type !== "string" || typeof channel !== "string")
    return { ok: false, why: "malformed" };
  if (
    !isObject(ts) ||
    typeof ts.rx !== "number" ||
    typeof ts.pub !== "number" ||
    (ts.ex !== undefined && typeof ts.ex !== "number")
  )
    return { ok: false, why: "malformed" };
  if (!isObject(data)) return { ok: false, why: "malformed" };
  if (!known.has(type)) return { ok: false, why: "unknown" };
  return { ok: true, ev: v as unknown as StreamEvent };
}

/** A JSON object, or null. */
export function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

export function knownTypes(types: readonly EventType[], extra: readonly string[] = []): ReadonlySet<string> {
  return new Set<string>([...types, ...extra]);
}
