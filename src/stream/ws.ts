// The WebSocket transport: Bun's ServerWebSocket handlers feeding a hub client, with
// subscribe / unsubscribe messages and the same resume semantics as SSE. Each connection has a
// message budget (beyond it: close 4429), and every subscribe is checked against the caller's
// current session and role (an ended session: close 4401). Replies keep the messages' order.
import type { ServerWebSocket, WebSocketHandler } from "bun";
import { z } from "zod";
import type { Principal, Role } from "../auth/types.ts";
import { MessageBudget } from "./budget.ts";
import { ChannelError, type ChannelFilter, parsePatterns } from "./channels.ts";
import { WsClient } from "./client.ts";
import type { Hub } from "./hub.ts";
import type { Resume } from "./resume.ts";
import type { Seat } from "./seats.ts";

export interface WsData {
  kind: "events";
  principal: Principal;
  filter: ChannelFilter;
  resume: Resume;
  /** Its place under the per-user stream cap (claimed before the upgrade). */
  seat?: Seat;
  client?: WsClient;
  budget?: MessageBudget;
  /** The message being handled while it waits for a session check; later ones queue behind it. */
  busy?: Promise<void>;
}

/** Close code for a client that sent more than its message budget. */
export const WS_RATE_LIMITED = 4429;

export interface WsOptions {
  maxSubscriptions: number;
  maxMessageBytes: number;
  /** Messages a client may send per second on average (0: no limit), and at once. */
  msgsPerS: number;
  msgBurst: number;
  /** The caller's role as of now (undefined: its streams were ended); throws when unknown. */
  current?: (p: Principal) => Promise<Role | undefined>;
}

const Message = z.discriminatedUnion("op", [
  z.object({ op: z.literal("subscribe"), channels: z.array(z.string().max(100)).min(1).max(1000) }).strict(),
  z.object({ op: z.literal("unsubscribe"), channels: z.array(z.string().max(100)).min(1).max(1000) }).strict(),
  z.object({ op: z.literal("ping") }).strict(),
]);
type Message = z.infer<typeof Message>;

const errorText = (code: string, message: string, field?: string) =>
  JSON.stringify({ type: "error", error: { code, message, ...(field ? { details: [{ field, message }] } : {}) } });

export function wsHandlers(hub: Hub, opts: WsOptions): WebSocketHandler<WsData> {
  /** Applies a subscribe or unsubscribe with the patterns `role` may read. */
  const change = (client: WsClient, m: Message & { channels: string[] }, role: Role) => {
    try {
      const patterns = parsePatterns(m.channels, role, opts.maxSubscriptions);
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
  };

  /** A subscribe asks for the caller's current role first; its stream may end instead. */
  const subscribe = async (
    current: (p: Principal) => Promise<Role | undefined>,
    d: WsData,
    client: WsClient,
    m: Message & { channels: string[] },
  ) => {
    let role: Role | undefined;
    try {
      role = await current(d.principal);
    } catch {
      return client.text(errorText("unavailable", "the session cannot be checked right now; try again"));
    }
    if (role !== undefined && !client.closed) change(client, m, role);
  };

  const handle = (d: WsData, client: WsClient, raw: string | Buffer): void | Promise<void> => {
    if (client.closed) return;
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
    if (m.op === "subscribe" && opts.current) return subscribe(opts.current, d, client, m);
    change(client, m, d.principal.role);
  };

  return {
    maxPayloadLength: opts.maxMessageBytes,
    idleTimeout: 120,
    sendPings: true,
    open(ws: ServerWebSocket<WsData>) {
      const d = ws.data;
      const client = new WsClient(ws, d.filter, d.resume.seq, {
        principal: d.principal,
        ...(d.seat ? { seat: d.seat } : {}),
      });
      d.client = client;
      if (opts.msgsPerS > 0) d.budget = new MessageBudget(opts.msgsPerS, opts.msgBurst);
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
      const d = ws.data;
      const client = d.client;
      if (!client || client.closed) return;
      if (d.budget && !d.budget.take()) {
        client.text(errorText("rate_limited", `more than ${opts.msgsPerS} messages a second`));
        client.end("rate_limited", WS_RATE_LIMITED);
        hub.remove(client, "rate_limited");
        return;
      }
      const run = () => handle(d, client, raw);
      const track = (p: Promise<void>) => {
        const t: Promise<void> = p.then(
          () => {
            if (d.busy === t) delete d.busy;
          },
          () => {
            if (d.busy === t) delete d.busy;
          },
        );
        d.busy = t;
      };
      if (d.busy) track(d.busy.then(run));
      else {
        const r = run();
        if (r) track(r);
      }
    },
    drain(ws) {
      const client = ws.data.client;
      if (client) hub.unblock(client);
    },
    close(ws, code) {
      const d = ws.data;
      const client = d.client;
      if (!client) return d.seat?.release(); // never opened
      client.closed = true;
      hub.remove(client, code === 1012 ? "shutdown" : "client_closed");
    },
  };
}
