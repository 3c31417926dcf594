// The three kinds of subscriber (SSE, WebSocket, long-polling) over raw sockets, parsing only ticks.

import { randomBytes } from "node:crypto";
import { RawConn } from "./conn.ts";
import type { Endpoint, Transport } from "./endpoint.ts";
import { type Head, ResponseReader, type ResponseSink, request } from "./http.ts";
import { ClientTally, type Recorder, TickStream } from "./ticks.ts";

export interface Subscriber extends RawConn {
  readonly tally: ClientTally;
}

/** A raw SSE GET: an endless (usually chunked) body whose de-chunked pieces go to `body()`. */
/** The GET that opens an SSE stream: what every SSE client of the benches sends (JS or C). */
export const sseRequest = (host: string, port: number, path: string, headers: Record<string, string>): Buffer =>
  request("GET", path, `${host}:${port}`, { Accept: "text/event-stream", ...headers });

export abstract class RawSse extends RawConn implements ResponseSink {
  private readonly reader = new ResponseReader(this);

  constructor(
    host: string,
    port: number,
    rec: Recorder,
    private readonly path: string,
    private readonly headers: Record<string, string>,
  ) {
    super(host, port, rec);
  }
  opened(): void {
    this.send(sseRequest(this.host, this.port, this.path, this.headers));
  }
  received(buf: Buffer): void {
    this.reader.feed(buf);
  }
  head(h: Head): void {
    if (h.status === 200) this.markReady();
    else this.fail(`HTTP ${h.status}`);
  }
  abstract body(buf: Buffer, from: number, to: number): void;
  end(): void {
    if (!this.closing) this.reason ||= "stream ended by server";
  }
  override closed(): void {
    this.reader.closed();
    super.closed();
  }
}

/** SSE subscriber of the latency bench: the body scanned for ticks. */
export class SseClient extends RawSse implements Subscriber {
  readonly tally = new ClientTally();
  private readonly ticks: TickStream;

  constructor(ep: Endpoint, rec: Recorder) {
    super(ep.host, ep.port, rec, ep.sse.path, { ...ep.headers, ...ep.sse.headers });
    this.ticks = new TickStream(this.tally, rec);
  }
  body(buf: Buffer, from: number, to: number): void {
    this.ticks.push(buf, from, to);
  }
}

/** WebSocket: upgrade, subscribe, then unmasked server frames; text payloads are scanned. */
export class WsClient extends RawConn implements ResponseSink, Subscriber {
  readonly tally = new ClientTally();
  private readonly ticks: TickStream;
  private readonly reader = new ResponseReader(this);
  private upgraded = false;
  private hdr: Buffer | null = null; // a frame header cut by a read
  private remaining = 0; // payload bytes left in the current frame
  private opcode = 0;
  private control: Buffer[] = []; // payload of a ping/close frame being read

  constructor(
    private readonly ep: Endpoint,
    rec: Recorder,
  ) {
    super(ep.host, ep.port, rec);
    this.ticks = new TickStream(this.tally, rec);
  }
  opened(): void {
    const h = {
      Upgrade: "websocket",
      Connection: "Upgrade",
      "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
      "Sec-WebSocket-Version": "13",
      ...this.ep.headers,
    };
    this.send(request("GET", this.ep.ws!.path, `${this.host}:${this.port}`, h));
  }
  received(buf: Buffer): void {
    if (this.upgraded) this.frames(buf, 0);
    else this.reader.feed(buf);
  }
  head(h: Head): void {
    if (h.status !== 101) return this.fail(`HTTP ${h.status}`);
    this.upgraded = true;
    this.send(maskedFrame(0x1, Buffer.from(this.ep.ws!.subscribe)));
    this.markReady();
  }
  body(buf: Buffer, from: number, to: number): void {
    if (this.upgraded) this.frames(buf.subarray(0, to), from); // bytes after the 101 head
  }
  end(): void {}

