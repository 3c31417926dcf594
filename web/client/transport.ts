// What every stream transport (SSE, WebSocket, polling) hands to the connection: protocol
// messages in one shape, and one way of ending with a reason that says whether to retry.
import type { Session } from "./auth.ts";
import { parseEvent, parseObject } from "./parse.ts";
import type { ConnectedInfo, ResetInfo, StreamEvent, TransportName } from "./types.ts";

export type Incoming =
  | { kind: "connected"; info: ConnectedInfo; at: number }
  | { kind: "event"; ev: StreamEvent; at: number }
  | { kind: "snapshot"; ev: StreamEvent }
  | { kind: "reset"; info: ResetInfo }
  | { kind: "heartbeat"; head: string; t?: number; at: number }
  | { kind: "shutdown"; retryMs: number }
  | { kind: "clock"; askedAt: number; serverTime: number; at: number }
  /** The server ended the stream because the session did (SSE `revoked`, WebSocket close 4401). */
  | { kind: "revoked"; reason: string }
  | { kind: "bad"; why: "malformed" | "unknown" };

/**
 * How a transport ended. `unauthorized`/`forbidden`/`bad_request` are not retried as they are;
 * the others are (after a delay, at least `retryMs` when the server gave one).
 */
export interface TransportEnd {
  code: "network" | "closed" | "timeout" | "shutdown" | "unauthorized" | "forbidden" | "bad_request";
  message: string;
  retryMs?: number;
}

export interface TransportSink {
  message(m: Incoming): void;
  /** Called once; after it the transport sends nothing more. */
  closed(end: TransportEnd): void;
}

export interface TransportParams {
  session: Session;
  base: string;
  channels: string[];
  /** Continue after this id (null: start fresh with a snapshot). */
  lastEventId: string | null;
  known: ReadonlySet<string>;
}

export interface Transport {
  readonly name: TransportName;
  close(): void;
}

export type TransportFactory = (p: TransportParams, sink: TransportSink) => Transport;

/** An HTTP status as a transport end (what a stream or poll request answered instead of 200). */
export function endOfStatus(status: number, message: string): TransportEnd {
  if (status === 401) return { code: "unauthorized", message };
  if (status === 403) return { code: "forbidden", message };
  if (status === 400 || status === 404 || status === 422) return { code: "bad_request", message };
  return { code: "network", message: `${status}: ${message}` };
}

/** An error from the session (ticket, token) as a transport end. */
export function endOfError(err: unknown): TransportEnd {
  const e = err as { status?: number; message?: string };
  if (typeof e.status === "number" && e.status > 0) return endOfStatus(e.status, e.message ?? "request failed");
  return { code: "network", message: e.message ?? String(err) };
}

/** The body's error message, or the status line. */
export async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ?? `${res.status}`;
  } catch {
    return `${res.status} ${res.statusText}`.trim();
  }
}

/** The reason of a `revoked` message (`user_deleted`, `logout`, ...), "revoked" when it gives none. */
export const revokedReason = (o: Record<string, unknown> | null): string =>
  typeof o?.reason === "string" && o.reason ? o.reason : "revoked";

/** The end of a transport whose session the server ended: not retried as it is (the session is asked first). */
export const revokedEnd = (reason: string): TransportEnd => ({ code: "unauthorized", message: reason });

/** One SSE frame (event name + data) to a message; shared by EventSource and fetch streams. */
export function sseMessage(event: string, data: string, known: ReadonlySet<string>, at: number): Incoming {
  switch (event) {
    case "connected": {
      const o = parseObject(data);
      return o && typeof o.epoch === "string" && typeof o.head === "string"
        ? { kind: "connected", info: o as unknown as ConnectedInfo, at }
        : { kind: "bad", why: "malformed" };
    }
    case "reset": {
      const o = parseObject(data);
      return o && typeof o.head === "string"
        ? { kind: "reset", info: o as unknown as ResetInfo }
        : { kind: "bad", why: "malformed" };
    }
    case "heartbeat": {
      const o = parseObject(data);
      return o && typeof o.head === "string"
        ? { kind: "heartbeat", head: o.head, ...(typeof o.t === "number" ? { t: o.t } : {}), at }
        : { kind: "bad", why: "malformed" };
    }
    case "shutdown": {
      const o = parseObject(data);
      return { kind: "shutdown", retryMs: typeof o?.retryMs === "number" ? o.retryMs : 0 };
    }
    case "revoked":
      return { kind: "revoked", reason: revokedReason(parseObject(data)) };
    case "snapshot": {
      const p = parseEvent(data, known);
      return p.ok ? { kind: "snapshot", ev: p.ev } : { kind: "bad", why: p.why };
    }
    default: {
      const p = parseEvent(data, known);
      return p.ok ? { kind: "event", ev: p.ev, at } : { kind: "bad", why: p.why };
    }
  }
}
