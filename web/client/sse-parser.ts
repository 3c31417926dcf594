// An incremental text/event-stream parser (the WHATWG rules that matter here), for reading SSE
// over fetch where EventSource does not exist (Bun, workers) or cannot send headers.

export interface SseFrame {
  event: string;
  data: string;
  id: string | undefined;
  retry: number | undefined;
}

export class SseParser {
  private buf = "";
  private readonly dec = new TextDecoder();
  private event = "";
  private data: string[] = [];
  private id: string | undefined;
  private retry: number | undefined;

  constructor(private readonly onFrame: (f: SseFrame) => void) {}

  push(chunk: Uint8Array | string): void {
    this.buf += typeof chunk === "string" ? chunk : this.dec.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = this.nextEol(start);
      if (nl < 0) break;
      const line = this.buf.slice(start, nl);
      start = nl + (this.buf[nl] === "\r" && this.buf[nl + 1] === "\n" ? 2 : 1);
      this.line(line);
    }
    this.buf = this.buf.slice(start);
  }

  private nextEol(from: number): number {
    const n = this.buf.indexOf("\n", from);
    const r = this.buf.indexOf("\r", from);
    if (r < 0) return n;
    // A lone \r at the very end may be the first half of \r\n: wait for more.
    if (r === this.buf.length - 1) return n >= 0 && n < r ? n : -1;
    return n < 0 ? r : Math.min(n, r);
  }

  private line(line: string): void {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return;
    const c = line.indexOf(":");
    const field = c < 0 ? line : line.slice(0, c);
    let value = c < 0 ? "" : line.slice(c + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id") {
      if (!value.includes("\0")) this.id = value;
    } else if (field === "retry") {
      if (/^\d+$/.test(value)) this.retry = Number(value);
    }
  }

  private dispatch(): void {
    const hasData = this.data.length > 0;
    const frame: SseFrame = {
      event: this.event || "message",
      data: this.data.join("\n"),
      id: this.id,
      retry: this.retry,
    };
    this.event = "";
    this.data = [];
    this.id = undefined;
    this.retry = undefined;
    if (hasData || frame.retry !== undefined) this.onFrame(frame);
  }
}
