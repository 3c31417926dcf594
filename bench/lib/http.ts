// Incremental HTTP/1.1 response reader for raw sockets: head, then a body by length, chunks or close.
//
// Used by the SSE client (endless chunked body streamed to the tick scanner), the polling
// client and the publisher (pipelined responses on one keep-alive connection). Body bytes
// are handed out as (buffer, from, to) slices so nothing is copied on the hot path.

const CRLFCRLF = Buffer.from("\r\n\r\n");

export type Head = { status: number; headers: Map<string, string> };

export interface ResponseSink {
  head(h: Head): void;
  body(buf: Buffer, from: number, to: number): void;
  /** A response ended (length reached, last chunk, or close for close-delimited bodies). */
  end(): void;
}

enum S {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkCrlf,
  Trailer,
  UntilClose,
}

export class ResponseReader {
  private state = S.Head;
  private headBuf: Buffer | null = null;
  private remaining = 0;
  private sizeAcc = 0;
  private sizeDone = false;
  private lineLen = 0;

  constructor(private readonly sink: ResponseSink) {}

  /** Feeds bytes read from the socket; may complete several pipelined responses. */
  feed(buf: Buffer): void {
    let p = 0;
    const len = buf.length;
    while (p < len) {
      switch (this.state) {
        case S.Head: {
          p = this.readHead(buf, p);
          if (p < 0) return;
          break;
        }
        case S.Length: {
          const take = Math.min(this.remaining, len - p);
          if (take > 0) this.sink.body(buf, p, p + take);
          p += take;
          this.remaining -= take;
          if (this.remaining === 0) this.finish();
          break;
        }
        case S.ChunkSize: {
          const c = buf[p++]!;
          if (c === 0x0a) {
            if (this.sizeAcc === 0) {
              this.state = S.Trailer;
              this.lineLen = 0;
            } else {
              this.remaining = this.sizeAcc;
              this.state = S.ChunkData;
            }
            this.sizeAcc = 0;
            this.sizeDone = false;
          } else if (!this.sizeDone) {
            const h = hexVal(c);
            if (h < 0)
              this.sizeDone = true; // \r or ;extension
            else this.sizeAcc = this.sizeAcc * 16 + h;
          }
          break;
        }
        case S.ChunkData: {
          const take = Math.min(this.remaining, len - p);
          this.sink.body(buf, p, p + take);
          p += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = S.ChunkCrlf;
            this.lineLen = 0;
          }
          break;
        }
        case S.ChunkCrlf: {
          if (buf[p++] === 0x0a) this.state = S.ChunkSize;
          break;
        }
        case S.Trailer: {
          const c = buf[p++]!;
          if (c === 0x0a) {
            if (this.lineLen === 0) this.finish();
            this.lineLen = 0;
          } else if (c !== 0x0d) this.lineLen++;
          break;
        }
        case S.UntilClose: {
          this.sink.body(buf, p, len);
          p = len;
          break;
        }
      }
    }
  }

  /** The socket closed: ends a close-delimited body. */
  closed(): void {
    if (this.state === S.UntilClose) this.finish();
  }

  private finish(): void {
    this.state = S.Head;
    this.sink.end();
  }

  private readHead(buf: Buffer, p: number): number {
    let src = buf;
    let from = p;
    if (this.headBuf !== null) {
      src = Buffer.concat([this.headBuf, buf.subarray(p)]);
      from = 0;
    }
    const k = src.indexOf(CRLFCRLF, from);
    if (k < 0) {
      this.headBuf = Buffer.from(src.subarray(from));
      if (this.headBuf.length > 65536) throw new Error("HTTP response head larger than 64 KB");
      return -1;
    }
    const text = src.toString("latin1", from, k);
    const consumedFromSrc = k + 4 - from;
    const prevLen = this.headBuf === null ? 0 : this.headBuf.length;
    this.headBuf = null;
    const head = parseHead(text);
    this.sink.head(head);
    const te = head.headers.get("transfer-encoding") ?? "";
    const cl = head.headers.get("content-length");
    if (head.status === 101 || head.status === 204 || head.status === 304) {
      this.state = S.UntilClose; // 101: the rest is another protocol; caller switches away
      if (head.status !== 101) this.finish();
    } else if (te.toLowerCase().includes("chunked")) {
      this.state = S.ChunkSize;
    } else if (cl !== undefined) {
      this.remaining = Number(cl);
      this.state = S.Length;
      if (this.remaining === 0) this.finish();
    } else {
      this.state = S.UntilClose;
    }
    return p + consumedFromSrc - prevLen;
  }
}

export function parseHead(text: string): Head {
  const lines = text.split("\r\n");
  const status = Number((lines[0] ?? "").split(" ")[1]);
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const c = line.indexOf(":");
    if (c > 0) headers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
  }
  return { status, headers };
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Builds a request head (and body) as bytes. */
export function request(
  method: string,
  path: string,
  host: string,
  headers: Record<string, string> = {},
  body?: string,
): Buffer {
  let s = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`;
  if (body !== undefined) s += `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  else s += "\r\n";
  return Buffer.from(s);
}
