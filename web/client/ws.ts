// The WebSocket transport: the same events as text messages, control messages by `type`, and
// pings answered with the server's time (round trips for the clock offset).
import { localNow } from "./clock.ts";
import { withQuery } from "./http.ts";
import { parseEvent, parseObject } from "./parse.ts";
import {
  endOfError,
  type Incoming,
  revokedReason,
  type Transport,
  type TransportParams,
  type TransportSink,
} from "./transport.ts";
import type { ConnectedInfo, ResetInfo } from "./types.ts";

/** The close code of a stream whose session ended (the server's CLOSE.revoked). */
const REVOKED = 4401;
/** Pings right after connecting (the best of them sets the clock), then one per interval. */
const FIRST_PINGS = 3;
const PING_EVERY_MS = 15_000;

function wsUrl(base: string, path: string): string {
  const origin = base || (globalThis as { location?: { origin: string } }).location?.origin || "";
  return origin.replace(/^http/, "ws") + path;
}

export function wsTransport(p: TransportParams, sink: TransportSink): Transport {
  let closed = false;
  let ws: WebSocket | undefined;
  let pinger: ReturnType<typeof setInterval> | undefined;
  let pingAt = 0;
  let revoked: string | undefined;
  const end = (
    code: "network" | "closed" | "shutdown" | "unauthorized" | "forbidden" | "bad_request",
    message: string,
  ) => {
    if (closed) return;
    closed = true;
    clearInterval(pinger);
    sink.closed({ code, message });
  };
  const ping = () => {
    if (ws?.readyState !== 1) return;
    pingAt = localNow();
    ws.send('{"op":"ping"}');
  };
  const onText = (text: string) => {
    const at = localNow();
    const o = parseObject(text);
    if (!o) return sink.message({ kind: "bad", why: "malformed" });
    let m: Incoming | undefined;
    switch (o.type) {
      case "connected":
        m = { kind: "connected", info: o as unknown as ConnectedInfo, at };
        for (let i = 0; i < FIRST_PINGS; i++) setTimeout(ping, i * 50);
        pinger = setInterval(ping, PING_EVERY_MS);
        break;
      case "reset":
        m = { kind: "reset", info: o as unknown as ResetInfo };
        break;
      case "heartbeat":
        m = { kind: "heartbeat", head: String(o.head), ...(typeof o.t === "number" ? { t: o.t } : {}), at };
        break;
      case "shutdown":
        m = { kind: "shutdown", retryMs: typeof o.retryMs === "number" ? o.retryMs : 0 };
        break;
      case "revoked":
        revoked = revokedReason(o); // the close (4401) follows; nothing more is read
        end("unauthorized", revoked);
        return ws?.close(1000);
      case "pong":
        if (typeof o.serverTime === "number" && pingAt > 0)
          m = { kind: "clock", askedAt: pingAt, serverTime: o.serverTime, at };
        pingAt = 0;
        break;
      case "snapshot": {
        const ev = parseEvent(o.event, p.known);
        m = ev.ok ? { kind: "snapshot", ev: ev.ev } : { kind: "bad", why: ev.why };
        break;
      }
      case "subscribed":
      case "unsubscribed":
        break;
      case "error":
        m = { kind: "bad", why: "malformed" };
        break;
      default: {
        const ev = parseEvent(o, p.known);
        m = ev.ok ? { kind: "event", ev: ev.ev, at } : { kind: "bad", why: ev.why };
      }
    }
    if (m) sink.message(m);
  };
  void (async () => {
    let ticket: string;
    try {
      ticket = await p.session.ticket();
    } catch (err) {
      const e = endOfError(err);
      return end(e.code === "timeout" ? "network" : e.code, e.message);
    }
    if (closed) return;
    ws = new WebSocket(
      wsUrl(
        p.base,
        withQuery("/api/events/ws", {
          channels: p.channels.join(","),
          ticket,
          lastEventId: p.lastEventId ?? undefined,
        }),
      ),
    );
    ws.onmessage = (e: { data: unknown }) => {
      if (!closed && typeof e.data === "string") onText(e.data);
    };
    ws.onclose = (e: { code: number; reason: string }) =>
      e.code === REVOKED
        ? end("unauthorized", revoked ?? (e.reason || "revoked"))
        : end(e.code === 1012 ? "shutdown" : "closed", `socket closed (${e.code}${e.reason ? ` ${e.reason}` : ""})`);
    ws.onerror = () => end("closed", "socket error");
  })();
  return {
    name: "ws",
    close() {
      closed = true;
      clearInterval(pinger);
      ws?.close(1000);
    },
  };
}
