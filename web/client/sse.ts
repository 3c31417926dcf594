// The SSE transport: the stream read over fetch with the bearer token and Last-Event-ID headers
// (one task per network read, which carries every event the server batched into it, where
// EventSource dispatches one task per event), or the browser's EventSource with a single-use
// ticket (it cannot send headers) where fetch cannot stream a body. Reconnecting is the
// connection's job, not EventSource's.
import { localNow } from "./clock.ts";
import { withQuery } from "./http.ts";
import { SseParser } from "./sse-parser.ts";
import {
  endOfError,
  endOfStatus,
  errorText,
  revokedEnd,
  sseMessage,
  type Transport,
  type TransportEnd,
  type TransportParams,
  type TransportSink,
} from "./transport.ts";

const PATH = "/api/events/stream";

/** The part of EventSource used here (typed alike in browsers and Bun). */
interface EventSourceLike {
  addEventListener(type: string, fn: (e: { type: string; data: unknown }) => void): void;
  close(): void;
  onerror: (() => void) | null;
}
const EventSourceCtor = (globalThis as unknown as { EventSource?: new (url: string) => EventSourceLike }).EventSource;

function once(sink: TransportSink): { closed: boolean; end(e: TransportEnd): void } {
  const s = {
    closed: false,
    end(e: TransportEnd) {
      if (s.closed) return;
      s.closed = true;
      sink.closed(e);
    },
  };
  return s;
}

/** Whether fetch hands the body over as it arrives (every current browser, Bun). */
const fetchStreams =
  typeof ReadableStream !== "undefined" && typeof Response !== "undefined" && "body" in Response.prototype;

/** fetch where it streams, else EventSource. */
export function sseTransport(p: TransportParams, sink: TransportSink): Transport {
  return fetchStreams || !EventSourceCtor ? fetchSseTransport(p, sink) : eventSourceTransport(p, sink);
}

export function eventSourceTransport(p: TransportParams, sink: TransportSink): Transport {
  const state = once(sink);
  let es: EventSourceLike | undefined;
  const onFrame = (e: { type: string; data: unknown }) => {
    if (state.closed) return;
    const m = sseMessage(e.type, String(e.data), p.known, localNow());
    if (m.kind !== "revoked") return sink.message(m);
    es?.close();
    state.end(revokedEnd(m.reason));
  };
  void (async () => {
    let ticket: string;
    try {
      ticket = await p.session.ticket();
    } catch (err) {
      return state.end(endOfError(err));
    }
    if (state.closed) return;
    const url = withQuery(`${p.base}${PATH}`, {
      channels: p.channels.join(","),
      ticket,
      lastEventId: p.lastEventId ?? undefined,
    });
    if (!EventSourceCtor) return state.end({ code: "closed", message: "no EventSource here" });
    es = new EventSourceCtor(url);
    // EventSource delivers a named event only to listeners of that name: one per known name.
    for (const name of ["connected", "reset", "heartbeat", "shutdown", "revoked", "snapshot", "message", ...p.known])
      es.addEventListener(name, onFrame);
    // Its own reconnect would reuse the spent ticket: close, and let the connection decide.
    es.onerror = () => {
      es?.close();
      state.end({ code: "closed", message: "the event stream closed or could not open" });
    };
  })();
  return {
    name: "sse",
    close() {
      state.closed = true;
      es?.close();
    },
  };
}

export function fetchSseTransport(p: TransportParams, sink: TransportSink): Transport {
  const state = once(sink);
  const abort = new AbortController();
  void (async () => {
    let res: Response;
    try {
      res = await p.session.fetch(withQuery(PATH, { channels: p.channels.join(",") }), {
        headers: p.lastEventId
          ? { "Last-Event-ID": p.lastEventId, Accept: "text/event-stream" }
          : { Accept: "text/event-stream" },
        signal: abort.signal,
      });
    } catch (err) {
      return state.end(endOfError(err));
    }
    if (res.status !== 200 || !res.body) return state.end(endOfStatus(res.status, await errorText(res)));
    const parser = new SseParser((f) => {
      if (state.closed) return;
      const m = sseMessage(f.event, f.data, p.known, localNow());
      if (m.kind !== "revoked") return sink.message(m);
      state.end(revokedEnd(m.reason));
      abort.abort();
    });
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || state.closed) break;
        parser.push(value);
      }
      state.end({ code: "closed", message: "the server ended the stream" });
    } catch (err) {
      state.end({ code: "network", message: (err as Error).message ?? "stream read failed" });
    }
  })();
  return {
    name: "sse",
    close() {
      state.closed = true;
      abort.abort();
    },
  };
}
