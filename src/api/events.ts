// Event routes: the SSE stream, the WebSocket upgrade, polling, and publishing onto the bus.
import type { Server } from "bun";
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import type { Publisher } from "../bus/dispatcher.ts";
import { nowMs, RingFullError } from "../bus/ring.ts";
import { PUBLISHERS, type Role } from "../auth/types.ts";
import type { Config } from "../config.ts";
import { ApiError } from "../http/errors.ts";
import { doc } from "../http/openapi.ts";
import { validate } from "../http/validate.ts";
import { ChannelError, ChannelFilter, checkChannel, parsePatterns } from "../stream/channels.ts";
import type { Hub } from "../stream/hub.ts";
import type { StreamMetrics } from "../stream/metrics.ts";
import type { Poller } from "../stream/poll.ts";
import { EVENT_ID, resolveResume, type Resume } from "../stream/resume.ts";
import type { Seat, Seats } from "../stream/seats.ts";
import { sseDirect, sseHono, type SseWriter } from "../stream/sse.ts";
import type { WsData } from "../stream/ws.ts";

export type Guard = (opts?: { roles?: readonly Role[]; allowTicket?: boolean }) => MiddlewareHandler;

export interface EventDeps {
  config: Config;
  hub: Hub;
  /** Publishes onto the bus and wakes the main thread's reader. */
  producer: Publisher;
  poller: Poller;
  metrics: StreamMetrics;
  guard: Guard;
  sseWriter: SseWriter;
  /** The per-user cap on open streams (SSE, WebSocket, waiting polls). */
  seats: Seats;
}

const RESERVED_TYPES = new Set(["connected", "reset", "heartbeat", "error", "subscribed", "unsubscribed", "pong"]);

