// The polling transport, for networks where neither SSE nor WebSocket gets through: long polls
// (`wait`) that each answer the events after the last id, or `reset`.

import { localNow } from "./clock.ts";
import { withQuery } from "./http.ts";
import { parseEvent } from "./parse.ts";
import {
  endOfError,
  endOfStatus,
  errorText,
  type Transport,
  type TransportParams,
  type TransportSink,
} from "./transport.ts";

/** How long the server may hold a poll; the request gives up a little after that. */
const WAIT_MS = 20_000;
const SLACK_MS = 10_000;

interface PollAnswer {
  events: unknown[];
  next: string;
  reset: string | null;
}

export function pollTransport(p: TransportParams, sink: TransportSink): Transport {
  let closed = false;
  let current: AbortController | undefined;
  const end = (e: Parameters<TransportSink["closed"]>[0]) => {
    if (closed) return;
    closed = true;
    sink.closed(e);
  };
  const once = async (after: string | null, wait: number): Promise<PollAnswer | null> => {
    current = new AbortController();
    const timer = setTimeout(() => current?.abort(), wait + SLACK_MS);
    try {
      const q = { channels: p.channels.join(","), after: after ?? undefined, wait, limit: 1000 };
      const res = await p.session.fetch(withQuery("/api/events/poll", q), { signal: current.signal });
      if (res.status !== 200) {
        end(endOfStatus(res.status, await errorText(res)));
        return null;
      }
      return (await res.json()) as PollAnswer;
    } catch (err) {
      end(
        closed
          ? { code: "closed", message: "closed" }
          : current.signal.aborted
            ? { code: "timeout", message: "poll timed out" }
            : endOfError(err),
      );
      return null;
    } finally {
      clearTimeout(timer);
    }
  };
  void (async () => {
    // The first answer comes at once: the head (fresh) or what came after our id.
    const first = await once(p.lastEventId, 0);
    if (!first || closed) return;
    const epoch = first.next.slice(0, first.next.indexOf("-"));
    const resumed = p.lastEventId !== null && first.reset === null ? p.lastEventId : null;
    sink.message({
      kind: "connected",
      info: { serverTime: Number.NaN, epoch, head: first.next, channels: p.channels, resumed },
      at: localNow(),
    });
    let a: PollAnswer | null = first;
    while (a && !closed) {
      const at = localNow();
      if (a.reset !== null)
        sink.message({
          kind: "reset",
          info: { reason: a.reset, epoch: a.next.slice(0, a.next.indexOf("-")), head: a.next },
        });
      for (const raw of a.events) {
        const ev = parseEvent(raw, p.known);
        sink.message(ev.ok ? { kind: "event", ev: ev.ev, at } : { kind: "bad", why: ev.why });
      }
      // An answer proves the link is alive and moves the cursor to where the server looked
      // (past events the filter skipped). No `t`: it says nothing about the heartbeat interval.
      if (a.reset === null) sink.message({ kind: "heartbeat", head: a.next, at });
      a = await once(a.next, WAIT_MS);
    }
  })();
  return {
    name: "poll",
    close() {
      closed = true;
      current?.abort();
    },
  };
}
