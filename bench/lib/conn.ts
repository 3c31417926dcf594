// A raw TCP connection (Bun.connect) with write backpressure, shared by every bench client.
//
// One handler object serves all sockets (socket.data points at the connection), so 10,000
// clients cost 10,000 small objects, not 10,000 closures. The receive time of each read is
// stamped once, before any parsing, into the run's Recorder.

import type { Socket, SocketHandler } from "bun";
import { nowMs } from "../../src/domain/time.ts";
import type { Recorder } from "./ticks.ts";

export type ConnState = "connecting" | "open" | "closed" | "failed";

export abstract class RawConn {
  sock: Socket<RawConn> | null = null;
  state: ConnState = "connecting";
  /** Why it failed or closed (status code, error message). */
  reason = "";
  /** True once we closed it ourselves (so a close is not counted as a server disconnect). */
  closing = false;
  private pending: Buffer[] = [];
  private readyResolve: (() => void) | null = null;
  private readyReject: ((e: Error) => void) | null = null;
  readonly ready: Promise<void>;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly rec: Recorder | null,
  ) {
    this.ready = new Promise<void>((res, rej) => {
      this.readyResolve = res;
      this.readyReject = rej;
    });
    this.ready.catch(() => {}); // observed through state; avoid unhandled rejections
  }

  connect(): void {
    Bun.connect<RawConn>({ hostname: this.host, port: this.port, data: this, socket: HANDLERS }).catch((e: unknown) =>
      this.fail(`connect: ${String(e)}`),
    );
  }

  send(buf: Buffer): void {
    const s = this.sock;
    if (s === null) return;
    if (this.pending.length > 0) {
      this.pending.push(buf);
      return;
    }
    const n = s.write(buf);
    if (n < buf.length) this.pending.push(buf.subarray(Math.max(0, n)));
  }

  close(): void {
    this.closing = true;
    this.sock?.terminate();
  }

  protected markReady(): void {
    if (this.state === "connecting") this.state = "open";
    this.readyResolve?.();
    this.readyResolve = null;
  }

  fail(reason: string): void {
    if (this.state === "connecting") this.state = "failed";
    if (this.reason === "") this.reason = reason;
    this.readyReject?.(new Error(reason));
    this.readyReject = null;
    if (!this.closing) this.close();
  }

  drain(): void {
    const s = this.sock;
    while (s !== null && this.pending.length > 0) {
      const b = this.pending[0]!;
      const n = s.write(b);
      if (n < b.length) {
        this.pending[0] = b.subarray(Math.max(0, n));
        return;
      }
      this.pending.shift();
    }
  }

  closed(): void {
    if (this.state === "connecting") this.fail(this.reason || "closed before ready");
    this.state = this.state === "failed" ? "failed" : "closed";
    this.sock = null;
  }

  abstract opened(): void;
  abstract received(buf: Buffer): void;
}

const HANDLERS: SocketHandler<RawConn> = {
  open(s) {
    s.setNoDelay(true); // no Nagle: a small publish or WS frame must leave at once
    s.data.sock = s;
    s.data.opened();
  },
  data(s, buf) {
    const c = s.data;
    if (c.rec !== null) {
      c.rec.now = nowMs();
      c.rec.reads++;
    }
    c.received(buf);
  },
  drain(s) {
    s.data.drain();
  },
  close(s) {
    s.data.closed();
  },
  end(s) {
    s.end();
  },
  error(s, e) {
    if (!s.data.reason) s.data.reason = `error: ${e.message}`;
  },
  connectError(s, e) {
    (s.data as RawConn | undefined)?.fail(`connect: ${e.message}`);
  },
};