const eventId = z.string().regex(EVENT_ID, "an event id <epoch>-<seq>");
const StreamQuery = z.object({
  channels: z.string().max(10_000).optional(),
  lastEventId: eventId.optional(),
  ticket: z.string().max(512).optional(),
});
const PollQuery = StreamQuery.omit({ lastEventId: true }).extend({
  after: eventId.optional(),
  wait: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
export const PublishBody = z
  .object({
    type: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, "lower-case letters, digits and _ (at most 32)")
      .refine((t) => !RESERVED_TYPES.has(t), "reserved event type"),
    channel: z.string().max(100).superRefine((ch, ctx) => {
      const err = checkChannel(ch);
      if (err) ctx.addIssue({ code: "custom", message: err });
    }),
    data: z.unknown().refine((d) => d !== undefined, "required"),
    exTs: z.number().nonnegative().optional(),
  })
  .strict();
const Published = z.object({ id: z.string(), seq: z.number(), type: z.string(), channel: z.string() });

/** Filters are immutable: clients asking for the same channels share one (10,000 idle clients). */
const filters = new Map<string, ChannelFilter>();

/** channels= (comma list) to a filter for the caller's role; errors name the field. */
function filterFor(channels: string | undefined, role: Role, max: number): ChannelFilter {
  const cacheKey = `${role}|${channels ?? "*"}`;
  const known = filters.get(cacheKey);
  if (known) return known;
  try {
    const patterns = parsePatterns((channels ?? "*").split(","), role, max);
    const f = new ChannelFilter(patterns.length ? patterns : ["*"], role);
    if (filters.size >= 1000) filters.clear();
    filters.set(cacheKey, f);
    return f;
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err;
    const code = err.status === 403 ? "forbidden" : "validation_failed";
    throw new ApiError(err.status, code, `channels: ${err.message}`, [{ field: "channels", message: err.message }]);
  }
}

export function eventRoutes(d: EventDeps): Hono {
  const app = new Hono();
  const { hub, config } = d;
  /** A place under the caller's stream cap, or 429 before anything is set up. */
  const seatFor = (user: string): Seat => {
    const seat = d.seats.claim(user);
    if (!seat)
      throw new ApiError(429, "too_many_streams", `at most ${d.seats.max} open streams per user (MAX_STREAMS_PER_USER)`, undefined, {
        "Retry-After": "1",
      });
    return seat;
  };
  const maxSubs = config.MAX_SUBSCRIPTIONS;
  const streamAuth = d.guard({ allowTicket: true });

  /** The header is what EventSource sends on reconnect: a bad one means reset, not an error. */
  const resumeFrom = (headerId: string | undefined, queryId: string | undefined): Resume =>
    resolveResume(hub, headerId ?? queryId);

  doc({
    method: "get",
    path: "/api/events/stream",
    summary: "Server-Sent Events stream: `connected`, then events with ids; resume with Last-Event-ID",
    tags: ["events"],
    roles: ["viewer", "trader", "admin", "engine"],
    query: StreamQuery,
    responses: { 200: { description: "text/event-stream", contentType: "text/event-stream" } },
  });
  app.get("/stream", streamAuth, validate("query", StreamQuery), (c) => {
    const q = c.req.valid("query");
    const filter = filterFor(q.channels, c.var.principal.role, maxSubs);
    const resume = resumeFrom(c.req.header("last-event-id"), q.lastEventId);
    (c.env as Server<unknown> | undefined)?.timeout?.(c.req.raw, 0); // streams outlive the idle timeout
    const who = { principal: c.var.principal, seat: seatFor(c.var.principal.user) };
    const setup = { hub, filter, resume, retryMs: config.SSE_RETRY_MS, writer: d.sseWriter, who };
    return d.sseWriter === "hono" ? sseHono(c, setup) : sseDirect(setup);
  });

  doc({
    method: "get",
    path: "/api/events/ws",
    summary: "WebSocket stream: the same events; send {op:'subscribe'|'unsubscribe', channels:[...]}",
    tags: ["events"],
    roles: ["viewer", "trader", "admin", "engine"],
    query: StreamQuery,
    responses: { 101: { description: "switching protocols" } },
  });
  app.get("/ws", streamAuth, validate("query", StreamQuery), (c) => {
    const q = c.req.valid("query");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
      throw new ApiError(426, "upgrade_required", "this endpoint speaks WebSocket only");
    const principal = c.var.principal;
    const data: WsData = {
      kind: "events",
      principal,
      filter: filterFor(q.channels, principal.role, maxSubs),
      resume: resumeFrom(undefined, q.lastEventId),
      seat: seatFor(principal.user),
    };
    const server = c.env as Server<WsData>;
    if (!server.upgrade(c.req.raw, { data })) {
      data.seat?.release();
      throw new ApiError(400, "bad_request", "WebSocket upgrade failed");
    }
    return new Response(null);
  });

  doc({
    method: "get",
    path: "/api/events/poll",
    summary: "Polling: events after an id; `wait` (ms) holds the request until one arrives",
    tags: ["events"],
    roles: ["viewer", "trader", "admin", "engine"],
    query: PollQuery,
    responses: { 200: { description: "{ events: [...], next: id, reset: reason|null }" } },
  });
  app.get("/poll", streamAuth, validate("query", PollQuery), async (c) => {
    const q = c.req.valid("query");
    const filter = filterFor(q.channels, c.var.principal.role, maxSubs);
    const wait = Math.min(q.wait ?? 0, config.POLL_MAX_WAIT_MS);
    const resume = q.after === undefined ? { seq: hub.head(), resumed: false } : resolveResume(hub, q.after);
    const seat = wait > 0 ? seatFor(c.var.principal.user) : undefined; // a waiting poll holds a connection
    seat?.attach();
    let a;
    try {
      a = await d.poller.poll(resume, filter, q.limit, wait, c.req.raw.signal, c.var.principal);
    } finally {
      seat?.release();
    }
    if (a.revoked) throw new ApiError(401, "session_revoked", `the session ended while the poll waited (${a.revoked})`);
    const body = `{"events":[${a.events.join(",")}],"next":"${a.next}","reset":${a.reset ? `"${a.reset}"` : "null"}}`;
    return c.body(body, 200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  });

  doc({
    method: "post",
    path: "/api/events",
    summary: "Publish an event onto the bus (engine, admin)",
    tags: ["events"],
    roles: [...PUBLISHERS],
    body: PublishBody,
    responses: { 201: { description: "the assigned id", schema: Published } },
  });
  app.post("/", d.guard({ roles: PUBLISHERS }), validate("json", PublishBody), (c) => {
    const rxTs = nowMs();
    const body = c.req.valid("json");
    let out;
    try {
      out = d.producer.publish({
        type: body.type,
        channel: body.channel,
        dataJson: JSON.stringify(body.data),
        rxTs,
        ...(body.exTs !== undefined ? { exTs: body.exTs } : {}),
      });
    } catch (err) {
      if (err instanceof RingFullError) throw new ApiError(413, "payload_too_large", "event too large for the bus");
      throw err;
    }
    d.metrics.published.inc({ source: "http" });
    return c.json({ id: out.id, seq: out.seq, type: body.type, channel: body.channel }, 201);
  });

  return app;
}
