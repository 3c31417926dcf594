// Event routes: the SSE stream, the WebSocket upgrade, polling, and publishing onto the bus.
import { createRoute, z } from "@hono/zod-openapi";
import type { Server } from "bun";
import { PUBLISHERS, type Role } from "../auth/types.ts";
import { EVENT_OVERHEAD_BYTES, PublishBudget } from "../bus/budget.ts";
import type { Publisher } from "../bus/dispatcher.ts";
import { RingFullError } from "../bus/ring.ts";
import type { Config } from "../config.ts";
import { Forbidden, RateLimited, TooLarge, Unauthorized, ValidationFailed } from "../domain/errors.ts";
import { nowMs } from "../domain/time.ts";
import { engineMayNotPublish } from "../engine/protocol.ts";
import { ApiError } from "../http/errors.ts";
import { access, BODY, encodedJson, errors, type Guard, json, jsonBody, reads, routes } from "../http/openapi.ts";
import {
  ChannelError,
  ChannelFilter,
  checkChannel,
  EVENT_TYPE,
  parsePatterns,
  STREAM_MESSAGE_TYPES,
} from "../stream/channels.ts";
import type { Hub } from "../stream/hub.ts";
import type { StreamMetrics } from "../stream/metrics.ts";
import type { Poller } from "../stream/poll.ts";
import { EVENT_ID, type Resume, resolveResume } from "../stream/resume.ts";
import type { Seat, Seats } from "../stream/seats.ts";
import { sseDirect } from "../stream/sse.ts";
import type { WsData } from "../stream/ws.ts";
import { EventSchema } from "./schemas.ts";

export type { Guard } from "../http/openapi.ts";

export interface EventDeps {
  config: Config;
  hub: Hub;
  /** Publishes onto the bus and wakes the main thread's reader. */
  producer: Publisher;
  poller: Poller;
  metrics: StreamMetrics;
  guard: Guard;
  /** The per-user cap on open streams (SSE, WebSocket, waiting polls). */
  seats: Seats;
}

const tags = ["events"];

const eventId = z.string().regex(EVENT_ID, "an event id <epoch>-<seq>");
const channels = z.string().max(10_000).optional().openapi({
  description: "comma list of channel patterns (`tickers:*`, `orders`, `*`); default `*`",
  example: "tickers:BTC-USDT,orders",
});
const ticket = z
  .string()
  .max(512)
  .optional()
  .openapi({ description: "single-use ticket from POST /api/auth/stream-ticket (EventSource cannot send headers)" });
const StreamQuery = z.object({
  channels,
  lastEventId: eventId
    .optional()
    .openapi({ description: "resume after this event (what EventSource sends as Last-Event-ID)" }),
  ticket,
});
// The header is what EventSource sends on reconnect: a malformed one means `reset`, not an error.
const StreamHeaders = z.object({
  "last-event-id": z
    .string()
    .optional()
    .openapi({ description: "resume after this event id; wins over `lastEventId`; a malformed one means `reset`" }),
});
const PollQuery = z.object({
  channels,
  ticket,
  after: eventId.optional().openapi({ description: "events after this id; without it the answer is the head id" }),
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ description: "ms to hold the request until an event arrives (capped at POLL_MAX_WAIT_MS)" }),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
export const PublishBody = z
  .object({
    type: z
      .string()
      .regex(EVENT_TYPE, "lower-case letters, digits and _ (at most 32)")
      .refine((t) => !STREAM_MESSAGE_TYPES.has(t), "reserved event type"),
    channel: z
      .string()
      .max(100)
      .superRefine((ch, ctx) => {
        const err = checkChannel(ch);
        if (err) ctx.addIssue({ code: "custom", message: err });
      }),
    data: z.unknown().refine((d) => d !== undefined, "required"),
    exTs: z.number().nonnegative().optional(),
  })
  .strict();
const Published = z
  .object({ id: z.string(), seq: z.number(), type: z.string(), channel: z.string() })
  .openapi("Published");
const PollAnswer = z
  .object({
    events: z.array(EventSchema),
    next: z.string().openapi({ description: "the id to pass as `after` next time" }),
    reset: z
      .string()
      .nullable()
      .openapi({ description: "why the client must refetch its snapshot (`outside_window`, `epoch`), or null" }),
  })
  .openapi("PollAnswer");

const SSE_TEXT = [
  "`retry: <ms>`, an `event: connected` with `{serverTime, epoch, head, channels, resumed, retryMs}`, then",
  "frames `id: <epoch>-<seq>` / `event: <type>` / `data: <Event JSON>`; `event: heartbeat` every HEARTBEAT_MS;",
  "`event: reset` `{reason, epoch, head}` when the client cannot be caught up; `event: shutdown` before a restart.",
].join(" ");

/** Filters are immutable: clients asking for the same channels share one (10,000 idle clients). */
const filters = new Map<string, ChannelFilter>();

