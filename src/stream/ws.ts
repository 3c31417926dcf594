// The WebSocket transport: Bun's ServerWebSocket handlers feeding a hub client, with
// subscribe / unsubscribe messages and the same resume semantics as SSE.
import type { ServerWebSocket, WebSocketHandler } from "bun";
import { z } from "zod";
import type { Principal } from "../auth/types.ts";
import { ChannelError, type ChannelFilter, parsePatterns } from "./channels.ts";
import { WsClient } from "./client.ts";
import type { Hub } from "./hub.ts";
import type { Resume } from "./resume.ts";

export interface WsData {
  kind: "events";
  principal: Principal;
  filter: ChannelFilter;
  resume: Resume;
  client?: WsClient;
}

const Message = z.discriminatedUnion("op", [
  z.object({ op: z.literal("subscribe"), channels: z.array(z.string().max(100)).min(1).max(1000) }).strict(),
  z.object({ op: z.literal("unsubscribe"), channels: z.array(z.string().max(100)).min(1).max(1000) }).strict(),
  z.object({ op: z.literal("ping") }).strict(),
]);

const errorText = (code: string, message: string, field?: string) =>
  JSON.stringify({ type: "error", error: { code, message, ...(field ? { details: [{ field, message }] } : {}) } });

export function wsHandlers(
  hub: Hub,
  opts: { maxSubscriptions: number; maxMessageBytes: number },
): WebSocketHandler<WsData> {
  return {
    maxPayloadLength: opts.maxMessageBytes,
    idleTimeout: 120,
    sendPings: true,
    open(ws: ServerWebSocket<WsData>) {
      const d = ws.data;
      const client = new WsClient(ws, d.filter, d.resume.seq);
      d.client = client;
      const reset = d.resume.reset;
      hub.add(client, {
        fresh: !d.resume.resumed,
        greet: (head) => {
          const at = hub.idOf(head);
          client.text(
            JSON.stringify({
              type: "connected",
              serverTime: Date.now(),
              epoch: hub.epoch,
              head: at,
              channels: d.filter.patterns,
            }),
          );
          if (reset) client.control({ kind: "reset", data: { reason: reset, epoch: hub.epoch, head: at } });
        },
      });
    },
    message(ws, raw) {
      const client = ws.data.client;
      if (!client) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
      } catch {
        return client.text(errorText("bad_request", "message is not valid JSON"));
      }
      const msg = Message.safeParse(parsed);
      if (!msg.success) {
        const issue = msg.error.issues[0];
        const field = issue?.path.map(String).join(".") || undefined;
        return client.text(
          errorText("validation_failed", `${field ?? "message"}: ${issue?.message ?? "invalid"}`, field),
        );
      }
      const m = msg.data;
      if (m.op === "ping") return client.text(JSON.stringify({ type: "pong", serverTime: Date.now() }));
      try {
        const patterns = parsePatterns(m.channels, ws.data.principal.role, opts.maxSubscriptions);
        const next = m.op === "subscribe" ? client.filter.with(patterns, []) : client.filter.with([], patterns);
        if (next.patterns.length > opts.maxSubscriptions)
          return client.text(
            errorText("too_many_subscriptions", `at most ${opts.maxSubscriptions} subscriptions`, "channels"),
          );
        client.filter = next;
        client.text(
          JSON.stringify({ type: m.op === "subscribe" ? "subscribed" : "unsubscribed", channels: next.patterns }),
        );
      } catch (err) {
        if (!(err instanceof ChannelError)) throw err;
        client.text(errorText(err.status === 403 ? "forbidden" : "bad_channel", err.message, "channels"));
      }
    },
    drain(ws) {
      const client = ws.data.client;
      if (client) hub.unblock(client);
    },
    close(ws, code) {
      const client = ws.data.client;
      if (!client) return;
      client.closed = true;
      hub.remove(client, code === 1012 ? "shutdown" : "client_closed");
    },
  };
}
