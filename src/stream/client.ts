// A stream client over a byte sink (SSE) or a message sink (WebSocket): cursor, filter,
// backpressure bookkeeping and the encodings of control messages, made once per message.
import type { Principal } from "../auth/types.ts";
import { textOf } from "../bus/ring.ts";
import { nowMs } from "../domain/time.ts";
import type { ChannelFilter } from "./channels.ts";
import type { Control, Hub, Selection, SnapshotEntry, StreamClient } from "./hub.ts";
import type { Seat } from "./seats.ts";
import type { Transport } from "./transport.ts";

const enc = new TextEncoder();
type Encoded = Control & { sse?: Uint8Array; json?: string };

/**
 * `event: <kind>\ndata: <json>\n\n`, cached on the message so N clients share it. A reset
 * carries `id: <head>`: the client's Last-Event-ID moves to where its new snapshot stands.
 */
export function controlSse(msg: Control): Uint8Array {
  const m = msg as Encoded;
  if (!m.sse) {
    const retry = m.kind === "shutdown" ? `retry: ${m.data.retryMs}\n` : "";
    const id = m.kind === "reset" ? `id: ${m.data.head}\n` : "";
    m.sse = enc.encode(`${retry}${id}event: ${m.kind}\ndata: ${JSON.stringify(m.data)}\n\n`);
  }
  return m.sse;
}

/** Snapshot frames carry no `id:`, so they never move a client's Last-Event-ID. */
export function snapshotSse(entries: SnapshotEntry[]): Uint8Array {
  return enc.encode(entries.map((e) => `event: snapshot\ndata: ${e.text}\n\n`).join(""));
}

/** `{"type":<kind>,...data}`, cached on the message. */
export function controlJson(msg: Control): string {
  const m = msg as Encoded;
  return (m.json ??= JSON.stringify({ type: m.kind, ...m.data }));
}

/**
 * Where an SSE client's bytes go: Bun's direct-stream controller as it is (a number when the
 * bytes were taken, a promise when the socket pushes back), or an adapter with the same shape.
 */
export interface ByteSink {
  write(bytes: Uint8Array): number | Promise<unknown>;
  close(): void;
}

export class SseClient implements StreamClient {
  readonly transport: Transport = "sse";
  blocked = false;
  blockedSince = 0;
  closed = false;

  /** Where the bytes go; a subclass that is its own sink passes none. */
  protected readonly sink: ByteSink;
  readonly principal?: Principal;
  readonly seat?: Seat;

  constructor(
    protected readonly hub: Hub,
    public filter: ChannelFilter,
    public cursor: number,
    sink?: ByteSink,
    who?: { principal?: Principal; seat?: Seat },
  ) {
    this.sink = sink ?? (this as unknown as ByteSink);
    if (who?.principal) this.principal = who.principal;
    if (who?.seat) this.seat = who.seat;
  }

  send(sel: Selection): boolean {
    return this.out(sel.bytes());
  }

  control(msg: Control): void {
    this.out(controlSse(msg));
  }

  snapshot(entries: SnapshotEntry[]): void {
    this.out(snapshotSse(entries));
  }

  /** Bytes outside the hub (the `connected` preamble). */
  raw(bytes: Uint8Array): void {
    this.out(bytes);
  }

  end(_reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.sink.close();
    } catch {
      // already closed by the peer
    }
  }

  private out(bytes: Uint8Array): boolean {
    if (this.closed) return false;
    const r = this.sink.write(bytes);
    if (typeof r === "number") return true;
    this.blocked = true;
    this.blockedSince = nowMs();
    r.then(
      () => this.hub.unblock(this),
      () => this.hub.remove(this, "write_error"),
    );
    return false;
  }
}

/** What a WebSocket client needs from Bun's ServerWebSocket. */
export interface MessageSocket {
  sendText(data: string, compress?: boolean): number;
  cork<T>(cb: () => T): T;
  close(code?: number, reason?: string): void;
}

export class WsClient implements StreamClient {
  readonly transport: Transport = "ws";
  blocked = false;
  blockedSince = 0;
  closed = false;

  readonly principal?: Principal;
  readonly seat?: Seat;

  constructor(
    private readonly ws: MessageSocket,
    public filter: ChannelFilter,
    public cursor: number,
    who?: { principal?: Principal; seat?: Seat },
  ) {
    if (who?.principal) this.principal = who.principal;
    if (who?.seat) this.seat = who.seat;
  }

  send(sel: Selection): boolean {
    if (this.closed) return false;
    const evs = sel.events;
    let status = 1;
    if (evs.length === 1) status = this.ws.sendText(textOf(evs[0]!));
    else
      this.ws.cork(() => {
        for (const e of evs) status = Math.min(status, this.ws.sendText(textOf(e)));
      });
    return this.settle(status);
  }

  control(msg: Control): void {
    this.text(controlJson(msg));
  }

  snapshot(entries: SnapshotEntry[]): void {
    if (this.closed) return;
    let status = 1;
    this.ws.cork(() => {
      for (const e of entries) status = Math.min(status, this.ws.sendText(`{"type":"snapshot","event":${e.text}}`));
    });
    this.settle(status);
  }

  /** A reply to the client's own message (subscribed, error, pong). */
  text(s: string): void {
    if (!this.closed) this.settle(this.ws.sendText(s));
  }

  /** Closes with `code` (default 1008, policy violation), the reason as the close reason. */
  end(reason: string, code = 1008): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }

  /** Bun: -1 = queued behind backpressure (drain() follows), 0 = dropped, >0 = sent. */
  private settle(status: number): boolean {
    if (status > 0) return true;
    if (!this.blocked) {
      this.blocked = true;
      this.blockedSince = nowMs();
    }
    return false;
  }
}