/** channels= (comma list) to a filter for the caller's role; errors name the field. */
function filterFor(list: string | undefined, role: Role, max: number): ChannelFilter {
  const cacheKey = `${role}|${list ?? "*"}`;
  const known = filters.get(cacheKey);
  if (known) return known;
  try {
    const patterns = parsePatterns((list ?? "*").split(","), role, max);
    const f = new ChannelFilter(patterns.length ? patterns : ["*"], role);
    if (filters.size >= 1000) filters.clear();
    filters.set(cacheKey, f);
    return f;
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err;
    const details = [{ field: "channels", message: err.message }];
    throw err.status === 403
      ? new Forbidden(`channels: ${err.message}`, { details })
      : new ValidationFailed(`channels: ${err.message}`, { details });
  }
}

export function eventRoutes(d: EventDeps) {
  const { hub, config } = d;
  /** A place under the caller's stream cap, or 429 before anything is set up. */
  const seatFor = (user: string): Seat => {
    const seat = d.seats.claim(user);
    if (!seat)
      throw new RateLimited(`at most ${d.seats.max} open streams per user (MAX_STREAMS_PER_USER)`, {
        code: "too_many_streams",
        retryAfterS: 1,
      });
    return seat;
  };
  const maxSubs = config.MAX_SUBSCRIPTIONS;
  const reader = reads(d.guard, "events", { allowTicket: true });
  const channelErrors = [
    [400, "invalid input, e.g. an unknown channel or too many (`details` name the field)"],
    [403, "a private channel for a viewer, or the role may not read it"],
  ] as const;

  const stream = createRoute({
    method: "get",
    path: "/stream",
    summary: "Server-Sent Events stream: `connected`, then events with ids; resume with Last-Event-ID",
    tags,
    ...reads(d.guard, "events", { allowTicket: true, description: SSE_TEXT }),
    request: { query: StreamQuery, headers: StreamHeaders },
    responses: {
      200: {
        description: "the event stream",
        content: {
          "text/event-stream": {
            schema: z
              .string()
              .openapi({ example: 'id: mf3k2a-42\nevent: ticker\ndata: {"id":"mf3k2a-42","type":"ticker",...}\n\n' }),
          },
        },
      },
      ...errors(
        ...channelErrors,
        401,
        [429, "the caller has MAX_STREAMS_PER_USER streams open (`too_many_streams`)"],
        503,
      ),
    },
  });
  const ws = createRoute({
    method: "get",
    path: "/ws",
    summary: "WebSocket stream: the same events; send {op:'subscribe'|'unsubscribe', channels:[...]}",
    tags,
    ...reads(d.guard, "events", {
      allowTicket: true,
      description:
        "First `{type:'connected',...}`, then each event as one text message (the Event JSON); control messages `{type:'reset'|'heartbeat'|'shutdown'}`; bad messages get `{type:'error', error}`.",
    }),
    request: { query: StreamQuery },
    responses: {
      101: { description: "switching protocols" },
      ...errors(
        ...channelErrors,
        401,
        426,
        [429, "the caller has MAX_STREAMS_PER_USER streams open (`too_many_streams`)"],
        503,
      ),
    },
  });
  const poll = createRoute({
    method: "get",
    path: "/poll",
    summary: "Polling: events after an id; `wait` (ms) holds the request until one arrives",
    tags,
    ...reader,
    request: { query: PollQuery },
    responses: {
      200: json(PollAnswer, "the events after `after`, oldest first"),
      ...errors(
        ...channelErrors,
        401,
        [429, "the caller has MAX_STREAMS_PER_USER streams open (`too_many_streams`)"],
        503,
      ),
    },
  });
  const publish = createRoute({
    method: "post",
    path: "/",
    summary: 'Publish an event onto the bus (engine, admin); it goes out marked `src: "http"`',
    tags,
    ...access(d.guard, PUBLISHERS, {
      description:
        'What is published here reaches stream clients with `src: "http"` and is never taken as the exchange\'s truth (latest state, risk checks, history). An engine login publishes what the engine bridge accepts (its own channels `orders`, `fills`, `positions`, `strategy:*`, `bench`; not market data, `system` or `command`). Each publisher (user) has a byte budget: PUBLISH_BYTES_PER_S, PUBLISH_BURST_BYTES.',
    }),
    request: { body: jsonBody(PublishBody) },
    responses: {
      201: json(Published, "the assigned id"),
      ...errors(
        ...BODY,
        401,
        [403, "the role may not publish, or an engine named a type or channel that is not an engine's"],
        [413, "body larger than MAX_BODY_BYTES, or `data` larger than MAX_EVENT_BYTES (`payload_too_large`)"],
        [429, "over this publisher's byte budget (`rate_limited`); Retry-After says when it fits"],
        503,
      ),
    },
  });
  /** Bytes per publisher (user) per second: no one publisher flushes the replay window. */
  const budget = new PublishBudget({ bytesPerS: config.PUBLISH_BYTES_PER_S, burstBytes: config.PUBLISH_BURST_BYTES });

  return routes()
    .openapi(stream, (c) => {
      const q = c.req.valid("query");
      const filter = filterFor(q.channels, c.var.principal.role, maxSubs);
      const resume: Resume = resolveResume(hub, c.req.valid("header")["last-event-id"] ?? q.lastEventId);
      (c.env as Server<unknown> | undefined)?.timeout?.(c.req.raw, 0); // streams outlive the idle timeout
      const who = { principal: c.var.principal, seat: seatFor(c.var.principal.user) };
      return sseDirect({ hub, filter, resume, retryMs: config.SSE_RETRY_MS, who });
    })
    .openapi(ws, (c) => {
      const q = c.req.valid("query");
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
        throw new ApiError(426, "upgrade_required", "this endpoint speaks WebSocket only");
      const principal = c.var.principal;
      const data: WsData = {
        kind: "events",
        principal,
        filter: filterFor(q.channels, principal.role, maxSubs),
        resume: resolveResume(hub, q.lastEventId),
        seat: seatFor(principal.user),
      };
      const server = c.env as Server<WsData>;
      if (!server.upgrade(c.req.raw, { data })) {
        data.seat?.release();
        throw new ApiError(400, "bad_request", "WebSocket upgrade failed");
      }
      return new Response(null);
    })
    .openapi(poll, async (c) => {
      const q = c.req.valid("query");
      const filter = filterFor(q.channels, c.var.principal.role, maxSubs);
      const wait = Math.min(q.wait ?? 0, config.POLL_MAX_WAIT_MS);
      const resume = q.after === undefined ? { seq: hub.head(), resumed: false } : resolveResume(hub, q.after);
      const seat = wait > 0 ? seatFor(c.var.principal.user) : undefined; // a waiting poll holds a connection
      seat?.attach();
      let a: Awaited<ReturnType<typeof d.poller.poll>>;
      try {
        a = await d.poller.poll(resume, filter, q.limit, wait, c.req.raw.signal, c.var.principal);
      } finally {
        seat?.release();
      }
      if (a.revoked)
        throw new Unauthorized(`the session ended while the poll waited (${a.revoked})`, { code: "session_revoked" });
      // Events are encoded once, on the bus: the answer is put together from their JSON text.
      const body = `{"events":[${a.events.join(",")}],"next":"${a.next}","reset":${a.reset ? `"${a.reset}"` : "null"}}`;
      return encodedJson<z.infer<typeof PollAnswer>, 200>(c, body, 200, { "Cache-Control": "no-store" });
    })
    .openapi(publish, (c) => {
      const rxTs = nowMs();
      const body = c.req.valid("json");
      const who = c.var.principal;
      const notEngines = who.role === "engine" ? engineMayNotPublish(body.type, body.channel) : null;
      if (notEngines)
        throw new Forbidden(`${notEngines.field}: ${notEngines.reason}`, {
          details: [{ field: notEngines.field, message: notEngines.reason }],
        });
      const dataJson = JSON.stringify(body.data);
      const bytes = Buffer.byteLength(dataJson);
      if (bytes > config.MAX_EVENT_BYTES) {
        const message = `${bytes} bytes of JSON, at most ${config.MAX_EVENT_BYTES} (MAX_EVENT_BYTES)`;
        throw new TooLarge(`data: ${message}`, { details: [{ field: "data", message }] });
      }
      const waitMs = budget.take(who.user, bytes + EVENT_OVERHEAD_BYTES);
      if (waitMs === Number.POSITIVE_INFINITY)
        throw new TooLarge(`data: larger than a publisher's burst (PUBLISH_BURST_BYTES ${config.PUBLISH_BURST_BYTES})`);
      if (waitMs > 0)
        throw new RateLimited(
          `${who.user} is over its publishing budget (${config.PUBLISH_BYTES_PER_S} bytes/s, ${config.PUBLISH_BURST_BYTES} at once; each event counts its data + ${EVENT_OVERHEAD_BYTES})`,
          { retryAfterS: Math.ceil(waitMs / 1000) },
        );
      let out: ReturnType<Publisher["publish"]>;
      try {
        out = d.producer.publish({
          type: body.type,
          channel: body.channel,
          dataJson,
          rxTs,
          source: "http",
          ...(body.exTs !== undefined ? { exTs: body.exTs } : {}),
        });
      } catch (err) {
        if (err instanceof RingFullError) throw new TooLarge("event too large for the bus");
        throw err;
      }
      d.metrics.published.inc({ source: "http" });
      return c.json({ id: out.id, seq: out.seq, type: body.type, channel: body.channel }, 201);
    });
}