  private frames(buf: Buffer, p: number): void {
    const len = buf.length;
    while (p < len) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, len - p);
        this.payload(buf, p, p + take);
        p += take;
        this.remaining -= take;
        if (this.remaining === 0) this.frameDone();
        continue;
      }
      // frame header: 2 bytes, +2 or +8 length bytes (server frames are unmasked)
      let src = buf;
      let q = p;
      if (this.hdr !== null) {
        src = Buffer.concat([this.hdr, buf.subarray(p)]);
        q = 0;
      }
      const avail = src.length - q;
      if (avail < 2) return this.keepHdr(src, q);
      const b1 = src[q + 1]! & 0x7f;
      const need = b1 === 126 ? 4 : b1 === 127 ? 10 : 2;
      if (avail < need) return this.keepHdr(src, q);
      this.opcode = src[q]! & 0x0f;
      this.remaining = b1 === 126 ? src.readUInt16BE(q + 2) : b1 === 127 ? Number(src.readBigUInt64BE(q + 2)) : b1;
      const used = need - (this.hdr === null ? 0 : this.hdr.length);
      this.hdr = null;
      p += used;
      if (this.remaining === 0) this.frameDone();
    }
  }

  private keepHdr(src: Buffer, q: number): void {
    this.hdr = Buffer.from(src.subarray(q));
  }

  private payload(buf: Buffer, from: number, to: number): void {
    if (this.opcode <= 2) this.ticks.push(buf, from, to);
    else this.control.push(Buffer.from(buf.subarray(from, to)));
  }

  private frameDone(): void {
    const data = Buffer.concat(this.control);
    this.control = [];
    if (this.opcode === 0x9) this.send(maskedFrame(0xa, data));
    else if (this.opcode === 0x8) {
      if (!this.closing) this.reason ||= `ws close ${data.length >= 2 ? data.readUInt16BE(0) : ""}`;
      this.send(maskedFrame(0x8, data.subarray(0, 2)));
    }
  }
}

/** Long-polling: GET ...&after=<next>, scan the JSON body, loop at once on the same connection. */
export class PollClient extends RawConn implements ResponseSink, Subscriber {
  readonly tally = new ClientTally();
  private readonly ticks: TickStream;
  private readonly reader = new ResponseReader(this);
  private status = 0;
  private parts: Buffer[] = [];
  private after: string | null = null;
  polls = 0;

  constructor(
    private readonly ep: Endpoint,
    rec: Recorder,
  ) {
    super(ep.host, ep.port, rec);
    this.ticks = new TickStream(this.tally, rec);
  }
  opened(): void {
    this.poll();
  }
  private poll(): void {
    this.polls++;
    this.send(request("GET", this.ep.poll!.path(this.after), `${this.host}:${this.port}`, this.ep.headers));
  }
  received(buf: Buffer): void {
    this.reader.feed(buf);
  }
  head(h: Head): void {
    this.status = h.status;
    this.parts = [];
  }
  body(buf: Buffer, from: number, to: number): void {
    this.parts.push(buf.subarray(from, to));
  }
  end(): void {
    if (this.status !== 200) return this.fail(`HTTP ${this.status}`);
    const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.ticks.push(body, 0, body.length);
    const next = nextCursor(body);
    if (next !== null) this.after = next;
    this.markReady(); // the first answer proves the subscription works
    if (!this.closing) this.poll();
  }
  override closed(): void {
    this.reader.closed();
    super.closed();
  }
}

const NEXT = Buffer.from('"next":');

/** The "next" cursor of a poll answer (a string or a number), or null. */
export function nextCursor(body: Buffer): string | null {
  const k = body.lastIndexOf(NEXT);
  if (k < 0) return null;
  let p = k + NEXT.length;
  while (body[p] === 0x20) p++;
  if (body[p] === 0x22) {
    const e = body.indexOf(0x22, p + 1);
    return e < 0 ? null : body.toString("latin1", p + 1, e);
  }
  let e = p;
  while (e < body.length && body[e] !== 0x2c && body[e] !== 0x7d) e++;
  const v = body.toString("latin1", p, e).trim();
  return v === "null" || v === "" ? null : v;
}

/** A client-to-server WebSocket frame (FIN set, masked as the protocol requires). */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const out = Buffer.allocUnsafe(2 + ext + 4 + n);
  out[0] = 0x80 | opcode;
  if (ext === 0) out[1] = 0x80 | n;
  else if (ext === 2) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(n), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, 2 + ext);
  for (let i = 0; i < n; i++) out[2 + ext + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

export function makeSubscriber(t: Transport, ep: Endpoint, rec: Recorder): Subscriber {
  if (t === "sse") return new SseClient(ep, rec);
  if (t === "ws") return new WsClient(ep, rec);
  return new PollClient(ep, rec);
}
